import { readFileSync } from 'node:fs';
import { MQClientError, parseProperties, parseStartupArgs } from '@rocketnest/common';
import { NamesrvController, namesrvConfigFromProperties, type NamesrvConfig } from '@rocketnest/namesrv';

/** Default HTTP port of GET /health. `-1` disables it, `0` picks a free port. */
export const DEFAULT_HEALTH_PORT = 9880;

export const NAMESRV_USAGE = `Usage: node dist/apps/namesrv/src/main.js [-c namesrv.properties] [--<key> <value> ...] [-p] [-h]
  -c <file>     Java .properties file with name server keys (listenPort, kvConfigPath, scanNotActiveBrokerInterval, ...)
  --<key> <v>   override one key, e.g. --listenPort 19876 (also --key=value)
  -p            print the effective configuration and exit
  -h            this help
  Keys beyond Java's: healthPort (HTTP GET /health, default ${DEFAULT_HEALTH_PORT}; 0 = any free port, -1 = off),
  brokerChannelExpiredTime (ms, default 120000), serializeType (JSON|ROCKETMQ; default: answer in the request's type).`;

export interface NamesrvStartup {
  config: Partial<NamesrvConfig>;
  healthPort: number;
  /** Host the health endpoint binds (same as the name server's bind address). */
  healthHost: string;
  printConfig: boolean;
  help: boolean;
  /** Keys in the properties file that no setting uses (Java ignores them too; reported as a warning). */
  unknownKeys: string[];
}

/**
 * Resolves the name server's settings from command-line arguments: the `-c` properties file first, then `--key value`
 * overrides. Throws `MQClientError` with the offending key or argument.
 */
export function resolveNamesrvStartup(argv: readonly string[]): NamesrvStartup {
  const args = parseStartupArgs(argv, [...NamesrvController.configKeys, 'healthPort']);
  let props: Record<string, string> = {};
  if (args.configFile) {
    let text: string;
    try {
      text = readFileSync(args.configFile, 'utf8');
    } catch (err) {
      throw new MQClientError(`Cannot read config file ${args.configFile}: ${(err as Error).message}`, { cause: err });
    }
    props = parseProperties(text);
  }
  const merged = { ...props, ...args.overrides };
  let healthPort = DEFAULT_HEALTH_PORT;
  if (merged.healthPort !== undefined) {
    const raw = merged.healthPort.trim();
    if (!/^-?\d+$/.test(raw) || Number(raw) < -1 || Number(raw) > 65535) {
      throw new MQClientError(
        `healthPort must be -1 (off), 0 (any free port) or a port number, got "${merged.healthPort}"`,
      );
    }
    healthPort = Number(raw);
    delete merged.healthPort;
  }
  const { config, unknown } = namesrvConfigFromProperties(merged);
  return {
    config,
    healthPort,
    healthHost: config.host ?? '0.0.0.0',
    printConfig: args.printConfig,
    help: args.help,
    unknownKeys: unknown,
  };
}
