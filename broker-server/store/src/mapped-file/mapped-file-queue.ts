import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { MappedFile } from './mapped-file';

/**
 * The ordered segments of one log (Java `MappedFileQueue`): commit log segments or one consume queue's segments.
 * Segment `n` covers byte offsets `[fileFromOffset, fileFromOffset + fileSize)` of the log's offset space.
 */
export class MappedFileQueue {
  files: MappedFile[] = [];
  private creating = new Map<number, Promise<MappedFile>>();

  constructor(
    readonly storePath: string,
    readonly mappedFileSize: number,
  ) {}

  /**
   * Lists existing segments. Every file is taken as fully written (recovery then sets the real positions). Fails with
   * a clear error when a file's size does not match the configured segment size (Java refuses to load too).
   */
  async load(): Promise<void> {
    let names: string[];
    try {
      names = await fsp.readdir(this.storePath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const segs = names.filter((n) => /^\d{20}$/.test(n)).sort();
    for (const [i, name] of segs.entries()) {
      const full = path.join(this.storePath, name);
      const st = await fsp.stat(full);
      if (!st.isFile()) continue;
      if (st.size < this.mappedFileSize && i === segs.length - 1) {
        // A crash between creating the newest segment and sizing it (MappedFile.create: open, then ftruncate) leaves
        // it short. Nothing was written to it yet (writes start only once it is sized), so finish sizing it; recovery
        // then finds no record there.
        await fsp.truncate(full, this.mappedFileSize);
      } else if (st.size !== this.mappedFileSize) {
        throw new Error(
          `${full} is ${st.size} bytes but the configured segment size is ${this.mappedFileSize}; ` +
            'set mappedFileSize* to the size the store was written with',
        );
      }
      const mf = new MappedFile(full, Number(name), this.mappedFileSize, st.mtimeMs);
      mf.wrotePosition = this.mappedFileSize;
      mf.flushedPosition = this.mappedFileSize;
      this.files.push(mf);
    }
  }

  get first(): MappedFile | undefined {
    return this.files[0];
  }

  get last(): MappedFile | undefined {
    return this.files[this.files.length - 1];
  }

  /** Offset of the first byte still present (start of the first segment), 0 when empty. */
  getMinOffset(): number {
    return this.files[0]?.fileFromOffset ?? 0;
  }

  /** End of the written data (last segment start + its wrote position), 0 when empty. */
  getMaxOffset(): number {
    const last = this.last;
    return last ? last.fileFromOffset + last.wrotePosition : 0;
  }

  /** Segment containing `offset`, or undefined when it was deleted or never existed. */
  findMappedFileByOffset(offset: number): MappedFile | undefined {
    const first = this.files[0];
    if (!first || offset < first.fileFromOffset) return undefined;
    const idx = Math.floor((offset - first.fileFromOffset) / this.mappedFileSize);
    const guess = this.files[idx];
    if (guess && offset >= guess.fileFromOffset && offset < guess.fileFromOffset + this.mappedFileSize) return guess;
    // Files may have gaps (deleted middle segment): fall back to a search.
    for (const f of this.files) {
      if (offset >= f.fileFromOffset && offset < f.fileFromOffset + this.mappedFileSize) return f;
    }
    return undefined;
  }

  /** Returns the segment starting at `fileFromOffset`, creating it (and nothing else) when missing. */
  async getOrCreate(fileFromOffset: number): Promise<MappedFile> {
    const existing = this.findMappedFileByOffset(fileFromOffset);
    if (existing && existing.fileFromOffset === fileFromOffset) return existing;
    let p = this.creating.get(fileFromOffset);
    if (!p) {
      p = (async () => {
        await fsp.mkdir(this.storePath, { recursive: true });
        const mf = await MappedFile.create(this.storePath, fileFromOffset, this.mappedFileSize);
        const again = this.findMappedFileByOffset(fileFromOffset);
        if (again && again.fileFromOffset === fileFromOffset) {
          await mf.close();
          return again;
        }
        this.files.push(mf);
        this.files.sort((a, b) => a.fileFromOffset - b.fileFromOffset);
        return mf;
      })();
      this.creating.set(fileFromOffset, p);
      p.then(
        () => this.creating.delete(fileFromOffset),
        () => this.creating.delete(fileFromOffset),
      );
    }
    return p;
  }

  /**
   * Drops everything at and after `offset` (Java `truncateDirtyFiles`): later segments are deleted, the segment holding
   * `offset` is cut there and its tail zeroed.
   */
  async truncateDirtyFiles(offset: number): Promise<void> {
    const keep: MappedFile[] = [];
    for (const f of this.files) {
      const end = f.fileFromOffset + this.mappedFileSize;
      if (end <= offset) {
        keep.push(f);
      } else if (offset >= f.fileFromOffset) {
        const pos = offset - f.fileFromOffset;
        await f.truncateFrom(pos);
        f.wrotePosition = pos;
        f.flushedPosition = pos;
        keep.push(f);
      } else {
        await f.destroy();
      }
    }
    this.files = keep;
  }

  /** Removes `files` (already chosen by the caller) from the queue and deletes them. */
  async deleteFiles(files: MappedFile[]): Promise<void> {
    const doomed = new Set(files);
    this.files = this.files.filter((f) => !doomed.has(f));
    for (const f of files) await f.destroy();
  }

  async flushAll(): Promise<void> {
    for (const f of this.files) {
      if (f.wrotePosition > f.flushedPosition) await f.flush();
    }
  }

  async close(): Promise<void> {
    for (const f of this.files) await f.close();
  }

  async destroy(): Promise<void> {
    for (const f of this.files) await f.destroy();
    this.files = [];
    await fsp.rm(this.storePath, { recursive: true, force: true });
  }
}
