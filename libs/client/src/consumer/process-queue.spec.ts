import { MessageExt } from '@rocketnest/common';
import { ProcessQueue } from './process-queue';

const msg = (queueOffset: number): MessageExt => new MessageExt({ queueOffset, body: Buffer.from('x'.repeat(10)) });

describe('ProcessQueue', () => {
  it('commits the smallest offset still cached, then one past the largest', () => {
    const pq = new ProcessQueue();
    const [a, b, c] = [msg(5), msg(6), msg(7)];
    pq.putMessage([a, b, c]);
    expect(pq.msgCount).toBe(3);
    expect(pq.msgSize).toBe(30);
    expect(pq.removeMessage([b])).toBe(5);
    expect(pq.removeMessage([a])).toBe(7);
    expect(pq.removeMessage([c])).toBe(8);
    expect(pq.msgCount).toBe(0);
    expect(pq.removeMessage([c])).toBe(-1);
  });

  it('reports the cached offset span for flow control', () => {
    const pq = new ProcessQueue();
    pq.putMessage([msg(10), msg(2500)]);
    expect(pq.getMaxSpan()).toBe(2490);
  });

  it('orderly: takes in order, puts back in order, commits past the last taken', () => {
    const pq = new ProcessQueue();
    expect(pq.putMessage([msg(0), msg(1), msg(2)])).toBe(true);
    expect(pq.putMessage([msg(3)])).toBe(false);
    const first = pq.takeMessages(2);
    expect(first.map((m) => m.queueOffset)).toEqual([0, 1]);
    pq.makeMessageToConsumeAgain(first);
    expect(pq.takeMessages(3).map((m) => m.queueOffset)).toEqual([0, 1, 2]);
    expect(pq.commit()).toBe(3);
    expect(pq.takeMessages(5).map((m) => m.queueOffset)).toEqual([3]);
    expect(pq.commit()).toBe(4);
    expect(pq.takeMessages(5)).toEqual([]);
    expect(pq.consuming).toBe(false);
    expect(pq.msgCount).toBe(0);
  });
});
