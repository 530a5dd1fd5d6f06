import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { javaStringHashCode, MessageSysFlag } from '@rocketnest/common';
import type { DispatchRequest } from '../commitlog/record-check';
import { indexKeyHashAfter } from '../util/java-hash';
import { IndexFile } from './index-file';

// Bound once: SWC's CommonJS re-exports are getters, too slow to go through per message.
const ROLLBACK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
/** Pending entries of the newest file that make `buildIndex` write them (80 KiB). */
const INDEX_WRITE_BEHIND_ENTRIES = 4096;

/** Local-time `yyyyMMddHHmmssSSS` (Java `UtilAll.timeMillisToHumanString`), the index file name. */
export function indexFileName(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}` +
    `${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}${p(d.getMilliseconds(), 3)}`
  );
}

export interface QueryOffsetResult {
  phyOffsets: number[];
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

/** Java `IndexService`: the index files under `<root>/index`, newest last; keys are `topic#key`. */
export class IndexService {
  private readonly prefixHashes = new Map<string, number>();
  files: IndexFile[] = [];
  readonly dir: string;

  constructor(
    rootDir: string,
    private readonly hashSlotNum: number,
    private readonly indexNum: number,
  ) {
    this.dir = path.join(rootDir, 'index');
  }

  /**
   * Opens the existing files. `deleteAfterTimestamp` (Java abnormal start): files whose end timestamp is later are
   * deleted, their entries get rebuilt by re-dispatch.
   */
  async load(deleteAfterTimestamp?: number): Promise<void> {
    let names: string[] = [];
    try {
      names = (await fsp.readdir(this.dir)).filter((n) => /^\d{17}$/.test(n)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const name of names) {
      const f = await IndexFile.open(path.join(this.dir, name), this.hashSlotNum, this.indexNum);
      if (deleteAfterTimestamp !== undefined && f.header.endTimestamp > deleteAfterTimestamp) {
        await f.destroy();
        continue;
      }
      this.files.push(f);
    }
  }

  /** End phy offset of the newest file: records before it are indexed already. */
  getEndPhyOffset(): number {
    return this.files[this.files.length - 1]?.header.endPhyOffset ?? 0;
  }

  getEndTimestamp(): number {
    return this.files[this.files.length - 1]?.header.endTimestamp ?? 0;
  }

  private async writableFile(): Promise<IndexFile> {
    const last = this.files[this.files.length - 1];
    if (last && !last.isWriteFull()) {
      await last.makeWritable();
      return last;
    }
    const endPhy = last?.header.endPhyOffset ?? 0;
    const endTs = last?.header.endTimestamp ?? 0;
    if (last) {
      await last.flush();
      last.releaseSlots();
    }
    let ts = Date.now();
    while (this.files.some((f) => f.fileName === indexFileName(ts))) ts++;
    const f = await IndexFile.create(this.dir, indexFileName(ts), this.hashSlotNum, this.indexNum, endPhy, endTs);
    this.files.push(f);
    return f;
  }

  /**
   * Indexes UNIQ_KEY and every KEYS token of each request (Java `IndexService.buildIndex`); rollbacks are skipped.
   * Entries are written behind: in batches of `INDEX_WRITE_BEHIND_ENTRIES`, and all of them on flush or lookup.
   */
  async buildIndex(requests: DispatchRequest[]): Promise<void> {
    for (const req of requests) {
      if ((req.sysFlag & ROLLBACK) === ROLLBACK) continue;
      if (req.commitLogOffset < this.getEndPhyOffset()) continue;
      const prefixHash = this.keyPrefixHash(req.topic);
      // `putKey` returns a promise only when it must wait (new file, slot table load): no await per key otherwise.
      if (req.uniqKey) {
        const wait = this.putKey(indexKeyHashAfter(prefixHash, req.uniqKey), req);
        if (wait) await wait;
      }
      if (req.keys) {
        for (const key of req.keys.split(' ')) {
          if (key.length === 0) continue;
          const wait = this.putKey(indexKeyHashAfter(prefixHash, key), req);
          if (wait) await wait;
        }
      }
    }
    const last = this.files[this.files.length - 1];
    if (last && last.pendingEntryCount >= INDEX_WRITE_BEHIND_ENTRIES) await last.writeEntries();
  }

  /** Java hash of `${topic}#`, cached per topic (keys are indexed as `topic#key`). */
  private keyPrefixHash(topic: string): number {
    let h = this.prefixHashes.get(topic);
    if (h === undefined) {
      h = javaStringHashCode(`${topic}#`);
      if (this.prefixHashes.size >= 4096) this.prefixHashes.clear();
      this.prefixHashes.set(topic, h);
    }
    return h;
  }

  private putKey(keyHash: number, req: DispatchRequest): Promise<void> | undefined {
    const last = this.files[this.files.length - 1];
    // Usual case, synchronous: the newest file has its slots loaded and room left.
    if (last && last.acceptsKeys && last.putKeyHash(keyHash, req.commitLogOffset, req.storeTimestamp)) return undefined;
    return this.putKeySlow(keyHash, req);
  }

  private async putKeySlow(keyHash: number, req: DispatchRequest): Promise<void> {
    let f = await this.writableFile();
    if (!f.putKeyHash(keyHash, req.commitLogOffset, req.storeTimestamp)) {
      await f.writeEntries();
      f = await this.writableFile();
      f.putKeyHash(keyHash, req.commitLogOffset, req.storeTimestamp);
    }
  }

  /** Newest-first lookup across files (Java `IndexService.queryOffset`). */
  async queryOffset(
    topic: string,
    key: string,
    maxNum: number,
    begin: number,
    end: number,
  ): Promise<QueryOffsetResult> {
    const out: number[] = [];
    const last = this.files[this.files.length - 1];
    const result: QueryOffsetResult = {
      phyOffsets: out,
      indexLastUpdateTimestamp: last?.header.endTimestamp ?? 0,
      indexLastUpdatePhyoffset: last?.header.endPhyOffset ?? 0,
    };
    for (let i = this.files.length - 1; i >= 0; i--) {
      const f = this.files[i]!;
      if (f.isTimeMatched(begin, end)) await f.selectPhyOffset(out, `${topic}#${key}`, maxNum, begin, end);
      if (f.header.beginTimestamp < begin) break;
      if (out.length >= maxNum) break;
    }
    return result;
  }

  async flush(): Promise<void> {
    const last = this.files[this.files.length - 1];
    if (last) await last.flush();
  }

  /** Deletes files that only index records below `minPhyOffset` (never the newest). */
  async deleteExpiredFiles(minPhyOffset: number): Promise<number> {
    let n = 0;
    while (this.files.length > 1 && this.files[0]!.header.endPhyOffset < minPhyOffset) {
      const f = this.files.shift()!;
      await f.destroy();
      n++;
    }
    return n;
  }

  async close(): Promise<void> {
    for (const f of this.files) await f.close();
  }

  async destroy(): Promise<void> {
    for (const f of this.files) await f.destroy();
    this.files = [];
  }
}
