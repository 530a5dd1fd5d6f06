import * as path from 'node:path';
import { readConfigFile, writeFileAtomicSync } from '../config/config-file';
import { appendInfo, retryFlag } from './pop-keys';

/**
 * The last ordered pop of a queue (Java `ConsumerOrderInfoManager.OrderInfo`; JSON keys are Java's): `o` holds the
 * offsets as [first, diff1, diff2, …], `cm` the acked bits, `ot` per-offset next visible times (changed with
 * CHANGE_MESSAGE_INVISIBLETIME), `oc` how often each offset was already popped.
 */
export interface OrderInfo {
  a?: string;
  popTime: number;
  i: number;
  o: number[];
  ot?: Record<string, number>;
  oc?: Record<string, number>;
  l: number;
  cm: number;
}

function offsetAt(o: readonly number[], i: number): number {
  return i === 0 ? o[0]! : o[0]! + o[i]!;
}

function isNotAck(info: OrderInfo, i: number): boolean {
  return Math.floor(info.cm / 2 ** i) % 2 === 0;
}

/** The next visible time of the first un-acked message still invisible at `now`; undefined when there is none. */
function blockedUntil(info: OrderInfo, now: number): number | undefined {
  for (let i = 0; i < info.o.length; i++) {
    if (!isNotAck(info, i)) continue;
    const next = info.ot?.[String(offsetAt(info.o, i))] ?? info.popTime + info.i;
    if (now < next) return next;
  }
  return undefined;
}

/**
 * Ordered (FIFO) POP state per topic@group and queue — Java `ConsumerOrderInfoManager`, persisted as
 * `config/consumerOrderInfo.json`. An ordered pop blocks its queue until every popped message is acked or its
 * invisible time is over; then the queue is popped again from the committed offset (the first un-acked message).
 */
export class ConsumerOrderInfoManager {
  readonly file: string;
  private readonly table = new Map<string, Map<number, OrderInfo>>();
  private dirty = false;

  constructor(storePathRootDir: string) {
    this.file = path.join(storePathRootDir, 'config', 'consumerOrderInfo.json');
  }

  load(): void {
    const loaded = readConfigFile(this.file, (text) => {
      const o = JSON.parse(text) as { table?: Record<string, Record<string, OrderInfo>> };
      if (typeof o !== 'object' || o === null) throw new Error('not a JSON object');
      return o.table ?? {};
    });
    if (!loaded) return;
    for (const [key, qs] of Object.entries(loaded)) {
      const m = new Map<number, OrderInfo>();
      for (const [q, info] of Object.entries(qs)) {
        if (info && Array.isArray(info.o) && typeof info.popTime === 'number') m.set(Number(q), info);
      }
      this.table.set(key, m);
    }
  }

  persistIfDirty(): void {
    if (!this.dirty) return;
    const table: Record<string, Record<string, OrderInfo>> = {};
    for (const [key, qs] of this.table) table[key] = Object.fromEntries([...qs].map(([q, info]) => [String(q), info]));
    writeFileAtomicSync(this.file, JSON.stringify({ table }));
    this.dirty = false;
  }

