import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RocketMQError, isPlainObject, javaMapEntries, parseJavaJson, toJavaJson } from '@rocketnest/common';

/**
 * Namespaced key/value settings kept by the name server (Java `KVConfigManager`), persisted to `kvConfig.json` as
 * `{"configTable":{"<namespace>":{"<key>":"<value>"}}}` after every change.
 */
export class KVConfigManager {
  private readonly configTable = new Map<string, Map<string, string>>();

  constructor(private readonly kvConfigPath: string) {}

  /** Loads the file if it exists. A file that is not valid JSON is an error (it would be overwritten otherwise). */
  load(): void {
    let text: string;
    try {
      text = readFileSync(this.kvConfigPath, 'utf8');
    } catch {
      return; // no file yet
    }
    if (text.trim() === '') return;
    let root: unknown;
    try {
      root = parseJavaJson(text, { bigIntegers: 'string' });
    } catch (err) {
      throw new RocketMQError(`Cannot parse ${this.kvConfigPath}; fix or remove it`, { cause: err });
    }
    const table = isPlainObject(root) ? root.configTable : undefined;
    if (table === undefined || table === null) return;
    for (const [ns, kv] of javaMapEntries(table, 'configTable')) {
      const inner = new Map<string, string>();
      for (const [k, v] of javaMapEntries(kv, `configTable.${String(ns)}`)) {
        if (v !== null && v !== undefined) inner.set(String(k), typeof v === 'string' ? v : JSON.stringify(v));
      }
      this.configTable.set(String(ns), inner);
    }
  }

  putKVConfig(namespace: string, key: string, value: string): void {
    let table = this.configTable.get(namespace);
    if (!table) {
      table = new Map();
      this.configTable.set(namespace, table);
    }
    table.set(key, value);
    this.persist();
  }

  deleteKVConfig(namespace: string, key: string): void {
    const table = this.configTable.get(namespace);
    if (table?.delete(key)) this.persist();
  }

  getKVConfig(namespace: string, key: string): string | undefined {
    return this.configTable.get(namespace)?.get(key);
  }

  getKVListByNamespace(namespace: string): ReadonlyMap<string, string> | undefined {
    return this.configTable.get(namespace);
  }

  /** Writes the whole table atomically (temp file + rename). */
  persist(): void {
    const content = toJavaJson({
      configTable: new Map([...this.configTable].map(([ns, kv]) => [ns, new Map(kv)])),
    });
    mkdirSync(dirname(this.kvConfigPath), { recursive: true });
    const tmp = `${this.kvConfigPath}.tmp`;
    writeFileSync(tmp, content);
    renameSync(tmp, this.kvConfigPath);
  }
}
