import { readFileSync } from 'fs';
import { join } from 'path';
import { MQClientError, RemotingCommandError } from '../../errors/rocketmq-error';
import { RequestCode } from '../request-code';
import { ResponseCode } from '../response-code';
import * as H from './index';
import { defineHeader, opt, prim, req, type HeaderCodec, type HeaderSpec } from './header-codec';

interface WireHeader {
  version: string;
  file: string;
  index: number;
  code: number;
  name: string;
  kind: string;
  requestCode?: number;
  headerText: string;
}

const frames = JSON.parse(readFileSync(join(__dirname, '__fixtures__/wire-headers.json'), 'utf8')) as WireHeader[];

/** extFields that ride along but belong to no header class (ACL, admin markers, response extras). */
const EXTRA = new Set([
  'AccessKey',
  'Signature',
  'ReqT',
  '_UNIQUE_KEY_QUERY',
  'MSG_REGION',
  'TRACE_ON',
  'IS_SUPPORT_HEART_BEAT_V2',
  'IS_SUB_CHANGE',
]);

const requestCodecs: Record<number, HeaderCodec<HeaderSpec>> = {
  [RequestCode.SEND_MESSAGE_V2]: H.SendMessageRequestHeaderV2,
  [RequestCode.SEND_BATCH_MESSAGE]: H.SendMessageRequestHeaderV2,
  [RequestCode.SEND_REPLY_MESSAGE_V2]: H.SendMessageRequestHeaderV2,
  [RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT]: H.ReplyMessageRequestHeader,
  [RequestCode.PULL_MESSAGE]: H.PullMessageRequestHeader,
  [RequestCode.QUERY_CONSUMER_OFFSET]: H.QueryConsumerOffsetRequestHeader,
  [RequestCode.UPDATE_CONSUMER_OFFSET]: H.UpdateConsumerOffsetRequestHeader,
  [RequestCode.GET_CONSUMER_LIST_BY_GROUP]: H.GetConsumerListByGroupRequestHeader,
  [RequestCode.CONSUMER_SEND_MSG_BACK]: H.ConsumerSendMsgBackRequestHeader,
  [RequestCode.END_TRANSACTION]: H.EndTransactionRequestHeader,
  [RequestCode.CHECK_TRANSACTION_STATE]: H.CheckTransactionStateRequestHeader,
  [RequestCode.NOTIFY_CONSUMER_IDS_CHANGED]: H.NotifyConsumerIdsChangedRequestHeader,
  [RequestCode.UNREGISTER_CLIENT]: H.UnregisterClientRequestHeader,
  [RequestCode.GET_MAX_OFFSET]: H.GetMaxOffsetRequestHeader,
  [RequestCode.GET_MIN_OFFSET]: H.GetMinOffsetRequestHeader,
  [RequestCode.SEARCH_OFFSET_BY_TIMESTAMP]: H.SearchOffsetRequestHeader,
  [RequestCode.QUERY_MESSAGE]: H.QueryMessageRequestHeader,
  [RequestCode.VIEW_MESSAGE_BY_ID]: H.ViewMessageRequestHeader,
  [RequestCode.UPDATE_AND_CREATE_TOPIC]: H.CreateTopicRequestHeader,
  [RequestCode.GET_ROUTEINFO_BY_TOPIC]: H.GetRouteInfoRequestHeader,
  [RequestCode.REGISTER_BROKER]: H.RegisterBrokerRequestHeader,
  [RequestCode.UNREGISTER_BROKER]: H.UnRegisterBrokerRequestHeader,
  [RequestCode.GET_TOPIC_STATS_INFO]: H.GetTopicStatsInfoRequestHeader,
  [RequestCode.GET_CONSUME_STATS]: H.GetConsumeStatsRequestHeader,
  [RequestCode.GET_CONSUMER_CONNECTION_LIST]: H.GetConsumerConnectionListRequestHeader,
  [RequestCode.QUERY_TOPIC_CONSUME_BY_WHO]: H.QueryTopicConsumeByWhoRequestHeader,
  [RequestCode.GET_TOPIC_CONFIG]: H.GetTopicConfigRequestHeader,
  [RequestCode.HEART_BEAT]: H.HeartbeatRequestHeader,
  [RequestCode.LOCK_BATCH_MQ]: H.LockBatchMqRequestHeader,
  [RequestCode.UNLOCK_BATCH_MQ]: H.UnlockBatchMqRequestHeader,
  [RequestCode.POP_MESSAGE]: H.PopMessageRequestHeader,
  [RequestCode.ACK_MESSAGE]: H.AckMessageRequestHeader,
  [RequestCode.CHANGE_MESSAGE_INVISIBLETIME]: H.ChangeInvisibleTimeRequestHeader,
};

