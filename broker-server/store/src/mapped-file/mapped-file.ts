import { constants as fsConstants, promises as fsp, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Writes up to this size go straight to the page cache with a synchronous pwrite (a few µs, like Java's memcpy into a
 * mapped buffer) instead of a thread-pool round trip, which costs several times more CPU for small writes.
 */
const SYNC_WRITE_MAX_BYTES = 64 * 1024;

/** 20-digit zero-padded file name of a segment starting at `offset` (Java `UtilAll.offset2FileName`). */
export function offsetToFileName(offset: number): string {
  return String(offset).padStart(20, '0');
}

/**
 * One fixed-size segment file (Java `MappedFile`), accessed with positional I/O instead of mmap: the file is sized
 * with ftruncate (sparse, so a 1 GiB segment costs nothing until written) and never read as a whole.
 *
 * `wrotePosition` is how far data has been written (visible to preads), `flushedPosition` how far it has been
 * fdatasync'ed.
 */
export class MappedFile {
  wrotePosition = 0;
  flushedPosition = 0;
  /** ms epoch of the last write (or the file's mtime when loaded). */
  lastModified: number;
  private handle: FileHandle | undefined;
  private opening: Promise<FileHandle> | undefined;
  private destroyed = false;

  constructor(
    readonly filePath: string,
    readonly fileFromOffset: number,
    readonly fileSize: number,
    lastModified = Date.now(),
  ) {
    this.lastModified = lastModified;
  }

  get fileName(): string {
    return path.basename(this.filePath);
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Creates (or opens) the file and makes sure it is `fileSize` bytes long. */
  static async create(dir: string, fileFromOffset: number, fileSize: number): Promise<MappedFile> {
    const file = new MappedFile(path.join(dir, offsetToFileName(fileFromOffset)), fileFromOffset, fileSize);
    // O_RDWR | O_CREAT: create without truncating, and no O_APPEND so positional writes land where asked.
    const fh = await fsp.open(file.filePath, fsConstants.O_RDWR | fsConstants.O_CREAT, 0o644);
    try {
      const st = await fh.stat();
      if (st.size !== fileSize) await fh.truncate(fileSize);
    } catch (err) {
      await fh.close();
      throw err;
    }
    file.handle = fh;
    return file;
  }

  private async fh(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    if (this.destroyed) throw new Error(`mapped file ${this.filePath} was destroyed`);
    if (!this.opening) {
      this.opening = fsp.open(this.filePath, 'r+').then((h) => {
        this.handle = h;
        this.opening = undefined;
        return h;
      });
      this.opening.catch(() => (this.opening = undefined));
    }
    return this.opening;
  }

  /** Writes all of `buf[start, end)` at file position `position`. */
  async write(buf: Buffer, position: number, start = 0, end = buf.length): Promise<void> {
    let off = start;
    let pos = position;
    const open = this.handle;
    if (open && end - start <= SYNC_WRITE_MAX_BYTES) {
      while (off < end) {
        const n = writeSync(open.fd, buf, off, end - off, pos);
        if (n <= 0) throw new Error(`short write to ${this.filePath} at ${pos}`);
        off += n;
        pos += n;
      }
      this.lastModified = Date.now();
      return;
    }
    const fh = await this.fh();
    while (off < end) {
      const { bytesWritten } = await fh.write(buf, off, end - off, pos);
      if (bytesWritten <= 0) throw new Error(`short write to ${this.filePath} at ${pos}`);
      off += bytesWritten;
      pos += bytesWritten;
    }
    this.lastModified = Date.now();
  }

  /** Reads `length` bytes at `position` (fewer only at end of file). */
  async read(position: number, length: number, target?: Buffer, targetOffset = 0): Promise<Buffer> {
    const fh = await this.fh();
    const buf = target ?? Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(buf, targetOffset + done, length - done, position + done);
      if (bytesRead <= 0) break;
      done += bytesRead;
    }
    return target ? buf : done === length ? buf : buf.subarray(0, done);
  }

  /** fdatasync when anything was written since the last flush. Returns the new flushed position. */
  async flush(): Promise<number> {
    const target = this.wrotePosition;
    if (target > this.flushedPosition && !this.destroyed) {
      const fh = await this.fh();
      await fh.datasync();
      if (target > this.flushedPosition) this.flushedPosition = target;
    }
    return this.flushedPosition;
  }

  /**
   * Forgets everything at and after `position`: the bytes read back as zeros afterwards (truncate then re-extend, so
   * stale records left after a crash can never be mistaken for new ones).
   */
  async truncateFrom(position: number): Promise<void> {
    const fh = await this.fh();
    await fh.truncate(position);
    await fh.truncate(this.fileSize);
    this.wrotePosition = Math.min(this.wrotePosition, position);
    this.flushedPosition = Math.min(this.flushedPosition, position);
  }

  async close(): Promise<void> {
    const h = this.handle ?? (this.opening ? await this.opening.catch(() => undefined) : undefined);
    this.handle = undefined;
    if (h) await h.close();
  }

  /** Closes and deletes the file. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    await this.close();
    await fsp.rm(this.filePath, { force: true });
  }
}
