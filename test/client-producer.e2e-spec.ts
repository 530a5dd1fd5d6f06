import { BrokerController, silentLogger, type EmbeddedRocketMQ } from '@rocketnest/broker';
import { MQClientError, Message, type MessageExt } from '@rocketnest/common';
import {
  DefaultLitePullConsumer,
  DefaultMQAdminExt,
  DefaultMQProducer,
  SelectMessageQueueByHash,
  SendStatus,
  TopicPublishInfo,
} from '@rocketnest/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './utils/wait-for';
import { FAST, createTopic, readAll, startCluster, unique } from './client-helpers';

describe('DefaultMQProducer against the embedded broker', () => {
  let cluster: EmbeddedRocketMQ;
  let producer: DefaultMQProducer;

  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster.shutdown();
  });
  beforeEach(async () => {
    producer = new DefaultMQProducer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: unique('pg'),
      instanceName: unique('p'),
    });
    await producer.start();
  });
  afterEach(async () => {
    await producer.shutdown();
  });

  it('sends sync, async (promise and callback), oneway and batch messages that arrive intact', async () => {
    const topic = unique('T');
    await createTopic(cluster.namesrvAddr, topic);
    const sync = await producer.send(
      new Message(topic, 'sync', { tags: 'TagA', keys: ['k1', 'k2'], properties: { p: 'v' } }),
    );
    expect(sync.sendStatus).toBe(SendStatus.SEND_OK);
    expect(sync.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(sync.offsetMsgId).toMatch(/^[0-9A-F]{32}$/);
    expect(sync.messageQueue.topic).toBe(topic);
    const asyncResult = await producer.sendAsync(new Message(topic, 'async'));
    expect(asyncResult.sendStatus).toBe(SendStatus.SEND_OK);
    const viaCallback = await new Promise<string>((resolve, reject) =>
      producer.send(new Message(topic, 'callback'), (err, r) => (err ? reject(err) : resolve(r!.msgId))),
    );
    await producer.sendOneway(new Message(topic, 'oneway'));
    const batch = await producer.send([new Message(topic, 'b1'), new Message(topic, 'b2'), new Message(topic, 'b3')]);
    expect(batch.msgId.split(',')).toHaveLength(3);
    const big = Buffer.alloc(20000, 'z');
    await producer.send(new Message(topic, big));

    const msgs = await readAll(cluster.namesrvAddr, topic, 8);
    const bodies = msgs.map((m) => m.body.toString()).sort();
    expect(bodies).toEqual(['async', 'b1', 'b2', 'b3', 'callback', 'oneway', 'sync', big.toString()].sort());
    const first = msgs.find((m) => m.body.toString() === 'sync')!;
    expect(first.tags).toBe('TagA');
    expect(first.keys).toBe('k1 k2');
    expect(first.getUserProperty('p')).toBe('v');
    expect(first.msgId).toBe(sync.msgId);
    expect(msgs.find((m) => m.msgId === viaCallback)).toBeDefined();
    expect(msgs.find((m) => m.body.length === 20000)!.body.equals(big)).toBe(true);
  });

  it('applies back-pressure to async sends and keeps namespaces apart', async () => {
    const topic = unique('Bp');
    const limited = new DefaultMQProducer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: unique('pg'),
      instanceName: unique('p'),
      maxAsyncInFlight: 2,
      namespace: 'nsA',
    });
    await limited.start();
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => limited.sendAsync(new Message(topic, `bp${i}`))),
      );
      expect(results.every((r) => r.sendStatus === SendStatus.SEND_OK && r.messageQueue.topic === topic)).toBe(true);
      const admin = new DefaultMQAdminExt({ namesrvAddr: cluster.namesrvAddr, clientIP: '127.0.0.1' });
      await admin.start();
      try {
        expect(await admin.fetchAllTopicList()).toContain(`nsA%${topic}`);
        expect(await admin.fetchAllTopicList()).not.toContain(topic);
      } finally {
        await admin.shutdown();
      }
    } finally {
      await limited.shutdown();
    }
  });

  it('fails over to the next name server in the list', async () => {
    const topic = unique('Fo');
    await createTopic(cluster.namesrvAddr, topic);
    const p = new DefaultMQProducer({
      ...FAST,
      namesrvAddr: `127.0.0.1:1;${cluster.namesrvAddr}`,
      producerGroup: unique('pg'),
      instanceName: unique('p'),
    });
    await p.start();
    try {
      expect((await p.send(new Message(topic, 'via second name server'))).sendStatus).toBe(SendStatus.SEND_OK);
    } finally {
      await p.shutdown();
    }
  });

  it('sends to a chosen queue and through a hash selector', async () => {
    const topic = unique('T');
    await createTopic(cluster.namesrvAddr, topic);
    const mqs = await producer.fetchPublishMessageQueues(topic);
    expect(mqs).toHaveLength(4);
    const r = await producer.send(new Message(topic, 'q2'), { queue: mqs[2] });
    expect(r.messageQueue.queueId).toBe(2);
    const selector = new SelectMessageQueueByHash();
    const chosen = new Set<number>();
    for (let i = 0; i < 5; i++)
      chosen.add((await producer.send(new Message(topic, `o${i}`), { selector, arg: 'order-7' })).messageQueue.queueId);
    expect(chosen.size).toBe(1);
    const custom = await producer.send(new Message(topic, 'c'), { selector: (list) => list[1]!, arg: null });
    expect(custom.messageQueue.queueId).toBe(1);
  });

  it('auto-creates a topic through TBW102', async () => {
    const topic = unique('Auto');
    const r = await producer.send(new Message(topic, 'auto'));
    expect(r.sendStatus).toBe(SendStatus.SEND_OK);
    const admin = new DefaultMQAdminExt({ namesrvAddr: cluster.namesrvAddr, clientIP: '127.0.0.1' });
    await admin.start();
    try {
      await waitFor(async () => (await admin.examineTopicRouteInfo(topic)).queueDatas.length > 0, { timeoutMs: 5000 });
    } finally {
      await admin.shutdown();
    }
  });

  it('rejects bad input with typed errors', async () => {
    await expect(producer.send(new Message(unique('T'), ''))).rejects.toBeInstanceOf(MQClientError);
    await expect(producer.send(new Message('bad topic!', 'x'))).rejects.toBeInstanceOf(MQClientError);
    const m = new Message(unique('T'), 'x');
    m.delayTimeLevel = 2;
    await expect(producer.send([m])).rejects.toThrow(/delay/);
  });

  it('request-reply correlates the reply', async () => {
    const topic = unique('Req');
    await createTopic(cluster.namesrvAddr, topic);
    const replier = new DefaultLitePullConsumer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: unique('rep'),
      instanceName: unique('rep'),
      brokerSuspendMaxTimeMillis: 200,
    });
    replier.subscribe(topic, '*');
    await replier.start();
    const replyProducer = new DefaultMQProducer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: unique('rp'),
      instanceName: unique('rp'),
    });
    await replyProducer.start();
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        for (const msg of await replier.poll(100)) await replyProducer.sendReply(msg, `re:${msg.body.toString()}`);
      }
    })();
    try {
      await waitFor(() => replier.assignment().length === 4, { timeoutMs: 5000 });
      const reply = await producer.request(new Message(topic, 'ping'), 8000);
      expect(reply.body.toString()).toBe('re:ping');
      const viaCallback = await new Promise<MessageExt>((resolve, reject) =>
        producer.request(new Message(topic, 'pong'), 8000, (err, r) => (err ? reject(err) : resolve(r!)), {
          selector: (mqs) => mqs[0]!,
        }),
      );
      expect(viaCallback.body.toString()).toBe('re:pong');
    } finally {
      stop = true;
      await loop;
      await replyProducer.shutdown();
      await replier.shutdown();
    }
  });

  it('request-reply reaches the right producer when several producers share one client instance', async () => {
    const topic = unique('ReqShared');
    await createTopic(cluster.namesrvAddr, topic);
    const replier = new DefaultLitePullConsumer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: unique('rep'),
      instanceName: unique('rep'),
      brokerSuspendMaxTimeMillis: 200,
    });
    replier.subscribe(topic, '*');
    await replier.start();
    // The two requesters and the replier's producer all live in one client instance.
    const instanceName = unique('shared');
    const [a, b, replyProducer] = ['A', 'B', 'R'].map(
      (tag) =>
        new DefaultMQProducer({
          ...FAST,
          namesrvAddr: cluster.namesrvAddr,
          producerGroup: unique(`pg${tag}`),
          instanceName,
        }),
    ) as [DefaultMQProducer, DefaultMQProducer, DefaultMQProducer];
    await a.start();
    await b.start();
    await replyProducer.start();
    expect(a.clientInstance).toBe(b.clientInstance);
    expect(replyProducer.clientInstance).toBe(a.clientInstance);
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        for (const msg of await replier.poll(100)) await replyProducer.sendReply(msg, `re:${msg.body.toString()}`);
      }
    })();
    try {
      await waitFor(() => replier.assignment().length === 4, { timeoutMs: 5000 });
      const requests = [1, 2, 3].flatMap((i) => [
        a.request(new Message(topic, `A${i}`), 8000).then((r) => ['A', i, r.body.toString()] as const),
        b.request(new Message(topic, `B${i}`), 8000).then((r) => ['B', i, r.body.toString()] as const),
      ]);
      const replies = await Promise.all(requests);
      for (const [who, i, body] of replies) expect(body).toBe(`re:${who}${i}`);
      expect(a.clientInstance.pendingReplyCount).toBe(0);
      // A request that times out leaves nothing behind in the shared instance.
      stop = true;
      await loop;
      await expect(a.request(new Message(topic, 'lost'), 300)).rejects.toThrow(/No reply to request/);
      expect(a.clientInstance.pendingReplyCount).toBe(0);
    } finally {
      stop = true;
      await loop;
      await replyProducer.shutdown();
      await b.shutdown();
      await a.shutdown();
      await replier.shutdown();
    }
  });
});

