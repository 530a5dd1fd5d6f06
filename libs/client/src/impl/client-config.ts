import { networkInterfaces } from 'node:os';
import { MQClientError } from '@rocketnest/common';

/** Options every client (producer, consumers, admin) shares. Intervals default to Java's (protocol.md §6.6). */
export interface ClientOptions {
  /** `host:port;host:port`. Default: env `NAMESRV_ADDR`. */
  namesrvAddr?: string;
  /** Resource namespace: topics and groups are sent as `<namespace>%<name>` and shown without it. */
  namespace?: string;
  /** Second part of the client id `ip@instanceName`; Java's `DEFAULT` becomes `<pid>#<hrtime>`. */
  instanceName?: string;
  /** First part of the client id. Default: the first non-internal IPv4 address, else 127.0.0.1. */
  clientIP?: string;
  /** Java `unitName`, appended to the client id as `@unitName`. */
  unitName?: string;
  /** Route refresh from the name servers. Default 30000 ms. */
  pollNameServerIntervalMs?: number;
  /** Heartbeat to every broker. Default 30000 ms. */
  heartbeatBrokerIntervalMs?: number;
  /** Consumer offset persistence. Default 5000 ms. */
  persistConsumerOffsetIntervalMs?: number;
  /** Periodic rebalance (also run at once on NOTIFY_CONSUMER_IDS_CHANGED). Default 20000 ms. */
  rebalanceIntervalMs?: number;
  /** Orderly consumers: queue lock renewal. Default 20000 ms. */
  lockIntervalMs?: number;
  /** Timeout of admin and bookkeeping calls (route, heartbeat, offsets). Default 3000 ms. */
  requestTimeoutMs?: number;
  /**
   * ACL 1.0 credentials: with both set, every request is signed (`AccessKey`, `Signature`, and `SecurityToken` when
   * given), as Java's `AclClientRPCHook`. A client instance signs with the credentials of its first producer/consumer.
   */
  accessKey?: string;
  secretKey?: string;
  securityToken?: string;
}

export interface ResolvedClientConfig {
  namesrvAddrs: string[];
  namespace: string | undefined;
  instanceName: string;
  clientIP: string;
  unitName: string | undefined;
  pollNameServerIntervalMs: number;
  heartbeatBrokerIntervalMs: number;
  persistConsumerOffsetIntervalMs: number;
  rebalanceIntervalMs: number;
  lockIntervalMs: number;
  requestTimeoutMs: number;
}

let defaultInstanceName: string | undefined;

export function resolveClientConfig(options: ClientOptions): ResolvedClientConfig {
  const namesrv = options.namesrvAddr ?? process.env.NAMESRV_ADDR ?? '';
  const namesrvAddrs = namesrv
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  let instanceName = options.instanceName ?? process.env.ROCKETMQ_CLIENT_NAME ?? 'DEFAULT';
  if (instanceName === 'DEFAULT') {
    defaultInstanceName ??= `${process.pid}#${process.hrtime.bigint()}`;
    instanceName = defaultInstanceName;
  }
  return {
    namesrvAddrs,
    namespace: options.namespace || undefined,
    instanceName,
    clientIP: options.clientIP ?? localIPv4(),
    unitName: options.unitName,
    pollNameServerIntervalMs: options.pollNameServerIntervalMs ?? 30000,
    heartbeatBrokerIntervalMs: options.heartbeatBrokerIntervalMs ?? 30000,
    persistConsumerOffsetIntervalMs: options.persistConsumerOffsetIntervalMs ?? 5000,
    rebalanceIntervalMs: options.rebalanceIntervalMs ?? 20000,
    lockIntervalMs: options.lockIntervalMs ?? 20000,
    requestTimeoutMs: options.requestTimeoutMs ?? 3000,
  };
}

/** `ip@instanceName[@unitName]` (Java `ClientConfig.buildMQClientId`). */
export function buildClientId(config: ResolvedClientConfig): string {
  return `${config.clientIP}@${config.instanceName}${config.unitName ? `@${config.unitName}` : ''}`;
}

export function requireNamesrv(config: ResolvedClientConfig): void {
  if (config.namesrvAddrs.length === 0) {
    throw new MQClientError(
      'No name server address: pass namesrvAddr ("host:9876;host2:9876") or set the NAMESRV_ADDR environment variable',
    );
  }
}

function localIPv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      if (info.family === 'IPv4' && !info.internal) return info.address;
    }
  }
  return '127.0.0.1';
}

const NAMESPACE_SEPARATOR = '%';
const RETRY_PREFIX = '%RETRY%';
const DLQ_PREFIX = '%DLQ%';

/** Java `NamespaceUtil.wrapNamespace`: `ns%name`, keeping `%RETRY%`/`%DLQ%` prefixes in front; system names unchanged. */
export function wrapNamespace(namespace: string | undefined, name: string): string {
  if (!namespace || !name || isSystemResource(name)) return name;
  for (const prefix of [RETRY_PREFIX, DLQ_PREFIX]) {
    if (name.startsWith(prefix)) {
      const rest = name.slice(prefix.length);
      return rest.startsWith(namespace + NAMESPACE_SEPARATOR) ? name : prefix + namespace + NAMESPACE_SEPARATOR + rest;
    }
  }
  if (name.startsWith(namespace + NAMESPACE_SEPARATOR)) return name;
  return namespace + NAMESPACE_SEPARATOR + name;
}

/** Java `NamespaceUtil.withoutNamespace`. */
export function withoutNamespace(namespace: string | undefined, name: string): string {
  if (!namespace || !name) return name;
  const ns = namespace + NAMESPACE_SEPARATOR;
  for (const prefix of [RETRY_PREFIX, DLQ_PREFIX]) {
    if (name.startsWith(prefix + ns)) return prefix + name.slice(prefix.length + ns.length);
  }
  return name.startsWith(ns) ? name.slice(ns.length) : name;
}

function isSystemResource(name: string): boolean {
  return (
    name === 'TBW102' ||
    name === 'SCHEDULE_TOPIC_XXXX' ||
    name === 'RMQ_SYS_TRANS_HALF_TOPIC' ||
    name.startsWith('rmq_sys_') ||
    name.startsWith('CID_RMQ_SYS_') ||
    name.endsWith('_REPLY_TOPIC')
  );
}
