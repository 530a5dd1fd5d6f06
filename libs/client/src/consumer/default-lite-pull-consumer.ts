import {
  MQClientError,
  buildSubscriptionData,
  messageQueueKey,
  validateGroup,
  validateTopic,
  type MessageExt,
  type MessageQueue,
} from '@rocketnest/common';
import { wrapNamespace, withoutNamespace, type ClientOptions } from '../impl/client-config';
import {
  MQClientManager,
  type ClientLogger,
  type MQClientInstance,
  type MQConsumerInner,
  type SubscriptionDataJson,
} from '../impl/mq-client-instance';
import { PeriodicTask, sleep } from '@rocketnest/common';
import { PullStatus, pullMessage } from '../impl/pull-api';
import { ConsumeFromWhere, ConsumeType, ExpressionType, MessageModel, MessageSelector } from './consumer-enums';
import { LocalFileOffsetStore, ReadOffsetType, RemoteBrokerOffsetStore, type OffsetStore } from './offset-store';
import { ProcessQueue } from './process-queue';
import { AllocateMessageQueueAveragely } from './rebalance/allocate-message-queue-averagely';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';
import { RebalanceImpl } from './rebalance-impl';

export interface LitePullConsumerOptions extends ClientOptions {
  consumerGroup: string;
  messageModel?: MessageModel;
  consumeFromWhere?: ConsumeFromWhere;
  /** For CONSUME_FROM_TIMESTAMP, epoch ms. Default 30 minutes before start. */
  consumeTimestampMs?: number;
  allocateMessageQueueStrategy?: AllocateMessageQueueStrategy;
  /** Commit consumed offsets automatically. Default true. */
  autoCommit?: boolean;
  /** Default 5000 ms. */
  autoCommitIntervalMillis?: number;
  /** Messages per pull (and at most per poll). Default 10. */
  pullBatchSize?: number;
  /** Cached messages per queue before pulling pauses. Default 1000. */
  pullThresholdForQueue?: number;
  /** Default 5000 ms. */
  pollTimeoutMillis?: number;
  /** Long-poll hold. Default 20000 ms. */
  brokerSuspendMaxTimeMillis?: number;
  /** Pull RPC timeout. Default 30000 ms. */
  consumerTimeoutMillisWhenSuspend?: number;
  /** Back-off after a failed pull. Default 1000 ms. */
  pullTimeDelayMillsWhenException?: number;
  offsetStoreDir?: string;
  logger?: ClientLogger;
}

interface QueueState {
  mq: MessageQueue;
  pq: ProcessQueue;
  /** Next offset to pull. */
  pullOffset: number;
  /** One past the last polled message; -1 = nothing polled. */
  consumeOffset: number;
  paused: boolean;
  /** Bumped by seek: pull results of an older generation are discarded. */
  generation: number;
}

/**
 * Pull-style consumer (Java `DefaultLitePullConsumer`): `subscribe` (group rebalance) or `assign` (fixed queues), then
 * `poll()`; background pulls fill a cache; offsets are committed every `autoCommitIntervalMillis` or by `commitSync()`.
 */
export class DefaultLitePullConsumer implements MQConsumerInner {
  readonly groupName: string;
  readonly messageModel: MessageModel;
  readonly consumeType = ConsumeType.CONSUME_ACTIVELY;
  readonly consumeFromWhere: ConsumeFromWhere;
  private readonly opts: LitePullConsumerOptions;
  private readonly subs = new Map<string, SubscriptionDataJson>();
  private mode: 'NONE' | 'SUBSCRIBE' | 'ASSIGN' = 'NONE';
  private assigned: MessageQueue[] = [];
  private client: MQClientInstance | undefined;
  private rebalance: RebalanceImpl | undefined;
  private offsetStore: OffsetStore | undefined;
  private readonly queues = new Map<string, QueueState>();
  private readonly cache: Array<{ key: string; generation: number; msgs: MessageExt[] }> = [];
  private cacheWaiter: (() => void) | undefined;
  private readonly abort = new AbortController();
  private state: 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY' = 'CREATE_JUST';
  private autoCommitTask: PeriodicTask | undefined;

