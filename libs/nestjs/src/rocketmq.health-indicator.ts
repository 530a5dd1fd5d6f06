import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { HealthCheckError, HealthIndicator, type HealthIndicatorResult } from '@nestjs/terminus';
import { MQClientInstance } from '@rocketnest/client';
import { createConnection } from 'node:net';
import { RocketMQConfig } from './rocketmq-config';
import { RocketMQListenerExplorer } from './rocketmq.explorer';

export interface RocketMQHealthCheckOptions {
  /** Down when a clustering listener's group lags by more than this many messages. Default: lag not checked. */
  lagThreshold?: number;
  /** Time allowed for each network probe, ms. Default 1000. */
  timeoutMs?: number;
}

/** One part of the health report. */
export interface RocketMQHealthDetail {
  nameServer: { address: string | undefined; reachable: boolean; error?: string };
  producers: Record<string, string>;
  listeners: Record<string, { state: string; lag?: number; error?: string }>;
}

/**
 * A `@nestjs/terminus` indicator: the name server is reachable, every template's producer and every listener
 * container is RUNNING, and (with `lagThreshold`) no clustering listener's group lags more than that.
 *
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.rocketmq.isHealthy('rocketmq', { lagThreshold: 1000 })]); }
 * ```
 */
@Injectable()
export class RocketMQHealthIndicator extends HealthIndicator implements OnApplicationShutdown {
  private admin: MQClientInstance | undefined;
  private adminStart: Promise<void> | undefined;

  constructor(
    private readonly explorer: RocketMQListenerExplorer,
    private readonly config: RocketMQConfig,
  ) {
    super();
  }

  /** Resolves with `{ [key]: { status: 'up', ...details } }` or throws `HealthCheckError` with status `down`. */
  async isHealthy(key = 'rocketmq', options: RocketMQHealthCheckOptions = {}): Promise<HealthIndicatorResult> {
    const detail = await this.inspect(options);
    const healthy =
      detail.nameServer.reachable &&
      Object.values(detail.producers).every((s) => s === 'RUNNING') &&
      Object.values(detail.listeners).every(
        (l) =>
          l.state === 'RUNNING' &&
          !l.error &&
          (options.lagThreshold === undefined || l.lag === undefined || l.lag <= options.lagThreshold),
      );
    const result = this.getStatus(key, healthy, { ...detail });
    if (!healthy) throw new HealthCheckError('RocketMQ is not healthy', result);
    return result;
  }

  /** The raw facts behind {@link isHealthy}. */
  async inspect(options: RocketMQHealthCheckOptions = {}): Promise<RocketMQHealthDetail> {
    const timeoutMs = options.timeoutMs ?? 1000;
    const address = this.config.properties.nameServer;
    const nameServer = await this.probeNameServers(address, timeoutMs);
    const producers: RocketMQHealthDetail['producers'] = {};
    for (const t of this.explorer.getTemplates()) if (t.hasProducer()) producers[t.name] = t.state;
    const listeners: RocketMQHealthDetail['listeners'] = {};
    await Promise.all(
      this.explorer.getContainers().map(async (c) => {
        const entry: RocketMQHealthDetail['listeners'][string] = { state: c.state };
        listeners[c.options.consumerGroup] = entry;
        if (options.lagThreshold === undefined || c.options.messageModel !== 'CLUSTERING' || !nameServer.reachable) {
          return;
        }
        try {
          entry.lag = await this.lagOf(c.consumer.groupName, c.options.topic, timeoutMs);
        } catch (err) {
          entry.error = `lag unknown: ${(err as Error).message}`;
        }
      }),
    );
    return { nameServer, producers, listeners };
  }

  /**
   * Messages of `topic` stored but not yet consumed by `group` (Java `ConsumeStats.computeTotalDiff`): for each queue
   * with a committed offset, broker max offset minus consumer offset. Asks the name server for the route and each
   * broker for offsets.
   */
  private async lagOf(group: string, topic: string, timeoutMs: number): Promise<number> {
    const client = await this.getClient();
    const work = async (): Promise<number> => {
      const route = await client.api.getTopicRouteInfo(topic, timeoutMs);
      if (!route) return 0;
      let lag = 0;
      for (const qd of route.queueDatas) {
        const broker = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
        const addr = broker?.brokerAddrs.get(0) ?? (broker ? [...broker.brokerAddrs.values()][0] : undefined);
        if (!addr) continue;
        for (let queueId = 0; queueId < qd.readQueueNums; queueId++) {
          const mq = { topic, brokerName: qd.brokerName, queueId };
          const consumed = await client.api.queryConsumerOffset(addr, group, mq, timeoutMs);
          if (consumed === undefined) continue;
          const max = await client.api.getMaxOffset(addr, mq, timeoutMs);
          lag += Math.max(0, max - consumed);
        }
      }
      return lag;
    };
    return withTimeout(work(), timeoutMs * 2, `lag of ${group} on ${topic}`);
  }

  private async getClient(): Promise<MQClientInstance> {
    if (!this.admin) {
      // A private client (not shared through MQClientManager): it registers no producer or consumer.
      this.admin = new MQClientInstance({
        ...this.config.clientOptions,
        namesrvAddr: this.config.properties.nameServer,
        instanceName: `rocketnest-health-${process.pid}`,
      });
      this.adminStart = this.admin.start();
    }
    await this.adminStart;
    return this.admin;
  }

  private async probeNameServers(
    address: string | undefined,
    timeoutMs: number,
  ): Promise<RocketMQHealthDetail['nameServer']> {
    if (!address) return { address, reachable: false, error: 'rocketmq.name-server is not set' };
    const errors: string[] = [];
    for (const addr of address
      .split(';')
      .map((a) => a.trim())
      .filter(Boolean)) {
      try {
        await tcpProbe(addr, timeoutMs);
        return { address, reachable: true };
      } catch (err) {
        errors.push(`${addr}: ${(err as Error).message}`);
      }
    }
    return { address, reachable: false, error: errors.join('; ') };
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) {
      await this.adminStart?.catch(() => undefined);
      await admin.shutdown();
      this.adminStart = undefined;
    }
  }
}

function tcpProbe(addr: string, timeoutMs: number): Promise<void> {
  const idx = addr.lastIndexOf(':');
  const host = idx < 0 ? addr : addr.slice(0, idx);
  const port = idx < 0 ? 9876 : Number(addr.slice(idx + 1));
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      socket.destroy();
      resolve();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]);
}
