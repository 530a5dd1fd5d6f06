/**
 * Admin codes Java tools call that depend on what clients did: VIEW_BROKER_STATS_DATA (315) after real sends, pulls
 * and send-backs over sockets (what `mqadmin statsAll` reads).
 */
import { EmbeddedRocketMQ } from '@rocketnest/broker';
import {
  Message,
  RequestCode,
  ResponseCode,
  decodeGetConsumerStatusBody,
  type GetConsumerStatusBody,
} from '@rocketnest/common';
import {
  ConsumeConcurrentlyStatus,
  ConsumeFromWhere,
  DefaultMQAdminExt,
  DefaultMQProducer,
  DefaultMQPushConsumer,
} from '@rocketnest/client';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';
import { waitFor } from './utils/wait-for';
import { FAST, createTopic, unique } from './client-helpers';

interface Snapshot {
  sum: number;
  tps: number;
  avgpt: number;
}
interface BrokerStatsData {
  statsMinute: Snapshot;
  statsHour: Snapshot;
  statsDay: Snapshot;
}

describe('broker stats and consumer admin codes (e2e over sockets)', () => {
  let mq: EmbeddedRocketMQ;
  let raw: RemotingClient;
  let producer: DefaultMQProducer;
  const toStop: Array<{ shutdown(): Promise<void> }> = [];

  beforeAll(async () => {
    mq = await EmbeddedRocketMQ.start({
      brokerConfig: { messageDelayLevel: '1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s' },
      // Windows of 7 x 200 ms (minute), 7 x 300 ms (hour), 25 x 300 ms (day).
      statsSampling: { secondsSampleIntervalMs: 200, minutesSampleIntervalMs: 300, hourSampleIntervalMs: 300 },
    });
    raw = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    raw.start();
    producer = new DefaultMQProducer({
      ...FAST,
      namesrvAddr: mq.namesrvAddr,
      producerGroup: unique('pg'),
      instanceName: unique('p'),
    });
    await producer.start();
  });

  afterEach(async () => {
    while (toStop.length > 0) await toStop.pop()!.shutdown();
  });

  afterAll(async () => {
    await producer.shutdown();
    await raw.shutdown();
    await mq.shutdown();
  });

  const call = (code: number, header: Record<string, string | number | boolean>): Promise<RemotingCommand> =>
    raw.invoke(mq.brokerAddr, RemotingCommand.createRequest(code, header), 3000);

  async function viewStats(statsName: string, statsKey: string): Promise<BrokerStatsData | undefined> {
    const res = await call(RequestCode.VIEW_BROKER_STATS_DATA, { statsName, statsKey });
    if (res.code !== ResponseCode.SUCCESS) return undefined;
    return JSON.parse(res.body!.toString('utf8')) as BrokerStatsData;
  }

  function pushConsumer(group: string): DefaultMQPushConsumer {
    const c = new DefaultMQPushConsumer({
      ...FAST,
      namesrvAddr: mq.namesrvAddr,
      consumerGroup: group,
      instanceName: unique('c'),
      consumeFromWhere: ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET,
    });
    toStop.push(c);
    return c;
  }

  it('VIEW_BROKER_STATS_DATA serves put, get and send-back counts after real traffic', async () => {
    const topic = unique('Stats');
    const group = unique('g');
    await createTopic(mq.namesrvAddr, topic, 2);
    const N = 10;
    for (let i = 0; i < N; i++) await producer.send(new Message(topic, `m${i}`));

    const delivered = new Map<string, number>();
    const c = pushConsumer(group);
    c.subscribe(topic, '*');
    let sentBack = false;
    c.registerMessageListener({
      consumeMessage: (msgs) => {
        for (const m of msgs) delivered.set(m.msgId, (delivered.get(m.msgId) ?? 0) + 1);
        // The first message is failed once: the client sends it back (CONSUMER_SEND_MSG_BACK).
        if (!sentBack && msgs.some((m) => m.body.toString() === 'm0')) {
          sentBack = true;
          return ConsumeConcurrentlyStatus.RECONSUME_LATER;
        }
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    await c.start();
    // Every message consumed, and m0 redelivered from the retry topic.
    await waitFor(() => delivered.size === N && [...delivered.values()].some((n) => n >= 2), { timeoutMs: 15000 });

    const key = `${topic}@${group}`;
    // The day window: every message pulled once from the topic itself.
    const gets = await waitFor(
      async () => {
        const s = await viewStats('GROUP_GET_NUMS', key);
        return s && s.statsDay.sum === N ? s : undefined;
      },
      { timeoutMs: 5000, message: 'GROUP_GET_NUMS never reached the consumed count' },
    );
    expect(gets.statsDay.tps).toBeGreaterThan(0);
    // avgpt is messages per pull: at least one, at most all of them.
    expect(gets.statsDay.avgpt).toBeGreaterThanOrEqual(1);
    expect(gets.statsDay.avgpt).toBeLessThanOrEqual(N);
    const size = await waitFor(async () => {
      const s = await viewStats('GROUP_GET_SIZE', key);
      return s && s.statsDay.sum > 0 ? s : undefined;
    });
    // Whole stored records: more than the bodies alone.
    expect(size.statsDay.sum).toBeGreaterThan(N * 2);
    const puts = await waitFor(async () => {
      const s = await viewStats('TOPIC_PUT_NUMS', topic);
      return s && s.statsDay.sum === N ? s : undefined;
    });
    expect(puts.statsDay.avgpt).toBe(1); // one message per send
    const putSize = await waitFor(async () => {
      const s = await viewStats('TOPIC_PUT_SIZE', topic);
      return s && s.statsDay.sum > 0 ? s : undefined;
    });
    expect(putSize.statsDay.sum).toBeGreaterThan(N * 2);
    const back = await waitFor(async () => {
      const s = await viewStats('SNDBCK_PUT_NUMS', key);
      return s && s.statsDay.sum === 1 ? s : undefined;
    });
    expect(back.statsDay.avgpt).toBe(1);
    // The redelivery came from the group's retry topic.
    await waitFor(
      async () => ((await viewStats('GROUP_GET_NUMS', `%RETRY%${group}@${group}`))?.statsDay.sum ?? 0) >= 1,
    );
    const brokerGets = await waitFor(async () => {
      const s = await viewStats('BROKER_GET_NUMS', mq.broker.brokerConfig.brokerClusterName);
      return s && s.statsDay.sum >= N + 1 ? s : undefined;
    });
    expect(brokerGets.statsDay.avgpt).toBe(0); // broker-wide items count no times (Java)
  });

  it('VIEW_BROKER_STATS_DATA answers SYSTEM_ERROR for unknown stats and missing header fields', async () => {
    const unknownKey = await call(RequestCode.VIEW_BROKER_STATS_DATA, {
      statsName: 'TOPIC_PUT_NUMS',
      statsKey: 'Nope',
    });
    expect(unknownKey.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(unknownKey.remark).toBe('The stats <TOPIC_PUT_NUMS> <Nope> not exist');
    const unknownName = await call(RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'NO_SUCH', statsKey: 'x' });
    expect(unknownName.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(unknownName.remark).toBe('The stats <NO_SUCH> <x> not exist');
    const missing = await call(RequestCode.VIEW_BROKER_STATS_DATA, { statsName: 'TOPIC_PUT_NUMS' });
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toContain('statsKey');
  });

  it('QUERY_CORRECTION_OFFSET: per queue the min offset of the unfiltered groups, Long.MAX_VALUE where the compare group is behind', async () => {
    const topic = unique('Corr');
    await createTopic(mq.namesrvAddr, topic, 2);
    const [a, b, c, d] = ['A', 'B', 'C', 'D'].map((x) => unique(`corr${x}`));
    const commits: Array<[string, number, number]> = [
      [a!, 0, 3],
      [a!, 1, 1],
      [b!, 0, 1],
      [b!, 1, 2],
      [c!, 0, 2],
      // Below the queue's min offset (0): left out of the minimum.
      [d!, 0, -1],
    ];
    for (const [group, queueId, offset] of commits) {
      const res = await call(RequestCode.UPDATE_CONSUMER_OFFSET, {
        consumerGroup: group,
        topic,
        queueId,
        commitOffset: offset,
      });
      expect(res.code).toBe(ResponseCode.SUCCESS);
    }
    const query = async (filterGroups: string | undefined, compareGroup: string): Promise<string> => {
      const header: Record<string, string> = { topic, compareGroup };
      if (filterGroups !== undefined) header.filterGroups = filterGroups;
      const res = await call(RequestCode.QUERY_CORRECTION_OFFSET, header);
      expect(res.code).toBe(ResponseCode.SUCCESS);
      return res.body!.toString('utf8');
    };
    // Groups A and C count (B filtered out): queue 0 min(3, 2), queue 1 A's 1; A is not behind either minimum.
    expect(await query(b, a!)).toBe('{"correctionOffsets":{0:2,1:1}}');
    // Only B counts.
    expect(await query(`${a},${c}`, b!)).toBe('{"correctionOffsets":{0:1,1:2}}');
    // Everybody counts: queue 0 min(3, 1, 2) = 1, queue 1 min(1, 2) = 1.
    expect(await query(undefined, a!)).toBe('{"correctionOffsets":{0:1,1:1}}');
    // D's queue-0 offset is below the minimum: no correction there (Java's Long.MAX_VALUE).
    expect(await query(b, d!)).toBe('{"correctionOffsets":{0:9223372036854775807,1:1}}');
    // A filtered compare group is not compared (Java drops the filtered groups' offsets first).
    expect(await query(`${b},${d}`, d!)).toBe('{"correctionOffsets":{0:2,1:1}}');
    // Unknown topic: nothing to correct.
    const none = await call(RequestCode.QUERY_CORRECTION_OFFSET, { topic: unique('NoTopic'), compareGroup: a! });
    expect(none.code).toBe(ResponseCode.SUCCESS);
    expect(none.body!.toString('utf8')).toBe('{"correctionOffsets":{}}');
    // The filtered groups keep their offsets.
    const kept = await call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: b!, topic, queueId: 1 });
    expect(kept.extFields?.offset).toBe('2');
    const missing = await call(RequestCode.QUERY_CORRECTION_OFFSET, { topic });
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toContain('compareGroup');
  });

  it("INVOKE_BROKER_TO_GET_CONSUMER_STATUS collects each online client's offsets (GET_CONSUMER_STATUS_FROM_CLIENT)", async () => {
    const topic = unique('Status');
    const group = unique('g');
    await createTopic(mq.namesrvAddr, topic, 2);
    const N = 6;
    for (let i = 0; i < N; i++) await producer.send(new Message(topic, `s${i}`));
    let consumed = 0;
    const c = pushConsumer(group);
    c.subscribe(topic, '*');
    c.registerMessageListener({
      consumeMessage: (msgs) => {
        consumed += msgs.length;
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    await c.start();
    await waitFor(() => consumed >= N, { timeoutMs: 10000 });

    const ask = async (clientAddr?: string): Promise<GetConsumerStatusBody> => {
      const header: Record<string, string> = { topic, group };
      if (clientAddr !== undefined) header.clientAddr = clientAddr;
      const res = await call(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, header);
      expect(res.code).toBe(ResponseCode.SUCCESS);
      return decodeGetConsumerStatusBody(res.body);
    };
    // The client's in-memory offsets reach the end of both queues: N messages in all.
    const status = await waitFor(async () => {
      const body = await ask();
      const [table] = [...body.consumerTable.values()];
      const total = table ? [...table.values()].reduce((a, b) => a + b, 0) : 0;
      return total === N ? body : undefined;
    });
    expect(status.consumerTable.size).toBe(1);
    expect(status.messageQueueTable.size).toBe(0);
    const [clientId, table] = [...status.consumerTable][0]!;
    expect(
      [...table.keys()].every((q) => q.topic === topic && q.brokerName === mq.broker.brokerConfig.brokerName),
    ).toBe(true);
    expect([...table.keys()].map((q) => q.queueId).sort()).toEqual([0, 1]);
    // Only the named client is asked; an unknown client id gives an empty table.
    expect([...(await ask(clientId)).consumerTable.keys()]).toEqual([clientId]);
    expect((await ask('10.0.0.1@nobody')).consumerTable.size).toBe(0);
    // Java's raw answer shape: MessageQueue keys written as objects.
    const raw = await call(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, { topic, group, clientAddr: clientId });
    expect(raw.body!.toString('utf8')).toMatch(
      new RegExp(`^\\{"consumerTable":\\{"${clientId.replace(/[.@]/g, (m) => `\\${m}`)}":\\{\\{"brokerName":`),
    );

    // The same through the admin client, and VIEW_BROKER_STATS_DATA too.
    const admin = new DefaultMQAdminExt({ namesrvAddr: mq.namesrvAddr, clientIP: '127.0.0.1' });
    await admin.start();
    try {
      const byAdmin = await admin.getConsumeStatus(topic, group);
      expect([...byAdmin.keys()]).toEqual([clientId]);
      expect([...byAdmin.get(clientId)!.values()].reduce((a, b) => a + b, 0)).toBe(N);
      const stats = await waitFor(async () => {
        const s = await admin.viewBrokerStatsData(mq.brokerAddr, 'GROUP_GET_NUMS', `${topic}@${group}`);
        return s.statsDay.sum === N ? s : undefined;
      });
      expect(stats.statsDay.avgpt).toBeGreaterThanOrEqual(1);
      await expect(admin.viewBrokerStatsData(mq.brokerAddr, 'GROUP_GET_NUMS', 'none@none')).rejects.toThrow(
        'The stats <GROUP_GET_NUMS> <none@none> not exist',
      );
    } finally {
      await admin.shutdown();
    }

    const offline = await call(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, { topic, group: 'NobodyHere' });
    expect(offline.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(offline.remark).toBe('No Any Consumer online in the consumer group: [NobodyHere]');
    const missing = await call(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, { topic });
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toContain('group');
  });
});
