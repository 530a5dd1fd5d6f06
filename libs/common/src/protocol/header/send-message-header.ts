/**
 * Send headers (protocol.md §2.3.1, §2.3.2, §2.3.22).
 *
 * - SEND_MESSAGE (10) / SEND_REPLY_MESSAGE (324): `SendMessageRequestHeader`, long field names.
 * - SEND_MESSAGE_V2 (310) / SEND_BATCH_MESSAGE (320) / SEND_REPLY_MESSAGE_V2 (325): `SendMessageRequestHeaderV2`,
 *   the same fields under the keys `a`…`n` (Java clients always use these).
 * - Response of every send code: `SendMessageResponseHeader`; Java brokers also put `MSG_REGION` and `TRACE_ON` in the
 *   response extFields (the Java client requires a non-empty extFields map).
 * - PUSH_REPLY_MESSAGE_TO_CLIENT (326, broker → requester): `ReplyMessageRequestHeader`.
 */
import { defineHeader, opt, prim, req, type DecodedHeader, type HeaderInput } from './header-codec';
import { TOPIC_REQUEST_BASE } from './rpc-base';

export const SendMessageRequestHeader = defineHeader(
  {
    producerGroup: req.string,
    topic: req.string,
    defaultTopic: req.string,
    defaultTopicQueueNums: req.int,
    queueId: req.int,
    sysFlag: req.int,
    bornTimestamp: req.long,
    flag: req.int,
    properties: opt.string,
    reconsumeTimes: opt.int,
    /** Primitive in 4.9.x, so Java always sends it. */
    unitMode: prim.boolean(false),
    /** Primitive in 4.9.x, so Java always sends it. */
    batch: prim.boolean(false),
    maxReconsumeTimes: opt.int,
    ...TOPIC_REQUEST_BASE,
  },
  'SendMessageRequestHeader',
);
export type SendMessageRequestHeader = DecodedHeader<typeof SendMessageRequestHeader.spec>;
export type SendMessageRequestHeaderInput = HeaderInput<typeof SendMessageRequestHeader.spec>;

/** Short-key form; see {@link sendMessageHeaderToV2} / {@link sendMessageHeaderFromV2} (Java `createSendMessageRequestHeaderV2` / `createSendMessageRequestHeaderV1`). */
const sendMessageRequestHeaderV2Codec = defineHeader(
  {
    /** producerGroup */
    a: req.string,
    /** topic */
    b: req.string,
    /** defaultTopic */
    c: req.string,
    /** defaultTopicQueueNums */
    d: req.int,
    /** queueId */
    e: req.int,
    /** sysFlag */
    f: req.int,
    /** bornTimestamp */
    g: req.long,
    /** flag */
    h: req.int,
    /** properties */
    i: opt.string,
    /** reconsumeTimes */
    j: opt.int,
    /** unitMode (always sent by Java) */
    k: prim.boolean(false),
    /** maxReconsumeTimes */
    l: opt.int,
    /** batch (always sent by Java) */
    m: prim.boolean(false),
    /** brokerName (4.9.5+ / 5.x) */
    n: opt.string,
  },
  'SendMessageRequestHeaderV2',
);
export type SendMessageRequestHeaderV2 = DecodedHeader<typeof sendMessageRequestHeaderV2Codec.spec>;

/** Long form → short form. `bname` becomes `n`; the other 5.x base fields have no short key and are dropped. */
export function sendMessageHeaderToV2(h: SendMessageRequestHeaderInput): SendMessageRequestHeaderV2 {
  return {
    a: h.producerGroup,
    b: h.topic,
    c: h.defaultTopic,
    d: h.defaultTopicQueueNums,
    e: h.queueId,
    f: h.sysFlag,
    g: h.bornTimestamp,
    h: h.flag,
    i: h.properties,
    j: h.reconsumeTimes,
    k: h.unitMode ?? false,
    l: h.maxReconsumeTimes,
    m: h.batch ?? false,
    n: h.bname,
  };
}

/** Short form → long form (what a broker processes). */
export function sendMessageHeaderFromV2(v2: SendMessageRequestHeaderV2): SendMessageRequestHeader {
  return {
    producerGroup: v2.a,
    topic: v2.b,
    defaultTopic: v2.c,
    defaultTopicQueueNums: v2.d,
    queueId: v2.e,
    sysFlag: v2.f,
    bornTimestamp: v2.g,
    flag: v2.h,
    properties: v2.i,
    reconsumeTimes: v2.j,
    unitMode: v2.k,
    maxReconsumeTimes: v2.l,
    batch: v2.m,
    bname: v2.n,
  };
}

/**
 * The V2 codec with its conversions: `SendMessageRequestHeaderV2.toV1(v2)` and `SendMessageRequestHeaderV2.fromV1(v1)`.
 */
export const SendMessageRequestHeaderV2 = Object.freeze({
  ...sendMessageRequestHeaderV2Codec,
  toV1: sendMessageHeaderFromV2,
  fromV1: sendMessageHeaderToV2,
});

export const SendMessageResponseHeader = defineHeader(
  {
    /** Offset message id (comma-joined for batches). */
    msgId: req.string,
    queueId: req.int,
    queueOffset: req.long,
    /** = the message's UNIQ_KEY. */
    transactionId: opt.string,
    /** 5.1+: inner-batch unique id. */
    batchUniqId: opt.string,
    /** 5.3.2+: timer message recall handle. */
    recallHandle: opt.string,
  },
  'SendMessageResponseHeader',
);
export type SendMessageResponseHeader = DecodedHeader<typeof SendMessageResponseHeader.spec>;

export const ReplyMessageRequestHeader = defineHeader(
  {
    producerGroup: req.string,
    topic: req.string,
    defaultTopic: req.string,
    defaultTopicQueueNums: req.int,
    queueId: req.int,
    sysFlag: req.int,
    bornTimestamp: req.long,
    flag: req.int,
    properties: opt.string,
    reconsumeTimes: opt.int,
    unitMode: prim.boolean(false),
    /** `ip:port` of the replier. */
    bornHost: req.string,
    storeHost: req.string,
    storeTimestamp: req.long,
    ...TOPIC_REQUEST_BASE,
  },
  'ReplyMessageRequestHeader',
);
export type ReplyMessageRequestHeader = DecodedHeader<typeof ReplyMessageRequestHeader.spec>;
