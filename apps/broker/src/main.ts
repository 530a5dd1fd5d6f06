/**
 * `node dist/apps/broker/src/main.js [-c broker.conf] [-n host:9876] [--key value ...]` — the broker process, started
 * like Java's `mqbroker`, hosted by Nest. GET /health on `healthPort` (default 10990, -1 disables the HTTP server).
 * Ctrl-C / SIGTERM shut it down cleanly (offsets and configs persisted, store checkpoint written).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import {
  BrokerConfigError,
  BrokerController,
  brokerConfigToProperties,
  describeStartError,
  installShutdownHandlers,
  loadBrokerConfig,
} from '@rocketnest/broker';
import { BrokerAppModule } from './broker-app.module';

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
  const cfg = loaded.config;
  const app = await NestFactory.create(BrokerAppModule.forConfig(cfg), { logger: ['error', 'warn'] });
  if (cfg.healthPort >= 0) await app.listen(cfg.healthPort, cfg.bindAddress);
  else await app.init();
  const broker = app.get(BrokerController);
  const health = cfg.healthPort >= 0 ? `, GET /health on :${cfg.healthPort}` : '';
  console.log(`[broker] ${cfg.brokerName} serving on ${broker.brokerAddr}${health}; Ctrl-C or SIGTERM stops it`);
  installShutdownHandlers(
    () => app.close(),
    (m) => console.log(`[broker] ${m}`),
  );
}

main().catch((err: unknown) => {
  if (err instanceof BrokerConfigError) console.error(`[broker] configuration error: ${err.message}`);
  else console.error(`[broker] failed to start: ${describeStartError(err)}`);
  process.exit(1);
});
