import type { RemotingChannel, RemotingCommand } from '@rocketnest/remoting';
import type { MessageFilter } from '@rocketnest/store';

/** A parked PULL_MESSAGE (Java `PullRequest`). */
export interface PullRequest {
  readonly request: RemotingCommand;
  readonly channel: RemotingChannel;
  /** How long the pull may be held, ms. */
  readonly timeoutMillis: number;
  /** When it was parked, epoch ms. */
  readonly suspendTimestamp: number;
  /** The queue offset the client asked for. */
  readonly pullFromThisOffset: number;
  readonly messageFilter: MessageFilter;
}

export interface PullRequestHoldServiceOptions {
  /** Current max offset of a queue (the periodic re-check reads it). */
  getMaxOffsetInQueue: (topic: string, queueId: number) => number;
  /** Re-runs a parked pull without allowing it to park again, and writes the answer. */
  executeRequestWhenWakeup: (pull: PullRequest) => void;
  /** Safety re-check period, ms (Java: 5000 with long polling, 1000 without). */
  checkIntervalMs: () => number;
}

/**
 * Long polling (Java `PullRequestHoldService`): pulls that found nothing are parked per `topic@queueId` and re-run
 * the moment the store reports a matching arrival ({@link notifyMessageArriving}, wired to the store's arrival
 * callback), when their hold time ends (an exact per-request timer), or on the periodic safety re-check.
 */
export class PullRequestHoldService {
  private readonly pullRequestTable = new Map<string, PullRequest[]>();
  private readonly expiryTimers = new Map<PullRequest, NodeJS.Timeout>();
  private checkTimer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: PullRequestHoldServiceOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleCheck();
  }

  /** Stops the loop and answers every parked pull (with whatever the queue holds now). */
  shutdown(): void {
    if (!this.running) return;
    this.running = false;
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.checkTimer = undefined;
    const all = [...this.pullRequestTable.values()].flat();
    this.pullRequestTable.clear();
    for (const pull of all) {
      this.clearExpiry(pull);
      this.execute(pull);
    }
  }

  /** Number of parked pulls (for tests and runtime info). */
  get size(): number {
    let n = 0;
    for (const list of this.pullRequestTable.values()) n += list.length;
    return n;
  }

  suspendPullRequest(topic: string, queueId: number, pull: PullRequest): void {
    const key = buildKey(topic, queueId);
    let list = this.pullRequestTable.get(key);
    if (!list) {
      list = [];
      this.pullRequestTable.set(key, list);
    }
    list.push(pull);
    const wait = Math.max(0, pull.suspendTimestamp + pull.timeoutMillis - Date.now());
    const timer = setTimeout(() => this.expire(key, pull), wait);
    timer.unref?.();
    this.expiryTimers.set(pull, timer);
    // The pull read the queue asynchronously and found nothing; a message dispatched between that read and this
    // registration fired its arrival callback before anyone was waiting. Re-check now instead of waiting for the
    // periodic check (up to pullRequestHoldCheckInterval later).
    const maxOffset = this.options.getMaxOffsetInQueue(topic, queueId);
    if (maxOffset > pull.pullFromThisOffset)
      queueMicrotask(() => this.notifyMessageArriving(topic, queueId, maxOffset));
  }

  /**
   * A message was dispatched to `topic`/`queueId` (store arrival callback) — or the periodic check found the queue's
   * max offset. Wakes the parked pulls that now have a matching message.
   */
  notifyMessageArriving(
    topic: string,
    queueId: number,
    maxOffset: number,
    tagsCode?: number | null,
    _msgStoreTime?: number,
    _filterBitMap?: Uint8Array | null,
    properties?: Record<string, string> | null,
  ): void {
    const key = buildKey(topic, queueId);
    const list = this.pullRequestTable.get(key);
    if (!list || list.length === 0) return;
    const keep: PullRequest[] = [];
    const now = Date.now();
    for (const pull of list) {
      let newestOffset = maxOffset;
      if (newestOffset <= pull.pullFromThisOffset) newestOffset = this.options.getMaxOffsetInQueue(topic, queueId);
      if (newestOffset > pull.pullFromThisOffset) {
        let match = tagsCode === undefined || pull.messageFilter.isMatchedByConsumeQueue(tagsCode ?? undefined);
        if (match && properties) match = pull.messageFilter.isMatchedByCommitLog(NO_RECORD, properties);
        if (match) {
          this.clearExpiry(pull);
          this.execute(pull);
          continue;
        }
      }
      if (now >= pull.suspendTimestamp + pull.timeoutMillis) {
        this.clearExpiry(pull);
        this.execute(pull);
        continue;
      }
      keep.push(pull);
    }
    if (keep.length === 0) this.pullRequestTable.delete(key);
    else this.pullRequestTable.set(key, keep);
  }

  private expire(key: string, pull: PullRequest): void {
    this.expiryTimers.delete(pull);
    const list = this.pullRequestTable.get(key);
    if (!list) return;
    const idx = list.indexOf(pull);
    if (idx < 0) return;
    list.splice(idx, 1);
    if (list.length === 0) this.pullRequestTable.delete(key);
    this.execute(pull);
  }

  private clearExpiry(pull: PullRequest): void {
    const timer = this.expiryTimers.get(pull);
    if (timer) clearTimeout(timer);
    this.expiryTimers.delete(pull);
  }

  private execute(pull: PullRequest): void {
    try {
      this.options.executeRequestWhenWakeup(pull);
    } catch (err) {
      process.emitWarning(`RocketNest broker: re-running a held pull failed: ${(err as Error).message}`);
    }
  }

  private scheduleCheck(): void {
    if (!this.running) return;
    this.checkTimer = setTimeout(() => {
      this.checkHoldRequest();
      this.scheduleCheck();
    }, this.options.checkIntervalMs());
    this.checkTimer.unref?.();
  }

  /** The periodic safety net: re-evaluates every parked pull against its queue's current max offset. */
  checkHoldRequest(): void {
    for (const key of [...this.pullRequestTable.keys()]) {
      const at = key.lastIndexOf('@');
      const topic = key.slice(0, at);
      const queueId = Number(key.slice(at + 1));
      let maxOffset: number;
      try {
        maxOffset = this.options.getMaxOffsetInQueue(topic, queueId);
      } catch {
        continue;
      }
      this.notifyMessageArriving(topic, queueId, maxOffset);
    }
  }
}

/** Java passes a null buffer when only the properties are known. */
const NO_RECORD = Buffer.alloc(0);

function buildKey(topic: string, queueId: number): string {
  return `${topic}@${queueId}`;
}
