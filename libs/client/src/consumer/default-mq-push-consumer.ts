import {
  MQClientError,
  Message,
  MessageConst,
  MessageExt,
  ResponseCode,
  buildSubscriptionData,
  decodeMessageRecords,
  getRetryTopic,
  isRetryTopic,
  messageQueueKey,
  validateGroup,
  validateTopic,
  type MessageQueue,
} from '@rocketnest/common';
import { RequestCode } from '@rocketnest/common';
import { wrapNamespace, withoutNamespace, type ClientOptions } from '../impl/client-config';
import {
  MQClientManager,
  type ClientLogger,
  type MQClientInstance,
  type MQConsumerInner,
  type SubscriptionDataJson,
} from '../impl/mq-client-instance';
import { PeriodicTask, sleep } from '@rocketnest/common';
import { DefaultMQProducer } from '../producer/default-mq-producer';
import {
  ConsumeConcurrentlyStatus,
  ConsumeFromWhere,
  ConsumeOrderlyStatus,
  ConsumeType,
  ExpressionType,
  MessageModel,
  MessageSelector,
} from './consumer-enums';
import type {
  ConsumeConcurrentlyContext,
  ConsumeOrderlyContext,
  MessageListener,
  MessageListenerConcurrently,
  MessageListenerOrderly,
} from './listener';
import { LocalFileOffsetStore, ReadOffsetType, RemoteBrokerOffsetStore, type OffsetStore } from './offset-store';
import type { ProcessQueue } from './process-queue';
import { AllocateMessageQueueAveragely } from './rebalance/allocate-message-queue-averagely';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';
import { RebalanceImpl } from './rebalance-impl';

/** Options of {@link DefaultMQPushConsumer}; defaults follow the Java client. */
export interface PushConsumerOptions extends ClientOptions {
  consumerGroup: string;
  /** Default CLUSTERING. */
  messageModel?: MessageModel;
  /** Where a group without a stored offset starts. Default CONSUME_FROM_LAST_OFFSET. */
  consumeFromWhere?: ConsumeFromWhere;
  /** For CONSUME_FROM_TIMESTAMP: `yyyyMMddHHmmss` (local time). Default: 30 minutes before start. */
  consumeTimestamp?: string;
  /** Default AllocateMessageQueueAveragely. */
  allocateMessageQueueStrategy?: AllocateMessageQueueStrategy;
  /** Listener calls running at once (Java thread count). Default 20. */
  consumeThreadMax?: number;
  /** Messages per listener call. Default 1. */
  consumeMessageBatchMaxSize?: number;
  /** Messages per pull. Default 32. */
  pullBatchSize?: number;
  /** Pause between pulls of one queue. Default 0 ms. */
  pullInterval?: number;
  /** Flow control: cached messages per queue. Default 1000. */
  pullThresholdForQueue?: number;
  /** Flow control: cached MiB per queue. Default 100. */
  pullThresholdSizeForQueue?: number;
  /** Flow control (concurrent): max offset span cached per queue. Default 2000. */
  consumeConcurrentlyMaxSpan?: number;
  /** -1 = 16 (concurrent) or unlimited (orderly). */
  maxReconsumeTimes?: number;
  /** A message consumed longer than this is sent back for retry (and checked this often). Minutes, fractions allowed. Default 15. */
  consumeTimeout?: number;
  /** Orderly: pause after SUSPEND_CURRENT_QUEUE_A_MOMENT. Default 1000 ms. */
  suspendCurrentQueueTimeMillis?: number;
  /** Wait this long for running listeners on shutdown. Default 0 (do not wait). */
  awaitTerminationMillisWhenShutdown?: number;
  /** Broadcasting offsets directory. Default `~/.rocketmq_offsets`. */
  offsetStoreDir?: string;
  /** Alias of `persistConsumerOffsetIntervalMs` (Java name). */
  persistConsumerOffsetInterval?: number;
  /** Alias of `pollNameServerIntervalMs` (Java name). */
  pollNameServerInterval?: number;
  /** Alias of `heartbeatBrokerIntervalMs` (Java name). */
  heartbeatBrokerInterval?: number;
  /** Alias of `rebalanceIntervalMs`. */
  rebalanceInterval?: number;
  /** Long-poll hold asked of the broker. Default 15000 ms. */
  brokerSuspendMaxTimeMillis?: number;
  /** Pull RPC timeout while the broker holds the pull. Default 30000 ms. */
  consumerTimeoutMillisWhenSuspend?: number;
  /** Back-off after a failed pull. Default 3000 ms. */
  pullTimeDelayMillsWhenException?: number;
  /** Retry of a failed send-back (local re-consumption). Default 5000 ms. */
  consumeRetryDelayMs?: number;
  /** Send the subscription expression with every pull. Default false. */
  postSubscriptionWhenPull?: boolean;
  logger?: ClientLogger;
}

function formatTimestamp(d: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

function parseTimestamp(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) throw new MQClientError(`consumeTimestamp "${s}" is not yyyyMMddHHmmss`);
  return new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!).getTime();
}

/** Counting gate for listener concurrency (Java consume thread pool size). */
class Gate {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  get busy(): number {
    return this.active;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    }
  }
}

interface IteratorItem {
  msg: MessageExt;
  done: (ok: boolean) => void;
}

/**
 * Push-style consumer (Java `DefaultMQPushConsumer`): rebalances the group's queues, long-polls its queues, and
 * calls the listener concurrently or in order; failures are sent back for retry (then to the DLQ); offsets are kept on
 * the broker (clustering) or in a local file (broadcasting).
 */
