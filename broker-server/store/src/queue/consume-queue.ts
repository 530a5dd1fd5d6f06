/**
 * One topic/queue's consume queue (Java `ConsumeQueue`): fixed 20-byte entries, entry `n` at byte `n × 20` of the
 * queue's offset space, split into segments of `mappedFileSizeConsumeQueue` bytes named by their first byte offset.
 *
 * ```
 * entry: int64 commit log offset | int32 record size | int64 tagsCode     (big-endian)
 * ```
 * Valid entry (recovery): offset >= 0 and size > 0. Pre-blank entries (0, Integer.MAX_VALUE, 0) fill the slots before
 * the first real entry of a queue whose first segment starts late.
 */
import * as path from 'node:path';
import { readInt64, writeInt64 } from '../commitlog/record-check';
import { MappedFileQueue } from '../mapped-file/mapped-file-queue';

export const CQ_STORE_UNIT_SIZE = 20;
const BLANK_SIZE = 0x7fffffff;

export interface ConsumeQueueEntry {
  offset: number;
  size: number;
  tagsCode: number;
}

export class ConsumeQueue {
  readonly mfq: MappedFileQueue;
  /** End (offset + size) of the last record indexed here; -1 when none. */
  maxPhysicOffset = -1;
  /** Byte offset of the first valid entry. */
  minLogicOffset = 0;

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
    return Math.floor(this.mfq.getMaxOffset() / CQ_STORE_UNIT_SIZE);
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
  async putEntries(startQueueOffset: number, entries: ConsumeQueueEntry[]): Promise<void> {
    let next = this.getMaxOffsetInQueue();
    const hasFiles = this.mfq.files.length > 0;
    let first = startQueueOffset;
    let list = entries;
    if (first < next && hasFiles) {
      const skip = next - first;
      if (skip >= list.length) return;
      list = list.slice(skip);
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
      for (let q = next; q < first; q++) blanks.push({ offset: 0, size: BLANK_SIZE, tagsCode: 0 });
      list = blanks.concat(list);
      first = next;
    }
    const buf = Buffer.allocUnsafe(list.length * CQ_STORE_UNIT_SIZE);
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      const o = i * CQ_STORE_UNIT_SIZE;
      writeInt64(buf, o, e.offset);
      buf.writeInt32BE(e.size, o + 8);
      writeInt64(buf, o + 12, e.tagsCode);
    }
    let byteOffset = first * CQ_STORE_UNIT_SIZE;
    let written = 0;
    while (written < buf.length) {
      const segStart = byteOffset - (byteOffset % this.mappedFileSize);
      const mf = await this.mfq.getOrCreate(segStart);
      const pos = byteOffset - segStart;
      const n = Math.min(buf.length - written, this.mappedFileSize - pos);
      await mf.write(buf, pos, written, written + n);
      mf.wrotePosition = pos + n;
      written += n;
      byteOffset += n;
    }
    for (const e of list)
      if (e.size !== BLANK_SIZE && e.offset + e.size > this.maxPhysicOffset) this.maxPhysicOffset = e.offset + e.size;
  }

  /**
   * Reads up to `maxCount` entries from logical offset `index`, stopping at the end of its segment (Java
   * `getIndexBuffer`). Undefined when the segment holding `index` is gone (OFFSET_FOUND_NULL).
   */
  async getEntries(index: number, maxCount: number): Promise<Buffer | undefined> {
    const byteOff = index * CQ_STORE_UNIT_SIZE;
    if (byteOff < this.minLogicOffset) return undefined;
    const mf = this.mfq.findMappedFileByOffset(byteOff);
    if (!mf) return undefined;
    const pos = byteOff - mf.fileFromOffset;
    const avail = mf.wrotePosition - pos;
    if (avail <= 0) return undefined;
    const len = Math.min(avail, maxCount * CQ_STORE_UNIT_SIZE);
    const buf = await mf.read(pos, len);
    return buf.length >= CQ_STORE_UNIT_SIZE
      ? buf.subarray(0, buf.length - (buf.length % CQ_STORE_UNIT_SIZE))
      : undefined;
  }

  async getEntry(index: number): Promise<ConsumeQueueEntry | undefined> {
    const buf = await this.getEntries(index, 1);
    if (!buf) return undefined;
    return {
      offset: readInt64(buf, 0),
      size: buf.readInt32BE(8),
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
    if (this.maxPhysicOffset <= phyOffset && this.maxPhysicOffset !== -1) return;
    let endLogic = this.mfq.getMaxOffset();
    // Walk back over entries from the end (they are in commit-log order).
    let maxPhysic = -1;
    while (endLogic > this.minLogicOffset) {
      const idx = endLogic / CQ_STORE_UNIT_SIZE - 1;
      const e = await this.getEntry(idx);
      if (!e) break;
      if (e.size !== BLANK_SIZE && e.offset < phyOffset) {
        maxPhysic = e.offset + e.size;
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
    await this.mfq.flushAll();
  }

  async close(): Promise<void> {
    await this.mfq.close();
  }

  async destroy(): Promise<void> {
    await this.mfq.destroy();
    this.maxPhysicOffset = -1;
    this.minLogicOffset = 0;
  }
}
