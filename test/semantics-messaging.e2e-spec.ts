/**
 * Broker messaging semantics over real sockets: EmbeddedRocketMQ (name server + broker on 127.0.0.1:0) driven by raw
 * RemotingClients — retry and DLQ, delay levels, timer messages (and a restart mid-delay), transactions with
 * check-back, request-reply, ordered-consumption locks, SQL92 filtering and the related admin requests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MessageConst,
  MessageSysFlag,
  RequestCode,
  ResponseCode,
  decodeMessageRecords,
  encodeHeartbeatData,
  encodeMessageProperties,
  decodeMessageProperties,
  parseJavaJson,
  type HeartbeatData,
  type MessageExt,
} from '@rocketnest/common';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';
import { EmbeddedRocketMQ, type BrokerConfig } from '@rocketnest/broker';
import { waitFor } from './utils/wait-for';

const PG = 'rn_sem_producer';
/** Short levels (Java accepts whole units only): level n ≤ 3 waits n seconds, the others 1 s. */
const LEVELS = '1s 2s 3s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s';

const BROKER_CONFIG: Partial<BrokerConfig> & Record<string, unknown> = {
  messageDelayLevel: LEVELS,
  enablePropertyFilter: true,
  transactionTimeOut: 200,
  transactionCheckInterval: 200,
  transactionCheckMax: 15,
  rebalanceLockMaxLiveTime: 400,
  scheduleIdlePollMs: 20,
  flushDelayOffsetInterval: 100,
};

function sendRequest(
  topic: string,
  properties: Record<string, string>,
  opts: {
    body?: Buffer;
    queueId?: number;
    sysFlag?: number;
    code?: number;
    reconsumeTimes?: number;
    maxReconsumeTimes?: number;
  } = {},
): RemotingCommand {
  return RemotingCommand.createRequest(
    opts.code ?? RequestCode.SEND_MESSAGE_V2,
    {
      a: PG,
      b: topic,
      c: 'TBW102',
      d: 4,
      e: opts.queueId ?? 0,
      f: opts.sysFlag ?? 0,
      g: Date.now(),
      h: 0,
      i: encodeMessageProperties({ [MessageConst.WAIT]: 'true', ...properties }),
      j: opts.reconsumeTimes ?? 0,
      k: false,
      l: opts.maxReconsumeTimes,
      m: false,
    },
    opts.body ?? Buffer.from('hello'),
  );
}

function pullRequest(
  topic: string,
  queueId: number,
  queueOffset: number,
  opts: { group?: string; subscription?: string; expressionType?: string } = {},
): RemotingCommand {
  return RemotingCommand.createRequest(RequestCode.PULL_MESSAGE, {
    consumerGroup: opts.group ?? 'rn_sem_consumer',
    topic,
    queueId,
    queueOffset,
    maxMsgNums: 32,
    sysFlag: 4,
    commitOffset: 0,
    suspendTimeoutMillis: 0,
    subscription: opts.subscription ?? '*',
    subVersion: Date.now(),
    expressionType: opts.expressionType ?? 'TAG',
  });
}

function heartbeat(
  clientID: string,
  opts: { producerGroup?: string; consumerGroup?: string; topic?: string; subString?: string; expressionType?: string },
): RemotingCommand {
  const data: HeartbeatData = {
    clientID,
    producerDataSet: opts.producerGroup ? [{ groupName: opts.producerGroup }] : [],
    consumerDataSet: opts.consumerGroup
      ? [
          {
            groupName: opts.consumerGroup,
            consumeType: 'CONSUME_PASSIVELY',
            messageModel: 'CLUSTERING',
            consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
            unitMode: false,
            subscriptionDataSet: [
              {
                topic: opts.topic ?? 'RnSemNone',
                subString: opts.subString ?? '*',
                tagsSet: [],
                codeSet: [],
                subVersion: Date.now(),
                expressionType: opts.expressionType ?? 'TAG',
                classFilterMode: false,
              },
            ],
          },
        ]
      : [],
  };
  return RemotingCommand.createRequest(RequestCode.HEART_BEAT, {}, encodeHeartbeatData(data));
}

