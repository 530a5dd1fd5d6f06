/**
 * Java `IndexFile` layout (protocol.md §5.4), positional I/O:
 *
 * ```
 * header 40 B : int64 beginTimestamp | int64 endTimestamp | int64 beginPhyOffset | int64 endPhyOffset
 *               | int32 hashSlotCount | int32 indexCount (starts at 1; entry 0 unused)
 * slots       : hashSlotNum × int32 = newest entry number in that slot (0 = empty)
 * entries     : indexNum × 20 B = int32 keyHash | int64 phyOffset | int32 timeDiff (s since beginTimestamp) | int32 prev
 * ```
 * The file being written keeps its slot table in memory (an Int32Array) and writes entries as they come; slots and
 * header reach the file at flush, header last, so the on-disk header never counts entries whose slots are missing.
 * Full (read-only) files read slots and entries with small preads.
 */
import { promises as fsp, constants as fsConstants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { endianness } from 'node:os';
import { writeInt64 } from '../commitlog/record-check';
import { indexKeyHash } from '../util/java-hash';

export const INDEX_HEADER_SIZE = 40;
const HASH_SLOT_SIZE = 4;
const INDEX_SIZE = 20;
/** Entries the pending-entry buffer starts with room for (it doubles when needed). */
const PENDING_ENTRIES_INITIAL = 1024;
const INVALID_INDEX = 0;
// Slots are kept in an Int32Array (platform order) and written big-endian.
const LITTLE_ENDIAN = endianness() === 'LE';

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  hashSlotCount: number;
  indexCount: number;
}

export class IndexFile {
  header: IndexHeader = {
    beginTimestamp: 0,
    endTimestamp: 0,
    beginPhyOffset: 0,
    endPhyOffset: 0,
    hashSlotCount: 0,
    indexCount: 1,
  };
  private slots: Int32Array | undefined;
  private dirtySlotPages = new Set<number>();
  /** Entries not on file yet, encoded back to back from entry number `pendingFrom`. */
  private pending: Buffer = Buffer.allocUnsafe(PENDING_ENTRIES_INITIAL * INDEX_SIZE);
  private pendingCount = 0;
  private pendingFrom = 0;
  private flushedIndexCount = 1;

  private constructor(
    readonly filePath: string,
    readonly hashSlotNum: number,
    readonly indexNum: number,
    private fh: FileHandle,
  ) {}

  get fileName(): string {
    return path.basename(this.filePath);
  }

  get fileSize(): number {
    return INDEX_HEADER_SIZE + this.hashSlotNum * HASH_SLOT_SIZE + this.indexNum * INDEX_SIZE;
  }

  static async open(filePath: string, hashSlotNum: number, indexNum: number): Promise<IndexFile> {
    const fh = await fsp.open(filePath, fsConstants.O_RDWR);
    const f = new IndexFile(filePath, hashSlotNum, indexNum, fh);
    const st = await fh.stat();
    if (st.size !== f.fileSize) {
      await fh.close();
      throw new Error(
        `index file ${filePath} is ${st.size} bytes, expected ${f.fileSize} for maxHashSlotNum ${hashSlotNum} / maxIndexNum ${indexNum}`,
      );
    }
    const h = Buffer.alloc(INDEX_HEADER_SIZE);
    await fh.read(h, 0, INDEX_HEADER_SIZE, 0);
    f.header = {
      beginTimestamp: Number(h.readBigInt64BE(0)),
      endTimestamp: Number(h.readBigInt64BE(8)),
      beginPhyOffset: Number(h.readBigInt64BE(16)),
      endPhyOffset: Number(h.readBigInt64BE(24)),
      hashSlotCount: h.readInt32BE(32),
      indexCount: Math.max(1, h.readInt32BE(36)),
    };
    f.flushedIndexCount = f.header.indexCount;
    return f;
  }

  static async create(
    dir: string,
    name: string,
    hashSlotNum: number,
    indexNum: number,
    endPhyOffset: number,
    endTimestamp: number,
  ): Promise<IndexFile> {
    await fsp.mkdir(dir, { recursive: true });
    const filePath = path.join(dir, name);
    const fh = await fsp.open(filePath, fsConstants.O_RDWR | fsConstants.O_CREAT | fsConstants.O_TRUNC, 0o644);
    const f = new IndexFile(filePath, hashSlotNum, indexNum, fh);
    await fh.truncate(f.fileSize);
    if (endPhyOffset > 0) {
      f.header.beginPhyOffset = endPhyOffset;
      f.header.endPhyOffset = endPhyOffset;
    }
    if (endTimestamp > 0) {
      f.header.beginTimestamp = endTimestamp;
      f.header.endTimestamp = endTimestamp;
    }
    f.slots = new Int32Array(hashSlotNum);
    return f;
  }

  isWriteFull(): boolean {
    return this.header.indexCount >= this.indexNum;
  }