const responseCodecs: Record<number, HeaderCodec<HeaderSpec>> = {
  [RequestCode.SEND_MESSAGE_V2]: H.SendMessageResponseHeader,
  [RequestCode.SEND_BATCH_MESSAGE]: H.SendMessageResponseHeader,
  [RequestCode.SEND_REPLY_MESSAGE_V2]: H.SendMessageResponseHeader,
  [RequestCode.PULL_MESSAGE]: H.PullMessageResponseHeader,
  [RequestCode.QUERY_CONSUMER_OFFSET]: H.QueryConsumerOffsetResponseHeader,
  [RequestCode.GET_MAX_OFFSET]: H.GetMaxOffsetResponseHeader,
  [RequestCode.GET_MIN_OFFSET]: H.GetMinOffsetResponseHeader,
  [RequestCode.SEARCH_OFFSET_BY_TIMESTAMP]: H.SearchOffsetResponseHeader,
  [RequestCode.QUERY_MESSAGE]: H.QueryMessageResponseHeader,
  [RequestCode.POP_MESSAGE]: H.PopMessageResponseHeader,
  [RequestCode.CHANGE_MESSAGE_INVISIBLETIME]: H.ChangeInvisibleTimeResponseHeader,
};

function extOf(f: WireHeader): Record<string, string> {
  const parsed = JSON.parse(f.headerText) as { extFields?: Record<string, string> };
  return parsed.extFields ?? {};
}

function withoutExtras(ext: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(ext).filter(([k]) => !EXTRA.has(k)));
}

