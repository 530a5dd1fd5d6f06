import { hasUnitFlag, hasUnitSubFlag, minBrokerId } from './route-data';

describe('name server route helpers', () => {
  it('finds the smallest broker id of a brokerAddrs record', () => {
    expect(minBrokerId({ '2': 'a', '1': 'b', '10': 'c' })).toBe(1);
    expect(minBrokerId({})).toBe(Infinity);
  });

  it('reads the unit bits of topicSysFlag', () => {
    expect([0, 1, 2, 3].map(hasUnitFlag)).toEqual([false, true, false, true]);
    expect([0, 1, 2, 3].map(hasUnitSubFlag)).toEqual([false, false, true, true]);
  });
});
