import { randomUUID } from 'node:crypto';
import {
  MQBrokerError,
  MQClientError,
  Message,
  MessageConst,
  MessageExt,
  MessageSysFlag,
  RequestCode,
  ResponseCode,
  RocketMQError,
  RemotingTimeoutError,
  CompressionType,
  DEFAULT_COMPRESS_LEVEL,
  DEFAULT_COMPRESS_OVER_BYTES,
  DEFAULT_COMPRESS_TYPE,
  assertCompressionAvailable,
  compressBodyAsync,
  compressionTypeOf,
  markCompressed,
  type CompressionTypeName,
  createUniqId,
  encodeBatchMessages,
  encodeMessageProperties,
  isRetryTopic,
  validateBatch,
  validateGroup,
  validateTopic,
  type MessageQueue,
} from '@rocketnest/common';
import type { RemotingCommand } from '@rocketnest/remoting';
import { wrapNamespace, withoutNamespace, type ClientOptions } from '../impl/client-config';
import {
  MQClientManager,
  type ClientLogger,
  type MQClientInstance,
  type MQProducerInner,
} from '../impl/mq-client-instance';
import { MQFaultStrategy, TopicPublishInfo } from './latency/latency-fault-tolerance';
import {
  toMessageQueueSelector,
  type MessageQueueSelector,
  type MessageQueueSelectorFn,
} from './message-queue-selector';
import { SendStatus, type SendResult } from './send-result';

/** Options of {@link DefaultMQProducer}; defaults follow the Java client. */
export interface ProducerOptions extends ClientOptions {
  producerGroup: string;
  /** Per-send timeout covering all retries. Default 3000 ms. */
  sendMsgTimeout?: number;
  /** Extra attempts of a sync send after a retriable failure. Default 2. */
  retryTimesWhenSendFailed?: number;
  /** Extra attempts of an async send. Default 2. */
  retryTimesWhenSendAsyncFailed?: number;
  /** Retry on another broker when the store answered FLUSH_*_TIMEOUT / SLAVE_NOT_AVAILABLE. Default false. */
  retryAnotherBrokerWhenNotStoreOK?: boolean;
  /** Single (non-batch) bodies of at least this many bytes are compressed with `compressType`. Default 4096 bytes. */
  compressMsgBodyOverHowmuch?: number;
  /**
   * Body compression (Java 5.x `rocketmq.message.compressType`): 'ZLIB' (default), 'LZ4' (LZ4 frame) or 'ZSTD'. LZ4
   * and ZSTD use native packages; where their binary cannot load, the constructor throws CompressionUnavailableError.
   */
  compressType?: CompressionTypeName;
  /** Compression level (Java `rocketmq.message.compressLevel`): zlib 0–9, zstd 1–22; LZ4 ignores it. Default 5. */
  compressLevel?: number;
  /** Largest body (batch: encoded batch). Default 4 MiB. */
  maxMessageSize?: number;
  /** Template topic for auto-creation. Default `TBW102`. */
  createTopicKey?: string;
  /** Queues of an auto-created topic. Default 4. */
  defaultTopicQueueNums?: number;
  /** Avoid slow or failing brokers for a while (Java latency buckets). Default false. */
  sendLatencyFaultEnable?: boolean;
  /** Async sends in flight before `send` waits for one to finish (back-pressure). Default 65535 (Java). */
  maxAsyncInFlight?: number;
  logger?: ClientLogger;
}

export interface SendOptions {
  queue?: MessageQueue;
  selector?: MessageQueueSelector | MessageQueueSelectorFn;
  arg?: unknown;
  timeoutMs?: number;
}

type CommunicationMode = 'SYNC' | 'ASYNC' | 'ONEWAY';

/** Holds one async-send slot; resolves waiters in FIFO order. */
class InFlightLimiter {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }
}

/**
 * Sends messages (Java `DefaultMQProducer`): sync, async (promise or callback), oneway; to a chosen queue or through a
 * selector; batches; with retries on retriable failures, optional latency fault tolerance, compression and UNIQ_KEY ids.
 */
