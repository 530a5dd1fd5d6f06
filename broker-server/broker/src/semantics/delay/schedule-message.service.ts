import * as path from 'node:path';
import { MessageConst, type MessageExt, SystemGroup, SystemTopic, parseDelayLevels } from '@rocketnest/common';
import type { SemanticsStore } from '../semantics-host';
import { finishInner, intProperty, isPutStored, toInner } from '../util/message-util';
import { OffsetTableFile } from '../util/offset-table-file';
import { type DelayQueueSpec, FifoDelayQueueService } from './fifo-delay-queue.service';

export interface ScheduleMessageServiceOptions {
  store: SemanticsStore;
  /** `messageDelayLevel`, e.g. `"1s 5s 10s …"`. */
  messageDelayLevel: string;
  /** Broker store root; progress goes to `<root>/config/delayOffset.json`. */
  storePathRootDir: string;
  idlePollMs?: number;
  persistIntervalMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Delay levels (Java `ScheduleMessageService`): a message sent with `DELAY=n` waits in `SCHEDULE_TOPIC_XXXX` queue
 * `n-1` and is re-stored in its real topic/queue (`REAL_TOPIC`/`REAL_QID`) once `messageDelayLevel[n-1]` has passed
 * since it was stored, with `DELAY` removed, a new commit-log record and the same `UNIQ_KEY`. Progress per level is
 * kept in `config/delayOffset.json` as `{"offsetTable":{1:120,2:0}}` (level → next queue offset).
 */
export class ScheduleMessageService {
  readonly delayLevels: number[];
  private readonly engine: FifoDelayQueueService;

  constructor(private readonly opts: ScheduleMessageServiceOptions) {
    this.delayLevels = parseDelayLevels(opts.messageDelayLevel);
    const queues: DelayQueueSpec[] = this.delayLevels.map((delayMs, i) => ({ queueId: i, delayMs }));
    const file = new OffsetTableFile(path.join(opts.storePathRootDir, 'config', 'delayOffset.json'));
    this.engine = new FifoDelayQueueService({
      name: 'ScheduleMessageService',
      store: opts.store,
      topic: SystemTopic.SCHEDULE_TOPIC,
      group: SystemGroup.SCHEDULE_CONSUMER_GROUP,
      queues,
      offsetFile: new LevelKeyedFile(file),
      onDue: (msg) => this.deliver(msg),
      idlePollMs: opts.idlePollMs,
      persistIntervalMs: opts.persistIntervalMs,
      onError: opts.onError,
    });
  }

  /** Highest level (18 with the default table). */
  get maxDelayLevel(): number {
    return this.delayLevels.length;
  }

  /** Delay of a level in ms (levels above the maximum count as the maximum). */
  delayOf(level: number): number {
    return this.delayLevels[Math.min(level, this.maxDelayLevel) - 1] ?? 0;
  }

  /** level → next offset, as in `delayOffset.json` (GET_ALL_DELAY_OFFSET answers this). */
  offsetTableByLevel(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [queueId, offset] of this.engine.offsetTable) out.set(queueId + 1, offset);
    return out;
  }

  /** The `delayOffset.json` text (Java `ScheduleMessageService.encode`). */
  encode(): string {
    return LevelKeyedFile.encode(this.engine.offsetTable);
  }

  start(): void {
    this.engine.start();
  }

  shutdown(): Promise<void> {
    return this.engine.shutdown();
  }

  wakeup(level?: number): void {
    this.engine.wakeup(level === undefined ? undefined : level - 1);
  }

  private async deliver(msg: MessageExt): Promise<boolean> {
    const realTopic = msg.getProperty(MessageConst.REAL_TOPIC);
    const realQueueId = intProperty(msg, MessageConst.REAL_QID);
    if (!realTopic || realQueueId === undefined) {
      // Java logs and skips a schedule entry it cannot restore; keeping it would block the level forever.
      this.opts.onError?.(new Error(`Schedule entry ${msg.offsetMsgId} has no REAL_TOPIC/REAL_QID; skipped`));
      return true;
    }
    const inner = toInner(msg, { topic: realTopic, queueId: realQueueId });
    inner.clearProperty(MessageConst.DELAY);
    inner.putProperty(MessageConst.WAIT, 'false');
    const result = await this.opts.store.putMessage(finishInner(inner));
    return isPutStored(result);
  }
}

/** Keeps queue ids (0-based) in memory but writes level numbers (1-based) to `delayOffset.json`, as Java does. */
class LevelKeyedFile extends OffsetTableFile {
  constructor(private readonly inner: OffsetTableFile) {
    super(inner.file);
  }
  override load(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [level, offset] of this.inner.load()) if (level >= 1) out.set(level - 1, offset);
    return out;
  }
  override save(table: ReadonlyMap<number, number>): void {
    this.inner.save(LevelKeyedFile.byLevel(table));
  }
  static byLevel(table: ReadonlyMap<number, number>): Map<number, number> {
    const out = new Map<number, number>();
    for (const [queueId, offset] of table) out.set(queueId + 1, offset);
    return out;
  }
  static override encode(table: ReadonlyMap<number, number>): string {
    return OffsetTableFile.encode(LevelKeyedFile.byLevel(table));
  }
}