  constructor(options: LitePullConsumerOptions) {
    this.opts = options;
    this.groupName = wrapNamespace(options.namespace, options.consumerGroup);
    this.messageModel = options.messageModel ?? MessageModel.CLUSTERING;
    this.consumeFromWhere = options.consumeFromWhere ?? ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET;
  }

  subscribe(topic: string, expression: string | MessageSelector = '*'): void {
    if (this.mode === 'ASSIGN') throw new MQClientError('Subscribe and assign are mutually exclusive');
    validateTopic(topic);
    this.mode = 'SUBSCRIBE';
    const full = wrapNamespace(this.opts.namespace, topic);
    const sel = typeof expression === 'string' ? MessageSelector.byTag(expression) : expression;
    this.subs.set(full, this.subscriptionData(full, sel));
    if (this.rebalance) this.rebalance.subscriptionInner.set(full, this.subs.get(full)!);
    if (this.state === 'RUNNING') void this.refresh();
  }

  unsubscribe(topic: string): void {
    const full = wrapNamespace(this.opts.namespace, topic);
    this.subs.delete(full);
    this.rebalance?.subscriptionInner.delete(full);
  }

  /** Consumes exactly these queues (no rebalance). */
  assign(mqs: MessageQueue[]): void {
    if (this.mode === 'SUBSCRIBE') throw new MQClientError('Subscribe and assign are mutually exclusive');
    if (mqs.length === 0) throw new MQClientError('assign() needs at least one message queue');
    this.mode = 'ASSIGN';
    this.assigned = mqs.map((mq) => ({ ...mq, topic: wrapNamespace(this.opts.namespace, mq.topic) }));
    for (const mq of this.assigned) {
      if (!this.subs.has(mq.topic))
        this.subs.set(mq.topic, this.subscriptionData(mq.topic, MessageSelector.byTag('*')));
    }
    this.applyAssignment();
  }

  private subscriptionData(topic: string, sel: MessageSelector): SubscriptionDataJson {
    if (sel.type === ExpressionType.SQL92) {
      return {
        topic,
        subString: sel.expression,
        tagsSet: [],
        codeSet: [],
        subVersion: Date.now(),
        expressionType: 'SQL92',
        classFilterMode: false,
      };
    }
    const sd = buildSubscriptionData(topic, sel.expression);
    return {
      topic,
      subString: sd.subString,
      tagsSet: [...sd.tagsSet],
      codeSet: [...sd.codeSet],
      subVersion: sd.subVersion ?? Date.now(),
      expressionType: 'TAG',
      classFilterMode: false,
    };
  }

  async start(): Promise<void> {
    if (this.state !== 'CREATE_JUST')
      throw new MQClientError(`Lite pull consumer ${this.groupName} already started or shut down`);
    validateGroup(this.opts.consumerGroup);
    const client = MQClientManager.getOrCreate(this.opts);
    this.client = client;
    this.offsetStore =
      this.messageModel === MessageModel.BROADCASTING
        ? new LocalFileOffsetStore(client.clientId, this.groupName, this.opts.offsetStoreDir)
        : new RemoteBrokerOffsetStore(client, this.groupName);
    await this.offsetStore.load();
    this.rebalance = new RebalanceImpl(
      client,
      this.groupName,
      this.messageModel,
      this.opts.allocateMessageQueueStrategy ?? new AllocateMessageQueueAveragely(),
      {
        computePullFromWhere: (mq) => this.computePullFromWhere(mq),
        dispatchPull: (mq, pq, offset) => this.addQueue(mq, pq, offset),
        removeUnnecessaryMessageQueue: async (mq) => {
          await this.commitQueue(mq).catch(() => undefined);
          this.removeQueue(mq);
          return true;
        },
        removeDirtyOffset: (mq) => this.offsetStore?.removeOffset(mq),
      },
    );
    if (this.mode === 'SUBSCRIBE') for (const [t, sd] of this.subs) this.rebalance.subscriptionInner.set(t, sd);
    client.registerConsumer(this);
    try {
      await client.start();
    } catch (err) {
      client.unregisterConsumer(this.groupName);
      await client.release();
      throw err;
    }
    this.state = 'RUNNING';
    if (this.opts.autoCommit ?? true) {
      this.autoCommitTask = new PeriodicTask(
        'auto commit',
        this.opts.autoCommitIntervalMillis ?? 5000,
        () => this.commitAll(false),
        (err) => client.logger.warn('auto commit failed', err),
      ).start();
    }
    if (this.mode === 'ASSIGN') {
      for (const topic of new Set(this.assigned.map((mq) => mq.topic)))
        await client.updateTopicRouteInfo(topic).catch(() => false);
      for (const [key, st] of this.queues) this.startLoop(key, st);
    } else {
      await this.refresh();
    }
  }

