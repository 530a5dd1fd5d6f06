/**
 * Admin request codes a Java 4.9.4 broker serves and tools such as mqadmin/dashboard call: GET_BROKER_CONSUME_STATS,
 * GET_SYSTEM_TOPIC_LIST_FROM_BROKER, GET_ALL_PRODUCER_INFO, QUERY_CONSUME_TIME_SPAN — through a raw RemotingClient
 * against EmbeddedRocketMQ, checking the Java body shapes.
 */
import {
  MessageConst,
  RequestCode,
  ResponseCode,
  encodeHeartbeatData,
  encodeMessageProperties,
  type HeartbeatData,
} from '@rocketnest/common';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';
import { EmbeddedRocketMQ } from '@rocketnest/broker';

const ORDER_TOPIC = 'RnAdmOrdered';
const PLAIN_TOPIC = 'RnAdmPlain';
const GROUP = 'RnAdmGroup';
const PRODUCER_GROUP = 'RnAdmProducer';

function createTopic(topic: string, order: boolean): RemotingCommand {
  return RemotingCommand.createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
    topic,
    defaultTopic: 'TBW102',
    readQueueNums: 2,
    writeQueueNums: 2,
    perm: 6,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order,
  });
}

function send(topic: string, queueId: number): RemotingCommand {
  return RemotingCommand.createRequest(
    RequestCode.SEND_MESSAGE_V2,
    {
      a: PRODUCER_GROUP,
      b: topic,
      c: 'TBW102',
      d: 2,
      e: queueId,
      f: 0,
      g: Date.now(),
      h: 0,
      i: encodeMessageProperties({ [MessageConst.WAIT]: 'true' }),
      j: 0,
      k: false,
      m: false,
    },
    Buffer.from('hello'),
  );
}

function commitOffset(topic: string, queueId: number, offset: number): RemotingCommand {
  return RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
    consumerGroup: GROUP,
    topic,
    queueId,
    commitOffset: offset,
  });
}

function producerHeartbeat(clientID: string): RemotingCommand {
  const data: HeartbeatData = {
    clientID,
    producerDataSet: [{ groupName: PRODUCER_GROUP }],
    consumerDataSet: [],
  };
  return RemotingCommand.createRequest(RequestCode.HEART_BEAT, {}, encodeHeartbeatData(data));
}

type Json = Record<string, unknown>;

function bodyOf(res: RemotingCommand): Json {
  expect(res.code).toBe(ResponseCode.SUCCESS);
  return JSON.parse(res.body!.toString('utf8')) as Json;
}

