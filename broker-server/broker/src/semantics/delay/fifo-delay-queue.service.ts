import { type MessageExt, decodeMessageRecord } from '@rocketnest/common';
import type { SemanticsStore } from '../semantics-host';
import { AbortableSleep } from '../util/abortable-sleep';
import type { OffsetTableFile } from '../util/offset-table-file';

/** One FIFO queue whose every entry waits the same time after it was stored. */
export interface DelayQueueSpec {
  queueId: number;
  delayMs: number;
}

export interface FifoDelayQueueOptions {
  /** For logs and errors, e.g. `ScheduleMessageService`. */
  name: string;
  store: SemanticsStore;
  topic: string;
  /** Group named in the store reads (Java `SCHEDULE_CONSUMER`). */
  group: string;
  queues: readonly DelayQueueSpec[];
  /** Where the per-queue next offsets are kept. */
  offsetFile: OffsetTableFile;
  /** Hands a due message on; resolves true once it is safely re-stored, false to retry it later. */
  onDue(msg: MessageExt, queue: DelayQueueSpec): Promise<boolean>;
  /** Poll period of an empty queue. Java `DELAY_FOR_A_WHILE`: 100 ms. */
  idlePollMs?: number;
  /** Pause after a failed hand-over. Java `DELAY_FOR_A_PERIOD`: 10 000 ms; default here 1000 ms. */
  retryAfterFailureMs?: number;
  /** How often changed offsets are written. Java `flushDelayOffsetInterval`: 10 000 ms; default here 1000 ms. */
  persistIntervalMs?: number;
  /** Entries read per store call. Default 32. */
  batchSize?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/**
 * The engine behind delay levels and timer hops (Java `ScheduleMessageService.DeliverDelayedMessageTimerTask`): one
 * loop per queue reads entries in order; since every entry of a queue waits the same delay, entries become due in
 * queue order, so the loop sleeps exactly until the head is due (timely delivery without busy polling), hands it on,
 * and only then advances the queue's offset. Offsets are persisted periodically and at shutdown, so a restart
 * resumes where it stopped: nothing is lost, and at worst the last moments are handed on twice (at-least-once).
 */
export class FifoDelayQueueService {
  private readonly offsets: Map<number, number>;
  private readonly sleepers = new Map<number, AbortableSleep>();
  private readonly loops: Promise<void>[] = [];
  private readonly persistSleep = new AbortableSleep();
  private running = false;
  private dirty = false;
  private readonly now: () => number;

  constructor(private readonly opts: FifoDelayQueueOptions) {
    this.offsets = opts.offsetFile.load();
    this.now = opts.now ?? Date.now;
  }

  /** Next offset to read per queue id (what `delayOffset.json` holds). */
  get offsetTable(): ReadonlyMap<number, number> {
    return this.offsets;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const q of this.opts.queues) {
      const sleeper = new AbortableSleep();
      this.sleepers.set(q.queueId, sleeper);
      this.loops.push(this.runQueue(q, sleeper));
    }
    this.loops.push(this.runPersist());
  }

  /** Re-reads a queue now (new entries may have arrived in an idle queue). */
  wakeup(queueId?: number): void {
    if (queueId === undefined) for (const s of this.sleepers.values()) s.wake();
    else this.sleepers.get(queueId)?.wake();
  }

  async shutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const s of this.sleepers.values()) s.wake();
    this.persistSleep.wake();
    await Promise.all(this.loops);
    this.loops.length = 0;
    this.persist();
  }

  persist(): void {
    this.dirty = false;
    try {
      this.opts.offsetFile.save(this.offsets);
    } catch (err) {
      this.dirty = true;
      this.opts.onError?.(err);
    }
  }

  private async runPersist(): Promise<void> {
    const interval = this.opts.persistIntervalMs ?? 1000;
    while (this.running) {
      await this.persistSleep.sleep(interval);
      if (this.dirty) this.persist();
    }
  }

  private async runQueue(q: DelayQueueSpec, sleeper: AbortableSleep): Promise<void> {
    const idle = this.opts.idlePollMs ?? 100;
    while (this.running) {
      let waitMs: number;
      try {
        waitMs = await this.drain(q);
      } catch (err) {
        this.opts.onError?.(err);
        waitMs = this.opts.retryAfterFailureMs ?? 1000;
      }
      if (!this.running) break;
      await sleeper.sleep(waitMs < 0 ? idle : waitMs);
    }
  }

  /** Hands on every due entry at the head of `q`; returns how long to sleep (-1 = queue empty). */
  private async drain(q: DelayQueueSpec): Promise<number> {
    const store = this.opts.store;
    const batch = this.opts.batchSize ?? 32;
    while (this.running) {
      let offset = this.offsets.get(q.queueId) ?? 0;
      const max = await store.getMaxOffsetInQueue(this.opts.topic, q.queueId);
      if (offset > max) {
        // The queue is shorter than the saved progress (e.g. recovered after a crash): Java `correctDelayOffset`.
        offset = max;
        this.setOffset(q.queueId, offset);
      }
      if (offset >= max) return -1;
      const min = await store.getMinOffsetInQueue(this.opts.topic, q.queueId);
      if (offset < min) {
        // Entries were deleted by retention (Java corrects the offset the same way).
        offset = min;
        this.setOffset(q.queueId, offset);
      }
      const result = await store.getMessage(
        this.opts.group,
        this.opts.topic,
        q.queueId,
        offset,
        batch,
        4 * 1024 * 1024,
      );
      if (result.messageBuffers.length === 0) {
        if (result.nextBeginOffset > offset) this.setOffset(q.queueId, result.nextBeginOffset);
        else return -1;
        continue;
      }
      for (const buffer of result.messageBuffers) {
        if (!this.running) return 0;
        const msg = decodeMessageRecord(buffer, 0);
        const due = msg.storeTimestamp + q.delayMs;
        const now = this.now();
        if (due > now) return due - now;
        const handled = await this.opts.onDue(msg, q);
        if (!handled) return this.opts.retryAfterFailureMs ?? 1000;
        this.setOffset(q.queueId, msg.queueOffset + 1);
      }
    }
    return 0;
  }

  private setOffset(queueId: number, offset: number): void {
    this.offsets.set(queueId, offset);
    this.dirty = true;
  }
}
