/**
 * One topic/queue's consume queue (Java `ConsumeQueue`): fixed 20-byte entries, entry `n` at byte `n × 20` of the
 * queue's offset space, split into segments of `mappedFileSizeConsumeQueue` bytes named by their first byte offset.
 *
 * ```
 * entry: int64 commit log offset | int32 record size | int64 tagsCode     (big-endian)
 * ```
 * Valid entry (recovery): offset >= 0 and size > 0. Pre-blank entries (0, Integer.MAX_VALUE, 0) fill the slots before
 * the first real entry of a queue whose first segment starts late.
 *
 * Entries are written behind: `putEntries` appends them to an in-memory tail (served to readers like written entries)
 * that goes to file in large writes when it fills up and on every `flush`. The store's checkpoint only counts dispatch
 * progress that a flush made durable, so entries lost from the tail in a crash are rebuilt by recovery's re-dispatch.
 */
import * as path from 'node:path';
import { readInt64, writeInt64 } from '../commitlog/record-check';
import { MappedFileQueue } from '../mapped-file/mapped-file-queue';

export const CQ_STORE_UNIT_SIZE = 20;
const BLANK_SIZE = 0x7fffffff;
/** Bytes of entries held in memory before they are written (a multiple of the entry size). */
const WRITE_BEHIND_BYTES = 3276 * CQ_STORE_UNIT_SIZE;
/** First size of a queue's in-memory tail. */
const WRITE_BEHIND_INITIAL_BYTES = 64 * CQ_STORE_UNIT_SIZE;

/** Entries at byte offsets `[start, start + len)` of the queue that are not on file yet. */
interface UnwrittenChunk {
  start: number;
  buf: Buffer;
  len: number;
}

/** What an entry is made of (a dispatch request has these fields). */
export interface ConsumeQueueEntry {
  commitLogOffset: number;
  msgSize: number;
  tagsCode: number;
}

export class ConsumeQueue {
  readonly mfq: MappedFileQueue;
  /** End (offset + size) of the last record indexed here; -1 when none. */
  maxPhysicOffset = -1;
  /** Byte offset of the first valid entry. */
  minLogicOffset = 0;
  /** Not yet on file, in offset order: chunks being written, then the open one new entries join. */
  private unwritten: UnwrittenChunk[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    readonly topic: string,
    readonly queueId: number,
    rootDir: string,
    readonly mappedFileSize: number,
  ) {
    this.mfq = new MappedFileQueue(path.join(rootDir, topic, String(queueId)), mappedFileSize);
  }

  async load(): Promise<void> {
    await this.mfq.load();
  }

  /** Next logical offset (= number of entries, counting from 0). */
  getMaxOffsetInQueue(): number {
    return Math.floor(this.maxByteOffset() / CQ_STORE_UNIT_SIZE);
  }

  private maxByteOffset(): number {
    const last = this.unwritten[this.unwritten.length - 1];
    return last ? last.start + last.len : this.mfq.getMaxOffset();
  }

  /** Writes every entry held in memory (one positional write per segment and chunk). */
  async writeUnwritten(): Promise<void> {
    while (this.draining) await this.draining;
    if (this.unwritten.length === 0) return;
    this.draining = this.drain();
    try {
      await this.draining;
    } finally {
      this.draining = undefined;
    }
  }

  private async drain(): Promise<void> {
    // Chunks leave the list only once on file, so readers always find their entries somewhere.
    while (this.unwritten.length > 0) {
      const chunk = this.unwritten[0]!;
      const len = chunk.len;
      let byteOffset = chunk.start;
      let written = 0;
      while (written < len) {
        const segStart = byteOffset - (byteOffset % this.mappedFileSize);
        const mf = await this.mfq.getOrCreate(segStart);
        const pos = byteOffset - segStart;
        const n = Math.min(len - written, this.mappedFileSize - pos);
        await mf.write(chunk.buf, pos, written, written + n);
        mf.wrotePosition = pos + n;
        written += n;
        byteOffset += n;
      }
      if (chunk.len === len) this.unwritten.shift();
      else {
        // Entries joined the chunk during the write: the rest stays for the next round.
        chunk.buf = chunk.buf.subarray(len);
        chunk.start += len;
        chunk.len -= len;
      }
    }
  }

