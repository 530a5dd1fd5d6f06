import * as path from 'node:path';
import {
  MessageConst,
  MessageExtBrokerInner,
  PermName,
  decodeMessageRecord,
  isRetryTopic,
  type HostAddress,
} from '@rocketnest/common';
import type { GetMessageResult, PutMessageResult } from '@rocketnest/store';
import { readConfigFile, writeFileAtomicSync } from '../config/config-file';
import type { ConsumerOffsetManager } from '../offset/consumer-offset-manager';
import type { TopicConfigManager } from '../topic/topic-config-manager';
import { isPutStored } from '../semantics/util/message-util';
import { POP_RETRY_QUEUE_NUM, buildPopRetryTopic } from './pop-keys';

/**
 * One pop of one queue (Java `PopCheckPoint`): the messages at `startOffset + diffs[i]` stay invisible until
 * `popTime + invisibleTime`; bit i of `ackedBits` is set when message i is acked. JSON keys are Java's short names.
 */
export interface PopCheckPoint {
  /** startOffset */
  so: number;
  /** popTime */
  pt: number;
  /** invisibleTime */
  it: number;
  /** acked bits (Java bitMap) */
  bm: number;
  /** number of messages */
  n: number;
  /** queueId */
  q: number;
  /** topic (the real one: the `%RETRY%` topic for retry messages) */
  t: string;
  /** consumer group */
  c: string;
  /** queue offset diffs from `so` */
  d: number[];
  /** brokerName */
  bn: string;
  /** reviveQid */
  rq: number;
}

/** What the checkpoint service needs from the broker. */
export interface PopCheckpointHost {
  readonly storePathRootDir: string;
  readonly storeHost: HostAddress;
  readonly topicConfigManager: TopicConfigManager;
  readonly consumerOffsetManager: ConsumerOffsetManager;
  enableRetryTopicV2(): boolean;
  getMessage(topic: string, queueId: number, offset: number): Promise<GetMessageResult>;
  putMessage(msg: MessageExtBrokerInner): Promise<PutMessageResult>;
  onError(message: string, err?: unknown): void;
}

const queueKey = (topic: string, group: string, queueId: number): string => `${topic}@${group}@${queueId}`;
/** Java matches an ack to its checkpoint by topic, group, queue, start offset and pop time. */
const ckKey = (topic: string, group: string, queueId: number, startOffset: number, popTime: number): string =>
  `${topic}@${group}@${queueId}@${startOffset}@${popTime}`;

/**
 * The in-broker equivalent of Java's revive topic: checkpoints of popped, not yet acked messages, the pop cursor of
 * every (topic, group, queue), and the revive loop that re-puts every message not acked within its invisible time
 * into the group's POP retry topic (`reconsumeTimes + 1`, `1ST_POP_TIME` on the first revive) — Java
 * `PopBufferMergeService` + `PopReviveService`, with the same observable rules.
 *
 * Durability: the table and cursors are written atomically to `config/popCheckpoint.json` when changed (every
 * `flushIntervalMs`) and at shutdown. The group's committed consumer offset never passes the start of an open
 * checkpoint, so after a crash that lost the last writes the un-acked messages are popped again (at least once).
 */
export class PopCheckpointService {
  readonly file: string;
  private readonly cks = new Map<string, PopCheckPoint>();
  private readonly byQueue = new Map<string, Set<PopCheckPoint>>();
  /** Next offset to pop per topic@group@queueId. */
  private readonly cursors = new Map<string, number>();
  private dirty = false;
  private reviveTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private reviving: Promise<void> | undefined;
  private stopped = true;
  /** Messages re-put to retry topics since start. */
  revivedCount = 0;

  constructor(
    private readonly host: PopCheckpointHost,
    private readonly timing: { reviveIntervalMs: () => number; flushIntervalMs: () => number },
  ) {
    this.file = path.join(host.storePathRootDir, 'config', 'popCheckpoint.json');
  }

  get size(): number {
    return this.cks.size;
  }

  load(): void {
    const loaded = readConfigFile(this.file, decodeCheckpointFile);
    if (!loaded) return;
    for (const ck of loaded.checkpoints) this.index(ck);
    for (const [k, v] of Object.entries(loaded.cursors)) this.cursors.set(k, v);
  }