describe('header codecs against frames captured from Java 4.9.4 and 5.2.0', () => {
  const requests = frames.filter((f) => f.kind !== 'response' && requestCodecs[f.code]);
  const responses = frames.filter(
    (f) => f.kind === 'response' && f.code === ResponseCode.SUCCESS && responseCodecs[f.requestCode ?? -1],
  );

  it('covers the captured request codes', () => {
    const covered = new Set(requests.map((f) => f.code));
    expect(covered.size).toBeGreaterThanOrEqual(30);
    expect(responses.length).toBeGreaterThan(10);
  });

  it.each(requests.map((f) => [`${f.version} ${f.file}#${f.index} ${f.name}`, f] as const))(
    'decodes and re-encodes %s',
    (_label, f) => {
      const codec = requestCodecs[f.code]!;
      const ext = extOf(f);
      const decoded = codec.decode(ext);
      const encoded = codec.encode(decoded);
      const expected = withoutExtras(ext);
      // Every field Java sent comes back identically.
      expect(Object.fromEntries(Object.keys(expected).map((k) => [k, encoded[k]]))).toEqual(expected);
      // Fields Java did not send are only primitive defaults of fields newer than 4.9.4.
      const added = Object.keys(encoded).filter((k) => !(k in expected));
      if (f.version === '5.2.0') expect(added).toEqual([]);
      else for (const k of added) expect(codec.spec[k]!.mode).toBe('prim');
    },
  );

  it.each(responses.map((f) => [`${f.version} ${f.file}#${f.index} ${f.name}`, f] as const))(
    'decodes and re-encodes response %s',
    (_label, f) => {
      const codec = responseCodecs[f.requestCode!]!;
      const ext = extOf(f);
      expect(codec.encode(codec.decode(ext) as never)).toEqual(withoutExtras(ext));
    },
  );

  it('decodes a real SEND_MESSAGE_V2 header to the long form', () => {
    const f = frames.find((x) => x.version === '5.2.0' && x.code === RequestCode.SEND_MESSAGE_V2)!;
    const v1 = H.SendMessageRequestHeaderV2.toV1(H.SendMessageRequestHeaderV2.decode(extOf(f)));
    expect(v1).toMatchObject({
      producerGroup: expect.any(String),
      topic: expect.any(String),
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      sysFlag: 0,
      flag: 0,
      reconsumeTimes: 0,
      unitMode: false,
      batch: false,
      bname: 'broker-a',
    });
    expect(typeof v1.bornTimestamp).toBe('number');
    expect(H.SendMessageRequestHeaderV2.encode(H.SendMessageRequestHeaderV2.fromV1(v1))).toEqual(
      withoutExtras(extOf(f)),
    );
  });

  it('reads QUERY_MESSAGE endTimestamp Long.MAX_VALUE and writes it back exactly', () => {
    const f = frames.find((x) => x.code === RequestCode.QUERY_MESSAGE)!;
    const h = H.QueryMessageRequestHeader.decode(extOf(f));
    expect(h.endTimestamp).toBe(2 ** 63);
    expect(H.QueryMessageRequestHeader.encode(h).endTimestamp).toBe('9223372036854775807');
  });
});

describe('defineHeader', () => {
  const Demo = defineHeader(
    {
      topic: req.string,
      queueId: req.int,
      offset: req.long,
      flagOpt: opt.boolean,
      sysFlag: opt.int,
      ratio: opt.double,
      unitMode: prim.boolean(false),
      count: prim.int(-1),
    },
    'DemoHeader',
  );

  it('encodes non-null fields as strings and always sends primitives', () => {
    expect(Demo.encode({ topic: 'T', queueId: 3, offset: 1700000000000, ratio: 1 })).toEqual({
      topic: 'T',
      queueId: '3',
      offset: '1700000000000',
      ratio: '1.0',
      unitMode: 'false',
      count: '-1',
    });
    expect(Demo.encode({ topic: 'T', queueId: 0, offset: 0, flagOpt: true, unitMode: true })).toMatchObject({
      flagOpt: 'true',
      unitMode: 'true',
    });
  });

  it('rejects encoding without a required field', () => {
    expect(() => Demo.encode({ topic: 'T', queueId: 1 } as never)).toThrow(MQClientError);
  });

  it('throws "the custom field <name> is null" for a missing required field', () => {
    expect(() => Demo.decode({ topic: 'T', offset: '1' })).toThrow(
      new RemotingCommandError('the custom field queueId is null'),
    );
    expect(() => Demo.decode(undefined)).toThrow(RemotingCommandError);
  });

  it('rejects an unparsable required number', () => {
    expect(() => Demo.decode({ topic: 'T', queueId: 'x', offset: '1' })).toThrow(/queueId .*not a valid int/);
    expect(() => Demo.decode({ topic: 'T', queueId: '2147483648', offset: '1' })).toThrow(RemotingCommandError);
    expect(() => Demo.decode({ topic: 'T', queueId: '1', offset: '9223372036854775808' })).toThrow(
      RemotingCommandError,
    );
    expect(() => Demo.decode({ topic: 'T', queueId: '1', offset: '1.5' })).toThrow(RemotingCommandError);
  });

  it('leaves unparsable optional fields undefined and primitives at their default', () => {
    const h = Demo.decode({ topic: 'T', queueId: '+7', offset: '-5', sysFlag: 'abc', ratio: 'zz', count: 'nope' });
    expect(h).toEqual({ topic: 'T', queueId: 7, offset: -5, unitMode: false, count: -1 });
    expect(h.sysFlag).toBeUndefined();
  });

  it('parses booleans like Boolean.parseBoolean and tolerates non-string values', () => {
    expect(Demo.decode({ topic: 'T', queueId: 1, offset: 2, flagOpt: 'TRUE', unitMode: 'yes' })).toMatchObject({
      queueId: 1,
      offset: 2,
      flagOpt: true,
      unitMode: false,
    });
    expect(Demo.decode({ topic: 'T', queueId: '1', offset: '2', flagOpt: 'false', ratio: '2.5' })).toMatchObject({
      flagOpt: false,
      ratio: 2.5,
    });
  });

  it('ignores unknown extFields and does not read inherited properties', () => {
    const ext = Object.create({ topic: 'inherited' }) as Record<string, string>;
    ext.queueId = '1';
    ext.offset = '2';
    ext.AccessKey = 'ak';
    expect(() => Demo.decode(ext)).toThrow('the custom field topic is null');
  });
});

