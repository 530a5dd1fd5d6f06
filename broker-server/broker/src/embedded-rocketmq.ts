import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NamesrvController } from '@rocketnest/namesrv';
import { BrokerController } from './broker-controller';
import type { BrokerConfig } from './config/broker-config';
import type { BrokerStatsManagerOptions } from './stats/broker-stats-manager';
import { silentLogger, type BrokerLogger } from './logger';

export interface EmbeddedRocketMQOptions {
  /** Store root. Default: a fresh `mkdtemp` directory, removed on shutdown. */
  storePathRootDir?: string;
  /** Name server port; 0 = ephemeral. Default 0. */
  namesrvPort?: number;
  /** Broker port; 0 = ephemeral. Default 0. */
  brokerPort?: number;
  /** Address advertised (and bound unless `bindAddress` is given). Default 127.0.0.1. */
  host?: string;
  /** Address both servers bind. Default = `host`. */
  bindAddress?: string;
  brokerConfig?: Partial<BrokerConfig>;
  /** Broker log output. Default: silent. */
  logger?: BrokerLogger;
  /** Sampling periods of the broker's stats (VIEW_BROKER_STATS_DATA). Default: Java's 10 s / 10 min / 1 h. */
  statsSampling?: BrokerStatsManagerOptions;
}

/**
 * A name server and a broker in one process, wired together: for the dev server, Nest testing modules and e2e tests.
 * Both listen on `host` (127.0.0.1 by default); the broker registers with the name server before `start` resolves.
 */
export class EmbeddedRocketMQ {
  private constructor(
    readonly namesrv: NamesrvController,
    readonly broker: BrokerController,
    private readonly tempDir: string | undefined,
  ) {}

  get namesrvAddr(): string {
    return `${this.broker.brokerConfig.brokerIP1}:${this.namesrv.port}`;
  }

  get brokerAddr(): string {
    return this.broker.brokerAddr;
  }

  static async start(opts: EmbeddedRocketMQOptions = {}): Promise<EmbeddedRocketMQ> {
    const host = opts.host ?? '127.0.0.1';
    let tempDir: string | undefined;
    let root = opts.storePathRootDir;
    if (!root) {
      tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rocketnest-'));
      root = tempDir;
    }
    const bindAddress = opts.bindAddress ?? host;
    const namesrv = new NamesrvController({
      listenPort: opts.namesrvPort ?? 0,
      host: bindAddress,
      kvConfigPath: path.join(root, 'namesrv', 'kvConfig.json'),
    });
    try {
      await namesrv.start();
    } catch (err) {
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
      throw err;
    }
    let broker: BrokerController;
    try {
      broker = new BrokerController(
        {
          storePathRootDir: root,
          listenPort: 0,
          brokerIP1: host,
          healthPort: -1,
          // Tests and dev use small files so a fresh store is quick to create.
          mappedFileSizeCommitLog: 64 * 1024 * 1024,
          mappedFileSizeConsumeQueue: 300000 * 20,
          ...opts.brokerConfig,
          ...(opts.brokerPort !== undefined ? { listenPort: opts.brokerPort } : {}),
          bindAddress,
          namesrvAddr: `${host}:${namesrv.port}`,
        },
        { logger: opts.logger ?? silentLogger, statsSampling: opts.statsSampling },
      );
    } catch (err) {
      await namesrv.shutdown().catch(() => undefined);
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
      throw err;
    }
    try {
      await broker.start();
    } catch (err) {
      await broker.shutdown().catch(() => undefined);
      await namesrv.shutdown().catch(() => undefined);
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
      throw err;
    }
    return new EmbeddedRocketMQ(namesrv, broker, tempDir);
  }

  private shutdownPromise: Promise<void> | undefined;

  /** Broker first (it unregisters), then the name server; removes the temp store it created. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      await this.broker.shutdown();
      await this.namesrv.shutdown();
      if (this.tempDir) fs.rmSync(this.tempDir, { recursive: true, force: true });
    })();
    return this.shutdownPromise;
  }
}
