import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { HealthCheckError, HealthIndicator, type HealthIndicatorResult } from '@nestjs/terminus';
import { DefaultMQAdminExt, wrapNamespace } from '@rocketnest/client';
import { createConnection } from 'node:net';
import { RocketMQConfig } from './rocketmq-config';
import type { DefaultRocketMQListenerContainer } from './rocketmq-listener.container';
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
  /** One admin client per name server and ACL keys, started on the first lag check. */
  private readonly admins = new Map<string, Promise<DefaultMQAdminExt>>();
  private shutDown = false;

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
          entry.lag = await this.lagOf(c, timeoutMs);
        } catch (err) {
          entry.error = `lag unknown: ${(err as Error).message}`;
        }
      }),
    );
    return { nameServer, producers, listeners };
  }

  /**
   * Messages of the listener's topic stored but not yet consumed by its group: the admin's consume stats
   * (GET_CONSUME_STATS on every broker of the topic, as `mqadmin consumerProgress`), summed as Java's
   * `ConsumeStats.computeTotalDiff` — broker max offset minus committed offset per queue, where a queue without a
   * committed offset counts from 0.
   */
  private async lagOf(c: DefaultRocketMQListenerContainer, timeoutMs: number): Promise<number> {
    const admin = await this.getAdmin(c.options.nameServer, c.options.accessKey, c.options.secretKey, timeoutMs);
    // The consumer's names carry its namespace (`ns%group`); the admin runs without one.
    const group = c.consumer.groupName;
    const topic = wrapNamespace(c.options.namespace || undefined, c.options.topic);
    const stats = await withTimeout(
      admin.examineConsumeStats(group, topic),
      timeoutMs * 2,
      `lag of ${group} on ${topic}`,
    );
    return stats.diffTotal;
  }

  private getAdmin(
    nameServer: string,
    accessKey: string | undefined,
    secretKey: string | undefined,
    timeoutMs: number,
  ): Promise<DefaultMQAdminExt> {
    const key = [nameServer, accessKey ?? '', secretKey ?? ''].join('\u0000');
    let admin = this.admins.get(key);
    if (!admin) {
      admin = (async () => {
        if (this.shutDown) throw new Error('the application is shutting down');
        const a = new DefaultMQAdminExt({
          ...this.config.clientOptions,
          namesrvAddr: nameServer,
          accessKey: accessKey || undefined,
          secretKey: secretKey || undefined,
          instanceName: `RN_HEALTH_${process.pid}_${this.admins.size}_${Date.now()}`,
          timeoutMs,
        });
        await a.start();
        return a;
      })();
      this.admins.set(key, admin);
      const pending = admin;
      pending.catch(() => {
        if (this.admins.get(key) === pending) this.admins.delete(key);
      });
    }
    return admin;
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
    this.shutDown = true;
    const admins = [...this.admins.values()];
    this.admins.clear();
    await Promise.all(admins.map((a) => a.then((admin) => admin.shutdown()).catch(() => undefined)));
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
