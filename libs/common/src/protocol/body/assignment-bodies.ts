/**
 * 5.x client-side assignment bodies (POP / "server-side rebalance"):
 * - SET_MESSAGE_REQUEST_MODE (401) request: `{"consumerGroup":"G","mode":"POP","popShareQueueNum":1,"topic":"T"}`
 * - QUERY_ASSIGNMENT (400) request: `{"clientId":"…","consumerGroup":"G","messageModel":"CLUSTERING",
 *   "strategyName":"AVG","topic":"T"}`
 * - QUERY_ASSIGNMENT response: `{"messageQueueAssignments":[{"messageQueue":{mq},"mode":"POP"}]}` (queueId −1 = any
 *   queue of the broker, popped by the broker).
 */
import type { MessageQueue } from '../../message/message-queue';
import {
  arr,
  asObject,
  encodeBody,
  messageQueueJson,
  num,
  optObject,
  parseObjectBody,
  str,
  toMessageQueue,
  toStringRecord,
} from './body-json';

type Body = Uint8Array | string | null | undefined;

/** Java `MessageRequestMode`. */
export const MessageRequestMode = { PULL: 'PULL', POP: 'POP' } as const;
export type MessageRequestMode = (typeof MessageRequestMode)[keyof typeof MessageRequestMode];

export interface SetMessageRequestModeRequestBody {
  topic: string;
  consumerGroup: string;
  /** Default PULL. */
  mode: string;
  /** Consumers sharing one queue in POP mode; default 0. */
  popShareQueueNum: number;
}

export function encodeSetMessageRequestModeRequestBody(b: SetMessageRequestModeRequestBody): Buffer {
  return encodeBody({
    consumerGroup: b.consumerGroup,
    mode: b.mode,
    popShareQueueNum: b.popShareQueueNum,
    topic: b.topic,
  });
}

export function decodeSetMessageRequestModeRequestBody(body: Body): SetMessageRequestModeRequestBody {
  const path = 'SetMessageRequestModeRequestBody';
  const o = parseObjectBody(body, path);
  return {
    topic: str(o, 'topic', path),
    consumerGroup: str(o, 'consumerGroup', path),
    mode: str(o, 'mode', path, MessageRequestMode.PULL),
    popShareQueueNum: num(o, 'popShareQueueNum', path),
  };
}

export interface QueryAssignmentRequestBody {
  topic: string;
  consumerGroup: string;
  clientId: string;
  /** Allocation strategy name, e.g. `AVG`. */
  strategyName: string;
  messageModel: string;
}

export function encodeQueryAssignmentRequestBody(b: QueryAssignmentRequestBody): Buffer {
  return encodeBody({
    clientId: b.clientId,
    consumerGroup: b.consumerGroup,
    messageModel: b.messageModel,
    strategyName: b.strategyName,
    topic: b.topic,
  });
}

export function decodeQueryAssignmentRequestBody(body: Body): QueryAssignmentRequestBody {
  const path = 'QueryAssignmentRequestBody';
  const o = parseObjectBody(body, path);
  return {
    topic: str(o, 'topic', path),
    consumerGroup: str(o, 'consumerGroup', path),
    clientId: str(o, 'clientId', path),
    strategyName: str(o, 'strategyName', path),
    messageModel: str(o, 'messageModel', path),
  };
}

export interface MessageQueueAssignment {
  messageQueue: MessageQueue;
  mode: string;
  attachments?: Record<string, string>;
}

export interface QueryAssignmentResponseBody {
  messageQueueAssignments: MessageQueueAssignment[];
}

export function encodeQueryAssignmentResponseBody(b: QueryAssignmentResponseBody): Buffer {
  return encodeBody({
    messageQueueAssignments: b.messageQueueAssignments.map((a) => ({
      attachments: a.attachments && new Map(Object.entries(a.attachments)),
      messageQueue: messageQueueJson(a.messageQueue),
      mode: a.mode,
    })),
  });
}

export function decodeQueryAssignmentResponseBody(body: Body): QueryAssignmentResponseBody {
  const path = 'QueryAssignmentResponseBody';
  const o = parseObjectBody(body, path);
  return {
    messageQueueAssignments: arr(o, 'messageQueueAssignments', path).map((v, i) => {
      const p = `${path}.messageQueueAssignments[${i}]`;
      const a = asObject(v, p);
      const out: MessageQueueAssignment = {
        messageQueue: toMessageQueue(a.messageQueue, `${p}.messageQueue`),
        mode: str(a, 'mode', p, MessageRequestMode.PULL),
      };
      if (optObject(a, 'attachments', p)) out.attachments = toStringRecord(a.attachments, `${p}.attachments`);
      return out;
    }),
  };
}
