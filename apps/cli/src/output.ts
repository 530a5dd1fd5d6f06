import type { MessageExt } from '@rocketnest/common';

type Cell = string | number | boolean | undefined | null;

/** A left-aligned text table with a header row (mqadmin prints `#Topic  #Broker Name ...`). */
export function table(headers: string[], rows: Cell[][]): string {
  const cells = [headers.map((h) => `#${h}`), ...rows.map((r) => r.map(cellText))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `key: value` lines with aligned values. */
export function keyValues(entries: Array<[string, Cell]>): string {
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${cellText(v)}`).join('\n');
}

function cellText(c: Cell): string {
  return c === undefined || c === null ? '-' : String(c);
}

/** `2026-11-22 02:45:01.123` in local time (0 → `-`). */
export function formatTime(ms: number): string {
  if (!ms || !Number.isFinite(ms)) return '-';
  const d = new Date(ms);
  const p = (v: number, w = 2): string => String(v).padStart(w, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`
  );
}

/** JSON with Maps as objects and bigints as numbers (one document per run for scripts). */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (v instanceof Map)
        return Object.fromEntries([...(v as Map<unknown, unknown>)].map(([k, x]) => [String(k), x]));
      if (typeof v === 'bigint') return Number(v);
      return v;
    },
    2,
  );
}

/** The fields of a stored message that scripts and people want, body decoded as UTF-8. */
export function messageToJson(m: MessageExt): Record<string, unknown> {
  return {
    msgId: m.uniqKeyOrOffsetMsgId,
    offsetMsgId: m.offsetMsgId,
    topic: m.topic,
    brokerName: m.brokerName || undefined,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    commitLogOffset: m.commitLogOffset,
    tags: m.tags,
    keys: m.keys,
    reconsumeTimes: m.reconsumeTimes,
    bornTimestamp: m.bornTimestamp,
    bornHost: m.bornHostString,
    storeTimestamp: m.storeTimestamp,
    storeHost: m.storeHostString,
    sysFlag: m.sysFlag,
    storeSize: m.storeSize,
    bodyCRC: m.bodyCRC,
    properties: { ...m.properties },
    body: m.body.toString('utf8'),
  };
}

/** mqadmin's `queryMsgById` layout: one field per line. */
export function describeMessage(m: MessageExt): string {
  return keyValues([
    ['OffsetID', m.offsetMsgId],
    ['Topic', m.topic],
    ['Tags', `[${m.tags ?? ''}]`],
    ['Keys', `[${m.keys ?? ''}]`],
    ['Queue ID', m.queueId],
    ['Queue Offset', m.queueOffset],
    ['CommitLog Offset', m.commitLogOffset],
    ['Reconsume Times', m.reconsumeTimes],
    ['Born Timestamp', formatTime(m.bornTimestamp)],
    ['Store Timestamp', formatTime(m.storeTimestamp)],
    ['Born Host', m.bornHostString],
    ['Store Host', m.storeHostString],
    ['System Flag', m.sysFlag],
    ['Properties', JSON.stringify(m.properties)],
    ['Message Body', m.body.toString('utf8')],
  ]);
}

/** Shortens a body for a table cell. */
export function shortBody(body: Buffer, max = 60): string {
  const s = body.toString('utf8').replace(/\s+/g, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
