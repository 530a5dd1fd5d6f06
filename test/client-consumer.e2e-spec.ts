import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedRocketMQ } from '@rocketnest/broker';
import { Message, MessageExt, javaMapEntries, messageQueueKey, parseJavaJson } from '@rocketnest/common';
import {
  ConsumeConcurrentlyStatus,
  ConsumeFromWhere,
  ConsumeOrderlyStatus,
  DefaultLitePullConsumer,
  DefaultMQAdminExt,
  DefaultMQProducer,
  DefaultMQPushConsumer,
  MessageModel,
  MessageSelector,
  type PushConsumerOptions,
} from '@rocketnest/client';
import { waitFor } from './utils/wait-for';
import { FAST, createTopic, startCluster, unique } from './client-helpers';

describe('consumers against the embedded broker', () => {
  let cluster: EmbeddedRocketMQ;
  let producer: DefaultMQProducer;
  const toStop: Array<{ shutdown(): Promise<void> }> = [];

  beforeAll(async () => {
    cluster = await startCluster({
      enablePropertyFilter: true,
      messageDelayLevel: '1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s',
    });
    producer = new DefaultMQProducer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: unique('pg'),
      instanceName: unique('p'),
    });
    await producer.start();
  });
  afterEach(async () => {
    while (toStop.length > 0) await toStop.pop()!.shutdown();
  });
  afterAll(async () => {
    await producer.shutdown();
    await cluster.shutdown();
  });

  function pushConsumer(group: string, extra: Partial<PushConsumerOptions> = {}): DefaultMQPushConsumer {
    const c = new DefaultMQPushConsumer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: group,
      instanceName: unique('c'),
      consumeFromWhere: ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET,
      ...extra,
    });
    toStop.push(c);
    return c;
  }

  async function sendN(topic: string, n: number, tags?: (i: number) => string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await producer.send(new Message(topic, `m${i}`, { tags: tags?.(i) }))).msgId);
    return ids;
  }

  it('clustering push: receives every message once, filtered by tag, and commits offsets', async () => {
    const topic = unique('Push');
    const group = unique('g');
    await createTopic(cluster.namesrvAddr, topic);
    const ids = await sendN(topic, 20, (i) => (i % 2 === 0 ? 'A' : 'B'));
    const got: string[] = [];
    const c = pushConsumer(group, { consumeMessageBatchMaxSize: 4 });
    c.subscribe(topic, 'A || C');
    c.registerMessageListener({
      consumeMessage: (msgs) => {
        for (const m of msgs) got.push(m.msgId);
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    await c.start();
    await waitFor(() => got.length >= 10, { timeoutMs: 10000 });
    expect(new Set(got)).toEqual(new Set(ids.filter((_, i) => i % 2 === 0)));
    const admin = new DefaultMQAdminExt({ namesrvAddr: cluster.namesrvAddr, clientIP: '127.0.0.1' });
    await admin.start();
    try {
      await waitFor(async () => (await admin.examineConsumeStats(group, topic)).diffTotal === 0, { timeoutMs: 5000 });
    } finally {
      await admin.shutdown();
    }
  });

  it("namespaces: a namespaced consumer gets the namespaced producer's messages under the plain topic name", async () => {
    const topic = unique('Ns');
    const nsProducer = new DefaultMQProducer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: unique('pg'),
      instanceName: unique('p'),
      namespace: 'nsB',
    });
    toStop.push(nsProducer);
    await nsProducer.start();
    await nsProducer.send(new Message(topic, 'warm-up')); // auto-creates nsB%topic
    const got: MessageExt[] = [];
    const c = pushConsumer(unique('g'), { namespace: 'nsB' });
    c.subscribe(topic, '*');
    c.registerMessageListener({
      consumeMessage: (msgs, ctx) => {
        expect(ctx.messageQueue.topic).toBe(topic);
        got.push(...msgs);
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    await c.start();
    await nsProducer.send(new Message(topic, 'ns-1'));
    await waitFor(() => got.some((m) => m.body.toString() === 'ns-1'), { timeoutMs: 10000 });
    expect(got.every((m) => m.topic === topic)).toBe(true);
  });

  it('SQL92 selector and async iterator style', async () => {
    const topic = unique('Sql');
    await createTopic(cluster.namesrvAddr, topic);
    for (let i = 0; i < 6; i++) await producer.send(new Message(topic, `s${i}`, { properties: { n: String(i) } }));
    const c = pushConsumer(unique('g'));
    c.subscribe(topic, MessageSelector.bySql('n >= 3'));
    const it = c[Symbol.asyncIterator]();
    await c.start();
    const bodies: string[] = [];
    while (bodies.length < 3) {
      const r = await it.next();
      if (r.done) break;
      bodies.push(r.value.body.toString());
    }
    await it.return?.();
    expect(bodies.sort()).toEqual(['s3', 's4', 's5']);
  });

  it('RECONSUME_LATER retries through the retry topic, then lands in the DLQ', async () => {
    const topic = unique('Retry');
    const group = unique('g');
    await createTopic(cluster.namesrvAddr, topic, 1);
    const [id] = await sendN(topic, 1);
    const attempts: number[] = [];
    const c = pushConsumer(group, { maxReconsumeTimes: 2 });
    c.subscribe(topic, '*');
    c.registerMessageListener({
      consumeMessage: (msgs, ctx) => {
        for (const m of msgs) {
          expect(m.topic).toBe(topic);
          attempts.push(m.reconsumeTimes);
        }
        ctx.delayLevelWhenNextConsume = 1;
        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
      },
    });
    await c.start();
    await waitFor(() => attempts.length >= 3, { timeoutMs: 15000 });
    expect(attempts.slice(0, 3)).toEqual([0, 1, 2]);
    const dlq = new DefaultLitePullConsumer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: unique('dlqreader'),
      instanceName: unique('d'),
      brokerSuspendMaxTimeMillis: 200,
    });
    toStop.push(dlq);
    await dlq.start();
    const found: MessageExt[] = [];
    await waitFor(
      async () => {
        const mqs = await dlq.fetchMessageQueues(`%DLQ%${group}`).catch(() => []);
        if (mqs.length === 0) return false;
        if (dlq.assignment().length === 0) {
          dlq.assign(mqs);
          for (const mq of mqs) dlq.seek(mq, 0);
        }
        found.push(...(await dlq.poll(200)));
        return found.length > 0;
      },
      { timeoutMs: 15000 },
    );
    expect(found[0]!.getProperty('UNIQ_KEY')).toBe(id);
  });

  async function readDlq(group: string, expected: number): Promise<MessageExt[]> {
    const dlq = new DefaultLitePullConsumer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: unique('dlqreader'),
      instanceName: unique('d'),
      brokerSuspendMaxTimeMillis: 200,
    });
    toStop.push(dlq);
    await dlq.start();
    const found: MessageExt[] = [];
    await waitFor(
      async () => {
        const mqs = await dlq.fetchMessageQueues(`%DLQ%${group}`).catch(() => []);
        if (mqs.length === 0) return false;
        if (dlq.assignment().length === 0) {
          dlq.assign(mqs);
          for (const mq of mqs) dlq.seek(mq, 0);
        }
        found.push(...(await dlq.poll(200)));
        return found.length >= expected;
      },
      { timeoutMs: 15000, message: `expected ${expected} messages in %DLQ%${group}` },
    );
    return found;
  }

  it('sendMessageBack: a delay level redelivers, -1 goes straight to the DLQ, an unknown broker falls back', async () => {
    const topic = unique('Back');
    const group = unique('g');
    await createTopic(cluster.namesrvAddr, topic, 1);
    const [laterId, deadId, fallbackId] = [
      (await producer.send(new Message(topic, 'later'))).msgId,
      (await producer.send(new Message(topic, 'dead'))).msgId,
      (await producer.send(new Message(topic, 'fallback'))).msgId,
    ];
    const deliveries: Array<{ body: string; reconsumeTimes: number }> = [];
    const errors: unknown[] = [];
    const c = pushConsumer(group);
    await expect(c.sendMessageBack(new MessageExt(), 1)).rejects.toThrow(/not running/);
    c.subscribe(topic, '*');
    c.registerMessageListener({
      consumeMessage: async (msgs) => {
        for (const m of msgs) {
          const body = m.body.toString();
          deliveries.push({ body, reconsumeTimes: m.reconsumeTimes });
          try {
            if (body === 'later' && m.reconsumeTimes === 0) await c.sendMessageBack(m, 1);
            if (body === 'dead') await c.sendMessageBack(m, -1);
            if (body === 'fallback') await c.sendMessageBack(m, -1, 'no-such-broker');
          } catch (err) {
            errors.push(err);
          }
        }
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    await c.start();
    await waitFor(() => deliveries.some((d) => d.body === 'later' && d.reconsumeTimes === 1), { timeoutMs: 10000 });
    const dead = await readDlq(group, 2);
    expect(errors).toEqual([]);
    const byKey = new Map(dead.map((m) => [m.getProperty('UNIQ_KEY'), m]));
    expect([...byKey.keys()].sort()).toEqual([deadId, fallbackId].sort());
    // CONSUMER_SEND_MSG_BACK: the broker copied the stored message into the DLQ.
    expect(byKey.get(deadId)!.body.toString()).toBe('dead');
    // (the broker names the origin by the offset msgId of the stored record)
    expect(byKey.get(deadId)!.getProperty('ORIGIN_MESSAGE_ID')).toMatch(/^[0-9A-F]{32}$/);
    expect(byKey.get(deadId)!.getProperty('ORIGIN_MESSAGE_ID')).not.toBe(deadId);
    // Fallback: re-sent by the client with Java's retry properties (RECONSUME_TIME and MAX_RECONSUME_TIMES 0 travel
    // in the send header), which the broker routes to the DLQ.
    const fallback = byKey.get(fallbackId)!;
    expect(fallback.body.toString()).toBe('fallback');
    expect(fallback.getProperty('ORIGIN_MESSAGE_ID')).toBe(fallbackId);
    expect(fallback.getProperty('RETRY_TOPIC')).toBe(topic);
    expect(fallback.reconsumeTimes).toBe(1);
    // Neither dead letter came back, and the delayed one came back exactly once.
    expect(deliveries.filter((d) => d.body !== 'later').map((d) => d.reconsumeTimes)).toEqual([0, 0]);
    expect(deliveries.filter((d) => d.body === 'later').map((d) => d.reconsumeTimes)).toEqual([0, 1]);
    expect(laterId).toBeDefined();
  });

  it('broadcasting: every member gets every message and offsets are written to disk', async () => {
    const topic = unique('Bc');
    const group = unique('g');
    const dir = mkdtempSync(join(tmpdir(), 'rn-bc-'));
    let consumers: DefaultMQPushConsumer[] = [];
    try {
      await createTopic(cluster.namesrvAddr, topic, 2);
      const got = [new Set<string>(), new Set<string>()];
      consumers = [0, 1].map((i) => {
        const c = pushConsumer(group, { messageModel: MessageModel.BROADCASTING, offsetStoreDir: dir });
        c.subscribe(topic, '*');
        c.registerMessageListener({
          consumeMessage: (msgs) => {
            for (const m of msgs) got[i]!.add(m.msgId);
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
          },
        });
        return c;
      });
      for (const c of consumers) await c.start();
      await waitFor(() => consumers.every((c) => c.assignedQueues().length === 2), { timeoutMs: 5000 });
      const ids = await sendN(topic, 10);
      await waitFor(() => got.every((s) => s.size === 10), { timeoutMs: 10000 });
      expect([...got[0]!].sort()).toEqual([...ids].sort());
      await consumers[0]!.shutdown();
      const sumOffsets = (clientDir: string): number => {
        const file = join(dir, clientDir, group, 'offsets.json');
        if (!existsSync(file)) return -1;
        const raw = parseJavaJson(readFileSync(file, 'utf8'), { bigIntegers: 'number' }) as { offsetTable: unknown };
        return javaMapEntries(raw.offsetTable, 'offsetTable').reduce((sum, [, v]) => sum + Number(v), 0);
      };
      await waitFor(() => readdirSync(dir).length === 2 && readdirSync(dir).every((d) => sumOffsets(d) === 10), {
        timeoutMs: 5000,
        message: 'both broadcasting members should have offsets 10 on disk',
      });
    } finally {
      // Stop the members first: their shutdown persists offsets into `dir`.
      for (const c of consumers) await c.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rebalance: a third consumer joins and one leaves; no queue owned twice or orphaned, no message lost', async () => {
    const topic = unique('Reb');
    const group = unique('g');
    await createTopic(cluster.namesrvAddr, topic, 8);
    const seen = new Set<string>();
    const mk = (): DefaultMQPushConsumer => {
      const c = pushConsumer(group);
      c.subscribe(topic, '*');
      c.registerMessageListener({
        consumeMessage: (msgs) => {
          for (const m of msgs) seen.add(m.msgId);
          return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        },
      });
      return c;
    };
    const owned = (cs: DefaultMQPushConsumer[]): string[] => cs.flatMap((c) => c.assignedQueues().map(messageQueueKey));
    const balanced = (cs: DefaultMQPushConsumer[]): boolean => {
      const all = owned(cs);
      return all.length === 8 && new Set(all).size === 8 && cs.every((c) => c.assignedQueues().length > 0);
    };
    const a = mk();
    const b = mk();
    await a.start();
    await b.start();
    await waitFor(() => balanced([a, b]), { timeoutMs: 10000, message: 'two members never split the 8 queues' });
    const sent: string[] = [];
    let sending = true;
    const feeder = (async () => {
      let i = 0;
      while (sending) sent.push((await producer.send(new Message(topic, `r${i++}`))).msgId);
    })();
    const c3 = mk();
    await c3.start();
    await waitFor(() => balanced([a, b, c3]), { timeoutMs: 10000, message: 'three members never split the queues' });
    await b.shutdown();
    await waitFor(() => balanced([a, c3]), { timeoutMs: 10000, message: 'queues of the leaver were not taken over' });
    sending = false;
    await feeder;
    await waitFor(() => sent.every((id) => seen.has(id)), {
      timeoutMs: 15000,
      message: 'messages were lost across the rebalance',
    });
    expect(sent.length).toBeGreaterThan(0);
  });

  it('orderly: per-queue order is kept across a rebalance', async () => {
    const topic = unique('Ord');
    const group = unique('g');
    await createTopic(cluster.namesrvAddr, topic, 4);
    const perQueue = new Map<string, number[]>();
    const mk = (): DefaultMQPushConsumer => {
      const c = pushConsumer(group, { consumeMessageBatchMaxSize: 1 });
      c.subscribe(topic, '*');
      c.registerMessageListener({
        kind: 'orderly',
        consumeMessage: (msgs) => {
          for (const m of msgs) {
            const key = m.getUserProperty('key')!;
            const list = perQueue.get(key) ?? [];
            list.push(Number(m.getUserProperty('seq')));
            perQueue.set(key, list);
          }
          return ConsumeOrderlyStatus.SUCCESS;
        },
      });
      return c;
    };
    const a = mk();
    await a.start();
    await waitFor(() => a.assignedQueues().length === 4, { timeoutMs: 10000 });
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
    const send = async (from: number, to: number): Promise<void> => {
      for (let seq = from; seq < to; seq++) {
        for (const key of keys) {
          await producer.send(new Message(topic, `${key}-${seq}`, { properties: { key, seq: String(seq) } }), {
            selector: (mqs, _m, arg) => mqs[Number(String(arg).slice(1)) % mqs.length]!,
            arg: key,
          });
        }
      }
    };
    await send(0, 10);
    const b = mk();
    await b.start();
    await send(10, 20);
    await waitFor(() => a.assignedQueues().length + b.assignedQueues().length === 4 && b.assignedQueues().length > 0, {
      timeoutMs: 10000,
    });
    await send(20, 30);
    await waitFor(() => keys.every((k) => new Set(perQueue.get(k)).size === 30), {
      timeoutMs: 20000,
      message: 'not every ordered message arrived',
    });
    for (const k of keys) {
      const seqs = perQueue.get(k)!;
      // Orderly consumption may redeliver after a queue changes hands, but never goes backwards within one delivery run.
      const firstSeen = seqs.filter((s, i) => seqs.indexOf(s) === i);
      expect(firstSeen).toEqual([...firstSeen].sort((x, y) => x - y));
    }
  });

  it('orderly: suspends and retries locally, then moves the message to the DLQ after maxReconsumeTimes', async () => {
    const topic = unique('OrdDlq');
    const group = unique('g');
    await createTopic(cluster.namesrvAddr, topic, 1);
    const attempts: number[] = [];
    const after: string[] = [];
    const c = pushConsumer(group, { maxReconsumeTimes: 1, suspendCurrentQueueTimeMillis: 50 });
    c.subscribe(topic, '*');
    c.registerMessageListener({
      kind: 'orderly',
      consumeMessage: (msgs) => {
        const m = msgs[0]!;
        if (m.body.toString() === 'poison') {
          attempts.push(m.reconsumeTimes);
          return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        }
        after.push(m.body.toString());
        return ConsumeOrderlyStatus.SUCCESS;
      },
    });
    await c.start();
    const poison = await producer.send(new Message(topic, 'poison'));
    await producer.send(new Message(topic, 'next'));
    await waitFor(() => after.includes('next'), {
      timeoutMs: 10000,
      message: 'the queue should move on after the poison message',
    });
    expect(attempts).toEqual([0, 1]);
    const admin = new DefaultMQAdminExt({ namesrvAddr: cluster.namesrvAddr, clientIP: '127.0.0.1' });
    await admin.start();
    try {
      const dead = await waitFor(
        async () => await admin.queryMessageByUniqKey(`%DLQ%${group}`, poison.msgId).catch(() => undefined),
        {
          timeoutMs: 10000,
          message: 'the poison message should be in the DLQ',
        },
      );
      expect(dead.body.toString()).toBe('poison');
    } finally {
      await admin.shutdown();
    }
  });

  it('consume timeout: a message stuck in the listener is sent back and delivered again', async () => {
    const topic = unique('Stuck');
    await createTopic(cluster.namesrvAddr, topic, 1);
    const deliveries: number[] = [];
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((r) => (release = r));
    const c = pushConsumer(unique('g'), { consumeTimeout: 0.01 }); // 600 ms
    c.subscribe(topic, '*');
    c.registerMessageListener({
      consumeMessage: async (msgs) => {
        deliveries.push(msgs[0]!.reconsumeTimes);
        if (msgs[0]!.reconsumeTimes === 0) await stuck;
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    await c.start();
    await sendN(topic, 1);
    try {
      await waitFor(() => deliveries.includes(1), {
        timeoutMs: 10000,
        message: 'the timed-out message should come back',
      });
    } finally {
      release();
    }
  });

  it('graceful shutdown waits for a slow listener and persists its offset', async () => {
    const topic = unique('Slow');
    const group = unique('g');
    await createTopic(cluster.namesrvAddr, topic, 1);
    let started = 0;
    let finished = 0;
    const c = pushConsumer(group, { awaitTerminationMillisWhenShutdown: 5000 });
    c.subscribe(topic, '*');
    c.registerMessageListener({
      consumeMessage: async () => {
        started++;
        await new Promise((r) => setTimeout(r, 1200));
        finished++;
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
      },
    });
    await c.start();
    await sendN(topic, 1);
    await waitFor(() => started === 1, { timeoutMs: 10000 });
    await c.shutdown();
    expect(finished).toBe(1);
    const reader = new DefaultLitePullConsumer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: group,
      instanceName: unique('r'),
      autoCommit: false,
    });
    toStop.push(reader);
    await reader.start();
    const [mq] = await reader.fetchMessageQueues(topic);
    expect(await reader.committed(mq!)).toBe(1);
  });

  it('lite pull: subscribing members of one group split the queues', async () => {
    const topic = unique('LiteReb');
    const group = unique('g');
    await createTopic(cluster.namesrvAddr, topic, 4);
    const members = [0, 1].map(() => {
      const l = new DefaultLitePullConsumer({
        ...FAST,
        namesrvAddr: cluster.namesrvAddr,
        consumerGroup: group,
        instanceName: unique('l'),
        brokerSuspendMaxTimeMillis: 200,
      });
      toStop.push(l);
      l.subscribe(topic, '*');
      return l;
    });
    for (const l of members) await l.start();
    await waitFor(
      () => {
        const [a, b] = members.map((l) => l.assignment().map((mq) => mq.queueId));
        return a!.length === 2 && b!.length === 2 && new Set([...a!, ...b!]).size === 4;
      },
      { timeoutMs: 10000, message: 'two lite consumers should own two queues each' },
    );
  });

  it('lite pull: subscribe/poll, assign/seek, pause/resume, commitSync and offsetForTimestamp', async () => {
    const topic = unique('Lite');
    const group = unique('g');
    await createTopic(cluster.namesrvAddr, topic, 1);
    const before = Date.now();
    await sendN(topic, 5);
    const sub = new DefaultLitePullConsumer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: group,
      instanceName: unique('l'),
      consumeFromWhere: ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET,
      autoCommit: false,
      brokerSuspendMaxTimeMillis: 200,
    });
    toStop.push(sub);
    sub.subscribe(topic, '*');
    await sub.start();
    const got: MessageExt[] = [];
    await waitFor(
      async () => {
        got.push(...(await sub.poll(200)));
        return got.length >= 5;
      },
      { timeoutMs: 10000 },
    );
    expect(got.map((m) => m.body.toString())).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    await sub.commitSync();
    const [mq] = await sub.fetchMessageQueues(topic);
    expect(await sub.committed(mq!)).toBe(5);
    expect(await sub.offsetForTimestamp(mq!, before - 1000)).toBe(0);

    const asg = new DefaultLitePullConsumer({
      ...FAST,
      namesrvAddr: cluster.namesrvAddr,
      consumerGroup: unique('g'),
      instanceName: unique('l'),
      autoCommit: false,
      brokerSuspendMaxTimeMillis: 200,
    });
    toStop.push(asg);
    asg.assign([mq!]);
    await asg.start();
    asg.seek(mq!, 3);
    const again: MessageExt[] = [];
    await waitFor(
      async () => {
        again.push(...(await asg.poll(200)));
        return again.length >= 2;
      },
      { timeoutMs: 10000 },
    );
    expect(again.map((m) => m.queueOffset)).toEqual([3, 4]);
    asg.pause([mq!]);
    await sendN(topic, 1);
    expect(await asg.poll(400)).toEqual([]);
    asg.resume([mq!]);
    await waitFor(async () => (await asg.poll(200)).length === 1, { timeoutMs: 5000 });
    await asg.seekToBegin(mq!);
    await waitFor(async () => (await asg.poll(200))[0]?.queueOffset === 0, { timeoutMs: 5000 });
  });
});