interface JavaFrame {
  version: string;
  kind: string;
  code: number;
  requestCode?: number;
  opaque: number;
  headerText: string;
}
/** Frames captured from real Apache RocketMQ brokers and Java clients (see the fixture's README). */
const JAVA_FRAMES = (
  JSON.parse(
    fs.readFileSync(
      path.join(
        __dirname,
        '..',
        'broker-server',
        'broker',
        'src',
        'semantics',
        '__fixtures__',
        'java-semantics-frames.json',
      ),
      'utf8',
    ),
  ) as { frames: JavaFrame[] }
).frames;
function javaFrame(kind: 'request' | 'oneway request' | 'response', code: number, version = '5.2.0'): JavaFrame {
  return JAVA_FRAMES.find(
    (f) => f.version === version && f.kind === kind && (kind === 'response' ? f.requestCode : f.code) === code,
  )!;
}
function javaExtKeys(frame: JavaFrame): string[] {
  return Object.keys((JSON.parse(frame.headerText) as { extFields?: Record<string, string> }).extFields ?? {});
}
/** Our answer's header re-encoded with the Java frame's opaque and version, for a like-for-like comparison. */
function headerLikeJava(response: RemotingCommand, java: JavaFrame): string {
  response.opaque = java.opaque;
  response.version = (JSON.parse(java.headerText) as { version: number }).version;
  return response.jsonHeader();
}

/** Commit-log offset inside an IPv4 offset msgId (`ip:4 port:4 offset:8`, hex). */
function offsetOf(msgId: string): number {
  return parseInt(msgId.slice(-16), 16);
}

