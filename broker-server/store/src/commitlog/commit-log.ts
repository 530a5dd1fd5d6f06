/**
 * The commit log (Java `CommitLog`): one append-only log for every topic, in segments of `mappedFileSizeCommitLog`
 * bytes named by their first offset.
 *
 * Appends are pipelined. `putMessage` runs synchronously up to the point where the record's offsets are fixed: it
 * takes the next physical offset and queue offset, encodes the record and queues its bytes, then returns a promise.
 * Records are encoded straight into large write slabs (no per-record buffer, no concatenation before the write), and
 * one writer drains the queue with one positional write per slab range and segment, so many concurrent producers share
 * few large writes. Under SYNC_FLUSH a second loop fdatasyncs what has been written and resolves every put the sync
 * covers (group commit). Since JavaScript runs one callback at a time, offset assignment needs no lock: the order in
 * which puts are accepted is the order of the bytes in the file.
 *
 * A record that does not fit in the rest of a segment (with 8 bytes to spare) leaves an 8-byte BLANK record there
 * (int32 bytes-left, int32 0xCBD43194) and goes to the start of the next segment.
 */
import { MessageMagicCode } from '@rocketnest/common';
import type { MessageStoreConfig } from '../message-store-config';
import { MappedFileQueue } from '../mapped-file/mapped-file-queue';
import type { MappedFile } from '../mapped-file/mapped-file';
import type { PutMessageStatus } from '../store-types';
import type { DispatchRequest } from './record-check';

/** A slice of recently written commit log, with the dispatch info of its records when known. */
export interface RecentChunk {
  offset: number;
  buf: Buffer;
  requests: DispatchRequest[] | undefined;
}

const END_FILE_MIN_BLANK_LENGTH = 8;
/**
 * Size of the buffers records are encoded into. A slab is filled front to back across writes; the recent-write cache
 * keeps views into it, and once no write and no cached view needs it, it goes back to a small pool (Java's transient
 * store pool, for the same reason: fresh memory costs a page fault per 4 KiB on first touch, and a new external buffer
 * brings the next full GC closer). A record larger than a slab gets a slab of its own, never pooled.
 */
const WRITE_SLAB_BYTES = 4 * 1024 * 1024;
const SLAB_POOL_SIZE = 4;

/** A write slab and what still needs it: queued or in-flight write groups and recent-write cache entries. */
interface Slab {
  buf: Buffer;
  refs: number;
  /** No longer the slab new records go into. */
  retired: boolean;
}

interface RecentEntry extends RecentChunk {
  slab: Slab;
}
// Bound once: SWC's CommonJS re-exports are getters, too slow to call per record.
const BLANK_MAGIC = MessageMagicCode.BLANK;

interface WriteGroup {
  startOffset: number;
  /** The slab holding the group's bytes at `[bufStart, bufStart + bytes)`. */
  slab: Slab;
  bufStart: number;
  /** Dispatch info of every record in the group, built at put time; undefined when some record lacks it. */
  requests: DispatchRequest[] | undefined;
  bytes: number;
  /** Ends with a BLANK record: the segment is full after it. */
  sealed: boolean;
  blankBytes: number;
  maxStoreTimestamp: number;
}

/**
 * One accepted put as the commit log sees it, from acceptance to settlement: the record(s) to encode, the queue offsets
 * taken, and how to settle. The store's put classes extend it, so a put is one object (no closures, no separate waiter
 * and, for a single message, its own dispatch info).
 */
export abstract class PendingAppend {
  /** Commit log offset of the (first) record; set by `CommitLog.append` before `encode`. */
  commitLogOffset = 0;
  /** End of the records in the commit log; set by `CommitLog.append`. */
  endOffset = 0;
  /** SYNC_FLUSH: when the put times out waiting for a flush. */
  deadline = 0;