export class DefaultMQPushConsumer implements MQConsumerInner {
  readonly groupName: string;
  readonly messageModel: MessageModel;
  readonly consumeType = ConsumeType.CONSUME_PASSIVELY;
  readonly consumeFromWhere: ConsumeFromWhere;
  protected readonly opts: PushConsumerOptions;
  private readonly subscriptionsByTopic = new Map<string, SubscriptionDataJson>();
  private listener: MessageListener | undefined;
  private client: MQClientInstance | undefined;
  private rebalance: RebalanceImpl | undefined;
  private offsetStore: OffsetStore | undefined;
  private gate: Gate;
  private state: 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY' | 'START_FAILED' = 'CREATE_JUST';
  private startPromise: Promise<void> | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private paused = false;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  private tasks: PeriodicTask[] = [];
  private innerProducer: DefaultMQProducer | undefined;
  private iteratorQueue: IteratorItem[] | undefined;
  private iteratorWaiter: ((item: IteratorItem | undefined) => void) | undefined;
  readonly consumeTimestamp: string;

  constructor(options: PushConsumerOptions) {
    this.opts = {
      ...options,
      persistConsumerOffsetIntervalMs: options.persistConsumerOffsetIntervalMs ?? options.persistConsumerOffsetInterval,
      pollNameServerIntervalMs: options.pollNameServerIntervalMs ?? options.pollNameServerInterval,
      heartbeatBrokerIntervalMs: options.heartbeatBrokerIntervalMs ?? options.heartbeatBrokerInterval,
      rebalanceIntervalMs: options.rebalanceIntervalMs ?? options.rebalanceInterval,
    };
    this.groupName = wrapNamespace(options.namespace, options.consumerGroup);
    this.messageModel = options.messageModel ?? MessageModel.CLUSTERING;
    this.consumeFromWhere = options.consumeFromWhere ?? ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET;
    this.consumeTimestamp = options.consumeTimestamp ?? formatTimestamp(new Date(Date.now() - 30 * 60 * 1000));
    this.gate = new Gate(options.consumeThreadMax ?? 20);
  }

  // ---- configuration ----

  /** Subscribes a topic with a tag expression (`*`, `a || b`) or a MessageSelector (tag or SQL92). */
  subscribe(topic: string, expression: string | MessageSelector = '*'): void {
    validateTopic(topic);
    const selector = typeof expression === 'string' ? MessageSelector.byTag(expression) : expression;
    const fullTopic = wrapNamespace(this.opts.namespace, topic);
    this.subscriptionsByTopic.set(fullTopic, this.buildSubscription(fullTopic, selector));
    if (this.state === 'RUNNING') {
      this.rebalance?.subscriptionInner.set(fullTopic, this.subscriptionsByTopic.get(fullTopic)!);
      void this.afterSubscriptionChange();
    }
  }

  unsubscribe(topic: string): void {
    const fullTopic = wrapNamespace(this.opts.namespace, topic);
    this.subscriptionsByTopic.delete(fullTopic);
    this.rebalance?.subscriptionInner.delete(fullTopic);
  }

  registerMessageListener(listener: MessageListenerConcurrently | MessageListenerOrderly): void {
    this.listener = listener;
  }

  private get orderly(): boolean {
    return this.listener?.kind === 'orderly';
  }

  private buildSubscription(topic: string, selector: MessageSelector): SubscriptionDataJson {
    if (selector.type === ExpressionType.SQL92) {
      return {
        topic,
        subString: selector.expression,
        tagsSet: [],
        codeSet: [],
        subVersion: Date.now(),
        expressionType: ExpressionType.SQL92,
        classFilterMode: false,
      };
    }
    const sd = buildSubscriptionData(topic, selector.expression);
    return {
      topic,
      subString: sd.subString,
      tagsSet: [...sd.tagsSet],
      codeSet: [...sd.codeSet],
      subVersion: sd.subVersion ?? Date.now(),
      expressionType: ExpressionType.TAG,
      classFilterMode: false,
    };
  }

  // ---- lifecycle ----

  start(): Promise<void> {
    if (this.state === 'SHUTDOWN_ALREADY') {
      return Promise.reject(new MQClientError(`Consumer ${this.groupName} was shut down; create a new one`));
    }
    this.startPromise ??= (async () => {
      try {
        validateGroup(this.opts.consumerGroup);
        if (!this.listener) {
          if (!this.iteratorQueue) {
            throw new MQClientError(
              'No message listener: call registerMessageListener() (or iterate with for await) before start()',
            );
          }
        }
        if (this.subscriptionsByTopic.size === 0)
          throw new MQClientError('No subscription: call subscribe(topic, expression) before start()');
        if (this.messageModel === MessageModel.CLUSTERING) {
          const retryTopic = getRetryTopic(this.groupName);
          this.subscriptionsByTopic.set(retryTopic, this.buildSubscription(retryTopic, MessageSelector.byTag('*')));
        }
        const client = MQClientManager.getOrCreate(this.opts);
        this.client = client;
        this.rebalance = new RebalanceImpl(
          client,
          this.groupName,
          this.messageModel,
          this.opts.allocateMessageQueueStrategy ?? new AllocateMessageQueueAveragely(),
          {
            computePullFromWhere: (mq) => this.computePullFromWhere(mq),
            dispatchPull: (mq, pq, offset) => this.startPulling(mq, pq, offset),
            removeUnnecessaryMessageQueue: (mq, pq) => this.removeUnnecessaryMessageQueue(mq, pq),
            removeDirtyOffset: (mq) => this.offsetStore?.removeOffset(mq),
          },
        );
        for (const [t, sd] of this.subscriptionsByTopic) this.rebalance.subscriptionInner.set(t, sd);
        this.offsetStore =
          this.messageModel === MessageModel.BROADCASTING
            ? new LocalFileOffsetStore(client.clientId, this.groupName, this.opts.offsetStoreDir)
            : new RemoteBrokerOffsetStore(client, this.groupName);
        await this.offsetStore.load();
        client.registerConsumer(this);
        try {
          await client.start();
        } catch (err) {
          client.unregisterConsumer(this.groupName);
          throw err;
        }
        this.state = 'RUNNING';
        const onError = (err: unknown, name: string): void => client.logger.warn(`${name} failed`, err);
        if (this.orderly && this.messageModel === MessageModel.CLUSTERING) {
          this.tasks.push(
            new PeriodicTask(
              'lock queues',
              client.config.lockIntervalMs,
              () => this.rebalance!.lockAll(),
              onError,
              1000,
            ).start(),
          );
        }
        const timeoutMin = this.opts.consumeTimeout ?? 15;
        if (!this.orderly) {
          this.tasks.push(
            new PeriodicTask(
              'clean expired messages',
              timeoutMin * 60000,
              () => this.cleanExpiredMessages(),
              onError,
            ).start(),
          );
        }
        await this.afterSubscriptionChange();
      } catch (err) {
        this.state = 'START_FAILED';
        if (this.client) await this.client.release();
        throw err;
      }
    })();
    return this.startPromise;
  }

