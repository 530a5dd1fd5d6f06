/**
 * POP consumption over real sockets (Java 5.x remoting POP): SET_MESSAGE_REQUEST_MODE / QUERY_ASSIGNMENT, POP_MESSAGE
 * with checkpoints, ACK_MESSAGE, CHANGE_MESSAGE_INVISIBLETIME, revive into the POP retry topic, long polling and the
 * error codes of bad requests. Timers are shortened (reviveInterval 20 ms).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MessageConst,
  RequestCode,
  ResponseCode,
  decodeMessageRecords,
  decodeQueryAssignmentResponseBody,
  encodeBatchAckMessageRequestBody,
  encodeHeartbeatData,
  encodeMessageProperties,
  encodeQueryAssignmentRequestBody,
  encodeSetMessageRequestModeRequestBody,
  type MessageExt,
} from '@rocketnest/common';
import { RemotingClient, RemotingCommand, type ExtFieldValue } from '@rocketnest/remoting';
import { BrokerController, EmbeddedRocketMQ, silentLogger } from '@rocketnest/broker';
import { waitFor } from './utils/wait-for';

const BROKER_CONFIG = {
  reviveInterval: 20,
  popCheckpointFlushInterval: 20,
  flushConsumerOffsetInterval: 100,
};

function sendRequest(topic: string, body: string, queueId = 0, tags?: string): RemotingCommand {
  const props: Record<string, string> = { [MessageConst.WAIT]: 'true' };
  if (tags) props[MessageConst.TAGS] = tags;
  return RemotingCommand.createRequest(
    RequestCode.SEND_MESSAGE_V2,
    {
      a: 'rn_pop_producer',
      b: topic,
      c: 'TBW102',
      d: 4,
      e: queueId,
      f: 0,
      g: Date.now(),
      h: 0,
      i: encodeMessageProperties(props),
      j: 0,
      k: false,
      m: false,
    },
    Buffer.from(body),
  );
}

function popRequest(
  group: string,
  topic: string,
  opts: {
    queueId?: number;
    max?: number;
    invisibleTime?: number;
    pollTime?: number;
    bornTime?: number;
    exp?: string;
  } = {},
): RemotingCommand {
  const fields: Record<string, ExtFieldValue> = {
    consumerGroup: group,
    topic,
    queueId: opts.queueId ?? -1,
    maxMsgNums: opts.max ?? 32,
    invisibleTime: opts.invisibleTime ?? 60000,
    pollTime: opts.pollTime ?? 0,
    bornTime: opts.bornTime ?? Date.now(),
    initMode: 0,
    order: false,
  };
  if (opts.exp) {
    fields.exp = opts.exp;
    fields.expType = 'TAG';
  }
  return RemotingCommand.createRequest(RequestCode.POP_MESSAGE, fields);
}

/** The handle the Java client builds for each popped message (MQClientAPIImpl.processPopResponse). */
function handles(res: RemotingCommand, msgs: MessageExt[], brokerName: string): string[] {
  const ext = res.extFields!;
  const starts = new Map<string, string>();
  for (const e of (ext.startOffsetInfo ?? '').split(';').filter(Boolean)) {
    const [r, q, so] = e.split(' ');
    starts.set(`${r}@${q}`, so!);
  }
  return msgs.map((m) => {
    const ck = m.properties[MessageConst.POP_CK];
    if (ck) return ck;
    const so = starts.get(`0@${m.queueId}`)!;
    return [so, ext.popTime, ext.invisibleTime, ext.reviveQid, '0', brokerName, m.queueId, m.queueOffset].join(' ');
  });
}

/** The real topic of a popped message for ACK / CHANGE (Java ExtraInfoUtil.getRealTopic). */
function realTopic(handle: string, topic: string, group: string): string {
  const r = handle.split(' ')[4];
  return r === '1' ? `%RETRY%${group}_${topic}` : r === '2' ? `%RETRY%${group}+${topic}` : topic;
}

