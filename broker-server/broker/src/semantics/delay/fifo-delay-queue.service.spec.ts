import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type MessageExt, MessageExtBrokerInner, encodeMessageRecord } from '@rocketnest/common';
import type { GetMessageResult, PutMessageResult } from '@rocketnest/store';
import type { SemanticsStore } from '../semantics-host';
import { OffsetTableFile } from '../util/offset-table-file';
import { FifoDelayQueueService } from './fifo-delay-queue.service';

/** A store holding records in memory, enough for the delay engine (queue order, offsets, store timestamps). */
class MemoryStore implements SemanticsStore {
  readonly queues = new Map<string, Buffer[]>();
  private commitLogOffset = 0;
  now = 1_000_000;

  add(topic: string, queueId: number, tag: string): void {
    const msg = new MessageExtBrokerInner();
    msg.topic = topic;
    msg.queueId = queueId;
    msg.body = Buffer.from(tag);
    msg.putProperty('TAGS', tag);
    msg.bornHost = { address: '127.0.0.1', port: 1 };
    msg.storeHost = { address: '127.0.0.1', port: 2 };
    const key = `${topic}/${queueId}`;
    const list = this.queues.get(key) ?? [];
    msg.queueOffset = list.length;
    msg.storeTimestamp = this.now;
    msg.commitLogOffset = this.commitLogOffset;
    msg.syncPropertiesString();
    const record = encodeMessageRecord(msg);
    this.commitLogOffset += record.length;
    list.push(record);
    this.queues.set(key, list);
  }
  putMessage(): PutMessageResult {
    throw new Error('not used');
  }
  lookMessageByOffset(): undefined {
    return undefined;
  }
  getMessage(_g: string, topic: string, queueId: number, offset: number, max: number): GetMessageResult {
    const list = this.queues.get(`${topic}/${queueId}`) ?? [];
    const buffers = list.slice(offset, offset + max);
    return {
      status: buffers.length > 0 ? 'FOUND' : 'NO_MESSAGE_IN_QUEUE',
      nextBeginOffset: offset + buffers.length,
      minOffset: 0,
      maxOffset: list.length,
      messageBuffers: buffers,
      messageQueueOffsets: buffers.map((_, i) => offset + i),
      bufferTotalSize: buffers.reduce((n, b) => n + b.length, 0),
      messageCount: buffers.length,
      suggestPullingFromSlave: false,
    };
  }
  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.queues.get(`${topic}/${queueId}`)?.length ?? 0;
  }
  getMinOffsetInQueue(): number {
    return 0;
  }
  getOffsetInQueueByTime(): number {
    return 0;
  }
}

describe('FifoDelayQueueService', () => {
  let dir: string;
  let store: MemoryStore;
  const services: FifoDelayQueueService[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-fifo-delay-'));
    store = new MemoryStore();
  });
  afterEach(async () => {
    for (const s of services.splice(0)) await s.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function engine(onDue: (msg: MessageExt) => Promise<boolean>, delayMs = 1000): FifoDelayQueueService {
    const s = new FifoDelayQueueService({
      name: 'test',
      store,
      topic: 'DELAYQ',
      group: 'G',
      queues: [{ queueId: 0, delayMs }],
      offsetFile: new OffsetTableFile(path.join(dir, 'offsets.json')),
      onDue,
      idlePollMs: 5,
      retryAfterFailureMs: 5,
      persistIntervalMs: 5,
      now: () => store.now,
    });
    services.push(s);
    return s;
  }

  const until = async (cond: () => boolean): Promise<void> => {
    for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(cond()).toBe(true);
  };

  it('hands entries on in order once due and not before', async () => {
    const seen: string[] = [];
    store.add('DELAYQ', 0, 'a');
    store.now += 10;
    store.add('DELAYQ', 0, 'b');
    const s = engine(async (m) => {
      seen.push(m.body.toString());
      return true;
    });
    s.start();
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual([]);
    store.now += 995; // 'a' due (stored 1005 ms ago), 'b' not yet
    s.wakeup();
    await until(() => seen.length === 1);
    store.now += 5;
    s.wakeup();
    await until(() => seen.length === 2);
    expect(seen).toEqual(['a', 'b']);
    expect(s.offsetTable.get(0)).toBe(2);
  });

  it('does not advance past an entry whose hand-over failed, and retries it', async () => {
    let attempts = 0;
    store.add('DELAYQ', 0, 'x');
    store.now += 2000;
    const s = engine(async () => ++attempts >= 3);
    s.start();
    await until(() => attempts >= 3);
    await until(() => s.offsetTable.get(0) === 1);
  });

  it('resumes from the persisted offset after a restart and redelivers what was not persisted', async () => {
    for (const t of ['1', '2', '3']) store.add('DELAYQ', 0, t);
    store.now += 5000;
    const first: string[] = [];
    const s1 = engine(async (m) => {
      first.push(m.body.toString());
      return true;
    });
    s1.start();
    await until(() => first.length === 3);
    await s1.shutdown(); // graceful: offsets written
    expect(new OffsetTableFile(path.join(dir, 'offsets.json')).load().get(0)).toBe(3);
    store.add('DELAYQ', 0, '4');
    store.now += 5000;
    const second: string[] = [];
    const s2 = engine(async (m) => {
      second.push(m.body.toString());
      return true;
    });
    s2.start();
    await until(() => second.length === 1);
    expect(second).toEqual(['4']);

    // A crash loses at most the progress made since the last write: simulate by rewinding the file.
    await s2.shutdown();
    new OffsetTableFile(path.join(dir, 'offsets.json')).save(new Map([[0, 2]]));
    const third: string[] = [];
    const s3 = engine(async (m) => {
      third.push(m.body.toString());
      return true;
    });
    s3.start();
    await until(() => third.length === 2);
    expect(third).toEqual(['3', '4']); // at-least-once: redelivered, nothing skipped
  });
});

describe('FifoDelayQueueService offset correction', () => {
  it('pulls a saved offset beyond the queue back to its end (Java correctDelayOffset)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-fifo-correct-'));
    const store = new MemoryStore();
    const file = new OffsetTableFile(path.join(dir, 'offsets.json'));
    file.save(new Map([[0, 10]]));
    store.add('DELAYQ', 0, 'only');
    store.now += 5000;
    const seen: string[] = [];
    const s = new FifoDelayQueueService({
      name: 'test',
      store,
      topic: 'DELAYQ',
      group: 'G',
      queues: [{ queueId: 0, delayMs: 1000 }],
      offsetFile: file,
      onDue: async (m) => {
        seen.push(m.body.toString());
        return true;
      },
      idlePollMs: 5,
      now: () => store.now,
    });
    s.start();
    try {
      for (let i = 0; i < 100 && s.offsetTable.get(0) !== 1; i++) await new Promise((r) => setTimeout(r, 5));
      expect(s.offsetTable.get(0)).toBe(1);
      store.add('DELAYQ', 0, 'after');
      store.now += 5000;
      s.wakeup();
      for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(seen).toEqual(['after']);
    } finally {
      await s.shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
