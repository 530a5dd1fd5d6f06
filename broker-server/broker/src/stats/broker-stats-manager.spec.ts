import { BrokerStatsManager, StatsItem } from './broker-stats-manager';

describe('StatsItem', () => {
  it('reports zeros before any sample', () => {
    const item = new StatsItem();
    item.add(5, 1);
    expect(item.statsInMinute()).toEqual({ sum: 0, tps: 0, avgpt: 0 });
  });

  it('computes each window from its first and last snapshot, keeping 7 minute samples', () => {
    const item = new StatsItem();
    item.add(10, 2);
    item.samplingInSeconds(100_000); // baseline at 90 s, then (2 calls, 10) at 100 s
    expect(item.statsInMinute()).toEqual({ sum: 10, tps: 1, avgpt: 5 });
    for (let i = 1; i <= 7; i++) {
      item.add(2, 1);
      item.samplingInSeconds(100_000 + i * 10_000);
    }
    // The baseline and the first sample dropped: window 110 s..170 s holds 6 of the 7 later adds.
    expect(item.statsInMinute()).toEqual({ sum: 12, tps: 0.2, avgpt: 2 });
  });
});

describe('BrokerStatsManager', () => {
  it('keeps topic puts, group gets and send-backs under Java stats names and keys', () => {
    const m = new BrokerStatsManager(() => 'RnCluster');
    m.incTopicPutNums('T', 3, 1);
    m.incTopicPutSize('T', 300);
    m.incBrokerPutNums(3);
    m.incGroupGetNums('G', 'T', 2);
    m.incGroupGetNums('G', 'T', 4);
    m.incGroupGetSize('G', 'T', 600);
    m.incBrokerGetNums(6);
    m.incSendBackNums('G', 'T');
    m.sampleAll(1_000_000);
    expect(m.getStatsItem('TOPIC_PUT_NUMS', 'T')!.statsInMinute().sum).toBe(3);
    expect(m.getStatsItem('TOPIC_PUT_SIZE', 'T')!.statsInMinute().sum).toBe(300);
    // Two pulls returned 6 messages: 0.6 per second over the 10-s first window, 3 per pull.
    expect(m.getStatsItem('GROUP_GET_NUMS', 'T@G')!.statsInMinute()).toEqual({ sum: 6, tps: 0.6, avgpt: 3 });
    expect(m.getStatsItem('GROUP_GET_NUMS', 'T@G')!.statsInHour().sum).toBe(6);
    expect(m.getStatsItem('GROUP_GET_SIZE', 'T@G')!.statsInDay().sum).toBe(600);
    expect(m.getStatsItem('SNDBCK_PUT_NUMS', 'T@G')!.statsInMinute().sum).toBe(1);
    // Broker-wide items count values only (Java adds no times there), so their avgpt stays 0.
    expect(m.getStatsItem('BROKER_PUT_NUMS', 'RnCluster')!.statsInDay()).toMatchObject({ sum: 3, avgpt: 0 });
    expect(m.getStatsItem('BROKER_GET_NUMS', 'RnCluster')!.statsInMinute().sum).toBe(6);
    expect(m.getStatsItem('TOPIC_PUT_NUMS', 'other')).toBeUndefined();
    expect(m.getStatsItem('NO_SUCH_STATS', 'T')).toBeUndefined();
  });

  it('samples on its timers and stops them on shutdown', async () => {
    const m = new BrokerStatsManager(() => 'C', { secondsSampleIntervalMs: 5 });
    m.incTopicPutNums('T', 1);
    m.start();
    const item = m.getStatsItem('TOPIC_PUT_NUMS', 'T')!;
    m.incTopicPutNums('T', 1);
    const deadline = Date.now() + 2000;
    while (item.statsInMinute().sum < 2 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    m.shutdown();
    expect(item.statsInMinute().sum).toBe(2);
  });
});
