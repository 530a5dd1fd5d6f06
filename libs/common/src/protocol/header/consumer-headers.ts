/**
 * Consumer-side request/response headers (protocol.md §2.3.4–§2.3.8, §2.3.11, §2.3.12).
 */
import { defineHeader, opt, prim, req, type DecodedHeader } from './header-codec';
import { RPC_REQUEST_BASE, TOPIC_REQUEST_BASE } from './rpc-base';

/** HEART_BEAT (34): 5.x sends an empty header (base fields only); the data is the JSON body. */
export const HeartbeatRequestHeader = defineHeader({ ...RPC_REQUEST_BASE }, 'HeartbeatRequestHeader');
export type HeartbeatRequestHeader = DecodedHeader<typeof HeartbeatRequestHeader.spec>;

/**
 * HEART_BEAT response extFields (5.1.3+ brokers): whether the broker supports the fingerprint ("V2") heartbeat and
 * whether the subscription changed. Absent from older brokers.
 */
export const HeartbeatResponseHeader = defineHeader(
  { IS_SUPPORT_HEART_BEAT_V2: opt.boolean, IS_SUB_CHANGE: opt.boolean },
  'HeartbeatResponseHeader',
);
export type HeartbeatResponseHeader = DecodedHeader<typeof HeartbeatResponseHeader.spec>;

/** UNREGISTER_CLIENT (35). */
export const UnregisterClientRequestHeader = defineHeader(
  { clientID: req.string, producerGroup: opt.string, consumerGroup: opt.string, ...RPC_REQUEST_BASE },
  'UnregisterClientRequestHeader',
);
export type UnregisterClientRequestHeader = DecodedHeader<typeof UnregisterClientRequestHeader.spec>;

/** GET_CONSUMER_LIST_BY_GROUP (38); the response carries a JSON body, no header fields. */
export const GetConsumerListByGroupRequestHeader = defineHeader(
  { consumerGroup: req.string, ...RPC_REQUEST_BASE },
  'GetConsumerListByGroupRequestHeader',
);
export type GetConsumerListByGroupRequestHeader = DecodedHeader<typeof GetConsumerListByGroupRequestHeader.spec>;

/** QUERY_CONSUMER_OFFSET (14). */
export const QueryConsumerOffsetRequestHeader = defineHeader(
  {
    consumerGroup: req.string,
    topic: req.string,
    queueId: req.int,
    /** 5.x: answer 0 instead of QUERY_NOT_FOUND when the group has no offset (subject to the broker's rules). */
    setZeroIfNotFound: opt.boolean,
    ...TOPIC_REQUEST_BASE,
  },
  'QueryConsumerOffsetRequestHeader',
);
export type QueryConsumerOffsetRequestHeader = DecodedHeader<typeof QueryConsumerOffsetRequestHeader.spec>;

export const QueryConsumerOffsetResponseHeader = defineHeader(
  { offset: req.long },
  'QueryConsumerOffsetResponseHeader',
);
export type QueryConsumerOffsetResponseHeader = DecodedHeader<typeof QueryConsumerOffsetResponseHeader.spec>;

/** UPDATE_CONSUMER_OFFSET (15), usually oneway. */
export const UpdateConsumerOffsetRequestHeader = defineHeader(
  { consumerGroup: req.string, topic: req.string, queueId: req.int, commitOffset: req.long, ...TOPIC_REQUEST_BASE },
  'UpdateConsumerOffsetRequestHeader',
);
export type UpdateConsumerOffsetRequestHeader = DecodedHeader<typeof UpdateConsumerOffsetRequestHeader.spec>;

/** CONSUMER_SEND_MSG_BACK (36). */
export const ConsumerSendMsgBackRequestHeader = defineHeader(
  {
    /** Commit-log physical offset of the failed message. */
    offset: req.long,
    group: req.string,
    /** 0 = broker picks `3 + reconsumeTimes`; > 0 explicit level; < 0 straight to DLQ. */
    delayLevel: req.int,
    originMsgId: opt.string,
    originTopic: opt.string,
    unitMode: prim.boolean(false),
    /** Client's limit (Java default 16). */
    maxReconsumeTimes: opt.int,
    ...RPC_REQUEST_BASE,
  },
  'ConsumerSendMsgBackRequestHeader',
);
export type ConsumerSendMsgBackRequestHeader = DecodedHeader<typeof ConsumerSendMsgBackRequestHeader.spec>;

/** NOTIFY_CONSUMER_IDS_CHANGED (40, broker → consumer, oneway). */
export const NotifyConsumerIdsChangedRequestHeader = defineHeader(
  { consumerGroup: req.string, ...RPC_REQUEST_BASE },
  'NotifyConsumerIdsChangedRequestHeader',
);
export type NotifyConsumerIdsChangedRequestHeader = DecodedHeader<typeof NotifyConsumerIdsChangedRequestHeader.spec>;

/** LOCK_BATCH_MQ (41): base fields only; the data is the JSON body. */
export const LockBatchMqRequestHeader = defineHeader({ ...RPC_REQUEST_BASE }, 'LockBatchMqRequestHeader');
export type LockBatchMqRequestHeader = DecodedHeader<typeof LockBatchMqRequestHeader.spec>;

/** UNLOCK_BATCH_MQ (42): base fields only; the data is the JSON body. */
export const UnlockBatchMqRequestHeader = defineHeader({ ...RPC_REQUEST_BASE }, 'UnlockBatchMqRequestHeader');
export type UnlockBatchMqRequestHeader = DecodedHeader<typeof UnlockBatchMqRequestHeader.spec>;
