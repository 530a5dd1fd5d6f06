/**
 * Broker admin headers (protocol.md §2.3.16, §2.3.17, §2.3.21, §2.3.23 and the admin tools' requests).
 */
import { defineHeader, opt, prim, req, type DecodedHeader } from './header-codec';
import { RPC_REQUEST_BASE, TOPIC_REQUEST_BASE } from './rpc-base';

/** UPDATE_AND_CREATE_TOPIC (17). */
export const CreateTopicRequestHeader = defineHeader(
  {
    topic: req.string,
    /** Java admin sends `TBW102`. */
    defaultTopic: req.string,
    readQueueNums: req.int,
    writeQueueNums: req.int,
    /** PermName bits. */
    perm: req.int,
    /** `SINGLE_TAG` / `MULTI_TAG`. */
    topicFilterType: req.string,
    topicSysFlag: opt.int,
    /** Java initialises it to false, so it is always sent. */
    order: prim.boolean(false),
    /** 5.x: `+key=value,+key2=value2` (`-key` deletes). */
    attributes: opt.string,
    /** 5.x. */
    force: opt.boolean,
    ...TOPIC_REQUEST_BASE,
  },
  'CreateTopicRequestHeader',
);
export type CreateTopicRequestHeader = DecodedHeader<typeof CreateTopicRequestHeader.spec>;

/** DELETE_TOPIC_IN_BROKER (215). */
export const DeleteTopicRequestHeader = defineHeader(
  { topic: req.string, ...TOPIC_REQUEST_BASE },
  'DeleteTopicRequestHeader',
);
export type DeleteTopicRequestHeader = DecodedHeader<typeof DeleteTopicRequestHeader.spec>;

/** GET_TOPIC_CONFIG (351, 5.x). */
export const GetTopicConfigRequestHeader = defineHeader(
  { topic: req.string, ...TOPIC_REQUEST_BASE },
  'GetTopicConfigRequestHeader',
);
export type GetTopicConfigRequestHeader = DecodedHeader<typeof GetTopicConfigRequestHeader.spec>;

/** GET_TOPIC_STATS_INFO (202). */
export const GetTopicStatsInfoRequestHeader = defineHeader(
  { topic: req.string, ...TOPIC_REQUEST_BASE },
  'GetTopicStatsInfoRequestHeader',
);
export type GetTopicStatsInfoRequestHeader = DecodedHeader<typeof GetTopicStatsInfoRequestHeader.spec>;

/** GET_CONSUMER_CONNECTION_LIST (203). */
export const GetConsumerConnectionListRequestHeader = defineHeader(
  { consumerGroup: req.string, ...RPC_REQUEST_BASE },
  'GetConsumerConnectionListRequestHeader',
);
export type GetConsumerConnectionListRequestHeader = DecodedHeader<typeof GetConsumerConnectionListRequestHeader.spec>;

/** GET_PRODUCER_CONNECTION_LIST (204). */
export const GetProducerConnectionListRequestHeader = defineHeader(
  { producerGroup: req.string, ...RPC_REQUEST_BASE },
  'GetProducerConnectionListRequestHeader',
);
export type GetProducerConnectionListRequestHeader = DecodedHeader<typeof GetProducerConnectionListRequestHeader.spec>;

/** GET_CONSUME_STATS (208). */
export const GetConsumeStatsRequestHeader = defineHeader(
  {
    consumerGroup: req.string,
    topic: opt.string,
    /** 5.x: `;`-separated topics. */
    topicList: opt.string,
    ...TOPIC_REQUEST_BASE,
  },
  'GetConsumeStatsRequestHeader',
);
export type GetConsumeStatsRequestHeader = DecodedHeader<typeof GetConsumeStatsRequestHeader.spec>;

/**
 * INVOKE_BROKER_TO_RESET_OFFSET (222, admin → broker) and RESET_CONSUMER_CLIENT_OFFSET (220, broker → client).
 * The broker → client request carries a `ResetOffsetBody`.
 */
export const ResetOffsetRequestHeader = defineHeader(
  {
    topic: req.string,
    group: req.string,
    /** Java primitive, default −1 (all queues). */
    queueId: prim.int(-1),
    offset: opt.long,
    timestamp: req.long,
    isForce: req.boolean,
    ...TOPIC_REQUEST_BASE,
  },
  'ResetOffsetRequestHeader',
);
export type ResetOffsetRequestHeader = DecodedHeader<typeof ResetOffsetRequestHeader.spec>;

/** GET_CONSUMER_STATUS_FROM_CLIENT (221) / INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223). */
export const GetConsumerStatusRequestHeader = defineHeader(
  { topic: req.string, group: req.string, clientAddr: opt.string, ...TOPIC_REQUEST_BASE },
  'GetConsumerStatusRequestHeader',
);
export type GetConsumerStatusRequestHeader = DecodedHeader<typeof GetConsumerStatusRequestHeader.spec>;

/** GET_CONSUMER_RUNNING_INFO (307). */
export const GetConsumerRunningInfoRequestHeader = defineHeader(
  { consumerGroup: req.string, clientId: req.string, jstackEnable: prim.boolean(false), ...RPC_REQUEST_BASE },
  'GetConsumerRunningInfoRequestHeader',
);
export type GetConsumerRunningInfoRequestHeader = DecodedHeader<typeof GetConsumerRunningInfoRequestHeader.spec>;