describe('POP consumption (e2e over sockets)', () => {
  let mq: EmbeddedRocketMQ;
  let client: RemotingClient;
  let root: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-pop-e2e-'));
    mq = await EmbeddedRocketMQ.start({ storePathRootDir: root, brokerConfig: BROKER_CONFIG });
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
  const brokerName = (): string => mq.broker.brokerConfig.brokerName;
  const send = async (topic: string, body: string, queueId = 0, tags?: string): Promise<void> => {
    const res = await call(sendRequest(topic, body, queueId, tags));
    expect(res.code).toBe(ResponseCode.SUCCESS);
    await mq.broker.messageStore.waitDispatched();
  };
  const createTopic = async (topic: string, queues = 4): Promise<void> => {
    const res = await call(
      RemotingCommand.createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
        topic,
        defaultTopic: 'TBW102',
        readQueueNums: queues,
        writeQueueNums: queues,
        perm: 6,
        topicFilterType: 'SINGLE_TAG',
        order: false,
      }),
    );
    expect(res.code).toBe(ResponseCode.SUCCESS);
  };
  const ack = (group: string, topic: string, handle: string): Promise<RemotingCommand> =>
    call(
      RemotingCommand.createRequest(RequestCode.ACK_MESSAGE, {
        consumerGroup: group,
        topic: realTopic(handle, topic, group),
        queueId: Number(handle.split(' ')[6]),
        extraInfo: handle,
        offset: Number(handle.split(' ')[7]),
      }),
    );

  it('SET_MESSAGE_REQUEST_MODE is persisted; QUERY_ASSIGNMENT answers POP (queueId -1) and PULL allocations', async () => {
    await createTopic('PopModeTopic', 4);
    const setMode = (topic: string, group: string, mode: string, share: number): Promise<RemotingCommand> =>
      call(
        RemotingCommand.createRequest(
          RequestCode.SET_MESSAGE_REQUEST_MODE,
          {},
          encodeSetMessageRequestModeRequestBody({ topic, consumerGroup: group, mode, popShareQueueNum: share }),
        ),
      );
    expect((await setMode('PopModeTopic', 'GPop', 'POP', 8)).code).toBe(ResponseCode.SUCCESS);
    const retry = await setMode('%RETRY%GPop', 'GPop', 'POP', 8);
    expect(retry.code).toBe(ResponseCode.NO_PERMISSION);
    expect(retry.remark).toBe('retry topic is not allowed to set mode');
    const file = JSON.parse(fs.readFileSync(path.join(root, 'config', 'messageRequestMode.json'), 'utf8')) as {
      messageRequestModeMap: Record<string, Record<string, { mode: string; popShareQueueNum: number }>>;
    };
    expect(file.messageRequestModeMap.PopModeTopic!.GPop).toMatchObject({ mode: 'POP', popShareQueueNum: 8 });

    for (const [cid, group] of [
      ['127.0.0.1@a', 'GPop'],
      ['127.0.0.1@b', 'GPop'],
      ['127.0.0.1@a', 'GPull'],
      ['127.0.0.1@b', 'GPull'],
    ] as const) {
      const hb = encodeHeartbeatData({
        clientID: cid,
        producerDataSet: [],
        consumerDataSet: [
          {
            groupName: group,
            consumeType: 'CONSUME_PASSIVELY',
            messageModel: 'CLUSTERING',
            consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
            unitMode: false,
            subscriptionDataSet: [],
          },
        ],
      });
      // one connection per client id: heartbeat through a dedicated client
      const c = new RemotingClient({ channelMaxIdleTimeMs: 0 });
      c.start();
      expect(
        (await c.invoke(mq.brokerAddr, RemotingCommand.createRequest(RequestCode.HEART_BEAT, {}, hb), 3000)).code,
      ).toBe(ResponseCode.SUCCESS);
      clientsToClose.push(c);
    }
    const query = async (group: string, clientId: string): Promise<Array<{ q: number; mode: string }>> => {
      const res = await call(
        RemotingCommand.createRequest(
          RequestCode.QUERY_ASSIGNMENT,
          {},
          encodeQueryAssignmentRequestBody({
            topic: 'PopModeTopic',
            consumerGroup: group,
            clientId,
            strategyName: 'AVG',
            messageModel: 'CLUSTERING',
          }),
        ),
      );
      expect(res.code).toBe(ResponseCode.SUCCESS);
      return decodeQueryAssignmentResponseBody(res.body)
        .messageQueueAssignments.map((a) => ({ q: a.messageQueue.queueId, mode: a.mode }))
        .sort((x, y) => x.q - y.q);
    };
    // POP with popShareQueueNum 8 >= clients - 1: every queue, as queueId -1 (one entry: Java's HashSet)
    expect(await query('GPop', '127.0.0.1@a')).toEqual([{ q: -1, mode: 'POP' }]);
    // PULL (the default): AVG allocation, client a gets queues 0 and 1
    expect(await query('GPull', '127.0.0.1@a')).toEqual([
      { q: 0, mode: 'PULL' },
      { q: 1, mode: 'PULL' },
    ]);
    expect(await query('GPull', '127.0.0.1@b')).toEqual([
      { q: 2, mode: 'PULL' },
      { q: 3, mode: 'PULL' },
    ]);
    // POP with popShareQueueNum 0 on 2 clients and 4 queues: own share plus none
    expect((await setMode('PopModeTopic', 'GPop', 'POP', 0)).code).toBe(ResponseCode.SUCCESS);
    expect(await query('GPop', '127.0.0.1@b')).toEqual([{ q: -1, mode: 'POP' }]);
    // unknown topic: no assignment (the client keeps its own), unknown strategy likewise
    const none = await call(
      RemotingCommand.createRequest(
        RequestCode.QUERY_ASSIGNMENT,
        {},
        encodeQueryAssignmentRequestBody({
          topic: 'NoSuchTopic',
          consumerGroup: 'GPull',
          clientId: '127.0.0.1@a',
          strategyName: 'AVG',
          messageModel: 'CLUSTERING',
        }),
      ),
    );
    expect(none.code).toBe(ResponseCode.SUCCESS);
    expect(none.body!.toString()).toBe('{}');
  });
  const clientsToClose: RemotingClient[] = [];
  afterAll(async () => {
    for (const c of clientsToClose) await c.shutdown();
  });

  it('pop → ack: the messages are delivered once with the handle fields, and not redelivered after invisibleTime', async () => {
    const topic = 'PopAckTopic';
    const group = 'GPopAck';
    await createTopic(topic, 2);
    await send(topic, 'm0', 0);
    await send(topic, 'm1', 1);
    await send(topic, 'm2', 1);
    const res = await call(popRequest(group, topic, { invisibleTime: 300 }));
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(res.remark).toBe('FOUND');
    const ext = res.extFields!;
    expect(ext.invisibleTime).toBe('300');
    expect(Number(ext.popTime)).toBeGreaterThan(Date.now() - 5000);
    expect(Number(ext.reviveQid)).toBeGreaterThanOrEqual(0);
    expect(ext.restNum).toBe('0');
    expect(ext.startOffsetInfo!.split(';').sort()).toEqual(['0 0 0', '0 1 0']);
    expect(ext.msgOffsetInfo!.split(';').sort()).toEqual(['0 0 0', '0 1 0,1']);
    const msgs = decodeMessageRecords(res.body!);
    expect(msgs.map((m) => m.body.toString()).sort()).toEqual(['m0', 'm1', 'm2']);
    const hs = handles(res, msgs, brokerName());
    for (let i = 0; i < msgs.length; i++) expect((await ack(group, topic, hs[i]!)).code).toBe(ResponseCode.SUCCESS);
    expect(mq.broker.popMessageProcessor.checkpoints.checkpointsOf(topic, group, 1)).toHaveLength(0);
    await waitFor(() => mq.broker.consumerOffsetManager.queryOffset(group, topic, 1) === 2);
    // well past invisibleTime: nothing comes back
    await new Promise((r) => setTimeout(r, 400));
    await mq.broker.popMessageProcessor.checkpoints.reviveNow();
    const again = await call(popRequest(group, topic));
    expect(again.code).toBe(ResponseCode.POLLING_TIMEOUT);
    expect(again.remark).toBe('NO_MESSAGE_IN_QUEUE');
    expect(mq.broker.topicConfigManager.selectTopicConfig(`%RETRY%${group}_${topic}`)).toBeUndefined();
  });

  it('pop without ack: redelivered after invisibleTime from the POP retry topic (reconsumeTimes 1, 1ST_POP_TIME), then acked', async () => {
    const topic = 'PopReviveTopic';
    const group = 'GPopRevive';
    await createTopic(topic, 1);
    await send(topic, 'lost', 0);
    const first = await call(popRequest(group, topic, { queueId: 0, invisibleTime: 100 }));
    expect(first.code).toBe(ResponseCode.SUCCESS);
    const popTime = first.extFields!.popTime;
    // invisible for now
    expect((await call(popRequest(group, topic, { queueId: 0 }))).code).toBe(ResponseCode.POLLING_TIMEOUT);
    const retryTopic = `%RETRY%${group}_${topic}`;
    await waitFor(() => mq.broker.messageStore.getMaxOffsetInQueue(retryTopic, 0) === 1, { timeoutMs: 3000 });
    await mq.broker.messageStore.waitDispatched();
    const second = await waitFor(
      async () => {
        const r = await call(popRequest(group, topic, { invisibleTime: 100 }));
        return r.code === ResponseCode.SUCCESS ? r : undefined;
      },
      { timeoutMs: 3000 },
    );
    const [msg] = decodeMessageRecords(second.body!);
    expect(msg!.body.toString()).toBe('lost');
    expect(msg!.topic).toBe(topic);
    expect(msg!.reconsumeTimes).toBe(1);
    expect(msg!.properties[MessageConst.FIRST_POP_TIME]).toBe(popTime);
    const handle = msg!.properties[MessageConst.POP_CK]!;
    expect(handle.split(' ')).toHaveLength(8);
    expect(handle.split(' ')[4]).toBe('1');
    expect(second.extFields!.startOffsetInfo).toBe('1 0 0');
    // ack under the retry topic: it does not come back a third time
    expect((await ack(group, topic, handle)).code).toBe(ResponseCode.SUCCESS);
    await new Promise((r) => setTimeout(r, 200));
    await mq.broker.popMessageProcessor.checkpoints.reviveNow();
    expect(mq.broker.messageStore.getMaxOffsetInQueue(retryTopic, 0)).toBe(1);
    expect((await call(popRequest(group, topic))).code).toBe(ResponseCode.POLLING_TIMEOUT);
  });

  it('CHANGE_MESSAGE_INVISIBLETIME extends the invisible time, and a short one brings the message back', async () => {
    const topic = 'PopChangeTopic';
    const group = 'GPopChange';
    await createTopic(topic, 1);
    await send(topic, 'slow', 0);
    const res = await call(popRequest(group, topic, { invisibleTime: 150 }));
    const [msg] = decodeMessageRecords(res.body!);
    const handle = handles(res, [msg!], brokerName())[0]!;
    const change = (h: string, invisibleTime: number): Promise<RemotingCommand> =>
      call(
        RemotingCommand.createRequest(RequestCode.CHANGE_MESSAGE_INVISIBLETIME, {
          consumerGroup: group,
          topic,
          queueId: 0,
          extraInfo: h,
          offset: msg!.queueOffset,
          invisibleTime,
        }),
      );
    const changed = await change(handle, 60000);
    expect(changed.code).toBe(ResponseCode.SUCCESS);
    expect(changed.extFields!.invisibleTime).toBe('60000');
    expect(changed.extFields!.reviveQid).toBe(res.extFields!.reviveQid);
    const newPopTime = Number(changed.extFields!.popTime);
    expect(newPopTime).toBeGreaterThanOrEqual(Number(res.extFields!.popTime));
    await new Promise((r) => setTimeout(r, 250));
    await mq.broker.popMessageProcessor.checkpoints.reviveNow();
    expect((await call(popRequest(group, topic))).code).toBe(ResponseCode.POLLING_TIMEOUT);
    // the client's new handle: start offset = the message offset
    const newHandle = [
      msg!.queueOffset,
      newPopTime,
      60000,
      changed.extFields!.reviveQid,
      '0',
      brokerName(),
      0,
      msg!.queueOffset,
    ].join(' ');
    expect((await change(newHandle, 10)).code).toBe(ResponseCode.SUCCESS);
    const back = await waitFor(
      async () => {
        const r = await call(popRequest(group, topic));
        return r.code === ResponseCode.SUCCESS ? r : undefined;
      },
      { timeoutMs: 3000 },
    );
    expect(decodeMessageRecords(back.body!)[0]!.body.toString()).toBe('slow');
  });

  it('long polling: a parked pop is answered by a send; an empty one times out with POLLING_TIMEOUT', async () => {
    const topic = 'PopPollTopic';
    const group = 'GPopPoll';
    await createTopic(topic, 2);
    const started = Date.now();
    const pending = call(popRequest(group, topic, { pollTime: 5000, queueId: -1 }), 8000);
    await waitFor(() => mq.broker.popMessageProcessor.longPolling.size === 1);
    await send(topic, 'wake', 1);
    const res = await pending;
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(decodeMessageRecords(res.body!)[0]!.body.toString()).toBe('wake');
    expect(Date.now() - started).toBeLessThan(4000);

    const t0 = Date.now();
    const timeout = await call(popRequest(group, topic, { pollTime: 200 }));
    expect(timeout.code).toBe(ResponseCode.POLLING_TIMEOUT);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(mq.broker.popMessageProcessor.longPolling.size).toBe(0);
    // a request born long ago is timed out at once
    const stale = await call(popRequest(group, topic, { pollTime: 100, bornTime: Date.now() - 10000 }));
    expect(stale.code).toBe(ResponseCode.POLLING_TIMEOUT);
    expect(stale.remark).toContain('timeout too much');
  });

  it('POLLING_FULL when more than popPollingSize pops are parked on one queue', async () => {
    const topic = 'PopFullTopic';
    const group = 'GPopFull';
    await createTopic(topic, 1);
    const cfg = mq.broker.brokerConfig;
    cfg.popPollingSize = 0;
    try {
      const parked = call(popRequest(group, topic, { pollTime: 300 }), 3000);
      await waitFor(() => mq.broker.popMessageProcessor.longPolling.size === 1);
      expect((await call(popRequest(group, topic, { pollTime: 300 }))).code).toBe(ResponseCode.POLLING_FULL);
      expect((await parked).code).toBe(ResponseCode.POLLING_TIMEOUT);
    } finally {
      cfg.popPollingSize = 1024;
    }
  });

  it('POLLING_INFO counts parked pops; NOTIFICATION answers hasMsg, held until a send or pollTime', async () => {
    const topic = 'PopNotifyTopic';
    const group = 'GPopNotify';
    await createTopic(topic, 1);
    const info = (): Promise<RemotingCommand> =>
      call(RemotingCommand.createRequest(RequestCode.POLLING_INFO, { consumerGroup: group, topic, queueId: 0 }));
    expect((await info()).extFields!.pollingNum).toBe('0');
    const parkedPop = call(popRequest(group, topic, { queueId: 0, pollTime: 3000 }), 5000);
    await waitFor(async () => (await info()).extFields!.pollingNum === '1');
    const notify = (pollTime: number): RemotingCommand =>
      RemotingCommand.createRequest(RequestCode.NOTIFICATION, {
        consumerGroup: group,
        topic,
        queueId: -1,
        pollTime,
        bornTime: Date.now(),
        order: false,
      });
    const empty = await call(notify(100));
    expect(empty.code).toBe(ResponseCode.SUCCESS);
    expect(empty.extFields!.hasMsg).toBe('false');
    const held = call(notify(3000), 5000);
    await waitFor(() => mq.broker.popMessageProcessor.notificationPolling.size === 1);
    await send(topic, 'n0', 0);
    expect((await held).extFields!.hasMsg).toBe('true');
    expect((await parkedPop).code).toBe(ResponseCode.SUCCESS);
    await send(topic, 'n1', 0);
    expect((await call(notify(0))).extFields!.hasMsg).toBe('true');
    expect((await call(RemotingCommand.createRequest(RequestCode.POLLING_INFO, { topic }))).code).toBe(
      ResponseCode.SYSTEM_ERROR,
    );
    expect(
      (
        await call(
          RemotingCommand.createRequest(RequestCode.POLLING_INFO, {
            consumerGroup: group,
            topic: 'NoSuch',
            queueId: 0,
          }),
        )
      ).code,
    ).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });

  it('PEEK_MESSAGE shows the next messages without popping them', async () => {
    const topic = 'PopPeekTopic';
    const group = 'GPopPeek';
    await createTopic(topic, 2);
    const peek = (): Promise<RemotingCommand> =>
      call(
        RemotingCommand.createRequest(RequestCode.PEEK_MESSAGE, {
          topic,
          queueId: -1,
          maxMsgNums: 32,
          consumerGroup: group,
        }),
      );
    const none = await peek();
    expect(none.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(none.extFields!.restNum).toBe('0');
    await send(topic, 'p0', 0);
    await send(topic, 'p1', 1);
    for (let i = 0; i < 2; i++) {
      const r = await peek();
      expect(r.code).toBe(ResponseCode.SUCCESS);
      expect(r.extFields!.restNum).toBe('2');
      expect(
        decodeMessageRecords(r.body!)
          .map((m) => m.body.toString())
          .sort(),
      ).toEqual(['p0', 'p1']);
    }
    const popped = await call(popRequest(group, topic));
    expect(decodeMessageRecords(popped.body!)).toHaveLength(2);
    expect((await peek()).code).toBe(ResponseCode.PULL_NOT_FOUND);
  });

  it('tag filter: only matching messages are popped, the others are skipped', async () => {
    const topic = 'PopTagTopic';
    const group = 'GPopTag';
    await createTopic(topic, 1);
    await send(topic, 'a', 0, 'TagA');
    await send(topic, 'b', 0, 'TagB');
    await send(topic, 'a2', 0, 'TagA');
    const res = await call(popRequest(group, topic, { exp: 'TagA' }));
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(decodeMessageRecords(res.body!).map((m) => m.body.toString())).toEqual(['a', 'a2']);
    expect(res.extFields!.msgOffsetInfo).toBe('0 0 0,2');
  });

  it('BATCH_ACK_MESSAGE acks the bits of each BatchAck', async () => {
    const topic = 'PopBatchAckTopic';
    const group = 'GPopBatchAck';
    await createTopic(topic, 1);
    for (const b of ['b0', 'b1', 'b2']) await send(topic, b, 0);
    const res = await call(popRequest(group, topic, { invisibleTime: 100 }));
    expect(decodeMessageRecords(res.body!)).toHaveLength(3);
    const ext = res.extFields!;
    const batch = (indexes: number[]): RemotingCommand =>
      RemotingCommand.createRequest(
        RequestCode.BATCH_ACK_MESSAGE,
        {},
        encodeBatchAckMessageRequestBody({
          brokerName: brokerName(),
          acks: [
            {
              consumerGroup: group,
              topic,
              retry: '0',
              startOffset: 0,
              queueId: 0,
              reviveQueueId: Number(ext.reviveQid),
              popTime: Number(ext.popTime),
              invisibleTime: 100,
              ackedIndexes: indexes,
            },
          ],
        }),
      );
    // acks 0 and 2; 1 comes back through the retry topic
    expect((await call(batch([0, 2]))).code).toBe(ResponseCode.SUCCESS);
    expect((await call(RemotingCommand.createRequest(RequestCode.BATCH_ACK_MESSAGE, {}))).code).toBe(
      ResponseCode.NO_MESSAGE,
    );
    const back = await waitFor(
      async () => {
        const r = await call(popRequest(group, topic, { invisibleTime: 60000 }));
        return r.code === ResponseCode.SUCCESS ? r : undefined;
      },
      { timeoutMs: 3000 },
    );
    const msgs = decodeMessageRecords(back.body!);
    expect(msgs.map((m) => [m.body.toString(), m.reconsumeTimes])).toEqual([['b1', 1]]);
    // past max reconsume times, a client (Java: the 5.x proxy) sends it to the DLQ with CONSUMER_SEND_MSG_BACK
    const dlq = await call(
      RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, {
        offset: msgs[0]!.commitLogOffset,
        group,
        delayLevel: -1,
        originMsgId: msgs[0]!.msgId,
        originTopic: topic,
        unitMode: false,
        maxReconsumeTimes: 1,
      }),
    );
    expect(dlq.code).toBe(ResponseCode.SUCCESS);
    await mq.broker.messageStore.waitDispatched();
    expect(mq.broker.messageStore.getMaxOffsetInQueue(`%DLQ%${group}`, 0)).toBe(1);
  });

  it('ordered pops: the queue is blocked until acked or invisible; un-acked messages come back in order with counts', async () => {
    const topic = 'PopOrderTopic';
    const group = 'GPopOrder';
    await createTopic(topic, 1);
    for (const b of ['o0', 'o1', 'o2']) await send(topic, b, 0);
    const orderPop = (invisibleTime: number): RemotingCommand => {
      const req = popRequest(group, topic, { queueId: 0, invisibleTime });
      req.extFields!.order = 'true';
      return req;
    };
    const orderHandle = (res: RemotingCommand, m: MessageExt): string =>
      [
        res.extFields!.startOffsetInfo!.split(' ')[2],
        res.extFields!.popTime,
        res.extFields!.invisibleTime,
        999,
        '0',
        brokerName(),
        0,
        m.queueOffset,
      ].join(' ');
    const first = await call(orderPop(200));
    expect(first.code).toBe(ResponseCode.SUCCESS);
    expect(first.extFields!.reviveQid).toBe('999');
    expect(first.extFields!.orderCountInfo).toBe('0 0 0');
    const msgs = decodeMessageRecords(first.body!);
    expect(msgs.map((m) => m.body.toString())).toEqual(['o0', 'o1', 'o2']);
    expect(mq.broker.popMessageProcessor.checkpoints.checkpointsOf(topic, group, 0)).toHaveLength(0);
    // blocked while not acked and still invisible
    expect((await call(orderPop(200))).code).toBe(ResponseCode.POLLING_TIMEOUT);
    expect((await ack(group, topic, orderHandle(first, msgs[0]!))).code).toBe(ResponseCode.SUCCESS);
    expect(mq.broker.consumerOffsetManager.queryOffset(group, topic, 0)).toBe(1);
    expect((await call(orderPop(200))).code).toBe(ResponseCode.POLLING_TIMEOUT);
    // invisible time over: o1, o2 again, each counted once
    const second = await waitFor(
      async () => {
        const r = await call(orderPop(60000));
        return r.code === ResponseCode.SUCCESS ? r : undefined;
      },
      { timeoutMs: 3000 },
    );
    const again = decodeMessageRecords(second.body!);
    expect(again.map((m) => m.body.toString())).toEqual(['o1', 'o2']);
    expect(second.extFields!.orderCountInfo!.split(';').sort()).toEqual(['0 0 1', '0 qo0%1 1', '0 qo0%2 1']);
    // ack o2 and make o1 visible again at once: the queue unblocks, and pops restart at o1 (the committed offset)
    expect((await ack(group, topic, orderHandle(second, again[1]!))).code).toBe(ResponseCode.SUCCESS);
    expect(mq.broker.consumerOffsetManager.queryOffset(group, topic, 0)).toBe(1);
    expect((await call(orderPop(60000))).code).toBe(ResponseCode.POLLING_TIMEOUT);
    const change = await call(
      RemotingCommand.createRequest(RequestCode.CHANGE_MESSAGE_INVISIBLETIME, {
        consumerGroup: group,
        topic,
        queueId: 0,
        extraInfo: orderHandle(second, again[0]!),
        offset: again[0]!.queueOffset,
        invisibleTime: 0,
      }),
    );
    expect(change.code).toBe(ResponseCode.SUCCESS);
    expect(change.extFields!.popTime).toBe(second.extFields!.popTime);
    const third = await waitFor(
      async () => {
        const r = await call(orderPop(60000));
        return r.code === ResponseCode.SUCCESS ? r : undefined;
      },
      { timeoutMs: 3000 },
    );
    const thirdMsgs = decodeMessageRecords(third.body!);
    expect(thirdMsgs.map((m) => m.body.toString())).toEqual(['o1', 'o2']);
    for (const m of thirdMsgs) expect((await ack(group, topic, orderHandle(third, m))).code).toBe(ResponseCode.SUCCESS);
    expect(mq.broker.consumerOffsetManager.queryOffset(group, topic, 0)).toBe(3);
    expect((await call(orderPop(60000))).code).toBe(ResponseCode.POLLING_TIMEOUT);
    // a long-polling ordered pop on a blocked queue is answered as soon as the block's invisible time is over
    await send(topic, 'o3', 0);
    const blocker = await call(orderPop(300));
    expect(decodeMessageRecords(blocker.body!).map((m) => m.body.toString())).toEqual(['o3']);
    const t0 = Date.now();
    const held = orderPop(300);
    held.extFields!.pollTime = '5000';
    const woken = await call(held, 8000);
    expect(woken.code).toBe(ResponseCode.SUCCESS);
    expect(decodeMessageRecords(woken.body!).map((m) => m.body.toString())).toEqual(['o3']);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('bad requests get Java codes and the broker keeps serving', async () => {
    const topic = 'PopBadTopic';
    const group = 'GPopBad';
    await createTopic(topic, 2);
    await send(topic, 'x', 0);
    const missing = RemotingCommand.createRequest(RequestCode.POP_MESSAGE, { topic, queueId: 0 });
    expect((await call(missing)).code).toBe(ResponseCode.SYSTEM_ERROR);
    const tooMany = await call(popRequest(group, topic, { max: 33 }));
    expect(tooMany.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(tooMany.remark).toContain('greater than 32');
    expect((await call(popRequest(group, 'NoSuchPopTopic'))).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect((await call(popRequest(group, topic, { queueId: 7 }))).code).toBe(ResponseCode.SYSTEM_ERROR);
    const ackReq = (fields: Record<string, ExtFieldValue>): RemotingCommand =>
      RemotingCommand.createRequest(RequestCode.ACK_MESSAGE, {
        consumerGroup: group,
        topic,
        queueId: 0,
        extraInfo: '0 1 1000 0 0 broker-a 0 0',
        offset: 0,
        ...fields,
      });
    expect((await call(ackReq({ extraInfo: 'garbage' }))).code).toBe(ResponseCode.SYSTEM_ERROR);
    expect((await call(ackReq({ extraInfo: 'x y z w 0 b' }))).code).toBe(ResponseCode.SYSTEM_ERROR);
    expect((await call(ackReq({ queueId: 9 }))).code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect((await call(ackReq({ offset: 99 }))).code).toBe(ResponseCode.NO_MESSAGE);
    expect((await call(ackReq({ topic: 'NoSuchPopTopic' }))).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect((await call(ackReq({}))).code).toBe(ResponseCode.SUCCESS); // unknown checkpoint: Java says SUCCESS too
    const noOffset = RemotingCommand.createRequest(RequestCode.CHANGE_MESSAGE_INVISIBLETIME, {
      consumerGroup: group,
      topic,
      queueId: 0,
      extraInfo: '0 1 1000 0 0 broker-a 0 0',
      offset: 0,
    });
    expect((await call(noOffset)).code).toBe(ResponseCode.SYSTEM_ERROR);
    const badQa = RemotingCommand.createRequest(RequestCode.QUERY_ASSIGNMENT, {}, Buffer.from('{not json'));
    expect((await call(badQa)).code).toBe(ResponseCode.SYSTEM_ERROR);
    const ok = await call(popRequest(group, topic));
    expect(ok.code).toBe(ResponseCode.SUCCESS);
  });
});

describe('QUERY_ASSIGNMENT with two brokers', () => {
  it("allocates the queues of every broker in the topic's route (read from the name server)", async () => {
    const rootB = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-pop-b-'));
    const mq = await EmbeddedRocketMQ.start({ brokerConfig: BROKER_CONFIG });
    const brokerB = new BrokerController(
      {
        storePathRootDir: rootB,
        brokerName: 'broker-b',
        namesrvAddr: mq.namesrvAddr,
        listenPort: 0,
        brokerIP1: '127.0.0.1',
        bindAddress: '127.0.0.1',
      },
      { logger: silentLogger },
    );
    const client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
    try {
      await brokerB.start();
      for (const addr of [mq.brokerAddr, brokerB.brokerAddr]) {
        const res = await client.invoke(
          addr,
          RemotingCommand.createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
            topic: 'PopTwoBrokers',
            defaultTopic: 'TBW102',
            readQueueNums: 2,
            writeQueueNums: 2,
            perm: 6,
            topicFilterType: 'SINGLE_TAG',
            order: false,
          }),
          3000,
        );
        expect(res.code).toBe(ResponseCode.SUCCESS);
      }
      await waitFor(async () => {
        const r = await client.invoke(
          mq.namesrvAddr,
          RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'PopTwoBrokers' }),
          3000,
        );
        return (
          r.code === ResponseCode.SUCCESS &&
          r.body!.toString().includes('broker-b') &&
          r.body!.toString().includes('broker-a')
        );
      });
      const hb = encodeHeartbeatData({
        clientID: '127.0.0.1@only',
        producerDataSet: [],
        consumerDataSet: [
          {
            groupName: 'GTwo',
            consumeType: 'CONSUME_PASSIVELY',
            messageModel: 'CLUSTERING',
            consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
            unitMode: false,
            subscriptionDataSet: [],
          },
        ],
      });
      expect(
        (await client.invoke(mq.brokerAddr, RemotingCommand.createRequest(RequestCode.HEART_BEAT, {}, hb), 3000)).code,
      ).toBe(ResponseCode.SUCCESS);
      const res = await client.invoke(
        mq.brokerAddr,
        RemotingCommand.createRequest(
          RequestCode.QUERY_ASSIGNMENT,
          {},
          encodeQueryAssignmentRequestBody({
            topic: 'PopTwoBrokers',
            consumerGroup: 'GTwo',
            clientId: '127.0.0.1@only',
            strategyName: 'AVG',
            messageModel: 'CLUSTERING',
          }),
        ),
        3000,
      );
      expect(res.code).toBe(ResponseCode.SUCCESS);
      const got = decodeQueryAssignmentResponseBody(res.body)
        .messageQueueAssignments.map((a) => `${a.messageQueue.brokerName}:${a.messageQueue.queueId}`)
        .sort();
      expect(got).toEqual(['broker-a:0', 'broker-a:1', 'broker-b:0', 'broker-b:1']);
    } finally {
      await client.shutdown();
      await brokerB.shutdown();
      await mq.shutdown();
      fs.rmSync(rootB, { recursive: true, force: true });
    }
  });
});

