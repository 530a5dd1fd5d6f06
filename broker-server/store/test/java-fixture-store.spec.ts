/**
 * Reads store directories written by Apache RocketMQ 4.9.4 (test/fixtures/apache-rocketmq/store, copied from the shared captures; see its README): a clean stop and
 * a SIGKILL mid-send. Each test works on a copy in a temp dir.
 */
import { createHash } from 'node:crypto';
import { promises as fsp, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeMessageRecord } from '@rocketnest/common';
import { DefaultMessageStore } from '../src/default-message-store';
import { makeMessage, makeTempDir } from './store-test-utils';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/apache-rocketmq/store');

interface CleanManifest {
  messages: {
    seq: number;
    topic: string;
    queueId: number;
    queueOffset: number;
    commitLogOffset: number;
    storeSize: number;
    msgId: string;
    uniqKey: string;
    keys: string;
    sysFlag: number;
    bodyCRC: number;
    storedBodySha256: string;
    storeTimestamp: number;
    properties: Record<string, string>;
  }[];
  consumeQueues: Record<string, { 'entries[queueOffset, commitLogOffset, size, tagsCode]': number[][] }>;
}

interface CrashManifest {
  sends: [number, string, string, number, number, number, boolean, number][];
  consumeQueueSummary: Record<string, { lastEntry: number[] }>;
}

function fixtureConfig(root: string) {
  return {
    storePathRootDir: root,
    mappedFileSizeCommitLog: 1048576,
    mappedFileSizeConsumeQueue: 6000,
    maxHashSlotNum: 1000,
    maxIndexNum: 4000,
    brokerHost: { address: '127.0.0.1', port: 10911 },
    flushIntervalCommitLog: 50,
    flushIntervalConsumeQueue: 50,
  };
}

