import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Message, RequestCode, ResponseCode } from '@rocketnest/common';
import { RemotingCommand, type RemotingClient } from '@rocketnest/remoting';
import { DefaultMQProducer } from '../producer/default-mq-producer';
import { MQClientAPI } from './mq-client-api';
import type { MQClientInstance } from './mq-client-instance';
import { pullMessage } from './pull-api';

interface JavaRequest {
  version: string;
  code: number;
  flag: number;
  extKeys: string[];
  bodyKeys: string[] | null;
}
const java = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'java-client-requests.json'), 'utf8')) as Record<
  string,
  JavaRequest
>;

/** Records what the client writes; answers every request with SUCCESS. Test double of the remoting client. */
class RecordingRemoting {
  readonly sent: RemotingCommand[] = [];
  invoke(_addr: string, req: RemotingCommand): Promise<RemotingCommand> {
    this.sent.push(req);
    const res = RemotingCommand.createResponse(ResponseCode.SUCCESS, undefined, {
      offset: 0,
      msgId: '7F00000100002A9F0000000000000000',
      queueId: 0,
      queueOffset: 0,
      MSG_REGION: 'DefaultRegion',
      TRACE_ON: 'true',
      nextBeginOffset: 0,
      minOffset: 0,
      maxOffset: 0,
    });
    if (req.code === RequestCode.LOCK_BATCH_MQ) res.body = Buffer.from('{"lockOKMQSet":[]}');
    if (req.code === RequestCode.GET_CONSUMER_LIST_BY_GROUP) res.body = Buffer.from('{"consumerIdList":[]}');
    if (req.code === RequestCode.PULL_MESSAGE) res.code = ResponseCode.PULL_NOT_FOUND;
    return Promise.resolve(res);
  }
  invokeOneway(_addr: string, req: RemotingCommand): Promise<void> {
    req.markOneway();
    this.sent.push(req);
    return Promise.resolve();
  }
}

const mq = { topic: 'FxTopic', brokerName: 'broker-a', queueId: 0 };

async function capture(): Promise<Map<number, RemotingCommand>> {
  const remoting = new RecordingRemoting();
  const api = new MQClientAPI(remoting as unknown as RemotingClient, ['127.0.0.1:9876'], 1000);
  const addr = '127.0.0.1:10911';
  await api.getTopicRouteInfo('FxTopic').catch(() => undefined);
  await api.sendHeartbeat(addr, {
    clientID: 'c',
    consumerDataSet: [],
    heartbeatFingerprint: 0,
    producerDataSet: [],
    withoutSub: false,
  });
  await api.getConsumerIdListByGroup(addr, 'g');
  await api.queryConsumerOffset(addr, 'g', mq);
  await api.updateConsumerOffset(addr, 'g', mq, 5, true);
  await api.getMaxOffset(addr, mq);
  await api.lockBatchMQ(addr, 'g', 'c', [mq]);
  await api.unlockBatchMQ(addr, 'g', 'c', [mq], false);
  await api.unregisterClient(addr, 'c', { consumerGroup: 'g' });
  await api.consumerSendMessageBack(addr, {
    offset: 1,
    group: 'g',
    delayLevel: 0,
    originMsgId: 'id',
    originTopic: 'FxTopic',
    maxReconsumeTimes: 16,
  });
  await api.endTransactionOneway(
    addr,
    {
      producerGroup: 'pg',
      tranStateTableOffset: 0,
      commitLogOffset: 1,
      commitOrRollback: 8,
      fromTransactionCheck: false,
      msgId: 'id',
      transactionId: 'id',
      bname: 'broker-a',
    },
    undefined,
  );
  const client = {
    api,
    remoting,
    findBrokerAddressInSubscribe: () => addr,
    findBrokerAddressInPublish: () => addr,
    updateTopicRouteInfo: () => Promise.resolve(true),
  } as unknown as MQClientInstance;
  await pullMessage(client, {
    group: 'g',
    mq,
    subscription: {
      topic: 'FxTopic',
      subString: '*',
      tagsSet: [],
      codeSet: [],
      subVersion: 1,
      expressionType: 'TAG',
      classFilterMode: false,
    },
    offset: 0,
    maxNums: 32,
    suspendTimeoutMs: 15000,
    timeoutMs: 30000,
  });
  const producer = new DefaultMQProducer({ producerGroup: 'pg', namesrvAddr: '127.0.0.1:9876' });
  const kernel = (
    producer as unknown as {
      sendKernel(c: MQClientInstance, m: Message, q: typeof mq, mode: string, t: number): Promise<unknown>;
    }
  ).sendKernel.bind(producer);
  await kernel(client, new Message('FxTopic', 'x', { tags: 'TagA' }), mq, 'SYNC', 1000);
  const out = new Map<number, RemotingCommand>();
  for (const r of remoting.sent) if (!out.has(r.code)) out.set(r.code, r);
  return out;
}

