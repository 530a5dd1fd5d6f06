import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Broker configuration, keyed by the Java broker's property names (`BrokerConfig`, `MessageStoreConfig`,
 * `NettyServerConfig`) so that an Apache RocketMQ `broker.conf` works unchanged. Keys marked "RocketNest" have no
 * Java counterpart: they expose timings Java hard-codes, so tests and small deployments can shorten them.
 */
export interface BrokerConfig {
  // --- identity and addresses (BrokerConfig / NettyServerConfig)
  /** Default `DefaultCluster`. */
  brokerClusterName: string;
  /** Default `broker-a`. */
  brokerName: string;
  /** 0 = master. Default 0. */
  brokerId: number;
  /** `host:port;host:port`. Default: env NAMESRV_ADDR, else none (the broker then runs without registering). */
  namesrvAddr: string | null;
  /** Remoting port. Default 10911. 0 = ephemeral (tests). */
  listenPort: number;
  /** Address the broker binds to. Default `0.0.0.0`. (RocketNest; Java binds every interface.) */
  bindAddress: string;
  /** Address advertised to clients. Default: first non-internal IPv4 address, else 127.0.0.1. */
  brokerIP1: string;
  /** HA address. Default = brokerIP1. */
  brokerIP2: string;
  /** HA port advertised in registration. Default listenPort + 1. */
  haListenPort: number;
  /** Default `DefaultRegion`; sent as `MSG_REGION` in send responses. */
  regionId: string;
  /** Sent as `TRACE_ON` in send responses. Default true. */
  traceOn: boolean;
  /** `ASYNC_MASTER` | `SYNC_MASTER` | `SLAVE`. Default ASYNC_MASTER. */
  brokerRole: 'ASYNC_MASTER' | 'SYNC_MASTER' | 'SLAVE';
  /** Broker-wide permission bits (§6.5). Default 6. */
  brokerPermission: number;

  // --- topics and groups
  /** Default true: creates TBW102 and auto-creates topics on first send. */
  autoCreateTopicEnable: boolean;
  /** Default true. */
  autoCreateSubscriptionGroup: boolean;
  /** Queues of TBW102 (and the default for admin-created topics). Default 8. */
  defaultTopicQueueNums: number;
  /** Create the `<clusterName>` topic. Default true. */
  clusterTopicEnable: boolean;
  /** Create the `<brokerName>` topic. Default true. */
  brokerTopicEnable: boolean;
  /** Create the trace topic. Default false. */
  traceTopicEnable: boolean;
  /** Default `RMQ_SYS_TRACE_TOPIC`. */
  msgTraceTopicName: string;
  /** Default true. */
  notifyConsumerIdsChangedEnable: boolean;
  /** Default false. */
  rejectTransactionMessage: boolean;
  /** Default true. */
  storeReplyMessageEnable: boolean;
  /** SQL92 filtering allowed. Default false (Java default). */
  enablePropertyFilter: boolean;
  /** Apply the SQL92 filter to retry topics too. Default false. */
  filterSupportRetry: boolean;
  /** Default false. */
  slaveReadEnable: boolean;
  /** Default 32. */
  defaultQueryMaxNum: number;

  // --- store (MessageStoreConfig)
  /** Default `$HOME/store`. */
  storePathRootDir: string;
  /** Default `<storePathRootDir>/commitlog`. */
  storePathCommitLog: string;
  /** `ASYNC_FLUSH` | `SYNC_FLUSH`. Default ASYNC_FLUSH. */
  flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH';
  /** Default 1 GiB. */
  mappedFileSizeCommitLog: number;
  /** Default 300000 × 20 bytes. */
  mappedFileSizeConsumeQueue: number;
  /** Hours a commit-log file is kept. Default 72. */
  fileReservedTime: number;
  /** Hour(s) of day when expired files are deleted, e.g. `04` or `01;04`. Default `04`. */
  deleteWhen: string;
  /** Largest message body (bytes). Default 4 MiB. */
  maxMessageSize: number;
  /** Default `1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h`. */
  messageDelayLevel: string;
  /** Default 262144. */
  maxTransferBytesOnMessageInMemory: number;
  /** Default 32. */
  maxTransferCountOnMessageInMemory: number;
  /** Default 65536. */
  maxTransferBytesOnMessageInDisk: number;
  /** Default 8. */
  maxTransferCountOnMessageInDisk: number;
  /** Default 40. */
  accessMessageInMemoryMaxRatio: number;
  /** Sync flush wait (ms). Default 5000. */
  syncFlushTimeout: number;
  /** Default 500 ms. */
  flushIntervalCommitLog: number;
  /** Default 1000 ms. */
  flushIntervalConsumeQueue: number;
  /** Max messages returned by QUERY_MESSAGE. Default 64. */
  maxMsgsNumBatch: number;
  /** Default true. */
  messageIndexEnable: boolean;
  /** Hash slots per index file. Default 5000000. */
  maxHashSlotNum: number;
  /** Entries per index file. Default 20000000. */
  maxIndexNum: number;
  /** Timer wheel for TIMER_* properties. Default true. */
  timerWheelEnable: boolean;
  /** Default 1000 ms. */
  timerPrecisionMs: number;
  /** Default 259200 s. */
  timerMaxDelaySec: number;

