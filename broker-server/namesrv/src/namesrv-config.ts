import { homedir } from 'node:os';
import { join } from 'node:path';
import { MQClientError } from '@rocketnest/common';
import type { SerializeType } from '@rocketnest/remoting';

/** Name server settings (Java `NamesrvConfig` + the `NettyServerConfig` keys that matter). */
export interface NamesrvConfig {
  /** TCP port. Default 9876. Java key `listenPort`. */
  listenPort: number;
  /** Interface to bind. Default `0.0.0.0`. Java key `bindAddress`. */
  host: string;
  /** KV settings file. Default `~/namesrv/kvConfig.json`. */
  kvConfigPath: string;
  /** Where UPDATE_NAMESRV_CONFIG persists the settings (Java properties). Default unset = not persisted. */
  configStorePath?: string;
  /** Period of the dead-broker scan. Default 5000 ms (5.x). Java key `scanNotActiveBrokerInterval`. */
  scanNotActiveBrokerIntervalMs: number;
  /** Brokers silent this long are dropped (unless they sent their own `heartbeatTimeoutMillis`). Default 120000 ms. */
  brokerChannelExpiredTimeMs: number;
  /** Close connections idle this long. Default 120000 ms. Java key `serverChannelMaxIdleTimeSeconds` (seconds). */
  serverChannelMaxIdleTimeMs: number;
  /** Add `orderTopicConf` from KV namespace ORDER_TOPIC_CONFIG to routes. Default false. */
  orderMessageEnable: boolean;
  /** Answer REGISTER_BROKER with the ORDER_TOPIC_CONFIG KV list. Default true. */
  returnOrderTopicConfigToBroker: boolean;
  /** Serve GET_ALL_TOPIC_LIST_FROM_NAMESERVER. Default true. */
  enableAllTopicList: boolean;
  /** Serve GET_TOPICS_BY_CLUSTER and the unit topic lists. Default true. */
  enableTopicList: boolean;
  /** Drop topics missing from a broker's full registration. Default false. */
  deleteTopicWithBrokerRegistration: boolean;
  /** Slave acting master (5.x). Default false. */
  supportActingMaster: boolean;
  /** Answer GET_ROUTEINFO_BY_TOPIC with SYSTEM_ERROR "name server not ready" for `waitSecondsForService` after start. */
  needWaitForService: boolean;
  /** Default 45. */
  waitSecondsForService: number;
  /** Keys UPDATE_NAMESRV_CONFIG refuses, `;`-separated. Default `configBlackList;configStorePath;kvConfigPath`. */
  configBlackList: string;
  /** Response header serialization; undefined = answer in the request's type. Key `serializeType` (JSON/ROCKETMQ). */
  serializeType?: SerializeType;
  /** Informational Java keys kept for GET_NAMESRV_CONFIG. */
  rocketmqHome: string;
  productEnvName: string;
  clusterTest: boolean;
}

export function defaultNamesrvConfig(): NamesrvConfig {
  const home = homedir();
  return {
    listenPort: 9876,
    host: '0.0.0.0',
    kvConfigPath: join(home, 'namesrv', 'kvConfig.json'),
    configStorePath: undefined,
    scanNotActiveBrokerIntervalMs: 5000,
    brokerChannelExpiredTimeMs: 120_000,
    serverChannelMaxIdleTimeMs: 120_000,
    orderMessageEnable: false,
    returnOrderTopicConfigToBroker: true,
    enableAllTopicList: true,
    enableTopicList: true,
    deleteTopicWithBrokerRegistration: false,
    supportActingMaster: false,
    needWaitForService: false,
    waitSecondsForService: 45,
    configBlackList: 'configBlackList;configStorePath;kvConfigPath',
    serializeType: undefined,
    rocketmqHome: process.env.ROCKETMQ_HOME ?? '',
    productEnvName: 'center',
    clusterTest: false,
  };
}

type Kind = 'int' | 'bool' | 'string' | 'seconds' | 'serialize';

