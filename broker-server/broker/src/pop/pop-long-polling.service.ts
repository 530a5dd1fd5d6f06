import type { RemotingChannel, RemotingCommand } from '@rocketnest/remoting';

/** A parked POP_MESSAGE request (Java `PopRequest`). */
export interface PopRequest {
  readonly request: RemotingCommand;
  readonly channel: RemotingChannel;
  readonly topic: string;
  readonly group: string;
  /** −1 = any queue. */
  readonly queueId: number;
  /** The group's POP retry topic of `topic` (an arrival there wakes the request too). */
  readonly retryTopic: string;
  /** bornTime + pollTime. */
  readonly expireAt: number;
}

/** The held form of a POP_MESSAGE or NOTIFICATION request (both headers carry these fields). */
export function heldPopRequest(
  request: RemotingCommand,
  channel: RemotingChannel,
  header: { topic: string; consumerGroup: string; queueId: number; bornTime: number; pollTime: number },
  retryTopic: string,
): PopRequest {
  return {
    request,
    channel,
    topic: header.topic,
    group: header.consumerGroup,
    queueId: header.queueId,
    retryTopic,
    expireAt: header.bornTime + header.pollTime,
  };
}

export type PollingResult = 'POLLING_SUC' | 'POLLING_FULL' | 'POLLING_TIMEOUT' | 'NOT_POLLING';

interface Parked extends PopRequest {
  timer?: NodeJS.Timeout;
}

/**
 * Long polling of POP_MESSAGE (Java `PopLongPollingService`): an empty pop with `pollTime > 0` is parked until a
 * message arrives on its topic (its queue, or any queue for queueId −1) or on its POP retry topic, or until
 * `bornTime + pollTime`; then it is re-run. More than `popPollingSize` parked per topic@group@queueId, or
 * `maxPopPollingSize` in total, is POLLING_FULL.
 */
export class PopLongPollingService {
  private readonly byTopic = new Map<string, Set<Parked>>();
  private readonly byKey = new Map<string, Set<Parked>>();
  private total = 0;
  private stopped = false;

  constructor(
    private readonly opts: {
      popPollingSize: () => number;
      maxPopPollingSize: () => number;
      /** Re-runs a woken request and writes its answer. */
      wakeUp: (req: PopRequest) => void;
    },
  ) {}

  get size(): number {
    return this.total;
  }

  /** Parks `req` until a message arrives or `expireAt`; `wakeAt` re-runs it earlier (an ordered queue unblocking). */
  polling(req: PopRequest, pollTime: number, wakeAt?: number): PollingResult {
    if (pollTime <= 0 || this.stopped) return 'NOT_POLLING';
    if (this.total >= this.opts.maxPopPollingSize()) return 'POLLING_FULL';
    const now = Date.now();
    if (req.expireAt <= now) return 'POLLING_TIMEOUT';
    const key = `${req.topic}@${req.group}@${req.queueId}`;
    let set = this.byKey.get(key);
    if (set && set.size > this.opts.popPollingSize()) return 'POLLING_FULL';
    const parked: Parked = { ...req };
    if (!set) {
      set = new Set();
      this.byKey.set(key, set);
    }
    set.add(parked);
    for (const t of [req.topic, req.retryTopic]) {
      let s = this.byTopic.get(t);
      if (!s) {
        s = new Set();
        this.byTopic.set(t, s);
      }
      s.add(parked);
    }
    this.total++;
    const at = wakeAt !== undefined && wakeAt < req.expireAt ? wakeAt : req.expireAt;
    parked.timer = setTimeout(() => this.wake(parked), Math.max(0, at - now));
    parked.timer.unref?.();
    return 'POLLING_SUC';
  }

  /** Parked requests of topic@group@queueId (POLLING_INFO). */
  pollingNum(topic: string, group: string, queueId: number): number {
    return this.byKey.get(`${topic}@${group}@${queueId}`)?.size ?? 0;
  }

  /** A message arrived on `topic`/`queueId`: wake the requests waiting for it (all of them for a retry topic). */
  notifyMessageArriving(topic: string, queueId: number): void {
    const set = this.byTopic.get(topic);
    if (!set || set.size === 0) return;
    for (const p of [...set]) {
      const isRetryArrival = p.retryTopic === topic && p.topic !== topic;
      if (isRetryArrival || p.queueId < 0 || p.queueId === queueId) this.wake(p);
    }
  }

  /** Wakes every parked request of topic@group (after a pop left messages behind). */
  notifyGroup(topic: string, group: string): void {
    const set = this.byTopic.get(topic);
    if (!set) return;
    for (const p of [...set]) if (p.group === group && p.topic === topic) this.wake(p);
  }

  /** Stops parking and re-runs every parked request (they answer now). */
  shutdown(): void {
    this.stopped = true;
    for (const set of [...this.byKey.values()]) for (const p of [...set]) this.wake(p);
  }

  private wake(p: Parked): void {
    const key = `${p.topic}@${p.group}@${p.queueId}`;
    const set = this.byKey.get(key);
    if (!set?.delete(p)) return; // already woken
    if (set.size === 0) this.byKey.delete(key);
    for (const t of [p.topic, p.retryTopic]) {
      const s = this.byTopic.get(t);
      s?.delete(p);
      if (s?.size === 0) this.byTopic.delete(t);
    }
    this.total--;
    if (p.timer) clearTimeout(p.timer);
    if (p.channel.isActive()) this.opts.wakeUp(p);
  }
}