  // --- POP consumption (5.x)
  /** Mode QUERY_ASSIGNMENT answers for a (topic, group) nobody set with SET_MESSAGE_REQUEST_MODE. Default PULL. */
  defaultMessageRequestMode: 'PULL' | 'POP';
  /** popShareQueueNum of that default POP mode; -1 (or 0) = every client pops every queue. Default -1. */
  defaultPopShareQueueNum: number;
  /** QUERY_ASSIGNMENT allocates per client (else every client gets every queue). Default true. */
  serverLoadBalancerEnable: boolean;
  /** Revive queues (reviveQid = round robin over them). Default 8. */
  reviveQueueNum: number;
  /** POP retry topics named `%RETRY%<group>+<topic>` (V2) instead of `%RETRY%<group>_<topic>`. Default false. */
  enableRetryTopicV2: boolean;
  /** Parked POP requests per topic@group@queueId before POLLING_FULL. Default 1024. */
  popPollingSize: number;
  /** Parked POP requests in total before POLLING_FULL. Default 100000. */
  maxPopPollingSize: number;
  /** How often expired checkpoints are revived, ms (Java `reviveInterval`). Default 1000. */
  reviveInterval: number;
  /** Answer retry messages under their `%RETRY%` topic instead of the original one. Default false. */
  popResponseReturnActualRetryTopic: boolean;
  /** RocketNest: how often the checkpoint table is written when it changed, ms. Default 1000. */
  popCheckpointFlushInterval: number;
  /** How long QUERY_ASSIGNMENT reuses a topic route read from the name server, ms. Default 30000. */
  loadBalancePollNameServerInterval: number;

  // --- transactions
  /** Default 6000 ms. */
  transactionTimeOut: number;
  /** Default 15. */
  transactionCheckMax: number;
  /** Default 30000 ms. */
  transactionCheckInterval: number;

  // --- timings
  /** Name server registration period (ms). Java clamps to 10 000–60 000; RocketNest accepts ≥ 100. Default 30000. */
  registerNameServerPeriod: number;
  /** REGISTER_BROKER RPC timeout (ms). Default 24000. */
  registerBrokerTimeoutMills: number;
  /** Default true. */
  forceRegister: boolean;
  /** Client channel expiry without heartbeat (ms). Default 120000. */
  channelExpiredTimeout: number;
  /** RocketNest: client housekeeping scan period (ms). Java: 10000. */
  clientHousekeepingInterval: number;
  /** Consumer offsets (and other configs) persisted every N ms. Default 5000. */
  flushConsumerOffsetInterval: number;
  /** Default true. */
  longPollingEnable: boolean;
  /** Hold time when long polling is disabled (ms). Default 1000. */
  shortPollingTimeMills: number;
  /** RocketNest: safety re-check of held pulls (ms). Java: 5000 (1000 when short polling). */
  pullRequestHoldCheckInterval: number;
  /** RocketNest: max store puts in flight before sends get SYSTEM_BUSY. Java's analogue: sendThreadPoolQueueCapacity 10000. */
  sendThreadPoolQueueCapacity: number;
  /** Default 1000 ms; a put waiting longer than this in the send queue is rejected with SYSTEM_BUSY. */
  waitTimeMillsInSendQueue: number;

