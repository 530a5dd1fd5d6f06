import type { EmbeddedRocketMQ } from '@rocketnest/broker';
import { Message, type MessageExt } from '@rocketnest/common';
import {
  ConsumeConcurrentlyStatus,
  ConsumeFromWhere,
  DefaultMQAdminExt,
  DefaultMQProducer,
  DefaultMQPushConsumer,
  LocalTransactionState,
  TransactionMQProducer,
} from '@rocketnest/client';
import { waitFor } from './utils/wait-for';
import { FAST, createTopic, startCluster, unique } from './client-helpers';

describe('transactions and admin against the embedded broker', () => {
  let cluster: EmbeddedRocketMQ;
  let admin: DefaultMQAdminExt;
  const toStop: Array<{ shutdown(): Promise<void> }> = [];

  beforeAll(async () => {
    cluster = await startCluster({ transactionCheckInterval: 500, transactionTimeOut: 300 });
    admin = new DefaultMQAdminExt({ namesrvAddr: cluster.namesrvAddr, clientIP: '127.0.0.1' });
    await admin.start();
  });
  afterEach(async () => {
    while (toStop.length > 0) await toStop.pop()!.shutdown();
  });
  afterAll(async () => {
    await admin.shutdown();
    await cluster.shutdown();
  });

  function collect(topic: string, group = unique('g')): { consumer: DefaultMQPushConsumer; got: MessageExt[] } {
    const got: MessageExt[] = [];
    const consumer = new DefaultMQPushConsumer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: group,
      instanceName: unique('c'),
      consumeFromWhere: ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET,
    });
    consumer.subscribe(topic, '*');
    consumer.registerMessageListener({
      consumeMessage: (msgs) => {
        got.push(...msgs);
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    toStop.push(consumer);
    return { consumer, got };
  }

  it('commits, rolls back, and answers check-backs', async () => {
    const topic = unique('Tx');
    await createTopic(cluster.namesrvAddr, topic, 1);
    const checked: string[] = [];
    const producer = new TransactionMQProducer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: unique('txg'),
      instanceName: unique('tx'),
      transactionListener: {
        executeLocalTransaction: (msg) => {
          const body = msg.body.toString();
          if (body === 'commit') return LocalTransactionState.COMMIT_MESSAGE;
          if (body === 'rollback') return LocalTransactionState.ROLLBACK_MESSAGE;
          return LocalTransactionState.UNKNOW;
        },
        checkLocalTransaction: (msg) => {
          checked.push(msg.body.toString());
          return LocalTransactionState.COMMIT_MESSAGE;
        },
      },
    });
    toStop.push(producer);
    await producer.start();
    const c = await producer.sendMessageInTransaction(new Message(topic, 'commit'), 1);
    expect(c.localTransactionState).toBe(LocalTransactionState.COMMIT_MESSAGE);
    expect(c.transactionId).toBe(c.msgId);
    const r = await producer.sendMessageInTransaction(new Message(topic, 'rollback'));
    expect(r.localTransactionState).toBe(LocalTransactionState.ROLLBACK_MESSAGE);
    const u = await producer.sendMessageInTransaction(new Message(topic, 'unknown'));
    expect(u.localTransactionState).toBe(LocalTransactionState.UNKNOW);
    const { consumer, got } = collect(topic);
    await consumer.start();
    await waitFor(() => got.length >= 2, {
      timeoutMs: 15000,
      message: 'the committed and the checked-back message should arrive',
    });
    expect(got.map((m) => m.body.toString()).sort()).toEqual(['commit', 'unknown']);
    expect(checked).toContain('unknown');
  });

  it('reports cluster, topics, stats, lag, connections, messages and runtime info', async () => {
    const topic = unique('Adm');
    const group = unique('g');
    await createTopic(cluster.namesrvAddr, topic, 2);
    const info = await admin.examineBrokerClusterInfo();
    expect([...info.clusterAddrTable.values()].flat()).toContain('broker-a');
    expect(await admin.fetchAllTopicList()).toContain(topic);

    const producer = new DefaultMQProducer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: unique('pg'),
      instanceName: unique('p'),
    });
    toStop.push(producer);
    await producer.start();
    const sent = [];
    for (let i = 0; i < 6; i++) sent.push(await producer.send(new Message(topic, `a${i}`, { keys: `key-${i}` })));
    // the store dispatches to consume queues asynchronously
    await waitFor(async () => (await admin.examineTopicStats(topic)).reduce((s, q) => s + q.maxOffset, 0) === 6, {
      timeoutMs: 5000,
    });
    expect(await admin.examineTopicStats(topic)).toHaveLength(2);

    const viewed = await admin.viewMessage(sent[0]!.offsetMsgId);
    expect(viewed.body.toString()).toBe('a0');
    await waitFor(async () => (await admin.queryMessage(topic, 'key-3')).length === 1, { timeoutMs: 5000 });
    expect((await admin.queryMessage(topic, 'key-3'))[0]!.body.toString()).toBe('a3');
    expect((await admin.queryMessageByUniqKey(topic, sent[4]!.msgId)).body.toString()).toBe('a4');
    const runtime = await admin.fetchBrokerRuntimeStats(cluster.brokerAddr);
    expect(Object.keys(runtime).length).toBeGreaterThan(0);

    // a consumer that fails nothing but has consumed only after start: lag 0 once drained
    const { consumer, got } = collect(topic, group);
    await consumer.start();
    await waitFor(() => got.length === 6, { timeoutMs: 10000 });
    await waitFor(
      async () => {
        const cs = await admin.examineConsumeStats(group, topic);
        return cs.offsetTable.length === 2 && cs.diffTotal === 0;
      },
      { timeoutMs: 5000 },
    );
    const conn = await admin.examineConsumerConnectionInfo(group);
    expect(conn.connectionSet).toHaveLength(1);
    expect(conn.messageModel).toBe('CLUSTERING');

    // reset while online: the broker tells the consumer, which consumes everything again
    await admin.resetOffsetByTimestamp(topic, group, 0);
    await waitFor(() => got.length >= 12, { timeoutMs: 10000, message: 'reset offsets should redeliver all 6' });
    // reset while offline: offsets are written on the broker directly
    await consumer.shutdown();
    await admin.resetOffsetByTimestamp(topic, group, 0);
    const lag = await admin.examineConsumeStats(group, topic);
    expect(lag.diffTotal).toBe(6);
  });

  it('creates and deletes subscription groups and topics', async () => {
    const topic = unique('Del');
    const group = unique('sg');
    await createTopic(cluster.namesrvAddr, topic, 1);
    await admin.createAndUpdateSubscriptionGroupConfig({}, { groupName: group, retryMaxTimes: 3 });
    await admin.deleteSubscriptionGroup({}, group);
    await admin.deleteTopic(topic);
    await waitFor(async () => !(await admin.fetchAllTopicList()).includes(topic), { timeoutMs: 5000 });
  });
});
