import { readFileSync } from 'fs';
import { join } from 'path';
import * as zlib from 'zlib';
import { RemotingCommandError } from '../../errors/rocketmq-error';
import * as B from './index';

interface WireBody {
  version: string;
  file: string;
  index: number;
  code: number;
  name: string;
  headerText: string;
  bodyText: string;
}

const fixtures = join(__dirname, '__fixtures__');
const wire = JSON.parse(readFileSync(join(fixtures, 'wire-bodies.json'), 'utf8')) as WireBody[];

type Codec = {
  decode: (body: Buffer) => unknown;
  encode: (value: never, style: 'standard' | 'fastjson') => Buffer;
};

const route: Codec = {
  decode: (b) => B.decodeTopicRouteData(b),
  encode: (v, style) => B.encodeTopicRouteData(v, { style }),
};

/** Codec per captured body kind (request code name, or `<request>/response/<code>`). */
const codecs: Record<string, Codec> = {
  'GET_ROUTEINFO_BY_TOPIC/response/SUCCESS': route,
  REGISTER_BROKER: {
    decode: (b) => B.decodeRegisterBrokerBody(b, false),
    encode: (v) => B.encodeRegisterBrokerBody(v),
  },
  'GET_BROKER_CLUSTER_INFO/response/SUCCESS': {
    decode: (b) => B.decodeClusterInfo(b),
    encode: (v, style) => B.encodeClusterInfo(v, { style }),
  },
  'GET_BROKER_RUNTIME_INFO/response/SUCCESS': { decode: (b) => B.decodeKVTable(b), encode: (v) => B.encodeKVTable(v) },
  'GET_ALL_TOPIC_LIST_FROM_NAMESERVER/response/SUCCESS': {
    decode: (b) => B.decodeTopicList(b),
    encode: (v) => B.encodeTopicList(v),
  },
  'GET_TOPIC_STATS_INFO/response/SUCCESS': {
    decode: (b) => B.decodeTopicStatsTable(b),
    encode: (v, style) => B.encodeTopicStatsTable(v, { style }),
  },
  'GET_CONSUME_STATS/response/SUCCESS': {
    decode: (b) => B.decodeConsumeStats(b),
    encode: (v, style) => B.encodeConsumeStats(v, { style }),
  },
  'GET_CONSUMER_CONNECTION_LIST/response/SUCCESS': {
    decode: (b) => B.decodeConsumerConnection(b),
    encode: (v) => B.encodeConsumerConnection(v),
  },
  'QUERY_TOPIC_CONSUME_BY_WHO/response/SUCCESS': {
    decode: (b) => B.decodeGroupList(b),
    encode: (v) => B.encodeGroupList(v),
  },
  HEART_BEAT: { decode: (b) => B.decodeHeartbeatData(b), encode: (v) => B.encodeHeartbeatData(v) },
  'GET_CONSUMER_LIST_BY_GROUP/response/SUCCESS': {
    decode: (b) => B.decodeConsumerIdList(b),
    encode: (v) => B.encodeConsumerIdList(v),
  },
  LOCK_BATCH_MQ: {
    decode: (b) => B.decodeLockBatchRequestBody(b),
    encode: (v) => B.encodeLockBatchRequestBody(v),
  },
  'LOCK_BATCH_MQ/response/SUCCESS': {
    decode: (b) => B.decodeLockBatchResponseBody(b),
    encode: (v) => B.encodeLockBatchResponseBody(v),
  },
  UNLOCK_BATCH_MQ: {
    decode: (b) => B.decodeUnlockBatchRequestBody(b),
    encode: (v) => B.encodeUnlockBatchRequestBody(v),
  },
  SET_MESSAGE_REQUEST_MODE: {
    decode: (b) => B.decodeSetMessageRequestModeRequestBody(b),
    encode: (v) => B.encodeSetMessageRequestModeRequestBody(v),
  },
  QUERY_ASSIGNMENT: {
    decode: (b) => B.decodeQueryAssignmentRequestBody(b),
    encode: (v) => B.encodeQueryAssignmentRequestBody(v),
  },
  'QUERY_ASSIGNMENT/response/SUCCESS': {
    decode: (b) => B.decodeQueryAssignmentResponseBody(b),
    encode: (v) => B.encodeQueryAssignmentResponseBody(v),
  },
  'GET_TOPIC_CONFIG/response/SUCCESS': {
    decode: (b) => B.decodeTopicConfig(b),
    encode: (v) => B.encodeTopicConfig(v),
  },
};

