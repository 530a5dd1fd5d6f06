import { Logger, type PipeTransform, type Type } from '@nestjs/common';
import {
  ConsumeConcurrentlyStatus,
  ConsumeOrderlyStatus,
  DefaultMQPushConsumer,
  DefaultMQProducer,
  MessageSelector,
  type ConsumeConcurrentlyContext,
  type ConsumeOrderlyContext,
} from '@rocketnest/client';
import { MessageConst, MessageExt } from '@rocketnest/common';
import { validate, type ValidatorOptions } from 'class-validator';
import {
  ConsumeMode,
  RAW_MESSAGE,
  type ResolvedListenerOptions,
} from './decorators/rocketmq-message-listener.decorator';
import { clientInstanceName } from './client-instance-name';
import { MessageConversionError, MessageValidationError, RocketMQListenerContainerError } from './rocketmq.errors';
import type { RocketMQMessageConverter } from './rocketmq-message-converter';

/** Container lifecycle, published for the health indicator. */
export type ListenerContainerState = 'CREATED' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'START_FAILED';

interface ListenerLike {
  onMessage(message: unknown): unknown;
  prepareStart?(consumer: unknown): void;
}

/** What a container needs besides its listener and attributes. */
export interface ListenerContainerDeps {
  converter: RocketMQMessageConverter;
  /** Module-wide client options, below the listener's own `clientOptions`. */
  clientOptions: Record<string, unknown>;
}

/**
 * Runs one `@RocketMQMessageListener`: owns its push consumer, converts each message to the declared type, validates it,
 * calls `onMessage`, and answers request messages for reply listeners (rocketmq-spring
 * `DefaultRocketMQListenerContainer`). A throw means RECONSUME_LATER (concurrent) or a queue suspension (orderly); a
 * conversion or validation failure sends the message to `%DLQ%<group>` at once.
 */
export class DefaultRocketMQListenerContainer {
  private readonly logger: Logger;
  readonly consumer: DefaultMQPushConsumer;
  private _state: ListenerContainerState = 'CREATED';
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly pipes: PipeTransform[];
  private startPromise: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  /** Sends replies; created on first need, shut down with the container. */
  private helperProducer: Promise<DefaultMQProducer> | undefined;

  constructor(
    /** `<ListenerClass>` plus group and topic, unique per app. */
    readonly name: string,
    private readonly listener: ListenerLike,
    readonly options: ResolvedListenerOptions,
    private readonly deps: ListenerContainerDeps,
  ) {
    this.logger = new Logger(`RocketMQListenerContainer:${options.consumerGroup}`);
    this.pipes = (options.pipes ?? []).map((p) => (typeof p === 'function' ? new p() : p));
    const o = options;
    this.consumer = new DefaultMQPushConsumer({
      ...deps.clientOptions,
      ...o.clientOptions,
      consumerGroup: o.consumerGroup,
      namesrvAddr: o.nameServer,
      namespace: o.namespace || undefined,
      instanceName: clientInstanceName(o.instanceName, o.nameServer, o.accessKey, o.secretKey),
      messageModel: o.messageModel,
      consumeFromWhere: o.consumeFromWhere,
      consumeTimestamp: o.consumeTimestamp,
      consumeThreadMax: o.consumeThreadMax,
      consumeMessageBatchMaxSize: o.consumeMessageBatchMaxSize,
      pullBatchSize: o.pullBatchSize,
      pullInterval: o.pullInterval,
      maxReconsumeTimes: o.maxReconsumeTimes,
      consumeTimeout: o.consumeTimeout,
      suspendCurrentQueueTimeMillis: o.suspendCurrentQueueTimeMillis,
      awaitTerminationMillisWhenShutdown: o.awaitTerminationMillisWhenShutdown,
      accessKey: o.accessKey || undefined,
      secretKey: o.secretKey || undefined,
    });
    this.consumer.subscribe(
      o.topic,
      o.selectorType === 'SQL92'
        ? MessageSelector.bySql(o.selectorExpression)
        : MessageSelector.byTag(o.selectorExpression),
    );
    if (o.consumeMode === ConsumeMode.ORDERLY) {
      this.consumer.registerMessageListener({
        kind: 'orderly',
        consumeMessage: async (msgs: MessageExt[], context: ConsumeOrderlyContext) => {
          for (const msg of msgs) {
            const ok = await this.track(this.consumeOne(msg));
            if (!ok) {
              context.suspendCurrentQueueTimeMillis = o.suspendCurrentQueueTimeMillis;
              return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
            }
          }
          return ConsumeOrderlyStatus.SUCCESS;
        },
      });
    } else {
      this.consumer.registerMessageListener({
        consumeMessage: async (msgs: MessageExt[], context: ConsumeConcurrentlyContext) => {
          for (const [index, msg] of msgs.entries()) {
            const ok = await this.track(this.consumeOne(msg));
            if (!ok) {
              context.delayLevelWhenNextConsume = o.delayLevelWhenNextConsume;
              if (index === 0) return ConsumeConcurrentlyStatus.RECONSUME_LATER;
              // Batches: the messages already handled are acknowledged; this one and the rest are retried.
              context.ackIndex = index - 1;
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            }
          }
          return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        },
      });
    }
    // rocketmq-spring calls prepareStart once the consumer is configured, before it starts.
    if (typeof listener.prepareStart === 'function') listener.prepareStart(this.consumer);
  }

