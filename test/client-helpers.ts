import { EmbeddedRocketMQ, type BrokerConfig } from '@rocketnest/broker';
import { DefaultMQAdminExt } from '@rocketnest/client';

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
