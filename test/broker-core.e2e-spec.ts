/**
 * Broker core over real sockets: EmbeddedRocketMQ (name server + broker on 127.0.0.1:0) driven by a raw
 * RemotingClient, checking the Java broker's codes, headers and ext fields.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MessageConst,
  RequestCode,
  ResponseCode,
  decodeMessageRecords,
  encodeBatchMessages,
  encodeHeartbeatData,
  encodeMessageProperties,
  javaStringHashCode,
  parseJavaJson,
  type HeartbeatData,
} from '@rocketnest/common';
import { RemotingClient, RemotingCommand, type ExtFieldValue } from '@rocketnest/remoting';
import { BrokerController, EmbeddedRocketMQ, HealthServer, TopicConfigManager, silentLogger } from '@rocketnest/broker';
import { waitFor } from './utils/wait-for';

const PG = 'rn_e2e_producer';

interface SendOptions {
  code?: number;
  queueId?: number;
  properties?: Record<string, string>;
  body?: Buffer;
  defaultTopic?: string;
  extra?: Record<string, ExtFieldValue>;
  batch?: boolean;
}

function sendRequest(topic: string, opts: SendOptions = {}): RemotingCommand {
  const props = opts.properties ?? { [MessageConst.WAIT]: 'true' };
  return RemotingCommand.createRequest(
    opts.code ?? RequestCode.SEND_MESSAGE_V2,
    {
      a: PG,
      b: topic,
      c: opts.defaultTopic ?? 'TBW102',
      d: 4,
      e: opts.queueId ?? 0,
      f: 0,
      g: Date.now(),
      h: 0,
      i: encodeMessageProperties(props),
      j: 0,
      k: false,
      m: opts.batch ?? false,
      ...opts.extra,
    },
    opts.body ?? Buffer.from('hello'),
  );
}

function pullRequest(
  topic: string,
  queueId: number,
  queueOffset: number,
  opts: {
    group?: string;
    sysFlag?: number;
    subscription?: string;
    suspendMs?: number;
    subVersion?: number;
    commitOffset?: number;
  } = {},
): RemotingCommand {
  return RemotingCommand.createRequest(RequestCode.PULL_MESSAGE, {
    consumerGroup: opts.group ?? 'rn_e2e_consumer',
    topic,
    queueId,
    queueOffset,
    maxMsgNums: 32,
    sysFlag: opts.sysFlag ?? 4,
    commitOffset: opts.commitOffset ?? 0,
    suspendTimeoutMillis: opts.suspendMs ?? 0,
    subscription: opts.subscription ?? '*',
    subVersion: opts.subVersion ?? 0,
    expressionType: 'TAG',
  });
}

function heartbeat(clientID: string, group: string, topics: Record<string, string>, subVersion = 1): RemotingCommand {
  const data: HeartbeatData = {
    clientID,
    producerDataSet: [],
    consumerDataSet: [
      {
        groupName: group,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        unitMode: false,
        subscriptionDataSet: Object.entries(topics).map(([topic, sub]) => {
          const tags = sub === '*' ? [] : sub.split('||').map((t) => t.trim());
          return {
            topic,
            subString: sub,
            tagsSet: tags,
            codeSet: tags.map(javaStringHashCode),
            subVersion,
            expressionType: 'TAG',
            classFilterMode: false,
          };
        }),
      },
    ],
  };
  return RemotingCommand.createRequest(RequestCode.HEART_BEAT, {}, encodeHeartbeatData(data));
}

describe('broker core (e2e over sockets)', () => {
  let mq: EmbeddedRocketMQ;
  let client: RemotingClient;
  let root: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-broker-e2e-'));
    mq = await EmbeddedRocketMQ.start({
      storePathRootDir: root,
      brokerConfig: {
        channelExpiredTimeout: 400,
        clientHousekeepingInterval: 50,
        flushConsumerOffsetInterval: 100,
        pullRequestHoldCheckInterval: 1000,
        maxMessageSize: 64 * 1024,
        rejectTransactionMessage: true,
      },
    });
    client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
  });

  afterAll(async () => {
    await client.shutdown();
    await mq.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const call = (req: RemotingCommand, timeoutMs = 3000): Promise<RemotingCommand> =>
    client.invoke(mq.brokerAddr, req, timeoutMs);
  /** Sends, then waits until the store has dispatched the message to its consume queue (as Java, that is async). */
  const send = async (req: RemotingCommand): Promise<RemotingCommand> => {
    const res = await call(req);
    await mq.broker.messageStore.waitDispatched();
    return res;
  };

  it('auto-creates a topic on first send from TBW102 and registers it with the name server', async () => {
    const res = await call(sendRequest('RnAutoTopic', { queueId: 2 }));
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(Object.keys(res.extFields ?? {})).toEqual([
      'queueId',
      'transactionId',
      'msgId',
      'TRACE_ON',
      'MSG_REGION',
      'queueOffset',
    ]);
    expect(res.extFields).toMatchObject({
      queueId: '2',
      queueOffset: '0',
      TRACE_ON: 'true',
      MSG_REGION: 'DefaultRegion',
    });
    expect(res.extFields!.msgId).toMatch(/^[0-9A-F]{32}$/);
    const tc = mq.broker.topicConfigManager.selectTopicConfig('RnAutoTopic');
    expect(tc).toMatchObject({ readQueueNums: 4, writeQueueNums: 4, perm: 6 });
    const route = await waitFor(async () => {
      const r = await client.invoke(
        mq.namesrvAddr,
        RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'RnAutoTopic' }),
        3000,
      );
      return r.code === ResponseCode.SUCCESS ? r : undefined;
    });
    const routeData = parseJavaJson(route.body!) as { queueDatas: { writeQueueNums: number }[] };
    expect(routeData.queueDatas[0]!.writeQueueNums).toBe(4);
    expect(fs.readFileSync(path.join(root, 'config', 'topics.json'), 'utf8')).toContain('"RnAutoTopic"');
  });

  it('round-trips a message byte-identically through send and pull', async () => {
    const body = Buffer.from([0, 1, 2, 250, 251, 252, ...Buffer.from(' Zürich ✓')]);
    const props = { KEYS: 'k1 k2', TAGS: 'TagA', color: 'red', [MessageConst.WAIT]: 'true' };
    const sent = await send(sendRequest('RnRoundTrip', { queueId: 1, properties: props, body }));
    expect(sent.code).toBe(ResponseCode.SUCCESS);
    const pulled = await call(pullRequest('RnRoundTrip', 1, 0));
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    expect(pulled.remark).toBe('FOUND');
    expect(Object.keys(pulled.extFields ?? {})).toEqual([
      'suggestWhichBrokerId',
      'groupSysFlag',
      'nextBeginOffset',
      'maxOffset',
      'minOffset',
      'topicSysFlag',
    ]);
    expect(pulled.extFields).toMatchObject({
      nextBeginOffset: '1',
      maxOffset: '1',
      minOffset: '0',
      suggestWhichBrokerId: '0',
    });
    const [msg] = decodeMessageRecords(pulled.body!);
    expect(Buffer.compare(msg!.body, body)).toBe(0);
    expect(msg!.topic).toBe('RnRoundTrip');
    expect(msg!.queueId).toBe(1);
    expect(msg!.properties).toMatchObject({ KEYS: 'k1 k2', TAGS: 'TagA', color: 'red', CLUSTER: 'DefaultCluster' });
    expect(msg!.properties.UNIQ_KEY).toBe(sent.extFields!.transactionId);
    expect(msg!.offsetMsgId).toBe(sent.extFields!.msgId);
  });

  it('accepts the long-header SEND_MESSAGE (10) too', async () => {
    const req = RemotingCommand.createRequest(
      RequestCode.SEND_MESSAGE,
      {
        producerGroup: PG,
        topic: 'RnLongHeader',
        defaultTopic: 'TBW102',
        defaultTopicQueueNums: 4,
        queueId: 0,
        sysFlag: 0,
        bornTimestamp: Date.now(),
        flag: 7,
        properties: encodeMessageProperties({ TAGS: 'L' }),
        reconsumeTimes: 0,
        unitMode: false,
        batch: false,
      },
      Buffer.from('long header'),
    );
    const res = await send(req);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    const [msg] = decodeMessageRecords((await call(pullRequest('RnLongHeader', 0, 0))).body!);
    expect([msg!.body.toString(), msg!.flag, msg!.properties.TAGS]).toEqual(['long header', 7, 'L']);
  });

  it('stores a batch and answers with the comma-joined msgIds', async () => {
    const body = encodeBatchMessages([
      { body: Buffer.from('b1'), flag: 0, properties: { TAGS: 'x' } },
      { body: Buffer.from('b2'), flag: 0, properties: { TAGS: 'y' } },
      { body: Buffer.from('b3'), flag: 0, properties: { TAGS: 'z' } },
    ]);
    const res = await send(sendRequest('RnBatch', { code: RequestCode.SEND_BATCH_MESSAGE, batch: true, body }));
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(res.extFields!.msgId!.split(',')).toHaveLength(3);
    const pulled = await call(pullRequest('RnBatch', 0, 0));
    expect(decodeMessageRecords(pulled.body!).map((m) => m.body.toString())).toEqual(['b1', 'b2', 'b3']);
  });

  it('filters by tag (code set) and advances past non-matching messages', async () => {
    for (const tag of ['TagA', 'TagB', 'TagA', 'TagC']) {
      expect((await send(sendRequest('RnTags', { properties: { TAGS: tag } }))).code).toBe(ResponseCode.SUCCESS);
    }
    const pulled = await call(pullRequest('RnTags', 0, 0, { subscription: 'TagA' }));
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    expect(decodeMessageRecords(pulled.body!).map((m) => m.properties.TAGS)).toEqual(['TagA', 'TagA']);
    const none = await call(pullRequest('RnTags', 0, 0, { subscription: 'TagZ' }));
    expect(none.code).toBe(ResponseCode.PULL_RETRY_IMMEDIATELY);
    expect(none.extFields!.nextBeginOffset).toBe('4');
  });

  it('holds a pull with nothing new and answers it within milliseconds of a send', async () => {
    await send(sendRequest('RnLongPoll'));
    const t0 = Date.now();
    const held = call(pullRequest('RnLongPoll', 0, 1, { sysFlag: 2 | 4, suspendMs: 10_000 }), 15_000);
    await waitFor(() => mq.broker.pullRequestHoldService.size === 1);
    const sentAt = Date.now();
    await call(sendRequest('RnLongPoll', { properties: { TAGS: 'wake' } }));
    const res = await held;
    const latency = Date.now() - sentAt;
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(decodeMessageRecords(res.body!)[0]!.properties.TAGS).toBe('wake');
    expect(latency).toBeLessThan(500);
    expect(sentAt - t0).toBeLessThan(5000);
  });

  it('answers a held pull with PULL_NOT_FOUND when its suspend time ends', async () => {
    await send(sendRequest('RnHoldTimeout'));
    const t0 = Date.now();
    const res = await call(pullRequest('RnHoldTimeout', 0, 1, { sysFlag: 2 | 4, suspendMs: 300 }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(res.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(res.remark).toBe('OFFSET_OVERFLOW_ONE');
    expect(res.extFields).toMatchObject({ nextBeginOffset: '1', maxOffset: '1' });
  });

  it('registers consumers, notifies members when the group changes, and expires silent clients', async () => {
    const a = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    const notified: string[] = [];
    a.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (req) => {
      notified.push(req.extFields!.consumerGroup!);
      return null;
    });
    a.start();
    const b = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    b.start();
    try {
      await send(sendRequest('RnTags', { properties: { TAGS: 'TagA' } }));
      const hb = await a.invoke(mq.brokerAddr, heartbeat('10.0.0.1@a', 'RnGroup', { RnTags: 'TagA' }), 3000);
      expect(hb.code).toBe(ResponseCode.SUCCESS);
      expect(hb.extFields).toEqual({ IS_SUPPORT_HEART_BEAT_V2: 'true', IS_SUB_CHANGE: 'true' });
      expect(mq.broker.topicConfigManager.selectTopicConfig('%RETRY%RnGroup')).toBeDefined();
      await waitFor(() => notified.length >= 1);
      await b.invoke(mq.brokerAddr, heartbeat('10.0.0.2@b', 'RnGroup', { RnTags: 'TagA' }), 3000);
      await waitFor(() => notified.length >= 2);
      const list = await call(
        RemotingCommand.createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'RnGroup' }),
      );
      expect((parseJavaJson(list.body!) as { consumerIdList: string[] }).consumerIdList.sort()).toEqual([
        '10.0.0.1@a',
        '10.0.0.2@b',
      ]);
      const conn = await call(
        RemotingCommand.createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'RnGroup' }),
      );
      expect(conn.code).toBe(ResponseCode.SUCCESS);
      expect(conn.body!.toString()).toContain('"clientId":"10.0.0.1@a"');
      // Pull without the subscription flag uses the heartbeat subscription; a newer subVersion is refused.
      const notLatest = await call(pullRequest('RnTags', 0, 0, { group: 'RnGroup', sysFlag: 0, subVersion: 5 }));
      expect(notLatest.code).toBe(ResponseCode.SUBSCRIPTION_NOT_LATEST);
      const viaHeartbeat = await call(pullRequest('RnTags', 0, 0, { group: 'RnGroup', sysFlag: 0, subVersion: 1 }));
      expect(decodeMessageRecords(viaHeartbeat.body!).every((m) => m.properties.TAGS === 'TagA')).toBe(true);
      // Both stop heartbeating: they expire after channelExpiredTimeout (400 ms here), and the group is gone.
      await waitFor(
        async () => {
          const r = await call(
            RemotingCommand.createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'RnGroup' }),
          );
          return r.code === ResponseCode.SYSTEM_ERROR ? r : undefined;
        },
        { timeoutMs: 3000 },
      ).then((r) => expect(r.remark).toBe('no consumer for this group, RnGroup'));
    } finally {
      await a.shutdown();
      await b.shutdown();
    }
  });

  it('lists producer connections and forwards GET_CONSUMER_RUNNING_INFO to the consumer', async () => {
    const c = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    c.registerProcessor(RequestCode.GET_CONSUMER_RUNNING_INFO, (req) => {
      const res = RemotingCommand.createResponse(ResponseCode.SUCCESS);
      res.body = Buffer.from(`running:${req.extFields!.clientId}`);
      return res;
    });
    c.start();
    try {
      const hb = heartbeat('10.0.0.9@run', 'RnRunGroup', { RnTags: '*' });
      const data = parseJavaJson(hb.body!) as Record<string, unknown>;
      data.producerDataSet = [{ groupName: 'RnRunProducer' }];
      hb.body = Buffer.from(JSON.stringify(data));
      expect((await c.invoke(mq.brokerAddr, hb, 3000)).code).toBe(ResponseCode.SUCCESS);
      const producers = await call(
        RemotingCommand.createRequest(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'RnRunProducer' }),
      );
      expect(producers.code).toBe(ResponseCode.SUCCESS);
      expect(producers.body!.toString()).toContain('"clientId":"10.0.0.9@run"');
      const running = await call(
        RemotingCommand.createRequest(RequestCode.GET_CONSUMER_RUNNING_INFO, {
          consumerGroup: 'RnRunGroup',
          clientId: '10.0.0.9@run',
          jstackEnable: false,
        }),
      );
      expect(running.code).toBe(ResponseCode.SUCCESS);
      expect(running.body!.toString()).toBe('running:10.0.0.9@run');
      const offline = await call(
        RemotingCommand.createRequest(RequestCode.GET_CONSUMER_RUNNING_INFO, {
          consumerGroup: 'RnRunGroup',
          clientId: 'nobody',
        }),
      );
      expect(offline.code).toBe(ResponseCode.SYSTEM_ERROR);
    } finally {
      await c.shutdown();
    }
  });

  it('answers every error path with the Java code', async () => {
    const codeOf = async (req: RemotingCommand): Promise<number> => (await call(req)).code;
    expect((await send(sendRequest('RnAutoTopic', { queueId: 2 }))).code).toBe(ResponseCode.SUCCESS);
    expect(await codeOf(sendRequest('SCHEDULE_TOPIC_XXXX'))).toBe(ResponseCode.NO_PERMISSION);
    expect(await codeOf(sendRequest('bad topic!'))).toBe(ResponseCode.INVALID_PARAMETER);
    expect(await codeOf(sendRequest('RnAutoTopic', { queueId: 99 }))).toBe(ResponseCode.INVALID_PARAMETER);
    expect(await codeOf(sendRequest('RnNoTemplate', { defaultTopic: 'NoSuchTemplate' }))).toBe(
      ResponseCode.TOPIC_NOT_EXIST,
    );
    const tooBig = await call(sendRequest('RnAutoTopic', { body: Buffer.alloc(65 * 1024) }));
    expect(tooBig.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(tooBig.extFields).toEqual({ TRACE_ON: 'true', MSG_REGION: 'DefaultRegion' });
    expect(
      await codeOf(
        sendRequest('%RETRY%G', { code: RequestCode.SEND_BATCH_MESSAGE, batch: true, body: Buffer.alloc(0) }),
      ),
    ).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(await codeOf(sendRequest('RnAutoTopic', { properties: { TRAN_MSG: 'true', PGROUP: PG } }))).toBe(
      ResponseCode.NO_PERMISSION,
    );
    const missing = RemotingCommand.createRequest(RequestCode.SEND_MESSAGE_V2, { a: PG }, Buffer.from('x'));
    expect(await codeOf(missing)).toBe(ResponseCode.SYSTEM_ERROR);
    expect(await codeOf(pullRequest('RnNoSuchTopic', 0, 0))).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(await codeOf(pullRequest('RnAutoTopic', 42, 0))).toBe(ResponseCode.INVALID_PARAMETER);
    expect(await codeOf(pullRequest('RnAutoTopic', 0, 0, { group: 'RnNobody', sysFlag: 0 }))).toBe(
      ResponseCode.SUBSCRIPTION_NOT_EXIST,
    );
    const moved = await call(pullRequest('RnAutoTopic', 2, 100));
    expect(moved.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expect(moved.remark).toBe('OFFSET_OVERFLOW_BADLY');
    expect(await codeOf(RemotingCommand.createRequest(9999, {}))).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    // Garbage from a peer is answered with SYSTEM_ERROR and the broker stays up.
    expect(await codeOf(RemotingCommand.createRequest(RequestCode.HEART_BEAT, {}, Buffer.from('{not json')))).toBe(
      ResponseCode.SYSTEM_ERROR,
    );
    expect(
      await codeOf(
        RemotingCommand.createRequest(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, Buffer.from('[1,2')),
      ),
    ).toBe(ResponseCode.SYSTEM_ERROR);
    expect(await codeOf(pullRequest('RnAutoTopic', 0, 0))).not.toBe(ResponseCode.SYSTEM_ERROR);
    expect(
      await codeOf(
        RemotingCommand.createRequest(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: 'RnNobody' }),
      ),
    ).toBe(ResponseCode.CONSUMER_NOT_ONLINE);
    const q = await call(
      RemotingCommand.createRequest(RequestCode.QUERY_CONSUMER_OFFSET, {
        consumerGroup: 'RnNobody',
        topic: 'RnAutoTopic',
        queueId: 3,
      }),
    );
    expect(q.code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect(q.remark).toBe('Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');
    expect(
      await codeOf(
        RemotingCommand.createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
          topic: 'SCHEDULE_TOPIC_XXXX',
          defaultTopic: 'TBW102',
          readQueueNums: 1,
          writeQueueNums: 1,
          perm: 6,
          topicFilterType: 'SINGLE_TAG',
          order: false,
        }),
      ),
    ).toBe(ResponseCode.INVALID_PARAMETER);
  });

  it('answers SYSTEM_BUSY instead of queueing without bound when too many puts are in flight', async () => {
    const cfg = mq.broker.brokerConfig;
    const saved = cfg.sendThreadPoolQueueCapacity;
    cfg.sendThreadPoolQueueCapacity = 1;
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () => call(sendRequest('RnBusy'))));
      const busy = results.filter((r) => r.code === ResponseCode.SYSTEM_BUSY);
      expect(busy.length).toBeGreaterThan(0);
      expect(busy[0]!.remark).toMatch(/^\[REJECTREQUEST\]/);
      expect(results.some((r) => r.code === ResponseCode.SUCCESS)).toBe(true);
    } finally {
      cfg.sendThreadPoolQueueCapacity = saved;
    }
  });

  it('serves admin and offset queries', async () => {
    const created = await call(
      RemotingCommand.createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
        topic: 'RnAdminTopic',
        defaultTopic: 'TBW102',
        readQueueNums: 2,
        writeQueueNums: 2,
        perm: 6,
        topicFilterType: 'SINGLE_TAG',
        order: false,
      }),
    );
    expect(created.code).toBe(ResponseCode.SUCCESS);
    const all = await call(RemotingCommand.createRequest(RequestCode.GET_ALL_TOPIC_CONFIG, {}));
    expect(all.body!.toString()).toContain('"RnAdminTopic"');
    await send(sendRequest('RnAdminTopic', { queueId: 1, properties: { KEYS: 'admin-key' } }));
    const max = await call(
      RemotingCommand.createRequest(RequestCode.GET_MAX_OFFSET, { topic: 'RnAdminTopic', queueId: 1 }),
    );
    expect(max.extFields).toEqual({ offset: '1' });
    const min = await call(
      RemotingCommand.createRequest(RequestCode.GET_MIN_OFFSET, { topic: 'RnAdminTopic', queueId: 1 }),
    );
    expect(min.extFields).toEqual({ offset: '0' });
    const earliest = await call(
      RemotingCommand.createRequest(RequestCode.GET_EARLIEST_MSG_STORETIME, { topic: 'RnAdminTopic', queueId: 1 }),
    );
    expect(Number(earliest.extFields!.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    const search = await call(
      RemotingCommand.createRequest(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, {
        topic: 'RnAdminTopic',
        queueId: 1,
        timestamp: 0,
      }),
    );
    expect(search.extFields).toEqual({ offset: '0' });
    const stats = await call(
      RemotingCommand.createRequest(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'RnAdminTopic' }),
    );
    expect(stats.body!.toString()).toContain('"maxOffset":1');
    const runtime = await call(RemotingCommand.createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, {}));
    const table = (parseJavaJson(runtime.body!) as { table: Record<string, string> }).table;
    expect(table.brokerVersionDesc).toMatch(/^V\d/);
    expect(Number(table.msgPutTotalTodayNow)).toBeGreaterThan(0);
    const cfg = await call(RemotingCommand.createRequest(RequestCode.GET_BROKER_CONFIG, {}));
    expect(cfg.body!.toString()).toContain('brokerClusterName=DefaultCluster');
    const upd = RemotingCommand.createRequest(
      RequestCode.UPDATE_BROKER_CONFIG,
      {},
      Buffer.from('defaultQueryMaxNum=7\n'),
    );
    expect((await call(upd)).code).toBe(ResponseCode.SUCCESS);
    expect(mq.broker.brokerConfig.defaultQueryMaxNum).toBe(7);
    const bad = RemotingCommand.createRequest(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from('listenPort=1\n'));
    expect((await call(bad)).code).toBe(ResponseCode.NO_PERMISSION);
    const byKey = await call(
      RemotingCommand.createRequest(RequestCode.QUERY_MESSAGE, {
        topic: 'RnAdminTopic',
        key: 'admin-key',
        maxNum: 32,
        beginTimestamp: 0,
        endTimestamp: Date.now() + 1000,
      }),
    );
    expect(byKey.code).toBe(ResponseCode.SUCCESS);
    const found = decodeMessageRecords(byKey.body!)[0]!;
    const view = await call(
      RemotingCommand.createRequest(RequestCode.VIEW_MESSAGE_BY_ID, { offset: found.commitLogOffset }),
    );
    expect(view.code).toBe(ResponseCode.SUCCESS);
    expect(decodeMessageRecords(view.body!)[0]!.properties.KEYS).toBe('admin-key');
    // Subscription groups and consumer offsets.
    const group = {
      groupName: 'RnAdminGroup',
      consumeEnable: true,
      consumeFromMinEnable: true,
      consumeBroadcastEnable: true,
      retryQueueNums: 2,
      retryMaxTimes: 3,
      brokerId: 0,
      whichBrokerWhenConsumeSlowly: 1,
      notifyConsumerIdsChangedEnable: true,
    };
    const createGroup = RemotingCommand.createRequest(
      RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
      {},
      Buffer.from(JSON.stringify(group)),
    );
    expect((await call(createGroup)).code).toBe(ResponseCode.SUCCESS);
    expect(mq.broker.topicConfigManager.selectTopicConfig('%RETRY%RnAdminGroup')!.writeQueueNums).toBe(2);
    const groups = await call(RemotingCommand.createRequest(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, {}));
    expect(groups.body!.toString()).toContain('"retryMaxTimes":3');
    const commit = RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
      consumerGroup: 'RnAdminGroup',
      topic: 'RnAdminTopic',
      queueId: 1,
      commitOffset: 1,
    });
    expect((await call(commit)).code).toBe(ResponseCode.SUCCESS);
    const offsets = await call(RemotingCommand.createRequest(RequestCode.GET_ALL_CONSUMER_OFFSET, {}));
    expect(offsets.body!.toString()).toContain('"RnAdminTopic@RnAdminGroup":{1:1');
    const consumeStats = await call(
      RemotingCommand.createRequest(RequestCode.GET_CONSUME_STATS, {
        consumerGroup: 'RnAdminGroup',
        topic: 'RnAdminTopic',
      }),
    );
    expect(consumeStats.code).toBe(ResponseCode.SUCCESS);
    expect(consumeStats.body!.toString()).toContain('"brokerOffset":1,"consumerOffset":1');
    const byConsumer = await call(
      RemotingCommand.createRequest(RequestCode.QUERY_TOPICS_BY_CONSUMER, { group: 'RnAdminGroup' }),
    );
    expect(byConsumer.body!.toString()).toContain('"RnAdminTopic"');
    const delGroup = RemotingCommand.createRequest(RequestCode.DELETE_SUBSCRIPTIONGROUP, {
      groupName: 'RnAdminGroup',
      cleanOffset: true,
    });
    expect((await call(delGroup)).code).toBe(ResponseCode.SUCCESS);
    expect(mq.broker.subscriptionGroupManager.subscriptionGroupTable.has('RnAdminGroup')).toBe(false);
    expect(mq.broker.consumerOffsetManager.queryOffset('RnAdminGroup', 'RnAdminTopic', 1)).toBe(-1);
    expect((await call(RemotingCommand.createRequest(RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE, {}))).code).toBe(
      ResponseCode.SUCCESS,
    );
    expect((await call(RemotingCommand.createRequest(RequestCode.DELETE_EXPIRED_COMMITLOG, {}))).code).toBe(
      ResponseCode.SUCCESS,
    );
    // Deleting a topic removes it from the table (and the name servers, through re-registration).
    const delTopic = RemotingCommand.createRequest(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: 'RnAdminTopic' });
    expect((await call(delTopic)).code).toBe(ResponseCode.SUCCESS);
    const after = await call(RemotingCommand.createRequest(RequestCode.GET_ALL_TOPIC_CONFIG, {}));
    expect(after.body!.toString()).not.toContain('"RnAdminTopic"');
  });
});