  get state(): ListenerContainerState {
    return this._state;
  }

  /** Handlers running right now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  isRunning(): boolean {
    return this._state === 'RUNNING';
  }

  start(): Promise<void> {
    this.startPromise ??= (async () => {
      try {
        await this.consumer.start();
        this._state = 'RUNNING';
        this.logger.log(
          `Listening on ${this.options.topic} (${this.options.selectorType} ${this.options.selectorExpression}, ${this.options.consumeMode}, ${this.options.messageModel})`,
        );
      } catch (err) {
        this._state = 'START_FAILED';
        throw new RocketMQListenerContainerError(
          `Listener ${this.name} could not start its consumer on ${this.options.nameServer}: ${(err as Error).message}`,
          { cause: err },
        );
      }
    })();
    return this.startPromise;
  }

  /** Stops intake, waits for in-flight handlers (up to `awaitTerminationMillisWhenShutdown`), persists offsets. */
  stop(): Promise<void> {
    this.stopPromise ??= (async () => {
      if (this.startPromise) await this.startPromise.catch(() => undefined);
      if (this._state !== 'RUNNING') {
        if (this._state !== 'START_FAILED') this._state = 'STOPPED';
        return;
      }
      this._state = 'STOPPING';
      try {
        await this.consumer.shutdown();
        if (this.inFlight.size > 0) await this.drain(this.options.awaitTerminationMillisWhenShutdown);
      } finally {
        const helper = this.helperProducer;
        this.helperProducer = undefined;
        if (helper) await helper.then((p) => p.shutdown()).catch(() => undefined);
        this._state = 'STOPPED';
      }
    })();
    return this.stopPromise;
  }

  private async drain(budgetMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, budgetMs);
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /** true when the message is done with (handled, or routed to the DLQ); false to retry it. */
  private async consumeOne(msg: MessageExt): Promise<boolean> {
    let payload: unknown;
    try {
      payload = await this.convert(msg);
    } catch (err) {
      return this.deadLetter(msg, err);
    }
    let result: unknown;
    try {
      result = await this.listener.onMessage(payload);
    } catch (err) {
      this.logger.warn(
        `consume message failed. messageId:${msg.msgId}, topic:${msg.topic}, reconsumeTimes:${msg.reconsumeTimes}: ${(err as Error)?.message ?? String(err)}`,
      );
      return false;
    }
    if (result !== undefined && this.isRequest(msg)) await this.reply(msg, result);
    return true;
  }

