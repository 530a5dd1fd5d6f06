/**
 * `npm start` — a name server and a broker in one process, for development. Store under `./.rocketnest`.
 *
 *   node dist/apps/dev-server/src/main.js [-c broker.conf] [--namesrvPort 9876] [--brokerPort 10911] [--<key> <value>]
 *
 * Takes the broker's keys (`-c`, `--key value`, as apps/broker), plus `--namesrvPort` and `--brokerPort`
 * (`--listenPort` works too). GET /health on `healthPort` (default 10990; -1 disables). Ctrl-C / SIGTERM stop it.
 */
import { BrokerConfigError, describeStartError, installShutdownHandlers } from '@rocketnest/broker';
import { DEV_SERVER_USAGE, startDevServer } from './dev-server';

async function main(): Promise<void> {
  const server = await startDevServer(process.argv.slice(2));
  if (!server) {
    console.log(DEV_SERVER_USAGE);
    return;
  }
  console.log(server.banner);
  installShutdownHandlers(
    () => server.shutdown(),
    (m) => console.log(`[dev-server] ${m}`),
  );
}

main().catch((err: unknown) => {
  if (err instanceof BrokerConfigError) console.error(`[dev-server] configuration error: ${err.message}`);
  else console.error(`[dev-server] failed to start: ${describeStartError(err)}`);
  process.exit(1);
});
