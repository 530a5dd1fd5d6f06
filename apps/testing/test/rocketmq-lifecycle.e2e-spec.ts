import 'reflect-metadata';
import { Inject, Injectable, type INestApplicationContext } from '@nestjs/common';
import { HealthCheckError } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { EmbeddedRocketMQ } from '@rocketnest/broker';
import {
  RocketMQHealthIndicator,
  RocketMQListenerExplorer,
  RocketMQMessageListener,
  RocketMQModule,
  RocketMQTemplate,
  type RocketMQListener,
} from '@rocketnest/nestjs';
import { RocketMQTestingBroker, RocketMQTestingModule, waitForRocketMQListeners } from '@rocketnest/testing';
import { waitFor } from '../../../test/utils/wait-for';

/** Lets a test decide when the slow handler may finish, and records the order of events. */
@Injectable()
class Gate {
  readonly events: string[] = [];
  private releaseFn: (() => void) | undefined;
  readonly released = new Promise<void>((resolve) => {
    this.releaseFn = resolve;
  });
  release(): void {
    this.releaseFn?.();
  }
}

@RocketMQMessageListener({
  topic: 'life-slow',
  consumerGroup: 'life-slow-g',
  messageType: String,
  awaitTerminationMillisWhenShutdown: 10000,
})
class SlowListener implements RocketMQListener<string> {
  constructor(@Inject(Gate) private readonly gate: Gate) {}
  async onMessage(text: string): Promise<void> {
    this.gate.events.push(`start ${text}`);
    await this.gate.released;
    this.gate.events.push(`end ${text}`);
  }
}

@RocketMQMessageListener({ topic: 'life-health', consumerGroup: 'life-health-g' })
class HealthListener implements RocketMQListener {
  onMessage(): void {}
}

async function startApp(
  providers: Array<new (...args: never[]) => unknown>,
  topics: string[],
  embedded?: EmbeddedRocketMQ,
) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      RocketMQTestingModule.forRoot({ topics, embedded }),
      RocketMQModule.forRoot({ producer: { group: 'life-producer' } }),
    ],
    providers,
  }).compile();
  const app: INestApplicationContext = moduleRef;
  await app.init();
  await waitForRocketMQListeners(app);
  return app;
}

describe('RocketMQ listener lifecycle', () => {
  let app: INestApplicationContext | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('app.close() waits for an in-flight handler, and the consumed offset survives a restart', async () => {
    const embedded = await EmbeddedRocketMQ.start();
    try {
      app = await startApp([Gate, SlowListener], ['life-slow'], embedded);
      const gate = app.get(Gate);
      await app.get(RocketMQTemplate).syncSend('life-slow', 'm1');
      await waitFor(() => gate.events.includes('start m1'), { timeoutMs: 10000 });

      const closing = app.close().then(() => gate.events.push('closed'));
      const container = app.get(RocketMQListenerExplorer).getContainer('life-slow-g')!;
      await waitFor(() => container.state === 'STOPPING', { timeoutMs: 5000 });
      expect(gate.events).not.toContain('closed');
      expect(container.inFlightCount).toBe(1);

      gate.release();
      await closing;
      app = undefined;
      expect(gate.events).toEqual(['start m1', 'end m1', 'closed']);
      expect(container.state).toBe('STOPPED');

      // same group again: m1's offset was persisted on shutdown, so only m2 arrives
      app = await startApp([Gate, SlowListener], ['life-slow'], embedded);
      const gate2 = app.get(Gate);
      gate2.release();
      await app.get(RocketMQTemplate).syncSend('life-slow', 'm2');
      await waitFor(() => gate2.events.includes('end m2'), { timeoutMs: 10000 });
      expect(gate2.events).toEqual(['start m2', 'end m2']);
      await app.close();
      app = undefined;
    } finally {
      await app?.close();
      app = undefined;
      await embedded.shutdown();
    }
  });

  it('the health indicator is up with everything running and down once the broker stops', async () => {
    app = await startApp([HealthListener], ['life-health']);
    const health = app.get(RocketMQHealthIndicator);
    await app.get(RocketMQTemplate).syncSend('life-health', 'x');

    const up = await health.isHealthy('rocketmq', { lagThreshold: 1000 });
    expect(up.rocketmq).toMatchObject({
      status: 'up',
      nameServer: { reachable: true },
      producers: { rocketMQTemplate: 'RUNNING' },
      listeners: { 'life-health-g': { state: 'RUNNING' } },
    });

    await app.get(RocketMQTestingBroker).stop();
    const err = await health.isHealthy('rocketmq', { timeoutMs: 300 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HealthCheckError);
    const causes = (err as HealthCheckError).causes as {
      rocketmq: { status: string; nameServer: { reachable: boolean } };
    };
    expect(causes.rocketmq.status).toBe('down');
    expect(causes.rocketmq.nameServer.reachable).toBe(false);
  });

  it('reports a listener lag above the threshold as down', async () => {
    app = await startApp([Gate, SlowListener], ['life-slow']);
    const template = app.get(RocketMQTemplate);
    const gate = app.get(Gate);
    for (let i = 0; i < 5; i++) await template.syncSend('life-slow', `m${i}`);
    // only committed offsets count: wait until the first handler is stuck and an offset was persisted
    await waitFor(() => gate.events.length > 0, { timeoutMs: 10000 });
    const health = app.get(RocketMQHealthIndicator);
    const detail = await waitFor(
      async () => {
        const d = await health.inspect({ lagThreshold: 0 });
        return (d.listeners['life-slow-g']?.lag ?? 0) > 0 ? d : undefined;
      },
      { timeoutMs: 10000 },
    );
    expect(detail.listeners['life-slow-g']!.lag).toBeGreaterThan(0);
    await expect(health.isHealthy('rocketmq', { lagThreshold: 0 })).rejects.toBeInstanceOf(HealthCheckError);
    await expect(health.isHealthy('rocketmq', { lagThreshold: 100 })).resolves.toMatchObject({
      rocketmq: { status: 'up' },
    });
    gate.release();
    // once everything is consumed and committed, the lag (the admin's consume stats) drops to 0
    await waitFor(async () => (await health.inspect({ lagThreshold: 0 })).listeners['life-slow-g']?.lag === 0, {
      timeoutMs: 10000,
    });
    await expect(health.isHealthy('rocketmq', { lagThreshold: 0 })).resolves.toMatchObject({
      rocketmq: { status: 'up', listeners: { 'life-slow-g': { lag: 0 } } },
    });
  });
});
