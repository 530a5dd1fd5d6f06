import { RocketMQError } from '@rocketnest/common';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `messageDelayLevel` (`"1s 5s 10s 30s 1m … 2h"`) into delay ms per level, level 1 first (Java
 * `ScheduleMessageService.parseDelayLevel`; units s, m, h, d). A bad token is a configuration error.
 */
export function parseDelayLevels(levels: string): number[] {
  const out: number[] = [];
  for (const token of levels.split(' ').filter((t) => t.length > 0)) {
    const unit = UNIT_MS[token.slice(-1)];
    const n = Number(token.slice(0, -1));
    if (unit === undefined || !Number.isFinite(n) || n < 0 || token.length < 2) {
      throw new RocketMQError(`messageDelayLevel token "${token}" in "${levels}" is not <number><s|m|h|d>`);
    }
    out.push(n * unit);
  }
  if (out.length === 0) throw new RocketMQError(`messageDelayLevel "${levels}" defines no level`);
  return out;
}
