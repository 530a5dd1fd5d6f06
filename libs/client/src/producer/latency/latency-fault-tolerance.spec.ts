import { LatencyFaultTolerance, MQFaultStrategy, TopicPublishInfo } from './latency-fault-tolerance';

const mqs = ['a', 'b'].flatMap((b) => [0, 1].map((q) => ({ topic: 'T', brokerName: `broker-${b}`, queueId: q })));

describe('MQFaultStrategy', () => {
  it('maps latencies to Java 4.9 penalty buckets', () => {
    const s = new MQFaultStrategy({ sendLatencyFaultEnable: true });
    expect(s.computeNotAvailableDuration(10)).toBe(0);
    expect(s.computeNotAvailableDuration(99)).toBe(0);
    expect(s.computeNotAvailableDuration(550)).toBe(30000);
    expect(s.computeNotAvailableDuration(1999)).toBe(60000);
    expect(s.computeNotAvailableDuration(2000)).toBe(120000);
    expect(s.computeNotAvailableDuration(3000)).toBe(180000);
    expect(s.computeNotAvailableDuration(30000)).toBe(600000);
  });

  it('avoids a broker in penalty until its duration passes', () => {
    let now = 1000;
    const s = new MQFaultStrategy({ sendLatencyFaultEnable: true, now: () => now });
    const info = new TopicPublishInfo(mqs);
    s.updateFaultItem('broker-a', 5, true); // a failure: 30 s latency → 600 s penalty
    for (let i = 0; i < 20; i++) expect(s.selectOneMessageQueue(info).brokerName).toBe('broker-b');
    now += 600_000;
    const seen = new Set(Array.from({ length: 20 }, () => s.selectOneMessageQueue(info).brokerName));
    expect(seen).toEqual(new Set(['broker-a', 'broker-b']));
  });

  it('still picks a queue when every broker is in penalty', () => {
    const s = new MQFaultStrategy({ sendLatencyFaultEnable: true, now: () => 0 });
    s.updateFaultItem('broker-a', 3000, false);
    s.updateFaultItem('broker-b', 600, false);
    const mq = s.selectOneMessageQueue(new TopicPublishInfo(mqs));
    expect(mq.brokerName).toBe('broker-b');
  });

  it('without fault tolerance skips only the last failed broker', () => {
    const s = new MQFaultStrategy();
    const info = new TopicPublishInfo(mqs);
    for (let i = 0; i < 10; i++) expect(s.selectOneMessageQueue(info, 'broker-a').brokerName).toBe('broker-b');
    s.updateFaultItem('broker-b', 30000, true);
    expect(s.latencyFaultTolerance.isAvailable('broker-b')).toBe(true);
  });
});

describe('LatencyFaultTolerance', () => {
  it('prefers available and faster brokers in pickOneAtLeast', () => {
    const t = new LatencyFaultTolerance(() => 0);
    t.updateFaultItem('x', 100, 0);
    expect(t.pickOneAtLeast()).toBe('x');
    expect(t.isAvailable('unknown')).toBe(true);
  });
});