/** Java property key → config field, with the value kind. Both the Java key and the field name are accepted. */
const KEYS: ReadonlyArray<[javaKey: string, field: keyof NamesrvConfig, kind: Kind]> = [
  ['listenPort', 'listenPort', 'int'],
  ['bindAddress', 'host', 'string'],
  ['kvConfigPath', 'kvConfigPath', 'string'],
  ['configStorePath', 'configStorePath', 'string'],
  ['scanNotActiveBrokerInterval', 'scanNotActiveBrokerIntervalMs', 'int'],
  ['brokerChannelExpiredTime', 'brokerChannelExpiredTimeMs', 'int'],
  ['serverChannelMaxIdleTimeSeconds', 'serverChannelMaxIdleTimeMs', 'seconds'],
  ['orderMessageEnable', 'orderMessageEnable', 'bool'],
  ['returnOrderTopicConfigToBroker', 'returnOrderTopicConfigToBroker', 'bool'],
  ['enableAllTopicList', 'enableAllTopicList', 'bool'],
  ['enableTopicList', 'enableTopicList', 'bool'],
  ['deleteTopicWithBrokerRegistration', 'deleteTopicWithBrokerRegistration', 'bool'],
  ['supportActingMaster', 'supportActingMaster', 'bool'],
  ['needWaitForService', 'needWaitForService', 'bool'],
  ['waitSecondsForService', 'waitSecondsForService', 'int'],
  ['configBlackList', 'configBlackList', 'string'],
  ['serializeType', 'serializeType', 'serialize'],
  ['rocketmqHome', 'rocketmqHome', 'string'],
  ['productEnvName', 'productEnvName', 'string'],
  ['clusterTest', 'clusterTest', 'bool'],
];

/** Every key `namesrvConfigFromProperties` understands (Java names and field names). */
export const NAMESRV_CONFIG_KEYS: readonly string[] = [...new Set(KEYS.flatMap(([j, f]) => [j, f]))];

function convert(key: string, raw: string, kind: Kind): unknown {
  const v = raw.trim();
  switch (kind) {
    case 'int':
    case 'seconds': {
      if (!/^-?\d+$/.test(v)) throw new MQClientError(`Configuration key "${key}" needs an integer, got "${raw}"`);
      return kind === 'seconds' ? Number(v) * 1000 : Number(v);
    }
    case 'bool':
      if (!/^(true|false)$/i.test(v))
        throw new MQClientError(`Configuration key "${key}" needs true or false, got "${raw}"`);
      return v.toLowerCase() === 'true';
    case 'serialize':
      if (/^(json|0)$/i.test(v)) return 0;
      if (/^(rocketmq|1)$/i.test(v)) return 1;
      throw new MQClientError(`Configuration key "${key}" needs JSON or ROCKETMQ, got "${raw}"`);
    default:
      return raw;
  }
}

/**
 * Typed settings from Java-style properties. Unknown keys are returned in `unknown` (Java ignores them too), bad
 * values throw `MQClientError`.
 */
export function namesrvConfigFromProperties(props: Record<string, string>): {
  config: Partial<NamesrvConfig>;
  unknown: string[];
} {
  const config: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, raw] of Object.entries(props)) {
    const entry = KEYS.find(([j, f]) => j === key || f === key);
    if (!entry) {
      unknown.push(key);
      continue;
    }
    const [, field, kind] = entry;
    // Field names ending in Ms take milliseconds even for the "seconds" Java key's field name.
    config[field] = key === field && kind === 'seconds' ? convert(key, raw, 'int') : convert(key, raw, kind);
  }
  return { config: config, unknown };
}

/** The settings as Java property keys (GET_NAMESRV_CONFIG body, `-p`). */
export function namesrvConfigToProperties(c: NamesrvConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [javaKey, field, kind] of KEYS) {
    const v = c[field];
    if (v === undefined) continue;
    if (kind === 'seconds') out[javaKey] = String(Math.floor((v as number) / 1000));
    else if (kind === 'serialize') out[javaKey] = v === 1 ? 'ROCKETMQ' : 'JSON';
    else out[javaKey] = String(v);
  }
  return out;
}
