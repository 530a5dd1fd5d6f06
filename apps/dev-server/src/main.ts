/**
 * `npm start` — a name server and a broker in one process, for development. Store under `./.rocketnest`.
 *
 *   node dist/apps/dev-server/src/main.js [-c broker.conf] [--namesrvPort 9876] [--brokerPort 10911] [--<key> <value>]
 *
 * Takes the broker's keys (`-c`, `--key value`, as apps/broker), plus `--namesrvPort` and `--brokerPort`
 * (`--listenPort` works too). GET /health on `healthPort` (default 10990; -1 disables). Ctrl-C / SIGTERM stop it.
 */
import * as path from 'node:path';
import {
  BrokerConfigError,
  EmbeddedRocketMQ,
  HealthServer,
  consoleLogger,
  installShutdownHandlers,
  loadBrokerConfig,
} from '@rocketnest/broker';

const USAGE = `Usage: npm start -- [-c broker.conf] [--namesrvPort 9876] [--brokerPort 10911] [--<key> <value> ...]
  Runs a RocketMQ-compatible name server and broker in one process (store in ./.rocketnest by default).
  -c <file>        broker properties file (Java broker.conf keys)
  --namesrvPort    name server port (default 9876)
  --brokerPort     broker port (default 10911; same as --listenPort)
  --healthPort     HTTP GET /health port (default 10990, -1 disables)
  --storePathRootDir <dir>   store location (default ./.rocketnest)`;

async function main(): Promise<void> {
  const t0 = performance.now();
  const loaded = loadBrokerConfig(process.argv.slice(2), process.env, ['namesrvPort', 'brokerPort'], {
    storePathRootDir: path.resolve('.rocketnest'),
    brokerIP1: '127.0.0.1',
  });
  if (loaded.help) {
    console.log(USAGE);
    return;
  }
  for (const w of loaded.warnings) console.warn(`[dev-server] WARN ${w}`);
  const cfg = loaded.config;
  const namesrvPort = parsePort(loaded.extra.namesrvPort ?? '9876', 'namesrvPort');
  const brokerPort =
    loaded.extra.brokerPort !== undefined ? parsePort(loaded.extra.brokerPort, 'brokerPort') : cfg.listenPort;
  const mq = await EmbeddedRocketMQ.start({
    storePathRootDir: path.resolve(cfg.storePathRootDir),
    namesrvPort,
    brokerPort,
    host: cfg.brokerIP1,
    bindAddress: cfg.bindAddress,
    brokerConfig: { ...cfg, storePathRootDir: path.resolve(cfg.storePathRootDir) },
    logger: consoleLogger,
  });
  let health: HealthServer | undefined;
  if (cfg.healthPort >= 0) {
    health = new HealthServer(
      () => ({
        up: mq.broker.isRunning(),
        details: { namesrv: mq.namesrvAddr, broker: mq.brokerAddr },
      }),
      cfg.healthPort,
      cfg.bindAddress,
    );
    await health.start();
  }
  const ms = Math.round(performance.now() - t0);
  console.log(
    [
      '',
      `RocketNest dev server is up (${ms} ms)`,
      `  name server : ${mq.namesrvAddr}    (clients: NAMESRV_ADDR=${mq.namesrvAddr})`,
      `  broker      : ${mq.brokerAddr}   (${cfg.brokerName}, cluster ${cfg.brokerClusterName})`,
      `  store       : ${mq.broker.brokerConfig.storePathRootDir}`,
      health ? `  health      : http://127.0.0.1:${health.listeningPort}/health` : '  health      : disabled',
      '  Stop with Ctrl-C (or SIGTERM).',
      '',
    ].join('\n'),
  );
  installShutdownHandlers(
    async () => {
      await health?.shutdown();
      await mq.shutdown();
    },
    (m) => console.log(`[dev-server] ${m}`),
  );
}

function parsePort(text: string, key: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 65535) throw new BrokerConfigError(`${key}: "${text}" is not a port (0-65535)`);
  return n;
}

main().catch((err: unknown) => {
  if (err instanceof BrokerConfigError) console.error(`[dev-server] configuration error: ${err.message}`);
  else console.error('[dev-server] failed to start:', err);
  process.exit(1);
});