describe('producer failover', () => {
  it('names the topic and the name servers when there is no route', async () => {
    const cluster = await startCluster({ autoCreateTopicEnable: false });
    const producer = new DefaultMQProducer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: unique('pg'),
      instanceName: unique('p'),
    });
    await producer.start();
    try {
      const topic = unique('Missing');
      const err = await producer.send(new Message(topic, 'x')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MQClientError);
      expect((err as Error).message).toContain(topic);
      expect((err as Error).message).toContain(cluster.namesrvAddr);
    } finally {
      await producer.shutdown();
      await cluster.shutdown();
    }
  });

  it('retries on another broker when one is dead, and fault tolerance then avoids it', async () => {
    const cluster = await startCluster();
    const dir = mkdtempSync(join(tmpdir(), 'rn-broker-b-'));
    const brokerB = new BrokerController(
      {
        storePathRootDir: dir,
        listenPort: 0,
        brokerIP1: '127.0.0.1',
        bindAddress: '127.0.0.1',
        healthPort: -1,
        brokerName: 'broker-b',
        namesrvAddr: cluster.namesrvAddr,
        mappedFileSizeCommitLog: 4 * 1024 * 1024,
        mappedFileSizeConsumeQueue: 6000 * 20,
      },
      { logger: silentLogger },
    );
    await brokerB.start();
    const topic = unique('Fail');
    const admin = new DefaultMQAdminExt({ namesrvAddr: cluster.namesrvAddr, clientIP: '127.0.0.1' });
    await admin.start();
    const producer = new DefaultMQProducer({
      namesrvAddr: cluster.namesrvAddr,
      clientIP: '127.0.0.1',
      producerGroup: unique('pg'),
      instanceName: unique('p'),
      sendLatencyFaultEnable: true,
      pollNameServerIntervalMs: 60000,
    });
    try {
      await admin.createAndUpdateTopicConfig({}, { topicName: topic, readQueueNums: 2, writeQueueNums: 2 });
      await waitFor(async () => (await admin.examineTopicRouteInfo(topic)).queueDatas.length === 2, {
        timeoutMs: 5000,
      });
      await producer.start();
      const brokers = new Set((await producer.fetchPublishMessageQueues(topic)).map((mq) => mq.brokerName));
      expect(brokers).toEqual(new Set(['broker-a', 'broker-b']));
      const deadAddr = brokerB.brokerAddr;
      await brokerB.shutdown();
      const results = [];
      // Point the producer at the route it had while broker-b was alive (its cache until the next refresh). The route
      // refresh the producer starts with may still be on its way and land after this with broker-b gone from the
      // route (the sends then never try it): point it again until a send has tried broker-b.
      for (let round = 0; round < 5 && producer.faultStrategy.latencyFaultTolerance.isAvailable('broker-b'); round++) {
        producer.clientInstance.brokerAddrTable.set('broker-b', new Map([[0, deadAddr]]));
        producer.updateTopicPublishInfo(
          topic,
          new TopicPublishInfo(
            ['broker-a', 'broker-b'].flatMap((brokerName) => [0, 1].map((queueId) => ({ topic, brokerName, queueId }))),
          ),
        );
        for (let i = 0; i < 8; i++) results.push(await producer.send(new Message(topic, `m${round}-${i}`)));
      }
      expect(
        results.every((r) => r.sendStatus === SendStatus.SEND_OK && r.messageQueue.brokerName === 'broker-a'),
      ).toBe(true);
      expect(producer.faultStrategy.latencyFaultTolerance.isAvailable('broker-b')).toBe(false);
      // With only the dead broker left, the send fails with a message naming the attempts and brokers.
      producer.updateTopicPublishInfo(topic, new TopicPublishInfo([{ topic, brokerName: 'broker-b', queueId: 0 }]));
      const err = await producer.send(new Message(topic, 'doomed'), { timeoutMs: 1500 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MQClientError);
      expect((err as Error).message).toMatch(
        /Send \[\d\] times, still failed, cost \[\d+\]ms, Topic: .*BrokersSent: \[broker-b/,
      );
    } finally {
      await producer.shutdown();
      await admin.shutdown();
      await brokerB.shutdown();
      await cluster.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