  // --- hosting
  /** RocketNest: HTTP port for GET /health. Default 10990; 0 = ephemeral; -1 = disabled. */
  healthPort: number;
}

/** Keys a Java broker.conf commonly carries that RocketNest accepts without effect (no warning). */
export const ACCEPTED_JAVA_KEYS: ReadonlySet<string> = new Set([
  'sendMessageThreadPoolNums',
  'pullMessageThreadPoolNums',
  'queryMessageThreadPoolNums',
  'adminBrokerThreadPoolNums',
  'clientManageThreadPoolNums',
  'consumerManageThreadPoolNums',
  'heartbeatThreadPoolNums',
  'endTransactionThreadPoolNums',
  'pullThreadPoolQueueCapacity',
  'serverWorkerThreads',
  'serverCallbackExecutorThreads',
  'serverSelectorThreads',
  'serverOnewaySemaphoreValue',
  'serverAsyncSemaphoreValue',
  'serverChannelMaxIdleTimeSeconds',
  'serverSocketSndBufSize',
  'serverSocketRcvBufSize',
  'serverPooledByteBufAllocatorEnable',
  'useEpollNativeSelector',
  'transientStorePoolEnable',
  'warmMapedFileEnable',
  'isEnableBatchPush',
  'enableDLegerCommitLog',
  'useReentrantLockWhenPutMessage',
  'diskMaxUsedSpaceRatio',
  'storePathConsumeQueue',
  'storePathIndex',
  'storeCheckpoint',
  'abortFile',
  'aclEnable',
  'fetchNamesrvAddrByAddressServer',
  'sendMessageWithVIPChannel',
  'listenPortVip',
  'offsetCheckInSlave',
  'duplicationEnable',
  'haSendHeartbeatInterval',
  'haHousekeepingInterval',
  'enableControllerMode',
  'enableSlaveActingMaster',
  'asyncSendEnable',
  'autoDeleteUnusedStats',
  'brokerFastFailureEnable',
]);

export const DEFAULT_MESSAGE_DELAY_LEVEL = '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

type KeyKind = 'string' | 'nullableString' | 'int' | 'long' | 'bool' | { enum: readonly string[] };

/** Type of every known key: drives parsing of properties files and flags. */
export const BROKER_CONFIG_KEYS: Readonly<Record<keyof BrokerConfig, KeyKind>> = {
  brokerClusterName: 'string',
  brokerName: 'string',
  brokerId: 'long',
  namesrvAddr: 'nullableString',
  listenPort: 'int',
  bindAddress: 'string',
  brokerIP1: 'string',
  brokerIP2: 'string',
  haListenPort: 'int',
  regionId: 'string',
  traceOn: 'bool',
  brokerRole: { enum: ['ASYNC_MASTER', 'SYNC_MASTER', 'SLAVE'] },
  brokerPermission: 'int',
  autoCreateTopicEnable: 'bool',
  autoCreateSubscriptionGroup: 'bool',
  defaultTopicQueueNums: 'int',
  clusterTopicEnable: 'bool',
  brokerTopicEnable: 'bool',
  traceTopicEnable: 'bool',
  msgTraceTopicName: 'string',
  notifyConsumerIdsChangedEnable: 'bool',
  rejectTransactionMessage: 'bool',
  storeReplyMessageEnable: 'bool',
  enablePropertyFilter: 'bool',
  filterSupportRetry: 'bool',
  slaveReadEnable: 'bool',
  defaultQueryMaxNum: 'int',
  storePathRootDir: 'string',
  storePathCommitLog: 'string',
  flushDiskType: { enum: ['ASYNC_FLUSH', 'SYNC_FLUSH'] },
  mappedFileSizeCommitLog: 'int',
  mappedFileSizeConsumeQueue: 'int',
  fileReservedTime: 'int',
  deleteWhen: 'string',
  maxMessageSize: 'int',
  messageDelayLevel: 'string',
  maxTransferBytesOnMessageInMemory: 'int',
  maxTransferCountOnMessageInMemory: 'int',
  maxTransferBytesOnMessageInDisk: 'int',
  maxTransferCountOnMessageInDisk: 'int',
  accessMessageInMemoryMaxRatio: 'int',
  syncFlushTimeout: 'long',
  flushIntervalCommitLog: 'int',
  flushIntervalConsumeQueue: 'int',
  maxMsgsNumBatch: 'int',
  messageIndexEnable: 'bool',
  maxHashSlotNum: 'int',
  maxIndexNum: 'int',
  timerWheelEnable: 'bool',
  timerPrecisionMs: 'long',
  timerMaxDelaySec: 'int',
  defaultMessageRequestMode: { enum: ['PULL', 'POP'] },
  defaultPopShareQueueNum: 'int',
  serverLoadBalancerEnable: 'bool',
  reviveQueueNum: 'int',
  enableRetryTopicV2: 'bool',
  popPollingSize: 'int',
  maxPopPollingSize: 'long',
  reviveInterval: 'long',
  popResponseReturnActualRetryTopic: 'bool',
  popCheckpointFlushInterval: 'long',
  loadBalancePollNameServerInterval: 'long',
  transactionTimeOut: 'long',
  transactionCheckMax: 'int',
  transactionCheckInterval: 'long',
  registerNameServerPeriod: 'int',
  registerBrokerTimeoutMills: 'int',
  forceRegister: 'bool',
  channelExpiredTimeout: 'long',
  clientHousekeepingInterval: 'long',
  flushConsumerOffsetInterval: 'int',
  longPollingEnable: 'bool',
  shortPollingTimeMills: 'long',
  pullRequestHoldCheckInterval: 'long',
  sendThreadPoolQueueCapacity: 'int',
  waitTimeMillsInSendQueue: 'long',
  healthPort: 'int',
};