  constructor(
    /** Total bytes of the records. */
    readonly size: number,
    readonly queueKey: string | undefined,
    /** Queue offset of the (first) record. */
    readonly queueOffset: number,
    /** Number of queue offsets taken (0 for prepared/rollback transaction records). */
    readonly queueOffsetsUsed: number,
    /** Also when the put was queued (the page-cache-busy check). */
    readonly storeTimestamp: number,
    /** Under SYNC_FLUSH, settle only after an fdatasync covers it (the message's WAIT property). */
    readonly needFlush: boolean,
  ) {}

  /** Encodes exactly `size` bytes of records into `target` at `pos` (`commitLogOffset` is set). */
  abstract encode(target: Buffer, pos: number): void;

  /** What the dispatcher needs, when known without parsing the records back; undefined when they must be parsed. */
  abstract dispatchRequest(): DispatchRequest | undefined;

  /** Called once: PUT_OK when written (or flushed), else why not. */
  abstract settle(status: PutMessageStatus, remark?: string): void;
}

export interface CommitLogStats {
  writes: number;
  writtenBytes: number;
  flushes: number;
}

export class CommitLog {
  readonly mfq: MappedFileQueue;
  /** Next queue offset per `topic-queueId` (Java `topicQueueTable`). */
  readonly topicQueueTable = new Map<string, number>();
  /** Offset the next accepted record gets. */
  appendOffset = 0;
  /** Everything below is on file (readable with pread). */
  writtenOffset = 0;
  /** Everything below is fdatasync'ed. */
  flushedOffset = 0;
  /** Store time of the last record on file / flushed (checkpoint physicMsgTimestamp). */
  writtenStoreTimestamp = 0;
  flushedStoreTimestamp = 0;
  readonly stats: CommitLogStats = { writes: 0, writtenBytes: 0, flushes: 0 };

