import { RocketMQConfigurationError } from './rocketmq.errors';

/**
 * rocketmq-spring's `RocketMQProperties` (`rocketmq.*`), with the same names (camelCase here, kebab-case in config
 * files and ConfigService keys) and the same defaults.
 */
export interface RocketMQProperties {
  /** `rocketmq.name-server`: `host:port[;host:port]`. No default. */
  nameServer?: string;
  /** `rocketmq.access-channel`: `LOCAL` or `CLOUD`. */
  accessChannel?: string;
  producer: ProducerProperties;
  pullConsumer: PullConsumerProperties;
  consumer: PushConsumerProperties;
}

export interface ProducerProperties {
  /** `rocketmq.producer.group`. Without it no producer (and no default template producer) is created. */
  group?: string;
  /** `rocketmq.producer.namespace`. */
  namespace?: string;
  /** `rocketmq.producer.send-message-timeout`, ms. Default 3000. */
  sendMessageTimeout: number;
  /** `rocketmq.producer.compress-message-body-threshold`, bytes. Default 4096. */
  compressMessageBodyThreshold: number;
  /** `rocketmq.producer.retry-times-when-send-failed`. Default 2. */
  retryTimesWhenSendFailed: number;
  /** `rocketmq.producer.retry-times-when-send-async-failed`. Default 2. */
  retryTimesWhenSendAsyncFailed: number;
  /** `rocketmq.producer.retry-next-server` (Java `retryAnotherBrokerWhenNotStoreOK`). Default false. */
  retryNextServer: boolean;
  /** `rocketmq.producer.max-message-size`, bytes. Default 4 MiB. */
  maxMessageSize: number;
  /** `rocketmq.producer.access-key`. */
  accessKey?: string;
  /** `rocketmq.producer.secret-key`. */
  secretKey?: string;
  /** `rocketmq.producer.enable-msg-trace`. Default false (accepted, tracing is not implemented). */
  enableMsgTrace: boolean;
  /** `rocketmq.producer.customized-trace-topic`. Default `RMQ_SYS_TRACE_TOPIC`. */
  customizedTraceTopic: string;
  /** `rocketmq.producer.tls-enable`. Default false. */
  tlsEnable: boolean;
  /** `rocketmq.producer.instance-name`. Default `DEFAULT`. */
  instanceName: string;
}

export interface PullConsumerProperties {
  /** `rocketmq.pull-consumer.group` (`rocketmq.consumer.group` for the push section). */
  group?: string;
  namespace?: string;
  /** Topic the template's `receive()` pulls from. */
  topic?: string;
  /** `CLUSTERING` (default) or `BROADCASTING`. */
  messageModel: string;
  /** `TAG` (default) or `SQL92`. */
  selectorType: string;
  /** Default `*`. */
  selectorExpression: string;
  accessKey?: string;
  secretKey?: string;
  /** Default 10. */
  pullBatchSize: number;
  enableMsgTrace: boolean;
  customizedTraceTopic: string;
  tlsEnable: boolean;
  /** Default `DEFAULT`. */
  instanceName: string;
}

export interface PushConsumerProperties extends PullConsumerProperties {
  /** `rocketmq.consumer.listeners.<group>.<topic>=false` disables that listener. */
  listeners: Record<string, Record<string, boolean>>;
}

/** What explicit module options may set: every property is optional and sections are partial. */
export interface RocketMQPropertiesInput {
  nameServer?: string;
  accessChannel?: string;
  producer?: Partial<ProducerProperties>;
  pullConsumer?: Partial<PullConsumerProperties>;
  consumer?: Partial<PushConsumerProperties>;
}

export const RMQ_SYS_TRACE_TOPIC = 'RMQ_SYS_TRACE_TOPIC';

type Kind = 'string' | 'int' | 'boolean';
interface Entry {
  /** Dotted path in {@link RocketMQProperties}. */
  path: string;
  /** rocketmq-spring key. */
  key: string;
  kind: Kind;
  def?: string | number | boolean;
}

