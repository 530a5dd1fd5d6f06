import { createHash } from 'node:crypto';
import type { MessageQueue } from '@rocketnest/common';
import { MQClientError } from '@rocketnest/common';
import {
  type AllocateMessageQueueStrategy,
  checkAllocateArguments,
  javaMessageQueueString,
} from './allocate-message-queue-strategy';

/** Maps a key to a position on the ring (Java `HashFunction`). Must return a non-negative integer < 2^53. */
export type ConsistentHashFunction = (key: string) => number;

/** Java `ConsistentHashRouter.MD5Hash`: the first 4 bytes of MD5(UTF-8 key), big-endian, as an unsigned number. */
export const md5HashFunction: ConsistentHashFunction = (key) =>
  createHash('md5').update(key, 'utf8').digest().readUInt32BE(0);

/**
 * Consistent hashing (Java `AllocateMessageQueueConsistentHash`): each client gets `virtualNodeCnt` points
 * `hash("<cid>-<i>")` on a ring; a queue belongs to the first point at or after `hash(MessageQueue.toString())`,
 * wrapping around.
 */
export class AllocateMessageQueueConsistentHash implements AllocateMessageQueueStrategy {
  readonly name = 'CONSISTENT_HASH';

  /** @param virtualNodeCnt points per client on the ring; default 10. */
  constructor(
    private readonly virtualNodeCnt = 10,
    private readonly hashFunction: ConsistentHashFunction = md5HashFunction,
  ) {
    if (virtualNodeCnt < 0) throw new MQClientError(`illegal virtualNodeCnt :${virtualNodeCnt}`);
  }

  allocate(_group: string, currentCID: string, mqAll: MessageQueue[], cidAll: string[]): MessageQueue[] {
    if (!checkAllocateArguments(currentCID, mqAll, cidAll)) return [];
    // Ring as Java's TreeMap<Long, node>: a later point with an equal hash replaces the earlier one.
    const ring = new Map<number, string>();
    const replicas = new Map<string, number>();
    for (const cid of cidAll) {
      const existing = replicas.get(cid) ?? 0;
      for (let i = 0; i < this.virtualNodeCnt; i++) ring.set(this.hashFunction(`${cid}-${i + existing}`), cid);
      replicas.set(cid, existing + this.virtualNodeCnt);
    }
    if (ring.size === 0) return [];
    const points = [...ring.keys()].sort((a, b) => a - b);
    return mqAll.filter((mq) => {
      const h = this.hashFunction(javaMessageQueueString(mq));
      const point = firstAtOrAfter(points, h) ?? points[0]!;
      return ring.get(point) === currentCID;
    });
  }
}

function firstAtOrAfter(sorted: number[], value: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}
