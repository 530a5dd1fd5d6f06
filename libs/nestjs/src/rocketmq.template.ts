import { Logger } from '@nestjs/common';
import {
  DefaultLitePullConsumer,
  LocalTransactionState,
  MessageSelector,
  SelectMessageQueueByHash,
  SendStatus,
  TransactionMQProducer,
  type MessageQueueSelector,
  type SendResult,
  type TransactionSendResult,
} from '@rocketnest/client';
import type { Message, MessageExt } from '@rocketnest/common';
import { clientInstanceName } from './client-instance-name';
import { RocketMQConfigurationError, RocketMQTemplateError } from './rocketmq.errors';
import { RocketMQMessage } from './rocketmq-headers';
import {
  RocketMQLocalTransactionState,
  type RocketMQLocalTransactionListener,
} from './interfaces/rocketmq-transaction-listener.interface';
import { createRocketMessage, toRocketMQMessage } from './rocketmq-message.factory';
import type { PayloadType, RocketMQMessageConverter } from './rocketmq-message-converter';
import type { TemplateSettings } from './rocketmq-template.options';

/** rocketmq-spring / Java `SendCallback`. */
export interface SendCallback {
  onSuccess(result: SendResult): void;
  onException(error: Error): void;
}

/** A payload, a {@link RocketMQMessage} carrying headers, or (for batch sends) an array of either. */
export type Payload = unknown;

/** rocketmq-spring `DelayMode`. */
export const DelayMode = {
  DELAY_SECONDS: 'DELAY_SECONDS',
  DELAY_MILLISECONDS: 'DELAY_MILLISECONDS',
  DELIVER_TIME_MILLISECONDS: 'DELIVER_TIME_MILLISECONDS',
} as const;
export type DelayMode = (typeof DelayMode)[keyof typeof DelayMode];

/** Template lifecycle, as Java's `ServiceState`. */
export type TemplateState = 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY' | 'START_FAILED';

function toLocalTransactionState(state: unknown): LocalTransactionState {
  switch (state) {
    case RocketMQLocalTransactionState.COMMIT:
    case LocalTransactionState.COMMIT_MESSAGE:
      return LocalTransactionState.COMMIT_MESSAGE;
    case RocketMQLocalTransactionState.ROLLBACK:
    case LocalTransactionState.ROLLBACK_MESSAGE:
      return LocalTransactionState.ROLLBACK_MESSAGE;
    default:
      return LocalTransactionState.UNKNOW;
  }
}

/**
 * Sends messages the rocketmq-spring way (`RocketMQTemplate`): a destination `topic[:tags]`, a payload (converted by
 * the module's converter) or a {@link RocketMQMessage} with headers. Built by `RocketMQModule`; inject it by class
 * (the default template) or with `@InjectRocketMQTemplate(name)`.
 *
 * Its producer exists only when a producer group is configured; it starts at application bootstrap (or on first
 * use) and shuts down with the application.
 */
export class RocketMQTemplate {
  private readonly logger: Logger;
  private readonly producer: TransactionMQProducer | undefined;
  private readonly consumer: DefaultLitePullConsumer | undefined;
  private transactionListener: RocketMQLocalTransactionListener | undefined;
  private startPromise: Promise<void> | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private _state: TemplateState = 'CREATE_JUST';

  /** Picks the queue of `*Orderly` sends from the hash key. Default: Java `SelectMessageQueueByHash`. */
  messageQueueSelector: MessageQueueSelector = new SelectMessageQueueByHash();

