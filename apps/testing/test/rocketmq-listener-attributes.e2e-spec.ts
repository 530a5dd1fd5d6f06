import 'reflect-metadata';
import { Inject, Injectable, type INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { EmbeddedRocketMQ } from '@rocketnest/broker';
import type { DefaultMQPushConsumer } from '@rocketnest/client';
import type { MessageExt } from '@rocketnest/common';
import {
  RAW_MESSAGE,
  type RocketMQPushConsumerLifecycleListener,
  RocketMQMessageListener,
  RocketMQModule,
  RocketMQTemplate,
  type RocketMQListener,
} from '@rocketnest/nestjs';
import { RocketMQTestingModule, waitForRocketMQListeners } from '@rocketnest/testing';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../test/utils/wait-for';

@Injectable()
class Stats {
  readonly seen = new Map<string, unknown[]>();
  readonly active = new Map<string, number>();
  readonly maxActive = new Map<string, number>();

  record(name: string, value: unknown): void {
    this.seen.set(name, [...(this.seen.get(name) ?? []), value]);
  }

  /** Simulated work of `ms` while counting how many handlers of `name` overlap. */
  async work(name: string, ms: number): Promise<void> {
    const now = (this.active.get(name) ?? 0) + 1;
    this.active.set(name, now);
    this.maxActive.set(name, Math.max(this.maxActive.get(name) ?? 0, now));
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.active.set(name, (this.active.get(name) ?? 1) - 1);
  }
}

@RocketMQMessageListener({ topic: 'attr-serial', consumerGroup: 'attr-serial-g', consumeThreadMax: 1 })
class SerialListener implements RocketMQListener {
  constructor(@Inject(Stats) private readonly stats: Stats) {}
  async onMessage(msg: unknown): Promise<void> {
    await this.stats.work('serial', 30);
    this.stats.record('serial', msg);
  }
}

@RocketMQMessageListener({ topic: 'attr-parallel', consumerGroup: 'attr-parallel-g', consumeThreadMax: 8 })
class ParallelListener implements RocketMQListener {
  constructor(@Inject(Stats) private readonly stats: Stats) {}
  async onMessage(msg: unknown): Promise<void> {
    await this.stats.work('parallel', 30);
    this.stats.record('parallel', msg);
  }
}

@RocketMQMessageListener({
  topic: 'attr-maxre',
  consumerGroup: 'attr-maxre-g',
  maxReconsumeTimes: 1,
  delayLevelWhenNextConsume: 1,
  messageType: RAW_MESSAGE,
})
class AlwaysFailingListener implements RocketMQListener<MessageExt> {
  constructor(@Inject(Stats) private readonly stats: Stats) {}
  onMessage(msg: MessageExt): void {
    this.stats.record('maxre', msg.reconsumeTimes);
    throw new Error('never works');
  }
}

@RocketMQMessageListener({ topic: '%DLQ%attr-maxre-g', consumerGroup: 'attr-maxre-dlq-g', messageType: String })
class MaxReDlqListener implements RocketMQListener<string> {
  constructor(@Inject(Stats) private readonly stats: Stats) {}
  onMessage(text: string): void {
    this.stats.record('maxre-dlq', text);
  }
}

@RocketMQMessageListener({
  topic: 'attr-fanout',
  consumerGroup: 'attr-fanout-g',
  messageModel: 'BROADCASTING',
  instanceName: '${app.instance}',
  messageType: String,
  clientOptions: { offsetStoreDir: '${app.offsets}' },
})
class FanoutListener implements RocketMQListener<string> {
  constructor(@Inject(Stats) private readonly stats: Stats) {}
  onMessage(text: string): void {
    this.stats.record('fanout', text);
  }
}

@RocketMQMessageListener({
  topic: 'attr-orderly',
  consumerGroup: 'attr-orderly-g',
  consumeMode: 'ORDERLY',
  suspendCurrentQueueTimeMillis: 200,
  messageType: RAW_MESSAGE,
})
class OrderlyRetryListener implements RocketMQListener<MessageExt> {
  constructor(@Inject(Stats) private readonly stats: Stats) {}
  onMessage(msg: MessageExt): void {
    const text = msg.body.toString();
    this.stats.record('orderly', { text, at: Date.now() });
    if (text === 'step-0' && (this.stats.seen.get('orderly') ?? []).length === 1) throw new Error('fail once');
  }
}

@RocketMQMessageListener({
  topic: 'attr-batch',
  consumerGroup: 'attr-batch-g',
  consumeMessageBatchMaxSize: 4,
  delayLevelWhenNextConsume: 1,
  messageType: String,
})
class BatchListener implements RocketMQListener<string>, RocketMQPushConsumerLifecycleListener<DefaultMQPushConsumer> {
  consumer: DefaultMQPushConsumer | undefined;
  constructor(@Inject(Stats) private readonly stats: Stats) {}
  prepareStart(consumer: DefaultMQPushConsumer): void {
    // held back until the test has stored all messages, so that they arrive as one batch
    consumer.suspend();
    this.consumer = consumer;
  }
  onMessage(text: string): void {
    this.stats.record('batch', text);
    if (text === 'bad' && this.stats.seen.get('batch')!.filter((t) => t === 'bad').length === 1)
      throw new Error('once');
  }
}

describe('listener attributes that change behaviour', () => {
  let embedded: EmbeddedRocketMQ;
  const apps: INestApplicationContext[] = [];
  let offsetsDir: string;

  beforeAll(async () => {
    embedded = await EmbeddedRocketMQ.start({ brokerConfig: { messageDelayLevel: '1s 2s 3s' } });
    offsetsDir = mkdtempSync(join(tmpdir(), 'rocketnest-offsets-'));
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  afterAll(async () => {
    await embedded?.shutdown();
    rmSync(offsetsDir, { recursive: true, force: true });
  });

  async function startApp(
    providers: Array<new (...args: never[]) => unknown>,
    topics: string[],
    config: Record<string, unknown> = {},
    producerGroup: string | null = 'attr-producer',
  ) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        RocketMQTestingModule.forRoot({ embedded, topics }),
        ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [() => config] }),
        RocketMQModule.forRoot(producerGroup ? { producer: { group: producerGroup } } : {}),
      ],
      providers: [Stats, ...providers],
    }).compile();
    apps.push(moduleRef);
    await moduleRef.init();
    await waitForRocketMQListeners(moduleRef);
    return moduleRef;
  }

  it('consumeThreadMax bounds how many handlers run at once', async () => {
    const app = await startApp([SerialListener, ParallelListener], ['attr-serial', 'attr-parallel']);
    const template = app.get(RocketMQTemplate);
    const stats = app.get(Stats);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => [
        template.syncSend('attr-serial', { i }),
        template.syncSend('attr-parallel', { i }),
      ]).flat(),
    );
    await waitFor(() => stats.seen.get('serial')?.length === 8 && stats.seen.get('parallel')?.length === 8, {
      timeoutMs: 10000,
    });
    expect(stats.maxActive.get('serial')).toBe(1);
    expect(stats.maxActive.get('parallel')).toBeGreaterThan(1);
  });

  it('maxReconsumeTimes: after the last retry the message moves to the DLQ', async () => {
    const app = await startApp([AlwaysFailingListener, MaxReDlqListener], ['attr-maxre', '%DLQ%attr-maxre-g']);
    const stats = app.get(Stats);
    await app.get(RocketMQTemplate).syncSend('attr-maxre', 'doomed');
    await waitFor(() => (stats.seen.get('maxre-dlq')?.length ?? 0) >= 1, { timeoutMs: 15000 });
    expect(stats.seen.get('maxre')).toEqual([0, 1]);
    expect(stats.seen.get('maxre-dlq')).toEqual(['doomed']);
  });

  it('ORDERLY: a throw suspends the queue for suspendCurrentQueueTimeMillis and keeps the order', async () => {
    const app = await startApp([OrderlyRetryListener], ['attr-orderly']);
    const template = app.get(RocketMQTemplate);
    const stats = app.get(Stats);
    for (let i = 0; i < 3; i++) await template.syncSendOrderly('attr-orderly', `step-${i}`, 'one-key');
    await waitFor(() => (stats.seen.get('orderly')?.length ?? 0) >= 4, { timeoutMs: 10000 });
    const seen = stats.seen.get('orderly') as Array<{ text: string; at: number }>;
    expect(seen.map((s) => s.text)).toEqual(['step-0', 'step-0', 'step-1', 'step-2']);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(180);
  });

  it('consumeMessageBatchMaxSize: a failure in a batch retries it and what follows, not what came before', async () => {
    const app = await startApp([BatchListener], ['attr-batch']);
    const template = app.get(RocketMQTemplate);
    const stats = app.get(Stats);
    for (const text of ['first', 'bad', 'last']) await template.syncSendOrderly('attr-batch', text, 'same-queue');
    app.get(BatchListener).consumer!.resume();
    await waitFor(() => (stats.seen.get('batch') ?? []).includes('last'), { timeoutMs: 10000 });
    await waitFor(() => (stats.seen.get('batch') ?? []).filter((t) => t === 'bad').length === 2, { timeoutMs: 5000 });
    const seen = stats.seen.get('batch') as string[];
    // one batch [first, bad, last]: first is acknowledged, bad and the untouched last come back (after delay level 1)
    expect(seen.slice(0, 2)).toEqual(['first', 'bad']);
    expect([...seen.slice(2)].sort()).toEqual(['bad', 'last']);
  });

  it('BROADCASTING delivers every message to every instance of the group', async () => {
    const common = { offsets: offsetsDir };
    const a = await startApp([FanoutListener], ['attr-fanout'], { app: { ...common, instance: 'fanout-a' } });
    const b = await startApp([FanoutListener], ['attr-fanout'], { app: { ...common, instance: 'fanout-b' } }, null);
    await a.get(RocketMQTemplate).syncSend('attr-fanout', 'to everyone');
    await waitFor(
      () => a.get(Stats).seen.get('fanout')?.length === 1 && b.get(Stats).seen.get('fanout')?.length === 1,
      {
        timeoutMs: 10000,
      },
    );
    expect(a.get(Stats).seen.get('fanout')).toEqual(['to everyone']);
    expect(b.get(Stats).seen.get('fanout')).toEqual(['to everyone']);
    // the `${app.offsets}` placeholder in clientOptions resolved: each instance keeps its offsets there on shutdown
    for (const app of apps.splice(0)) await app.close();
    expect(readdirSync(offsetsDir).filter((d) => /@fanout-[ab]$/.test(d))).toHaveLength(2);
  });
});
