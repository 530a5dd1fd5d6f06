import { compareMessageQueues, isRetryTopic, messageQueueKey, type MessageQueue } from '@rocketnest/common';
import type { MQClientInstance, SubscriptionDataJson } from '../impl/mq-client-instance';
import { MessageModel } from './consumer-enums';
import { ProcessQueue } from './process-queue';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';

export interface RebalanceHooks {
  /** Offset a newly assigned queue starts from; < 0 = skip the queue this round. */
  computePullFromWhere(mq: MessageQueue): Promise<number>;
  /** A queue was assigned: start pulling at `nextOffset`. */
  dispatchPull(mq: MessageQueue, pq: ProcessQueue, nextOffset: number): void;
  /** A queue is going away: persist its offset, release locks. False = keep it for now (orderly consumption running). */
  removeUnnecessaryMessageQueue(mq: MessageQueue, pq: ProcessQueue): Promise<boolean>;
  /** Removes any in-memory offset before (re)assigning a queue. */
  removeDirtyOffset(mq: MessageQueue): void;
  /** Called after the assignment of a topic changed. */
  messageQueueChanged?(topic: string, mqAll: MessageQueue[], mqDivided: MessageQueue[]): void;
}

/**
 * Client-side rebalance (Java `RebalanceImpl` / `RebalancePushImpl`): every member sorts the topic's queues and the
 * group's client ids the same way and runs the allocate strategy, then drops queues it no longer owns and creates
 * process queues (with their start offset) for the new ones. Orderly consumers must lock a queue on the broker first.
 */
export class RebalanceImpl {
  readonly subscriptionInner = new Map<string, SubscriptionDataJson>();
  readonly topicSubscribeInfoTable = new Map<string, MessageQueue[]>();
  readonly processQueueTable = new Map<string, { mq: MessageQueue; pq: ProcessQueue }>();
  /** topic → the queues the last finished round gave this member (rounds whose member list did not hold it excluded). */
  readonly allocatedByTopic = new Map<string, MessageQueue[]>();

  constructor(
    private readonly client: MQClientInstance,
    private readonly group: string,
    public messageModel: MessageModel,
    public strategy: AllocateMessageQueueStrategy,
    private readonly hooks: RebalanceHooks,
  ) {}

  async doRebalance(isOrder: boolean): Promise<void> {
    for (const topic of this.subscriptionInner.keys()) {
      try {
        await this.rebalanceByTopic(topic, isOrder);
      } catch (err) {
        if (!isRetryTopic(topic)) this.client.logger.warn(`rebalance of ${topic} for ${this.group} failed`, err);
      }
    }
    // Queues of topics no longer subscribed.
    for (const [key, { mq, pq }] of [...this.processQueueTable]) {
      if (!this.subscriptionInner.has(mq.topic)) {
        pq.dropped = true;
        this.processQueueTable.delete(key);
      }
    }
    for (const topic of [...this.allocatedByTopic.keys()]) {
      if (!this.subscriptionInner.has(topic)) this.allocatedByTopic.delete(topic);
    }
  }

  private async rebalanceByTopic(topic: string, isOrder: boolean): Promise<void> {
    const mqSet = this.topicSubscribeInfoTable.get(topic);
    if (!mqSet) return;
    if (this.messageModel === MessageModel.BROADCASTING) {
      if (await this.updateProcessQueueTableInRebalance(topic, mqSet, isOrder)) {
        this.hooks.messageQueueChanged?.(topic, mqSet, mqSet);
      }
      this.allocatedByTopic.set(topic, mqSet);
      return;
    }
    const cidAll = await this.client.findConsumerIdList(topic, this.group);
    if (cidAll.length === 0 || mqSet.length === 0) return;
    const mqAll = [...mqSet].sort(compareMessageQueues);
    const cids = [...cidAll].sort();
    const allocated = this.strategy.allocate(this.group, this.client.clientId, mqAll, cids);
    const share = [...new Map(allocated.map((mq) => [messageQueueKey(mq), mq])).values()];
    if (await this.updateProcessQueueTableInRebalance(topic, share, isOrder)) {
      this.hooks.messageQueueChanged?.(topic, mqAll, share);
    }
    // Before the broker has this member's heartbeat, the list lacks it and the (empty) share means nothing.
    if (cids.includes(this.client.clientId)) this.allocatedByTopic.set(topic, share);
    else this.allocatedByTopic.delete(topic);
  }