describe('broker admin codes (e2e over sockets)', () => {
  let mq: EmbeddedRocketMQ;
  let client: RemotingClient;

  beforeAll(async () => {
    mq = await EmbeddedRocketMQ.start({ brokerConfig: { flushConsumerOffsetInterval: 100 } });
    client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
    const call = (req: RemotingCommand) => client.invoke(mq.brokerAddr, req, 3000);
    expect((await call(createTopic(ORDER_TOPIC, true))).code).toBe(ResponseCode.SUCCESS);
    expect((await call(createTopic(PLAIN_TOPIC, false))).code).toBe(ResponseCode.SUCCESS);
    const group = { groupName: GROUP, consumeEnable: true, retryQueueNums: 1, retryMaxTimes: 16, brokerId: 0 };
    const created = await call(
      RemotingCommand.createRequest(
        RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
        {},
        Buffer.from(JSON.stringify(group)),
      ),
    );
    expect(created.code).toBe(ResponseCode.SUCCESS);
    // 3 messages in each topic's queue 0, 1 in queue 1; the group consumed 1 of queue 0 in both topics.
    for (const topic of [ORDER_TOPIC, PLAIN_TOPIC]) {
      for (const queueId of [0, 0, 0, 1]) expect((await call(send(topic, queueId))).code).toBe(ResponseCode.SUCCESS);
    }
    await mq.broker.messageStore.waitDispatched();
    for (const topic of [ORDER_TOPIC, PLAIN_TOPIC]) {
      expect((await call(commitOffset(topic, 0, 1))).code).toBe(ResponseCode.SUCCESS);
    }
  });

  afterAll(async () => {
    await client.shutdown();
    await mq.shutdown();
  });

  const call = (req: RemotingCommand): Promise<RemotingCommand> => client.invoke(mq.brokerAddr, req, 3000);

  it('GET_BROKER_CONSUME_STATS lists every group with the stats of each topic it consumes', async () => {
    const raw = await call(RemotingCommand.createRequest(RequestCode.GET_BROKER_CONSUME_STATS, { isOrder: false }));
    // Java doubles keep their fraction.
    expect(raw.body!.toString('utf8')).toContain('"consumeTps":0.0');
    const all = bodyOf(raw);
    expect(Object.keys(all)).toEqual(['brokerAddr', 'consumeStatsList', 'totalDiff']);
    expect(all.brokerAddr).toBe(mq.brokerAddr);
    const list = all.consumeStatsList as Array<Record<string, Json[]>>;
    // One single-entry map per subscription group, system groups included.
    expect(list.every((m) => Object.keys(m).length === 1)).toBe(true);
    const groups = list.map((m) => Object.keys(m)[0]);
    expect(groups).toContain(GROUP);
    expect(groups).toContain('TOOLS_CONSUMER');
    const ours = list.find((m) => m[GROUP])![GROUP]!;
    expect(ours).toHaveLength(2);
    for (const stats of ours) {
      expect(Object.keys(stats)).toEqual(['consumeTps', 'offsetTable']);
      expect(stats.consumeTps).toBe(0);
      const entries = Object.entries(stats.offsetTable as Record<string, Json>).map(([k, v]): [Json, Json] => [
        JSON.parse(k) as Json,
        v,
      ]);
      expect(entries).toHaveLength(2);
      const [mq0, w0] = entries[0]!;
      expect(Object.keys(mq0)).toEqual(['brokerName', 'queueId', 'topic']);
      expect(mq0.brokerName).toBe(mq.broker.brokerConfig.brokerName);
      expect(mq0.queueId).toBe(0);
      expect(w0).toEqual({ brokerOffset: 3, consumerOffset: 1, lastTimestamp: expect.any(Number) as number });
      expect(w0.lastTimestamp as number).toBeGreaterThan(0);
      expect(entries[1]![1]).toEqual({ brokerOffset: 1, consumerOffset: 0, lastTimestamp: 0 });
    }
    // (3 - 1) + (1 - 0) per topic, two topics.
    expect(all.totalDiff).toBe(6);

    const ordered = bodyOf(
      await call(RemotingCommand.createRequest(RequestCode.GET_BROKER_CONSUME_STATS, { isOrder: true })),
    );
    const orderedOurs = (ordered.consumeStatsList as Array<Record<string, Json[]>>).find((m) => m[GROUP])![GROUP]!;
    expect(orderedOurs).toHaveLength(1);
    const key = Object.keys(orderedOurs[0]!.offsetTable as Json)[0]!;
    expect((JSON.parse(key) as Json).topic).toBe(ORDER_TOPIC);
    expect(ordered.totalDiff).toBe(3);
  });

  it('GET_SYSTEM_TOPIC_LIST_FROM_BROKER answers a TopicList of the system topics', async () => {
    const body = bodyOf(await call(RemotingCommand.createRequest(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, {})));
    expect(Object.keys(body)).toEqual(['topicList']);
    const topics = body.topicList as string[];
    for (const t of [
      'TBW102',
      'SCHEDULE_TOPIC_XXXX',
      'RMQ_SYS_TRANS_HALF_TOPIC',
      'OFFSET_MOVED_EVENT',
      'SELF_TEST_TOPIC',
    ]) {
      expect(topics).toContain(t);
    }
    expect(topics).toContain(mq.broker.brokerConfig.brokerName);
    expect(topics).toContain(mq.broker.brokerConfig.brokerClusterName);
    expect(topics).not.toContain(PLAIN_TOPIC);
    expect(new Set(topics).size).toBe(topics.length);
  });

  it('GET_ALL_PRODUCER_INFO answers the producer table by group', async () => {
    const empty = bodyOf(await call(RemotingCommand.createRequest(RequestCode.GET_ALL_PRODUCER_INFO, {})));
    expect(empty).toEqual({ data: {} });
    expect((await call(producerHeartbeat('10.1.1.1@adm'))).code).toBe(ResponseCode.SUCCESS);
    const body = bodyOf(await call(RemotingCommand.createRequest(RequestCode.GET_ALL_PRODUCER_INFO, {})));
    const infos = (body.data as Record<string, Json[]>)[PRODUCER_GROUP]!;
    expect(infos).toHaveLength(1);
    const info = infos[0]!;
    expect(Object.keys(info)).toEqual(['clientId', 'language', 'lastUpdateTimestamp', 'remoteIP', 'version']);
    expect(info.clientId).toBe('10.1.1.1@adm');
    expect(info.language).toBe('JAVA');
    expect(info.remoteIP).toMatch(/^\/127\.0\.0\.1:\d+$/);
    expect(typeof info.version).toBe('number');
    expect(Math.abs((info.lastUpdateTimestamp as number) - Date.now())).toBeLessThan(60_000);
  });

  it('QUERY_CONSUME_TIME_SPAN answers per-queue time spans, TOPIC_NOT_EXIST for unknown topics', async () => {
    const req = (topic: string) =>
      RemotingCommand.createRequest(RequestCode.QUERY_CONSUME_TIME_SPAN, { topic, group: GROUP });
    const missing = await call(req('RnAdmNoSuchTopic'));
    expect(missing.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(missing.remark).toBe('topic[RnAdmNoSuchTopic] not exist');

    const body = bodyOf(await call(req(PLAIN_TOPIC)));
    const spans = body.consumeTimeSpanSet as Json[];
    expect(spans).toHaveLength(2);
    const [q0, q1] = spans as [Json, Json];
    expect(Object.keys(q0)).toEqual(['consumeTimeStamp', 'delayTime', 'maxTimeStamp', 'messageQueue', 'minTimeStamp']);
    expect(q0.messageQueue).toEqual({ brokerName: mq.broker.brokerConfig.brokerName, queueId: 0, topic: PLAIN_TOPIC });
    const min = q0.minTimeStamp as number;
    expect(min).toBeGreaterThan(0);
    expect(q0.maxTimeStamp as number).toBeGreaterThanOrEqual(min);
    // Consumed 1 of 3: the consume time is the first message's, and the second has been waiting.
    expect(q0.consumeTimeStamp).toBe(min);
    expect(q0.delayTime as number).toBeGreaterThanOrEqual(0);
    // Nothing consumed in queue 1: consume time falls back to the earliest message's.
    expect(q1.consumeTimeStamp).toBe(q1.minTimeStamp);
  });

  it("GET_BROKER_RUNTIME_INFO's earliestMessageTimeStamp is the store time of the commit log's first record", async () => {
    const earliest = await call(
      RemotingCommand.createRequest(RequestCode.GET_EARLIEST_MSG_STORETIME, { topic: ORDER_TOPIC, queueId: 0 }),
    );
    const first = Number(earliest.extFields!.timestamp);
    expect(first).toBeGreaterThan(0);
    const body = bodyOf(await call(RemotingCommand.createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, {})));
    expect((body.table as Record<string, string>).earliestMessageTimeStamp).toBe(String(first));
  });

  it('VIEW_BROKER_STATS_DATA answers the minute/hour/day figures of a counted item', async () => {
    const view = (statsName: string, statsKey: string) =>
      call(RemotingCommand.createRequest(RequestCode.VIEW_BROKER_STATS_DATA, { statsName, statsKey }));
    const unknown = await view('TOPIC_PUT_NUMS', 'RnAdmNoSuchTopic');
    expect(unknown.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(unknown.remark).toBe('The stats <TOPIC_PUT_NUMS> <RnAdmNoSuchTopic> not exist');

    mq.broker.brokerStatsManager.sampleAll();
    const raw = await view('TOPIC_PUT_NUMS', PLAIN_TOPIC);
    expect(raw.body!.toString('utf8')).toContain('"avgpt":1.0');
    const body = bodyOf(raw);
    expect(Object.keys(body)).toEqual(['statsDay', 'statsHour', 'statsMinute']);
    const minute = body.statsMinute as Json;
    expect(Object.keys(minute)).toEqual(['avgpt', 'sum', 'tps']);
    // 4 messages since the zero baseline one sampling period (10 s) back.
    expect(minute).toEqual({ avgpt: 1, sum: 4, tps: 0.4 });
    expect((body.statsHour as Json).sum).toBe(4);
    expect((body.statsDay as Json).sum).toBe(4);
    const cluster = bodyOf(await view('BROKER_PUT_NUMS', mq.broker.brokerConfig.brokerClusterName));
    expect((cluster.statsMinute as Json).sum as number).toBeGreaterThanOrEqual(8);
  });

  it('QUERY_CONSUME_QUEUE answers raw consume-queue entries from an index', async () => {
    const q = (queueId: number, index: number, count: number, consumerGroup?: string) =>
      RemotingCommand.createRequest(RequestCode.QUERY_CONSUME_QUEUE, {
        topic: PLAIN_TOPIC,
        queueId,
        index,
        count,
        ...(consumerGroup ? { consumerGroup } : {}),
      });
    const missing = await call(q(7, 0, 1));
    expect(missing.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(missing.remark).toBe(`7@${PLAIN_TOPIC} is not exist!`);

    const raw = await call(q(0, 1, 5, GROUP));
    const body = bodyOf(raw);
    expect(Object.keys(body)).toEqual(['filterData', 'maxQueueIndex', 'minQueueIndex', 'queueData']);
    expect(body.filterData).toBe(`${GROUP}@${PLAIN_TOPIC} is not online!`);
    expect([body.minQueueIndex, body.maxQueueIndex]).toEqual([0, 3]);
    const data = body.queueData as Json[];
    expect(data).toHaveLength(2);
    expect(Object.keys(data[0]!)).toEqual(['eval', 'physicOffset', 'physicSize', 'tagsCode']);
    const second = await mq.broker.messageStore.lookMessageByOffset(data[0]!.physicOffset as number);
    expect([second!.topic, second!.queueId, second!.queueOffset]).toEqual([PLAIN_TOPIC, 0, 1]);
    expect(data[0]!.physicSize).toBe(second!.storeSize);

    const one = bodyOf(await call(q(0, 0, 1)));
    expect(one.filterData).toBeUndefined();
    expect(one.queueData as Json[]).toHaveLength(1);

    const beyond = await call(q(0, 3, 1));
    expect(beyond.code).toBe(ResponseCode.SUCCESS);
    expect(beyond.remark).toBe(`Index 3 of 0@${PLAIN_TOPIC} is not exist!`);
    expect(beyond.body ?? null).toBeNull();
  });

  it('CLEAN_UNUSED_TOPIC drops the consume queues of topics no longer configured', async () => {
    const doomed = 'RnAdmDoomed';
    expect((await call(createTopic(doomed, false))).code).toBe(ResponseCode.SUCCESS);
    expect((await call(send(doomed, 0))).code).toBe(ResponseCode.SUCCESS);
    await mq.broker.messageStore.waitDispatched();
    const store = mq.broker.messageStore;
    expect(store.consumeQueueTable.has(doomed)).toBe(true);
    // Forget the topic's config only, as a topic removed elsewhere leaves its queues behind.
    mq.broker.topicConfigManager.deleteTopicConfig(doomed);
    const res = await call(RemotingCommand.createRequest(RequestCode.CLEAN_UNUSED_TOPIC, {}));
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(store.consumeQueueTable.has(doomed)).toBe(false);
    expect(store.consumeQueueTable.has(PLAIN_TOPIC)).toBe(true);
    expect(store.getMaxOffsetInQueue(PLAIN_TOPIC, 0)).toBe(3);
  });
});