/** CONSUME_MESSAGE_DIRECTLY (309); the body is one stored message. */
export const ConsumeMessageDirectlyResultRequestHeader = defineHeader(
  {
    consumerGroup: req.string,
    clientId: opt.string,
    msgId: opt.string,
    brokerName: opt.string,
    topic: opt.string,
    topicSysFlag: opt.int,
    groupSysFlag: opt.int,
    ...TOPIC_REQUEST_BASE,
  },
  'ConsumeMessageDirectlyResultRequestHeader',
);
export type ConsumeMessageDirectlyResultRequestHeader = DecodedHeader<
  typeof ConsumeMessageDirectlyResultRequestHeader.spec
>;

/** DELETE_SUBSCRIPTIONGROUP (207). */
export const DeleteSubscriptionGroupRequestHeader = defineHeader(
  { groupName: req.string, /** 5.x */ cleanOffset: prim.boolean(false), ...RPC_REQUEST_BASE },
  'DeleteSubscriptionGroupRequestHeader',
);
export type DeleteSubscriptionGroupRequestHeader = DecodedHeader<typeof DeleteSubscriptionGroupRequestHeader.spec>;

/** GET_SUBSCRIPTIONGROUP_CONFIG (352, 5.x). */
export const GetSubscriptionGroupConfigRequestHeader = defineHeader(
  { group: req.string, ...RPC_REQUEST_BASE },
  'GetSubscriptionGroupConfigRequestHeader',
);
export type GetSubscriptionGroupConfigRequestHeader = DecodedHeader<
  typeof GetSubscriptionGroupConfigRequestHeader.spec
>;

/** QUERY_TOPIC_CONSUME_BY_WHO (300); the response body is a `GroupList`. */
export const QueryTopicConsumeByWhoRequestHeader = defineHeader(
  { topic: req.string, ...TOPIC_REQUEST_BASE },
  'QueryTopicConsumeByWhoRequestHeader',
);
export type QueryTopicConsumeByWhoRequestHeader = DecodedHeader<typeof QueryTopicConsumeByWhoRequestHeader.spec>;

/** QUERY_TOPICS_BY_CONSUMER (343). */
export const QueryTopicsByConsumerRequestHeader = defineHeader(
  { group: req.string, ...RPC_REQUEST_BASE },
  'QueryTopicsByConsumerRequestHeader',
);
export type QueryTopicsByConsumerRequestHeader = DecodedHeader<typeof QueryTopicsByConsumerRequestHeader.spec>;

/** QUERY_CONSUME_TIME_SPAN (303). */
export const QueryConsumeTimeSpanRequestHeader = defineHeader(
  { topic: req.string, group: req.string, ...TOPIC_REQUEST_BASE },
  'QueryConsumeTimeSpanRequestHeader',
);
export type QueryConsumeTimeSpanRequestHeader = DecodedHeader<typeof QueryConsumeTimeSpanRequestHeader.spec>;

/** CLONE_GROUP_OFFSET (314). */
export const CloneGroupOffsetRequestHeader = defineHeader(
  { srcGroup: req.string, destGroup: req.string, topic: opt.string, offline: prim.boolean(false), ...RPC_REQUEST_BASE },
  'CloneGroupOffsetRequestHeader',
);
export type CloneGroupOffsetRequestHeader = DecodedHeader<typeof CloneGroupOffsetRequestHeader.spec>;

/** QUERY_CORRECTION_OFFSET (308). */
export const QueryCorrectionOffsetHeader = defineHeader(
  { filterGroups: opt.string, compareGroup: req.string, topic: req.string, ...TOPIC_REQUEST_BASE },
  'QueryCorrectionOffsetHeader',
);
export type QueryCorrectionOffsetHeader = DecodedHeader<typeof QueryCorrectionOffsetHeader.spec>;

/** RESUME_CHECK_HALF_MESSAGE (323): `msgId` is the offset msgId of the stored message (nullable in Java). */
export const ResumeCheckHalfMessageRequestHeader = defineHeader(
  { msgId: opt.string, ...RPC_REQUEST_BASE },
  'ResumeCheckHalfMessageRequestHeader',
);
export type ResumeCheckHalfMessageRequestHeader = DecodedHeader<typeof ResumeCheckHalfMessageRequestHeader.spec>;

/** GET_BROKER_CONFIG (26) response: the body is the broker's properties text. */
export const GetBrokerConfigResponseHeader = defineHeader({ version: req.string }, 'GetBrokerConfigResponseHeader');
export type GetBrokerConfigResponseHeader = DecodedHeader<typeof GetBrokerConfigResponseHeader.spec>;

/** VIEW_BROKER_STATS_DATA (315). */
export const ViewBrokerStatsDataRequestHeader = defineHeader(
  { statsName: req.string, statsKey: req.string },
  'ViewBrokerStatsDataRequestHeader',
);
export type ViewBrokerStatsDataRequestHeader = DecodedHeader<typeof ViewBrokerStatsDataRequestHeader.spec>;
