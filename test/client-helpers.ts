import { EmbeddedRocketMQ, type BrokerConfig } from '@rocketnest/broker';
import { DefaultLitePullConsumer, DefaultMQAdminExt } from '@rocketnest/client';
import type { MessageExt } from '@rocketnest/common';
import { waitFor } from './utils/wait-for';

let seq = 0;
/** A name unique in this process (topics, groups, instance names). */
export function unique(prefix: string): string {
  seq++;
  return `${prefix}_${process.pid}_${Date.now() % 100000}_${seq}`;
}

/** Short client timers so rebalance, heartbeats and offset persistence happen within test time. */
export const FAST = {
  clientIP: '127.0.0.1',
  pollNameServerIntervalMs: 500,
  heartbeatBrokerIntervalMs: 500,
  persistConsumerOffsetIntervalMs: 200,
  rebalanceIntervalMs: 500,
  lockIntervalMs: 500,
  brokerSuspendMaxTimeMillis: 1000,
  consumerTimeoutMillisWhenSuspend: 5000,
  pullTimeDelayMillsWhenException: 200,
} as const;

export async function startCluster(brokerConfig: Partial<BrokerConfig> = {}): Promise<EmbeddedRocketMQ> {
  return EmbeddedRocketMQ.start({ brokerConfig });
}

/** Creates a topic on every master and waits until the name server routes it. */
export async function createTopic(namesrvAddr: string, topic: string, queues = 4): Promise<void> {
  const admin = new DefaultMQAdminExt({ namesrvAddr, clientIP: '127.0.0.1' });
  await admin.start();
  try {
    await admin.createAndUpdateTopicConfig({}, { topicName: topic, readQueueNums: queues, writeQueueNums: queues });
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        const route = await admin.examineTopicRouteInfo(topic);
        if (route.queueDatas.length > 0) return;
      } catch {
        // not registered yet
      }
      if (Date.now() > deadline) throw new Error(`topic ${topic} never appeared in the route`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await admin.shutdown();
  }
}

/** Reads a topic from its first offsets with a lite pull consumer until `expected` messages arrived (10 s at most). */
export async function readAll(namesrvAddr: string, topic: string, expected: number): Promise<MessageExt[]> {
  const consumer = new DefaultLitePullConsumer({
    ...FAST,
    namesrvAddr,
    consumerGroup: unique('reader'),
    instanceName: unique('reader'),
    autoCommit: false,
    brokerSuspendMaxTimeMillis: 200,
  });
  await consumer.start();
  try {
    const mqs = await consumer.fetchMessageQueues(topic);
    consumer.assign(mqs);
    for (const mq of mqs) await consumer.seekToBegin(mq).catch(() => consumer.seek(mq, 0));
    const out: MessageExt[] = [];
    await waitFor(
      async () => {
        out.push(...(await consumer.poll(200)));
        return out.length >= expected;
      },
      { timeoutMs: 10000, message: `expected ${expected} messages in ${topic}, got ${out.length}` },
    );
    return out;
  } finally {
    await consumer.shutdown();
  }
}