/** Header keys we send beyond Java's, on purpose (all are optional fields Java brokers accept). */
const EXTRA: Record<number, string[]> = {
  [RequestCode.GET_ROUTEINFO_BY_TOPIC]: ['acceptStandardJsonOnly'],
  [RequestCode.QUERY_CONSUMER_OFFSET]: ['bname'],
  [RequestCode.UPDATE_CONSUMER_OFFSET]: ['bname'],
  [RequestCode.PULL_MESSAGE]: ['bname', 'maxMsgBytes', 'subscription'],
  [RequestCode.SEND_MESSAGE_V2]: ['n'],
  [RequestCode.END_TRANSACTION]: ['bname'],
};

describe('requests match what the Java client sends', () => {
  let sent: Map<number, RemotingCommand>;
  beforeAll(async () => {
    sent = await capture();
  });

  const cases = Object.entries(java).filter(
    ([, j]) =>
      j.code !== RequestCode.UPDATE_BROKER_CONFIG &&
      j.code !== RequestCode.SEND_BATCH_MESSAGE &&
      j.code !== RequestCode.SEND_REPLY_MESSAGE_V2,
  );

  it.each(cases)('%s: same header keys, oneway flag and body keys', (_name, j) => {
    const mine = sent.get(j.code);
    expect(mine).toBeDefined();
    const keys = Object.keys(mine!.extFields ?? {});
    // Which group an UNREGISTER_CLIENT names depends on the client; we captured a consumer's.
    const javaKeys =
      j.code === RequestCode.UNREGISTER_CLIENT
        ? j.extKeys.map((k) => (k === 'producerGroup' ? 'consumerGroup' : k))
        : j.extKeys;
    for (const k of javaKeys) {
      if (k === 'bname' && j.code === RequestCode.QUERY_CONSUMER_OFFSET) continue;
      expect(keys).toContain(k);
    }
    expect(mine!.flag & 2).toBe(j.flag & 2);
    const body =
      j.bodyKeys && j.code !== RequestCode.HEART_BEAT
        ? Object.keys(JSON.parse(mine!.body!.toString()) as object).sort()
        : undefined;
    if (j.version === '5.2.0') {
      // Against the newest capture: nothing beyond Java's keys except the listed optional ones.
      const allowed = new Set([...javaKeys, ...(EXTRA[j.code] ?? []), 'committed']);
      for (const k of keys) expect(allowed.has(k)).toBe(true);
      if (body) expect(body).toEqual(j.bodyKeys);
    } else if (body) {
      // 4.9.4 clients send a subset of the 5.x fields.
      for (const k of j.bodyKeys!) expect(body).toContain(k);
    }
  });

  it('sends properties with 0x01/0x02 separators and Java header values', () => {
    const send = sent.get(RequestCode.SEND_MESSAGE_V2)!;
    expect(send.extFields).toMatchObject({
      a: 'pg',
      b: 'FxTopic',
      c: 'TBW102',
      d: '4',
      e: '0',
      f: '0',
      h: '0',
      j: '0',
      k: 'false',
      m: 'false',
      n: 'broker-a',
    });
    const props = send.extFields!.i!;
    expect(props.endsWith('\u0002')).toBe(true);
    const pairs = props.split('\u0002').filter(Boolean);
    expect(pairs).toHaveLength(3);
    expect(pairs).toEqual(expect.arrayContaining(['TAGS\u0001TagA', 'WAIT\u0001true']));
    expect(pairs.some((p) => p.startsWith('UNIQ_KEY\u0001') && /^[0-9A-F]{32}$/.test(p.slice(9)))).toBe(true);
    const pull = sent.get(RequestCode.PULL_MESSAGE)!;
    expect(pull.extFields).toMatchObject({ suspendTimeoutMillis: '15000', maxMsgNums: '32', expressionType: 'TAG' });
  });
});
