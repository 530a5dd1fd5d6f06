import * as path from 'node:path';
import {
  BrokerConfigError,
  EmbeddedRocketMQ,
  HealthServer,
  consoleLogger,
  loadBrokerConfig,
  type BrokerLogger,
} from '@rocketnest/broker';

export const DEV_SERVER_USAGE = `Usage: npm start -- [-c broker.conf] [--namesrvPort 9876] [--brokerPort 10911] [--<key> <value> ...]
  Runs a RocketMQ-compatible name server and broker in one process (store in ./.rocketnest by default).
  -c <file>        broker properties file (Java broker.conf keys)
  --namesrvPort    name server port (default 9876)
  --brokerPort     broker port (default 10911; same as --listenPort)
  --healthPort     HTTP GET /health port (default 10990, -1 disables)
  --storePathRootDir <dir>   store location (default ./.rocketnest)`;

export interface DevServerOptions {
  /** Directory `./.rocketnest` is relative to. Default `process.cwd()`. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logger?: BrokerLogger;
}

export interface DevServer {
  readonly mq: EmbeddedRocketMQ;
  readonly health: HealthServer | undefined;
  /** The lines printed at start: addresses and how to stop. */
  readonly banner: string;
  shutdown(): Promise<void>;
}

function parsePort(text: string, key: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 65535) throw new BrokerConfigError(`${key}: "${text}" is not a port (0-65535)`);
  return n;
}

/**
 * Starts the all-in-one dev server from command-line arguments (the broker's `-c` / `--key value`, plus
 * `--namesrvPort` and `--brokerPort`). Returns undefined for `-h`. Throws BrokerConfigError on a bad value.
 */
export async function startDevServer(
  argv: readonly string[],
  opts: DevServerOptions = {},
): Promise<DevServer | undefined> {
  const t0 = performance.now();
  const cwd = opts.cwd ?? process.cwd();
  const logger = opts.logger ?? consoleLogger;
  const loaded = loadBrokerConfig(argv, opts.env ?? process.env, ['namesrvPort', 'brokerPort'], {
    storePathRootDir: path.resolve(cwd, '.rocketnest'),
    brokerIP1: '127.0.0.1',
  });
  if (loaded.help) return undefined;
  for (const w of loaded.warnings) logger.warn(w);
  const cfg = loaded.config;
  const root = path.resolve(cwd, cfg.storePathRootDir);
  // The commit-log path was derived from a possibly relative root: re-derive it, unless it was set explicitly.
  const commitLog =
    cfg.storePathCommitLog === path.join(cfg.storePathRootDir, 'commitlog')
      ? path.join(root, 'commitlog')
      : path.resolve(cwd, cfg.storePathCommitLog);
  const namesrvPort = parsePort(loaded.extra.namesrvPort ?? '9876', 'namesrvPort');
  const brokerPort =
    loaded.extra.brokerPort !== undefined ? parsePort(loaded.extra.brokerPort, 'brokerPort') : cfg.listenPort;
  const mq = await EmbeddedRocketMQ.start({
    storePathRootDir: root,
    namesrvPort,
    brokerPort,
    host: cfg.brokerIP1,
    bindAddress: cfg.bindAddress,
    brokerConfig: { ...cfg, storePathRootDir: root, storePathCommitLog: commitLog },
    logger,
  });
  let health: HealthServer | undefined;
  if (cfg.healthPort >= 0) {
    health = new HealthServer(
      () => ({ up: mq.broker.isRunning(), details: { namesrv: mq.namesrvAddr, broker: mq.brokerAddr } }),
      cfg.healthPort,
      cfg.bindAddress,
    );
    try {
      await health.start();
    } catch (err) {
      await mq.shutdown();
      throw err;
    }
  }
  const ms = Math.round(performance.now() - t0);
  const banner = [
    '',
    `RocketNest dev server is up (${ms} ms)`,
    `  name server : ${mq.namesrvAddr}    (clients: NAMESRV_ADDR=${mq.namesrvAddr})`,
    `  broker      : ${mq.brokerAddr}   (${cfg.brokerName}, cluster ${cfg.brokerClusterName})`,
    `  store       : ${root}`,
    health ? `  health      : http://127.0.0.1:${health.listeningPort}/health` : '  health      : disabled',
    '  Stop with Ctrl-C (or SIGTERM).',
    '',
  ].join('\n');
  let stopping: Promise<void> | undefined;
  return {
    mq,
    health,
    banner,
    shutdown: () =>
      (stopping ??= (async () => {
        await health?.shutdown();
        await mq.shutdown();
      })()),
  };
}
