/**
 * Header names of rocketmq-spring's `RocketMQHeaders`. Headers on an outgoing {@link RocketMQMessage} become message
 * properties: `KEYS` (or `rocketmq_KEYS`) sets the keys, `TAGS` the tags when the destination has none, anything else is
 * a user property. Incoming messages carry the `rocketmq_`-prefixed names.
 */
export const RocketMQHeaders = {
  PREFIX: 'rocketmq_',
  KEYS: 'KEYS',
  TAGS: 'TAGS',
  TOPIC: 'TOPIC',
  MESSAGE_ID: 'MESSAGE_ID',
  BORN_TIMESTAMP: 'BORN_TIMESTAMP',
  BORN_HOST: 'BORN_HOST',
  FLAG: 'FLAG',
  QUEUE_ID: 'QUEUE_ID',
  SYS_FLAG: 'SYS_FLAG',
  TRANSACTION_ID: 'TRANSACTION_ID',
  DELAY: 'DELAY',
  WAIT: 'WAIT',
} as const;

/** `KEYS` → `rocketmq_KEYS` (rocketmq-spring `RocketMQUtil.toRocketHeaderKey`). */
export function toRocketHeaderKey(name: string): string {
  return `${RocketMQHeaders.PREFIX}${name}`;
}

/**
 * A payload plus headers: what Spring calls `Message<?>`. Pass one instead of a bare payload to set keys, tags, flag or
 * user properties on a send.
 */
export class RocketMQMessage<T = unknown> {
  constructor(
    readonly payload: T,
    readonly headers: Readonly<Record<string, unknown>> = {},
  ) {}

  /** A header by its plain or `rocketmq_`-prefixed name. */
  getHeader(name: string): unknown {
    return this.headers[name] ?? this.headers[toRocketHeaderKey(name)];
  }
}

/** Spring's `MessageBuilder`, for those who like it: `MessageBuilder.withPayload(x).setHeader('KEYS', 'k').build()`. */
export class MessageBuilder<T> {
  private readonly headers: Record<string, unknown> = {};

  private constructor(private readonly payload: T) {}

  static withPayload<T>(payload: T): MessageBuilder<T> {
    return new MessageBuilder(payload);
  }

  setHeader(name: string, value: unknown): this {
    this.headers[name] = value;
    return this;
  }

  copyHeaders(headers: Record<string, unknown>): this {
    Object.assign(this.headers, headers);
    return this;
  }

  build(): RocketMQMessage<T> {
    return new RocketMQMessage(this.payload, { ...this.headers });
  }
}
