import { javaMapEntries, isPlainObject, parseJavaJson, messageQueueKey, type MessageQueue } from '@rocketnest/common';

/** `ResetOffsetBody` `{"offsetTable":{<MessageQueue>:offset}}` (object keys, raw or as JSON strings). */
export function parseResetOffsetBody(body: Buffer): Map<string, { mq: MessageQueue; offset: number }> {
  const out = new Map<string, { mq: MessageQueue; offset: number }>();
  const raw = parseJavaJson(body, { bigIntegers: 'number' });
  if (!isPlainObject(raw) && !(raw instanceof Object)) return out;
  const table = (raw as Record<string, unknown>).offsetTable;
  if (table === undefined || table === null) return out;
  for (const [key, value] of javaMapEntries(table, 'offsetTable')) {
    const k = typeof key === 'string' ? parseJavaJson(key) : key;
    if (!isPlainObject(k)) continue;
    const mq = { topic: String(k.topic), brokerName: String(k.brokerName), queueId: Number(k.queueId) };
    out.set(messageQueueKey(mq), { mq, offset: Number(value) });
  }
  return out;
}
