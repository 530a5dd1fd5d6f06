import * as fs from 'node:fs';
import { parseProperties, parseStartupArgs } from '@rocketnest/common';
import {
  ACCEPTED_JAVA_KEYS,
  BrokerConfigError,
  applyConfigValues,
  defaultBrokerConfig,
  finalizeBrokerConfig,
  isBrokerConfigKey,
  type BrokerConfig,
} from './broker-config';

export interface LoadedBrokerConfig {
  config: BrokerConfig;
  /** Human-readable warnings (unknown keys). */
  warnings: string[];
  /** Values of the host-specific keys the caller asked for (e.g. `namesrvPort`), as given. */
  extra: Record<string, string>;
  help: boolean;
  printConfig: boolean;
}

/**
 * Builds the broker configuration the way Java's `mqbroker` does: defaults, then `-c broker.conf` (Java properties),
 * then `NAMESRV_ADDR` from the environment if the file did not set `namesrvAddr`, then `-n`, then `--key value` flags.
 * Unknown keys are warnings; a bad value throws {@link BrokerConfigError} naming the key and its source.
 * `extraKeys` are host options (e.g. `namesrvPort`) returned in `extra` instead of being applied.
 */
export function loadBrokerConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  extraKeys: readonly string[] = [],
  base: Partial<BrokerConfig> = {},
): LoadedBrokerConfig {
  let args;
  try {
    args = parseStartupArgs(argv, true);
  } catch (err) {
    throw new BrokerConfigError((err as Error).message);
  }
  const config: BrokerConfig = { ...defaultBrokerConfig(env), ...base };
  const warnings: string[] = [];
  const extra: Record<string, string> = {};
  const extraSet = new Set(extraKeys);
  const apply = (values: Record<string, string>, source: string): void => {
    const own: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) {
      if (extraSet.has(k)) extra[k] = v;
      else own[k] = v;
    }
    const result = applyConfigValues(config, own, source);
    for (const key of result.unknown) warnings.push(`Unknown configuration key "${key}" in ${source}; ignored`);
  };
  if (args.configFile) {
    let text: string;
    try {
      text = fs.readFileSync(args.configFile, 'utf8');
    } catch (err) {
      throw new BrokerConfigError(`Cannot read config file ${args.configFile}: ${(err as Error).message}`);
    }
    apply(parseProperties(text), args.configFile);
  }
  if (args.namesrvAddr !== undefined) apply({ namesrvAddr: args.namesrvAddr }, '-n');
  apply(args.overrides, 'command line');
  return { config: finalizeBrokerConfig(config), warnings, extra, help: args.help, printConfig: args.printConfig };
}

/** Keys `--key value` may name: the broker's keys plus the Java keys accepted without effect. */
export function knownBrokerKeys(): string[] {
  const keys = Object.keys(defaultBrokerConfig({})).filter((k) => isBrokerConfigKey(k));
  return [...keys, ...ACCEPTED_JAVA_KEYS].sort();
}
