/**
 * 5.x POP family headers (protocol.md §2.3.15). Codes ≥ 200050 must travel with JSON headers.
 */
import { defineHeader, opt, req, type DecodedHeader } from './header-codec';
import { TOPIC_REQUEST_BASE } from './rpc-base';

/** POP_MESSAGE (200050). */
export const PopMessageRequestHeader = defineHeader(
  {
    consumerGroup: req.string,
    topic: req.string,
    /** −1 = any queue. */
    queueId: req.int,
    maxMsgNums: req.int,
    invisibleTime: req.long,
    pollTime: req.long,
    bornTime: req.long,
    /** 0 = start from min offset, 1 = max, when the group has no offset. */
    initMode: req.int,
    expType: opt.string,
    exp: opt.string,
    /** Java initialises it to false (sent). */
    order: opt.boolean,
    attemptId: opt.string,
    ...TOPIC_REQUEST_BASE,
  },
  'PopMessageRequestHeader',
);
export type PopMessageRequestHeader = DecodedHeader<typeof PopMessageRequestHeader.spec>;

export const PopMessageResponseHeader = defineHeader(
  {
    popTime: req.long,
    invisibleTime: req.long,
    reviveQid: req.int,
    restNum: req.long,
    startOffsetInfo: opt.string,
    msgOffsetInfo: opt.string,
    orderCountInfo: opt.string,
  },
  'PopMessageResponseHeader',
);
export type PopMessageResponseHeader = DecodedHeader<typeof PopMessageResponseHeader.spec>;

/** ACK_MESSAGE (200051). */
export const AckMessageRequestHeader = defineHeader(
  {
    consumerGroup: req.string,
    topic: req.string,
    queueId: req.int,
    /** The full POP_CK handle. */
    extraInfo: req.string,
    offset: req.long,
    ...TOPIC_REQUEST_BASE,
  },
  'AckMessageRequestHeader',
);
export type AckMessageRequestHeader = DecodedHeader<typeof AckMessageRequestHeader.spec>;

/** CHANGE_MESSAGE_INVISIBLETIME (200053). */
export const ChangeInvisibleTimeRequestHeader = defineHeader(
  {
    consumerGroup: req.string,
    topic: req.string,
    queueId: req.int,
    extraInfo: req.string,
    offset: req.long,
    invisibleTime: req.long,
    ...TOPIC_REQUEST_BASE,
  },
  'ChangeInvisibleTimeRequestHeader',
);
export type ChangeInvisibleTimeRequestHeader = DecodedHeader<typeof ChangeInvisibleTimeRequestHeader.spec>;

export const ChangeInvisibleTimeResponseHeader = defineHeader(
  { popTime: req.long, invisibleTime: req.long, reviveQid: req.int },
  'ChangeInvisibleTimeResponseHeader',
);
export type ChangeInvisibleTimeResponseHeader = DecodedHeader<typeof ChangeInvisibleTimeResponseHeader.spec>;

/** PEEK_MESSAGE (200052). */
export const PeekMessageRequestHeader = defineHeader(
  { topic: req.string, queueId: req.int, maxMsgNums: req.int, consumerGroup: req.string, ...TOPIC_REQUEST_BASE },
  'PeekMessageRequestHeader',
);
export type PeekMessageRequestHeader = DecodedHeader<typeof PeekMessageRequestHeader.spec>;

/** POLLING_INFO (200055). */
export const PollingInfoRequestHeader = defineHeader(
  { consumerGroup: req.string, topic: req.string, queueId: req.int, ...TOPIC_REQUEST_BASE },
  'PollingInfoRequestHeader',
);
export type PollingInfoRequestHeader = DecodedHeader<typeof PollingInfoRequestHeader.spec>;

export const PollingInfoResponseHeader = defineHeader({ pollingNum: req.int }, 'PollingInfoResponseHeader');
export type PollingInfoResponseHeader = DecodedHeader<typeof PollingInfoResponseHeader.spec>;

/** NOTIFICATION (200054). */
export const NotificationRequestHeader = defineHeader(
  {
    consumerGroup: req.string,
    topic: req.string,
    queueId: req.int,
    pollTime: req.long,
    bornTime: req.long,
    order: opt.boolean,
    attemptId: opt.string,
    ...TOPIC_REQUEST_BASE,
  },
  'NotificationRequestHeader',
);
export type NotificationRequestHeader = DecodedHeader<typeof NotificationRequestHeader.spec>;

export const NotificationResponseHeader = defineHeader(
  { hasMsg: req.boolean, pollingFull: opt.boolean },
  'NotificationResponseHeader',
);
export type NotificationResponseHeader = DecodedHeader<typeof NotificationResponseHeader.spec>;