  private async updateProcessQueueTableInRebalance(
    topic: string,
    mqSet: MessageQueue[],
    isOrder: boolean,
  ): Promise<boolean> {
    let changed = false;
    const wanted = new Map(mqSet.map((mq) => [messageQueueKey(mq), mq]));
    for (const [key, { mq, pq }] of [...this.processQueueTable]) {
      if (mq.topic !== topic) continue;
      if (!wanted.has(key)) {
        pq.dropped = true;
        if (await this.hooks.removeUnnecessaryMessageQueue(mq, pq)) {
          this.processQueueTable.delete(key);
          changed = true;
        }
      } else if (pq.dropped || pq.isPullExpired()) {
        // Dropped earlier but assigned again (or idle too long): release it so it is re-created below.
        pq.dropped = true;
        if (await this.hooks.removeUnnecessaryMessageQueue(mq, pq)) {
          this.processQueueTable.delete(key);
          changed = true;
        }
      }
    }
    for (const [key, mq] of wanted) {
      if (this.processQueueTable.has(key)) continue;
      if (isOrder && !(await this.lock(mq))) continue;
      this.hooks.removeDirtyOffset(mq);
      const pq = new ProcessQueue();
      if (isOrder) {
        pq.locked = true;
        pq.lastLockTimestamp = Date.now();
      }
      let nextOffset: number;
      try {
        nextOffset = await this.hooks.computePullFromWhere(mq);
      } catch (err) {
        this.client.logger.warn(`computing the start offset of ${key} failed`, err);
        continue;
      }
      if (nextOffset < 0) continue;
      if (this.processQueueTable.has(key)) continue;
      this.processQueueTable.set(key, { mq, pq });
      changed = true;
      this.hooks.dispatchPull(mq, pq, nextOffset);
    }
    return changed;
  }

  /** LOCK_BATCH_MQ for one queue; true when this client holds it. */
  async lock(mq: MessageQueue): Promise<boolean> {
    const addr = this.client.findBrokerAddressInSubscribe(mq.brokerName);
    if (!addr) return false;
    try {
      const locked = await this.client.api.lockBatchMQ(addr, this.group, this.client.clientId, [mq]);
      const ok = locked.some((l) => messageQueueKey(l) === messageQueueKey(mq));
      const entry = this.processQueueTable.get(messageQueueKey(mq));
      if (entry && ok) {
        entry.pq.locked = true;
        entry.pq.lastLockTimestamp = Date.now();
      }
      return ok;
    } catch (err) {
      this.client.logger.warn(`locking ${messageQueueKey(mq)} failed`, err);
      return false;
    }
  }

  /** Renews the locks of every owned queue, broker by broker (Java `lockAll`). */
  async lockAll(): Promise<void> {
    const byBroker = new Map<string, MessageQueue[]>();
    for (const { mq } of this.processQueueTable.values()) {
      let list = byBroker.get(mq.brokerName);
      if (!list) byBroker.set(mq.brokerName, (list = []));
      list.push(mq);
    }
    for (const [brokerName, mqs] of byBroker) {
      const addr = this.client.findBrokerAddressInSubscribe(brokerName);
      if (!addr) continue;
      try {
        const locked = new Set(
          (await this.client.api.lockBatchMQ(addr, this.group, this.client.clientId, mqs)).map(messageQueueKey),
        );
        for (const mq of mqs) {
          const entry = this.processQueueTable.get(messageQueueKey(mq));
          if (!entry) continue;
          if (locked.has(messageQueueKey(mq))) {
            entry.pq.locked = true;
            entry.pq.lastLockTimestamp = Date.now();
          } else {
            entry.pq.locked = false;
          }
        }
      } catch (err) {
        this.client.logger.warn(`lockAll at ${brokerName} failed`, err);
      }
    }
  }

  async unlock(mq: MessageQueue, oneway: boolean): Promise<void> {
    const addr = this.client.findBrokerAddressInSubscribe(mq.brokerName);
    if (!addr) return;
    await this.client.api.unlockBatchMQ(addr, this.group, this.client.clientId, [mq], oneway);
  }

  async unlockAll(oneway: boolean): Promise<void> {
    const byBroker = new Map<string, MessageQueue[]>();
    for (const { mq, pq } of this.processQueueTable.values()) {
      pq.locked = false;
      let list = byBroker.get(mq.brokerName);
      if (!list) byBroker.set(mq.brokerName, (list = []));
      list.push(mq);
    }
    await Promise.all(
      [...byBroker].map(async ([brokerName, mqs]) => {
        const addr = this.client.findBrokerAddressInSubscribe(brokerName);
        if (!addr) return;
        try {
          await this.client.api.unlockBatchMQ(addr, this.group, this.client.clientId, mqs, oneway);
        } catch (err) {
          this.client.logger.warn(`unlockAll at ${brokerName} failed`, err);
        }
      }),
    );
  }

  ownedQueues(): MessageQueue[] {
    return [...this.processQueueTable.values()].map((v) => v.mq);
  }
}