/** Bodies with bare integer keys or raw object keys were written in fastjson's default style. */
function javaStyle(text: string): 'standard' | 'fastjson' {
  return /[{,]-?\d+:|[{,]\{/.test(text) ? 'fastjson' : 'standard';
}

const golden = wire.filter((w) => codecs[w.name]);

describe('JSON bodies captured from Java 4.9.4 and 5.2.0', () => {
  it('has a codec for every captured JSON body kind', () => {
    const missing = [...new Set(wire.map((w) => w.name))].filter((n) => !codecs[n]);
    expect(missing).toEqual([]);
  });

  it.each(golden.map((w) => [`${w.version} ${w.file}#${w.index} ${w.name}`, w] as const))(
    're-encodes %s byte for byte',
    (_label, w) => {
      const codec = codecs[w.name]!;
      const decoded = codec.decode(Buffer.from(w.bodyText, 'utf8'));
      const style = javaStyle(w.bodyText);
      expect(codec.encode(decoded as never, style).toString('utf8')).toBe(w.bodyText);
      // And the standard (valid JSON) form decodes to the same value.
      const std = codec.encode(decoded as never, 'standard');
      expect(() => JSON.parse(std.toString('utf8')) as unknown).not.toThrow();
      expect(codec.decode(std)).toEqual(decoded);
    },
  );

  it('decodes route data in both name-server formats to the same value', () => {
    const old = wire.find((w) => w.file === 'route-json-format.json' && w.bodyText.includes('{0:'))!;
    const std = wire.find((w) => w.file === 'route-json-format.json' && w.bodyText.includes('{"0":'))!;
    const a = B.decodeTopicRouteData(Buffer.from(old.bodyText));
    const b = B.decodeTopicRouteData(Buffer.from(std.bodyText));
    expect(a).toEqual(b);
    expect(a.brokerDatas[0]!.brokerAddrs).toEqual({ '0': expect.stringMatching(/^127\.0\.0\.1:109[13]1$/) });
    expect(B.masterAddr(a.brokerDatas[0]!)).toBe(a.brokerDatas[0]!.brokerAddrs['0']);
    expect(a.queueDatas[0]).toMatchObject({ brokerName: 'broker-a', perm: expect.any(Number) });
  });

  it('matches the bodyCrc32 Java put in every captured REGISTER_BROKER header', () => {
    const regs = wire.filter((w) => w.name === 'REGISTER_BROKER');
    expect(regs.length).toBeGreaterThanOrEqual(10);
    for (const r of regs) {
      const ext = (JSON.parse(r.headerText) as { extFields: Record<string, string> }).extFields;
      expect(B.registerBrokerBodyCrc32(Buffer.from(r.bodyText, 'utf8'))).toBe(Number(ext.bodyCrc32));
    }
  });

  it('reads MessageQueue-keyed stats with object keys', () => {
    const w = wire.find((x) => x.version === '5.2.0' && x.name === 'GET_CONSUME_STATS/response/SUCCESS')!;
    const stats = B.decodeConsumeStats(Buffer.from(w.bodyText));
    expect(stats.consumeTps).toBe(0);
    const q = B.getByMessageQueue(stats.offsetTable, { topic: 'FxPushTopic', brokerName: 'broker-a', queueId: 1 });
    expect(q).toEqual({ brokerOffset: 3, consumerOffset: 3, lastTimestamp: expect.any(Number), pullOffset: 3 });
    expect(B.consumeStatsTotalDiff(stats)).toBe(0);
  });
});

describe('broker config files written by Java 4.9.4', () => {
  const read = (f: string) => readFileSync(join(fixtures, f), 'utf8');

  it('re-encodes topics.json byte for byte', () => {
    const text = read('topics.json');
    const w = B.decodeTopicConfigWrapper(text);
    expect(w.topicConfigTable.TBW102).toMatchObject({ perm: 7, readQueueNums: 8, writeQueueNums: 8 });
    expect(B.encodeTopicConfigWrapper(w, { pretty: true }).toString('utf8')).toBe(text);
  });

  it('re-encodes subscriptionGroup.json byte for byte', () => {
    const text = read('subscriptionGroup.json');
    const w = B.decodeSubscriptionGroupWrapper(text);
    expect(w.subscriptionGroupTable.fx_store_group).toEqual(B.createSubscriptionGroupConfig('fx_store_group'));
    expect(B.encodeSubscriptionGroupWrapper(w, { pretty: true }).toString('utf8')).toBe(text);
  });

  it('re-encodes delayOffset.json byte for byte', () => {
    const text = read('delayOffset.json');
    const w = B.decodeDelayOffsetWrapper(text);
    expect(w.offsetTable).toEqual({ 1: 1 });
    expect(B.encodeDelayOffsetWrapper(w, { pretty: true }).toString('utf8')).toBe(text);
    expect(B.encodeDelayOffsetWrapper({ offsetTable: { 1: 120, 3: 47 } }).toString()).toBe(
      '{"offsetTable":{1:120,3:47}}',
    );
  });

  it('re-encodes consumerOffset.json byte for byte', () => {
    const text = read('consumerOffset.json');
    const w = B.decodeConsumerOffsetWrapper(text);
    expect(w.offsetTable[B.consumerOffsetKey('FxStoreA', 'fx_store_group')]).toEqual({ 0: 171, 1: 11, 2: 10, 3: 10 });
    expect(B.encodeConsumerOffsetWrapper(w, { pretty: true }).toString('utf8')).toBe(text);
    expect(B.decodeConsumerOffsetWrapper(B.encodeConsumerOffsetWrapper(w, { style: 'standard' }))).toEqual(w);
  });
});

describe('REGISTER_BROKER compressed form', () => {
  const body: B.RegisterBrokerBody = {
    filterServerList: [],
    topicConfigSerializeWrapper: {
      dataVersion: { counter: 3, stateVersion: 0, timestamp: 1700000000000 },
      topicConfigTable: {
        TopicTest: B.createTopicConfig('TopicTest', { readQueueNums: 4, writeQueueNums: 4, attributes: {} }),
        'Topic-é': B.createTopicConfig('Topic-é', { perm: 7, attributes: { 'message.type': 'FIFO' } }),
      },
    },
  };

  it('round-trips through the zlib layout', () => {
    const bytes = B.encodeRegisterBrokerBody(body, { compressed: true });
    expect(bytes[0]).toBe(0x78); // zlib header
    const back = B.decodeRegisterBrokerBody(bytes, true);
    expect(back.topicConfigSerializeWrapper.dataVersion).toEqual(body.topicConfigSerializeWrapper.dataVersion);
    expect(back.topicConfigSerializeWrapper.topicConfigTable).toEqual(
      body.topicConfigSerializeWrapper.topicConfigTable,
    );
    expect(back.topicConfigSerializeWrapper.topicQueueMappingInfoMap).toEqual({});
    expect(back.filterServerList).toEqual([]);
  });

  it('writes the Java block layout', () => {
    const raw = zlib.inflateSync(B.encodeRegisterBrokerBody(body, { compressed: true }));
    const dvLen = raw.readInt32BE(0);
    expect(raw.toString('utf8', 4, 4 + dvLen)).toBe('{"counter":3,"stateVersion":0,"timestamp":1700000000000}');
    expect(raw.readInt32BE(4 + dvLen)).toBe(2);
    const tcLen = raw.readInt32BE(8 + dvLen);
    expect(raw.toString('utf8', 12 + dvLen, 12 + dvLen + tcLen)).toBe('TopicTest 4 4 6 SINGLE_TAG {}');
  });

  it('decodes a 4.9-style stream without the mapping section and an empty body', () => {
    const dv = Buffer.from('{"counter":1,"timestamp":5}');
    const tc = Buffer.from('T 8 8 6 SINGLE_TAG ');
    const fs = Buffer.from('[]');
    const int = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(n);
      return b;
    };
    const raw = Buffer.concat([int(dv.length), dv, int(1), int(tc.length), tc, int(fs.length), fs]);
    const back = B.decodeRegisterBrokerBody(zlib.deflateSync(raw), true);
    expect(back.topicConfigSerializeWrapper.topicConfigTable.T).toEqual(
      B.createTopicConfig('T', { readQueueNums: 8, writeQueueNums: 8 }),
    );
    expect(back.topicConfigSerializeWrapper.topicQueueMappingInfoMap).toBeUndefined();
    expect(B.decodeRegisterBrokerBody(Buffer.alloc(0), false).topicConfigSerializeWrapper.topicConfigTable).toEqual({});
  });

  it('rejects garbage, truncated and oversized compressed bodies with RemotingCommandError', () => {
    expect(() => B.decodeRegisterBrokerBody(Buffer.from('not zlib'), true)).toThrow(RemotingCommandError);
    const full = zlib.inflateSync(B.encodeRegisterBrokerBody(body, { compressed: true }));
    for (const cut of [2, 10, 40, full.length - 6]) {
      expect(() => B.decodeRegisterBrokerBody(zlib.deflateSync(full.subarray(0, cut)), true)).toThrow(
        RemotingCommandError,
      );
    }
    const bomb = zlib.deflateSync(Buffer.alloc(2 * 1024 * 1024));
    expect(() => B.decodeRegisterBrokerBody(bomb, true, { maxInflatedBytes: 1024 * 1024 })).toThrow(
      RemotingCommandError,
    );
    const negative = Buffer.alloc(4);
    negative.writeInt32BE(-1);
    expect(() => B.decodeRegisterBrokerBody(zlib.deflateSync(negative), true)).toThrow(/negative/);
  });

  it('computes CRC-32 like zlib', () => {
    expect(B.crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(B.registerBrokerBodyCrc32(Buffer.from('123456789'))).toBe(0xcbf43926 & 0x7fffffff);
    expect(B.crc32(Buffer.alloc(0))).toBe(0);
  });
});

describe('round trips', () => {
  const mq = (queueId: number, topic = 'T') => ({ topic, brokerName: 'broker-a', queueId });

  it('ResetOffsetBody in both styles', () => {
    const body: B.ResetOffsetBody = {
      offsetTable: new Map([
        [mq(0), 5],
        [mq(1, 'Tö'), 9007199254740991],
      ]),
    };
    const std = B.encodeResetOffsetBody(body).toString('utf8');
    expect(std).toBe(
      '{"offsetTable":{"{\\"brokerName\\":\\"broker-a\\",\\"queueId\\":0,\\"topic\\":\\"T\\"}":5,' +
        '"{\\"brokerName\\":\\"broker-a\\",\\"queueId\\":1,\\"topic\\":\\"Tö\\"}":9007199254740991}}',
    );
    expect(B.decodeResetOffsetBody(std)).toEqual(body);
    const fj = B.encodeResetOffsetBody(body, { style: 'fastjson' }).toString('utf8');
    expect(fj).toBe(
      '{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:5,' +
        '{"brokerName":"broker-a","queueId":1,"topic":"Tö"}:9007199254740991}}',
    );
    expect(B.decodeResetOffsetBody(fj)).toEqual(body);
  });

  it('ConsumeStats writes consumeTps as a Java double', () => {
    const stats: B.ConsumeStats = {
      consumeTps: 1.5,
      offsetTable: new Map([[mq(0), { brokerOffset: 10, consumerOffset: 7, lastTimestamp: 1, pullOffset: 8 }]]),
    };
    expect(B.encodeConsumeStats(stats, { style: 'fastjson' }).toString()).toBe(
      '{"consumeTps":1.5,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:' +
        '{"brokerOffset":10,"consumerOffset":7,"lastTimestamp":1,"pullOffset":8}}}',
    );
    expect(B.decodeConsumeStats(B.encodeConsumeStats(stats))).toEqual(stats);
    expect(B.consumeStatsTotalDiff(stats)).toBe(3);
  });

  it('HeartbeatData with unicode tags and 5.x fields', () => {
    const hb: B.HeartbeatData = {
      clientID: '10.0.0.1@123#456',
      producerDataSet: [{ groupName: 'PG' }],
      consumerDataSet: [
        {
          groupName: 'CG',
          consumeType: B.ConsumeType.CONSUME_PASSIVELY,
          messageModel: B.MessageModel.CLUSTERING,
          consumeFromWhere: B.ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET,
          unitMode: false,
          subscriptionDataSet: [
            {
              topic: 'T',
              subString: 'TagA || 标签',
              tagsSet: ['TagA', '标签'],
              codeSet: [2598919, 855384],
              subVersion: 1700000000000,
              expressionType: B.ExpressionType.TAG,
              classFilterMode: false,
            },
          ],
        },
      ],
      heartbeatFingerprint: 0,
      withoutSub: false,
    };
    const text = B.encodeHeartbeatData(hb).toString('utf8');
    expect(text.startsWith('{"clientID":"10.0.0.1@123#456","consumerDataSet":[{"consumeFromWhere":')).toBe(true);
    expect(B.decodeHeartbeatData(text)).toEqual(hb);
  });

  it('ClusterInfo, KVTable, TopicList, GroupList, lock bodies, connections, time spans, running info', () => {
    const cluster: B.ClusterInfo = {
      brokerAddrTable: {
        'broker-a': {
          cluster: 'C',
          brokerName: 'broker-a',
          brokerAddrs: { '0': '1.1.1.1:10911', '1': '1.1.1.2:10911' },
        },
      },
      clusterAddrTable: { C: ['broker-a'] },
    };
    expect(B.encodeClusterInfo(cluster).toString()).toContain('"brokerAddrs":{0:"1.1.1.1:10911",1:"1.1.1.2:10911"}');
    expect(B.encodeClusterInfo(cluster, { style: 'standard' }).toString()).toContain('"brokerAddrs":{"0":');
    expect(B.decodeClusterInfo(B.encodeClusterInfo(cluster))).toEqual(cluster);

    const kv = { table: { b: '1', a: '2', __proto__x: 'y' } };
    expect(B.encodeKVTable(kv).toString()).toBe('{"table":{"b":"1","a":"2","__proto__x":"y"}}');
    expect(B.decodeKVTable(B.encodeKVTable(kv))).toEqual(kv);
    expect(B.decodeKVTable('{}')).toEqual({ table: {} });

    expect(B.decodeTopicList(B.encodeTopicList({ topicList: ['A'], brokerAddr: 'x:1' }))).toEqual({
      topicList: ['A'],
      brokerAddr: 'x:1',
    });
    expect(B.decodeGroupList(B.encodeGroupList({ groupList: [] }))).toEqual({ groupList: [] });

    const lock: B.LockBatchRequestBody = {
      consumerGroup: 'G',
      clientId: 'c',
      mqSet: [mq(0), mq(1)],
      onlyThisBroker: true,
    };
    expect(B.decodeLockBatchRequestBody(B.encodeLockBatchRequestBody(lock))).toEqual(lock);
    expect(B.decodeLockBatchResponseBody(B.encodeLockBatchResponseBody({ lockOKMQSet: [mq(2)] }))).toEqual({
      lockOKMQSet: [mq(2)],
    });

    const pc: B.ProducerConnection = {
      connectionSet: [{ clientId: 'c', clientAddr: '1.1.1.1:1', language: 'JAVA', version: 453 }],
    };
    expect(B.decodeProducerConnection(B.encodeProducerConnection(pc))).toEqual(pc);

    const span: B.QueryConsumeTimeSpanBody = {
      consumeTimeSpanSet: [
        { messageQueue: mq(0), minTimeStamp: 1, maxTimeStamp: 2, consumeTimeStamp: 3, delayTime: 4 },
      ],
    };
    expect(B.decodeQueryConsumeTimeSpanBody(B.encodeQueryConsumeTimeSpanBody(span))).toEqual(span);

    const info: B.ConsumerRunningInfo = {
      properties: { PROP_CONSUME_TYPE: 'CONSUME_PASSIVELY' },
      subscriptionSet: [],
      mqTable: new Map([[mq(0), { cachedMsgCount: 0, locked: false }]]),
      statusTable: { T: { pullRT: 1.5 } },
      jstack: 'trace',
    };
    expect(B.decodeConsumerRunningInfo(B.encodeConsumerRunningInfo(info))).toEqual(info);
  });

  it('DataVersion helpers', () => {
    const dv = B.newDataVersion(100);
    expect(B.decodeDataVersion(B.encodeDataVersion(dv))).toEqual(dv);
    const next = B.nextDataVersion(dv, 200);
    expect(next).toEqual({ timestamp: 200, counter: 1, stateVersion: 0 });
    expect(B.dataVersionEquals(dv, next)).toBe(false);
    expect(B.dataVersionEquals({ timestamp: 1, counter: 2 }, { timestamp: 1, counter: 2, stateVersion: 0 })).toBe(true);
  });

  it('PermName helpers', () => {
    expect(B.PermName).toEqual({ PERM_PRIORITY: 8, PERM_READ: 4, PERM_WRITE: 2, PERM_INHERIT: 1 });
    expect([B.isReadable(6), B.isWriteable(6), B.isInherited(6), B.isPriority(6)]).toEqual([true, true, false, false]);
    expect(B.perm2String(6)).toBe('RW-');
    expect(B.perm2String(7)).toBe('RWX');
    expect(B.perm2String(4)).toBe('R--');
    expect(B.perm2String(0)).toBe('---');
    expect(B.isValidPerm(7) && !B.isValidPerm(8) && !B.isValidPerm(-1)).toBe(true);
  });

  it('SubscriptionGroupConfig defaults (4.9 and 5.x)', () => {
    const c = B.createSubscriptionGroupConfig('G');
    expect(c).toEqual({
      groupName: 'G',
      consumeEnable: true,
      consumeFromMinEnable: true,
      consumeBroadcastEnable: true,
      retryQueueNums: 1,
      retryMaxTimes: 16,
      brokerId: 0,
      whichBrokerWhenConsumeSlowly: 1,
      notifyConsumerIdsChangedEnable: true,
    });
    const c5 = B.createSubscriptionGroupConfig('G', { retryMaxTimes: 3 }, { javaVersion: 5 });
    expect(c5).toMatchObject({ retryMaxTimes: 3, consumeTimeoutMinute: 15, groupRetryPolicy: { type: 'CUSTOMIZED' } });
    expect(B.decodeSubscriptionGroupConfig(B.encodeSubscriptionGroupConfig(c5))).toEqual(c5);
    expect(B.decodeSubscriptionGroupConfig('{"groupName":"G"}')).toEqual(c);
  });

  it('compact TopicConfig text form', () => {
    expect(B.topicConfigToText(B.createTopicConfig('T'))).toBe('T 16 16 6 SINGLE_TAG ');
    expect(B.topicConfigFromText('T 1 2 7 MULTI_TAG {"a":"b"}')).toEqual(
      B.createTopicConfig('T', {
        readQueueNums: 1,
        writeQueueNums: 2,
        perm: 7,
        topicFilterType: 'MULTI_TAG',
        attributes: { a: 'b' },
      }),
    );
    expect(() => B.topicConfigFromText('T 1 2')).toThrow(RemotingCommandError);
    expect(() => B.topicConfigFromText('T x 2 6 SINGLE_TAG')).toThrow(RemotingCommandError);
  });
});

describe('hostile bodies', () => {
  const decoders: Array<[string, (b: Buffer) => unknown]> = [
    ['route', (b) => B.decodeTopicRouteData(b)],
    ['cluster', (b) => B.decodeClusterInfo(b)],
    ['register', (b) => B.decodeRegisterBrokerBody(b, false)],
    ['heartbeat', (b) => B.decodeHeartbeatData(b)],
    ['consumeStats', (b) => B.decodeConsumeStats(b)],
    ['topicStats', (b) => B.decodeTopicStatsTable(b)],
    ['reset', (b) => B.decodeResetOffsetBody(b)],
    ['lock', (b) => B.decodeLockBatchRequestBody(b)],
    ['connection', (b) => B.decodeConsumerConnection(b)],
    ['offsets', (b) => B.decodeConsumerOffsetWrapper(b)],
    ['groups', (b) => B.decodeSubscriptionGroupWrapper(b)],
    ['kv', (b) => B.decodeKVTable(b)],
    ['runningInfo', (b) => B.decodeConsumerRunningInfo(b)],
  ];
  const bad = [
    '',
    '[]',
    '"x"',
    '{"queueDatas":{}}',
    '{"brokerDatas":[1]}',
    '{"brokerAddrTable":[]}',
    '{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":"x"}}}',
    '{"consumerDataSet":[{"subscriptionDataSet":[{"codeSet":["a"]}]}]}',
    '{"offsetTable":{"not a queue":1}}',
    '{"offsetTable":{{"brokerName":"b"}:"x"}}',
    '{"mqSet":[[]]}',
    '{"connectionSet":[null]}',
    '{"offsetTable":{"k":[1]}}',
    '{"subscriptionGroupTable":{"G":1}}',
    '{"table":{"a":{}}}',
    '{"statusTable":{"T":3}}',
    '{"a":',
    '{{{{{{',
  ];

  it.each(decoders)('%s decoder throws only RemotingCommandError', (_name, decode) => {
    let rejected = 0;
    for (const text of bad) {
      try {
        decode(Buffer.from(text));
      } catch (e) {
        expect(e).toBeInstanceOf(RemotingCommandError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThanOrEqual(4);
  });

  it('rejects truncated real bodies with RemotingCommandError', () => {
    for (const w of golden.slice(0, 20)) {
      const codec = codecs[w.name]!;
      const bytes = Buffer.from(w.bodyText, 'utf8');
      for (const cut of [1, Math.floor(bytes.length / 2), bytes.length - 1]) {
        expect(() => codec.decode(bytes.subarray(0, cut))).toThrow(RemotingCommandError);
      }
    }
  });

  it('exposes generic body helpers through the barrel', () => {
    expect(B.parseJsonBody(Buffer.from('{0:1}'), 'test')).toEqual({ '0': 1 });
    expect(() => B.parseJsonBody(Buffer.alloc(0), 'Thing')).toThrow(/Empty body where Thing/);
    expect(() => B.parseJsonBody('{', 'Thing')).toThrow(/Malformed Thing body/);
    expect(B.encodeJsonBody({ b: 1, a: null }).toString()).toBe('{"b":1}');
    const mq = { topic: 'T', brokerName: 'b', queueId: 1 };
    expect(B.messageQueueFromJson(B.messageQueueToJson(mq), 'mq')).toEqual(mq);
  });

  it('does not let a __proto__ key reach a prototype', () => {
    const t = B.decodeKVTable('{"table":{"__proto__":"x"}}');
    expect(Object.getPrototypeOf(t.table)).toBe(Object.prototype);
    expect(Object.keys(t.table)).toEqual(['__proto__']);
    const w = B.decodeTopicConfigWrapper('{"topicConfigTable":{"__proto__":{"topicName":"__proto__"}}}');
    expect(Object.keys(w.topicConfigTable)).toEqual(['__proto__']);
  });
});
