import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { HealthCheckError, HealthIndicator, type HealthIndicatorResult } from '@nestjs/terminus';
import { DefaultMQAdminExt } from '@rocketnest/client';
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
  private admin: DefaultMQAdminExt | undefined;
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
          entry.lag = await this.lagOf(c.options.consumerGroup, timeoutMs);
        } catch (err) {
          entry.error = `lag unknown: ${(err as Error).message}`;
        }
      }),
    );
    return { nameServer, producers, listeners };
  }

  private async lagOf(group: string, timeoutMs: number): Promise<number> {
    const admin = await this.getAdmin();
    const stats = await withTimeout(admin.examineConsumeStats(group), timeoutMs, `consume stats of ${group}`);
    let lag = 0;
    for (const wrapper of Object.values(stats.offsetTable)) {
      lag += Math.max(0, Number(wrapper.brokerOffset) - Number(wrapper.consumerOffset));
    }
    return lag;
  }

  private async getAdmin(): Promise<DefaultMQAdminExt> {
    if (!this.admin) {
      this.admin = new DefaultMQAdminExt({
        ...this.config.clientOptions,
        namesrvAddr: this.config.properties.nameServer,
        adminExtGroup: 'rocketnest_health_admin',
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
    for (const addr of address.split(';').map((a) => a.trim()).filter(Boolean)) {
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
