import * as fs from 'node:fs';
import * as path from 'node:path';
import { javaMapEntries, parseJavaJson, toJavaJson } from '@rocketnest/common';

/**
 * A `{"offsetTable":{1:120,2:0}}` file (Java `ScheduleMessageService` → `config/delayOffset.json`): integer keys
 * written bare as fastjson does, read tolerantly. Written atomically (temp file + rename), with a `.bak` of the
 * previous version as the Java `ConfigManager` keeps.
 */
export class OffsetTableFile {
  constructor(readonly file: string) {}

  load(): Map<number, number> {
    const table = new Map<number, number>();
    for (const candidate of [this.file, `${this.file}.bak`]) {
      let text: string;
      try {
        text = fs.readFileSync(candidate, 'utf8');
      } catch {
        continue;
      }
      if (text.trim() === '') continue;
      try {
        const doc = parseJavaJson(text) as { offsetTable?: unknown };
        for (const [k, v] of javaMapEntries(doc.offsetTable ?? {}, 'offsetTable')) {
          const key = Number(k);
          const value = typeof v === 'bigint' ? Number(v) : v;
          if (Number.isInteger(key) && typeof value === 'number' && Number.isFinite(value)) table.set(key, value);
        }
        return table;
      } catch {
        table.clear();
      }
    }
    return table;
  }

  /** The file text: fastjson PrettyFormat with bare integer keys, keys ascending. */
  static encode(table: ReadonlyMap<number, number>): string {
    const sorted = new Map([...table.entries()].sort((a, b) => a[0] - b[0]));
    return toJavaJson({ offsetTable: sorted }, { style: 'fastjson', pretty: true });
  }

  save(table: ReadonlyMap<number, number>): void {
    const text = OffsetTableFile.encode(table);
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, text);
    try {
      fs.copyFileSync(this.file, `${this.file}.bak`);
    } catch {
      // first write: nothing to back up
    }
    fs.renameSync(tmp, this.file);
  }
}
