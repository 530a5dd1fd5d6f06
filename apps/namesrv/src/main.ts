/**
 * `npm run start:namesrv` — the RocketNest name server (Java `mqnamesrv`).
 *
 *   node dist/apps/namesrv/src/main.js [-c namesrv.properties] [--listenPort 9876] [--<key> <value>] [-p] [-h]
 *
 * Prints exactly one stdout line when ready, as Java does: `The Name Server boot success. serializeType=JSON` (the bound
 * ports go to stderr). SIGINT/SIGTERM close connections and stop it (exit status 128+signal, as the JVM does).
 */
import 'reflect-metadata';
import { formatProperties } from '@rocketnest/common';
import { defaultNamesrvConfig, namesrvConfigToProperties } from '@rocketnest/namesrv';
import { bootstrapNamesrv } from './bootstrap';
import { NAMESRV_USAGE, resolveNamesrvStartup } from './namesrv-startup';

async function main(): Promise<void> {
  let startup;
  try {
    startup = resolveNamesrvStartup(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${NAMESRV_USAGE}\n`);
    process.exit(1);
  }
  if (startup.help) {
    process.stdout.write(`${NAMESRV_USAGE}\n`);
    return;
  }
  if (startup.printConfig) {
    const effective = { ...defaultNamesrvConfig(), ...startup.config };
    process.stdout.write(formatProperties({ ...namesrvConfigToProperties(effective), healthPort: startup.healthPort }));
    return;
  }
  for (const key of startup.unknownKeys) process.stderr.write(`Ignoring unknown configuration key "${key}"\n`);
  const running = await bootstrapNamesrv(startup, { shutdownHooks: true });
  const c = running.host.controller;
  const health = running.healthPort !== undefined ? `, GET /health on port ${running.healthPort}` : '';
  // Diagnostics go to stderr; stdout carries only the Java start script's ready line.
  process.stderr.write(`RocketNest name server listening on ${c.config.host}:${c.port}${health}\n`);
  const serializeType = c.config.serializeType === 1 ? 'ROCKETMQ' : 'JSON';
  process.stdout.write(`The Name Server boot success. serializeType=${serializeType}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `The name server failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