async function copyFixture(name: string): Promise<string> {
  const dir = await makeTempDir('rn-fixture-');
  const root = path.join(dir, 'store');
  await fsp.cp(path.join(FIXTURES, name), root, { recursive: true });
  await fsp.rm(path.join(root, 'manifest.json'));
  const chmod = async (p: string): Promise<void> => {
    const st = await fsp.stat(p);
    await fsp.chmod(p, st.isDirectory() ? 0o755 : 0o644);
    if (st.isDirectory()) for (const c of await fsp.readdir(p)) await chmod(path.join(p, c));
  };
  await chmod(root);
  return root;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('reading a store written by Apache RocketMQ 4.9.4', () => {
  const roots: string[] = [];
  const stores: DefaultMessageStore[] = [];
  const open = async (fixture: string, mutate?: (root: string) => Promise<void>) => {
    const root = await copyFixture(fixture);
    roots.push(path.dirname(root));
    if (mutate) await mutate(root);
    const store = new DefaultMessageStore(fixtureConfig(root));
    store.logger = { warn: () => undefined, error: () => undefined };
    stores.push(store);
    await store.start();
    return store;
  };

  afterEach(async () => {
    for (const s of stores.splice(0)) await s.shutdown();
    for (const r of roots.splice(0)) await fsp.rm(r, { recursive: true, force: true });
  });

  describe('4.9.4-clean', () => {
    const manifest = JSON.parse(
      readFileSync(path.join(FIXTURES, '4.9.4-clean/manifest.json'), 'utf8'),
    ) as CleanManifest;

    it('serves every record byte-exact by commit log offset', async () => {
      const store = await open('4.9.4-clean');
      expect(store.lastShutdownWasClean).toBe(true);
      expect(store.getMaxPhyOffset()).toBe(2097152 + 755172);
      for (const m of manifest.messages) {
        const buf = await store.selectOneMessageByOffset(m.commitLogOffset);
        expect(buf).not.toBeNull();
        const msg = decodeMessageRecord(buf!, 0, { decompressBody: false });
        expect([
          msg.topic,
          msg.queueId,
          msg.queueOffset,
          msg.storeSize,
          msg.offsetMsgId,
          msg.sysFlag,
          msg.bodyCRC,
        ]).toEqual([m.topic, m.queueId, m.queueOffset, m.storeSize, m.msgId, m.sysFlag, m.bodyCRC]);
        expect(sha256(msg.body)).toBe(m.storedBodySha256);
        expect(msg.properties).toEqual(m.properties);
      }
    });

    it('pulls every consume queue with the Java offsets and sizes', async () => {
      const store = await open('4.9.4-clean');
      for (const [key, cq] of Object.entries(manifest.consumeQueues)) {
        const [topic, qid] = key.split('/') as [string, string];
        const entries = cq['entries[queueOffset, commitLogOffset, size, tagsCode]'];
        expect(store.getMaxOffsetInQueue(topic, Number(qid))).toBe(entries.length);
        expect(store.getMinOffsetInQueue(topic, Number(qid))).toBe(0);
        const seen: number[][] = [];
        let offset = 0;
        while (offset < entries.length) {
          const r = await store.getMessage('g', topic, Number(qid), offset, 32, 4 * 1024 * 1024);
          expect(r.status).toBe('FOUND');
          r.messageBuffers.forEach((b, i) => {
            const msg = decodeMessageRecord(b, 0, { decompressBody: false });
            seen.push([r.messageQueueOffsets[i]!, msg.commitLogOffset, msg.storeSize]);
          });
          offset = r.nextBeginOffset;
        }
        expect(seen).toEqual(entries.map((e) => e.slice(0, 3)));
      }
      // FxStoreA/0 spans two consume queue files: like Java, one pull stops at the end of a file.
      const tail = await store.getMessage('g', 'FxStoreA', 0, 299, 4, 1 << 20);
      expect(tail.messageQueueOffsets).toEqual([299]);
      expect(tail.nextBeginOffset).toBe(300);
      expect((await store.getMessage('g', 'FxStoreA', 0, 342, 4, 1 << 20)).status).toBe('OFFSET_OVERFLOW_ONE');
    });

    it('rebuilds consume queues identical to the Java ones (schedule tags code included) when they are missing', async () => {
      const store = await open('4.9.4-clean', async (root) => {
        await fsp.rm(path.join(root, 'consumequeue'), { recursive: true });
      });
      for (const [key, cq] of Object.entries(manifest.consumeQueues)) {
        const [topic, qid] = key.split('/') as [string, string];
        const entries = cq['entries[queueOffset, commitLogOffset, size, tagsCode]'];
        const queue = store.findConsumeQueue(topic, Number(qid))!;
        expect(queue.getMaxOffsetInQueue()).toBe(entries.length);
        for (const [qo, off, size, tags] of entries) {
          expect(await queue.getEntry(qo!)).toEqual({ commitLogOffset: off, msgSize: size, tagsCode: tags });
        }
      }
    });

    it('answers key and unique-key queries from the Java index file', async () => {
      const store = await open('4.9.4-clean');
      const m = manifest.messages.find((x) => x.seq === 7)!;
      const byKey = await store.queryMessage(m.topic, m.keys.split(' ')[0]!, 32, 0, Number.MAX_SAFE_INTEGER);
      expect(byKey.messageBuffers.map((b) => decodeMessageRecord(b).offsetMsgId)).toContain(m.msgId);
      const byUniq = await store.queryMessage(m.topic, m.uniqKey, 32, 0, Number.MAX_SAFE_INTEGER);
      expect(byUniq.messageBuffers.map((b) => decodeMessageRecord(b).offsetMsgId)).toEqual([m.msgId]);
      expect(byUniq.indexLastUpdatePhyoffset).toBe(2852036);
    });

    it('appends after the last Java record with the next queue offset', async () => {
      const store = await open('4.9.4-clean');
      const r = await store.putMessage(makeMessage('FxStoreA', 0, 'after java'));
      expect(r.status).toBe('PUT_OK');
      expect(r.appendResult!.wroteOffset).toBe(2097152 + 755172);
      expect(r.appendResult!.logicsOffset).toBe(342);
      await store.waitDispatched();
      const got = await store.getMessage('g', 'FxStoreA', 0, 342, 1, 1 << 20);
      expect(decodeMessageRecord(got.messageBuffers[0]!).body.toString()).toBe('after java');
    });
  });

  describe('4.9.4-crash (SIGKILL, abort file present)', () => {
    const manifest = JSON.parse(
      readFileSync(path.join(FIXTURES, '4.9.4-crash/manifest.json'), 'utf8'),
    ) as CrashManifest;

    it('recovers every acknowledged send and the consume queue ends', async () => {
      const store = await open('4.9.4-crash');
      expect(store.lastShutdownWasClean).toBe(false);
      expect(store.getMaxPhyOffset()).toBe(3145728 + 3663);
      for (const [seq, uniqKey, offsetMsgId, queueId, queueOffset, , , commitLogOffset] of manifest.sends) {
        const buf = await store.selectOneMessageByOffset(commitLogOffset);
        expect(buf).not.toBeNull();
        const msg = decodeMessageRecord(buf!);
        expect([
          msg.offsetMsgId,
          msg.queueId,
          msg.queueOffset,
          msg.getProperty('UNIQ_KEY'),
          msg.getProperty('seq'),
        ]).toEqual([offsetMsgId, queueId, queueOffset, uniqKey, String(seq)]);
      }
      for (const [key, summary] of Object.entries(manifest.consumeQueueSummary)) {
        const [topic, qid] = key.split('/') as [string, string];
        const [lastQo, lastOff] = summary.lastEntry as [number, number];
        expect(await store.getCommitLogOffsetInQueue(topic, Number(qid), lastQo)).toBe(lastOff);
        // The broker died before dispatching its last records (seq 2579, 2580): recovery adds their entries.
        const acked = manifest.sends.filter((s) => s[3] === Number(qid));
        const lastAcked = acked[acked.length - 1]!;
        expect(store.getMaxOffsetInQueue(topic, Number(qid))).toBe(lastAcked[4] + 1);
        expect(await store.getCommitLogOffsetInQueue(topic, Number(qid), lastAcked[4])).toBe(lastAcked[7]);
      }
    });

    it('rebuilds the index file newer than the checkpoint so the last keys are found', async () => {
      const store = await open('4.9.4-crash');
      const last = manifest.sends[manifest.sends.length - 1]!;
      const r = await store.queryMessage('FxCrash', `crash-${last[0]}`, 4, 0, Number.MAX_SAFE_INTEGER);
      expect(r.messageBuffers.map((b) => decodeMessageRecord(b).offsetMsgId)).toEqual([last[2]]);
      const first = manifest.sends[0]!;
      const r1 = await store.queryMessage('FxCrash', first[1], 4, 0, Number.MAX_SAFE_INTEGER);
      expect(r1.messageBuffers.map((b) => decodeMessageRecord(b).offsetMsgId)).toEqual([first[2]]);
    });
  });
});