/** Keys that may be changed at run time by UPDATE_BROKER_CONFIG (the rest need a restart). */
export const HOT_UPDATABLE_KEYS: ReadonlySet<keyof BrokerConfig> = new Set<keyof BrokerConfig>([
  'brokerPermission',
  'autoCreateTopicEnable',
  'autoCreateSubscriptionGroup',
  'defaultTopicQueueNums',
  'notifyConsumerIdsChangedEnable',
  'rejectTransactionMessage',
  'storeReplyMessageEnable',
  'enablePropertyFilter',
  'filterSupportRetry',
  'slaveReadEnable',
  'defaultQueryMaxNum',
  'fileReservedTime',
  'deleteWhen',
  'maxMessageSize',
  'maxTransferBytesOnMessageInMemory',
  'maxTransferCountOnMessageInMemory',
  'maxTransferBytesOnMessageInDisk',
  'maxTransferCountOnMessageInDisk',
  'traceOn',
  'regionId',
  'transactionTimeOut',
  'transactionCheckMax',
  'transactionCheckInterval',
  'channelExpiredTimeout',
  'longPollingEnable',
  'shortPollingTimeMills',
  'defaultMessageRequestMode',
  'defaultPopShareQueueNum',
  'serverLoadBalancerEnable',
  'popPollingSize',
  'maxPopPollingSize',
  'reviveInterval',
  'popResponseReturnActualRetryTopic',
  'waitTimeMillsInSendQueue',
  'sendThreadPoolQueueCapacity',
]);

/** Thrown for a configuration value that cannot be used (bad number, unknown enum constant, ...). Fatal at start-up. */
export class BrokerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerConfigError';
  }
}

/** First non-internal IPv4 address of this host, else 127.0.0.1 (Java `RemotingUtil.getLocalAddress`, roughly). */
export function localAddress(): string {
  const nets = os.networkInterfaces();
  for (const list of Object.values(nets)) {
    for (const ni of list ?? []) {
      if (ni.family === 'IPv4' && !ni.internal) return ni.address;
    }
  }
  return '127.0.0.1';
}

