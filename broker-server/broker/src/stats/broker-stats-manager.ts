/**
 * Per-key call counters sampled over a minute, an hour and a day, as Java's `BrokerStatsManager` / `StatsItem` keep
 * them for VIEW_BROKER_STATS_DATA (315): a snapshot is taken every 10 s (7 kept: the last minute), every 10 min (7
 * kept: the last hour) and every hour (25 kept: the last day); a window's figures are the difference between its
 * first and last snapshot.
 */

/** Java `BrokerStatsManager` stats names this broker counts. */
export const BrokerStatsName = {
  TOPIC_PUT_NUMS: 'TOPIC_PUT_NUMS',
  TOPIC_PUT_SIZE: 'TOPIC_PUT_SIZE',
  GROUP_GET_NUMS: 'GROUP_GET_NUMS',
  GROUP_GET_SIZE: 'GROUP_GET_SIZE',
  BROKER_PUT_NUMS: 'BROKER_PUT_NUMS',
  BROKER_GET_NUMS: 'BROKER_GET_NUMS',
  SNDBCK_PUT_NUMS: 'SNDBCK_PUT_NUMS',
} as const;
export type BrokerStatsName = (typeof BrokerStatsName)[keyof typeof BrokerStatsName];

/** Figures of one window (Java `StatsSnapshot`). */
export interface StatsSnapshot {
  sum: number;
  tps: number;
  avgpt: number;
}

interface CallSnapshot {
  timestamp: number;
  times: number;
  value: number;
}

/** One counter with its three sampled windows (Java `StatsItem`). */
export class StatsItem {
  value = 0;
  times = 0;
  private readonly minute: CallSnapshot[] = [];
  private readonly hour: CallSnapshot[] = [];
  private readonly day: CallSnapshot[] = [];

  add(value: number, times: number): void {
    this.value += value;
    this.times += times;
  }

  samplingInSeconds(now = Date.now()): void {
    this.sample(this.minute, now, 10 * 1000, 7);
  }

  samplingInMinutes(now = Date.now()): void {
    this.sample(this.hour, now, 10 * 60 * 1000, 7);
  }

  samplingInHour(now = Date.now()): void {
    this.sample(this.day, now, 60 * 60 * 1000, 25);
  }

  statsInMinute(): StatsSnapshot {
    return compute(this.minute);
  }

  statsInHour(): StatsSnapshot {
    return compute(this.hour);
  }

  statsInDay(): StatsSnapshot {
    return compute(this.day);
  }

  private sample(list: CallSnapshot[], now: number, periodMs: number, keep: number): void {
    // The first sample gets a zero baseline one period back, so what was counted before it shows up.
    if (list.length === 0) list.push({ timestamp: now - periodMs, times: 0, value: 0 });
    list.push({ timestamp: now, times: this.times, value: this.value });
    if (list.length > keep) list.shift();
  }
}

function compute(list: readonly CallSnapshot[]): StatsSnapshot {
  const first = list[0];
  const last = list[list.length - 1];
  if (!first || !last || last.timestamp === first.timestamp) return { sum: 0, tps: 0, avgpt: 0 };
  const sum = last.value - first.value;
  const timesDiff = last.times - first.times;
  return {
    sum,
    tps: (sum * 1000) / (last.timestamp - first.timestamp),
    avgpt: timesDiff > 0 ? sum / timesDiff : 0,
  };
}

export interface BrokerStatsManagerOptions {
  /** Period of the minute-window samples. Default 10 s (Java). */
  secondsSampleIntervalMs?: number;
  /** Period of the hour-window samples. Default 10 min (Java). */
  minutesSampleIntervalMs?: number;
  /** Period of the day-window samples. Default 1 h (Java). */
  hourSampleIntervalMs?: number;
}

/** Java `BrokerStatsManager.buildStatsKey(topic, group)`. */
export function buildStatsKey(topic: string, group: string): string {
  return `${topic}@${group}`;
}