  start(): void {
    this.stopped = false;
    this.scheduleRevive();
    this.scheduleFlush();
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.reviveTimer) clearTimeout(this.reviveTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.reviving) await this.reviving.catch(() => undefined);
    this.persist();
  }

  /** The pop cursor of a queue, undefined when this group never popped it. */
  getCursor(topic: string, group: string, queueId: number): number | undefined {
    return this.cursors.get(queueKey(topic, group, queueId));
  }

  /** Moves the pop cursor (after a pop, or a server-side reset) and commits the group's offset. */
  setCursor(topic: string, group: string, queueId: number, offset: number): void {
    this.cursors.set(queueKey(topic, group, queueId), offset);
    this.dirty = true;
    this.commitOffset(topic, group, queueId);
  }

  /**
   * A pop of queue `ck.q` of `ck.t`: records its checkpoint (none for an empty one) and moves the pop cursor to
   * `nextOffset` — one offset commit for both.
   */
  recordPop(ck: PopCheckPoint, nextOffset: number): void {
    this.cursors.set(queueKey(ck.t, ck.c, ck.q), nextOffset);
    if (ck.n > 0) this.index(ck);
    this.dirty = true;
    this.commitOffset(ck.t, ck.c, ck.q);
  }

  /** Records a checkpoint (no-op for an empty one). */
  addCheckpoint(ck: PopCheckPoint): void {
    if (ck.n <= 0) return;
    this.index(ck);
    this.dirty = true;
    this.commitOffset(ck.t, ck.c, ck.q);
  }

  /**
   * Acks the message at `ackOffset` of the checkpoint (topic, group, queue, startOffset, popTime). Returns false when
   * no such checkpoint is open (already revived, acked, or unknown) — Java answers SUCCESS either way.
   */
  ack(topic: string, group: string, queueId: number, startOffset: number, popTime: number, ackOffset: number): boolean {
    const ck = this.cks.get(ckKey(topic, group, queueId, startOffset, popTime));
    if (!ck) return false;
    const i = ck.d.indexOf(ackOffset - ck.so);
    if (i < 0) return false;
    ck.bm |= 1 << i;
    this.dirty = true;
    if (allAcked(ck)) {
      this.remove(ck);
      this.commitOffset(ck.t, ck.c, ck.q);
    }
    return true;
  }

  /** Open checkpoints of a queue (tests, admin). */
  checkpointsOf(topic: string, group: string, queueId: number): PopCheckPoint[] {
    return [...(this.byQueue.get(queueKey(topic, group, queueId)) ?? [])];
  }

  /** Revives every checkpoint whose invisible time is over (also run by the timer). */
  reviveNow(now = Date.now()): Promise<void> {
    this.reviving ??= this.revive(now).finally(() => {
      this.reviving = undefined;
    });
    return this.reviving;
  }

  persist(): void {
    const checkpoints = [...this.cks.values()];
    const cursors: Record<string, number> = {};
    for (const [k, v] of this.cursors) cursors[k] = v;
    writeFileAtomicSync(this.file, JSON.stringify({ checkpoints, cursors }));
    this.dirty = false;
  }

  private async revive(now: number): Promise<void> {
    const due = [...this.cks.values()].filter((ck) => ck.pt + ck.it <= now).sort((a, b) => a.pt + a.it - (b.pt + b.it));
    for (const ck of due) {
      let ok = true;
      for (let i = 0; i < ck.n && ok; i++) {
        if ((ck.bm & (1 << i)) !== 0) continue;
        try {
          ok = await this.reviveOne(ck, ck.so + ck.d[i]!);
          if (ok) ck.bm |= 1 << i; // re-put: never again, even if a later one of this checkpoint fails
        } catch (err) {
          this.host.onError(`reviving ${ck.t}@${ck.q}:${ck.so + ck.d[i]!} for ${ck.c} failed`, err);
          ok = false;
        }
      }
      if (ok && this.cks.has(ckKey(ck.t, ck.c, ck.q, ck.so, ck.pt))) {
        this.remove(ck);
        this.commitOffset(ck.t, ck.c, ck.q);
      }
      this.dirty = true;
    }
  }

  /** Java `PopReviveService.reviveRetry` for one message; true when re-put (or gone from the store). */
  private async reviveOne(ck: PopCheckPoint, offset: number): Promise<boolean> {
    const result = await this.host.getMessage(ck.t, ck.q, offset);
    const buf = result.messageBuffers[0];
    if (!buf || result.messageQueueOffsets[0] !== offset) {
      // the message is gone (expired from the store) or the offset is not there: nothing to revive
      return result.status !== 'FOUND' || result.messageQueueOffsets[0] !== offset;
    }
    const msg = decodeMessageRecord(buf, 0, { decompressBody: false });
    const inner = new MessageExtBrokerInner();
    inner.topic = isRetryTopic(ck.t) ? ck.t : buildPopRetryTopic(ck.t, ck.c, this.host.enableRetryTopicV2());
    inner.queueId = 0;
    inner.body = msg.body;
    inner.properties = { ...msg.properties };
    inner.bornTimestamp = msg.bornTimestamp;
    inner.flag = msg.flag;
    inner.sysFlag = msg.sysFlag;
    inner.bornHost = this.host.storeHost;
    inner.storeHost = this.host.storeHost;
    inner.reconsumeTimes = msg.reconsumeTimes + 1;
    if (msg.reconsumeTimes === 0 || inner.properties[MessageConst.FIRST_POP_TIME] === undefined) {
      inner.properties[MessageConst.FIRST_POP_TIME] = String(ck.pt);
    }
    inner.syncTagsCode();
    inner.syncPropertiesString();
    this.addRetryTopicIfNotExist(inner.topic, ck.c);
    const put = await this.host.putMessage(inner);
    if (!isPutStored(put)) {
      this.host.onError(`revive of ${ck.t}@${ck.q}:${offset} for ${ck.c}: put to ${inner.topic} failed`);
      return false;
    }
    this.revivedCount++;
    return true;
  }

  /** Java `addRetryTopicIfNoExit` + `initPopRetryOffset`: one queue, perm 6, the group's offset starts at 0. */
  addRetryTopicIfNotExist(topic: string, group: string): void {
    const tcm = this.host.topicConfigManager;
    if (tcm.selectTopicConfig(topic)) return;
    tcm.createTopicInSendMessageBackMethod(topic, POP_RETRY_QUEUE_NUM, PermName.PERM_READ | PermName.PERM_WRITE);
    const com = this.host.consumerOffsetManager;
    if (com.queryOffset(group, topic, 0) < 0) com.commitOffset(group, topic, 0, 0);
  }

  private index(ck: PopCheckPoint): void {
    this.cks.set(ckKey(ck.t, ck.c, ck.q, ck.so, ck.pt), ck);
    const qk = queueKey(ck.t, ck.c, ck.q);
    let set = this.byQueue.get(qk);
    if (!set) {
      set = new Set();
      this.byQueue.set(qk, set);
    }
    set.add(ck);
  }

  private remove(ck: PopCheckPoint): void {
    this.cks.delete(ckKey(ck.t, ck.c, ck.q, ck.so, ck.pt));
    const qk = queueKey(ck.t, ck.c, ck.q);
    const set = this.byQueue.get(qk);
    set?.delete(ck);
    if (set?.size === 0) this.byQueue.delete(qk);
  }

  /** The committed offset: the pop cursor, held back to the start of the oldest open checkpoint of the queue. */
  private commitOffset(topic: string, group: string, queueId: number): void {
    const qk = queueKey(topic, group, queueId);
    let offset = this.cursors.get(qk);
    if (offset === undefined) return;
    for (const ck of this.byQueue.get(qk) ?? []) {
      const firstOpen = firstUnackedOffset(ck);
      if (firstOpen < offset) offset = firstOpen;
    }
    const com = this.host.consumerOffsetManager;
    if (com.queryOffset(group, topic, queueId) !== offset) com.commitOffset(group, topic, queueId, offset);
  }

  private scheduleRevive(): void {
    if (this.stopped) return;
    this.reviveTimer = setTimeout(() => {
      this.reviveTimer = undefined;
      this.reviveNow()
        .catch((err: unknown) => this.host.onError('pop revive failed', err))
        .finally(() => this.scheduleRevive());
    }, this.timing.reviveIntervalMs());
    this.reviveTimer.unref?.();
  }

  private scheduleFlush(): void {
    if (this.stopped) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      try {
        if (this.dirty) this.persist();
      } catch (err) {
        this.host.onError('persisting pop checkpoints failed', err);
      }
      this.scheduleFlush();
    }, this.timing.flushIntervalMs());
    this.flushTimer.unref?.();
  }
}

