/**
 * RESUME_CHECK_HALF_MESSAGE (323) over sockets: a half message the check service gave up on (moved to
 * TRANS_CHECK_MAX_TIME_TOPIC after `transactionCheckMax` checks) is put back in the half queue with its check count
 * at 0, so the producer is asked again and can commit it.
 */
import { EmbeddedRocketMQ } from '@rocketnest/broker';
import {
  Message,
  MessageConst,
  RequestCode,
  ResponseCode,
  SystemTopic,
  createOffsetMessageId,
  type MessageExt,
} from '@rocketnest/common';
import { DefaultMQAdminExt, LocalTransactionState, TransactionMQProducer } from '@rocketnest/client';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';
import { waitFor } from './utils/wait-for';
import { FAST, createTopic, unique } from './client-helpers';

describe('RESUME_CHECK_HALF_MESSAGE (e2e over sockets)', () => {
  let mq: EmbeddedRocketMQ;
  let raw: RemotingClient;
  let admin: DefaultMQAdminExt;
  let producer: TransactionMQProducer | undefined;

  beforeAll(async () => {
    // One check, then the next run gives the message up.
    mq = await EmbeddedRocketMQ.start({
      brokerConfig: { transactionCheckInterval: 200, transactionTimeOut: 100, transactionCheckMax: 1 },
    });
    raw = new RemotingClient({ channelMaxIdleTimeMs: 0 });
    raw.start();
    admin = new DefaultMQAdminExt({ namesrvAddr: mq.namesrvAddr, clientIP: '127.0.0.1' });
    await admin.start();
  });

  afterAll(async () => {
    await producer?.shutdown();
    await admin.shutdown();
    await raw.shutdown();
    await mq.shutdown();
  });

  const resume = (header: Record<string, string>): Promise<RemotingCommand> =>
    raw.invoke(mq.brokerAddr, RemotingCommand.createRequest(RequestCode.RESUME_CHECK_HALF_MESSAGE, header), 3000);

  it('puts a given-up half message back so the check service asks the producer again', async () => {
    const topic = unique('Resume');
    await createTopic(mq.namesrvAddr, topic, 1);
    let answer: LocalTransactionState = LocalTransactionState.UNKNOW;
    const checks: MessageExt[] = [];
    producer = new TransactionMQProducer({
      ...FAST,
      namesrvAddr: mq.namesrvAddr,
      producerGroup: unique('txg'),
      instanceName: unique('tx'),
      transactionListener: {
        executeLocalTransaction: () => LocalTransactionState.UNKNOW,
        checkLocalTransaction: (msg) => {
          checks.push(msg);
          return answer;
        },
      },
    });
    await producer.start();
    // The broker must know the producer's connection before the first check: a plain send finds the broker, then
    // the next heartbeat registers the group.
    const group = producer.groupName;
    await producer.send(new Message(topic, 'warm-up'));
    await waitFor(() => mq.broker.producerManager.getAvailableChannel(group), { timeoutMs: 5000 });
    const sent = await producer.sendMessageInTransaction(new Message(topic, 'resume-me'));
    expect(sent.localTransactionState).toBe(LocalTransactionState.UNKNOW);

    // Checked once (UNKNOW), then moved to TRANS_CHECK_MAX_TIME_TOPIC.
    const store = mq.broker.messageStore;
    await waitFor(() => store.getMaxOffsetInQueue(SystemTopic.TRANS_CHECK_MAX_TIME_TOPIC, 0) >= 1, {
      timeoutMs: 10000,
      message: 'the half message was never given up',
    });
    // The check request is oneway: the producer's checker may run a moment later.
    await waitFor(() => checks.length === 1);
    const given = await waitFor(async () => {
      try {
        return await admin.queryMessageByUniqKey(SystemTopic.TRANS_CHECK_MAX_TIME_TOPIC, sent.msgId);
      } catch {
        return undefined;
      }
    });
    expect(given.getProperty(MessageConst.REAL_TOPIC)).toBe(topic);
    const halfMax = store.getMaxOffsetInQueue(SystemTopic.TRANS_HALF_TOPIC, 0);

    answer = LocalTransactionState.COMMIT_MESSAGE;
    const res = await resume({ msgId: given.offsetMsgId });
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(res.remark ?? null).toBeNull();
    // A new half-queue entry, checked again from count 0: the producer commits and the message reaches its topic
    // (after the warm-up message).
    expect(store.getMaxOffsetInQueue(SystemTopic.TRANS_HALF_TOPIC, 0)).toBe(halfMax + 1);
    await waitFor(() => store.getMaxOffsetInQueue(topic, 0) === 2, {
      timeoutMs: 10000,
      message: 'the resumed half message was never committed',
    });
    expect(checks.length).toBe(2);
    expect(checks[1]!.getProperty(MessageConst.TRANSACTION_CHECK_TIMES)).toBe('1');
    expect(checks[1]!.body.toString()).toBe('resume-me');
  });

  it("answers Java's SYSTEM_ERROR for a missing, malformed or unknown msgId", async () => {
    const remark = 'Exception was thrown when putting message back to RMQ_SYS_TRANS_HALF_TOPIC.';
    const unknown = createOffsetMessageId(mq.broker.storeHost, 1 << 30);
    const headers: Array<Record<string, string>> = [{}, { msgId: 'not-a-msg-id' }, { msgId: unknown }];
    for (const header of headers) {
      const res = await resume(header);
      expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(res.remark).toBe(remark);
    }
  });
});
