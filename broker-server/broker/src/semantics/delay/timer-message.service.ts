import * as path from 'node:path';
import { MessageConst, type MessageExt, SystemGroup, SystemTopic } from '@rocketnest/common';
import type { SemanticsStore } from '../semantics-host';
import { finishInner, intProperty, isPutStored, toInner } from '../util/message-util';
import { OffsetTableFile } from '../util/offset-table-file';
import { type DelayQueueSpec, FifoDelayQueueService } from './fifo-delay-queue.service';

/** Shortest hop of the timer cascade. */
export const TIMER_HOP_BASE_MS = 100;
/** Hops 100 ms · 2^k for k = 0..22: the longest is 4.85 days, more than the 3-day default maximum delay. */
export const TIMER_HOP_COUNT = 23;

/** The hop queue for a remaining wait: the longest hop that does not overshoot (`undefined` below 100 ms). */
export function timerHopFor(remainingMs: number): number | undefined {
  if (!(remainingMs >= TIMER_HOP_BASE_MS)) return undefined;
  const k = Math.floor(Math.log2(remainingMs / TIMER_HOP_BASE_MS));
  return Math.min(Math.max(k, 0), TIMER_HOP_COUNT - 1);
}

export function timerHopDelayMs(queueId: number): number {
  return TIMER_HOP_BASE_MS * 2 ** queueId;
}

export interface TimerMessageServiceOptions {
  store: SemanticsStore;
  /** Broker store root; progress goes to `<root>/config/timerWheelOffset.json`. */
  storePathRootDir: string;
  idlePollMs?: number;
  persistIntervalMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/**
 * Arbitrary-delay (5.x timer) messages, durable by construction. Java keeps a timing wheel and a timer log on disk;
 * RocketNest instead cascades the message through FIFO "hop" queues of topic `rmq_sys_wheel_timer`, where queue k
 * holds entries that wait exactly 100 ms · 2^k. A message due at `TIMER_OUT_MS` enters the longest hop that does not
 * overshoot; when that hop ends the remaining wait is recomputed from the absolute `TIMER_OUT_MS` and the message
 * takes the next hop (at most ~23, fewer than one per power of two of the delay), until less than 100 ms remain; it
 * then waits out the rest and is stored in its real topic/queue (`REAL_TOPIC`/`REAL_QID`), never before
 * `TIMER_OUT_MS`. Each hop queue is FIFO with a fixed delay, so its
 * progress is one offset (persisted like `delayOffset.json`, in `config/timerWheelOffset.json`) and the message is
 * always in the commit log: a restart loses nothing (at-least-once), and recomputing from the absolute time means
 * latencies never add up.
 */
export class TimerMessageService {
  private readonly engine: FifoDelayQueueService;
  private readonly now: () => number;

  constructor(private readonly opts: TimerMessageServiceOptions) {
    this.now = opts.now ?? Date.now;
    const queues: DelayQueueSpec[] = [];
    for (let k = 0; k < TIMER_HOP_COUNT; k++) queues.push({ queueId: k, delayMs: timerHopDelayMs(k) });
    this.engine = new FifoDelayQueueService({
      name: 'TimerMessageService',
      store: opts.store,
      topic: SystemTopic.WHEEL_TIMER_TOPIC,
      group: SystemGroup.SCHEDULE_CONSUMER_GROUP,
      queues,
      offsetFile: new OffsetTableFile(path.join(opts.storePathRootDir, 'config', 'timerWheelOffset.json')),
      onDue: (msg) => this.hop(msg),
      idlePollMs: opts.idlePollMs,
      persistIntervalMs: opts.persistIntervalMs,
      now: this.now,
      onError: opts.onError,
    });
  }

  start(): void {
    this.engine.start();
  }

  shutdown(): Promise<void> {
    return this.engine.shutdown();
  }

  wakeup(): void {
    this.engine.wakeup();
  }

  private async hop(msg: MessageExt): Promise<boolean> {
    const outMs = intProperty(msg, MessageConst.TIMER_OUT_MS);
    const realTopic = msg.getProperty(MessageConst.REAL_TOPIC);
    const realQueueId = intProperty(msg, MessageConst.REAL_QID);
    if (outMs === undefined || !realTopic || realQueueId === undefined) {
      this.opts.onError?.(new Error(`Timer entry ${msg.offsetMsgId} lacks TIMER_OUT_MS/REAL_TOPIC/REAL_QID; skipped`));
      return true;
    }
    let now = this.now();
    const next = timerHopFor(outMs - now);
    let inner;
    if (next === undefined) {
      // Less than one hop left: wait it out here so the message is never stored before TIMER_OUT_MS.
      while (outMs > now) {
        await new Promise((resolve) => setTimeout(resolve, outMs - now));
        now = this.now();
      }
      inner = toInner(msg, { topic: realTopic, queueId: realQueueId });
      inner.putProperty(MessageConst.TIMER_DEQUEUE_MS, String(now));
    } else {
      inner = toInner(msg, { topic: SystemTopic.WHEEL_TIMER_TOPIC, queueId: next });
      const rolls = intProperty(msg, MessageConst.TIMER_ROLL_TIMES) ?? 0;
      inner.putProperty(MessageConst.TIMER_ROLL_TIMES, String(rolls + 1));
    }
    inner.putProperty(MessageConst.WAIT, 'false');
    const result = await this.opts.store.putMessage(finishInner(inner));
    return isPutStored(result);
  }
}
