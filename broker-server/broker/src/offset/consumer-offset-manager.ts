import * as path from 'node:path';
import {
  decodeConsumerOffsetWrapper,
  encodeConsumerOffsetWrapper,
  newDataVersion,
  nextDataVersion,
  type DataVersion,
} from '@rocketnest/common';
import type { BrokerConfig } from '../config/broker-config';
import { readConfigFile, writeFileAtomicSync } from '../config/config-file';

const TOPIC_GROUP_SEPARATOR = '@';

/**
 * Committed consumer offsets, `topic@group` → queueId → next offset to consume; persisted as
 * `config/consumerOffset.json` (Java `ConsumerOffsetManager`). The controller persists it every
 * `flushConsumerOffsetInterval` ms and at shutdown.
 */
export class ConsumerOffsetManager {
  readonly offsetTable = new Map<string, Map<number, number>>();
  /** Server-side offset resets waiting for the group's next pull (`topic@group` → queueId → offset). Not persisted. */
  readonly resetOffsetTable = new Map<string, Map<number, number>>();
  dataVersion: DataVersion = newDataVersion();
  readonly file: string;
  private dirty = false;

  constructor(brokerConfig: BrokerConfig) {
    this.file = path.join(brokerConfig.storePathRootDir, 'config', 'consumerOffset.json');
  }

  static key(topic: string, group: string): string {
    return `${topic}${TOPIC_GROUP_SEPARATOR}${group}`;
  }

  load(): boolean {
    const loaded = readConfigFile(this.file, (text) => decodeConsumerOffsetWrapper(text));
    if (!loaded) return true;
    for (const [key, queues] of Object.entries(loaded.offsetTable)) {
      const map = new Map<number, number>();
      for (const [q, offset] of Object.entries(queues)) map.set(Number(q), offset);
      this.offsetTable.set(key, map);
    }
    if (loaded.dataVersion) this.dataVersion = loaded.dataVersion;
    return true;
  }

  encode(): string {
    const table: Record<string, Record<string, number>> = {};
    for (const [key, queues] of this.offsetTable) {
      const inner: Record<string, number> = {};
      for (const [q, offset] of queues) inner[String(q)] = offset;
      table[key] = inner;
    }
    return encodeConsumerOffsetWrapper(
      { offsetTable: table, dataVersion: this.dataVersion },
      { pretty: true },
    ).toString('utf8');
  }

  persist(): void {
    writeFileAtomicSync(this.file, this.encode());
    this.dirty = false;
  }

  /** Persists only when something changed since the last write (the periodic flush). */
  persistIfDirty(): void {
    if (this.dirty) this.persist();
  }

  commitOffset(group: string, topic: string, queueId: number, offset: number): void {
    const key = ConsumerOffsetManager.key(topic, group);
    let queues = this.offsetTable.get(key);
    if (!queues) {
      queues = new Map();
      this.offsetTable.set(key, queues);
    }
    queues.set(queueId, offset);
    this.markDirty();
  }

  /** The committed offset, or -1 when there is none (Java semantics). */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.offsetTable.get(ConsumerOffsetManager.key(topic, group))?.get(queueId) ?? -1;
  }

  queryOffsetTable(group: string, topic: string): Map<number, number> | undefined {
    return this.offsetTable.get(ConsumerOffsetManager.key(topic, group));
  }

  /**
   * Makes the group's next pull of the queue answer PULL_OFFSET_MOVED with `offset` as nextBeginOffset (Java
   * `assignResetOffset`, used by server-side offset resets); also commits it.
   */
  assignResetOffset(topic: string, group: string, queueId: number, offset: number): void {
    const key = ConsumerOffsetManager.key(topic, group);
    let queues = this.resetOffsetTable.get(key);
    if (!queues) {
      queues = new Map();
      this.resetOffsetTable.set(key, queues);
    }
    queues.set(queueId, offset);
    this.commitOffset(group, topic, queueId, offset);
  }

  /** A pending reset for the queue, removed as it is returned. */
  queryThenEraseResetOffset(topic: string, group: string, queueId: number): number | undefined {
    if (this.resetOffsetTable.size === 0) return undefined;
    const key = ConsumerOffsetManager.key(topic, group);
    const queues = this.resetOffsetTable.get(key);
    const offset = queues?.get(queueId);
    if (offset === undefined) return undefined;
    queues!.delete(queueId);
    if (queues!.size === 0) this.resetOffsetTable.delete(key);
    return offset;
  }

  /** Topics the group has offsets for. */
  whichTopicByConsumer(group: string): Set<string> {
    const topics = new Set<string>();
    for (const key of this.offsetTable.keys()) {
      const [topic, g] = splitKey(key);
      if (g === group) topics.add(topic);
    }
    return topics;
  }

  /** Groups that have offsets on the topic. */
  whichGroupByTopic(topic: string): Set<string> {
    const groups = new Set<string>();
    for (const key of this.offsetTable.keys()) {
      const [t, group] = splitKey(key);
      if (t === topic) groups.add(group);
    }
    return groups;
  }

  /**
   * Per queue of `topic`, the smallest offset committed by any group except `excludedGroups`, counting only offsets
   * not below the queue's min offset (Java `queryMinOffsetInAllGroup`, which also deletes the excluded groups'
   * offsets; this one leaves them alone). Queues are in ascending id order.
   */
  queryMinOffsetInAllGroup(
    topic: string,
    excludedGroups: ReadonlySet<string>,
    minOffsetInQueue: (queueId: number) => number,
  ): Map<number, number> {
    const min = new Map<number, number>();
    for (const [key, queues] of this.offsetTable) {
      const [t, group] = splitKey(key);
      if (t !== topic || excludedGroups.has(group)) continue;
      for (const [queueId, offset] of queues) {
        if (offset < minOffsetInQueue(queueId)) continue;
        const current = min.get(queueId);
        if (current === undefined || offset < current) min.set(queueId, offset);
      }
    }
    return new Map([...min].sort((a, b) => a[0] - b[0]));
  }

  /** Copies a group's offsets of `topic` to another group (CLONE_GROUP_OFFSET). */
  cloneOffset(srcGroup: string, destGroup: string, topic: string): void {
    const src = this.offsetTable.get(ConsumerOffsetManager.key(topic, srcGroup));
    if (!src) return;
    this.offsetTable.set(ConsumerOffsetManager.key(topic, destGroup), new Map(src));
    this.markDirty();
  }

  removeOffset(group: string): void {
    for (const key of [...this.offsetTable.keys()]) {
      if (splitKey(key)[1] === group) this.offsetTable.delete(key);
    }
    this.markDirty();
  }

  cleanOffsetByTopic(topic: string): void {
    for (const key of [...this.offsetTable.keys()]) {
      if (splitKey(key)[0] === topic) this.offsetTable.delete(key);
    }
    this.markDirty();
  }

  private markDirty(): void {
    if (!this.dirty) {
      this.dirty = true;
      this.dataVersion = nextDataVersion(this.dataVersion);
    }
  }
}

function splitKey(key: string): [topic: string, group: string] {
  const at = key.lastIndexOf(TOPIC_GROUP_SEPARATOR);
  return at < 0 ? [key, ''] : [key.slice(0, at), key.slice(at + 1)];
}