describe('HeartbeatResponseHeader', () => {
  it('reads the 5.x heartbeat response flags', () => {
    const f = frames.find(
      (x) => x.kind === 'response' && x.requestCode === RequestCode.HEART_BEAT && x.version === '5.2.0',
    )!;
    expect(H.HeartbeatResponseHeader.decode(extOf(f))).toEqual({ IS_SUPPORT_HEART_BEAT_V2: true, IS_SUB_CHANGE: true });
    expect(H.HeartbeatResponseHeader.decode({})).toEqual({});
  });
});

describe('PullSysFlag', () => {
  it('builds and tests the Java bits', () => {
    expect(H.PullSysFlag).toEqual({
      FLAG_COMMIT_OFFSET: 1,
      FLAG_SUSPEND: 2,
      FLAG_SUBSCRIPTION: 4,
      FLAG_CLASS_FILTER: 8,
      FLAG_LITE_PULL_MESSAGE: 16,
    });
    const f = H.buildPullSysFlag(true, true, false, false);
    expect(f).toBe(3);
    expect(H.hasCommitOffsetFlag(f) && H.hasSuspendFlag(f)).toBe(true);
    expect(H.hasSubscriptionFlag(f) || H.hasClassFilterFlag(f) || H.hasLitePullFlag(f)).toBe(false);
    expect(H.clearCommitOffsetFlag(f)).toBe(2);
    expect(H.buildPullSysFlag(false, false, true, true, true)).toBe(28);
  });
});

describe('SendMessageRequestHeaderV2 conversions', () => {
  it('round-trips the long form through the short keys', () => {
    const v1: H.SendMessageRequestHeader = {
      producerGroup: 'PG',
      topic: 'T',
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId: 2,
      sysFlag: 0,
      bornTimestamp: 1700000000000,
      flag: 0,
      properties: 'TAGS\u0001A\u0002',
      reconsumeTimes: 1,
      unitMode: false,
      batch: true,
      maxReconsumeTimes: 16,
      bname: 'broker-a',
    };
    const wire = H.SendMessageRequestHeaderV2.encode(H.SendMessageRequestHeaderV2.fromV1(v1));
    expect(wire).toEqual({
      a: 'PG',
      b: 'T',
      c: 'TBW102',
      d: '4',
      e: '2',
      f: '0',
      g: '1700000000000',
      h: '0',
      i: 'TAGS\u0001A\u0002',
      j: '1',
      k: 'false',
      l: '16',
      m: 'true',
      n: 'broker-a',
    });
    expect(H.SendMessageRequestHeaderV2.toV1(H.SendMessageRequestHeaderV2.decode(wire))).toEqual(v1);
    expect(H.SendMessageRequestHeader.decode(H.SendMessageRequestHeader.encode(v1))).toEqual(v1);
  });
});