  /** Loads the slot table so that the file can take new entries (only the newest file is writable). */
  async makeWritable(): Promise<void> {
    if (this.slots) return;
    const slots = new Int32Array(this.hashSlotNum);
    const bytes = Buffer.allocUnsafe(Math.min(1024 * 1024, this.hashSlotNum * HASH_SLOT_SIZE));
    for (let s = 0; s < this.hashSlotNum;) {
      const n = Math.min(bytes.length / HASH_SLOT_SIZE, this.hashSlotNum - s);
      await this.fh.read(bytes, 0, n * HASH_SLOT_SIZE, INDEX_HEADER_SIZE + s * HASH_SLOT_SIZE);
      for (let i = 0; i < n; i++) {
        let v = bytes.readInt32BE(i * HASH_SLOT_SIZE);
        // A crash during a flush can leave slots pointing past the header's count: follow the chain back to an
        // entry the header covers (or empty).
        for (let hops = 0; v >= this.header.indexCount && hops < 64; hops++) v = await this.readPrev(v);
        slots[s + i] = v > INVALID_INDEX && v < this.header.indexCount ? v : INVALID_INDEX;
      }
      s += n;
    }
    this.slots = slots;
  }

  private async readPrev(index: number): Promise<number> {
    if (index >= this.indexNum) return INVALID_INDEX;
    const b = Buffer.alloc(4);
    await this.fh.read(b, 0, 4, this.entryPosition(index) + 16);
    return b.readInt32BE(0);
  }

  /** Releases the in-memory slot table of a file that became read-only (after a flush). */
  releaseSlots(): void {
    if (this.dirtySlotPages.size === 0 && this.pendingCount === 0) this.slots = undefined;
  }

  /** True when `putKey` can run now: the slot table is loaded and the file is not full. */
  get acceptsKeys(): boolean {
    return this.slots !== undefined && this.header.indexCount < this.indexNum;
  }

  /** Entries waiting for `writeEntries`. */
  get pendingEntryCount(): number {
    return this.pendingCount;
  }

  /** Adds one key (Java `IndexFile.putKey`); false when the file is full. */
  putKey(key: string, phyOffset: number, storeTimestamp: number): boolean {
    return this.putKeyHash(indexKeyHash(key), phyOffset, storeTimestamp);
  }

  /** `putKey` given the key's hash (`indexKeyHash`). */
  putKeyHash(keyHash: number, phyOffset: number, storeTimestamp: number): boolean {
    const slots = this.slots;
    if (!slots) throw new Error(`index file ${this.filePath} is read-only`);
    const h = this.header;
    if (h.indexCount >= this.indexNum) return false;
    const slotPos = keyHash % this.hashSlotNum;
    let slotValue = slots[slotPos]!;
    if (slotValue <= INVALID_INDEX || slotValue > h.indexCount) slotValue = INVALID_INDEX;
    let timeDiff = Math.floor((storeTimestamp - h.beginTimestamp) / 1000);
    if (h.beginTimestamp <= 0) timeDiff = 0;
    else if (timeDiff > 0x7fffffff) timeDiff = 0x7fffffff;
    else if (timeDiff < 0) timeDiff = 0;
    if (this.pendingCount === 0) this.pendingFrom = h.indexCount;
    let e = this.pending;
    const at = this.pendingCount * INDEX_SIZE;
    if (at + INDEX_SIZE > e.length) {
      const grown = Buffer.allocUnsafe(e.length * 2);
      e.copy(grown, 0, 0, at);
      this.pending = e = grown;
    }
    e.writeInt32BE(keyHash, at);
    writeInt64(e, at + 4, phyOffset);
    e.writeInt32BE(timeDiff, at + 12);
    e.writeInt32BE(slotValue, at + 16);
    this.pendingCount++;
    slots[slotPos] = h.indexCount;
    this.dirtySlotPages.add(Math.floor(slotPos / 1024));
    if (h.indexCount <= 1) {
      h.beginPhyOffset = phyOffset;
      h.beginTimestamp = storeTimestamp;
    }
    if (slotValue === INVALID_INDEX) h.hashSlotCount++;
    h.indexCount++;
    h.endPhyOffset = phyOffset;
    h.endTimestamp = storeTimestamp;
    return true;
  }

  private entryPosition(index: number): number {
    return INDEX_HEADER_SIZE + this.hashSlotNum * HASH_SLOT_SIZE + index * INDEX_SIZE;
  }

  /** Writes buffered entries (one write); slots and header wait for `flush`. */
  async writeEntries(): Promise<void> {
    if (this.pendingCount === 0) return;
    const buf = this.pending.subarray(0, this.pendingCount * INDEX_SIZE);
    const from = this.pendingFrom;
    this.pending = Buffer.allocUnsafe(Math.max(PENDING_ENTRIES_INITIAL * INDEX_SIZE, buf.length));
    this.pendingCount = 0;
    await writeAll(this.fh, buf, this.entryPosition(from));
  }

