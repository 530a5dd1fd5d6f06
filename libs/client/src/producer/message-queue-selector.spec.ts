import { Message } from '@rocketnest/common';
import { SelectMessageQueueByHash, SelectMessageQueueByRandom, toMessageQueueSelector } from './message-queue-selector';

const mqs = [0, 1, 2, 3].map((queueId) => ({ topic: 'T', brokerName: 'b', queueId }));
const msg = new Message('T', 'x');

describe('queue selectors', () => {
  it('hashes arg.toString() with Java String.hashCode', () => {
    const s = new SelectMessageQueueByHash();
    // "order-1".hashCode() = -1207111310 → abs % 4 = 2; 42 → "42".hashCode() = 1662 → 2
    expect(s.select(mqs, msg, 'order-1').queueId).toBe(Math.abs(-1207111310) % 4);
    expect(s.select(mqs, msg, 42).queueId).toBe(1662 % 4);
    expect(s.select(mqs, msg, 'Aa')).toEqual(s.select(mqs, msg, 'BB'));
  });

  it('random stays within the list and custom functions are accepted', () => {
    const r = new SelectMessageQueueByRandom();
    for (let i = 0; i < 20; i++) expect(mqs).toContainEqual(r.select(mqs));
    expect(toMessageQueueSelector((list) => list[3]!).select(mqs, msg, undefined).queueId).toBe(3);
  });
});