describe('broker messaging semantics (e2e over sockets)', () => {
  let mq: EmbeddedRocketMQ;
  let client: RemotingClient;
  let root: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-semantics-e2e-'));
    mq = await EmbeddedRocketMQ.start({ storePathRootDir: root, brokerConfig: BROKER_CONFIG });
    client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
  });

  afterAll(async () => {
    await client.shutdown();
    await mq.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const call = (req: RemotingCommand, c: RemotingClient = client, timeoutMs = 3000): Promise<RemotingCommand> =>
    c.invoke(mq.brokerAddr, req, timeoutMs);

  async function send(topic: string, props: Record<string, string>, opts: Parameters<typeof sendRequest>[2] = {}) {
    const res = await call(sendRequest(topic, props, opts));
    expect(res.remark ?? '').toBe('');
    expect(res.code).toBe(ResponseCode.SUCCESS);
    return res.extFields!;
  }

  async function pullAll(
    topic: string,
    queueId = 0,
    opts: { group?: string; subscription?: string; expressionType?: string } = {},
  ): Promise<MessageExt[]> {
    const out: MessageExt[] = [];
    let offset = 0;
    for (;;) {
      const res = await call(pullRequest(topic, queueId, offset, opts));
      if (res.code !== ResponseCode.SUCCESS) {
        if (res.code === ResponseCode.PULL_NOT_FOUND || res.code === ResponseCode.PULL_OFFSET_MOVED) return out;
        if (res.code === ResponseCode.PULL_RETRY_IMMEDIATELY) {
          const next = Number(res.extFields?.nextBeginOffset ?? offset);
          if (next <= offset) return out;
          offset = next;
          continue;
        }
        throw new Error(`pull ${topic}: code ${res.code} ${res.remark ?? ''}`);
      }
      out.push(...decodeMessageRecords(res.body!));
      offset = Number(res.extFields!.nextBeginOffset);
    }
  }

  describe('retry and dead-letter queues', () => {
    it('sends a message failing N times through %RETRY% to %DLQ% with its reconsume count and origin', async () => {
      const group = 'rn_sem_retry_group';
      const sent = await send('RnSemRetry', { TAGS: 'T1', KEYS: 'k-retry' }, { body: Buffer.from('fail me') });
      const originOffsetMsgId = sent.msgId!;
      let offset = offsetOf(originOffsetMsgId);
      const maxReconsumeTimes = 2;
      const retryTopic = `%RETRY%${group}`;
      for (let attempt = 1; attempt <= maxReconsumeTimes; attempt++) {
        const back = await call(
          RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {
            offset,
            group,
            delayLevel: 1,
            originMsgId: sent.transactionId,
            originTopic: 'RnSemRetry',
            unitMode: false,
            maxReconsumeTimes,
          }),
        );
        expect(back.code).toBe(ResponseCode.SUCCESS);
        expect(headerLikeJava(back, javaFrame('response', RequestCode.CONSUMER_SEND_MSG_BACK))).toBe(
          javaFrame('response', RequestCode.CONSUMER_SEND_MSG_BACK).headerText,
        );
        const retried = await waitFor(async () => {
          const msgs = await pullAll(retryTopic, 0, { group });
          return msgs.length === attempt ? msgs[attempt - 1] : undefined;
        });
        expect(retried.reconsumeTimes).toBe(attempt);
        expect(retried.properties[MessageConst.RETRY_TOPIC]).toBe('RnSemRetry');
        expect(retried.properties[MessageConst.ORIGIN_MESSAGE_ID]).toBe(originOffsetMsgId);
        expect(retried.properties[MessageConst.DELAY]).toBeUndefined();
        expect(retried.body.toString()).toBe('fail me');
        offset = retried.commitLogOffset;
      }
      const last = await call(
        RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {
          offset,
          group,
          delayLevel: 0,
          unitMode: false,
          maxReconsumeTimes,
        }),
      );
      expect(last.code).toBe(ResponseCode.SUCCESS);
      const [dead] = await waitFor(async () => {
        const msgs = await pullAll(`%DLQ%${group}`, 0, { group: 'rn_sem_dlq_reader' });
        return msgs.length === 1 ? msgs : undefined;
      });
      expect(dead!.reconsumeTimes).toBe(maxReconsumeTimes + 1);
      expect(dead!.properties[MessageConst.RETRY_TOPIC]).toBe('RnSemRetry');
      expect(dead!.properties[MessageConst.ORIGIN_MESSAGE_ID]).toBe(originOffsetMsgId);
      expect(dead!.properties[MessageConst.KEYS]).toBe('k-retry');
      expect(mq.broker.topicConfigManager.selectTopicConfig(`%DLQ%${group}`)).toMatchObject({
        readQueueNums: 1,
        writeQueueNums: 1,
        perm: 6,
      });
    });

    it('routes a direct %RETRY% send over the limit to the DLQ and refuses a bad offset', async () => {
      const group = 'rn_sem_direct_group';
      mq.broker.subscriptionGroupManager.findSubscriptionGroupConfig(group);
      await send(`%RETRY%${group}`, { [MessageConst.RETRY_TOPIC]: 'X' }, { reconsumeTimes: 3, maxReconsumeTimes: 2 });
      const dead = await waitFor(async () => {
        const msgs = await pullAll(`%DLQ%${group}`, 0, { group: 'rn_sem_dlq_reader' });
        return msgs.length > 0 ? msgs : undefined;
      });
      expect(dead).toHaveLength(1);
      expect(dead[0]!.properties[MessageConst.DELAY]).toBe('-1');
      const bad = await call(
        RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {
          offset: 987654321,
          group,
          delayLevel: 0,
          unitMode: false,
        }),
      );
      expect(bad.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(bad.remark).toBe('look message by offset failed, 987654321');
    });
  });

  describe('delay levels and timers', () => {
    it('delivers each delay level on time (within 300 ms under test load; ~2-30 ms measured) with DELAY removed', async () => {
      const levels = [1, 2, 3];
      const sentAt = new Map<string, { at: number; level: number }>();
      for (const level of levels) {
        const before = Date.now();
        const r = await send('RnSemDelay', { [MessageConst.DELAY]: String(level), TAGS: `L${level}` });
        sentAt.set(r.transactionId!, { at: before, level });
      }
      const delivered = await waitFor(
        async () => {
          const msgs = await pullAll('RnSemDelay');
          return msgs.length === levels.length ? msgs : undefined;
        },
        { timeoutMs: 5000 },
      );
      for (const m of delivered) {
        const s = sentAt.get(m.properties[MessageConst.UNIQ_KEY]!)!;
        const waited = m.storeTimestamp - s.at;
        expect(waited).toBeGreaterThanOrEqual(s.level * 1000);
        expect(waited).toBeLessThanOrEqual(s.level * 1000 + 300);
        expect(m.properties[MessageConst.DELAY]).toBeUndefined();
        expect(m.properties[MessageConst.REAL_TOPIC]).toBe('RnSemDelay');
      }
      const offsets = await waitFor(async () => {
        const r = await call(RemotingCommand.createRequest(RequestCode.GET_ALL_DELAY_OFFSET, {}));
        const table = (parseJavaJson(r.body!) as { offsetTable: Record<string, number> }).offsetTable;
        return levels.every((l) => (table[String(l)] ?? 0) >= 1) ? r : undefined;
      });
      expect(offsets.code).toBe(ResponseCode.SUCCESS);
      expect(offsets.body!.toString()).toMatch(/^\{\s*"offsetTable":\{1:\d+/);
    });

    it('delivers an arbitrary delay (TIMER_DELAY_MS / TIMER_DELIVER_MS) at its rounded-down second', async () => {
      const r1 = await send('RnSemTimer', { [MessageConst.TIMER_DELAY_MS]: '1700', TAGS: 'rel' });
      const at = Date.now() + 1200;
      const r2 = await send('RnSemTimer', { [MessageConst.TIMER_DELIVER_MS]: String(at), TAGS: 'abs' });
      const delivered = await waitFor(
        async () => {
          const msgs = await pullAll('RnSemTimer');
          return msgs.length === 2 ? msgs : undefined;
        },
        { timeoutMs: 4000 },
      );
      for (const m of delivered) {
        const out = Number(m.properties[MessageConst.TIMER_OUT_MS]);
        expect(out % 1000).toBe(0);
        expect(m.storeTimestamp).toBeGreaterThanOrEqual(out);
        expect(m.storeTimestamp).toBeLessThanOrEqual(out + 300);
        expect(m.properties[MessageConst.REAL_TOPIC]).toBe('RnSemTimer');
      }
      const abs = delivered.find((m) => m.properties[MessageConst.UNIQ_KEY] === r2.transactionId)!;
      expect(Number(abs.properties[MessageConst.TIMER_OUT_MS])).toBe(
        at % 1000 === 0 ? at - 1000 : Math.floor(at / 1000) * 1000,
      );
      expect(delivered.some((m) => m.properties[MessageConst.UNIQ_KEY] === r1.transactionId)).toBe(true);
    });

    it('refuses a timer beyond timerMaxDelaySec with MESSAGE_ILLEGAL', async () => {
      const res = await call(sendRequest('RnSemTimer', { [MessageConst.TIMER_DELAY_SEC]: String(4 * 24 * 3600) }));
      expect(res.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
      expect(res.remark).toMatch(/timer message illegal/);
    });
  });

  describe('transactions', () => {
    async function sendHalf(topic: string, tag: string, group = PG) {
      const ext = await send(
        topic,
        { [MessageConst.TRAN_MSG]: 'true', [MessageConst.PGROUP]: group, TAGS: tag },
        { sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE, queueId: 1 },
      );
      return {
        tranStateTableOffset: Number(ext.queueOffset),
        commitLogOffset: offsetOf(ext.msgId!),
        msgId: ext.transactionId!,
      };
    }
    const endTx = (
      half: Awaited<ReturnType<typeof sendHalf>>,
      commitOrRollback: number,
      fromTransactionCheck = false,
    ) =>
      RemotingCommand.createRequest(RequestCode.END_TRANSACTION, {
        producerGroup: PG,
        tranStateTableOffset: half.tranStateTableOffset,
        commitLogOffset: half.commitLogOffset,
        commitOrRollback,
        fromTransactionCheck,
        msgId: half.msgId,
        transactionId: half.msgId,
      });

    it('keeps half messages invisible; commit makes one visible, rollback never', async () => {
      const committed = await sendHalf('RnSemTx', 'commit');
      const rolledBack = await sendHalf('RnSemTx', 'rollback');
      expect(await pullAll('RnSemTx', 1)).toHaveLength(0);
      await client.invokeOneway(mq.brokerAddr, endTx(committed, 8), 3000);
      await client.invokeOneway(mq.brokerAddr, endTx(rolledBack, 12), 3000);
      const [visible] = await waitFor(async () => {
        const msgs = await pullAll('RnSemTx', 1);
        return msgs.length > 0 ? msgs : undefined;
      });
      expect(visible!.properties.TAGS).toBe('commit');
      expect(visible!.properties[MessageConst.TRAN_MSG]).toBeUndefined();
      expect(visible!.sysFlag & MessageSysFlag.TRANSACTION_ROLLBACK_TYPE).toBe(MessageSysFlag.TRANSACTION_COMMIT_TYPE);
      expect(visible!.preparedTransactionOffset).toBe(committed.commitLogOffset);
      // Both ends are recorded as op records; after them nothing else appears in the real topic.
      await waitFor(() => mq.broker.messageStore.getMaxOffsetInQueue('RMQ_SYS_TRANS_OP_HALF_TOPIC', 0) >= 2);
      expect((await pullAll('RnSemTx', 1)).map((m) => m.properties.TAGS)).toEqual(['commit']);
      // A non-oneway END_TRANSACTION with a wrong group is refused with Java's remark.
      const wrong = endTx(await sendHalf('RnSemTx', 'other'), 8);
      wrong.extFields!.producerGroup = 'someone_else';
      const res = await call(wrong);
      expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(res.remark).toBe('The producer group wrong');
    });

    it('checks back an unanswered half message and applies the producer answer', async () => {
      const txGroup = 'rn_sem_tx_checked';
      const producer = new RemotingClient({ channelMaxIdleTimeMs: 0 });
      producer.start();
      const checks: RemotingCommand[] = [];
      producer.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (req) => {
        checks.push(req);
        const h = req.extFields!;
        const answer = checks.length === 1 ? 0 : 8; // first "unknown", then commit
        void producer.invokeOneway(
          mq.brokerAddr,
          RemotingCommand.createRequest(RequestCode.END_TRANSACTION, {
            producerGroup: txGroup,
            tranStateTableOffset: h.tranStateTableOffset,
            commitLogOffset: h.commitLogOffset,
            commitOrRollback: answer,
            fromTransactionCheck: true,
            msgId: h.msgId,
            transactionId: h.transactionId,
          }),
          3000,
        );
        return null;
      });
      try {
        expect(
          (await producer.invoke(mq.brokerAddr, heartbeat('rn-tx-producer', { producerGroup: txGroup }), 3000)).code,
        ).toBe(ResponseCode.SUCCESS);
        const half = await sendHalf('RnSemTxCheck', 'checked', txGroup);
        const [visible] = await waitFor(
          async () => {
            const msgs = await pullAll('RnSemTxCheck', 1);
            return msgs.length > 0 ? msgs : undefined;
          },
          { timeoutMs: 5000 },
        );
        expect(visible!.properties.TAGS).toBe('checked');
        expect(checks.length).toBeGreaterThanOrEqual(2); // a slow machine may squeeze in one more check run
        const first = checks[0]!;
        expect(first.extFields).toMatchObject({ msgId: half.msgId, transactionId: half.msgId, bname: 'broker-a' });
        expect(Number(first.extFields!.tranStateTableOffset)).toBeGreaterThan(half.tranStateTableOffset);
        expect(Object.keys(first.extFields!).sort()).toEqual(
          javaExtKeys(javaFrame('oneway request', RequestCode.CHECK_TRANSACTION_STATE)).sort(),
        );
        expect(first.isOneway()).toBe(true);
        const [body] = decodeMessageRecords(first.body!);
        expect(body!.topic).toBe('RnSemTxCheck');
        expect(body!.queueId).toBe(1);
        expect(body!.properties[MessageConst.TRANSACTION_CHECK_TIMES]).toBe('1');
        expect(checks[1]!.extFields!.tranStateTableOffset).not.toBe(first.extFields!.tranStateTableOffset);
      } finally {
        await producer.shutdown();
      }
    });
  });

  it('transactions: a CHECK_IMMUNITY_TIME_IN_SECONDS half message is checked only after it, without blocking others', async () => {
    const txGroup = 'rn_sem_tx_immunity';
    const producer = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    producer.start();
    const firstCheck = new Map<string, number>();
    producer.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (req) => {
      const h = req.extFields!;
      if (!firstCheck.has(h.msgId!)) firstCheck.set(h.msgId!, Date.now());
      void producer.invokeOneway(
        mq.brokerAddr,
        RemotingCommand.createRequest(RequestCode.END_TRANSACTION, {
          producerGroup: txGroup,
          tranStateTableOffset: h.tranStateTableOffset,
          commitLogOffset: h.commitLogOffset,
          commitOrRollback: 8,
          fromTransactionCheck: true,
          msgId: h.msgId,
          transactionId: h.transactionId,
        }),
        3000,
      );
      return null;
    });
    try {
      await producer.invoke(mq.brokerAddr, heartbeat('rn-tx-immunity', { producerGroup: txGroup }), 3000);
      const half = (tag: string, extra: Record<string, string>) =>
        send(
          'RnSemTxImmunity',
          { [MessageConst.TRAN_MSG]: 'true', [MessageConst.PGROUP]: txGroup, TAGS: tag, ...extra },
          { sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE },
        );
      const sentA = Date.now();
      const a = await half('immune', { [MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS]: '1' });
      const b = await half('plain', {});
      const tags = await waitFor(
        async () => {
          const msgs = await pullAll('RnSemTxImmunity');
          return msgs.length === 2 ? msgs.map((m) => m.properties.TAGS).sort() : undefined;
        },
        { timeoutMs: 5000 },
      );
      expect(tags).toEqual(['immune', 'plain']);
      expect(firstCheck.get(a.transactionId!)! - sentA).toBeGreaterThanOrEqual(1000);
      expect(firstCheck.get(b.transactionId!)!).toBeLessThan(firstCheck.get(a.transactionId!)!);
    } finally {
      await producer.shutdown();
    }
  });

  it('request-reply: pushes a reply to the requester over its connection and stores it', async () => {
    const requester = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    requester.start();
    const pushed: RemotingCommand[] = [];
    requester.registerProcessor(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (req) => {
      pushed.push(req);
      return RemotingCommand.createResponse(ResponseCode.SUCCESS);
    });
    try {
      await requester.invoke(mq.brokerAddr, heartbeat('rn-requester@1', { producerGroup: 'rn_requester_group' }), 3000);
      const replyTopic = 'DefaultCluster_REPLY_TOPIC';
      const res = await call(
        sendRequest(
          replyTopic,
          {
            [MessageConst.MESSAGE_TYPE]: 'reply',
            [MessageConst.CORRELATION_ID]: 'corr-42',
            [MessageConst.REPLY_TO_CLIENT]: 'rn-requester@1',
            [MessageConst.TTL]: '3000',
          },
          { code: RequestCode.SEND_REPLY_MESSAGE_V2, body: Buffer.from('the answer') },
        ),
      );
      expect(res.code).toBe(ResponseCode.SUCCESS);
      expect(Object.keys(res.extFields!)).toEqual(
        javaExtKeys(javaFrame('response', RequestCode.SEND_REPLY_MESSAGE_V2)),
      );
      expect(res.extFields).toMatchObject({ queueId: '0', queueOffset: '0' });
      expect(pushed).toHaveLength(1);
      const push = pushed[0]!;
      expect(push.body!.toString()).toBe('the answer');
      expect(Object.keys(push.extFields!).sort()).toEqual(
        javaExtKeys(javaFrame('request', RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT)).sort(),
      );
      const props = decodeMessageProperties(push.extFields!.properties);
      expect(props[MessageConst.CORRELATION_ID]).toBe('corr-42');
      expect(props[MessageConst.PUSH_REPLY_TIME]).toMatch(/^\d+$/);
      expect(push.extFields).toMatchObject({ topic: replyTopic, storeHost: mq.brokerAddr });
      expect(mq.broker.topicConfigManager.selectTopicConfig(replyTopic)).toBeDefined();
      await waitFor(async () => (await pullAll(replyTopic)).length === 1);
      const orphan = await call(
        sendRequest(
          replyTopic,
          { [MessageConst.MESSAGE_TYPE]: 'reply', [MessageConst.REPLY_TO_CLIENT]: 'rn-gone@9' },
          { code: RequestCode.SEND_REPLY_MESSAGE_V2 },
        ),
      );
      expect(orphan.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(orphan.remark).toBe('push reply message fail, channel of <rn-gone@9> not found.');
    } finally {
      await requester.shutdown();
    }
  });

  it('ordered locks: two clients contend for a queue, only one holds it until it expires', async () => {
    const other = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    other.start();
    const lock = (clientId: string) =>
      RemotingCommand.createRequest(
        RequestCode.LOCK_BATCH_MQ,
        {},
        Buffer.from(
          JSON.stringify({
            clientId,
            consumerGroup: 'rn_sem_orderly',
            mqSet: [{ brokerName: 'broker-a', queueId: 0, topic: 'RnSemOrder' }],
            onlyThisBroker: false,
          }),
        ),
      );
    const held = (r: RemotingCommand) =>
      (JSON.parse(r.body!.toString()) as { lockOKMQSet: unknown[] }).lockOKMQSet.length;
    try {
      expect(held(await call(lock('A')))).toBe(1);
      expect(held(await call(lock('B'), other))).toBe(0);
      expect(held(await call(lock('A')))).toBe(1); // renewal
      const t0 = Date.now();
      await waitFor(async () => held(await call(lock('B'), other)) === 1, { timeoutMs: 3000, intervalMs: 50 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
      expect(held(await call(lock('A')))).toBe(0);
    } finally {
      await other.shutdown();
    }
  });

  describe('SQL92', () => {
    it('filters pulls exactly by property expression', async () => {
      for (const [a, tag] of [
        ['3', 'x'],
        ['6', 'y'],
        ['10', 'x'],
        ['abc', 'x'],
      ] as const) {
        await send('RnSemSql', { a, TAGS: tag });
      }
      await send('RnSemSql', { TAGS: 'x' });
      await waitFor(async () => (await pullAll('RnSemSql')).length === 5);
      const matched = await pullAll('RnSemSql', 0, {
        group: 'rn_sem_sql',
        subscription: "a > 5 AND TAGS IN ('x', 'y')",
        expressionType: 'SQL92',
      });
      expect(matched.map((m) => m.properties.a)).toEqual(['6', '10']);
    });

    it('rejects a bad selector with SUBSCRIPTION_PARSE_FAILED (pull and CHECK_CLIENT_CONFIG)', async () => {
      const pull = await call(
        pullRequest('RnSemSql', 0, 0, { group: 'rn_sem_sql', subscription: 'a >', expressionType: 'SQL92' }),
      );
      expect(pull.code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
      const check = await call(
        RemotingCommand.createRequest(
          RequestCode.CHECK_CLIENT_CONFIG,
          {},
          Buffer.from(
            JSON.stringify({
              clientId: 'c1',
              group: 'rn_sem_sql',
              subscriptionData: {
                topic: 'RnSemSql',
                subString: "a = 'unterminated",
                tagsSet: [],
                codeSet: [],
                subVersion: 1,
                expressionType: 'SQL92',
                classFilterMode: false,
              },
            }),
          ),
        ),
      );
      expect(check.code).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
      expect(check.remark).toMatch(/^Invalid SQL92 message selector "a = 'unterminated"/);
    });
  });

  it('answers malformed semantics requests with typed errors and stays up', async () => {
    const backNoGroup = await call(RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, { offset: 'x' }));
    expect(backNoGroup.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(backNoGroup.remark).toMatch(/custom field/);
    const endTx = await call(RemotingCommand.createRequest(RequestCode.END_TRANSACTION, { producerGroup: PG }));
    expect(endTx.code).toBe(ResponseCode.SYSTEM_ERROR);
    const notHalf = await call(
      RemotingCommand.createRequest(RequestCode.END_TRANSACTION, {
        producerGroup: PG,
        tranStateTableOffset: 0,
        commitLogOffset: 0,
        commitOrRollback: 8,
        msgId: 'x',
      }),
    );
    expect(notHalf.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(notHalf.remark).toBe('Find prepared transaction message failed');
    const lock = await call(RemotingCommand.createRequest(RequestCode.LOCK_BATCH_MQ, {}, Buffer.from('[1,2')));
    expect(lock.code).toBe(ResponseCode.SYSTEM_ERROR);
    const reset = await call(RemotingCommand.createRequest(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'T' }));
    expect(reset.code).toBe(ResponseCode.SYSTEM_ERROR);
    const check = await call(
      RemotingCommand.createRequest(RequestCode.CHECK_CLIENT_CONFIG, {}, Buffer.from('{"subscriptionData":7}')),
    );
    expect(check.code).toBe(ResponseCode.SYSTEM_ERROR);
    const reply = await call(RemotingCommand.createRequest(RequestCode.SEND_REPLY_MESSAGE_V2, { a: PG }));
    expect(reply.code).toBe(ResponseCode.SYSTEM_ERROR);
    // Still serving.
    expect((await call(sendRequest('RnSemAlive', {}))).code).toBe(ResponseCode.SUCCESS);
  });

  describe('admin', () => {
    it('resets a live group to a timestamp and tells its clients; clones group offsets', async () => {
      const group = 'rn_sem_reset';
      const topic = 'RnSemReset';
      for (let i = 0; i < 3; i++) await send(topic, { TAGS: 'r' });
      for (let q = 0; q < 4; q++) mq.broker.consumerOffsetManager.commitOffset(group, topic, q, q === 0 ? 3 : 0);
      const consumer = new RemotingClient({ channelMaxIdleTimeMs: 0 });
      consumer.start();
      const resets: RemotingCommand[] = [];
      consumer.registerProcessor(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, (req) => {
        resets.push(req);
        return null;
      });
      try {
        await consumer.invoke(mq.brokerAddr, heartbeat('rn-reset-consumer', { consumerGroup: group, topic }), 3000);
        const res = await call(
          RemotingCommand.createRequest(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, {
            topic,
            group,
            timestamp: 0,
            isForce: true,
          }),
        );
        expect(res.code).toBe(ResponseCode.SUCCESS);
        expect(res.body!.toString()).toContain('"queueId":0');
        await waitFor(() => resets.length === 1);
        expect(resets[0]!.extFields).toMatchObject({ topic, group, timestamp: '0' });
        expect(resets[0]!.body!.toString()).toContain('"topic":"RnSemReset"');
        expect(mq.broker.consumerOffsetManager.queryOffset(group, topic, 0)).toBe(0);

        const offline = await call(
          RemotingCommand.createRequest(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, {
            topic,
            group: 'rn_sem_nobody',
            timestamp: 0,
            isForce: true,
          }),
        );
        expect(offline.code).toBe(ResponseCode.SYSTEM_ERROR);
        expect(offline.remark).toBe('THe consumer group <rn_sem_nobody> not exist');
      } finally {
        await consumer.shutdown();
      }
      mq.broker.consumerOffsetManager.commitOffset(group, topic, 2, 7);
      const clone = await call(
        RemotingCommand.createRequest(RequestCode.CLONE_GROUP_OFFSET, {
          srcGroup: group,
          destGroup: 'rn_sem_clone',
          topic,
          offline: true,
        }),
      );
      expect(clone.code).toBe(ResponseCode.SUCCESS);
      expect(mq.broker.consumerOffsetManager.queryOffset('rn_sem_clone', topic, 2)).toBe(7);
    });
  });
});

describe('restart mid-delay (e2e)', () => {
  it('loses neither delay-level nor timer messages across a broker restart', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-semantics-restart-'));
    const client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
    let mq: EmbeddedRocketMQ | undefined;
    try {
      mq = await EmbeddedRocketMQ.start({
        storePathRootDir: root,
        brokerConfig: { ...BROKER_CONFIG, messageDelayLevel: '2s' },
      });
      const send = (props: Record<string, string>) =>
        client.invoke(mq!.brokerAddr, sendRequest('RnSemRestart', props), 3000);
      expect((await send({ [MessageConst.DELAY]: '1', TAGS: 'level' })).code).toBe(ResponseCode.SUCCESS);
      expect((await send({ [MessageConst.TIMER_DELAY_MS]: '2000', TAGS: 'timer' })).code).toBe(ResponseCode.SUCCESS);
      await mq.shutdown();
      mq = await EmbeddedRocketMQ.start({
        storePathRootDir: root,
        brokerConfig: { ...BROKER_CONFIG, messageDelayLevel: '2s' },
      });
      const addr = mq.brokerAddr;
      const tags = await waitFor(
        async () => {
          const res = await client.invoke(addr, pullRequest('RnSemRestart', 0, 0), 3000);
          if (res.code !== ResponseCode.SUCCESS) return undefined;
          const msgs = decodeMessageRecords(res.body!);
          return msgs.length >= 2 ? msgs.map((m) => m.properties.TAGS).sort() : undefined;
        },
        { timeoutMs: 8000, intervalMs: 50 },
      );
      expect(tags).toEqual(['level', 'timer']);
    } finally {
      await client.shutdown();
      await mq?.shutdown();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('transaction check limit (e2e)', () => {
  it('gives up a half message after transactionCheckMax checks into TRANS_CHECK_MAX_TIME_TOPIC', async () => {
    const client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
    const mq = await EmbeddedRocketMQ.start({ brokerConfig: { ...BROKER_CONFIG, transactionCheckMax: 2 } });
    try {
      const res = await client.invoke(
        mq.brokerAddr,
        sendRequest(
          'RnSemTxGiveUp',
          { [MessageConst.TRAN_MSG]: 'true', [MessageConst.PGROUP]: 'rn_sem_gone_group', TAGS: 'lost' },
          { sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE },
        ),
        3000,
      );
      expect(res.code).toBe(ResponseCode.SUCCESS);
      const [given] = await waitFor(
        async () => {
          const r = await client.invoke(mq.brokerAddr, pullRequest('TRANS_CHECK_MAX_TIME_TOPIC', 0, 0), 3000);
          return r.code === ResponseCode.SUCCESS ? decodeMessageRecords(r.body!) : undefined;
        },
        { timeoutMs: 5000, intervalMs: 50 },
      );
      expect(given!.properties[MessageConst.TRANSACTION_CHECK_TIMES]).toBe('2');
      expect(given!.properties[MessageConst.REAL_TOPIC]).toBe('RnSemTxGiveUp');
      const real = await client.invoke(mq.brokerAddr, pullRequest('RnSemTxGiveUp', 0, 0), 3000);
      expect(real.code).not.toBe(ResponseCode.SUCCESS);
    } finally {
      await client.shutdown();
      await mq.shutdown();
    }
  });
});
