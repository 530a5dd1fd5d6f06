import { MessageExtBrokerInner } from '@rocketnest/common';
import type { FlushDiskType, MessageStoreConfig } from '../src/message-store-config';

export const CRASH_TOPIC = 'CrashTopic';
export const CRASH_QUEUES = 4;

export function crashConfig(
  dir: string,
  flush: FlushDiskType,
): Partial<MessageStoreConfig> & { storePathRootDir: string } {
  return {
    storePathRootDir: dir,
    flushDiskType: flush,
    mappedFileSizeCommitLog: 256 * 1024,
    mappedFileSizeConsumeQueue: 20 * 500,
    maxHashSlotNum: 2000,
    maxIndexNum: 8000,
    flushIntervalCommitLog: 20,
    flushIntervalConsumeQueue: 30,
  };
}

/** Deterministic body of message `seq`: 100..3000 bytes. */
export function crashBody(seq: number): Buffer {
  const len = 100 + ((seq * 7919) % 2900);
  const b = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) b[i] = (seq * 31 + i * 17) & 0xff;
  return b;
}

export function crashMessage(seq: number, body: Buffer): MessageExtBrokerInner {
  const m = new MessageExtBrokerInner();
  m.topic = CRASH_TOPIC;
  m.queueId = seq % CRASH_QUEUES;
  m.body = body;
  m.bornTimestamp = Date.now();
  m.bornHost = { address: '127.0.0.1', port: 40000 };
  m.storeHost = { address: '127.0.0.1', port: 10911 };
  m.putProperty('TAGS', `T${seq % 3}`);
  m.putProperty('KEYS', `crash-${seq}`);
  m.putProperty('seq', String(seq));
  m.syncPropertiesString();
  return m;
}