function section(prefix: 'producer' | 'pullConsumer' | 'consumer', keyPrefix: string): Entry[] {
  const e = (name: string, key: string, kind: Kind, def?: string | number | boolean): Entry => ({
    path: `${prefix}.${name}`,
    key: `${keyPrefix}.${key}`,
    kind,
    def,
  });
  if (prefix === 'producer') {
    return [
      e('group', 'group', 'string'),
      e('namespace', 'namespace', 'string'),
      e('sendMessageTimeout', 'send-message-timeout', 'int', 3000),
      e('compressMessageBodyThreshold', 'compress-message-body-threshold', 'int', 4096),
      e('retryTimesWhenSendFailed', 'retry-times-when-send-failed', 'int', 2),
      e('retryTimesWhenSendAsyncFailed', 'retry-times-when-send-async-failed', 'int', 2),
      e('retryNextServer', 'retry-next-server', 'boolean', false),
      e('maxMessageSize', 'max-message-size', 'int', 4 * 1024 * 1024),
      e('accessKey', 'access-key', 'string'),
      e('secretKey', 'secret-key', 'string'),
      e('enableMsgTrace', 'enable-msg-trace', 'boolean', false),
      e('customizedTraceTopic', 'customized-trace-topic', 'string', RMQ_SYS_TRACE_TOPIC),
      e('tlsEnable', 'tls-enable', 'boolean', false),
      e('instanceName', 'instance-name', 'string', 'DEFAULT'),
    ];
  }
  return [
    e('group', 'group', 'string'),
    e('namespace', 'namespace', 'string'),
    e('topic', 'topic', 'string'),
    e('messageModel', 'message-model', 'string', 'CLUSTERING'),
    e('selectorType', 'selector-type', 'string', 'TAG'),
    e('selectorExpression', 'selector-expression', 'string', '*'),
    e('accessKey', 'access-key', 'string'),
    e('secretKey', 'secret-key', 'string'),
    e('pullBatchSize', 'pull-batch-size', 'int', 10),
    e('enableMsgTrace', 'enable-msg-trace', 'boolean', false),
    e('customizedTraceTopic', 'customized-trace-topic', 'string', RMQ_SYS_TRACE_TOPIC),
    e('tlsEnable', 'tls-enable', 'boolean', false),
    e('instanceName', 'instance-name', 'string', 'DEFAULT'),
  ];
}

/** Every scalar `rocketmq.*` key the starter reads, with its type and rocketmq-spring default. */
export const ROCKETMQ_PROPERTY_ENTRIES: readonly Entry[] = [
  { path: 'nameServer', key: 'rocketmq.name-server', kind: 'string' },
  { path: 'accessChannel', key: 'rocketmq.access-channel', kind: 'string' },
  ...section('producer', 'rocketmq.producer'),
  ...section('pullConsumer', 'rocketmq.pull-consumer'),
  ...section('consumer', 'rocketmq.consumer'),
];

/** Somewhere `rocketmq.*` keys can be looked up (ConfigService, an overrides map, explicit options). */
export interface RocketMQPropertySource {
  /** The raw value of a kebab-case key such as `rocketmq.producer.group`, or undefined. */
  get(key: string): unknown;
}

