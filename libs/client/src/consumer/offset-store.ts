import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  MQClientError,
  isPlainObject,
  javaMapEntries,
  messageQueueKey,
  parseJavaJson,
  toJavaJson,
  type MessageQueue,
} from '@rocketnest/common';
import type { MQClientInstance } from '../impl/mq-client-instance';

/** Where `readOffset` looks (Java `ReadOffsetType`). */
export const ReadOffsetType = {
  READ_FROM_MEMORY: 'READ_FROM_MEMORY',
  READ_FROM_STORE: 'READ_FROM_STORE',
  MEMORY_FIRST_THEN_STORE: 'MEMORY_FIRST_THEN_STORE',
} as const;
export type ReadOffsetType = (typeof ReadOffsetType)[keyof typeof ReadOffsetType];

/** Consumer progress per queue (Java `OffsetStore`). -1 = no offset known. */
export interface OffsetStore {
  load(): Promise<void>;
  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void;
  readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number>;
  /** Writes the offsets of `mqs`; `sync` waits for the broker's answer (used on shutdown). */
  persistAll(mqs: MessageQueue[], sync?: boolean): Promise<void>;
  persist(mq: MessageQueue): Promise<void>;
  removeOffset(mq: MessageQueue): void;
  cloneOffsetTable(topic?: string): Map<string, { mq: MessageQueue; offset: number }>;
}

abstract class MemoryOffsetTable {
  protected readonly table = new Map<string, { mq: MessageQueue; offset: number }>();

  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const key = messageQueueKey(mq);
    const cur = this.table.get(key);
    if (!cur) this.table.set(key, { mq, offset });
    else if (!increaseOnly || offset > cur.offset) cur.offset = offset;
  }

  protected memoryOffset(mq: MessageQueue): number {
    return this.table.get(messageQueueKey(mq))?.offset ?? -1;
  }

  removeOffset(mq: MessageQueue): void {
    this.table.delete(messageQueueKey(mq));
  }

  cloneOffsetTable(topic?: string): Map<string, { mq: MessageQueue; offset: number }> {
    const out = new Map<string, { mq: MessageQueue; offset: number }>();
    for (const [k, v] of this.table) if (!topic || v.mq.topic === topic) out.set(k, { mq: v.mq, offset: v.offset });
    return out;
  }
}

/** Clustering: offsets live on the broker (Java `RemoteBrokerOffsetStore`); persisted with oneway UPDATE_CONSUMER_OFFSET. */
export class RemoteBrokerOffsetStore extends MemoryOffsetTable implements OffsetStore {
  constructor(
    private readonly client: MQClientInstance,
    private readonly group: string,
  ) {
    super();
  }

  async load(): Promise<void> {}

  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type !== ReadOffsetType.READ_FROM_STORE) {
      const mem = this.memoryOffset(mq);
      if (mem >= 0 || type === ReadOffsetType.READ_FROM_MEMORY) return mem;
    }
    const addr = await this.brokerAddr(mq);
    const offset = await this.client.api.queryConsumerOffset(addr, this.group, mq);
    if (offset === undefined) return -1;
    this.updateOffset(mq, offset, false);
    return offset;
  }

  async persistAll(mqs: MessageQueue[], sync = false): Promise<void> {
    const wanted = new Set(mqs.map(messageQueueKey));
    const calls: Promise<void>[] = [];
    for (const [key, { mq, offset }] of this.table) {
      if (!wanted.has(key)) continue;
      calls.push(
        this.brokerAddr(mq)
          .then((addr) => this.client.api.updateConsumerOffset(addr, this.group, mq, offset, !sync))
          .catch((err) => this.client.logger.warn(`persisting offset of ${key} failed`, err)),
      );
    }
    await Promise.all(calls);
  }

  async persist(mq: MessageQueue): Promise<void> {
    const entry = this.table.get(messageQueueKey(mq));
    if (!entry) return;
    const addr = await this.brokerAddr(mq);
    await this.client.api.updateConsumerOffset(addr, this.group, mq, entry.offset, false);
  }

  /** Sync update on the broker (Java `updateConsumeOffsetToBroker(mq, offset, false)`), used by `commitSync`. */
  async commitToBroker(mq: MessageQueue, offset: number): Promise<void> {
    this.updateOffset(mq, offset, false);
    await this.client.api.updateConsumerOffset(await this.brokerAddr(mq), this.group, mq, offset, false);
  }

  private async brokerAddr(mq: MessageQueue): Promise<string> {
    let addr = this.client.findBrokerAddressInSubscribe(mq.brokerName);
    if (!addr) {
      await this.client.updateTopicRouteInfo(mq.topic);
      addr = this.client.findBrokerAddressInSubscribe(mq.brokerName);
    }
    if (!addr)
      throw new MQClientError(`The broker "${mq.brokerName}" of ${mq.topic} is not in the route; is it running?`, {
        retriable: true,
      });
    return addr;
  }
}

