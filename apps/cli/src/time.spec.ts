import { CliUsageError } from './command';
import { parseResetTime } from './time';

describe('parseResetTime', () => {
  it('reads epoch ms, now, and yyyy-MM-dd#HH:mm:ss:SSS in local time', () => {
    expect(parseResetTime('1700000000123')).toBe(1700000000123);
    expect(parseResetTime('now', () => 42)).toBe(42);
    expect(parseResetTime('2024-02-29#13:05:09:007')).toBe(new Date(2024, 1, 29, 13, 5, 9, 7).getTime());
    expect(parseResetTime('2024-02-29#13:05:09')).toBe(new Date(2024, 1, 29, 13, 5, 9, 0).getTime());
  });

  it('rejects other text and impossible dates', () => {
    for (const bad of ['yesterday', '2023-02-29#00:00:00:000', '2024-01-01 00:00:00', '2024-01-01#24:00:00:000', ''])
      expect(() => parseResetTime(bad)).toThrow(CliUsageError);
  });
});
