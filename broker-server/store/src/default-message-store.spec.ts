import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { decodeMessageRecord, javaStringHashCode, MessageSysFlag } from '@rocketnest/common';
import { makeMessage, makeTempDir, openStore, testConfig } from '../test/store-test-utils';
import { waitFor } from '../../../test/utils/wait-for';
import { DefaultMessageStore } from './default-message-store';
import { MappedFile, offsetToFileName } from './mapped-file/mapped-file';
import type { MessageFilter } from './store-types';

const body = (r: Buffer) => decodeMessageRecord(r).body.toString();

/** Encoded SEND_BATCH_MESSAGE body (protocol.md §4.7). */
function batchBody(items: { body: string; props?: string }[]): Buffer {
  return Buffer.concat(
    items.map(({ body: b, props = '' }) => {
      const bb = Buffer.from(b);
      const pb = Buffer.from(props);
      const buf = Buffer.alloc(20 + bb.length + 2 + pb.length);
      buf.writeInt32BE(buf.length, 0);
      buf.writeInt32BE(bb.length, 16);
      bb.copy(buf, 20);
      buf.writeInt16BE(pb.length, 20 + bb.length);
      pb.copy(buf, 22 + bb.length);
      return buf;
    }),
  );
}

describe('DefaultMessageStore', () => {
  let dir: string;
  let store: DefaultMessageStore | undefined;

  beforeEach(async () => {
    dir = await makeTempDir();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await store?.shutdown();
    store = undefined;
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const put = async (topic: string, queueId: number, text: string, opts = {}) => {
    const r = await store!.putMessage(makeMessage(topic, queueId, text, opts));
    expect(r.status).toBe('PUT_OK');
    return r.appendResult!;
  };

  describe('put and get', () => {
    it('reuses write slabs without changing bytes already handed to readers', async () => {
      const slabAllocs = jest.spyOn(Buffer, 'allocUnsafeSlow');
      store = await openStore(dir, { mappedFileSizeCommitLog: 1024 * 1024, recentWriteCacheBytes: 256 * 1024 });
      const bodyOf = (i: number) => Buffer.alloc(16 * 1024, `m${i}-`);
      // Short, whole-body fingerprints keep a failure readable.
      const digest = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 12);
      const expected = (i: number) => digest(bodyOf(i).toString());
      const got = (r: Buffer) => digest(body(r));
      const offsets: number[] = [];
      let early: Buffer[] = [];
      let earlyOne: Buffer | null = null;
      // 1000 × 16 KiB: four 4 MiB slabs' worth, while readers hold results taken from the recent-write cache.
      for (let i = 0; i < 1000; i++) {
        offsets.push((await put('S', i % 2, bodyOf(i).toString())).wroteOffset);
        if (i === 9) {
          await store.waitDispatched();
          early = (await store.getMessage('g', 'S', 0, 0, 32, 1 << 20)).messageBuffers;
          earlyOne = await store.selectOneMessageByOffset(offsets[3]!);
        }
      }
      const slabs = slabAllocs.mock.calls.filter(([size]) => size === 4 * 1024 * 1024).length;
      expect(slabs).toBeLessThan(4);
      expect(early.map(got)).toEqual([0, 2, 4, 6, 8].map(expected));
      expect(got(earlyOne!)).toBe(expected(3));
      await store.waitDispatched();
      for (const q of [0, 1]) {
        let next = 0;
        const seen: string[] = [];
        while (next < 500) {
          const r = await store.getMessage('g', 'S', q, next, 32, 1 << 20);
          expect(r.status).toBe('FOUND');
          seen.push(...r.messageBuffers.map(got));
          next = r.nextBeginOffset;
        }
        expect(seen).toEqual(Array.from({ length: 500 }, (_, k) => expected(2 * k + q)));
      }
    });

    it('assigns consecutive queue offsets and reads messages back in order', async () => {
      store = await openStore(dir);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store!.putMessage(makeMessage('T', 0, `hello-${i}`, { tags: 'A' }))),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill('PUT_OK'));
      expect(results.map((r) => r.appendResult!.logicsOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const a = results[3]!.appendResult!;
      expect(a.msgId).toBe(`7F00000100002A9F${a.wroteOffset.toString(16).toUpperCase().padStart(16, '0')}`);
      await store.waitDispatched();
      const got = await store.getMessage('g', 'T', 0, 0, 32, 1024 * 1024);
      expect(got).toMatchObject({
        status: 'FOUND',
        messageCount: 10,
        nextBeginOffset: 10,
        minOffset: 0,
        maxOffset: 10,
      });
      expect(got.messageBuffers.map(body)).toEqual(Array.from({ length: 10 }, (_, i) => `hello-${i}`));
      expect(got.messageQueueOffsets).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('stops a pull at maxMsgNums and at maxTotalMsgSize (but returns at least one message)', async () => {
      store = await openStore(dir);
      for (let i = 0; i < 6; i++) await put('T', 0, 'x'.repeat(100));
      await store.waitDispatched();
      const byCount = await store.getMessage('g', 'T', 0, 0, 4, 1 << 20);
      expect([byCount.messageCount, byCount.nextBeginOffset]).toEqual([4, 4]);
      const size = byCount.messageBuffers[0]!.length;
      const bySize = await store.getMessage('g', 'T', 0, 1, 32, size * 2 + 1);
      expect([bySize.messageCount, bySize.nextBeginOffset]).toEqual([2, 3]);
      const tiny = await store.getMessage('g', 'T', 0, 5, 32, 1);
      expect([tiny.status, tiny.messageCount]).toEqual(['FOUND', 1]);
    });

    it('rolls commit log segments with a BLANK record and keeps reading across them', async () => {
      store = await openStore(dir);
      const big = 'y'.repeat(9000);
      const offsets: number[] = [];
      for (let i = 0; i < 20; i++) offsets.push((await put('T', 1, `${i}:${big}`)).wroteOffset);
      const segs = new Set(offsets.map((o) => Math.floor(o / (64 * 1024))));
      expect(segs.size).toBeGreaterThan(2);
      const files = await fsp.readdir(path.join(dir, 'commitlog'));
      expect(files).toContain(offsetToFileName(64 * 1024));
      const f0 = await fsp.readFile(path.join(dir, 'commitlog', offsetToFileName(0)));
      const lastInFirst = Math.max(...offsets.filter((o) => o < 64 * 1024));
      const blankAt = lastInFirst + f0.readInt32BE(lastInFirst);
      expect(f0.readInt32BE(blankAt + 4)).toBe(-875286124);
      expect(f0.readInt32BE(blankAt)).toBe(64 * 1024 - blankAt);
      await store.waitDispatched();
      const all: string[] = [];
      for (let off = 0; off < 20;) {
        const r = await store.getMessage('g', 'T', 1, off, 32, 1 << 20);
        all.push(...r.messageBuffers.map((b) => body(b).split(':')[0]!));
        off = r.nextBeginOffset;
      }
      expect(all).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    });

    it('stores a batch as consecutive records with joined msgIds and batch properties appended', async () => {
      store = await openStore(dir);
      await put('B', 0, 'before');
      const r = await store.putMessages({
        topic: 'B',
        queueId: 0,
        body: batchBody([{ body: 'one', props: 'KEYS\u0001k1\u0002' }, { body: 'two' }, { body: 'three' }]),
        sysFlag: 0,
        bornTimestamp: Date.now(),
        bornHost: { address: '127.0.0.1', port: 1234 },
        propertiesString: 'CLUSTER\u0001c1\u0002',
      });
      expect(r.status).toBe('PUT_OK');
      expect(r.appendResult).toMatchObject({ logicsOffset: 1, msgNum: 3 });
      expect(r.appendResult!.msgId.split(',')).toHaveLength(3);
      await store.waitDispatched();
      const got = await store.getMessage('g', 'B', 0, 1, 32, 1 << 20);
      const msgs = got.messageBuffers.map((b) => decodeMessageRecord(b));
      expect(msgs.map((m) => [m.body.toString(), m.queueOffset, m.getProperty('CLUSTER')])).toEqual([
        ['one', 1, 'c1'],
        ['two', 2, 'c1'],
        ['three', 3, 'c1'],
      ]);
      expect(msgs[0]!.getProperty('KEYS')).toBe('k1');
      expect(msgs.map((m) => m.offsetMsgId)).toEqual(r.appendResult!.msgId.split(','));
    });

    it('filters by tags code in the consume queue and by the record itself', async () => {
      store = await openStore(dir);
      await put('F', 0, 'a1', { tags: 'A' });
      await put('F', 0, 'b1', { tags: 'B' });
      await put('F', 0, 'a2', { tags: 'A' });
      await store.waitDispatched();
      const codeA = javaStringHashCode('A');
      const byTag: MessageFilter = {
        isMatchedByConsumeQueue: (code) => code === codeA,
        isMatchedByCommitLog: () => true,
      };
      const a = await store.getMessage('g', 'F', 0, 0, 32, 1 << 20, byTag);
      expect(a.messageBuffers.map(body)).toEqual(['a1', 'a2']);
      const none: MessageFilter = { isMatchedByConsumeQueue: () => false, isMatchedByCommitLog: () => true };
      const nm = await store.getMessage('g', 'F', 0, 0, 32, 1 << 20, none);
      expect([nm.status, nm.nextBeginOffset]).toEqual(['NO_MATCHED_MESSAGE', 3]);
      const byRecord: MessageFilter = {
        isMatchedByConsumeQueue: () => true,
        isMatchedByCommitLog: (rec) => body(rec) === 'b1',
      };
      expect((await store.getMessage('g', 'F', 0, 0, 32, 1 << 20, byRecord)).messageBuffers.map(body)).toEqual(['b1']);
    });

    it('fires the arrival listener for each dispatched message', async () => {
      const seen: [string, number, number, number][] = [];
      store = await openStore(dir);
      store.setArrivingListener((topic, queueId, logicOffset, tagsCode) =>
        seen.push([topic, queueId, logicOffset, tagsCode]),
      );
      await put('L', 2, 'm1', { tags: 'TagA' });
      await put('L', 2, 'm2');
      await waitFor(() => seen.length === 2);
      expect(seen).toEqual([
        ['L', 2, 1, javaStringHashCode('TagA')],
        ['L', 2, 2, 0],
      ]);
    });
  });

  describe('Java semantics', () => {
    it('moves delayed messages to SCHEDULE_TOPIC_XXXX with the delivery time as tags code', async () => {
      store = await openStore(dir);
      const a = await put('D', 3, 'later', { properties: { DELAY: '3' } });
      await store.waitDispatched();
      const msg = (await store.lookMessageByOffset(a.wroteOffset))!;
      expect([msg.topic, msg.queueId, msg.getProperty('REAL_TOPIC'), msg.getProperty('REAL_QID')]).toEqual([
        'SCHEDULE_TOPIC_XXXX',
        2,
        'D',
        '3',
      ]);
      const cq = store.findConsumeQueue('SCHEDULE_TOPIC_XXXX', 2)!;
      expect(await cq.getEntry(0)).toEqual({
        commitLogOffset: a.wroteOffset,
        msgSize: a.wroteBytes,
        tagsCode: a.storeTimestamp + 10000,
      });
      // Levels above the table are clamped to the last level.
      const b = await put('D', 0, 'clamped', { properties: { DELAY: '99' } });
      expect((await store.lookMessageByOffset(b.wroteOffset))!.queueId).toBe(17);
    });

    it('takes tags, keys and WAIT from a pre-encoded properties string (the broker hands the string)', async () => {
      store = await openStore(dir);
      const m = makeMessage('P', 0, 'pre');
      m.properties = {};
      m.propertiesString = 'TAGS\u0001TagZ\u0002KEYS\u0001pk1 pk2\u0002';
      expect((await store.putMessage(m)).status).toBe('PUT_OK');
      await store.waitDispatched();
      const entry = await store.findConsumeQueue('P', 0)!.getEntry(0);
      expect(entry!.tagsCode).toBe(javaStringHashCode('TagZ'));
      expect((await store.queryMessage('P', 'pk2', 4, 0, Number.MAX_SAFE_INTEGER)).messageBuffers.map(body)).toEqual([
        'pre',
      ]);
    });

    it('keeps prepared and rollback transaction records out of consume queues (prepared are indexed)', async () => {
      store = await openStore(dir);
      const prepared = await put('X', 0, 'half', { sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE, keys: 'kp' });
      const rollback = await put('X', 0, 'rb', { sysFlag: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE, keys: 'kr' });
      const commit = await put('X', 0, 'commit', { sysFlag: MessageSysFlag.TRANSACTION_COMMIT_TYPE });
      await put('X', 0, 'plain');
      expect([prepared.logicsOffset, rollback.logicsOffset, commit.logicsOffset]).toEqual([0, 0, 0]);
      await store.waitDispatched();
      const got = await store.getMessage('g', 'X', 0, 0, 32, 1 << 20);
      expect(got.messageBuffers.map(body)).toEqual(['commit', 'plain']);
      const kp = await store.queryMessage('X', 'kp', 10, 0, Number.MAX_SAFE_INTEGER);
      expect(kp.messageBuffers.map(body)).toEqual(['half']);
      const kr = await store.queryMessage('X', 'kr', 10, 0, Number.MAX_SAFE_INTEGER);
      expect(kr.messageBuffers).toHaveLength(0);
    });

    it('finds messages by key, by unique key and by time, across index files', async () => {
      store = await openStore(dir, { maxIndexNum: 16 });
      for (let i = 0; i < 30; i++)
        await put('Q', 0, `m${i}`, { keys: `k${i} shared`, properties: { UNIQ_KEY: `U${i}` } });
      await store.waitDispatched();
      expect(store.indexService.files.length).toBeGreaterThan(2);
      expect((await store.queryMessage('Q', 'k7', 10, 0, Number.MAX_SAFE_INTEGER)).messageBuffers.map(body)).toEqual([
        'm7',
      ]);
      expect((await store.queryMessage('Q', 'U29', 10, 0, Number.MAX_SAFE_INTEGER)).messageBuffers.map(body)).toEqual([
        'm29',
      ]);
      const shared = await store.queryMessage('Q', 'shared', 64, 0, Number.MAX_SAFE_INTEGER);
      expect(shared.messageBuffers).toHaveLength(30);
      expect((await store.queryMessage('Q', 'k7', 10, 0, 1000)).messageBuffers).toHaveLength(0);
      expect((await store.queryMessage('Other', 'k7', 10, 0, Number.MAX_SAFE_INTEGER)).messageBuffers).toHaveLength(0);
    });

    it('answers offset, time and lookup queries', async () => {
      store = await openStore(dir);
      const first = await put('S', 0, 'a');
      await new Promise((r) => setTimeout(r, 5));
      const mid = await put('S', 0, 'b');
      await new Promise((r) => setTimeout(r, 5));
      await put('S', 0, 'c');
      await store.waitDispatched();
      expect(await store.getCommitLogOffsetInQueue('S', 0, 1)).toBe(mid.wroteOffset);
      expect(await store.getMessageStoreTimeStamp('S', 0, 1)).toBe(mid.storeTimestamp);
      expect(await store.getEarliestMessageTime('S', 0)).toBe(first.storeTimestamp);
      expect(await store.getOffsetInQueueByTime('S', 0, mid.storeTimestamp)).toBe(1);
      expect(await store.getOffsetInQueueByTime('S', 0, 0)).toBe(0);
      expect(await store.getOffsetInQueueByTime('S', 0, Date.now() + 100000)).toBe(2);
      expect((await store.lookMessageByOffset(mid.wroteOffset))!.body.toString()).toBe('b');
      expect(await store.selectOneMessageByOffset(mid.wroteOffset + 3)).toBeNull();
      expect(await store.getMessageStoreTimeStamp('S', 0, 7)).toBe(-1);
      expect([store.getMinPhyOffset(), store.getMaxPhyOffset()]).toEqual([0, store.commitLog.writtenOffset]);
      expect(store.dispatchBehindBytes()).toBe(0);
      const info = store.getRuntimeInfo();
      expect(info.putMessageTimesTotal).toBe('3');
      expect(info.commitLogMaxOffset).toBe(String(store.getMaxPhyOffset()));
    });
  });

  describe('GetMessageStatus', () => {
    it('reports offset statuses with the next offset to use', async () => {
      store = await openStore(dir);
      await put('G', 0, 'one');
      await put('G', 0, 'two');
      await store.waitDispatched();
      const at = (q: number, off: number) => store!.getMessage('g', 'G', q, off, 32, 1 << 20);
      expect(await at(0, 2)).toMatchObject({ status: 'OFFSET_OVERFLOW_ONE', nextBeginOffset: 2 });
      expect(await at(0, 9)).toMatchObject({ status: 'OFFSET_OVERFLOW_BADLY', nextBeginOffset: 0 });
      expect(await at(3, 0)).toMatchObject({ status: 'NO_MESSAGE_IN_QUEUE', nextBeginOffset: 0 });
      expect(await store.getMessage('g', 'Nope', 0, 0, 32, 1 << 20)).toMatchObject({
        status: 'NO_MATCHED_LOGIC_QUEUE',
      });
    });

    it('MESSAGE_WAS_REMOVING, then OFFSET_TOO_SMALL once retention moved the queue minimum', async () => {
      store = await openStore(dir, {
        fileReservedTime: 0,
        deleteWhen: String(new Date().getHours()),
        maxFilterMessageCount: 2,
      });
      for (let i = 0; i < 40; i++) await put('R', 0, `${i}:${'z'.repeat(5000)}`);
      await store.waitDispatched();
      expect(await store.deleteExpiredCommitLogFiles()).toBeGreaterThan(0);
      const minPhy = store.getMinPhyOffset();
      expect(minPhy).toBeGreaterThan(0);
      // The first entries point into the deleted segment (this pull scans 2 entries at most).
      const removing = await store.getMessage('g', 'R', 0, 0, 2, 1 << 20);
      expect([removing.status, removing.nextBeginOffset]).toEqual(['MESSAGE_WAS_REMOVING', 2]);
      await store.cleanConsumeQueuesAndIndex();
      const min = store.getMinOffsetInQueue('R', 0);
      expect(min).toBeGreaterThan(0);
      expect(await store.getCommitLogOffsetInQueue('R', 0, min)).toBeGreaterThanOrEqual(minPhy);
      expect(await store.getMessage('g', 'R', 0, 0, 32, 1 << 20)).toMatchObject({
        status: 'OFFSET_TOO_SMALL',
        nextBeginOffset: min,
      });
      expect((await store.getMessage('g', 'R', 0, min, 32, 1 << 20)).status).toBe('FOUND');
      expect(await store.getOffsetInQueueByTime('R', 0, 0)).toBe(min);
    });

    it('OFFSET_FOUND_NULL when a consume queue file in the middle is gone', async () => {
      store = await openStore(dir);
      for (let i = 0; i < 250; i++) await put('N', 0, `n${i}`);
      await store.shutdown();
      // Segments hold 100 entries: remove the second one.
      await fsp.rm(path.join(dir, 'consumequeue', 'N', '0', offsetToFileName(2000)));
      store = await openStore(dir);
      expect(store.getMaxOffsetInQueue('N', 0)).toBe(250);
      expect(await store.getMessage('g', 'N', 0, 150, 32, 1 << 20)).toMatchObject({
        status: 'OFFSET_FOUND_NULL',
        nextBeginOffset: 200,
      });
      expect((await store.getMessage('g', 'N', 0, 200, 1, 1 << 20)).messageBuffers.map(body)).toEqual(['n200']);
    });
  });

  describe('PutMessageStatus', () => {
    it('MESSAGE_ILLEGAL for a long topic, an oversized record and a malformed batch', async () => {
      store = await openStore(dir, { maxMessageSize: 2048 });
      expect((await store.putMessage(makeMessage('t'.repeat(128), 0, 'x'))).status).toBe('MESSAGE_ILLEGAL');
      expect((await store.putMessage(makeMessage('T', 0, 'x'.repeat(3000)))).status).toBe('MESSAGE_ILLEGAL');
      const bad = await store.putMessages({
        topic: 'T',
        queueId: 0,
        body: Buffer.from([0, 0, 0, 99, 1, 2]),
        sysFlag: 0,
        bornTimestamp: 0,
        bornHost: { address: '127.0.0.1', port: 1 },
      });
      expect(bad.status).toBe('MESSAGE_ILLEGAL');
      const tx = await store.putMessages({
        topic: 'T',
        queueId: 0,
        body: batchBody([{ body: 'a' }]),
        sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE,
        bornTimestamp: 0,
        bornHost: { address: '127.0.0.1', port: 1 },
      });
      expect(tx.status).toBe('MESSAGE_ILLEGAL');
      expect(store.stats.putMessageFailedTimes).toBe(4);
    });

    it('PROPERTIES_SIZE_EXCEEDED for properties over 32767 bytes', async () => {
      store = await openStore(dir);
      const r = await store.putMessage(makeMessage('T', 0, 'x', { properties: { big: 'p'.repeat(33000) } }));
      expect(r.status).toBe('PROPERTIES_SIZE_EXCEEDED');
    });

    it('SERVICE_NOT_AVAILABLE when the disk is too full, when a slave, and after shutdown', async () => {
      store = await openStore(dir, { diskSpaceWarningLevelRatio: 0 });
      const full = await store.putMessage(makeMessage('T', 0, 'x'));
      expect(full.status).toBe('SERVICE_NOT_AVAILABLE');
      expect(full.remark).toMatch(/disk full/);
      expect(store.isDiskFull()).toBe(true);
      await store.shutdown();
      expect((await store.putMessage(makeMessage('T', 0, 'x'))).status).toBe('SERVICE_NOT_AVAILABLE');
      store = await openStore(dir, { brokerRole: 'SLAVE' });
      expect((await store.putMessage(makeMessage('T', 0, 'x'))).status).toBe('SERVICE_NOT_AVAILABLE');
    });

    it('SLAVE_NOT_AVAILABLE for a SYNC_MASTER (no slave can be connected to this store)', async () => {
      store = await openStore(dir, { brokerRole: 'SYNC_MASTER' });
      const r = await store.putMessage(makeMessage('T', 0, 'x'));
      expect(r.status).toBe('SLAVE_NOT_AVAILABLE');
      expect(r.appendResult!.logicsOffset).toBe(0);
    });

    it('OS_PAGE_CACHE_BUSY when too many bytes wait for the writer', async () => {
      store = await openStore(dir, { maxPendingWriteBytes: 1 });
      const first = store.putMessage(makeMessage('T', 0, 'a'));
      const second = await store.putMessage(makeMessage('T', 0, 'b'));
      expect(second.status).toBe('OS_PAGE_CACHE_BUSY');
      expect((await first).status).toBe('PUT_OK');
      expect(store.isOSPageCacheBusy()).toBe(false);
    });

    it('FLUSH_DISK_TIMEOUT when the fdatasync covering a SYNC_FLUSH put is too slow', async () => {
      store = await openStore(dir, { flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 30 });
      const cl = store.commitLog;
      const realSync = cl.syncFile.bind(cl);
      jest.spyOn(cl, 'syncFile').mockImplementation(async (f) => {
        await new Promise((r) => setTimeout(r, 200));
        await realSync(f);
      });
      const r = await store.putMessage(makeMessage('T', 0, 'slow'));
      expect(r.status).toBe('FLUSH_DISK_TIMEOUT');
      expect(r.appendResult!.logicsOffset).toBe(0);
      // WAIT=false does not wait for the flush.
      const noWait = await store.putMessage(makeMessage('T', 0, 'nowait', { properties: { WAIT: 'false' } }));
      expect(noWait.status).toBe('PUT_OK');
    });

    it('SYNC_FLUSH resolves a put only after an fdatasync that covers it (one sync for many puts)', async () => {
      store = await openStore(dir, { flushDiskType: 'SYNC_FLUSH' });
      const before = store.commitLog.stats.flushes;
      const rs = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store!.putMessage(makeMessage('T', 0, `s${i}`))),
      );
      expect(rs.every((r) => r.status === 'PUT_OK')).toBe(true);
      expect(store.commitLog.flushedOffset).toBeGreaterThanOrEqual(rs[49]!.appendResult!.wroteOffset);
      expect(store.commitLog.stats.flushes - before).toBeLessThan(10);
    });

    it('CREATE_MAPPED_FILE_FAILED when the next segment cannot be created, then recovers its offsets', async () => {
      store = await openStore(dir);
      await fsp.mkdir(path.join(dir, 'commitlog', offsetToFileName(64 * 1024)), { recursive: true });
      let failed: string | undefined;
      let okBefore = 0;
      for (let i = 0; i < 20 && !failed; i++) {
        const r = await store.putMessage(makeMessage('T', 0, 'w'.repeat(8000)));
        if (r.status === 'PUT_OK') okBefore++;
        else failed = r.status;
      }
      expect(failed).toBe('CREATE_MAPPED_FILE_FAILED');
      await fsp.rm(path.join(dir, 'commitlog', offsetToFileName(64 * 1024)), { recursive: true });
      const after = await store.putMessage(makeMessage('T', 0, 'again'));
      expect(after.status).toBe('PUT_OK');
      expect(after.appendResult!.logicsOffset).toBe(okBefore);
    });

    it('UNKNOWN_ERROR when a write fails, without losing earlier messages', async () => {
      store = await openStore(dir);
      await put('T', 0, 'kept');
      jest.spyOn(MappedFile.prototype, 'write').mockRejectedValueOnce(new Error('EIO'));
      const r = await store.putMessage(makeMessage('T', 0, 'lost'));
      expect(r).toMatchObject({ status: 'UNKNOWN_ERROR' });
      expect(r.remark).toMatch(/EIO/);
      const again = await put('T', 0, 'next');
      expect(again.logicsOffset).toBe(1);
      await store.waitDispatched();
      expect((await store.getMessage('g', 'T', 0, 0, 32, 1 << 20)).messageBuffers.map(body)).toEqual(['kept', 'next']);
    });
  });

  describe('recovery and retention', () => {
    it('restarts cleanly from the checkpoint with every queue and offset intact', async () => {
      store = await openStore(dir);
      for (let i = 0; i < 30; i++) await put('C', i % 3, `c${i}`, { keys: `key${i}` });
      await store.shutdown();
      await expect(fsp.access(path.join(dir, 'abort'))).rejects.toThrow();
      store = await openStore(dir);
      expect(store.lastShutdownWasClean).toBe(true);
      expect([0, 1, 2].map((q) => store!.getMaxOffsetInQueue('C', q))).toEqual([10, 10, 10]);
      expect((await put('C', 0, 'more')).logicsOffset).toBe(10);
      expect((await store.queryMessage('C', 'key29', 4, 0, Number.MAX_SAFE_INTEGER)).messageBuffers.map(body)).toEqual([
        'c29',
      ]);
    });

    it('repairs index slots that point past a stale index header and re-indexes the rest', async () => {
      // One slot: every key is on one chain, so losing the slot would lose the older keys.
      store = await openStore(dir, { maxHashSlotNum: 1 });
      const offsets: number[] = [];
      for (let i = 0; i < 10; i++) offsets.push((await put('I', 0, `i${i}`, { keys: `k${i}` })).wroteOffset);
      await store.shutdown();
      // As if the process died after writing slots but before the header: the header counts 5 entries only.
      const indexDir = path.join(dir, 'index');
      const [name] = await fsp.readdir(indexDir);
      const fh = await fsp.open(path.join(indexDir, name!), 'r+');
      const header = Buffer.alloc(40);
      await fh.read(header, 0, 40, 0);
      header.writeBigInt64BE(BigInt(offsets[4]!), 24);
      header.writeInt32BE(6, 36);
      await fh.write(header, 0, 40, 0);
      await fh.close();
      await fsp.writeFile(path.join(dir, 'abort'), '');
      store = await openStore(dir, { maxHashSlotNum: 1 });
      for (const i of [0, 3, 4, 7, 9]) {
        const r = await store.queryMessage('I', `k${i}`, 4, 0, Number.MAX_SAFE_INTEGER);
        expect(r.messageBuffers.map(body)).toEqual([`i${i}`]);
      }
    });

    it('refuses a store directory that another store or another live process uses', async () => {
      store = await openStore(dir);
      const second = new DefaultMessageStore(testConfig(dir));
      second.logger = { warn: () => undefined, error: () => undefined };
      expect(await second.load()).toBe(false);
      await store.shutdown();
      await fsp.writeFile(path.join(dir, 'lock'), `pid:${process.ppid}`);
      const third = new DefaultMessageStore(testConfig(dir));
      third.logger = second.logger;
      await expect(third.start()).rejects.toThrow(/failed to load/);
      await fsp.writeFile(path.join(dir, 'lock'), 'lock');
      store = await openStore(dir);
      expect(await fsp.readFile(path.join(dir, 'lock'), 'utf8')).toBe(`pid:${process.pid}`);
    });

    it('cuts a torn record at the tail after a crash and appends over it', async () => {
      store = await openStore(dir);
      const a = await put('C', 0, 'whole');
      await store.waitDispatched();
      await store.flush();
      // Simulate a crash: no clean shutdown (abort file stays), and half a record at the end of the log.
      const end = store.getMaxPhyOffset();
      const rec = (await store.selectOneMessageByOffset(a.wroteOffset))!;
      const seg = path.join(dir, 'commitlog', offsetToFileName(0));
      const fh = await fsp.open(seg, 'r+');
      const torn = Buffer.from(rec);
      torn.writeBigInt64BE(BigInt(end), 28);
      await fh.write(torn, 0, Math.floor(torn.length / 2), end);
      await fh.close();
      // A consume queue entry that points at the torn record.
      const cqFile = path.join(dir, 'consumequeue', 'C', '0', offsetToFileName(0));
      const cqh = await fsp.open(cqFile, 'r+');
      const entry = Buffer.alloc(20);
      entry.writeBigInt64BE(BigInt(end), 0);
      entry.writeInt32BE(rec.length, 8);
      await cqh.write(entry, 0, 20, 20);
      await cqh.close();
      await store.shutdown({ clean: false });

      store = await openStore(dir);
      expect(store.lastShutdownWasClean).toBe(false);
      expect(store.getMaxPhyOffset()).toBe(end);
      expect(store.getMaxOffsetInQueue('C', 0)).toBe(1);
      const b = await put('C', 0, 'after crash');
      expect([b.wroteOffset, b.logicsOffset]).toEqual([end, 1]);
      await store.waitDispatched();
      expect((await store.getMessage('g', 'C', 0, 0, 32, 1 << 20)).messageBuffers.map(body)).toEqual([
        'whole',
        'after crash',
      ]);
    });

    it('keeps files younger than fileReservedTime and outside deleteWhen', async () => {
      store = await openStore(dir, { fileReservedTime: 72, deleteWhen: String((new Date().getHours() + 1) % 24) });
      for (let i = 0; i < 30; i++) await put('R', 0, 'k'.repeat(5000));
      expect(await store.deleteExpiredFiles()).toEqual({
        deletedCommitLogFiles: 0,
        deletedConsumeQueueFiles: 0,
        deletedIndexFiles: 0,
      });
      store.executeDeleteFilesManually();
      expect((await store.deleteExpiredFiles()).deletedCommitLogFiles).toBe(0);
      expect(store.getMinPhyOffset()).toBe(0);
    });

    it('deletes expired segments at the deleteWhen hour, with their consume queue and index files', async () => {
      store = await openStore(dir, {
        fileReservedTime: 0,
        deleteWhen: `${(new Date().getHours() + 5) % 24};${new Date().getHours()}`,
        maxIndexNum: 20,
      });
      for (let i = 0; i < 300; i++) await put('R', 0, `${i}:${'k'.repeat(1200)}`, { keys: `r${i}` });
      await store.waitDispatched();
      const indexFilesBefore = store.indexService.files.length;
      const res = await store.deleteExpiredFiles();
      expect(res.deletedCommitLogFiles).toBeGreaterThan(0);
      expect(res.deletedConsumeQueueFiles).toBeGreaterThan(0);
      expect(res.deletedIndexFiles).toBeGreaterThan(0);
      expect(store.indexService.files.length).toBe(indexFilesBefore - res.deletedIndexFiles);
      expect(store.getMinOffsetInQueue('R', 0)).toBeGreaterThan(0);
      expect((await store.queryMessage('R', 'r0', 4, 0, Number.MAX_SAFE_INTEGER)).messageBuffers).toHaveLength(0);
      expect((await store.queryMessage('R', 'r299', 4, 0, Number.MAX_SAFE_INTEGER)).messageBuffers).toHaveLength(1);
    });

    it('deletes unexpired segments at any hour when the disk is over the forced ratio', async () => {
      store = await openStore(dir, {
        fileReservedTime: 72,
        deleteWhen: String((new Date().getHours() + 1) % 24),
        diskMaxUsedSpaceRatio: 0,
        diskSpaceCleanForciblyRatio: 0,
      });
      for (let i = 0; i < 30; i++) await put('R', 0, 'k'.repeat(5000));
      const res = await store.deleteExpiredFiles();
      expect(res.deletedCommitLogFiles).toBeGreaterThan(0);
      // The segment being written is never deleted.
      expect(store.getMinPhyOffset()).toBeLessThanOrEqual(store.getMaxPhyOffset());
      expect((await put('R', 0, 'still writable')).logicsOffset).toBe(30);
    });

    it('deletes a topic and forgets consume queues whose messages all expired', async () => {
      store = await openStore(dir, { fileReservedTime: 0, diskMaxUsedSpaceRatio: 0 });
      await put('Gone', 0, 'x');
      await put('Old', 0, 'y'.repeat(30000));
      await put('Old', 0, 'y'.repeat(30000));
      for (let i = 0; i < 3; i++) await put('New', 0, 'z'.repeat(30000));
      await store.waitDispatched();
      await store.deleteTopics(new Set(['Gone']));
      expect(store.findConsumeQueue('Gone', 0)).toBeUndefined();
      await expect(fsp.access(path.join(dir, 'consumequeue', 'Gone'))).rejects.toThrow();
      await store.deleteExpiredFiles();
      await store.cleanExpiredConsumerQueue();
      expect(store.findConsumeQueue('Old', 0)).toBeUndefined();
      expect(store.findConsumeQueue('New', 0)).toBeDefined();
      expect(store.topics().sort()).toEqual(['New']);
      expect(store.queueIds('New')).toEqual([0]);
    });
  });
});