/**
 * Broadcasting: offsets in a local file (Java `LocalFileOffsetStore`):
 * `<offsetStoreDir>/<clientId>/<group>/offsets.json` = `{"offsetTable":{"<MessageQueue JSON>":offset}}`, written to a
 * temp file and renamed, the previous copy kept as `offsets.json.bak`. Default dir: env `rocketmq.client.localOffsetStoreDir`
 * or `~/.rocketmq_offsets`.
 */
export class LocalFileOffsetStore extends MemoryOffsetTable implements OffsetStore {
  readonly storePath: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(clientId: string, group: string, offsetStoreDir?: string) {
    super();
    const dir =
      offsetStoreDir ?? process.env['rocketmq.client.localOffsetStoreDir'] ?? join(homedir(), '.rocketmq_offsets');
    this.storePath = join(dir, clientId.replace(/[\\/]/g, '_'), group, 'offsets.json');
  }

  async load(): Promise<void> {
    for (const path of [this.storePath, `${this.storePath}.bak`]) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        continue;
      }
      try {
        const raw = parseJavaJson(text, { bigIntegers: 'number' });
        if (!isPlainObject(raw) || raw.offsetTable === undefined) continue;
        for (const [k, v] of javaMapEntries(raw.offsetTable, 'offsetTable')) {
          const keyObj = typeof k === 'string' ? parseJavaJson(k) : k;
          if (!isPlainObject(keyObj)) continue;
          const mq = {
            topic: String(keyObj.topic),
            brokerName: String(keyObj.brokerName),
            queueId: Number(keyObj.queueId),
          };
          this.table.set(messageQueueKey(mq), { mq, offset: Number(v) });
        }
        return;
      } catch {
        continue;
      }
    }
  }

  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type === ReadOffsetType.READ_FROM_STORE) {
      const fresh = new LocalFileOffsetStore('', '', '');
      (fresh as { storePath: string }).storePath = this.storePath;
      await fresh.load();
      const offset = fresh.memoryOffset(mq);
      if (offset >= 0) this.updateOffset(mq, offset, false);
      return offset;
    }
    return this.memoryOffset(mq);
  }

  async persistAll(mqs: MessageQueue[]): Promise<void> {
    if (mqs.length === 0 && this.table.size === 0) return;
    const wanted = new Set(mqs.map(messageQueueKey));
    const entries = new Map<object, number>();
    for (const [key, { mq, offset }] of this.table) {
      if (wanted.has(key)) entries.set({ brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic }, offset);
    }
    const text = toJavaJson({ offsetTable: entries }, { pretty: true });
    this.writing = this.writing.then(() => this.writeAtomically(text));
    await this.writing;
  }

  async persist(mq: MessageQueue): Promise<void> {
    await this.persistAll([...this.table.values()].map((v) => v.mq).concat([mq]));
  }

  private async writeAtomically(text: string): Promise<void> {
    const dir = join(this.storePath, '..');
    await mkdir(dir, { recursive: true });
    const tmp = `${this.storePath}.tmp`;
    await writeFile(tmp, text, 'utf8');
    try {
      await rename(this.storePath, `${this.storePath}.bak`);
    } catch {
      // first write: nothing to back up
    }
    await rename(tmp, this.storePath);
  }
}