export class DefaultMQProducer implements MQProducerInner {
  readonly groupName: string;
  protected readonly options: Required<
    Pick<
      ProducerOptions,
      | 'sendMsgTimeout'
      | 'retryTimesWhenSendFailed'
      | 'retryTimesWhenSendAsyncFailed'
      | 'retryAnotherBrokerWhenNotStoreOK'
      | 'compressMsgBodyOverHowmuch'
      | 'compressType'
      | 'compressLevel'
      | 'maxMessageSize'
      | 'createTopicKey'
      | 'defaultTopicQueueNums'
    >
  > &
    ProducerOptions;
  protected client: MQClientInstance | undefined;
  readonly faultStrategy: MQFaultStrategy;
  private readonly compressionType: CompressionType;
  private readonly topicPublishInfoTable = new Map<string, TopicPublishInfo>();
  private readonly asyncLimiter: InFlightLimiter;
  private readonly replyFutures = new Map<string, { resolve: (m: MessageExt) => void; reject: (e: Error) => void }>();
  private state: 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY' | 'START_FAILED' = 'CREATE_JUST';
  private startPromise: Promise<void> | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private readonly heartbeatedBrokers = new Set<string>();

  constructor(options: ProducerOptions) {
    this.options = {
      sendMsgTimeout: 3000,
      retryTimesWhenSendFailed: 2,
      retryTimesWhenSendAsyncFailed: 2,
      retryAnotherBrokerWhenNotStoreOK: false,
      compressMsgBodyOverHowmuch: DEFAULT_COMPRESS_OVER_BYTES,
      compressType: DEFAULT_COMPRESS_TYPE,
      compressLevel: DEFAULT_COMPRESS_LEVEL,
      maxMessageSize: 4 * 1024 * 1024,
      createTopicKey: 'TBW102',
      defaultTopicQueueNums: 4,
      ...options,
    };
    this.compressionType = compressionTypeOf(this.options.compressType ?? DEFAULT_COMPRESS_TYPE);
    assertCompressionAvailable(this.compressionType);
    this.groupName = wrapNamespace(options.namespace, options.producerGroup);
    this.faultStrategy = new MQFaultStrategy({ sendLatencyFaultEnable: options.sendLatencyFaultEnable ?? false });
    this.asyncLimiter = new InFlightLimiter(options.maxAsyncInFlight ?? 65535);
  }

  get clientId(): string | undefined {
    return this.client?.clientId;
  }

  /** The shared client instance (after start). */
  get clientInstance(): MQClientInstance {
    if (!this.client || this.state !== 'RUNNING') {
      throw new MQClientError(`Producer ${this.groupName} is not running (state ${this.state}); call start() first`);
    }
    return this.client;
  }

