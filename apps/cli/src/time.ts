import { CliUsageError } from './command';

/**
 * mqadmin's reset time: epoch milliseconds, `now`, or `yyyy-MM-dd#HH:mm:ss:SSS` in local time (Java's
 * `UtilAll.YYYY_MM_DD_HH_MM_SS_SSS` format with `#` between date and time).
 */
export function parseResetTime(raw: string, now: () => number = Date.now): number {
  const s = raw.trim();
  if (s.toLowerCase() === 'now') return now();
  if (/^\d+$/.test(s)) {
    const ms = Number(s);
    if (Number.isSafeInteger(ms)) return ms;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})#(\d{2}):(\d{2}):(\d{2})(?:[:.](\d{3}))?$/.exec(s);
  if (m) {
    const [y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0] = m.slice(1).map((v) => Number(v ?? 0));
    const date = new Date(y, mo - 1, d, h, mi, sec, ms);
    const valid =
      date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d && h < 24 && mi < 60 && sec < 60;
    if (valid) return date.getTime();
  }
  throw new CliUsageError(`Bad time "${raw}"; use epoch milliseconds, now, or yyyy-MM-dd#HH:mm:ss:SSS`);
}