  private async refresh(): Promise<void> {
    const client = this.client!;
    for (const topic of this.subs.keys()) await client.updateTopicRouteInfo(topic).catch(() => false);
    await client.sendHeartbeatToAllBrokers();
    client.rebalanceImmediately();
  }

  /** Creates queue states for the assigned queues (start offsets are computed by their pull loops). */
  private applyAssignment(): void {
    const wanted = new Set(this.assigned.map(messageQueueKey));
    for (const [key, st] of [...this.queues]) if (!wanted.has(key)) this.removeQueue(st.mq);
    for (const mq of this.assigned) {
      const key = messageQueueKey(mq);
      if (this.queues.has(key)) continue;
      const st: QueueState = {
        mq,
        pq: new ProcessQueue(),
        pullOffset: -1,
        consumeOffset: -1,
        paused: false,
        generation: 0,
      };
      this.queues.set(key, st);
      if (this.state === 'RUNNING') this.startLoop(key, st);
    }
  }

  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') {
      this.state = 'SHUTDOWN_ALREADY';
      return;
    }
    this.state = 'SHUTDOWN_ALREADY';
    this.abort.abort();
    this.cacheWaiter?.();
    await this.autoCommitTask?.stop();
    if (this.opts.autoCommit ?? true) await this.commitAll(true).catch(() => undefined);
    const client = this.client!;
    client.unregisterConsumer(this.groupName);
    await client.unregisterClient({ consumerGroup: this.groupName });
    await client.release();
  }

  /** Up to `pullBatchSize` messages of one queue, waiting up to `timeoutMs` (default `pollTimeoutMillis`). */
  async poll(timeoutMs = this.opts.pollTimeoutMillis ?? 5000): Promise<MessageExt[]> {
    if (this.state !== 'RUNNING') throw new MQClientError('The lite pull consumer is not running; call start() first');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cache.length > 0) {
        const entry = this.cache.shift()!;
        const st = this.queues.get(entry.key);
        if (!st || st.generation !== entry.generation || st.paused) {
          if (st && st.paused && st.generation === entry.generation) {
            // keep paused queues' data for after resume
            this.cache.push(entry);
            if (this.cache.every((e) => this.queues.get(e.key)?.paused)) break;
          }
          continue;
        }
        const offset = st.pq.removeMessage(entry.msgs);
        st.consumeOffset = offset >= 0 ? offset : entry.msgs[entry.msgs.length - 1]!.queueOffset + 1;
        for (const m of entry.msgs) m.topic = withoutNamespace(this.opts.namespace, m.topic);
        return entry.msgs;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.abort.signal.aborted) return [];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.cacheWaiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.cacheWaiter = undefined;
    }
  }

  /** Next poll of this queue starts at `offset`. */
  seek(mq: MessageQueue, offset: number): void {
    const st = this.queues.get(messageQueueKey({ ...mq, topic: wrapNamespace(this.opts.namespace, mq.topic) }));
    if (!st)
      throw new MQClientError(
        `The message queue ${mq.topic}/${mq.brokerName}/${mq.queueId} is not assigned to this consumer`,
      );
    st.generation++;
    st.pq.clear();
    st.pullOffset = offset;
    st.consumeOffset = offset;
  }

  async seekToBegin(mq: MessageQueue): Promise<void> {
    this.seek(mq, await this.minOffset(mq));
  }

  async seekToEnd(mq: MessageQueue): Promise<void> {
    this.seek(mq, await this.maxOffset(mq));
  }

  pause(mqs: MessageQueue[]): void {
    for (const mq of mqs) {
      const st = this.queues.get(messageQueueKey({ ...mq, topic: wrapNamespace(this.opts.namespace, mq.topic) }));
      if (st) st.paused = true;
    }
  }

  resume(mqs: MessageQueue[]): void {
    for (const mq of mqs) {
      const st = this.queues.get(messageQueueKey({ ...mq, topic: wrapNamespace(this.opts.namespace, mq.topic) }));
      if (st) st.paused = false;
    }
  }

  /** Offset of the first message stored at or after `timestamp` (epoch ms). */
  async offsetForTimestamp(mq: MessageQueue, timestamp: number): Promise<number> {
    const full = { ...mq, topic: wrapNamespace(this.opts.namespace, mq.topic) };
    return this.client!.api.searchOffset(await this.addrOf(full), full, timestamp);
  }

  /** The committed offset on the broker (or file), -1 when none. */
  async committed(mq: MessageQueue): Promise<number> {
    return this.offsetStore!.readOffset(
      { ...mq, topic: wrapNamespace(this.opts.namespace, mq.topic) },
      ReadOffsetType.READ_FROM_STORE,
    );
  }

  /** The topic's readable queues. */
  async fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    const full = wrapNamespace(this.opts.namespace, topic);
    await this.client!.updateTopicRouteInfo(full);
    const mqs = this.rebalance?.topicSubscribeInfoTable.get(full);
    if (mqs) return mqs.map((mq) => ({ ...mq, topic }));
    const route = this.client!.topicRouteTable.get(full);
    if (!route)
      throw new MQClientError(`No route of topic "${topic}" from ${this.client!.config.namesrvAddrs.join(';')}`);
    return route.queueDatas.flatMap((qd) =>
      Array.from({ length: qd.readQueueNums }, (_, queueId) => ({ topic, brokerName: qd.brokerName, queueId })),
    );
  }

  /** Queues this consumer pulls now. */
  assignment(): MessageQueue[] {
    return [...this.queues.values()].map((s) => ({
      ...s.mq,
      topic: withoutNamespace(this.opts.namespace, s.mq.topic),
    }));
  }

  /** Commits what `poll` returned so far, synchronously. */
  async commitSync(): Promise<void> {
    await this.commitAll(true);
  }

  private async commitAll(sync: boolean): Promise<void> {
    const store = this.offsetStore!;
    const mqs: MessageQueue[] = [];
    for (const st of this.queues.values()) {
      if (st.consumeOffset < 0) continue;
      store.updateOffset(st.mq, st.consumeOffset, false);
      mqs.push(st.mq);
    }
    await store.persistAll(mqs, sync);
  }

  private async commitQueue(mq: MessageQueue): Promise<void> {
    const st = this.queues.get(messageQueueKey(mq));
    if (!st || st.consumeOffset < 0) return;
    this.offsetStore!.updateOffset(mq, st.consumeOffset, false);
    await this.offsetStore!.persist(mq);
  }

  // ---- MQConsumerInner ----

  subscriptions(): SubscriptionDataJson[] {
    return [...this.subs.values()];
  }

  async doRebalance(): Promise<void> {
    if (this.state === 'RUNNING' && this.mode === 'SUBSCRIBE') await this.rebalance!.doRebalance(false);
  }

  updateTopicSubscribeInfo(topic: string, mqs: MessageQueue[]): void {
    if (this.subs.has(topic)) this.rebalance?.topicSubscribeInfoTable.set(topic, mqs);
  }

  isSubscribeTopicNeedUpdate(topic: string): boolean {
    return this.subs.has(topic) && !this.rebalance?.topicSubscribeInfoTable.has(topic);
  }

  async persistConsumerOffset(): Promise<void> {
    // Offsets are committed by auto-commit / commitSync, not by the shared 5 s loop.
  }

  // ---- internals ----

  private async addrOf(mq: MessageQueue): Promise<string> {
    const client = this.client!;
    let addr = client.findBrokerAddressInSubscribe(mq.brokerName);
    if (!addr) {
      await client.updateTopicRouteInfo(mq.topic);
      addr = client.findBrokerAddressInSubscribe(mq.brokerName);
    }
    if (!addr) throw new MQClientError(`The broker "${mq.brokerName}" of ${mq.topic} is not in the route`);
    return addr;
  }

  private async minOffset(mq: MessageQueue): Promise<number> {
    const full = { ...mq, topic: wrapNamespace(this.opts.namespace, mq.topic) };
    return this.client!.api.getMinOffset(await this.addrOf(full), full);
  }

  private async maxOffset(mq: MessageQueue): Promise<number> {
    const full = { ...mq, topic: wrapNamespace(this.opts.namespace, mq.topic) };
    return this.client!.api.getMaxOffset(await this.addrOf(full), full);
  }

  private async computePullFromWhere(mq: MessageQueue): Promise<number> {
    const last = await this.offsetStore!.readOffset(mq, ReadOffsetType.READ_FROM_STORE);
    if (last >= 0) return last;
    const addr = await this.addrOf(mq);
    switch (this.consumeFromWhere) {
      case ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET:
        return 0;
      case ConsumeFromWhere.CONSUME_FROM_TIMESTAMP:
        return this.client!.api.searchOffset(addr, mq, this.opts.consumeTimestampMs ?? Date.now() - 30 * 60 * 1000);
      default:
        return this.client!.api.getMaxOffset(addr, mq);
    }
  }

  private addQueue(mq: MessageQueue, pq: ProcessQueue, offset: number): void {
    const key = messageQueueKey(mq);
    const st: QueueState = { mq, pq, pullOffset: offset, consumeOffset: -1, paused: false, generation: 0 };
    this.queues.set(key, st);
    this.startLoop(key, st);
  }

  private startLoop(key: string, st: QueueState): void {
    void this.pullLoop(key, st).catch((err) => this.client?.logger.warn(`lite pull loop of ${key} ended`, err));
  }

  private removeQueue(mq: MessageQueue): void {
    const key = messageQueueKey(mq);
    const st = this.queues.get(key);
    if (st) st.pq.dropped = true;
    this.queues.delete(key);
  }

  private async pullLoop(key: string, st: QueueState): Promise<void> {
    const client = this.client!;
    const signal = this.abort.signal;
    const threshold = this.opts.pullThresholdForQueue ?? 1000;
    const delay = this.opts.pullTimeDelayMillsWhenException ?? 1000;
    while (!st.pq.dropped && !signal.aborted) {
      st.pq.lastPullTimestamp = Date.now();
      if (st.paused || st.pq.msgCount >= threshold) {
        await sleep(50, signal);
        continue;
      }
      const sd = this.subs.get(st.mq.topic);
      if (!sd) {
        await sleep(delay, signal);
        continue;
      }
      const generation = st.generation;
      try {
        if (st.pullOffset < 0) {
          const start = await this.computePullFromWhere(st.mq);
          if (st.generation === generation && st.pullOffset < 0) st.pullOffset = start;
          continue;
        }
        const result = await pullMessage(client, {
          group: this.groupName,
          mq: st.mq,
          subscription: sd,
          offset: st.pullOffset,
          maxNums: this.opts.pullBatchSize ?? 10,
          suspendTimeoutMs: this.opts.brokerSuspendMaxTimeMillis ?? 20000,
          timeoutMs: this.opts.consumerTimeoutMillisWhenSuspend ?? 30000,
        });
        if (signal.aborted || st.pq.dropped) return;
        if (st.generation !== generation) continue;
        if (result.pullStatus === PullStatus.FOUND && result.msgFoundList.length > 0) {
          st.pq.putMessage(result.msgFoundList);
          this.cache.push({ key, generation, msgs: result.msgFoundList });
          this.cacheWaiter?.();
        }
        st.pullOffset = result.nextBeginOffset;
      } catch (err) {
        if (signal.aborted || st.pq.dropped) return;
        client.logger.warn(`lite pull of ${key} failed`, err);
        await sleep(delay, signal);
      }
    }
  }
}