  private groups: WriteGroup[] = [];
  /** Slab the next records are encoded into, from `slabUsed` on. */
  private slab: Slab | undefined;
  private slabUsed = 0;
  private readonly slabPool: Slab[] = [];
  private waiters: PendingAppend[] = [];
  private pendingBytes = 0;
  private writing = false;
  private flushQueue: PendingAppend[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private recent: RecentEntry[] = [];
  private flushesInFlight = 0;
  /** Highest offset an in-flight or finished group-commit sync covers. */
  private flushRequestedTo = 0;
  private recentBytes = 0;
  private idleWaiters: (() => void)[] = [];
  /** Called after each write with the new written offset (wakes the dispatcher). */
  onWritten: () => void = () => undefined;

  constructor(private readonly config: MessageStoreConfig) {
    this.mfq = new MappedFileQueue(config.storePathCommitLog, config.mappedFileSizeCommitLog);
  }

  get segmentSize(): number {
    return this.config.mappedFileSizeCommitLog;
  }

  getMinOffset(): number {
    const first = this.mfq.first;
    return first ? first.fileFromOffset : 0;
  }

  getMaxOffset(): number {
    return this.writtenOffset;
  }

  /** Sets every offset after recovery: the log ends at `offset`. */
  setRecoveredEnd(offset: number): void {
    this.appendOffset = offset;
    this.writtenOffset = offset;
    this.flushedOffset = offset;
  }

  /** Java `isOSPageCacheBusy`: the oldest queued put has waited too long, or too many bytes are queued. */
  isBusy(now: number): boolean {
    if (this.pendingBytes >= this.config.maxPendingWriteBytes) return true;
    const oldest = this.waiters[0];
    return oldest !== undefined && now - oldest.storeTimestamp > this.config.osPageCacheBusyTimeOutMills;
  }

  /** Bytes accepted but not yet written. */
  get pendingWriteBytes(): number {
    return this.pendingBytes;
  }

  /**
   * Fixes the offsets of `put`, encodes it into the write queue and returns; `put.settle` is called once it is written
   * (or flushed, or failed). Settles at once with MESSAGE_ILLEGAL when the record can never fit in a segment.
   */
  append(put: PendingAppend): void {
    const segSize = this.segmentSize;
    const size = put.size;
    if (size + END_FILE_MIN_BLANK_LENGTH > segSize) {
      put.settle('MESSAGE_ILLEGAL', `record of ${size} bytes cannot fit in a ${segSize}-byte commit log segment`);
      return;
    }
    let offset = this.appendOffset;
    const maxBlank = segSize - (offset % segSize);
    if (size + END_FILE_MIN_BLANK_LENGTH > maxBlank) {
      const g = this.openGroup(offset, END_FILE_MIN_BLANK_LENGTH);
      const at = g.bufStart + g.bytes;
      g.slab.buf.writeInt32BE(maxBlank, at);
      g.slab.buf.writeInt32BE(BLANK_MAGIC, at + 4);
      this.slabUsed = at + END_FILE_MIN_BLANK_LENGTH;
      g.blankBytes = END_FILE_MIN_BLANK_LENGTH;
      g.bytes += END_FILE_MIN_BLANK_LENGTH;
      g.sealed = true;
      this.pendingBytes += END_FILE_MIN_BLANK_LENGTH;
      offset += maxBlank;
      this.appendOffset = offset;
    }
    const g = this.openGroup(offset, size);
    const at = g.bufStart + g.bytes;
    put.commitLogOffset = offset;
    put.encode(g.slab.buf, at);
    this.slabUsed = at + size;
    if (g.requests) {
      const req = put.dispatchRequest();
      if (req) g.requests.push(req);
      else g.requests = undefined;
    }
    g.bytes += size;
    if (put.storeTimestamp > g.maxStoreTimestamp) g.maxStoreTimestamp = put.storeTimestamp;
    this.pendingBytes += size;
    this.appendOffset = offset + size;
    if (put.queueKey !== undefined && put.queueOffsetsUsed > 0) {
      this.topicQueueTable.set(put.queueKey, put.queueOffset + put.queueOffsetsUsed);
    }
    put.endOffset = offset + size;
    this.waiters.push(put);
    if (!this.writing) void this.writeLoop();
  }

  /**
   * The queued group `size` more bytes at `offset` join: the last one when it is open, ends at `offset` and at the
   * slab's fill point, and the slab has room; otherwise a new group (in a new slab when this one is full).
   */
  private openGroup(offset: number, size: number): WriteGroup {
    let slab = this.slab;
    const last = this.groups[this.groups.length - 1];
    if (
      last &&
      !last.sealed &&
      last.startOffset + last.bytes === offset &&
      last.slab === slab &&
      last.bufStart + last.bytes === this.slabUsed &&
      this.slabUsed + size <= slab.buf.length
    ) {
      return last;
    }
    if (!slab || this.slabUsed + size > slab.buf.length) {
      if (slab) this.retireSlab(slab);
      slab = this.takeSlab(Math.max(WRITE_SLAB_BYTES, size));
      this.slab = slab;
      this.slabUsed = 0;
    }
    slab.refs++;
    const g: WriteGroup = {
      startOffset: offset,
      slab,
      bufStart: this.slabUsed,
      requests: [],
      bytes: 0,
      sealed: false,
      blankBytes: 0,
      maxStoreTimestamp: 0,
    };
    this.groups.push(g);
    return g;
  }

  /** Drains queued groups: one write per group (a group never crosses a segment). */
  private async writeLoop(): Promise<void> {
    this.writing = true;
    // Let every put of the current tick join the first write.
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.groups.length > 0) {
        const groups = this.groups;
        this.groups = [];
        for (const g of groups) {
          if (g.bytes === 0) {
            this.releaseSlab(g.slab);
            continue;
          }
          const segSize = this.segmentSize;
          const segStart = g.startOffset - (g.startOffset % segSize);
          let mf: MappedFile;
          try {
            mf = await this.mfq.getOrCreate(segStart);
          } catch (err) {
            await this.failPipeline('CREATE_MAPPED_FILE_FAILED', err);
            break;
          }
          const pos = g.startOffset - segStart;
          try {
            await mf.write(g.slab.buf, pos, g.bufStart, g.bufStart + g.bytes);
          } catch (err) {
            await this.failPipeline('UNKNOWN_ERROR', err);
            break;
          }
          this.stats.writes++;
          this.stats.writtenBytes += g.bytes;
          mf.wrotePosition = g.sealed ? segSize : pos + g.bytes;
          this.pendingBytes -= g.bytes;
          this.addRecent(
            g.startOffset,
            g.slab.buf.subarray(g.bufStart, g.bufStart + g.bytes - g.blankBytes),
            g.requests,
            g.slab,
          );
          this.writtenOffset = g.sealed ? segStart + segSize : g.startOffset + g.bytes;
          if (g.maxStoreTimestamp > this.writtenStoreTimestamp) this.writtenStoreTimestamp = g.maxStoreTimestamp;
          this.completeWritten();
        }
        this.onWritten();
        // Small writes complete synchronously: without a turn of the event loop here, puts resolved above that put
        // again at once would keep this loop in microtasks, starving socket reads, timers and the dispatcher's reads.
        // The turn also lets more puts join the next write.
        if (this.groups.length > 0) await new Promise<void>((r) => setImmediate(r));
      }
    } finally {
      this.writing = false;
      if (this.groups.length > 0) void this.writeLoop();
      else this.notifyIdle();
    }
  }

  private completeWritten(): void {
    let i = 0;
    const written = this.writtenOffset;
    const waiters = this.waiters;
    const syncFlush = this.config.flushDiskType === 'SYNC_FLUSH';
    while (i < waiters.length && waiters[i]!.endOffset <= written) {
      const w = waiters[i]!;
      if (w.needFlush && syncFlush) {
        w.deadline = Date.now() + this.config.syncFlushTimeout;
        this.flushQueue.push(w);
      } else {
        w.settle('PUT_OK');
      }
      i++;
    }
    if (i > 0) waiters.splice(0, i);
    if (this.flushQueue.length > 0) {
      this.startGroupCommits();
      this.armFlushTimer();
    }
  }

  /**
   * A put is failed: every put not yet on file fails with `status`, the log rewinds to the written offset (bytes past
   * it are zeroed) and queue offsets handed to the failed puts are given back.
   */
  private async failPipeline(status: PutMessageStatus, err: unknown): Promise<void> {
    const failed = this.waiters;
    this.waiters = [];
    this.groups = [];
    this.slab = undefined;
    this.slabUsed = 0;
    this.pendingBytes = 0;
    const rewind = new Map<string, number>();
    for (const w of failed) {
      if (w.queueKey !== undefined && w.queueOffsetsUsed > 0) {
        const prev = rewind.get(w.queueKey);
        if (prev === undefined || w.queueOffset < prev) rewind.set(w.queueKey, w.queueOffset);
      }
    }
    for (const [k, v] of rewind) this.topicQueueTable.set(k, v);
    this.appendOffset = this.writtenOffset;
    const remark = `commit log write failed: ${err instanceof Error ? err.message : String(err)}`;
    for (const w of failed) w.settle(status, remark);
    const mf = this.mfq.findMappedFileByOffset(this.writtenOffset);
    if (mf) {
      await mf.truncateFrom(this.writtenOffset - mf.fileFromOffset).catch(() => undefined);
    }
  }

  /**
   * SYNC_FLUSH group commit: a sync started after a record was written makes it durable, so one fdatasync serves every
   * put written before it. Up to `groupCommitMaxConcurrentSyncs` syncs run at once: a new batch does not wait for the previous
   * sync to finish, and the kernel completes concurrent syncs of one file together.
   */
  private startGroupCommits(): void {
    while (
      this.flushQueue.length > 0 &&
      this.flushesInFlight < this.config.groupCommitMaxConcurrentSyncs &&
      this.writtenOffset > this.flushRequestedTo
    ) {
      const target = this.writtenOffset;
      const from = Math.max(this.flushedOffset, this.flushRequestedTo);
      this.flushRequestedTo = target;
      this.flushesInFlight++;
      this.syncRange(from, target).then(
        () => {
          this.flushesInFlight--;
          this.stats.flushes++;
          this.markFlushed(target);
          this.startGroupCommits();
        },
        () => {
          // Not known durable: let a later sync (or the timeout) decide.
          this.flushesInFlight--;
          if (this.flushRequestedTo === target) this.flushRequestedTo = this.flushedOffset;
          setTimeout(() => this.startGroupCommits(), 10).unref();
        },
      );
    }
  }

  private markFlushed(target: number): void {
    if (target > this.flushedOffset) {
      this.flushedOffset = target;
      if (this.writtenStoreTimestamp > this.flushedStoreTimestamp)
        this.flushedStoreTimestamp = this.writtenStoreTimestamp;
    }
    let i = 0;
    while (i < this.flushQueue.length && this.flushQueue[i]!.endOffset <= this.flushedOffset) {
      this.flushQueue[i]!.settle('PUT_OK');
      i++;
    }
    if (i > 0) this.flushQueue.splice(0, i);
    if (this.flushQueue.length === 0 && this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
  }

  /** fdatasync of every segment holding bytes in `[from, to)`. */
  private async syncRange(from: number, to: number): Promise<void> {
    for (const f of this.mfq.files) {
      if (f.fileFromOffset >= to) break;
      if (f.fileFromOffset + f.fileSize <= from) continue;
      await this.syncFile(f);
    }
  }

  private armFlushTimer(): void {
    if (this.flushTimer || this.flushQueue.length === 0) return;
    const delay = Math.max(0, this.flushQueue[0]!.deadline - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const now = Date.now();
      let i = 0;
      while (i < this.flushQueue.length && this.flushQueue[i]!.deadline <= now) {
        this.flushQueue[i]!.settle('FLUSH_DISK_TIMEOUT');
        i++;
      }
      if (i > 0) this.flushQueue.splice(0, i);
      this.armFlushTimer();
    }, delay + 1);
  }

  /** fdatasync every segment holding data below `target` (periodic flush, shutdown). */
  async flushTo(target: number): Promise<void> {
    if (target <= this.flushedOffset) return;
    await this.syncRange(this.flushedOffset, target);
    this.stats.flushes++;
    this.markFlushed(target);
  }

  /** The fdatasync of one segment (a seam for tests that need a slow disk). */
  async syncFile(f: MappedFile): Promise<void> {
    await f.flush();
  }

  /** ASYNC_FLUSH: flush when at least `leastPages` 4 KiB pages are dirty (0 = any). */
  async flushIfDirty(leastPages: number): Promise<void> {
    const dirty = this.writtenOffset - this.flushedOffset;
    if (dirty <= 0) return;
    if (leastPages > 0 && dirty < leastPages * 4096) return;
    await this.flushTo(this.writtenOffset);
  }

  private addRecent(offset: number, buf: Buffer, requests: DispatchRequest[] | undefined, slab: Slab): void {
    if (buf.length === 0 || this.config.recentWriteCacheBytes <= 0) {
      this.releaseSlab(slab);
      return;
    }
    this.recent.push({ offset, buf, requests, slab });
    this.recentBytes += buf.length;
    while (this.recentBytes > this.config.recentWriteCacheBytes && this.recent.length > 1) {
      const old = this.recent.shift()!;
      this.recentBytes -= old.buf.length;
      this.releaseSlab(old.slab);
    }
  }

  private takeSlab(size: number): Slab {
    if (size === WRITE_SLAB_BYTES) {
      const pooled = this.slabPool.pop();
      if (pooled) {
        pooled.retired = false;
        return pooled;
      }
    }
    return { buf: Buffer.allocUnsafeSlow(size), refs: 0, retired: false };
  }

  private retireSlab(slab: Slab): void {
    slab.retired = true;
    if (slab.refs === 0) this.poolSlab(slab);
  }

  private releaseSlab(slab: Slab): void {
    if (--slab.refs === 0 && slab.retired) this.poolSlab(slab);
  }

  private poolSlab(slab: Slab): void {
    if (slab.buf.length === WRITE_SLAB_BYTES && this.slabPool.length < SLAB_POOL_SIZE) this.slabPool.push(slab);
  }

  private findRecent(offset: number): RecentEntry | undefined {
    const r = this.recent;
    if (r.length === 0 || offset < r[0]!.offset) return undefined;
    // Entries are in offset order: binary search for the last one starting at or before `offset`.
    let lo = 0;
    let hi = r.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (r[mid]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    const e = r[lo]!;
    return offset < e.offset + e.buf.length ? e : undefined;
  }

  /**
   * A copy of `[offset, offset + size)` when the recent-write cache holds all of it; undefined otherwise. A copy: the
   * slab under the cache is reused once the entry leaves it, and the caller may keep the bytes.
   */
  copyRecent(offset: number, size: number): Buffer | undefined {
    if (size <= 0 || offset < this.getMinOffset() || offset + size > this.writtenOffset) return undefined;
    const hit = this.findRecent(offset);
    if (!hit || offset + size > hit.offset + hit.buf.length) return undefined;
    return Buffer.from(hit.buf.subarray(offset - hit.offset, offset - hit.offset + size));
  }

  /**
   * Reads `[offset, offset + size)`, which must lie in one segment below the written offset. Undefined when the
   * segment is gone (deleted by retention) or the range is not written.
   */
  async getData(offset: number, size: number): Promise<Buffer | undefined> {
    if (size <= 0 || offset < this.getMinOffset() || offset + size > this.writtenOffset) return undefined;
    const cached = this.copyRecent(offset, size);
    if (cached) return cached;
    const mf = this.mfq.findMappedFileByOffset(offset);
    if (!mf || mf.isDestroyed) return undefined;
    const pos = offset - mf.fileFromOffset;
    if (pos + size > mf.fileSize) return undefined;
    try {
      const buf = await mf.read(pos, size);
      return buf.length === size ? buf : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Up to `maxLen` bytes from `offset` for the dispatcher, never crossing a segment end or the written offset
   * (served from the recent-write cache when possible).
   */
  async readForDispatch(offset: number, maxLen: number): Promise<RecentChunk | undefined> {
    const limit = this.writtenOffset;
    if (offset >= limit) return undefined;
    const hit = this.findRecent(offset);
    if (hit) {
      const end = Math.min(hit.offset + hit.buf.length, limit, offset + maxLen);
      const whole = offset === hit.offset && end === hit.offset + hit.buf.length;
      const view = hit.buf.subarray(offset - hit.offset, end - hit.offset);
      if (whole && hit.requests) {
        // The dispatcher reads each chunk once: let its requests (and the properties they hold) go now. The bytes are
        // not parsed on this path, so the view may be handed out.
        const requests = hit.requests;
        hit.requests = undefined;
        return { offset, buf: view, requests };
      }
      // Parsed after an await: a copy, since the slab may be reused meanwhile.
      return { offset, buf: Buffer.from(view), requests: undefined };
    }
    const mf = this.mfq.findMappedFileByOffset(offset);
    if (!mf) return undefined;
    const pos = offset - mf.fileFromOffset;
    const len = Math.min(maxLen, mf.fileSize - pos, limit - offset);
    if (len <= 0) return undefined;
    return { offset, buf: await mf.read(pos, len), requests: undefined };
  }

  /** Start of the segment after the one holding `offset` (Java `rollNextFile`). */
  rollNextFile(offset: number): number {
    return offset + this.segmentSize - (offset % this.segmentSize);
  }

  /** Resolves when nothing is queued for writing. */
  async waitIdle(): Promise<void> {
    if (!this.writing && this.groups.length === 0) return;
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  private notifyIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }

  /** Fails puts still waiting for a flush (shutdown). */
  abortFlushWaiters(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const w of this.flushQueue) w.settle('FLUSH_DISK_TIMEOUT');
    this.flushQueue = [];
  }

  clearRecent(): void {
    this.recent = [];
    this.recentBytes = 0;
  }

  async close(): Promise<void> {
    await this.mfq.close();
  }
}