describe('POP checkpoints survive a broker restart', () => {
  it('a message popped and not acked before a restart comes back after invisibleTime', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rn-pop-restart-'));
    const client = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    client.start();
    let mq = await EmbeddedRocketMQ.start({ storePathRootDir: root, brokerConfig: BROKER_CONFIG });
    try {
      const topic = 'PopRestartTopic';
      const group = 'GPopRestart';
      expect((await client.invoke(mq.brokerAddr, sendRequest(topic, 'persist'), 3000)).code).toBe(ResponseCode.SUCCESS);
      await mq.broker.messageStore.waitDispatched();
      const first = await client.invoke(mq.brokerAddr, popRequest(group, topic, { invisibleTime: 1500 }), 3000);
      expect(first.code).toBe(ResponseCode.SUCCESS);
      await mq.shutdown();
      mq = await EmbeddedRocketMQ.start({ storePathRootDir: root, brokerConfig: BROKER_CONFIG });
      expect(mq.broker.popMessageProcessor.checkpoints.size).toBe(1);
      const addr = mq.brokerAddr;
      const again = await waitFor(
        async () => {
          const r = await client.invoke(addr, popRequest(group, topic), 3000);
          return r.code === ResponseCode.SUCCESS ? r : undefined;
        },
        { timeoutMs: 5000, intervalMs: 50 },
      );
      const [msg] = decodeMessageRecords(again.body!);
      expect(msg!.body.toString()).toBe('persist');
      expect(msg!.reconsumeTimes).toBe(1);
    } finally {
      await client.shutdown();
      await mq.shutdown();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