function kebabToCamel(key: string): string {
  return key.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** `rocketmq.producer.send-message-timeout` → `ROCKETMQ_PRODUCER_SEND_MESSAGE_TIMEOUT`. */
export function toEnvName(key: string): string {
  return key.replace(/[.-]/g, '_').toUpperCase();
}

/** Anything with ConfigService's `get(key)`. */
export interface ConfigLike {
  get(key: string): unknown;
}

/**
 * Reads through a ConfigService with relaxed names, the way Spring binds `rocketmq.*`: the kebab-case key
 * (`rocketmq.name-server`), its camelCase form (`rocketmq.nameServer`), then the environment-variable form
 * (`ROCKETMQ_NAME_SERVER`).
 */
export function configServiceSource(config: ConfigLike): RocketMQPropertySource {
  return {
    get(key: string): unknown {
      for (const candidate of [key, kebabToCamel(key), toEnvName(key)]) {
        const value = config.get(candidate);
        if (value !== undefined && value !== null && value !== '') return value;
      }
      return undefined;
    },
  };
}

/** A flat `Record<key, value>` as a source (testing overrides). */
export function mapSource(values: Record<string, unknown>): RocketMQPropertySource {
  return { get: (key) => values[key] };
}

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    cur[part] ??= {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

const ENTRY_BY_KEY = new Map(ROCKETMQ_PROPERTY_ENTRIES.map((e) => [e.key, e]));

/** Explicit module options as a source: `rocketmq.producer.group` → `options.producer.group`. */
export function optionsSource(options: RocketMQPropertiesInput): RocketMQPropertySource {
  return {
    get(key: string): unknown {
      const entry = ENTRY_BY_KEY.get(key);
      if (entry) return getPath(options, entry.path);
      if (key === 'rocketmq.consumer.listeners') return options.consumer?.listeners;
      const listener = /^rocketmq\.consumer\.listeners\.(.+)$/.exec(key);
      if (listener) return getPath(options.consumer?.listeners, listener[1]!);
      return undefined;
    },
  };
}

/** First source that defines the key wins. */
export function chainSources(...sources: Array<RocketMQPropertySource | undefined>): RocketMQPropertySource {
  const present = sources.filter((s): s is RocketMQPropertySource => s !== undefined);
  return {
    get(key: string): unknown {
      for (const source of present) {
        const value = source.get(key);
        if (value !== undefined && value !== null && value !== '') return value;
      }
      return undefined;
    },
  };
}

function coerce(entry: Entry, value: unknown): string | number | boolean {
  switch (entry.kind) {
    case 'string':
      if (typeof value === 'string' || typeof value === 'number') return String(value);
      break;
    case 'int': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
      if (Number.isInteger(n)) return n;
      break;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      break;
  }
  throw new RocketMQConfigurationError(
    `"${entry.key}" must be ${entry.kind === 'int' ? 'an integer' : `a ${entry.kind}`}, got ${JSON.stringify(value)}`,
  );
}

/** Reads every `rocketmq.*` key from `source`, applying rocketmq-spring's defaults. */
export function resolveRocketMQProperties(source: RocketMQPropertySource): RocketMQProperties {
  const out: Record<string, unknown> = { producer: {}, pullConsumer: {}, consumer: {} };
  for (const entry of ROCKETMQ_PROPERTY_ENTRIES) {
    const raw = source.get(entry.key);
    const value = raw === undefined || raw === null || raw === '' ? entry.def : coerce(entry, raw);
    if (value !== undefined) setPath(out, entry.path, value);
  }
  for (const [path, allowed] of [
    ['pullConsumer.messageModel', ['CLUSTERING', 'BROADCASTING']],
    ['consumer.messageModel', ['CLUSTERING', 'BROADCASTING']],
    ['pullConsumer.selectorType', ['TAG', 'SQL92']],
    ['consumer.selectorType', ['TAG', 'SQL92']],
  ] as const) {
    const value = getPath(out, path) as string;
    if (!(allowed as readonly string[]).includes(value)) {
      const entry = ROCKETMQ_PROPERTY_ENTRIES.find((e) => e.path === path)!;
      throw new RocketMQConfigurationError(`"${entry.key}" must be one of ${allowed.join(', ')}, got "${value}"`);
    }
  }
  const listeners = source.get('rocketmq.consumer.listeners');
  (out.consumer as Record<string, unknown>).listeners = listeners && typeof listeners === 'object' ? listeners : {};
  return out as unknown as RocketMQProperties;
}

/**
 * `rocketmq.consumer.listeners.<group>.<topic>`: false (boolean or the string "false") disables a listener.
 * Looked up both as a nested map and as a flat key, since group and topic names may contain dots.
 */
export function isListenerEnabled(source: RocketMQPropertySource, group: string, topic: string): boolean {
  const map = source.get('rocketmq.consumer.listeners');
  let value: unknown;
  if (map && typeof map === 'object')
    value = (map as Record<string, Record<string, unknown> | undefined>)[group]?.[topic];
  value ??= source.get(`rocketmq.consumer.listeners.${group}.${topic}`);
  return !(value === false || value === 'false');
}
