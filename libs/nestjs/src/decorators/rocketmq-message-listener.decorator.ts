import { SetMetadata, type PipeTransform, type Type } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { ROCKETMQ_MESSAGE_LISTENER_METADATA } from '../rocketmq.constants';
import type { PayloadType } from '../rocketmq-message-converter';

/** rocketmq-spring `ConsumeMode`. */
export const ConsumeMode = { CONCURRENTLY: 'CONCURRENTLY', ORDERLY: 'ORDERLY' } as const;
export type ConsumeMode = (typeof ConsumeMode)[keyof typeof ConsumeMode];

/** rocketmq-spring `SelectorType`. */
export const SelectorType = { TAG: 'TAG', SQL92: 'SQL92' } as const;
export type SelectorType = (typeof SelectorType)[keyof typeof SelectorType];

/** rocketmq-spring `MessageModel` (the annotation's own enum). */
export const ListenerMessageModel = { CLUSTERING: 'CLUSTERING', BROADCASTING: 'BROADCASTING' } as const;
export type ListenerMessageModel = (typeof ListenerMessageModel)[keyof typeof ListenerMessageModel];

/** Declare `messageType: RAW_MESSAGE` to receive the client's `MessageExt` itself (rocketmq-spring: `RocketMQListener<MessageExt>`). */
export const RAW_MESSAGE = 'MessageExt' as const;

/**
 * The attributes of `@RocketMQMessageListener`, named as in rocketmq-spring and with its defaults. String attributes
 * may hold `${key}` / `${key:default}` placeholders, resolved from ConfigService at start.
 */
export interface RocketMQMessageListenerOptions {
  /** Required. */
  consumerGroup: string;
  /** Required. */
  topic: string;
  /** Default `TAG`. */
  selectorType?: SelectorType;
  /** Tag expression (`*`, `a || b`) or SQL92 condition. Default `*`. */
  selectorExpression?: string;
  /** Default `CONCURRENTLY`. `ORDERLY` with `BROADCASTING` is rejected at start. */
  consumeMode?: ConsumeMode;
  /** Default `CLUSTERING`. */
  messageModel?: ListenerMessageModel;
  /** Most messages handled at once (Java consume thread pool size). Default 64. */
  consumeThreadMax?: number;
  /** Java core pool size; accepted for compatibility. Default 20. */
  consumeThreadNumber?: number;
  /** -1 means 16 (concurrent) / unlimited (orderly). Default -1. */
  maxReconsumeTimes?: number;
  /** Minutes a message may stay in consumption before it is sent back. Default 15. */
  consumeTimeout?: number;
  /** ms the reply of a `RocketMQReplyListener` may take to send. Default 3000. */
  replyTimeout?: number;
  /** Default `${rocketmq.consumer.access-key:}`. */
  accessKey?: string;
  /** Default `${rocketmq.consumer.secret-key:}`. */
  secretKey?: string;
  /** Accepted; message tracing is not implemented. Default false. */
  enableMsgTrace?: boolean;
  /** Default `${rocketmq.consumer.customized-trace-topic:}`. */
  customizedTraceTopic?: string;
  /** Default `${rocketmq.name-server:}`. */
  nameServer?: string;
  /** Default `${rocketmq.access-channel:}`. */
  accessChannel?: string;
  /** Default `"false"`. */
  tlsEnable?: string;
  /** Default empty. */
  namespace?: string;
  /** Delay level of a failed message's retry (concurrent mode): 0 lets the broker decide (10 s, then growing), -1 sends it straight to the DLQ. Default 0. */
  delayLevelWhenNextConsume?: number;
  /** ms a queue pauses after a failed message in orderly mode. Default 1000. */
  suspendCurrentQueueTimeMillis?: number;
  /** ms shutdown waits for in-flight handlers. Default 1000. */
  awaitTerminationMillisWhenShutdown?: number;
  /** Default `DEFAULT`. */
  instanceName?: string;
  /** ms between pulls. Default 0. */
  pullInterval?: number;
  /** Default 32. */
  pullBatchSize?: number;
  /**
   * Messages taken from a queue at once; `onMessage` still gets them one by one. When one throws, it and the rest of
   * the batch are retried, the ones before it are acknowledged. Default 1.
   */
  consumeMessageBatchMaxSize?: number;
  /** Default `CONSUME_FROM_LAST_OFFSET`. */
  consumeFromWhere?: 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';
  /** With `CONSUME_FROM_TIMESTAMP`: `yyyyMMddHHmmss`. Default half an hour ago. */
  consumeTimestamp?: string;