/** Defaults as the Java broker has them (plus RocketNest's timing keys). `storePathRootDir` defaults to `~/store`. */
export function defaultBrokerConfig(env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  const storePathRootDir = path.join(os.homedir(), 'store');
  return {
    brokerClusterName: 'DefaultCluster',
    brokerName: 'broker-a',
    brokerId: 0,
    namesrvAddr: env.NAMESRV_ADDR && env.NAMESRV_ADDR.trim() ? env.NAMESRV_ADDR.trim() : null,
    listenPort: 10911,
    bindAddress: '0.0.0.0',
    brokerIP1: '',
    brokerIP2: '',
    haListenPort: -1,
    regionId: 'DefaultRegion',
    traceOn: true,
    brokerRole: 'ASYNC_MASTER',
    brokerPermission: 6,
    autoCreateTopicEnable: true,
    autoCreateSubscriptionGroup: true,
    defaultTopicQueueNums: 8,
    clusterTopicEnable: true,
    brokerTopicEnable: true,
    traceTopicEnable: false,
    msgTraceTopicName: 'RMQ_SYS_TRACE_TOPIC',
    notifyConsumerIdsChangedEnable: true,
    rejectTransactionMessage: false,
    storeReplyMessageEnable: true,
    enablePropertyFilter: false,
    filterSupportRetry: false,
    slaveReadEnable: false,
    defaultQueryMaxNum: 32,
    storePathRootDir,
    storePathCommitLog: '',
    flushDiskType: 'ASYNC_FLUSH',
    mappedFileSizeCommitLog: 1024 * 1024 * 1024,
    mappedFileSizeConsumeQueue: 300000 * 20,
    fileReservedTime: 72,
    deleteWhen: '04',
    maxMessageSize: 1024 * 1024 * 4,
    messageDelayLevel: DEFAULT_MESSAGE_DELAY_LEVEL,
    maxTransferBytesOnMessageInMemory: 256 * 1024,
    maxTransferCountOnMessageInMemory: 32,
    maxTransferBytesOnMessageInDisk: 64 * 1024,
    maxTransferCountOnMessageInDisk: 8,
    accessMessageInMemoryMaxRatio: 40,
    syncFlushTimeout: 5000,
    flushIntervalCommitLog: 500,
    flushIntervalConsumeQueue: 1000,
    maxMsgsNumBatch: 64,
    messageIndexEnable: true,
    maxHashSlotNum: 5000000,
    maxIndexNum: 5000000 * 4,
    timerWheelEnable: true,
    timerPrecisionMs: 1000,
    timerMaxDelaySec: 259200,
    defaultMessageRequestMode: 'PULL',
    defaultPopShareQueueNum: -1,
    serverLoadBalancerEnable: true,
    reviveQueueNum: 8,
    enableRetryTopicV2: false,
    popPollingSize: 1024,
    maxPopPollingSize: 100000,
    reviveInterval: 1000,
    popResponseReturnActualRetryTopic: false,
    popCheckpointFlushInterval: 1000,
    loadBalancePollNameServerInterval: 30000,
    transactionTimeOut: 6000,
    transactionCheckMax: 15,
    transactionCheckInterval: 30000,
    registerNameServerPeriod: 30000,
    registerBrokerTimeoutMills: 24000,
    forceRegister: true,
    channelExpiredTimeout: 120000,
    clientHousekeepingInterval: 10000,
    flushConsumerOffsetInterval: 5000,
    longPollingEnable: true,
    shortPollingTimeMills: 1000,
    pullRequestHoldCheckInterval: 5000,
    sendThreadPoolQueueCapacity: 10000,
    waitTimeMillsInSendQueue: 1000,
    healthPort: 10990,
  };
}

/** Fills the derived defaults (addresses, HA port, commit-log path) and checks ranges. Throws BrokerConfigError. */
export function finalizeBrokerConfig(config: BrokerConfig): BrokerConfig {
  if (!config.brokerIP1) config.brokerIP1 = localAddress();
  if (!config.brokerIP2) config.brokerIP2 = config.brokerIP1;
  if (config.haListenPort < 0) config.haListenPort = config.listenPort > 0 ? config.listenPort + 1 : 0;
  if (!config.storePathCommitLog) config.storePathCommitLog = path.join(config.storePathRootDir, 'commitlog');
  validateBrokerConfig(config);
  return config;
}

