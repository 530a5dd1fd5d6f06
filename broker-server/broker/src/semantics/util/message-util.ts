import {
  MessageExtBrokerInner,
  type HostAddress,
  type MessageExt,
  getTransactionValue,
  MessageSysFlag,
} from '@rocketnest/common';
import type { PutMessageResult } from '@rocketnest/store';

/** The status of a put, whichever field name the store uses. */
export function putStatusOf(result: PutMessageResult): string {
  const r = result as unknown as { status?: string; putMessageStatus?: string };
  return r.putMessageStatus ?? r.status ?? 'UNKNOWN_ERROR';
}

/** Whether a put stored the message (Java counts the flush/slave timeouts as stored). */
export function isPutStored(result: PutMessageResult): boolean {
  const status = putStatusOf(result);
  return (
    status === 'PUT_OK' ||
    status === 'FLUSH_DISK_TIMEOUT' ||
    status === 'FLUSH_SLAVE_TIMEOUT' ||
    status === 'SLAVE_NOT_AVAILABLE'
  );
}

export interface AppendInfo {
  wroteOffset: number;
  logicsOffset: number;
  msgId: string;
  storeTimestamp: number;
}

/** The append details of a stored put. */
export function appendOf(result: PutMessageResult): AppendInfo | undefined {
  const r = result as unknown as { appendResult?: AppendInfo; appendMessageResult?: AppendInfo };
  return r.appendMessageResult ?? r.appendResult;
}

/**
 * A broker-inner copy of a stored message (Java `MessageExtBrokerInner` built field by field): properties are copied,
 * so the caller may change them; tagsCode and properties string are recomputed by {@link finishInner}.
 */
export function toInner(
  msg: MessageExt,
  overrides: { topic?: string; queueId?: number; storeHost?: HostAddress } = {},
): MessageExtBrokerInner {
  const inner = new MessageExtBrokerInner();
  inner.topic = overrides.topic ?? msg.topic;
  inner.queueId = overrides.queueId ?? msg.queueId;
  inner.body = msg.body;
  inner.flag = msg.flag;
  inner.properties = { ...msg.properties };
  inner.sysFlag = msg.sysFlag;
  inner.bornTimestamp = msg.bornTimestamp;
  inner.bornHost = msg.bornHost;
  inner.storeHost = overrides.storeHost ?? msg.storeHost;
  inner.reconsumeTimes = msg.reconsumeTimes;
  inner.preparedTransactionOffset = msg.preparedTransactionOffset;
  return inner;
}

/** Recomputes the tags code (hash of TAGS) and the properties string before a put. */
export function finishInner(inner: MessageExtBrokerInner): MessageExtBrokerInner {
  inner.syncTagsCode();
  inner.syncPropertiesString();
  return inner;
}

/** True for prepared and rollback records, which are never delayed nor dispatched (Java `handleScheduleMessage`). */
export function isPreparedOrRollback(sysFlag: number): boolean {
  const t = getTransactionValue(sysFlag);
  return t === MessageSysFlag.TRANSACTION_PREPARED_TYPE || t === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
}

/** Integer value of a property, or undefined when absent or not an integer. */
export function intProperty(msg: { getProperty(name: string): string | undefined }, name: string): number | undefined {
  const v = msg.getProperty(name);
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return undefined;
  return Number(v.trim());
}