  private async convert(msg: MessageExt): Promise<unknown> {
    const type = this.options.messageType;
    if (type === RAW_MESSAGE || type === MessageExt) return msg;
    let value: unknown;
    try {
      value = this.deps.converter.fromBody(msg.body, type);
    } catch (err) {
      if (err instanceof MessageConversionError) throw err;
      throw new MessageConversionError(`Cannot convert message ${msg.msgId}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const metatype = type as Type | undefined;
    if (this.options.validate && typeof type === 'function' && value !== null && typeof value === 'object') {
      const validatorOptions: ValidatorOptions = typeof this.options.validate === 'object' ? this.options.validate : {};
      const errors = await validate(value, validatorOptions);
      if (errors.length > 0) {
        const reasons = errors.map((e) => Object.values(e.constraints ?? { [e.property]: 'invalid' }).join(', '));
        throw new MessageValidationError(
          `${metatype?.name ?? 'payload'} failed validation: ${reasons.join('; ')}`,
          errors,
        );
      }
    }
    for (const pipe of this.pipes) {
      try {
        value = await pipe.transform(value, { type: 'body', metatype, data: undefined });
      } catch (err) {
        const response = (err as { getResponse?: () => unknown }).getResponse?.();
        const detail = response && typeof response === 'object' ? JSON.stringify(response) : (err as Error).message;
        throw new MessageValidationError(
          `${metatype?.name ?? 'payload'} was rejected by ${pipe.constructor.name}: ${detail}`,
          response ?? err,
        );
      }
    }
    return value;
  }

  private getHelperProducer(): Promise<DefaultMQProducer> {
    this.helperProducer ??= (async () => {
      const group = `RN_INNER_PRODUCER_${this.consumer.groupName}`.replace(/[^%|a-zA-Z0-9_-]/g, '_').slice(0, 120);
      const producer = new DefaultMQProducer({
        ...this.deps.clientOptions,
        ...this.options.clientOptions,
        producerGroup: group,
        namesrvAddr: this.options.nameServer,
        // The consumer's client instance: same name server and keys, no extra connections.
        instanceName: clientInstanceName(
          this.options.instanceName,
          this.options.nameServer,
          this.options.accessKey,
          this.options.secretKey,
        ),
        accessKey: this.options.accessKey || undefined,
        secretKey: this.options.secretKey || undefined,
        retryTimesWhenSendFailed: 1,
      });
      await producer.start();
      return producer;
    })();
    const pending = this.helperProducer;
    pending.catch(() => {
      if (this.helperProducer === pending) this.helperProducer = undefined;
    });
    return pending;
  }

  /**
   * A payload that can never be handled: log why and move it to `%DLQ%<group>` instead of retrying it, with the
   * consumer's `sendMessageBack(msg, -1)` (Java brokers treat a negative delay level as "straight to the DLQ"). The
   * dead letter is the broker's copy of the stored message, so the reason is only in this log line (with the msgId).
   */
  private async deadLetter(msg: MessageExt, err: unknown): Promise<boolean> {
    const reason = (err as Error)?.message ?? String(err);
    try {
      await this.consumer.sendMessageBack(msg, -1, msg.brokerName || undefined);
      this.logger.error(`Message ${msg.msgId} on ${msg.topic} sent to %DLQ%${this.options.consumerGroup}: ${reason}`);
      return true;
    } catch (sendErr) {
      this.logger.error(
        `Message ${msg.msgId} on ${msg.topic} is invalid (${reason}) and could not be moved to the DLQ: ${(sendErr as Error).message}; retrying later`,
      );
      return false;
    }
  }

  private isRequest(msg: MessageExt): boolean {
    return !!msg.properties[MessageConst.CORRELATION_ID] && !!msg.properties[MessageConst.REPLY_TO_CLIENT];
  }

  private async reply(request: MessageExt, result: unknown): Promise<void> {
    try {
      const body = this.deps.converter.toBody(result);
      const producer = await this.getHelperProducer();
      await producer.sendReply(request, body, { timeoutMs: this.options.replyTimeout });
    } catch (err) {
      this.logger.error(`Consumer replies message failed for ${request.msgId}: ${(err as Error).message}`);
    }
  }
}