  constructor(
    private readonly settings: TemplateSettings,
    private readonly converter: RocketMQMessageConverter,
  ) {
    this.logger = new Logger(`RocketMQTemplate:${settings.name}`);
    const p = settings.producer;
    if (p.group) {
      // Like rocketmq-spring, every template producer is transactional-capable: the listener is bound later by
      // @RocketMQTransactionListener, and a check-back without one answers UNKNOW.
      this.producer = new TransactionMQProducer({
        ...settings.clientOptions,
        producerGroup: p.group,
        namesrvAddr: settings.nameServer,
        namespace: p.namespace,
        instanceName: clientInstanceName(p.instanceName, settings.nameServer, p.accessKey, p.secretKey),
        sendMsgTimeout: p.sendMessageTimeout,
        retryTimesWhenSendFailed: p.retryTimesWhenSendFailed,
        retryTimesWhenSendAsyncFailed: p.retryTimesWhenSendAsyncFailed,
        retryAnotherBrokerWhenNotStoreOK: p.retryNextServer,
        compressMsgBodyOverHowmuch: p.compressMessageBodyThreshold,
        maxMessageSize: p.maxMessageSize,
        accessKey: p.accessKey,
        secretKey: p.secretKey,
        transactionListener: {
          executeLocalTransaction: (msg: Message, arg: unknown) => this.executeLocalTransaction(msg, arg),
          checkLocalTransaction: (msg: MessageExt) => this.checkLocalTransaction(msg),
        },
      });
    }
    const c = settings.pullConsumer;
    if (c?.group && c.topic) {
      this.consumer = new DefaultLitePullConsumer({
        ...settings.clientOptions,
        consumerGroup: c.group,
        namesrvAddr: settings.nameServer,
        namespace: c.namespace,
        instanceName: clientInstanceName(c.instanceName, settings.nameServer, c.accessKey, c.secretKey),
        messageModel: c.messageModel as 'CLUSTERING' | 'BROADCASTING',
        pullBatchSize: c.pullBatchSize,
        accessKey: c.accessKey,
        secretKey: c.secretKey,
      });
    }
  }

  /** Template name (`rocketMQTemplate` for the default one). */
  get name(): string {
    return this.settings.name;
  }

  get state(): TemplateState {
    return this._state;
  }

  /** The underlying producer (a `TransactionMQProducer`); throws when no producer group is configured. */
  getProducer(): TransactionMQProducer {
    if (!this.producer) {
      throw new RocketMQConfigurationError(
        this.settings.name === 'rocketMQTemplate'
          ? 'The RocketMQTemplate has no producer: set [rocketmq.producer.group] (and [rocketmq.name-server])'
          : `Template "${this.settings.name}" has no producer: give it a group or set [rocketmq.producer.group]`,
      );
    }
    return this.producer;
  }

  /** Whether a producer group was configured. */
  hasProducer(): boolean {
    return this.producer !== undefined;
  }

  /** The lite pull consumer behind `receive()`, when `rocketmq.pull-consumer.group` and `.topic` are set. */
  getConsumer(): DefaultLitePullConsumer | undefined {
    return this.consumer;
  }

  /** Binds the `@RocketMQTransactionListener` of this template; one per template. */
  setTransactionListener(listener: RocketMQLocalTransactionListener, owner = 'listener'): void {
    if (this.transactionListener) {
      throw new RocketMQConfigurationError(
        `${this.settings.name} already has a RocketMQLocalTransactionListener; ${owner} is a second one (one per template)`,
      );
    }
    this.getProducer();
    this.transactionListener = listener;
  }

  /** Starts the producer and pull consumer; concurrent calls share one promise. */
  start(): Promise<void> {
    this.startPromise ??= this.doStart();
    return this.startPromise;
  }

