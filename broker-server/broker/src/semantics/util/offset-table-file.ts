import { javaMapEntries, parseJavaJson, toJavaJson } from '@rocketnest/common';
import { readConfigFile, writeFileAtomicSync } from '../../config/config-file';

/**
 * A `{"offsetTable":{1:120,2:0}}` file (Java `ScheduleMessageService` → `config/delayOffset.json`): integer keys
 * written bare as fastjson does, read tolerantly. Read and written with the broker's config-file helpers (atomic
 * write, `.bak` of the previous version as the Java `ConfigManager` keeps, read falls back to it).
 */
export class OffsetTableFile {
  constructor(readonly file: string) {}

  load(): Map<number, number> {
    return readConfigFile(this.file, decodeOffsetTable) ?? new Map<number, number>();
  }

  /** The file text: fastjson PrettyFormat with bare integer keys, keys ascending. */
  static encode(table: ReadonlyMap<number, number>): string {
    const sorted = new Map([...table.entries()].sort((a, b) => a[0] - b[0]));
    return toJavaJson({ offsetTable: sorted }, { style: 'fastjson', pretty: true });
  }

  save(table: ReadonlyMap<number, number>): void {
    writeFileAtomicSync(this.file, OffsetTableFile.encode(table));
  }
}

function decodeOffsetTable(text: string): Map<number, number> {
  const table = new Map<number, number>();
  const doc = parseJavaJson(text) as { offsetTable?: unknown };
  for (const [k, v] of javaMapEntries(doc.offsetTable ?? {}, 'offsetTable')) {
    const key = Number(k);
    const value = typeof v === 'bigint' ? Number(v) : v;
    if (Number.isInteger(key) && typeof value === 'number' && Number.isFinite(value)) table.set(key, value);
  }
  return table;
}