  /**
   * Records an ordered pop of `offsets` and returns the orderCountInfo entries: `<r> qo<q>%<offset> <count>` for
   * each message popped before, then `<r> <q> <min count>` (Java `update`).
   */
  update(
    attemptId: string | undefined,
    topic: string,
    group: string,
    queueId: number,
    popTime: number,
    invisibleTime: number,
    offsets: readonly number[],
    orderCountInfo: string,
  ): string {
    const key = `${topic}@${group}`;
    let qs = this.table.get(key);
    if (!qs) {
      qs = new Map();
      this.table.set(key, qs);
    }
    const o = offsets.length === 1 ? [offsets[0]!] : offsets.map((x, i) => (i === 0 ? x : x - offsets[0]!));
    const info: OrderInfo = { popTime, i: invisibleTime, o, l: Date.now(), cm: 0 };
    if (attemptId !== undefined) info.a = attemptId;
    const prev = qs.get(queueId);
    if (prev) {
      if (prev.a !== undefined && prev.a === attemptId) {
        info.oc = prev.oc ?? {};
      } else {
        const before = new Set(prev.o.map((_, i) => offsetAt(prev.o, i)));
        const counts: Record<string, number> = {};
        for (let i = 0; i < o.length; i++) {
          const off = offsetAt(o, i);
          if (before.has(off)) counts[String(off)] = (prev.oc?.[String(off)] ?? 0) + 1;
        }
        info.oc = counts;
      }
    }
    qs.set(queueId, info);
    this.dirty = true;
    let sb = orderCountInfo;
    let min = Number.MAX_SAFE_INTEGER;
    const counts = info.oc;
    if (counts) {
      for (const [off, n] of Object.entries(counts)) {
        const entry = `${retryFlag(topic)} qo${queueId}%${off} ${n}`;
        sb = sb.length > 0 ? `${sb};${entry}` : entry;
        min = Math.min(min, n);
      }
      if (Object.keys(counts).length !== o.length) min = 0;
    } else {
      min = 0;
    }
    return appendInfo(sb, topic, queueId, String(min));
  }

  /** Java `checkBlock`: an earlier pop of the queue still has a message not acked and not yet visible again. */
  checkBlock(
    attemptId: string | undefined,
    topic: string,
    group: string,
    queueId: number,
    invisibleTime: number,
  ): boolean {
    const info = this.table.get(`${topic}@${group}`)?.get(queueId);
    if (!info || info.o.length === 0) return false;
    if (info.a !== undefined && info.a === attemptId) return false;
    if (!(info.i > 0)) info.i = invisibleTime;
    return blockedUntil(info, Date.now()) !== undefined;
  }

  /** When the queue stops being blocked (Java `getLockFreeTimestamp`); undefined when it is not blocked. */
  lockFreeTime(topic: string, group: string, queueId: number): number | undefined {
    const info = this.table.get(`${topic}@${group}`)?.get(queueId);
    if (!info || info.o.length === 0 || !(info.i > 0)) return undefined;
    return blockedUntil(info, Date.now());
  }

  clearBlock(topic: string, group: string, queueId: number): void {
    if (this.table.get(`${topic}@${group}`)?.delete(queueId)) this.dirty = true;
  }

  /**
   * Java `commitAndNext`: marks `offset` acked; returns the offset to commit (the first un-acked one, or last + 1),
   * −1 when the offset is not part of the pop, −2 when the pop is not the latest one.
   */
  commitAndNext(topic: string, group: string, queueId: number, offset: number, popTime: number): number {
    const info = this.table.get(`${topic}@${group}`)?.get(queueId);
    if (!info) return offset + 1;
    if (info.o.length === 0) return -1;
    if (popTime !== info.popTime) return -2;
    let i = 0;
    while (i < info.o.length && offsetAt(info.o, i) !== offset) i++;
    if (i >= info.o.length) return -1;
    if (isNotAck(info, i)) info.cm += 2 ** i;
    info.l = Date.now();
    this.dirty = true;
    for (let j = 0; j < info.o.length; j++) if (isNotAck(info, j)) return offsetAt(info.o, j);
    return offsetAt(info.o, info.o.length - 1) + 1;
  }

  /** Java `updateNextVisibleTime` (CHANGE_MESSAGE_INVISIBLETIME of an ordered message). */
  updateNextVisibleTime(
    topic: string,
    group: string,
    queueId: number,
    offset: number,
    popTime: number,
    nextVisibleTime: number,
  ): void {
    const info = this.table.get(`${topic}@${group}`)?.get(queueId);
    if (!info || popTime !== info.popTime) return;
    (info.ot ??= {})[String(offset)] = nextVisibleTime;
    info.l = Date.now();
    this.dirty = true;
  }
}