/** The broker's stats tables: stats name → key (topic, `topic@group`, cluster name) → item. */
export class BrokerStatsManager {
  private readonly tables = new Map<string, Map<string, StatsItem>>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly clusterName: () => string,
    private readonly options: BrokerStatsManagerOptions = {},
  ) {}

  /** Starts the sampling timers (unref'd: they never keep the process alive). */
  start(): void {
    if (this.timers.length > 0) return;
    const every = (ms: number, f: (item: StatsItem) => void) => {
      const timer = setInterval(() => this.forEach(f), ms);
      timer.unref();
      this.timers.push(timer);
    };
    this.forEach((i) => i.samplingInSeconds());
    this.forEach((i) => i.samplingInMinutes());
    this.forEach((i) => i.samplingInHour());
    every(this.options.secondsSampleIntervalMs ?? 10_000, (i) => i.samplingInSeconds());
    every(this.options.minutesSampleIntervalMs ?? 600_000, (i) => i.samplingInMinutes());
    every(this.options.hourSampleIntervalMs ?? 3_600_000, (i) => i.samplingInHour());
  }

  shutdown(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Takes one sample of every window now (what the timers do). */
  sampleAll(now = Date.now()): void {
    this.forEach((i) => {
      i.samplingInSeconds(now);
      i.samplingInMinutes(now);
      i.samplingInHour(now);
    });
  }

  /** Messages a send stored for a topic: `msgNum` per call (a batch counts its messages, one call). */
  incTopicPutNums(topic: string, msgNum = 1, times = 1): void {
    this.inc(BrokerStatsName.TOPIC_PUT_NUMS, topic, msgNum, times);
  }

  /** Bytes a send wrote to the commit log for a topic. */
  incTopicPutSize(topic: string, size: number): void {
    this.inc(BrokerStatsName.TOPIC_PUT_SIZE, topic, size, 1);
  }

  /** Messages stored by sends, broker-wide (key: the cluster name; Java adds the value only, not the times). */
  incBrokerPutNums(msgNum = 1): void {
    this.inc(BrokerStatsName.BROKER_PUT_NUMS, this.clusterName(), msgNum, 0);
  }

  /** Messages a pull of `group` returned from `topic` (key `topic@group`). */
  incGroupGetNums(group: string, topic: string, msgNum: number): void {
    this.inc(BrokerStatsName.GROUP_GET_NUMS, buildStatsKey(topic, group), msgNum, 1);
  }

  /** Bytes a pull of `group` returned from `topic` (key `topic@group`). */
  incGroupGetSize(group: string, topic: string, size: number): void {
    this.inc(BrokerStatsName.GROUP_GET_SIZE, buildStatsKey(topic, group), size, 1);
  }

  /** Messages returned by pulls, broker-wide (key: the cluster name; value only, as Java). */
  incBrokerGetNums(msgNum: number): void {
    this.inc(BrokerStatsName.BROKER_GET_NUMS, this.clusterName(), msgNum, 0);
  }

  /** A consumer of `group` sent a message of `topic` back for a retry (key `topic@group`). */
  incSendBackNums(group: string, topic: string): void {
    this.inc(BrokerStatsName.SNDBCK_PUT_NUMS, buildStatsKey(topic, group), 1, 1);
  }

  /** Messages per second `group` pulled from `topic` over the last minute (0 when never pulled; Java's consumeTps). */
  tpsGroupGetNums(group: string, topic: string): number {
    return this.getStatsItem(BrokerStatsName.GROUP_GET_NUMS, buildStatsKey(topic, group))?.statsInMinute().tps ?? 0;
  }

  /** The item of a stats name and key; undefined when nothing was counted there. */
  getStatsItem(statsName: string, statsKey: string): StatsItem | undefined {
    return this.tables.get(statsName)?.get(statsKey);
  }

  private inc(name: string, key: string, value: number, times: number): void {
    let table = this.tables.get(name);
    if (!table) this.tables.set(name, (table = new Map<string, StatsItem>()));
    let item = table.get(key);
    if (!item) table.set(key, (item = new StatsItem()));
    item.add(value, times);
  }

  private forEach(f: (item: StatsItem) => void): void {
    for (const table of this.tables.values()) for (const item of table.values()) f(item);
  }
}
