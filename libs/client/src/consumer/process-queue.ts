import type { MessageExt } from '@rocketnest/common';

/** Java `ProcessQueue.REBALANCE_LOCK_MAX_LIVE_TIME`: a broker lock is trusted this long after it was taken. */
export const DEFAULT_LOCK_MAX_LIVE_TIME_MS = 30000;
/** Java `PULL_MAX_IDLE_TIME`: a queue not pulled for this long is dropped and re-created by the next rebalance. */
export const PULL_MAX_IDLE_TIME_MS = 120000;

/**
 * Messages pulled from one queue and not yet consumed (Java `ProcessQueue`). Offsets are kept in ascending order: pulls
 * append, consumption removes anywhere, and the committed offset is the smallest offset still here.
 */
export class ProcessQueue {
  /** queueOffset → message; insertion order is ascending offset (kept sorted on re-insert). */
  private msgs = new Map<number, MessageExt>();
  /** Orderly: taken but not committed. */
  private consumingMsgs = new Map<number, MessageExt>();
  msgCount = 0;
  msgSize = 0;
  queueOffsetMax = 0;
  dropped = false;
  lastPullTimestamp = Date.now();
  lastConsumeTimestamp = Date.now();
  locked = false;
  lastLockTimestamp = 0;
  /** Orderly: a consume request is scheduled or running. */
  consuming = false;
  /** Orderly: the consume loop is executing (one at a time per queue). */
  orderlyRunning = false;
  /** Concurrent listeners running on messages of this queue. */
  inFlight = 0;
  /**
   * The offset pulling starts from is final: set when pulling is dispatched, or for an orderly clustering consumer once
   * its first pull under the broker lock has re-read it (Java `PullRequest.previouslyLocked`).
   */
  startOffsetFixed = false;

  /** Adds pulled messages; returns whether an orderly consumer should start a consume request. */
  putMessage(list: MessageExt[]): boolean {
    for (const m of list) {
      if (!this.msgs.has(m.queueOffset)) {
        this.msgs.set(m.queueOffset, m);
        this.msgCount++;
        this.msgSize += m.body.length;
      }
      this.queueOffsetMax = Math.max(this.queueOffsetMax, m.queueOffset);
    }
    if (this.msgs.size > 0 && !this.consuming) {
      this.consuming = true;
      return true;
    }
    return false;
  }

  /** Distance between the first and last cached offsets (flow control for concurrent consumption). */
  getMaxSpan(): number {
    if (this.msgs.size === 0) return 0;
    let first: number | undefined;
    for (const k of this.msgs.keys()) {
      first = k;
      break;
    }
    return this.queueOffsetMax - first!;
  }

  /**
   * Removes consumed messages; returns the offset to commit: the smallest offset still cached, or one past the largest
   * ever cached when none is left; -1 when nothing was cached.
   */
  removeMessage(list: MessageExt[]): number {
    if (this.msgs.size === 0) return -1;
    this.lastConsumeTimestamp = Date.now();
    for (const m of list) {
      if (this.msgs.delete(m.queueOffset)) {
        this.msgCount--;
        this.msgSize -= m.body.length;
      }
    }
    for (const k of this.msgs.keys()) return k;
    return this.queueOffsetMax + 1;
  }

  /** The oldest cached message (consume-timeout check). */
  firstMessage(): MessageExt | undefined {
    for (const m of this.msgs.values()) return m;
    return undefined;
  }

  get cachedCount(): number {
    return this.msgs.size;
  }

  /** Orderly: moves up to `batchSize` messages into the consuming set. Clears `consuming` when none is left. */
  takeMessages(batchSize: number): MessageExt[] {
    const out: MessageExt[] = [];
    this.lastConsumeTimestamp = Date.now();
    for (const [k, m] of this.msgs) {
      if (out.length >= batchSize) break;
      out.push(m);
      this.consumingMsgs.set(k, m);
    }
    for (const m of out) this.msgs.delete(m.queueOffset);
    if (out.length === 0) this.consuming = false;
    return out;
  }

  /** Orderly: the taken messages are done; returns the next offset to commit (-1 when nothing was taken). */
  commit(): number {
    let last = -1;
    for (const k of this.consumingMsgs.keys()) last = Math.max(last, k);
    this.msgCount -= this.consumingMsgs.size;
    for (const m of this.consumingMsgs.values()) this.msgSize -= m.body.length;
    this.consumingMsgs.clear();
    return last >= 0 ? last + 1 : -1;
  }

  /** Orderly: puts taken messages back to be consumed again, in offset order. */
  makeMessageToConsumeAgain(list: MessageExt[]): void {
    for (const m of list) {
      this.consumingMsgs.delete(m.queueOffset);
      this.msgs.set(m.queueOffset, m);
    }
    this.msgs = new Map([...this.msgs.entries()].sort((a, b) => a[0] - b[0]));
  }

  /** Orderly: messages taken but not committed (released on rebalance). */
  get consumingCount(): number {
    return this.consumingMsgs.size;
  }

  clear(): void {
    this.msgs.clear();
    this.consumingMsgs.clear();
    this.msgCount = 0;
    this.msgSize = 0;
    this.queueOffsetMax = 0;
  }

  isLockExpired(lockMaxLiveTimeMs = DEFAULT_LOCK_MAX_LIVE_TIME_MS): boolean {
    return Date.now() - this.lastLockTimestamp > lockMaxLiveTimeMs;
  }

  isPullExpired(maxIdleMs = PULL_MAX_IDLE_TIME_MS): boolean {
    return Date.now() - this.lastPullTimestamp > maxIdleMs;
  }
}