export function validateBrokerConfig(config: BrokerConfig): void {
  const fail = (msg: string): never => {
    throw new BrokerConfigError(msg);
  };
  if (!config.brokerName) fail('brokerName must not be empty');
  if (!config.brokerClusterName) fail('brokerClusterName must not be empty');
  if (config.listenPort < 0 || config.listenPort > 65535)
    fail(`listenPort ${config.listenPort} is not a port (0-65535)`);
  if (config.healthPort < -1 || config.healthPort > 65535) fail(`healthPort ${config.healthPort} must be -1..65535`);
  if (config.brokerPermission < 0 || config.brokerPermission > 15)
    fail(`brokerPermission ${config.brokerPermission} must be 0..15`);
  if (config.defaultTopicQueueNums <= 0) fail('defaultTopicQueueNums must be > 0');
  if (config.brokerId < 0) fail('brokerId must be >= 0');
  if (config.registerNameServerPeriod < 100) fail('registerNameServerPeriod must be >= 100 ms');
  if (config.flushConsumerOffsetInterval < 10) fail('flushConsumerOffsetInterval must be >= 10 ms');
  if (config.channelExpiredTimeout < 100) fail('channelExpiredTimeout must be >= 100 ms');
  if (config.clientHousekeepingInterval < 10) fail('clientHousekeepingInterval must be >= 10 ms');
  if (config.pullRequestHoldCheckInterval < 10) fail('pullRequestHoldCheckInterval must be >= 10 ms');
  if (config.maxMessageSize <= 0) fail('maxMessageSize must be > 0');
  if (config.sendThreadPoolQueueCapacity <= 0) fail('sendThreadPoolQueueCapacity must be > 0');
  if (!config.storePathRootDir) fail('storePathRootDir must not be empty');
  if (config.namesrvAddr !== null) {
    for (const addr of config.namesrvAddr.split(';').filter((a) => a.trim())) {
      if (!/^[^:\s]+:\d{1,5}$/.test(addr.trim())) fail(`namesrvAddr entry "${addr}" is not host:port`);
    }
  }
}

/** Parses one textual value for `key` the way Java's `MixAll.properties2Object` would, but strictly. */
export function parseConfigValue(key: keyof BrokerConfig, raw: string): BrokerConfig[keyof BrokerConfig] {
  const kind = BROKER_CONFIG_KEYS[key];
  const value = raw.trim();
  if (kind === 'string') return value;
  if (kind === 'nullableString') return value === '' ? null : value;
  if (kind === 'bool') {
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    throw new BrokerConfigError(`${key}: "${raw}" is not a boolean (true/false)`);
  }
  if (kind === 'int' || kind === 'long') {
    if (!/^-?\d+$/.test(value)) throw new BrokerConfigError(`${key}: "${raw}" is not an integer`);
    const n = Number(value);
    if (!Number.isSafeInteger(n) || (kind === 'int' && (n > 2147483647 || n < -2147483648))) {
      throw new BrokerConfigError(`${key}: "${raw}" is out of range`);
    }
    return n;
  }
  if (!kind.enum.includes(value)) {
    throw new BrokerConfigError(`${key}: "${raw}" is not one of ${kind.enum.join(', ')}`);
  }
  return value;
}

export function isBrokerConfigKey(key: string): key is keyof BrokerConfig {
  return Object.prototype.hasOwnProperty.call(BROKER_CONFIG_KEYS, key);
}

export interface ApplyConfigResult {
  /** Keys that are neither known nor in ACCEPTED_JAVA_KEYS (warn about them). */
  unknown: string[];
  /** Keys accepted for Java compatibility that have no effect here. */
  ignored: string[];
}

/**
 * Applies textual key/values onto `config` (mutates it). Unknown keys are collected, not fatal; a bad value throws
 * BrokerConfigError naming the key and where it came from.
 */
export function applyConfigValues(
  config: BrokerConfig,
  values: Record<string, string>,
  source = 'configuration',
  only?: ReadonlySet<string>,
): ApplyConfigResult {
  const result: ApplyConfigResult = { unknown: [], ignored: [] };
  for (const [key, raw] of Object.entries(values)) {
    if (only && !only.has(key)) continue;
    if (!isBrokerConfigKey(key)) {
      if (ACCEPTED_JAVA_KEYS.has(key)) result.ignored.push(key);
      else result.unknown.push(key);
      continue;
    }
    try {
      (config as unknown as Record<string, unknown>)[key] = parseConfigValue(key, raw);
    } catch (err) {
      throw new BrokerConfigError(`${(err as Error).message} (from ${source})`);
    }
  }
  return result;
}

/** Java `Properties` text of the config, sorted, for GET_BROKER_CONFIG (`key=value\n`). */
export function brokerConfigToProperties(config: BrokerConfig): string {
  const keys = Object.keys(BROKER_CONFIG_KEYS).sort() as (keyof BrokerConfig)[];
  return keys.map((k) => `${k}=${config[k] === null ? '' : String(config[k])}`).join('\n') + '\n';
}
