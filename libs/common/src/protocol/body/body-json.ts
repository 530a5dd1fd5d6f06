/**
 * Shared plumbing for JSON command bodies: parse with the tolerant Java reader, read fields with Java's leniency
 * (missing/null → the Java default, numeric strings accepted where numbers are expected, as fastjson does), and
 * reject structurally wrong input with a `RemotingCommandError` that names the field path.
 *
 * Body layout for every codec here: UTF-8 JSON text, no framing (the remoting frame gives the length).
 */
import { RemotingCommandError } from '../../errors/rocketmq-error';
import { JavaMap, isPlainObject, javaMapEntries, parseJavaJson } from '../../json/java-json-reader';
import { toJavaJson, type JavaJsonWriteOptions } from '../../json/java-json-writer';
import type { MessageQueue } from '../../message/message-queue';

/** How bodies with non-string map keys are written. */
export interface BodyEncodeOptions {
  /**
   * `'standard'` (default): valid JSON; integer keys quoted, `MessageQueue` keys as JSON strings (Java parses both).
   * `'fastjson'`: exactly what a Java peer writes by default — bare integer keys, raw object keys.
   */
  style?: 'standard' | 'fastjson';
}

export type JsonObject = Record<string, unknown>;

/** Parse a body. An empty or missing body is a `RemotingCommandError` naming `what`. */
export function parseBody(body: Uint8Array | string | null | undefined, what: string): unknown {
  if (body === null || body === undefined || body.length === 0) {
    throw new RemotingCommandError(`Empty body where ${what} JSON was expected`);
  }
  try {
    return parseJavaJson(body);
  } catch (e) {
    throw new RemotingCommandError(`Malformed ${what} body: ${(e as Error).message}`, { cause: e });
  }
}

/** Parse a body that must be a JSON object. */
export function parseObjectBody(body: Uint8Array | string | null | undefined, what: string): JsonObject {
  return asObject(parseBody(body, what), what);
}

/** Serialize a body with fastjson bean order (sorted members). */
export function encodeBody(value: unknown, options: JavaJsonWriteOptions = {}): Buffer {
  return Buffer.from(toJavaJson(value, { sortKeys: true, ...options }), 'utf8');
}

function fail(path: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new RemotingCommandError(`Invalid body field ${path}: expected ${expected}, got ${got}`);
}

export function asObject(v: unknown, path: string): JsonObject {
  if (isPlainObject(v)) return v;
  return fail(path, 'an object', v);
}

export function optObject(o: JsonObject, key: string, path: string): JsonObject | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : asObject(v, `${path}.${key}`);
}

export function str(o: JsonObject, key: string, path: string, def = ''): string {
  const v = o[key];
  if (v === undefined || v === null) return def;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return fail(`${path}.${key}`, 'a string', v);
}

export function optStr(o: JsonObject, key: string, path: string): string | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : str(o, key, path);
}

export function toNumber(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return fail(path, 'a number', v);
}

/** A Java int/long/double field: missing or null → `def`. */
export function num(o: JsonObject, key: string, path: string, def = 0): number {
  const v = o[key];
  return v === undefined || v === null ? def : toNumber(v, `${path}.${key}`);
}

export function optNum(o: JsonObject, key: string, path: string): number | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : toNumber(v, `${path}.${key}`);
}

export function toBool(v: unknown, path: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.toLowerCase() === 'true';
  if (typeof v === 'number') return v !== 0;
  return fail(path, 'a boolean', v);
}

export function bool(o: JsonObject, key: string, path: string, def = false): boolean {
  const v = o[key];
  return v === undefined || v === null ? def : toBool(v, `${path}.${key}`);
}

export function optBool(o: JsonObject, key: string, path: string): boolean | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : toBool(v, `${path}.${key}`);
}

/** A Java collection field: missing or null → `[]`. */
export function arr(o: JsonObject, key: string, path: string): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  return fail(`${path}.${key}`, 'an array', v);
}

export function strArr(o: JsonObject, key: string, path: string): string[] {
  return arr(o, key, path).map((v, i) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    return fail(`${path}.${key}[${i}]`, 'a string', v);
  });
}

export function numArr(o: JsonObject, key: string, path: string): number[] {
  return arr(o, key, path).map((v, i) => toNumber(v, `${path}.${key}[${i}]`));
}

