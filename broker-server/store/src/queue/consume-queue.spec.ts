import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readInt64 } from '../commitlog/record-check';
import { ConsumeQueue, CQ_STORE_UNIT_SIZE } from './consume-queue';

describe('ConsumeQueue write-behind', () => {
  let dir: string;
  const queues: ConsumeQueue[] = [];
  const open = (segmentEntries: number): ConsumeQueue => {
    const cq = new ConsumeQueue('T', 0, dir, segmentEntries * CQ_STORE_UNIT_SIZE);
    queues.push(cq);
    return cq;
  };
  const entry = (i: number) => ({ commitLogOffset: i * 100, msgSize: 100, tagsCode: i });
  const offsetsOf = (buf: Buffer | undefined): number[] => {
    const out: number[] = [];
    for (let p = 0; buf && p < buf.length; p += CQ_STORE_UNIT_SIZE) out.push(readInt64(buf, p));
    return out;
  };

  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'rn-cq-'));
  });
  afterEach(async () => {
    for (const cq of queues.splice(0)) await cq.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('serves entries held in memory, across segment ends and growth, and writes them all on flush', async () => {
    const cq = open(1000);
    const total = 5000;
    for (let i = 0; i < total; i += 7) {
      const n = Math.min(7, total - i);
      await cq.putEntries(i, Array.from({ length: n }, (_, k) => entry(i + k)));
    }
    expect(cq.getMaxOffsetInQueue()).toBe(total);
    expect(cq.maxPhysicOffset).toBe((total - 1) * 100 + 100);
    // Reads stop at a segment end (entry 1000 starts the second segment), whether on file or in memory.
    expect(offsetsOf(await cq.getEntries(990, 32))).toEqual(Array.from({ length: 10 }, (_, k) => (990 + k) * 100));
    expect(offsetsOf(await cq.getEntries(4990, 32))).toEqual(Array.from({ length: 10 }, (_, k) => (4990 + k) * 100));
    expect((await cq.getEntry(4999))!.tagsCode).toBe(4999);

    await cq.flush();
    const files = (await fsp.readdir(path.join(dir, 'T', '0'))).sort();
    expect(files).toHaveLength(5);
    const last = await fsp.readFile(path.join(dir, 'T', '0', files[4]!));
    expect(readInt64(last, 999 * CQ_STORE_UNIT_SIZE)).toBe(4999 * 100);

    const reopened = open(1000);
    await reopened.load();
    await reopened.recover();
    expect(reopened.getMaxOffsetInQueue()).toBe(total);
    expect(offsetsOf(await reopened.getEntries(4998, 32))).toEqual([499800, 499900]);
  });

  it('skips entries it already holds and keeps them through truncation', async () => {
    const cq = open(1000);
    await cq.putEntries(0, [entry(0), entry(1), entry(2)]);
    await cq.putEntries(1, [entry(1), entry(2), entry(3)]);
    expect(cq.getMaxOffsetInQueue()).toBe(4);
    expect(offsetsOf(await cq.getEntries(0, 32))).toEqual([0, 100, 200, 300]);
    await cq.truncateDirtyLogicFiles(250);
    expect(cq.getMaxOffsetInQueue()).toBe(3);
    expect(offsetsOf(await cq.getEntries(0, 32))).toEqual([0, 100, 200]);
  });
});