function allAcked(ck: PopCheckPoint): boolean {
  const full = ck.n >= 32 ? -1 : (1 << ck.n) - 1;
  return (ck.bm & full) === full;
}

function firstUnackedOffset(ck: PopCheckPoint): number {
  for (let i = 0; i < ck.n; i++) if ((ck.bm & (1 << i)) === 0) return ck.so + ck.d[i]!;
  return Number.MAX_SAFE_INTEGER;
}

function decodeCheckpointFile(text: string): { checkpoints: PopCheckPoint[]; cursors: Record<string, number> } {
  const o = JSON.parse(text) as { checkpoints?: unknown; cursors?: unknown };
  if (typeof o !== 'object' || o === null) throw new Error('not a JSON object');
  const checkpoints: PopCheckPoint[] = [];
  if (Array.isArray(o.checkpoints)) {
    for (const raw of o.checkpoints as Record<string, unknown>[]) {
      const num = (k: string): number => {
        const v = raw[k];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`checkpoint field ${k} is not a number`);
        return v;
      };
      const str = (k: string): string => {
        const v = raw[k];
        if (typeof v !== 'string') throw new Error(`checkpoint field ${k} is not a string`);
        return v;
      };
      const d = raw.d;
      if (!Array.isArray(d) || !d.every((x) => typeof x === 'number')) throw new Error('checkpoint field d is bad');
      checkpoints.push({
        so: num('so'),
        pt: num('pt'),
        it: num('it'),
        bm: num('bm'),
        n: num('n'),
        q: num('q'),
        t: str('t'),
        c: str('c'),
        d: d,
        bn: str('bn'),
        rq: num('rq'),
      });
    }
  }
  const cursors: Record<string, number> = {};
  if (typeof o.cursors === 'object' && o.cursors !== null) {
    for (const [k, v] of Object.entries(o.cursors as Record<string, unknown>)) {
      if (typeof v === 'number' && Number.isFinite(v)) cursors[k] = v;
    }
  }
  return { checkpoints, cursors };
}