/** A Java `Map<String, X>` field as a plain record (missing → `{}`), values mapped by `f`. */
export function record<T>(
  o: JsonObject,
  key: string,
  path: string,
  f: (v: unknown, path: string, key: string) => T,
): Record<string, T> {
  const v = o[key];
  const out: Record<string, T> = {};
  if (v === undefined || v === null) return out;
  for (const [k, item] of javaMapEntries(v, `${path}.${key}`)) {
    const name = typeof k === 'string' ? k : String(k);
    setOwn(out, name, f(item, `${path}.${key}[${JSON.stringify(name)}]`, name));
  }
  return out;
}

/** Assign without ever touching a prototype (keys come from peers). */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A record as a JS `Map`, so the writer keeps its insertion order (Java map order) instead of sorting it. */
export function asMap<T>(rec: Readonly<Record<string, T>> | undefined): Map<string, T> | undefined {
  return rec === undefined ? undefined : new Map(Object.entries(rec));
}

/** A record keyed by decimal integers (e.g. brokerId) as a `Map<number, T>`, written bare in the fastjson style. */
export function asIntKeyMap<T>(
  rec: Readonly<Record<string, T>> | undefined,
  sort = false,
): Map<number | string, T> | undefined {
  if (rec === undefined) return undefined;
  const entries = Object.entries(rec).map(([k, v]) => [/^-?\d+$/.test(k) ? Number(k) : k, v] as [number | string, T]);
  if (sort)
    entries.sort(([a], [b]) =>
      typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1,
    );
  return new Map(entries);
}

export function toStringRecord(v: unknown, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  for (const [k, item] of javaMapEntries(v, path)) {
    const name = String(k);
    if (item === null || item === undefined) continue;
    if (typeof item === 'string') setOwn(out, name, item);
    else if (typeof item === 'number' || typeof item === 'boolean' || typeof item === 'bigint')
      setOwn(out, name, String(item));
    else fail(`${path}[${JSON.stringify(name)}]`, 'a string', item);
  }
  return out;
}

/** Read a `MessageQueue` from a JSON object. */
export function toMessageQueue(v: unknown, path: string): MessageQueue {
  const o = asObject(v, path);
  return { topic: str(o, 'topic', path), brokerName: str(o, 'brokerName', path), queueId: num(o, 'queueId', path) };
}

/** Java's bean order for a MessageQueue (`brokerName`, `queueId`, `topic`). */
export function messageQueueJson(mq: MessageQueue): JsonObject {
  return { brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic };
}

/**
 * A Java `Map<MessageQueue, X>` field: keys may be raw objects (fastjson default) or JSON strings holding the object
 * (what a standard writer produces). Missing → empty map. Entry order is kept.
 */
export function messageQueueMap<T>(
  o: JsonObject,
  key: string,
  path: string,
  f: (v: unknown, path: string) => T,
): Map<MessageQueue, T> {
  return toMessageQueueMap(o[key], `${path}.${key}`, f);
}

/** A Java `Map<MessageQueue, X>` value (as {@link messageQueueMap}, for a map that is not a field, e.g. nested). */
export function toMessageQueueMap<T>(
  v: unknown,
  path: string,
  f: (v: unknown, path: string) => T,
): Map<MessageQueue, T> {
  const out = new Map<MessageQueue, T>();
  if (v === undefined || v === null) return out;
  const entries = javaMapEntries(v, path);
  entries.forEach(([k, item], i) => {
    const at = `${path}[${i}]`;
    let keyObj = k;
    if (typeof k === 'string') {
      try {
        keyObj = parseJavaJson(k);
      } catch {
        fail(`${at} key`, 'a MessageQueue', k);
      }
    }
    out.set(toMessageQueue(keyObj, `${at} key`), f(item, at));
  });
  return out;
}

/** A `Map<MessageQueue, X>` ready for the writer (keys in Java bean order). */
export function messageQueueMapJson<T>(map: ReadonlyMap<MessageQueue, T>, value: (v: T) => unknown): JavaMap {
  return new JavaMap([...map.entries()].map(([mq, v]) => [messageQueueJson(mq), value(v)]));
}

/** Find an entry of a `Map<MessageQueue, X>` by value equality of the queue. */
export function getByMessageQueue<T>(map: ReadonlyMap<MessageQueue, T>, mq: MessageQueue): T | undefined {
  const direct = map.get(mq);
  if (direct !== undefined) return direct;
  for (const [k, v] of map) {
    if (k.topic === mq.topic && k.brokerName === mq.brokerName && k.queueId === mq.queueId) return v;
  }
  return undefined;
}
