/**
 * `node dist/apps/broker/src/main.js [-c broker.conf] [-n host:9876] [--key value ...]` — the broker process, started
 * like Java's `mqbroker`. GET /health on `healthPort` (default 10990, -1 disables). Ctrl-C / SIGTERM shut it down
 * cleanly (offsets and configs persisted, store checkpoint written).
 */
import {
  BrokerConfigError,
  BrokerController,
  HealthServer,
  brokerConfigToProperties,
  installShutdownHandlers,
  loadBrokerConfig,
} from '@rocketnest/broker';

const USAGE = `Usage: rocketnest-broker [-c broker.conf] [-n namesrv1:9876;namesrv2:9876] [-p] [--<key> <value> ...]
  -c <file>      Java properties file with broker keys (brokerClusterName, brokerName, listenPort, storePathRootDir, ...)
  -n <addrs>     name servers (overrides NAMESRV_ADDR and the file)
  -p             print the effective configuration and exit
  --<key> <v>    override one key, e.g. --listenPort 10911 --healthPort 10990`;

async function main(): Promise<void> {
  const loaded = loadBrokerConfig(process.argv.slice(2), process.env);
  if (loaded.help) {
    console.log(USAGE);
    return;
  }
  if (loaded.printConfig) {
    process.stdout.write(brokerConfigToProperties(loaded.config));
    return;
  }
  for (const w of loaded.warnings) console.warn(`[broker] WARN ${w}`);
  const broker = new BrokerController(loaded.config);
  await broker.start();
  let health: HealthServer | undefined;
  if (loaded.config.healthPort >= 0) {
    health = new HealthServer(
      () => ({
        up: broker.isRunning(),
        details: { broker: { name: loaded.config.brokerName, addr: broker.brokerAddr } },
      }),
      loaded.config.healthPort,
      loaded.config.bindAddress,
    );
    await health.start();
  }
  console.log(
    `[broker] listening on ${broker.brokerAddr}${health ? `, health on :${health.listeningPort}/health` : ''}`,
  );
  installShutdownHandlers(async () => {
    await health?.shutdown();
    await broker.shutdown();
  });
}

main().catch((err: unknown) => {
  if (err instanceof BrokerConfigError) console.error(`[broker] configuration error: ${err.message}`);
  else console.error('[broker] failed to start:', err);
  process.exit(1);
});