  start(): Promise<void> {
    if (this.state === 'SHUTDOWN_ALREADY') {
      return Promise.reject(new MQClientError(`Producer ${this.groupName} was shut down; create a new one`));
    }
    this.startPromise ??= (async () => {
      try {
        validateGroup(this.options.producerGroup);
        this.client = MQClientManager.getOrCreate({ ...this.options, logger: this.options.logger });
        this.client.registerProducer(this);
        this.topicPublishInfoTable.set(this.options.createTopicKey, new TopicPublishInfo([]));
        await this.client.start();
        this.state = 'RUNNING';
      } catch (err) {
        this.state = 'START_FAILED';
        if (this.client) {
          this.client.unregisterProducer(this.groupName);
          await this.client.release();
        }
        throw err;
      }
    })();
    return this.startPromise;
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      const wasRunning = this.state === 'RUNNING';
      this.state = 'SHUTDOWN_ALREADY';
      for (const [id, f] of [...this.replyFutures]) {
        this.client?.removeReplyWaiter(id);
        f.reject(new MQClientError('Producer shut down before the reply arrived'));
      }
      this.replyFutures.clear();
      if (this.client && wasRunning) {
        this.client.unregisterProducer(this.groupName);
        await this.client.unregisterClient({ producerGroup: this.groupName });
        await this.client.release();
      }
    })();
    return this.shutdownPromise;
  }

  // ---- MQProducerInner ----

  publishTopics(): string[] {
    return [...this.topicPublishInfoTable.keys()];
  }

  isPublishTopicNeedUpdate(topic: string): boolean {
    return !this.topicPublishInfoTable.get(topic)?.ok;
  }

  updateTopicPublishInfo(topic: string, info: TopicPublishInfo): void {
    if (this.topicPublishInfoTable.has(topic) || info.ok) this.topicPublishInfoTable.set(topic, info);
  }

  // ---- public API ----

  /**
   * Sends a message or a batch. With a callback the send runs in the background and the callback gets the outcome;
   * otherwise the promise resolves with the SendResult or rejects with a typed error.
   */
  send(msg: Message | Message[], opts?: SendOptions): Promise<SendResult>;
  send(msg: Message | Message[], callback: (err: Error | null, result?: SendResult) => void, opts?: SendOptions): void;
  send(
    msg: Message | Message[],
    optsOrCallback?: SendOptions | ((err: Error | null, result?: SendResult) => void),
    maybeOpts?: SendOptions,
  ): Promise<SendResult> | void {
    if (typeof optsOrCallback === 'function') {
      const callback = optsOrCallback;
      void this.sendAsync(msg, maybeOpts ?? {}).then(
        (r) => callback(null, r),
        (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))),
      );
      return;
    }
    return this.sendWith(msg, optsOrCallback ?? {}, 'SYNC') as Promise<SendResult>;
  }

  /** Async send with back-pressure: waits for a slot when `maxAsyncInFlight` sends are outstanding. */
  async sendAsync(msg: Message | Message[], opts: SendOptions = {}): Promise<SendResult> {
    await this.asyncLimiter.acquire();
    try {
      return (await this.sendWith(msg, opts, 'ASYNC'))!;
    } finally {
      this.asyncLimiter.release();
    }
  }

  /** Fire and forget: resolves once written to the socket; no result, no retry. */
  async sendOneway(msg: Message, opts: Omit<SendOptions, 'timeoutMs'> = {}): Promise<void> {
    await this.sendWith(msg, opts, 'ONEWAY');
  }

  /**
   * Request-reply: sends `msg` and resolves with the reply a consumer sends back through
   * {@link DefaultMQProducer.sendReply} or any Java `MessageUtil.createReplyMessage` replier.
   */
  request(msg: Message, timeoutMs: number, opts?: Omit<SendOptions, 'timeoutMs'>): Promise<MessageExt>;
  request(
    msg: Message,
    timeoutMs: number,
    callback: (err: Error | null, reply?: MessageExt) => void,
    opts?: Omit<SendOptions, 'timeoutMs'>,
  ): void;
  request(
    msg: Message,
    timeoutMs: number,
    optsOrCallback?: Omit<SendOptions, 'timeoutMs'> | ((err: Error | null, reply?: MessageExt) => void),
    maybeOpts?: Omit<SendOptions, 'timeoutMs'>,
  ): Promise<MessageExt> | void {
    if (typeof optsOrCallback === 'function') {
      const callback = optsOrCallback;
      void this.requestImpl(msg, timeoutMs, maybeOpts ?? {}).then(
        (r) => callback(null, r),
        (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))),
      );
      return;
    }
    return this.requestImpl(msg, timeoutMs, optsOrCallback ?? {});
  }

  private async requestImpl(
    msg: Message,
    timeoutMs: number,
    opts: Omit<SendOptions, 'timeoutMs'>,
  ): Promise<MessageExt> {
    const client = this.clientInstance;
    const correlationId = randomUUID();
    msg.putProperty(MessageConst.CORRELATION_ID, correlationId);
    msg.putProperty(MessageConst.REPLY_TO_CLIENT, client.clientId);
    msg.putProperty(MessageConst.TTL, String(timeoutMs));
    const started = Date.now();
    // The broker pushes the reply over a connection on which we are registered as a producer.
    await this.ensureHeartbeat(msg.topic);
    const reply = new Promise<MessageExt>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replyFutures.delete(correlationId);
        client.removeReplyWaiter(correlationId);
        reject(
          new RemotingTimeoutError(
            'reply',
            timeoutMs,
            `No reply to request ${correlationId} on topic ${msg.topic} within ${timeoutMs} ms; is a replier consuming that topic?`,
          ),
        );
      }, timeoutMs);
      const future = {
        resolve: (m: MessageExt) => {
          clearTimeout(timer);
          this.replyFutures.delete(correlationId);
          resolve(m);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          this.replyFutures.delete(correlationId);
          client.removeReplyWaiter(correlationId);
          reject(e);
        },
      };
      this.replyFutures.set(correlationId, future);
      client.addReplyWaiter(correlationId, future.resolve);
    });
    try {
      await this.sendWith(msg, { ...opts, timeoutMs: Math.max(1, timeoutMs - (Date.now() - started)) }, 'SYNC');
    } catch (err) {
      this.replyFutures.get(correlationId)?.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return reply;
  }

  /**
   * Sends the reply to a request message (Java `MessageUtil.createReplyMessage` + send): topic
   * `<cluster>_REPLY_TOPIC`, code SEND_REPLY_MESSAGE_V2.
   */
  async sendReply(
    requestMsg: MessageExt,
    body: Buffer | string,
    opts: { timeoutMs?: number } = {},
  ): Promise<SendResult> {
    const cluster = requestMsg.getProperty(MessageConst.CLUSTER);
    const correlationId = requestMsg.getProperty(MessageConst.CORRELATION_ID);
    const replyTo = requestMsg.getProperty(MessageConst.REPLY_TO_CLIENT);
    if (!cluster || !correlationId || !replyTo) {
      throw new MQClientError('Not a request message: CLUSTER, CORRELATION_ID or REPLY_TO_CLIENT property is missing');
    }
    const reply = new Message(`${cluster}_REPLY_TOPIC`, body);
    reply.putProperty(MessageConst.MESSAGE_TYPE, 'reply');
    reply.putProperty(MessageConst.CORRELATION_ID, correlationId);
    reply.putProperty(MessageConst.REPLY_TO_CLIENT, replyTo);
    const ttl = requestMsg.getProperty(MessageConst.TTL);
    if (ttl) reply.putProperty(MessageConst.TTL, ttl);
    return (await this.sendWith(reply, { timeoutMs: opts.timeoutMs }, 'SYNC'))!;
  }

  /** The topic's write queues (without namespace), fetching the route if needed. */
  async fetchPublishMessageQueues(topic: string): Promise<MessageQueue[]> {
    const info = await this.tryToFindTopicPublishInfo(wrapNamespace(this.options.namespace, topic));
    return info.messageQueueList.map((mq) => ({ ...mq, topic: withoutNamespace(this.options.namespace, mq.topic) }));
  }

  // ---- internals ----

  private async ensureHeartbeat(topic: string): Promise<void> {
    const info = await this.tryToFindTopicPublishInfo(wrapNamespace(this.options.namespace, topic));
    const client = this.clientInstance;
    const missing = info.messageQueueList
      .map((mq) => client.findBrokerAddressInPublish(mq.brokerName))
      .filter((a): a is string => a !== undefined && !this.heartbeatedBrokers.has(a));
    if (missing.length === 0) return;
    await client.sendHeartbeatToAllBrokers();
    for (const a of missing) this.heartbeatedBrokers.add(a);
  }

  protected async sendWith(
    input: Message | Message[],
    opts: SendOptions,
    mode: CommunicationMode,
  ): Promise<SendResult | undefined> {
    const client = this.clientInstance;
    const timeoutMs = opts.timeoutMs ?? this.options.sendMsgTimeout;
    const msg = Array.isArray(input) ? this.toBatch(input) : input;
    msg.topic = wrapNamespace(this.options.namespace, msg.topic);
    this.checkMessage(msg, input);
    if (opts.queue || opts.selector) {
      const started = Date.now();
      let mq: MessageQueue;
      if (opts.queue) {
        mq = { ...opts.queue, topic: wrapNamespace(this.options.namespace, opts.queue.topic) };
        if (mq.topic !== msg.topic) {
          throw new MQClientError(`The message topic "${msg.topic}" differs from the queue's topic "${mq.topic}"`);
        }
      } else {
        const info = await this.tryToFindTopicPublishInfo(msg.topic);
        const selector = toMessageQueueSelector(opts.selector!);
        const visible = info.messageQueueList.map((q) => ({
          ...q,
          topic: withoutNamespace(this.options.namespace, q.topic),
        }));
        const chosen = selector.select(visible, msg, opts.arg);
        if (!chosen) throw new MQClientError(`The selector returned no queue for topic ${msg.topic}`);
        mq = { ...chosen, topic: wrapNamespace(this.options.namespace, chosen.topic) };
      }
      const left = timeoutMs - (Date.now() - started);
      if (left <= 0)
        throw new RemotingTimeoutError(
          mq.brokerName,
          timeoutMs,
          `Send to ${msg.topic} timed out before a queue was chosen (${timeoutMs} ms)`,
        );
      return this.sendKernel(client, msg, mq, mode, left);
    }
    return this.sendDefault(client, msg, mode, timeoutMs);
  }

  private toBatch(msgs: Message[]): Message {
    validateBatch(msgs, { maxBodyBytes: this.options.maxMessageSize });
    const topic = wrapNamespace(this.options.namespace, msgs[0]!.topic);
    for (const m of msgs) {
      if (!m.getProperty(MessageConst.UNIQ_KEY)) m.putProperty(MessageConst.UNIQ_KEY, createUniqId());
      m.topic = topic;
    }
    const batch = new Message(topic, encodeBatchMessages(msgs));
    batch.waitStoreMsgOK = msgs[0]!.waitStoreMsgOK;
    batch.putProperty(MessageConst.UNIQ_KEY, createUniqId());
    (batch as Message & { batchMembers?: Message[] }).batchMembers = msgs;
    return batch;
  }

  private checkMessage(msg: Message, original: Message | Message[]): void {
    validateTopic(withoutNamespace(this.options.namespace, msg.topic));
    if (msg.body.length === 0)
      throw new MQClientError('The message body length is zero', { responseCode: ResponseCode.MESSAGE_ILLEGAL });
    if (msg.body.length > this.options.maxMessageSize) {
      throw new MQClientError(
        `The message body size ${msg.body.length} exceeds maxMessageSize ${this.options.maxMessageSize}${Array.isArray(original) ? ' (batch)' : ''}; split it or raise maxMessageSize`,
        { responseCode: ResponseCode.MESSAGE_ILLEGAL },
      );
    }
  }

  /** Java `tryToFindTopicPublishInfo`: cached, else the name server, else the auto-create template's route. */
  protected async tryToFindTopicPublishInfo(topic: string): Promise<TopicPublishInfo> {
    const client = this.clientInstance;
    let info = this.topicPublishInfoTable.get(topic);
    if (!info?.ok) {
      this.topicPublishInfoTable.set(topic, info ?? new TopicPublishInfo([]));
      await client.updateTopicRouteInfo(topic);
      info = this.topicPublishInfoTable.get(topic);
    }
    if (!info?.ok) {
      await client.updateTopicRouteInfo(topic, this.options.createTopicKey, this.options.defaultTopicQueueNums);
      info = this.topicPublishInfoTable.get(topic);
    }
    if (!info?.ok) {
      throw new MQClientError(
        `No route info of topic "${topic}" from name servers ${client.config.namesrvAddrs.join(';')}; create the topic or enable autoCreateTopicEnable on the broker`,
        { responseCode: ResponseCode.TOPIC_NOT_EXIST, retriable: false },
      );
    }
    return info;
  }

  private async sendDefault(
    client: MQClientInstance,
    msg: Message,
    mode: CommunicationMode,
    timeoutMs: number,
  ): Promise<SendResult | undefined> {
    const started = Date.now();
    const info = await this.tryToFindTopicPublishInfo(msg.topic);
    const timesTotal =
      mode === 'SYNC'
        ? 1 + this.options.retryTimesWhenSendFailed
        : mode === 'ASYNC'
          ? 1 + this.options.retryTimesWhenSendAsyncFailed
          : 1;
    const brokersSent: string[] = [];
    let lastBrokerName: string | undefined;
    let lastError: unknown;
    let lastResult: SendResult | undefined;
    for (let times = 0; times < timesTotal; times++) {
      const mq = this.faultStrategy.selectOneMessageQueue(info, lastBrokerName);
      lastBrokerName = mq.brokerName;
      brokersSent.push(mq.brokerName);
      const attemptStart = Date.now();
      const left = timeoutMs - (attemptStart - started);
      if (left <= 0) {
        lastError = new RemotingTimeoutError(
          mq.brokerName,
          timeoutMs,
          `Send to ${msg.topic} timed out after ${timeoutMs} ms`,
        );
        break;
      }
      try {
        const result = await this.sendKernel(client, msg, mq, mode, left);
        this.faultStrategy.updateFaultItem(mq.brokerName, Date.now() - attemptStart, false);
        if (
          mode !== 'ONEWAY' &&
          result &&
          result.sendStatus !== SendStatus.SEND_OK &&
          this.options.retryAnotherBrokerWhenNotStoreOK
        ) {
          lastResult = result;
          continue;
        }
        return result;
      } catch (err) {
        this.faultStrategy.updateFaultItem(mq.brokerName, Date.now() - attemptStart, true);
        lastError = err;
        if (!(err instanceof RocketMQError) || !err.retriable) throw err;
      }
    }
    if (lastResult) return lastResult;
    const cause = lastError instanceof Error ? lastError.message : String(lastError);
    throw new MQClientError(
      `Send [${brokersSent.length}] times, still failed, cost [${Date.now() - started}]ms, Topic: ${msg.topic}, BrokersSent: [${brokersSent.join(', ')}]: ${cause}`,
      {
        cause: lastError,
        retriable: lastError instanceof RocketMQError ? lastError.retriable : false,
        responseCode: lastError instanceof MQBrokerError ? lastError.responseCode : undefined,
      },
    );
  }

  protected async sendKernel(
    client: MQClientInstance,
    msg: Message,
    mq: MessageQueue,
    mode: CommunicationMode,
    timeoutMs: number,
  ): Promise<SendResult | undefined> {
    let brokerAddr = client.findBrokerAddressInPublish(mq.brokerName);
    if (!brokerAddr) {
      await client.updateTopicRouteInfo(mq.topic);
      brokerAddr = client.findBrokerAddressInPublish(mq.brokerName);
    }
    if (!brokerAddr) {
      throw new MQClientError(
        `The broker "${mq.brokerName}" of topic ${mq.topic} is not in the route (no master address); is it running?`,
        { retriable: true },
      );
    }
    const members = (msg as Message & { batchMembers?: Message[] }).batchMembers;
    const isBatch = members !== undefined;
    if (!isBatch && !msg.getProperty(MessageConst.UNIQ_KEY)) msg.putProperty(MessageConst.UNIQ_KEY, createUniqId());
    let sysFlag = 0;
    let body = msg.body;
    if (!isBatch && body.length >= this.options.compressMsgBodyOverHowmuch) {
      // Java tryToCompressMessage: COMPRESSED_FLAG plus the type's flag bits.
      body = await compressBodyAsync(body, {
        type: this.compressionType,
        level: this.options.compressLevel ?? DEFAULT_COMPRESS_LEVEL,
      });
      sysFlag = markCompressed(sysFlag, this.compressionType);
    }
    if (msg.getProperty(MessageConst.TRAN_MSG) === 'true') sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
    const properties = { ...msg.properties };
    let reconsumeTimes = 0;
    let maxReconsumeTimes: number | undefined;
    if (isRetryTopic(mq.topic)) {
      reconsumeTimes = Number(properties[MessageConst.RECONSUME_TIME] ?? 0);
      delete properties[MessageConst.RECONSUME_TIME];
      if (properties[MessageConst.MAX_RECONSUME_TIMES] !== undefined) {
        maxReconsumeTimes = Number(properties[MessageConst.MAX_RECONSUME_TIMES]);
        delete properties[MessageConst.MAX_RECONSUME_TIMES];
      }
    }
    const isReply = properties[MessageConst.MESSAGE_TYPE] === 'reply';
    const code = isBatch
      ? RequestCode.SEND_BATCH_MESSAGE
      : isReply
        ? RequestCode.SEND_REPLY_MESSAGE_V2
        : RequestCode.SEND_MESSAGE_V2;
    const req = client.api.request(
      code,
      {
        a: this.groupName,
        b: mq.topic,
        c: this.options.createTopicKey,
        d: this.options.defaultTopicQueueNums,
        e: mq.queueId,
        f: sysFlag,
        g: Date.now(),
        h: msg.flag,
        i: encodeMessageProperties(properties),
        j: reconsumeTimes,
        k: false,
        l: maxReconsumeTimes,
        m: isBatch,
        n: mq.brokerName,
      },
      body,
    );
    if (mode === 'ONEWAY') {
      await client.remoting.invokeOneway(brokerAddr, req, timeoutMs);
      return undefined;
    }
    const response = await client.remoting.invoke(brokerAddr, req, timeoutMs);
    return this.processSendResponse(response, brokerAddr, mq, msg, members);
  }

  private processSendResponse(
    response: RemotingCommand,
    brokerAddr: string,
    mq: MessageQueue,
    msg: Message,
    members: Message[] | undefined,
  ): SendResult {
    let sendStatus: SendStatus;
    switch (response.code) {
      case ResponseCode.SUCCESS:
        sendStatus = SendStatus.SEND_OK;
        break;
      case ResponseCode.FLUSH_DISK_TIMEOUT:
        sendStatus = SendStatus.FLUSH_DISK_TIMEOUT;
        break;
      case ResponseCode.FLUSH_SLAVE_TIMEOUT:
        sendStatus = SendStatus.FLUSH_SLAVE_TIMEOUT;
        break;
      case ResponseCode.SLAVE_NOT_AVAILABLE:
        sendStatus = SendStatus.SLAVE_NOT_AVAILABLE;
        break;
      default:
        throw new MQBrokerError(response.code, response.remark, brokerAddr);
    }
    const ext = response.extFields ?? {};
    const uniq = members
      ? members.map((m) => m.getProperty(MessageConst.UNIQ_KEY) ?? '').join(',')
      : (msg.getProperty(MessageConst.UNIQ_KEY) ?? '');
    const queueId = Number(ext.queueId ?? mq.queueId);
    return {
      sendStatus,
      msgId: uniq,
      offsetMsgId: ext.msgId ?? '',
      messageQueue: { topic: withoutNamespace(this.options.namespace, mq.topic), brokerName: mq.brokerName, queueId },
      queueOffset: Number(ext.queueOffset ?? -1),
      transactionId: ext.transactionId,
      regionId: ext[MessageConst.MSG_REGION] ?? 'DefaultRegion',
      traceOn: ext[MessageConst.TRACE_ON] !== 'false',
    };
  }
}