  getMinOffsetInQueue(): number {
    return Math.floor(this.minLogicOffset / CQ_STORE_UNIT_SIZE);
  }

  /**
   * Finds the end of the valid entries (Java `ConsumeQueue.recover`, from the third-last segment) and cuts the rest.
   * Reads each segment in bounded chunks.
   */
  async recover(): Promise<void> {
    const files = this.mfq.files;
    if (files.length === 0) return;
    const startIdx = Math.max(0, files.length - 3);
    let processOffset = files[startIdx]!.fileFromOffset;
    let maxPhysic = -1;
    const chunk = 64 * 1024 - ((64 * 1024) % CQ_STORE_UNIT_SIZE);
    outer: for (let i = startIdx; i < files.length; i++) {
      const mf = files[i]!;
      for (let pos = 0; pos < this.mappedFileSize; pos += chunk) {
        const len = Math.min(chunk, this.mappedFileSize - pos);
        const buf = await mf.read(pos, len);
        for (let e = 0; e + CQ_STORE_UNIT_SIZE <= buf.length; e += CQ_STORE_UNIT_SIZE) {
          const offset = readInt64(buf, e);
          const size = buf.readInt32BE(e + 8);
          if (offset >= 0 && size > 0) {
            processOffset = mf.fileFromOffset + pos + e + CQ_STORE_UNIT_SIZE;
            if (size !== BLANK_SIZE) maxPhysic = offset + size;
          } else {
            break outer;
          }
        }
        if (buf.length < len) break outer;
      }
    }
    this.maxPhysicOffset = maxPhysic;
    await this.mfq.truncateDirtyFiles(processOffset);
    this.fixPositions(processOffset);
  }

  /** After truncation: every segment before the last is full. */
  private fixPositions(endOffset: number): void {
    for (const f of this.mfq.files) {
      const pos = Math.max(0, Math.min(this.mappedFileSize, endOffset - f.fileFromOffset));
      f.wrotePosition = pos;
      f.flushedPosition = pos;
    }
    if (this.mfq.files.length === 0) this.minLogicOffset = endOffset;
  }

