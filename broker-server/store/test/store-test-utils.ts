import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageExtBrokerInner } from '@rocketnest/common';
import { DefaultMessageStore } from '../src/default-message-store';
import type { MessageStoreConfig } from '../src/message-store-config';

export async function makeTempDir(prefix = 'rn-store-'): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

export interface MsgOptions {
  tags?: string;
  keys?: string;
  properties?: Record<string, string>;
  sysFlag?: number;
  bornTimestamp?: number;
}

export function makeMessage(
  topic: string,
  queueId: number,
  body: string | Buffer,
  opts: MsgOptions = {},
): MessageExtBrokerInner {
  const m = new MessageExtBrokerInner();
  m.topic = topic;
  m.queueId = queueId;
  m.body = typeof body === 'string' ? Buffer.from(body) : body;
  m.sysFlag = opts.sysFlag ?? 0;
  m.bornTimestamp = opts.bornTimestamp ?? Date.now();
  m.bornHost = { address: '127.0.0.1', port: 50000 };
  m.storeHost = { address: '127.0.0.1', port: 10911 };
  if (opts.tags) m.putProperty('TAGS', opts.tags);
  if (opts.keys) m.putProperty('KEYS', opts.keys);
  for (const [k, v] of Object.entries(opts.properties ?? {})) m.putProperty(k, v);
  m.syncPropertiesString();
  return m;
}

/** Small segments and fast timers so tests roll files and run loops quickly. */
export function testConfig(
  root: string,
  extra: Partial<MessageStoreConfig> = {},
): Partial<MessageStoreConfig> & { storePathRootDir: string } {
  return {
    storePathRootDir: root,
    mappedFileSizeCommitLog: 64 * 1024,
    mappedFileSizeConsumeQueue: 20 * 100,
    maxHashSlotNum: 1000,
    maxIndexNum: 4000,
    flushIntervalCommitLog: 50,
    flushIntervalConsumeQueue: 50,
    cleanResourceInterval: 60000,
    ...extra,
  };
}

export async function openStore(root: string, extra: Partial<MessageStoreConfig> = {}): Promise<DefaultMessageStore> {
  const store = new DefaultMessageStore(testConfig(root, extra));
  store.logger = { warn: () => undefined, error: () => undefined };
  await store.start();
  return store;
}