  // --- Nest additions (TypeScript has no runtime generics) ---
  /**
   * What `onMessage` receives: `String`, `Buffer`, a class (JSON → class-transformer), {@link RAW_MESSAGE} for the
   * client's `MessageExt`, or nothing for "parsed JSON, else the string".
   */
  messageType?: PayloadType | typeof RAW_MESSAGE;
  /**
   * Validate a class `messageType` with class-validator (true or ValidatorOptions). A payload that fails goes to the
   * dead-letter queue `%DLQ%<consumerGroup>` with the reason logged, never retried. Default false.
   */
  validate?: boolean | ValidatorOptions;
  /**
   * Nest pipes run on the converted payload (e.g. `new ValidationPipe()`); a pipe that throws sends the message to the
   * dead-letter queue like a validation failure.
   */
  pipes?: Array<PipeTransform | Type<PipeTransform>>;
  /** Extra options passed straight to the client's `DefaultMQPushConsumer` (for example short intervals in tests). */
  clientOptions?: Record<string, unknown>;
}

/** The attributes after defaults and placeholders. */
export type ResolvedListenerOptions = Required<
  Omit<RocketMQMessageListenerOptions, 'messageType' | 'validate' | 'pipes' | 'clientOptions' | 'consumeTimestamp'>
> &
  Pick<RocketMQMessageListenerOptions, 'messageType' | 'validate' | 'pipes' | 'clientOptions' | 'consumeTimestamp'>;

/** rocketmq-spring's annotation defaults. */
export const LISTENER_DEFAULTS = {
  selectorType: SelectorType.TAG,
  selectorExpression: '*',
  consumeMode: ConsumeMode.CONCURRENTLY,
  messageModel: ListenerMessageModel.CLUSTERING,
  consumeThreadMax: 64,
  consumeThreadNumber: 20,
  maxReconsumeTimes: -1,
  consumeTimeout: 15,
  replyTimeout: 3000,
  accessKey: '${rocketmq.consumer.access-key:}',
  secretKey: '${rocketmq.consumer.secret-key:}',
  enableMsgTrace: false,
  customizedTraceTopic: '${rocketmq.consumer.customized-trace-topic:}',
  nameServer: '${rocketmq.name-server:}',
  accessChannel: '${rocketmq.access-channel:}',
  tlsEnable: 'false',
  namespace: '',
  delayLevelWhenNextConsume: 0,
  suspendCurrentQueueTimeMillis: 1000,
  awaitTerminationMillisWhenShutdown: 1000,
  instanceName: 'DEFAULT',
  pullInterval: 0,
  pullBatchSize: 32,
  consumeMessageBatchMaxSize: 1,
  consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
} as const satisfies Omit<ResolvedListenerOptions, 'consumerGroup' | 'topic'>;

/**
 * Marks a provider as a message listener (rocketmq-spring `@RocketMQMessageListener`). The class implements
 * `RocketMQListener<T>` or `RocketMQReplyListener<T, R>` and must be listed in a module's providers.
 */
export function RocketMQMessageListener(options: RocketMQMessageListenerOptions): ClassDecorator {
  return SetMetadata(ROCKETMQ_MESSAGE_LISTENER_METADATA, options);
}