describe('broker restart (e2e)', () => {
  it('keeps committed offsets, topics and groups across a restart', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-broker-restart-'));
    const client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
    try {
      let mq = await EmbeddedRocketMQ.start({ storePathRootDir: root });
      await client.invoke(mq.brokerAddr, sendRequest('RnRestart', { queueId: 0 }), 3000);
      await mq.broker.messageStore.waitDispatched();
      const commit = RemotingCommand.createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
        consumerGroup: 'RnRestartGroup',
        topic: 'RnRestart',
        queueId: 0,
        commitOffset: 1,
      });
      expect((await client.invoke(mq.brokerAddr, commit, 3000)).code).toBe(ResponseCode.SUCCESS);
      // Pull with FLAG_COMMIT_OFFSET stores the consumer's offset too (queue 1 here).
      await client.invoke(
        mq.brokerAddr,
        pullRequest('RnRestart', 1, 0, { group: 'RnRestartGroup', sysFlag: 1 | 4, commitOffset: 7 }),
        3000,
      );
      await mq.shutdown();
      expect(fs.readFileSync(path.join(root, 'config', 'consumerOffset.json'), 'utf8')).toContain(
        'RnRestart@RnRestartGroup',
      );
      mq = await EmbeddedRocketMQ.start({ storePathRootDir: root });
      try {
        const query = (queueId: number) =>
          RemotingCommand.createRequest(RequestCode.QUERY_CONSUMER_OFFSET, {
            consumerGroup: 'RnRestartGroup',
            topic: 'RnRestart',
            queueId,
          });
        expect((await client.invoke(mq.brokerAddr, query(0), 3000)).extFields).toEqual({ offset: '1' });
        expect((await client.invoke(mq.brokerAddr, query(1), 3000)).extFields).toEqual({ offset: '7' });
        expect(mq.broker.topicConfigManager.selectTopicConfig('RnRestart')).toBeDefined();
        const pulled = await client.invoke(mq.brokerAddr, pullRequest('RnRestart', 0, 0), 3000);
        expect(pulled.code).toBe(ResponseCode.SUCCESS);
      } finally {
        await mq.shutdown();
      }
    } finally {
      await client.shutdown();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('broker registration and hosting (e2e)', () => {
  it('registers at start, periodically and on topic changes, and unregisters at shutdown', async () => {
    const mq = await EmbeddedRocketMQ.start({ brokerConfig: { registerNameServerPeriod: 150 } });
    const client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
    const clusterInfo = async (): Promise<string> =>
      (
        await client.invoke(
          mq.namesrvAddr,
          RemotingCommand.createRequest(RequestCode.GET_BROKER_CLUSTER_INFO, {}),
          3000,
        )
      ).body?.toString() ?? '';
    let stopped = false;
    try {
      expect(await clusterInfo()).toContain(`"${mq.brokerAddr}"`);
      const register = jest.spyOn(mq.namesrv.routeInfoManager, 'registerBroker');
      await waitFor(() => register.mock.calls.length >= 3, { timeoutMs: 3000 });
      const before = register.mock.calls.length;
      mq.broker.topicConfigManager.updateTopicConfig(TopicConfigManager.newTopicConfig('RnRegistered', 2, 2, 6));
      await waitFor(() => register.mock.calls.length > before);
      const route = await client.invoke(
        mq.namesrvAddr,
        RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'RnRegistered' }),
        3000,
      );
      expect(route.code).toBe(ResponseCode.SUCCESS);
      register.mockRestore();
      await mq.broker.shutdown();
      stopped = true;
      expect(await clusterInfo()).not.toContain(`"${mq.brokerAddr}"`);
    } finally {
      await client.shutdown();
      if (!stopped) await mq.broker.shutdown();
      await mq.shutdown();
    }
  });

  it('serves GET /health: 200 while running, 503 when down, 404 elsewhere', async () => {
    let up = true;
    const health = new HealthServer(() => ({ up, details: { broker: 'x' } }), 0, '127.0.0.1');
    await health.start();
    try {
      const get = async (p: string): Promise<{ status: number; body: string }> => {
        const res = await fetch(`http://127.0.0.1:${health.listeningPort}${p}`);
        return { status: res.status, body: await res.text() };
      };
      expect(await get('/health')).toEqual({ status: 200, body: '{"status":"UP","broker":"x"}' });
      up = false;
      expect((await get('/health')).status).toBe(503);
      expect((await get('/other')).status).toBe(404);
    } finally {
      await health.shutdown();
    }
  });
});

