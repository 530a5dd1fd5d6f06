/**
 * LOCK_BATCH_MQ (41) / UNLOCK_BATCH_MQ (42) bodies (protocol.md §2.3.12):
 * request `{"clientId":"cid","consumerGroup":"CG","mqSet":[{"brokerName":"b","queueId":0,"topic":"T"}],
 * "onlyThisBroker":false}` (`onlyThisBroker` 5.x), response `{"lockOKMQSet":[…]}`.
 */
import type { MessageQueue } from '../../message/message-queue';
import {
  arr,
  encodeBody,
  messageQueueJson,
  optBool,
  parseObjectBody,
  str,
  toMessageQueue,
  type JsonObject,
} from './body-json';

export interface LockBatchRequestBody {
  consumerGroup: string;
  clientId: string;
  mqSet: MessageQueue[];
  /** 5.x: lock only on the receiving broker (no proxy fan-out). */
  onlyThisBroker?: boolean;
}

/** Same shape as the lock request. */
export type UnlockBatchRequestBody = LockBatchRequestBody;

export interface LockBatchResponseBody {
  /** The queues this client now holds. */
  lockOKMQSet: MessageQueue[];
}

function mqList(o: JsonObject, key: string, path: string): MessageQueue[] {
  return arr(o, key, path).map((m, i) => toMessageQueue(m, `${path}.${key}[${i}]`));
}

export function encodeLockBatchRequestBody(body: LockBatchRequestBody): Buffer {
  return encodeBody({
    clientId: body.clientId,
    consumerGroup: body.consumerGroup,
    mqSet: body.mqSet.map(messageQueueJson),
    onlyThisBroker: body.onlyThisBroker,
  });
}

export function decodeLockBatchRequestBody(body: Uint8Array | string | null | undefined): LockBatchRequestBody {
  const path = 'LockBatchRequestBody';
  const o = parseObjectBody(body, path);
  const out: LockBatchRequestBody = {
    consumerGroup: str(o, 'consumerGroup', path),
    clientId: str(o, 'clientId', path),
    mqSet: mqList(o, 'mqSet', path),
  };
  const only = optBool(o, 'onlyThisBroker', path);
  if (only !== undefined) out.onlyThisBroker = only;
  return out;
}

export const encodeUnlockBatchRequestBody: (body: UnlockBatchRequestBody) => Buffer = encodeLockBatchRequestBody;
export const decodeUnlockBatchRequestBody: (body: Uint8Array | string | null | undefined) => UnlockBatchRequestBody =
  decodeLockBatchRequestBody;

export function encodeLockBatchResponseBody(body: LockBatchResponseBody): Buffer {
  return encodeBody({ lockOKMQSet: body.lockOKMQSet.map(messageQueueJson) });
}

export function decodeLockBatchResponseBody(body: Uint8Array | string | null | undefined): LockBatchResponseBody {
  const path = 'LockBatchResponseBody';
  return { lockOKMQSet: mqList(parseObjectBody(body, path), 'lockOKMQSet', path) };
}
