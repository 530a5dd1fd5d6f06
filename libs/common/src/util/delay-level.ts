/**
 * Delay levels (Java `MessageStoreConfig.messageDelayLevel`, `ScheduleMessageService.parseDelayLevel`; protocol.md
 * §6.2): level n (1-based) waits the n-th duration of the list.
 */
import { RocketMQError } from '../errors/rocketmq-error';

/** The broker default: 18 levels, 1 s ... 2 h. */
export const DEFAULT_MESSAGE_DELAY_LEVEL = '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a delay level list into milliseconds: `result[level - 1]` is the delay of `level`. Units s, m, h, d; levels
 * are separated by whitespace. Throws RocketMQError naming the bad entry.
 */
export function parseDelayLevels(levels: string): number[] {
  const parts = levels
    .trim()
    .split(/\s+/)
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new RocketMQError('messageDelayLevel is empty; expected e.g. "1s 5s 10s 30s 1m"');
  return parts.map((part, i) => {
    const m = /^(\d+)([smhd])$/.exec(part);
    if (!m) {
      throw new RocketMQError(
        `messageDelayLevel entry ${i + 1} "${part}" is invalid; expected a whole number followed by s, m, h or d`,
      );
    }
    const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
    if (!Number.isSafeInteger(ms)) throw new RocketMQError(`messageDelayLevel entry ${i + 1} "${part}" is too large`);
    return ms;
  });
}

/**
 * Delay of `level` in ms, clamping levels above the last to the last (as the broker does); 0 for level ≤ 0.
 */
export function delayLevelToMs(levelsMs: readonly number[], level: number): number {
  if (level <= 0 || levelsMs.length === 0) return 0;
  return levelsMs[Math.min(level, levelsMs.length) - 1]!;
}