  private async doStart(): Promise<void> {
    if (!this.producer && !this.consumer) {
      this._state = 'RUNNING';
      return;
    }
    if (!this.settings.nameServer) {
      this._state = 'START_FAILED';
      throw new RocketMQConfigurationError(
        `[rocketmq.name-server] must not be null: template "${this.settings.name}" cannot start its producer`,
      );
    }
    try {
      if (this.producer) await this.producer.start();
      if (this.consumer) {
        const c = this.settings.pullConsumer!;
        this.consumer.subscribe(
          c.topic!,
          c.selectorType === 'SQL92' ? MessageSelector.bySql(c.selectorExpression) : c.selectorExpression,
        );
        await this.consumer.start();
      }
      this._state = 'RUNNING';
      this.logger.log(
        `Started${this.producer ? ` producer ${this.settings.producer.group}` : ''}` +
          `${this.consumer ? ` pull consumer ${this.settings.pullConsumer!.group}` : ''} on ${this.settings.nameServer}`,
      );
    } catch (err) {
      this._state = 'START_FAILED';
      throw new RocketMQTemplateError(
        `Template "${this.settings.name}" failed to start on ${this.settings.nameServer}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /** Shuts the producer and pull consumer down; idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    if (this.startPromise) await this.startPromise.catch(() => undefined);
    this._state = 'SHUTDOWN_ALREADY';
    await Promise.allSettled([this.producer?.shutdown(), this.consumer?.shutdown()]);
  }

  private async ready(): Promise<TransactionMQProducer> {
    const producer = this.getProducer();
    if (this._state === 'SHUTDOWN_ALREADY') {
      throw new RocketMQTemplateError(`Template "${this.settings.name}" is shut down`);
    }
    await this.start();
    return producer;
  }

  // ---- message building ----

  private toMessage(destination: string, payload: Payload, delay?: { mode?: DelayMode; value: number }): Message {
    const msg = createRocketMessage(destination, payload, this.converter);
    if (delay && delay.value > 0) {
      switch (delay.mode) {
        case undefined:
          msg.setDelayTimeLevel(delay.value);
          break;
        case DelayMode.DELAY_SECONDS:
          msg.setDelayTimeSec(delay.value);
          break;
        case DelayMode.DELAY_MILLISECONDS:
          msg.setDelayTimeMs(delay.value);
          break;
        case DelayMode.DELIVER_TIME_MILLISECONDS:
          msg.setDeliverTimeMs(delay.value);
          break;
      }
    }
    return msg;
  }

  private toMessages(destination: string, payloads: readonly unknown[]): Message[] {
    if (payloads.length === 0) throw new RocketMQTemplateError('A batch send needs at least one message');
    return payloads.map((p) => this.toMessage(destination, p));
  }

  // ---- sync ----

  /**
   * Sends and waits for the broker (rocketmq-spring `syncSend`). An array is sent as one batch (same topic).
   * @param timeoutMs default `rocketmq.producer.send-message-timeout`
   * @param delayLevel 1..18 (`1s 5s 10s 30s 1m ...`), 0 for none
   */
  async syncSend(destination: string, payload: Payload, timeoutMs?: number, delayLevel = 0): Promise<SendResult> {
    const producer = await this.ready();
    if (Array.isArray(payload)) {
      return producer.send(this.toMessages(destination, payload), { timeoutMs: timeoutMs ?? this.sendTimeout });
    }
    return producer.send(this.toMessage(destination, payload, { value: delayLevel }), {
      timeoutMs: timeoutMs ?? this.sendTimeout,
    });
  }

  /** Sends with a delay in seconds (5.x timer messages; rocketmq-spring `syncSendDelayTimeSeconds`). */
  async syncSendDelayTimeSeconds(destination: string, payload: Payload, delaySeconds: number): Promise<SendResult> {
    const producer = await this.ready();
    const msg = this.toMessage(destination, payload, { mode: DelayMode.DELAY_SECONDS, value: delaySeconds });
    return producer.send(msg, { timeoutMs: this.sendTimeout });
  }

  /** Sends with a delay in milliseconds (rocketmq-spring `syncSendDelayTimeMills`). */
  async syncSendDelayTimeMills(destination: string, payload: Payload, delayMs: number): Promise<SendResult> {
    const producer = await this.ready();
    const msg = this.toMessage(destination, payload, { mode: DelayMode.DELAY_MILLISECONDS, value: delayMs });
    return producer.send(msg, { timeoutMs: this.sendTimeout });
  }

  /** Sends for delivery at an absolute time, epoch ms (rocketmq-spring `syncSendDeliverTimeMills`). */
  async syncSendDeliverTimeMills(destination: string, payload: Payload, deliverTimeMs: number): Promise<SendResult> {
    const producer = await this.ready();
    const msg = this.toMessage(destination, payload, {
      mode: DelayMode.DELIVER_TIME_MILLISECONDS,
      value: deliverTimeMs,
    });
    return producer.send(msg, { timeoutMs: this.sendTimeout });
  }

  /**
   * Sends to the queue the hash key selects, so messages with one key keep their order (rocketmq-spring
   * `syncSendOrderly`). An array is sent as one batch to that queue.
   */
  async syncSendOrderly(
    destination: string,
    payload: Payload,
    hashKey: string,
    timeoutMs?: number,
    delayLevel = 0,
  ): Promise<SendResult> {
    const producer = await this.ready();
    const msgs = Array.isArray(payload)
      ? this.toMessages(destination, payload)
      : this.toMessage(destination, payload, { value: delayLevel });
    return producer.send(msgs, {
      selector: this.messageQueueSelector,
      arg: hashKey,
      timeoutMs: timeoutMs ?? this.sendTimeout,
    });
  }

  // ---- async ----

  /**
   * Sends without blocking the caller on the broker (rocketmq-spring `asyncSend`). With a callback the result goes to
   * it (and the returned promise never rejects); without one, await the returned promise.
   */
  asyncSend(
    destination: string,
    payload: Payload,
    callback: SendCallback,
    timeoutMs?: number,
    delayLevel?: number,
  ): Promise<void>;
  asyncSend(destination: string, payload: Payload, timeoutMs?: number, delayLevel?: number): Promise<SendResult>;
  asyncSend(
    destination: string,
    payload: Payload,
    callbackOrTimeout?: SendCallback | number,
    timeoutOrDelay?: number,
    delayLevel?: number,
  ): Promise<SendResult | void> {
    const callback = typeof callbackOrTimeout === 'object' ? callbackOrTimeout : undefined;
    const timeoutMs = callback ? timeoutOrDelay : (callbackOrTimeout as number | undefined);
    const level = (callback ? delayLevel : timeoutOrDelay) ?? 0;
    const run = async (): Promise<SendResult> => {
      const producer = await this.ready();
      const msgs = Array.isArray(payload)
        ? this.toMessages(destination, payload)
        : this.toMessage(destination, payload, { value: level });
      return producer.sendAsync(msgs, { timeoutMs: timeoutMs ?? this.sendTimeout });
    };
    return this.withCallback(run(), callback);
  }

  /** `asyncSend` to the queue the hash key selects (rocketmq-spring `asyncSendOrderly`). */
  asyncSendOrderly(
    destination: string,
    payload: Payload,
    hashKey: string,
    callback: SendCallback,
    timeoutMs?: number,
  ): Promise<void>;
  asyncSendOrderly(destination: string, payload: Payload, hashKey: string, timeoutMs?: number): Promise<SendResult>;
  asyncSendOrderly(
    destination: string,
    payload: Payload,
    hashKey: string,
    callbackOrTimeout?: SendCallback | number,
    timeoutMs?: number,
  ): Promise<SendResult | void> {
    const callback = typeof callbackOrTimeout === 'object' ? callbackOrTimeout : undefined;
    const timeout = callback ? timeoutMs : (callbackOrTimeout as number | undefined);
    const run = async (): Promise<SendResult> => {
      const producer = await this.ready();
      return producer.sendAsync(this.toMessage(destination, payload), {
        selector: this.messageQueueSelector,
        arg: hashKey,
        timeoutMs: timeout ?? this.sendTimeout,
      });
    };
    return this.withCallback(run(), callback);
  }

  private withCallback(promise: Promise<SendResult>, callback: SendCallback | undefined): Promise<SendResult | void> {
    if (!callback) return promise;
    return promise.then(
      (result) => callback.onSuccess(result),
      (err: unknown) => callback.onException(err instanceof Error ? err : new Error(String(err))),
    );
  }

  // ---- one way ----

  /** Fire and forget: no broker answer is awaited (rocketmq-spring `sendOneWay`). */
  async sendOneWay(destination: string, payload: Payload): Promise<void> {
    const producer = await this.ready();
    await producer.sendOneway(this.toMessage(destination, payload));
  }

  /** `sendOneWay` to the queue the hash key selects (rocketmq-spring `sendOneWayOrderly`). */
  async sendOneWayOrderly(destination: string, payload: Payload, hashKey: string): Promise<void> {
    const producer = await this.ready();
    await producer.sendOneway(this.toMessage(destination, payload), {
      selector: this.messageQueueSelector,
      arg: hashKey,
    });
  }

  // ---- Spring messaging template ----

  /**
   * Sends a payload with optional headers and throws unless the broker answered SEND_OK (Spring
   * `AbstractMessageSendingTemplate.convertAndSend`).
   */
  async convertAndSend(destination: string, payload: Payload, headers?: Record<string, unknown>): Promise<void> {
    await this.send(destination, headers ? new RocketMQMessage(payload, headers) : payload);
  }

  /** Sends a {@link RocketMQMessage} (or payload) and throws unless SEND_OK (Spring `send(destination, message)`). */
  async send(destination: string, message: Payload): Promise<void> {
    const result = await this.syncSend(destination, message);
    if (result.sendStatus !== SendStatus.SEND_OK) {
      throw new RocketMQTemplateError(`Send to ${destination} ended with ${result.sendStatus}`);
    }
  }

  // ---- transactions ----

  /**
   * Sends a half message, runs this template's `@RocketMQTransactionListener` `executeLocalTransaction(message, arg)`
   * and commits or rolls back by its answer (rocketmq-spring `sendMessageInTransaction`).
   */
  async sendMessageInTransaction(destination: string, payload: Payload, arg?: unknown): Promise<TransactionSendResult> {
    const producer = await this.ready();
    if (!this.transactionListener) {
      throw new RocketMQConfigurationError(
        `Template "${this.settings.name}" has no @RocketMQTransactionListener({ rocketMQTemplateBeanName: '${this.settings.name}' })`,
      );
    }
    return producer.sendMessageInTransaction(this.toMessage(destination, payload), arg);
  }

  private async executeLocalTransaction(msg: Message, arg: unknown): Promise<LocalTransactionState> {
    const listener = this.transactionListener;
    if (!listener) return LocalTransactionState.UNKNOW;
    try {
      return toLocalTransactionState(await listener.executeLocalTransaction(toRocketMQMessage(msg), arg));
    } catch (err) {
      this.logger.warn(`executeLocalTransaction threw, answering UNKNOWN: ${(err as Error).message}`);
      return LocalTransactionState.UNKNOW;
    }
  }

  private async checkLocalTransaction(msg: MessageExt): Promise<LocalTransactionState> {
    const listener = this.transactionListener;
    if (!listener) {
      this.logger.warn(`Transaction check-back for ${msg.topic} but no @RocketMQTransactionListener: UNKNOWN`);
      return LocalTransactionState.UNKNOW;
    }
    try {
      return toLocalTransactionState(await listener.checkLocalTransaction(toRocketMQMessage(msg)));
    } catch (err) {
      this.logger.warn(`checkLocalTransaction threw, answering UNKNOWN: ${(err as Error).message}`);
      return LocalTransactionState.UNKNOW;
    }
  }

  // ---- request-reply ----

  /**
   * Request-reply (rocketmq-spring `sendAndReceive`): sends the request, waits for the `RocketMQReplyListener`'s answer
   * and converts it to `type` (`String`, `Buffer`, a class, or nothing for parsed JSON).
   * @param timeoutMs default `rocketmq.producer.send-message-timeout`
   */
  async sendAndReceive<R = unknown>(
    destination: string,
    payload: Payload,
    type?: PayloadType,
    timeoutMs?: number,
    options: { hashKey?: string; delayLevel?: number } = {},
  ): Promise<R> {
    const producer = await this.ready();
    const msg = this.toMessage(destination, payload, { value: options.delayLevel ?? 0 });
    const reply = await producer.request(
      msg,
      timeoutMs ?? this.sendTimeout,
      options.hashKey === undefined ? undefined : { selector: this.messageQueueSelector, arg: options.hashKey },
    );
    return this.converter.fromBody(reply.body, type) as R;
  }

  // ---- pull ----

  /**
   * Polls the lite pull consumer configured by `rocketmq.pull-consumer.*` once and converts what came (rocketmq-spring
   * `receive`): waits up to `timeoutMs` (default 5000) and returns an empty array when nothing arrived. With the
   * default auto-commit, returned messages count as consumed.
   */
  async receive<T = unknown>(type?: PayloadType, timeoutMs = 5000): Promise<T[]> {
    if (!this.consumer) {
      throw new RocketMQConfigurationError(
        'receive() needs a pull consumer: set [rocketmq.pull-consumer.group] and [rocketmq.pull-consumer.topic]',
      );
    }
    await this.start();
    const msgs = await this.consumer.poll(timeoutMs);
    return msgs.map((m) => this.converter.fromBody(m.body, type) as T);
  }

  private get sendTimeout(): number {
    return this.settings.producer.sendMessageTimeout;
  }
}
