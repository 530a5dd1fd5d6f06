import type { MessageQueue } from '@rocketnest/common';

/**
 * Java 4.9 `MQFaultStrategy` buckets: a send that took ≥ `latencyMaxMs[i]` makes its broker unavailable for
 * `notAvailableDurationMs[i]`. A failure counts as 30 s of latency (→ 60 s, with `isolation`).
 */
export const DEFAULT_LATENCY_MAX_MS = [50, 100, 550, 1000, 2000, 3000, 15000] as const;
export const DEFAULT_NOT_AVAILABLE_DURATION_MS = [0, 0, 30000, 60000, 120000, 180000, 600000] as const;
/** The latency a failed send is charged with (Java `updateFaultItem(..., isolation = true)`). */
export const ISOLATION_LATENCY_MS = 30000;

interface FaultItem {
  name: string;
  currentLatencyMs: number;
  availableAtMs: number;
}

/** Per-broker fault records (Java `LatencyFaultToleranceImpl`). */
export class LatencyFaultTolerance {
  private readonly items = new Map<string, FaultItem>();
  private whichItemWorst = Math.floor(Math.random() * 1000);

  constructor(private readonly now: () => number = Date.now) {}

  updateFaultItem(name: string, currentLatencyMs: number, notAvailableDurationMs: number): void {
    this.items.set(name, { name, currentLatencyMs, availableAtMs: this.now() + notAvailableDurationMs });
  }

  isAvailable(name: string): boolean {
    const item = this.items.get(name);
    return !item || this.now() >= item.availableAtMs;
  }

  remove(name: string): void {
    this.items.delete(name);
  }

  /** The least bad broker when every one is in penalty: available first, then lower latency, then sooner available. */
  pickOneAtLeast(): string | undefined {
    const now = this.now();
    const list = [...this.items.values()].sort((a, b) => {
      const aa = now >= a.availableAtMs;
      const ba = now >= b.availableAtMs;
      if (aa !== ba) return aa ? -1 : 1;
      if (a.currentLatencyMs !== b.currentLatencyMs) return a.currentLatencyMs - b.currentLatencyMs;
      return a.availableAtMs - b.availableAtMs;
    });
    if (list.length === 0) return undefined;
    const half = Math.trunc(list.length / 2);
    if (half <= 0) return list[0]!.name;
    return list[this.whichItemWorst++ % half]!.name;
  }
}

export interface MQFaultStrategyOptions {
  /** Default false (Java `sendLatencyFaultEnable`). */
  sendLatencyFaultEnable?: boolean;
  latencyMaxMs?: readonly number[];
  notAvailableDurationMs?: readonly number[];
  now?: () => number;
}

/** The write queues of a topic as the producer sees them (Java `TopicPublishInfo`), with its round-robin index. */
export class TopicPublishInfo {
  private sendWhichQueue = Math.floor(Math.random() * 1000);

  constructor(
    readonly messageQueueList: MessageQueue[],
    readonly orderTopic = false,
  ) {}

  get ok(): boolean {
    return this.messageQueueList.length > 0;
  }

  nextIndex(): number {
    this.sendWhichQueue = (this.sendWhichQueue + 1) % 0x7fffffff;
    return this.sendWhichQueue;
  }

  /** Round robin, skipping `lastBrokerName` (the broker the previous attempt failed on) when there is another one. */
  selectOneMessageQueue(lastBrokerName?: string): MessageQueue {
    const size = this.messageQueueList.length;
    if (lastBrokerName !== undefined) {
      for (let i = 0; i < size; i++) {
        const mq = this.messageQueueList[this.nextIndex() % size]!;
        if (mq.brokerName !== lastBrokerName) return mq;
      }
    }
    return this.messageQueueList[this.nextIndex() % size]!;
  }

  writeQueueNumsOf(brokerName: string): number {
    return this.messageQueueList.filter((mq) => mq.brokerName === brokerName).length;
  }
}

/** Chooses the queue for each send attempt and records broker latencies (Java 4.9 `MQFaultStrategy`). */
export class MQFaultStrategy {
  readonly latencyFaultTolerance: LatencyFaultTolerance;
  sendLatencyFaultEnable: boolean;
  private readonly latencyMaxMs: readonly number[];
  private readonly notAvailableDurationMs: readonly number[];

  constructor(options: MQFaultStrategyOptions = {}) {
    this.sendLatencyFaultEnable = options.sendLatencyFaultEnable ?? false;
    this.latencyMaxMs = options.latencyMaxMs ?? DEFAULT_LATENCY_MAX_MS;
    this.notAvailableDurationMs = options.notAvailableDurationMs ?? DEFAULT_NOT_AVAILABLE_DURATION_MS;
    this.latencyFaultTolerance = new LatencyFaultTolerance(options.now);
  }

  selectOneMessageQueue(info: TopicPublishInfo, lastBrokerName?: string): MessageQueue {
    if (!this.sendLatencyFaultEnable) return info.selectOneMessageQueue(lastBrokerName);
    const size = info.messageQueueList.length;
    let index = info.nextIndex();
    for (let i = 0; i < size; i++) {
      const mq = info.messageQueueList[index++ % size]!;
      if (this.latencyFaultTolerance.isAvailable(mq.brokerName)) return mq;
    }
    const notBestBroker = this.latencyFaultTolerance.pickOneAtLeast();
    if (notBestBroker !== undefined) {
      const writeQueueNums = info.writeQueueNumsOf(notBestBroker);
      if (writeQueueNums > 0) {
        const sameBroker = info.messageQueueList.filter((mq) => mq.brokerName === notBestBroker);
        return sameBroker[info.nextIndex() % writeQueueNums]!;
      }
      this.latencyFaultTolerance.remove(notBestBroker);
    }
    return info.selectOneMessageQueue();
  }

  /** Records one send's outcome; `isolation` = it failed. */
  updateFaultItem(brokerName: string, currentLatencyMs: number, isolation: boolean): void {
    if (!this.sendLatencyFaultEnable) return;
    const latency = isolation ? ISOLATION_LATENCY_MS : currentLatencyMs;
    this.latencyFaultTolerance.updateFaultItem(brokerName, currentLatencyMs, this.computeNotAvailableDuration(latency));
  }

  computeNotAvailableDuration(currentLatencyMs: number): number {
    for (let i = this.latencyMaxMs.length - 1; i >= 0; i--) {
      if (currentLatencyMs >= this.latencyMaxMs[i]!) return this.notAvailableDurationMs[i] ?? 0;
    }
    return 0;
  }
}
