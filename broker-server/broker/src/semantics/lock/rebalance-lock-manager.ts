import { type MessageQueue, messageQueueKey } from '@rocketnest/common';

/** Java `rocketmq.broker.rebalance.lockMaxLiveTime`: a queue lock not renewed for this long is free again. */
export const DEFAULT_REBALANCE_LOCK_MAX_LIVE_TIME_MS = 60_000;

export interface RebalanceLockManagerOptions {
  /** Lock lifetime without renewal. Default {@link DEFAULT_REBALANCE_LOCK_MAX_LIVE_TIME_MS} (60 000 ms). */
  lockMaxLiveTimeMs?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

interface LockEntry {
  readonly mq: MessageQueue;
  clientId: string;
  lastUpdateTimestamp: number;
}

/**
 * Ordered-consumption queue locks (Java `RebalanceLockManager`): one holder per (consumer group, message queue);
 * a holder renews by locking again; a lock not renewed within `lockMaxLiveTimeMs` may be taken by another client.
 * Everything runs on the event loop, so the Java lock around the table is not needed.
 */
export class RebalanceLockManager {
  private readonly table = new Map<string, Map<string, LockEntry>>();
  readonly lockMaxLiveTimeMs: number;
  private readonly now: () => number;

  constructor(options: RebalanceLockManagerOptions = {}) {
    this.lockMaxLiveTimeMs = options.lockMaxLiveTimeMs ?? DEFAULT_REBALANCE_LOCK_MAX_LIVE_TIME_MS;
    this.now = options.now ?? Date.now;
  }

  private expired(entry: LockEntry, now: number): boolean {
    return now - entry.lastUpdateTimestamp > this.lockMaxLiveTimeMs;
  }

  /** Whether `clientId` holds the lock; renews it when so (Java `isLocked`). */
  private holdAndRenew(group: string, mq: MessageQueue, clientId: string, now: number): boolean {
    const entry = this.table.get(group)?.get(messageQueueKey(mq));
    if (!entry || entry.clientId !== clientId || this.expired(entry, now)) return false;
    entry.lastUpdateTimestamp = now;
    return true;
  }

  /** Locks one queue for `clientId`. True when the client holds it afterwards. */
  tryLock(group: string, mq: MessageQueue, clientId: string): boolean {
    return this.tryLockBatch(group, [mq], clientId).length === 1;
  }

  /**
   * Locks as many of `mqs` as possible for `clientId` and returns those it now holds (Java `tryLockBatch`): free or
   * expired queues are taken, the client's own locks are renewed, queues held by a live other client are skipped.
   */
  tryLockBatch(group: string, mqs: Iterable<MessageQueue>, clientId: string): MessageQueue[] {
    const now = this.now();
    let groupTable = this.table.get(group);
    const locked: MessageQueue[] = [];
    const seen = new Set<string>();
    for (const mq of mqs) {
      const key = messageQueueKey(mq);
      if (seen.has(key)) continue;
      seen.add(key);
      if (this.holdAndRenew(group, mq, clientId, now)) {
        locked.push(mq);
        continue;
      }
      if (!groupTable) {
        groupTable = new Map();
        this.table.set(group, groupTable);
      }
      const entry = groupTable.get(key);
      if (!entry) {
        groupTable.set(key, {
          mq: { topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId },
          clientId,
          lastUpdateTimestamp: now,
        });
        locked.push(mq);
      } else if (this.expired(entry, now)) {
        entry.clientId = clientId;
        entry.lastUpdateTimestamp = now;
        locked.push(mq);
      }
    }
    return locked;
  }

  /** Releases the queues of `mqs` that `clientId` holds; others' locks stay (Java `unlockBatch`). */
  unlockBatch(group: string, mqs: Iterable<MessageQueue>, clientId: string): void {
    const groupTable = this.table.get(group);
    if (!groupTable) return;
    for (const mq of mqs) {
      const key = messageQueueKey(mq);
      const entry = groupTable.get(key);
      if (entry && entry.clientId === clientId) groupTable.delete(key);
    }
    if (groupTable.size === 0) this.table.delete(group);
  }

  /** The live holder of a queue, if any. */
  holderOf(group: string, mq: MessageQueue): string | undefined {
    const entry = this.table.get(group)?.get(messageQueueKey(mq));
    return entry && !this.expired(entry, this.now()) ? entry.clientId : undefined;
  }

  /** True when the group holds no unexpired lock (Java `isLockAllExpired`; used for direct sends to `%RETRY%`). */
  isLockAllExpired(group: string): boolean {
    const groupTable = this.table.get(group);
    if (!groupTable) return true;
    const now = this.now();
    for (const entry of groupTable.values()) if (!this.expired(entry, now)) return false;
    return true;
  }

  /** True when the group holds an unexpired lock on some queue of `topic` (Java `isLockAllExpired` per topic). */
  hasLiveLockOnTopic(group: string, topic: string): boolean {
    const groupTable = this.table.get(group);
    if (!groupTable) return false;
    const now = this.now();
    for (const entry of groupTable.values()) if (entry.mq.topic === topic && !this.expired(entry, now)) return true;
    return false;
  }
}
