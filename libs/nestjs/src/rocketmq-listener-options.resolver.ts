import {
  ConsumeMode,
  LISTENER_DEFAULTS,
  ListenerMessageModel,
  SelectorType,
  type ResolvedListenerOptions,
  type RocketMQMessageListenerOptions,
} from './decorators/rocketmq-message-listener.decorator';
import { resolvePlaceholders } from './placeholder.resolver';
import { RocketMQConfigurationError } from './rocketmq.errors';
import type { RocketMQPropertySource } from './rocketmq.properties';

const NUMERIC: ReadonlyArray<keyof ResolvedListenerOptions> = [
  'consumeThreadMax',
  'consumeThreadNumber',
  'maxReconsumeTimes',
  'consumeTimeout',
  'replyTimeout',
  'delayLevelWhenNextConsume',
  'suspendCurrentQueueTimeMillis',
  'awaitTerminationMillisWhenShutdown',
  'pullInterval',
  'pullBatchSize',
  'consumeMessageBatchMaxSize',
];

const CONSUME_FROM = ['CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET', 'CONSUME_FROM_TIMESTAMP'];

/**
 * Applies rocketmq-spring's defaults to `@RocketMQMessageListener` attributes, resolves `${...}` placeholders in every
 * string attribute (numbers may be given as placeholder strings too), and rejects invalid combinations with a
 * {@link RocketMQConfigurationError} naming the listener class.
 */
export function resolveListenerOptions(
  raw: RocketMQMessageListenerOptions,
  source: RocketMQPropertySource,
  className: string,
): ResolvedListenerOptions {
  const merged: Record<string, unknown> = { ...LISTENER_DEFAULTS };
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) merged[k] = v;
  for (const [k, v] of Object.entries(merged)) {
    if (typeof v === 'string' && k !== 'messageType') {
      merged[k] = resolvePlaceholders(v, source, `@RocketMQMessageListener(${k}) of ${className}`);
    }
  }
  // `clientOptions` string values take placeholders too (e.g. a broadcasting offset store directory from config).
  const clientOptions = merged.clientOptions;
  if (clientOptions && typeof clientOptions === 'object' && !Array.isArray(clientOptions)) {
    const resolved: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(clientOptions as Record<string, unknown>)) {
      resolved[k] =
        typeof v === 'string'
          ? resolvePlaceholders(v, source, `@RocketMQMessageListener(clientOptions.${k}) of ${className}`)
          : v;
    }
    merged.clientOptions = resolved;
  }
  for (const k of NUMERIC) {
    const v = merged[k];
    const n = typeof v === 'string' ? Number(v.trim()) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      throw new RocketMQConfigurationError(
        `@RocketMQMessageListener(${k}) of ${className} must be an integer, got ${JSON.stringify(v)}`,
      );
    }
    merged[k] = n;
  }
  if (typeof merged.enableMsgTrace === 'string') merged.enableMsgTrace = merged.enableMsgTrace === 'true';
  const o = merged as unknown as ResolvedListenerOptions;
  for (const attr of ['consumerGroup', 'topic'] as const) {
    if (typeof o[attr] !== 'string' || o[attr].trim() === '') {
      throw new RocketMQConfigurationError(`@RocketMQMessageListener(${attr}) of ${className} is required`);
    }
  }
  const oneOf = (attr: keyof ResolvedListenerOptions, allowed: readonly string[]) => {
    if (!allowed.includes(o[attr] as string)) {
      throw new RocketMQConfigurationError(
        `@RocketMQMessageListener(${attr}) of ${className} must be one of ${allowed.join(', ')}, got ${JSON.stringify(o[attr])}`,
      );
    }
  };
  oneOf('consumeMode', Object.values(ConsumeMode));
  oneOf('messageModel', Object.values(ListenerMessageModel));
  oneOf('selectorType', Object.values(SelectorType));
  oneOf('consumeFromWhere', CONSUME_FROM);
  if (o.consumeMode === ConsumeMode.ORDERLY && o.messageModel === ListenerMessageModel.BROADCASTING) {
    throw new RocketMQConfigurationError(
      `${className}: consumeMode ORDERLY is not supported with messageModel BROADCASTING; use CLUSTERING or CONCURRENTLY`,
    );
  }
  if (!o.nameServer) {
    throw new RocketMQConfigurationError(
      `${className}: no name server; set [rocketmq.name-server] or @RocketMQMessageListener({ nameServer })`,
    );
  }
  if (o.consumeThreadMax < 1) {
    throw new RocketMQConfigurationError(`@RocketMQMessageListener(consumeThreadMax) of ${className} must be >= 1`);
  }
  return o;
}