describe('broker start failure (e2e)', () => {
  it('rejects start when the port is taken, releases everything, and shuts down idempotently', async () => {
    const first = await EmbeddedRocketMQ.start();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-broker-fail-'));
    try {
      const second = new BrokerController(
        { storePathRootDir: root, listenPort: first.broker.port, bindAddress: '127.0.0.1', brokerIP1: '127.0.0.1' },
        { logger: silentLogger },
      );
      await expect(second.start()).rejects.toThrow(/EADDRINUSE/);
      expect(second.isRunning()).toBe(false);
      await second.shutdown();
      await second.shutdown();
    } finally {
      await first.shutdown();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('waits for a start in progress when shut down during start', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-broker-race-'));
    try {
      const broker = new BrokerController(
        { storePathRootDir: root, listenPort: 0, bindAddress: '127.0.0.1', brokerIP1: '127.0.0.1' },
        { logger: silentLogger },
      );
      const started = broker.start();
      const stopped = broker.shutdown();
      await started;
      await stopped;
      expect(broker.isRunning()).toBe(false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('SQL92 filtering through the pull path (e2e)', () => {
  it('filters by properties when enablePropertyFilter is on, and refuses bad or disabled expressions', async () => {
    const mq = await EmbeddedRocketMQ.start({ brokerConfig: { enablePropertyFilter: true } });
    const client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
    try {
      for (const a of ['1', '2', '3']) {
        const res = await client.invoke(mq.brokerAddr, sendRequest('RnSql', { properties: { a, TAGS: 'T' } }), 3000);
        expect(res.code).toBe(ResponseCode.SUCCESS);
      }
      await mq.broker.messageStore.waitDispatched();
      const sqlPull = (expr: string): RemotingCommand => {
        const req = pullRequest('RnSql', 0, 0, { subscription: expr });
        req.setExtField('expressionType', 'SQL92');
        return req;
      };
      const pulled = await client.invoke(mq.brokerAddr, sqlPull('a > 1'), 3000);
      expect(pulled.code).toBe(ResponseCode.SUCCESS);
      expect(decodeMessageRecords(pulled.body!).map((m) => m.properties.a)).toEqual(['2', '3']);
      const bad = await client.invoke(mq.brokerAddr, sqlPull('a >>> ('), 3000);
      expect(bad.code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
      mq.broker.brokerConfig.enablePropertyFilter = false;
      const off = await client.invoke(mq.brokerAddr, sqlPull('a > 1'), 3000);
      expect(off.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(off.remark).toBe('The broker does not support consumer to filter message by SQL92');
    } finally {
      await client.shutdown();
      await mq.shutdown();
    }
  });
});
