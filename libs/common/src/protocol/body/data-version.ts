/**
 * `DataVersion` (Java `org.apache.rocketmq…DataVersion`): the version stamp of a broker's topic table, sent in
 * REGISTER_BROKER and QUERY_DATA_VERSION bodies and stored in the broker's config files.
 *
 * JSON: `{"counter":1,"stateVersion":0,"timestamp":1700000000000}` — `stateVersion` only from 5.x.
 */
import { encodeBody, num, optNum, parseObjectBody, type JsonObject } from './body-json';

export interface DataVersion {
  /** ms since epoch of the last change. */
  timestamp: number;
  /** Incremented on every change. */
  counter: number;
  /** 5.x; absent from 4.9.x JSON. */
  stateVersion?: number;
}

/** A fresh version (counter 0, now). */
export function newDataVersion(nowMs: number = Date.now()): DataVersion {
  return { timestamp: nowMs, counter: 0, stateVersion: 0 };
}

/** Java `DataVersion.nextVersion()`: counter + 1, timestamp = now. */
export function nextDataVersion(dv: DataVersion, nowMs: number = Date.now()): DataVersion {
  return { ...dv, timestamp: nowMs, counter: dv.counter + 1 };
}

/** Java `DataVersion.equals`: same timestamp, counter and stateVersion (absent = 0). */
export function dataVersionEquals(a: DataVersion | undefined, b: DataVersion | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.timestamp === b.timestamp && a.counter === b.counter && (a.stateVersion ?? 0) === (b.stateVersion ?? 0);
}

export function dataVersionFromJson(o: JsonObject, path = 'DataVersion'): DataVersion {
  const dv: DataVersion = { timestamp: num(o, 'timestamp', path), counter: num(o, 'counter', path) };
  const sv = optNum(o, 'stateVersion', path);
  if (sv !== undefined) dv.stateVersion = sv;
  return dv;
}

export function dataVersionToJson(dv: DataVersion): JsonObject {
  return { counter: dv.counter, stateVersion: dv.stateVersion, timestamp: dv.timestamp };
}

export function encodeDataVersion(dv: DataVersion): Buffer {
  return encodeBody(dataVersionToJson(dv));
}

export function decodeDataVersion(body: Uint8Array | string | null | undefined): DataVersion {
  return dataVersionFromJson(parseObjectBody(body, 'DataVersion'));
}