  /**
   * Persists entries, then dirty slot pages, then a header snapshot taken when the entries were on file, then
   * fdatasync. A crash in between leaves slots that may point past the header's count; `makeWritable` repairs them.
   */
  async flush(): Promise<void> {
    while (this.pendingCount > 0) await this.writeEntries();
    const snapshot = this.encodeHeader();
    const count = this.header.indexCount;
    const slots = this.slots;
    if (slots && this.dirtySlotPages.size > 0) {
      // Coalesce dirty 4 KiB slot pages into few large writes (clean pages in small gaps are rewritten as they are).
      const pages = [...this.dirtySlotPages].sort((a, b) => a - b);
      this.dirtySlotPages.clear();
      const maxRunPages = 256;
      for (let i = 0; i < pages.length;) {
        const first = pages[i]!;
        let last = first;
        let j = i + 1;
        while (j < pages.length && pages[j]! - last <= 8 && pages[j]! - first < maxRunPages) last = pages[j++]!;
        const from = first * 1024;
        const n = Math.min((last + 1) * 1024, this.hashSlotNum) - from;
        // Native copy and byte swap: random keys dirty most slot pages, so a flush may cover the whole table.
        const run = Buffer.allocUnsafe(n * HASH_SLOT_SIZE);
        run.set(new Uint8Array(slots.buffer, slots.byteOffset + from * HASH_SLOT_SIZE, n * HASH_SLOT_SIZE));
        if (LITTLE_ENDIAN) run.swap32();
        await writeAll(this.fh, run, INDEX_HEADER_SIZE + from * HASH_SLOT_SIZE);
        i = j;
      }
    }
    if (this.flushedIndexCount !== count) {
      await writeAll(this.fh, snapshot, 0);
      await this.fh.datasync();
      this.flushedIndexCount = count;
    }
  }

  private encodeHeader(): Buffer {
    const h = this.header;
    const b = Buffer.alloc(INDEX_HEADER_SIZE);
    b.writeBigInt64BE(BigInt(h.beginTimestamp), 0);
    b.writeBigInt64BE(BigInt(h.endTimestamp), 8);
    b.writeBigInt64BE(BigInt(h.beginPhyOffset), 16);
    b.writeBigInt64BE(BigInt(h.endPhyOffset), 24);
    b.writeInt32BE(h.hashSlotCount, 32);
    b.writeInt32BE(h.indexCount, 36);
    return b;
  }

  /** Java `isTimeMatched`. */
  isTimeMatched(begin: number, end: number): boolean {
    const h = this.header;
    return (
      (begin < h.beginTimestamp && end > h.endTimestamp) ||
      (begin >= h.beginTimestamp && begin <= h.endTimestamp) ||
      (end >= h.beginTimestamp && end <= h.endTimestamp)
    );
  }

  /** Walks the key's slot chain newest first (Java `selectPhyOffset`), adding matches to `out`. */
  async selectPhyOffset(out: number[], key: string, maxNum: number, begin: number, end: number): Promise<void> {
    await this.writeEntries();
    const h = this.header;
    const keyHash = indexKeyHash(key);
    const slotPos = keyHash % this.hashSlotNum;
    let slotValue: number;
    if (this.slots) slotValue = this.slots[slotPos]!;
    else {
      const b = Buffer.allocUnsafe(4);
      await this.fh.read(b, 0, 4, INDEX_HEADER_SIZE + slotPos * HASH_SLOT_SIZE);
      slotValue = b.readInt32BE(0);
    }
    if (slotValue <= INVALID_INDEX || slotValue > h.indexCount || h.indexCount <= 1) return;
    const e = Buffer.allocUnsafe(INDEX_SIZE);
    for (let next = slotValue, steps = 0; steps < this.indexNum; steps++) {
      if (out.length >= maxNum) break;
      const { bytesRead } = await this.fh.read(e, 0, INDEX_SIZE, this.entryPosition(next));
      if (bytesRead < INDEX_SIZE) break;
      const keyHashRead = e.readInt32BE(0);
      const phyOffsetRead = Number(e.readBigInt64BE(4));
      const timeDiff = e.readInt32BE(12);
      const prev = e.readInt32BE(16);
      if (timeDiff < 0) break;
      const timeRead = h.beginTimestamp + timeDiff * 1000;
      if (keyHash === keyHashRead && timeRead >= begin && timeRead <= end) out.push(phyOffsetRead);
      if (prev <= INVALID_INDEX || prev > h.indexCount || prev === next || timeRead < begin) break;
      next = prev;
    }
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }

  async destroy(): Promise<void> {
    await this.close();
    await fsp.rm(this.filePath, { force: true });
  }
}

async function writeAll(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, position + off);
    if (bytesWritten <= 0) throw new Error('short write to index file');
    off += bytesWritten;
  }
}