  /**
   * Sets the minimum logical offset to the first entry pointing at or after `minPhyOffset` (Java `correctMinOffset`),
   * by binary search over the first segment.
   */
  async correctMinOffset(minPhyOffset: number): Promise<void> {
    await this.writeUnwritten();
    const first = this.mfq.first;
    if (!first) return;
    const count = Math.floor(first.wrotePosition / CQ_STORE_UNIT_SIZE);
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = await first.read(mid * CQ_STORE_UNIT_SIZE, CQ_STORE_UNIT_SIZE);
      const off = e.length === CQ_STORE_UNIT_SIZE ? readInt64(e, 0) : Number.MAX_SAFE_INTEGER;
      const size = e.length === CQ_STORE_UNIT_SIZE ? e.readInt32BE(8) : 0;
      if (size === BLANK_SIZE || off < minPhyOffset) lo = mid + 1;
      else hi = mid;
    }
    const candidate = first.fileFromOffset + lo * CQ_STORE_UNIT_SIZE;
    if (candidate > this.minLogicOffset) this.minLogicOffset = candidate;
  }

  /**
   * Appends entries for consecutive logical offsets starting at `startQueueOffset` (one positional write per segment).
   * Entries at offsets already present are skipped; a gap before the first one is filled with blank entries.
   */
  async putEntries(
    startQueueOffset: number,
    entries: readonly ConsumeQueueEntry[],
    from = 0,
    to = entries.length,
  ): Promise<void> {
    let next = this.getMaxOffsetInQueue();
    const hasFiles = this.mfq.files.length > 0 || this.unwritten.length > 0;
    let first = startQueueOffset;
    let list = entries;
    if (first < next && hasFiles) {
      const skip = next - first;
      if (skip >= to - from) return;
      from += skip;
      first = next;
    }
    if (!hasFiles && first > 0) {
      // Queue starts late (its earlier files are gone): start at the segment holding `first`, pre-blank before it.
      const byteOff = first * CQ_STORE_UNIT_SIZE;
      const segStart = byteOff - (byteOff % this.mappedFileSize);
      const mf = await this.mfq.getOrCreate(segStart);
      mf.wrotePosition = 0;
      next = segStart / CQ_STORE_UNIT_SIZE;
      this.minLogicOffset = byteOff;
    }
    if (first > next) {
      const blanks: ConsumeQueueEntry[] = [];
      for (let q = next; q < first; q++) blanks.push({ commitLogOffset: 0, msgSize: BLANK_SIZE, tagsCode: 0 });
      list = blanks.concat(list.slice(from, to));
      from = 0;
      to = list.length;
      first = next;
    }
    const bytes = (to - from) * CQ_STORE_UNIT_SIZE;
    const start = first * CQ_STORE_UNIT_SIZE;
    let chunk = this.unwritten[this.unwritten.length - 1];
    if (chunk && chunk.start + chunk.len === start && chunk.len + bytes > chunk.buf.length) {
      if (chunk.buf.length < WRITE_BEHIND_BYTES) {
        // Chunks start small (a broker may have thousands of queues) and grow up to the write-behind size.
        const grown = Buffer.allocUnsafe(Math.max(Math.min(chunk.buf.length * 4, WRITE_BEHIND_BYTES), chunk.len + bytes));
        chunk.buf.copy(grown, 0, 0, chunk.len);
        chunk.buf = grown;
      } else chunk = undefined;
    }
    if (!chunk || chunk.start + chunk.len !== start) {
      chunk = { start, buf: Buffer.allocUnsafe(Math.max(WRITE_BEHIND_INITIAL_BYTES, bytes)), len: 0 };
      this.unwritten.push(chunk);
    }
    const buf = chunk.buf;
    let o = chunk.len;
    let maxPhysic = this.maxPhysicOffset;
    for (let i = from; i < to; i++, o += CQ_STORE_UNIT_SIZE) {
      const e = list[i]!;
      const offset = e.commitLogOffset;
      const size = e.msgSize;
      writeInt64(buf, o, offset);
      buf.writeInt32BE(size, o + 8);
      writeInt64(buf, o + 12, e.tagsCode);
      if (size !== BLANK_SIZE && offset + size > maxPhysic) maxPhysic = offset + size;
    }
    chunk.len = o;
    this.maxPhysicOffset = maxPhysic;
    // Bounded memory: a full chunk (or a second one) goes to file now.
    if (this.unwritten.length > 1 || chunk.len + CQ_STORE_UNIT_SIZE > WRITE_BEHIND_BYTES) await this.writeUnwritten();
  }

  /**
   * Reads up to `maxCount` entries from logical offset `index`, stopping at the end of its segment (Java
   * `getIndexBuffer`). Undefined when the segment holding `index` is gone (OFFSET_FOUND_NULL).
   */
  async getEntries(index: number, maxCount: number): Promise<Buffer | undefined> {
    const byteOff = index * CQ_STORE_UNIT_SIZE;
    if (byteOff < this.minLogicOffset) return undefined;
    const segEnd = byteOff - (byteOff % this.mappedFileSize) + this.mappedFileSize;
    const end = Math.min(segEnd, byteOff + maxCount * CQ_STORE_UNIT_SIZE);
    const fromMemory = this.copyUnwritten(byteOff, end);
    if (fromMemory) return fromMemory;
    const mf = this.mfq.findMappedFileByOffset(byteOff);
    if (!mf) return undefined;
    const pos = byteOff - mf.fileFromOffset;
    const avail = mf.wrotePosition - pos;
    if (avail <= 0) return undefined;
    const len = Math.min(avail, end - byteOff);
    const read = await mf.read(pos, len);
    if (read.length < CQ_STORE_UNIT_SIZE) return undefined;
    const buf = read.subarray(0, read.length - (read.length % CQ_STORE_UNIT_SIZE));
    // Entries past the file's end may still be held in memory.
    const more = byteOff + buf.length < end ? this.copyUnwritten(byteOff + buf.length, end) : undefined;
    return more ? Buffer.concat([buf, more]) : buf;
  }

  /** A copy of the entries in `[from, to)` held in memory from `from` on; undefined when `from` is not held. */
  private copyUnwritten(from: number, to: number): Buffer | undefined {
    const parts: Buffer[] = [];
    let cur = from;
    for (const c of this.unwritten) {
      if (cur >= to) break;
      if (cur < c.start || cur >= c.start + c.len) {
        if (parts.length > 0) break;
        continue;
      }
      const stop = Math.min(c.start + c.len, to);
      parts.push(c.buf.subarray(cur - c.start, stop - c.start));
      cur = stop;
    }
    if (parts.length === 0) return undefined;
    // A copy: the caller may keep it while later entries join the chunk.
    return Buffer.concat(parts);
  }

  async getEntry(index: number): Promise<ConsumeQueueEntry | undefined> {
    const buf = await this.getEntries(index, 1);
    if (!buf) return undefined;
    return {
      commitLogOffset: readInt64(buf, 0),
      msgSize: buf.readInt32BE(8),
      tagsCode: readInt64(buf, 12),
    };
  }

  /** Logical offset where the segment after the one holding `index` starts (Java `rollNextFile`). */
  rollNextFile(index: number): number {
    const perFile = this.mappedFileSize / CQ_STORE_UNIT_SIZE;
    return index + perFile - (index % perFile);
  }

  /** Cuts entries pointing at or after `phyOffset` (Java `truncateDirtyLogicFiles`). */
  async truncateDirtyLogicFiles(phyOffset: number): Promise<void> {
    await this.writeUnwritten();
    if (this.maxPhysicOffset <= phyOffset && this.maxPhysicOffset !== -1) return;
    let endLogic = this.mfq.getMaxOffset();
    // Walk back over entries from the end (they are in commit-log order).
    let maxPhysic = -1;
    while (endLogic > this.minLogicOffset) {
      const idx = endLogic / CQ_STORE_UNIT_SIZE - 1;
      const e = await this.getEntry(idx);
      if (!e) break;
      if (e.msgSize !== BLANK_SIZE && e.commitLogOffset < phyOffset) {
        maxPhysic = e.commitLogOffset + e.msgSize;
        break;
      }
      endLogic -= CQ_STORE_UNIT_SIZE;
    }
    if (endLogic < this.mfq.getMaxOffset()) {
      await this.mfq.truncateDirtyFiles(endLogic);
      this.fixPositions(endLogic);
    }
    this.maxPhysicOffset = maxPhysic;
  }

  /** Deletes segments whose entries all point below `minPhyOffset`; returns how many were deleted. */
  async deleteExpiredFiles(minPhyOffset: number): Promise<number> {
    await this.writeUnwritten();
    const doomed = [];
    const files = this.mfq.files;
    for (let i = 0; i < files.length - 1; i++) {
      const mf = files[i]!;
      const last = await mf.read(this.mappedFileSize - CQ_STORE_UNIT_SIZE, CQ_STORE_UNIT_SIZE);
      if (last.length < CQ_STORE_UNIT_SIZE) break;
      const off = readInt64(last, 0);
      const size = last.readInt32BE(8);
      if (size !== BLANK_SIZE && off + size <= minPhyOffset) doomed.push(mf);
      else break;
    }
    if (doomed.length > 0) {
      await this.mfq.deleteFiles(doomed);
      const first = this.mfq.first;
      if (first && first.fileFromOffset > this.minLogicOffset) this.minLogicOffset = first.fileFromOffset;
    }
    return doomed.length;
  }

  async flush(): Promise<void> {
    await this.writeUnwritten();
    await this.mfq.flushAll();
  }

  async close(): Promise<void> {
    await this.writeUnwritten();
    await this.mfq.close();
  }

  async destroy(): Promise<void> {
    while (this.draining) await this.draining.catch(() => undefined);
    this.unwritten = [];
    await this.mfq.destroy();
    this.maxPhysicOffset = -1;
    this.minLogicOffset = 0;
  }
}