  private async afterSubscriptionChange(): Promise<void> {
    const client = this.client!;
    for (const topic of this.subscriptionsByTopic.keys()) {
      try {
        await client.updateTopicRouteInfo(topic);
      } catch (err) {
        client.logger.warn(`route of ${topic} not available yet`, err);
      }
    }
    await client.sendHeartbeatToAllBrokers();
    client.rebalanceImmediately();
  }

  /**
   * Stops pulling, lets running listeners finish (up to `awaitTerminationMillisWhenShutdown`), persists offsets,
   * releases orderly locks and unregisters from the brokers. Idempotent.
   */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      const wasRunning = this.state === 'RUNNING';
      this.state = 'SHUTDOWN_ALREADY';
      this.abort.abort();
      this.iteratorWaiter?.(undefined);
      if (!this.client || !wasRunning) return;
      const client = this.client;
      await Promise.all(this.tasks.map((t) => t.stop()));
      const wait = this.opts.awaitTerminationMillisWhenShutdown ?? 0;
      if (wait > 0 && this.inflight.size > 0) {
        const timer = new AbortController();
        await Promise.race([Promise.allSettled([...this.inflight]), sleep(wait, timer.signal)]);
        timer.abort();
      }
      const owned = this.rebalance!.ownedQueues();
      for (const { pq } of this.rebalance!.processQueueTable.values()) pq.dropped = true;
      try {
        await this.offsetStore!.persistAll(owned, true);
      } catch (err) {
        client.logger.warn('persisting offsets on shutdown failed', err);
      }
      if (this.orderly && this.messageModel === MessageModel.CLUSTERING) await this.rebalance!.unlockAll(false);
      client.unregisterConsumer(this.groupName);
      await client.unregisterClient({ consumerGroup: this.groupName });
      if (this.innerProducer) await this.innerProducer.shutdown();
      await client.release();
    })();
    return this.shutdownPromise;
  }

  /** Stops pulling until `resume()`; cached messages are still consumed. */
  suspend(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  get running(): boolean {
    return this.state === 'RUNNING';
  }

  /** Queues this member owns now (after rebalance). */
  assignedQueues(): MessageQueue[] {
    return (this.rebalance?.ownedQueues() ?? []).filter((mq) => !isRetryTopic(mq.topic));
  }

  /**
   * Whether, for every subscribed topic, the last rebalance has given this member its share of the queues and each of
   * them is pulled from a final start offset (an orderly consumer fixes it at its first pull under the broker lock,
   * so not while suspended). From then on every message sent to those topics reaches this member or another one;
   * before, a new group starting from the last offset may still skip a message stored while its start offset is read.
   */
  queuesReady(): boolean {
    const rebalance = this.rebalance;
    if (this.state !== 'RUNNING' || !rebalance) return false;
    for (const topic of this.subscriptionsByTopic.keys()) {
      if (isRetryTopic(topic)) continue;
      const allocated = rebalance.allocatedByTopic.get(topic);
      if (!allocated) return false;
      for (const mq of allocated) {
        if (rebalance.processQueueTable.get(messageQueueKey(mq))?.pq.startOffsetFixed !== true) return false;
      }
    }
    return true;
  }

  /** The offsets held in memory for the group's queues. */
  currentOffsets(): Map<string, { mq: MessageQueue; offset: number }> {
    return this.offsetStore?.cloneOffsetTable() ?? new Map<string, { mq: MessageQueue; offset: number }>();
  }

  /** GET_CONSUMER_STATUS_FROM_CLIENT: the in-memory offsets of `topic`'s queues (every topic when blank), as Java. */
  consumerStatus(topic: string): Map<MessageQueue, number> {
    const out = new Map<MessageQueue, number>();
    const all = topic.trim() === '';
    for (const { mq, offset } of this.currentOffsets().values()) {
      if (all || mq.topic === topic) out.set(mq, offset);
    }
    return out;
  }

  /**
   * for-await style: `for await (const msg of consumer)`. Call before `start()`. Each message is acknowledged when the
   * loop asks for the next one; throwing from the loop body (or `break`) marks the current one RECONSUME_LATER.
   */
  [Symbol.asyncIterator](): AsyncIterator<MessageExt> {
    if (this.listener && !this.iteratorQueue) throw new MQClientError('A message listener is already registered');
    this.iteratorQueue ??= [];
    const queue = this.iteratorQueue;
    let current: IteratorItem | undefined;
    if (!this.listener) {
      const iteratorListener: MessageListenerConcurrently = {
        consumeMessage: async (msgs: MessageExt[]) => {
          const results = await Promise.all(
            msgs.map(
              (msg) =>
                new Promise<boolean>((done) => {
                  const item = { msg, done };
                  if (this.iteratorWaiter) {
                    const w = this.iteratorWaiter;
                    this.iteratorWaiter = undefined;
                    w(item);
                  } else queue.push(item);
                }),
            ),
          );
          return results.every(Boolean)
            ? ConsumeConcurrentlyStatus.CONSUME_SUCCESS
            : ConsumeConcurrentlyStatus.RECONSUME_LATER;
        },
      };
      this.listener = iteratorListener;
    }
    const next = async (): Promise<IteratorResult<MessageExt>> => {
      current?.done(true);
      current = undefined;
      if (this.state === 'SHUTDOWN_ALREADY') return { done: true, value: undefined };
      const item = queue.shift() ?? (await new Promise<IteratorItem | undefined>((r) => (this.iteratorWaiter = r)));
      if (!item) return { done: true, value: undefined };
      current = item;
      return { done: false, value: item.msg };
    };
    return {
      next,
      return: async () => {
        current?.done(false);
        current = undefined;
        return { done: true, value: undefined };
      },
      throw: async (err?: unknown) => {
        current?.done(false);
        current = undefined;
        throw err;
      },
    };
  }

  // ---- MQConsumerInner ----

  subscriptions(): SubscriptionDataJson[] {
    return [...this.subscriptionsByTopic.values()];
  }

  async doRebalance(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    await this.rebalance!.doRebalance(this.orderly);
  }

  updateTopicSubscribeInfo(topic: string, mqs: MessageQueue[]): void {
    if (this.subscriptionsByTopic.has(topic)) this.rebalance?.topicSubscribeInfoTable.set(topic, mqs);
  }

  isSubscribeTopicNeedUpdate(topic: string): boolean {
    return this.subscriptionsByTopic.has(topic) && !this.rebalance?.topicSubscribeInfoTable.has(topic);
  }

  async persistConsumerOffset(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    await this.offsetStore!.persistAll(this.rebalance!.ownedQueues());
  }

  async resetOffset(topic: string, offsets: Map<string, { mq: MessageQueue; offset: number }>): Promise<void> {
    this.suspend();
    try {
      for (const [key, entry] of this.rebalance!.processQueueTable) {
        if (entry.mq.topic !== topic) continue;
        const target = offsets.get(key);
        if (!target) continue;
        entry.pq.dropped = true;
        entry.pq.clear();
        this.offsetStore!.updateOffset(entry.mq, target.offset, false);
        await this.offsetStore!.persist(entry.mq);
        this.rebalance!.processQueueTable.delete(key);
      }
    } finally {
      this.resume();
    }
    this.client?.rebalanceImmediately();
  }

  runningInfo(): Record<string, unknown> {
    const mqTable: Record<string, unknown> = {};
    for (const [, { mq, pq }] of this.rebalance?.processQueueTable ?? []) {
      mqTable[JSON.stringify({ brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic })] = {
        cachedMsgCount: pq.msgCount,
        cachedMsgSizeInMiB: Math.floor(pq.msgSize / (1024 * 1024)),
        droped: pq.dropped,
        locked: pq.locked,
        lastPullTimestamp: pq.lastPullTimestamp,
        lastConsumeTimestamp: pq.lastConsumeTimestamp,
      };
    }
    return {
      properties: {
        consumerGroup: this.groupName,
        messageModel: this.messageModel,
        consumeType: this.consumeType,
        consumeOrderly: String(this.orderly),
        consumeThreadMax: String(this.opts.consumeThreadMax ?? 20),
        PROP_CONSUMER_START_TIMESTAMP: String(Date.now()),
      },
      subscriptionSet: this.subscriptions(),
      mqTable,
      statusTable: {},
    };
  }

  async consumeMessageDirectly(body: Buffer): Promise<Record<string, unknown>> {
    const msgs = decodeMessageRecords(body);
    const msg = msgs[0];
    if (!msg || !this.listener) return { consumeResult: 'CR_THROW_EXCEPTION', remark: 'no message or listener' };
    const started = Date.now();
    const mq = { topic: msg.topic, brokerName: msg.brokerName, queueId: msg.queueId };
    try {
      const status =
        this.listener.kind === 'orderly'
          ? await this.listener.consumeMessage([msg], {
              messageQueue: mq,
              autoCommit: true,
              suspendCurrentQueueTimeMillis: 1000,
            })
          : await this.listener.consumeMessage([msg], {
              messageQueue: mq,
              delayLevelWhenNextConsume: 0,
              ackIndex: Number.MAX_SAFE_INTEGER,
            });
      const ok = status === ConsumeConcurrentlyStatus.CONSUME_SUCCESS || status === ConsumeOrderlyStatus.SUCCESS;
      return {
        order: this.orderly,
        autoCommit: true,
        consumeResult: ok ? 'CR_SUCCESS' : 'CR_LATER',
        spentTimeMills: Date.now() - started,
      };
    } catch (err) {
      return {
        order: this.orderly,
        autoCommit: true,
        consumeResult: 'CR_THROW_EXCEPTION',
        remark: err instanceof Error ? err.message : JSON.stringify(err),
        spentTimeMills: Date.now() - started,
      };
    }
  }

  // ---- rebalance hooks ----

  private async computePullFromWhere(mq: MessageQueue): Promise<number> {
    const client = this.client!;
    const store = this.offsetStore!;
    const lastOffset = await store.readOffset(mq, ReadOffsetType.READ_FROM_STORE);
    if (lastOffset >= 0) return lastOffset;
    const addr = client.findBrokerAddressInSubscribe(mq.brokerName);
    if (!addr) return -1;
    switch (this.consumeFromWhere) {
      case ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET:
        return 0;
      case ConsumeFromWhere.CONSUME_FROM_TIMESTAMP:
        if (isRetryTopic(mq.topic)) return client.api.getMaxOffset(addr, mq);
        return client.api.searchOffset(addr, mq, parseTimestamp(this.consumeTimestamp));
      default:
        if (isRetryTopic(mq.topic)) return 0;
        return client.api.getMaxOffset(addr, mq);
    }
  }

  private async removeUnnecessaryMessageQueue(mq: MessageQueue, pq: ProcessQueue): Promise<boolean> {
    const store = this.offsetStore!;
    if (this.orderly && this.messageModel === MessageModel.CLUSTERING) {
      // Keep the queue (and its broker lock) until the running orderly batch ends: the next owner cannot lock it meanwhile.
      if (pq.orderlyRunning || pq.consumingCount > 0) return false;
      try {
        await store.persist(mq);
      } catch (err) {
        this.client!.logger.warn(`persisting ${messageQueueKey(mq)} failed`, err);
      }
      store.removeOffset(mq);
      try {
        await this.rebalance!.unlock(mq, false);
      } catch (err) {
        this.client!.logger.warn(`unlocking ${messageQueueKey(mq)} failed`, err);
      }
      return true;
    }
    try {
      await store.persist(mq);
    } catch (err) {
      this.client!.logger.warn(`persisting ${messageQueueKey(mq)} failed`, err);
    }
    store.removeOffset(mq);
    return true;
  }

  // ---- pulling ----

  private startPulling(mq: MessageQueue, pq: ProcessQueue, nextOffset: number): void {
    void this.pullLoop(mq, pq, nextOffset).catch((err) =>
      this.client?.logger.warn(`pull loop of ${messageQueueKey(mq)} ended`, err),
    );
  }

  private async pullLoop(mq: MessageQueue, pq: ProcessQueue, startOffset: number): Promise<void> {
    const client = this.client!;
    const signal = this.abort.signal;
    const exceptionDelay = this.opts.pullTimeDelayMillsWhenException ?? 3000;
    const thresholdCount = this.opts.pullThresholdForQueue ?? 1000;
    const thresholdSize = (this.opts.pullThresholdSizeForQueue ?? 100) * 1024 * 1024;
    const maxSpan = this.opts.consumeConcurrentlyMaxSpan ?? 2000;
    const suspendMs = this.opts.brokerSuspendMaxTimeMillis ?? 15000;
    const callTimeoutMs = this.opts.consumerTimeoutMillisWhenSuspend ?? 30000;
    let nextOffset = startOffset;
    let previouslyLocked = false;
    const lockedPull = this.orderly && this.messageModel === MessageModel.CLUSTERING;
    if (!lockedPull) pq.startOffsetFixed = true;
    while (!pq.dropped && !signal.aborted) {
      pq.lastPullTimestamp = Date.now();
      if (this.paused) {
        await sleep(100, signal);
        continue;
      }
      if (pq.msgCount > thresholdCount || pq.msgSize > thresholdSize) {
        await sleep(50, signal);
        continue;
      }
      if (!this.orderly && pq.getMaxSpan() > maxSpan) {
        await sleep(50, signal);
        continue;
      }
      if (lockedPull) {
        if (!pq.locked) {
          await sleep(Math.min(exceptionDelay, 100), signal);
          continue;
        }
        if (!previouslyLocked) {
          previouslyLocked = true;
          try {
            nextOffset = await this.computePullFromWhere(mq);
            pq.startOffsetFixed = true;
          } catch (err) {
            client.logger.warn(`offset of ${messageQueueKey(mq)} unavailable`, err);
            previouslyLocked = false;
            await sleep(exceptionDelay, signal);
            continue;
          }
        }
      }
      const sd = this.subscriptionsByTopic.get(mq.topic);
      if (!sd) {
        await sleep(exceptionDelay, signal);
        continue;
      }
      const addr = client.findBrokerAddressInSubscribe(mq.brokerName);
      if (!addr) {
        await client.updateTopicRouteInfo(mq.topic).catch(() => false);
        await sleep(exceptionDelay, signal);
        continue;
      }
      let commitOffset = 0;
      if (this.messageModel === MessageModel.CLUSTERING) {
        const mem = await this.offsetStore!.readOffset(mq, ReadOffsetType.READ_FROM_MEMORY);
        if (mem > 0) commitOffset = mem;
      }
      const post = this.opts.postSubscriptionWhenPull === true || sd.expressionType === ExpressionType.SQL92;
      const sysFlag = (commitOffset > 0 ? 1 : 0) | 2 | (post ? 4 : 0);
      let response;
      try {
        response = await client.remoting.invoke(
          addr,
          client.api.request(RequestCode.PULL_MESSAGE, {
            consumerGroup: this.groupName,
            topic: mq.topic,
            queueId: mq.queueId,
            queueOffset: nextOffset,
            maxMsgNums: this.opts.pullBatchSize ?? 32,
            sysFlag,
            commitOffset,
            suspendTimeoutMillis: suspendMs,
            subscription: post ? sd.subString : undefined,
            subVersion: sd.subVersion,
            expressionType: sd.expressionType,
            maxMsgBytes: 262144,
            bname: mq.brokerName,
          }),
          callTimeoutMs,
        );
      } catch (err) {
        if (signal.aborted || pq.dropped) return;
        client.logger.warn(`pull ${messageQueueKey(mq)} failed`, err);
        await sleep(exceptionDelay, signal);
        continue;
      }
      if (signal.aborted || pq.dropped) return;
      const ext = response.extFields ?? {};
      const nextBegin = Number(ext.nextBeginOffset ?? nextOffset);
      switch (response.code) {
        case ResponseCode.SUCCESS: {
          let msgs: MessageExt[];
          try {
            msgs = decodeMessageRecords(response.body ?? Buffer.alloc(0), { copyBody: false });
          } catch (err) {
            client.logger.warn(`undecodable pull result for ${messageQueueKey(mq)}`, err);
            await sleep(exceptionDelay, signal);
            continue;
          }
          const filtered = this.filterMessages(msgs, sd, mq, ext);
          nextOffset = nextBegin;
          if (filtered.length === 0) {
            if (pq.msgCount === 0) this.offsetStore!.updateOffset(mq, nextOffset, true);
            continue;
          }
          const dispatch = pq.putMessage(filtered);
          this.submitConsume(filtered, pq, mq, dispatch);
          if ((this.opts.pullInterval ?? 0) > 0) await sleep(this.opts.pullInterval!, signal);
          break;
        }
        case ResponseCode.PULL_NOT_FOUND:
        case ResponseCode.PULL_RETRY_IMMEDIATELY:
          nextOffset = nextBegin;
          if (pq.msgCount === 0) this.offsetStore!.updateOffset(mq, nextOffset, true);
          break;
        case ResponseCode.PULL_OFFSET_MOVED:
          client.logger.warn(`offset of ${messageQueueKey(mq)} moved from ${nextOffset} to ${nextBegin}`);
          pq.dropped = true;
          this.offsetStore!.updateOffset(mq, nextBegin, false);
          await this.offsetStore!.persist(mq).catch(() => undefined);
          this.rebalance!.processQueueTable.delete(messageQueueKey(mq));
          client.rebalanceImmediately();
          return;
        default:
          client.logger.warn(`pull ${messageQueueKey(mq)}: ${response.code} ${response.remark ?? ''}`);
          await sleep(exceptionDelay, signal);
      }
    }
  }

  private filterMessages(
    msgs: MessageExt[],
    sd: SubscriptionDataJson,
    mq: MessageQueue,
    ext: Record<string, string>,
  ): MessageExt[] {
    const tags =
      sd.expressionType === ExpressionType.TAG && sd.tagsSet.length > 0 && sd.subString !== '*'
        ? new Set(sd.tagsSet)
        : undefined;
    const out: MessageExt[] = [];
    for (const m of msgs) {
      if (tags && !(m.tags !== undefined && tags.has(m.tags))) continue;
      m.brokerName = mq.brokerName;
      if (m.getProperty(MessageConst.TRAN_MSG) === 'true') m.transactionId = m.getProperty(MessageConst.UNIQ_KEY);
      if (ext.minOffset !== undefined) m.putProperty(MessageConst.MIN_OFFSET, ext.minOffset);
      if (ext.maxOffset !== undefined) m.putProperty(MessageConst.MAX_OFFSET, ext.maxOffset);
      out.push(m);
    }
    return out;
  }

  // ---- consuming ----

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  private submitConsume(msgs: MessageExt[], pq: ProcessQueue, mq: MessageQueue, dispatchOrderly: boolean): void {
    if (this.orderly) {
      if (dispatchOrderly) void this.track(this.consumeOrderly(pq, mq));
      return;
    }
    const batch = Math.max(1, this.opts.consumeMessageBatchMaxSize ?? 1);
    for (let i = 0; i < msgs.length; i += batch) {
      const chunk = msgs.slice(i, i + batch);
      void this.track(this.gate.run(() => this.consumeConcurrently(chunk, pq, mq)));
    }
  }

  private resetRetryAndNamespace(msgs: MessageExt[]): void {
    const retryTopic = getRetryTopic(this.groupName);
    for (const m of msgs) {
      const retry = m.getProperty(MessageConst.RETRY_TOPIC);
      if (retry && m.topic === retryTopic) m.topic = retry;
      if (this.opts.namespace) m.topic = withoutNamespace(this.opts.namespace, m.topic);
    }
  }

  private get maxReconsumeTimesConcurrent(): number {
    const v = this.opts.maxReconsumeTimes ?? -1;
    return v === -1 ? 16 : v;
  }

  private get maxReconsumeTimesOrderly(): number {
    const v = this.opts.maxReconsumeTimes ?? -1;
    return v === -1 ? 0x7fffffff : v;
  }

  private async consumeConcurrently(msgs: MessageExt[], pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    if (pq.dropped) return;
    const listener = this.listener as MessageListenerConcurrently;
    this.resetRetryAndNamespace(msgs);
    const now = String(Date.now());
    for (const m of msgs) m.putProperty(MessageConst.CONSUME_START_TIME, now);
    const ctx: ConsumeConcurrentlyContext = {
      messageQueue: { ...mq, topic: withoutNamespace(this.opts.namespace, mq.topic) },
      delayLevelWhenNextConsume: 0,
      ackIndex: Number.MAX_SAFE_INTEGER,
    };
    let status: ConsumeConcurrentlyStatus;
    pq.inFlight++;
    try {
      status = (await listener.consumeMessage(msgs, ctx)) ?? ConsumeConcurrentlyStatus.RECONSUME_LATER;
    } catch (err) {
      this.client?.logger.warn(`listener of ${this.groupName} threw`, err);
      status = ConsumeConcurrentlyStatus.RECONSUME_LATER;
    } finally {
      pq.inFlight--;
    }
    if (pq.dropped) return;
    let ackIndex = ctx.ackIndex;
    if (status === ConsumeConcurrentlyStatus.CONSUME_SUCCESS) {
      if (ackIndex >= msgs.length) ackIndex = msgs.length - 1;
    } else {
      ackIndex = -1;
    }
    const failedBack: MessageExt[] = [];
    if (this.messageModel === MessageModel.CLUSTERING) {
      for (let i = ackIndex + 1; i < msgs.length; i++) {
        const m = msgs[i]!;
        // While shutting down, leave failed messages uncommitted: they are delivered again after restart.
        if (
          this.abort.signal.aborted ||
          (await this.trySendMessageBack(m, ctx.delayLevelWhenNextConsume, mq.brokerName)) !== undefined
        ) {
          m.reconsumeTimes++;
          failedBack.push(m);
        }
      }
    }
    const done = msgs.filter((m) => !failedBack.includes(m));
    const offset = pq.removeMessage(done);
    if (offset >= 0 && !pq.dropped) this.offsetStore!.updateOffset(mq, offset, true);
    if (failedBack.length > 0) {
      const delay = this.opts.consumeRetryDelayMs ?? 5000;
      void sleep(delay, this.abort.signal).then(() => {
        if (!this.abort.signal.aborted && !pq.dropped)
          void this.track(this.gate.run(() => this.consumeConcurrently(failedBack, pq, mq)));
      });
    }
  }

  /**
   * Hands a consumed message back to the broker (Java `DefaultMQPushConsumer.sendMessageBack`): CONSUMER_SEND_MSG_BACK
   * to the broker that holds it — `brokerName`'s master when given, else the message's store host. `delayLevel` 0 lets
   * the broker pick `3 + reconsumeTimes`, a positive level delays the retry by that level, and a negative one moves the
   * message straight to `%DLQ%<group>`; past `maxReconsumeTimes` the broker moves it to the DLQ anyway.
   *
   * If the broker cannot be asked, the message is re-sent to `%RETRY%<group>` as Java does (RECONSUME_TIME,
   * MAX_RECONSUME_TIMES, ORIGIN_MESSAGE_ID and RETRY_TOPIC set, delay level `3 + reconsumeTimes`); for a negative
   * `delayLevel` the re-sent copy carries MAX_RECONSUME_TIMES 0 and no delay, so the broker stores it in the DLQ at
   * once (Java's fallback would retry it). Throws the re-send's error if both fail. Only CLUSTERING consumers have a retry topic.
   */
  async sendMessageBack(msg: MessageExt, delayLevel: number, brokerName?: string): Promise<void> {
    if (this.state !== 'RUNNING' || !this.client) {
      throw new MQClientError(`Consumer ${this.groupName} is not running (state ${this.state}); cannot send back`);
    }
    if (!Number.isInteger(delayLevel)) throw new MQClientError(`delayLevel must be an integer, got ${delayLevel}`);
    const failure = await this.trySendMessageBack(msg, delayLevel, brokerName);
    if (failure) throw failure;
  }

  /** CONSUMER_SEND_MSG_BACK, falling back to re-sending the message to the retry topic. The error if both fail. */
  private async trySendMessageBack(
    msg: MessageExt,
    delayLevel: number,
    brokerName: string | undefined,
  ): Promise<Error | undefined> {
    const client = this.client!;
    const originTopic = wrapNamespace(this.opts.namespace, msg.topic);
    try {
      let addr: string | undefined;
      const storeHost = msg.storeHost.port > 0 ? msg.storeHostString : undefined;
      const name = brokerName ?? (storeHost ? undefined : msg.brokerName || undefined);
      if (name) {
        addr = client.findBrokerAddressInPublish(name) ?? client.findBrokerAddressInSubscribe(name);
        if (!addr) throw new MQClientError(`No address for broker ${name}`);
      } else {
        addr = storeHost;
        if (!addr) throw new MQClientError(`Message ${msg.msgId} has neither a store host nor a broker name`);
      }
      await client.api.consumerSendMessageBack(addr, {
        offset: msg.commitLogOffset,
        group: this.groupName,
        delayLevel,
        originMsgId: msg.msgId,
        originTopic,
        maxReconsumeTimes: this.maxReconsumeTimesConcurrent,
        brokerName: name,
      });
      return undefined;
    } catch (err) {
      client.logger.warn(`send back of ${msg.msgId} failed; re-sending to the retry topic`, err);
      try {
        await this.resendToRetryTopic(
          msg,
          originTopic,
          delayLevel < 0 ? 0 : 3 + msg.reconsumeTimes,
          delayLevel < 0 ? 0 : this.maxReconsumeTimesConcurrent,
        );
        return undefined;
      } catch (err2) {
        client.logger.warn(`re-sending ${msg.msgId} to the retry topic failed`, err2);
        return err2 instanceof Error ? err2 : new MQClientError(String(err2));
      }
    }
  }

  private async resendToRetryTopic(
    msg: MessageExt,
    originTopic: string,
    delayLevel: number,
    maxReconsumeTimes: number,
  ): Promise<void> {
    const producer = await this.getInnerProducer();
    const retry = new Message(getRetryTopic(this.groupName), msg.body);
    retry.flag = msg.flag;
    for (const [k, v] of Object.entries(msg.properties)) retry.putProperty(k, v);
    retry.putProperty(MessageConst.ORIGIN_MESSAGE_ID, msg.getProperty(MessageConst.ORIGIN_MESSAGE_ID) ?? msg.msgId);
    retry.putProperty(MessageConst.RETRY_TOPIC, msg.getProperty(MessageConst.RETRY_TOPIC) ?? originTopic);
    retry.putProperty(MessageConst.RECONSUME_TIME, String(msg.reconsumeTimes + 1));
    retry.putProperty(MessageConst.MAX_RECONSUME_TIMES, String(maxReconsumeTimes));
    retry.clearProperty(MessageConst.TRAN_MSG);
    if (delayLevel > 0) retry.delayTimeLevel = delayLevel;
    await producer.send(retry);
  }

  private async getInnerProducer(): Promise<DefaultMQProducer> {
    if (this.state !== 'RUNNING')
      throw new MQClientError(`Consumer ${this.groupName} is shutting down; not re-sending`);
    if (!this.innerProducer) {
      this.innerProducer = new DefaultMQProducer({
        ...this.opts,
        namespace: undefined,
        producerGroup: `CLIENT_INNER_PRODUCER_${this.groupName.replace(/[^%|a-zA-Z0-9_-]/g, '_')}`.slice(0, 120),
        retryTimesWhenSendFailed: 1,
      });
      await this.innerProducer.start();
    }
    return this.innerProducer;
  }

  private async consumeOrderly(pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    if (pq.orderlyRunning) return;
    pq.orderlyRunning = true;
    const listener = this.listener as MessageListenerOrderly;
    const clustering = this.messageModel === MessageModel.CLUSTERING;
    const suspendDefault = this.opts.suspendCurrentQueueTimeMillis ?? 1000;
    let rescheduleMs: number | undefined;
    try {
      const began = Date.now();
      for (;;) {
        if (pq.dropped || this.abort.signal.aborted) return;
        if (clustering && (!pq.locked || pq.isLockExpired())) {
          rescheduleMs = 100;
          return;
        }
        if (Date.now() - began > 60000) {
          rescheduleMs = 10;
          return;
        }
        const msgs = pq.takeMessages(Math.max(1, this.opts.consumeMessageBatchMaxSize ?? 1));
        if (msgs.length === 0) return;
        this.resetRetryAndNamespace(msgs);
        const ctx: ConsumeOrderlyContext = {
          messageQueue: { ...mq, topic: withoutNamespace(this.opts.namespace, mq.topic) },
          autoCommit: true,
          suspendCurrentQueueTimeMillis: suspendDefault,
        };
        let status: ConsumeOrderlyStatus;
        pq.inFlight++;
        try {
          status = await this.gate.run(
            async () =>
              (await listener.consumeMessage(msgs, ctx)) ?? ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT,
          );
        } catch (err) {
          this.client?.logger.warn(`orderly listener of ${this.groupName} threw`, err);
          status = ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        } finally {
          pq.inFlight--;
        }
        let commitOffset = -1;
        if (
          status === ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT ||
          status === ConsumeOrderlyStatus.ROLLBACK
        ) {
          if (await this.checkReconsumeTimes(msgs, mq)) {
            pq.makeMessageToConsumeAgain(msgs);
            rescheduleMs = ctx.suspendCurrentQueueTimeMillis;
            return;
          }
          commitOffset = pq.commit();
        } else {
          commitOffset = pq.commit();
        }
        if (commitOffset >= 0 && !pq.dropped) this.offsetStore!.updateOffset(mq, commitOffset, false);
      }
    } finally {
      pq.orderlyRunning = false;
      if (rescheduleMs !== undefined && !pq.dropped && !this.abort.signal.aborted) {
        const delay = rescheduleMs;
        void sleep(delay, this.abort.signal).then(() => {
          if (!pq.dropped && !this.abort.signal.aborted) void this.track(this.consumeOrderly(pq, mq));
        });
      } else if (!pq.dropped && pq.cachedCount > 0 && !this.abort.signal.aborted) {
        void this.track(this.consumeOrderly(pq, mq));
      } else {
        pq.consuming = pq.cachedCount > 0;
      }
    }
  }

  /** Orderly failure: true = retry locally; messages past maxReconsumeTimes go to the DLQ (via the retry topic). */
  private async checkReconsumeTimes(msgs: MessageExt[], mq: MessageQueue): Promise<boolean> {
    let suspend = false;
    const max = this.maxReconsumeTimesOrderly;
    for (const m of msgs) {
      if (m.reconsumeTimes >= max) {
        try {
          await this.resendToRetryTopic(m, wrapNamespace(this.opts.namespace, m.topic), 0, max);
          // reconsumeTimes + 1 > max: the broker routes it to the DLQ.
        } catch (err) {
          this.client?.logger.warn(`moving ${m.msgId} of ${messageQueueKey(mq)} to the DLQ failed`, err);
          suspend = true;
          m.reconsumeTimes++;
        }
      } else {
        suspend = true;
        m.reconsumeTimes++;
      }
    }
    return suspend;
  }

  /** Java `cleanExpireMsg`: messages consumed longer than consumeTimeout are sent back and dropped from the cache. */
  private async cleanExpiredMessages(): Promise<void> {
    const timeoutMs = (this.opts.consumeTimeout ?? 15) * 60000;
    for (const { mq, pq } of this.rebalance?.processQueueTable.values() ?? []) {
      for (let i = 0; i < 16; i++) {
        const first = pq.firstMessage();
        const started = Number(first?.getProperty(MessageConst.CONSUME_START_TIME) ?? NaN);
        if (!first || !Number.isFinite(started) || Date.now() - started <= timeoutMs) break;
        if ((await this.trySendMessageBack(first, 3, mq.brokerName)) === undefined) {
          const offset = pq.removeMessage([first]);
          if (offset >= 0) this.offsetStore!.updateOffset(mq, offset, true);
        } else break;
      }
    }
  }
}
