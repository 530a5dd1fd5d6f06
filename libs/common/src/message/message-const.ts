/**
 * Well-known names and flags of RocketMQ messages: Java `MessageConst` (property keys), `MessageSysFlag` (record
 * sysFlag bits), `MessageDecoder`/`MessageVersion` (magic codes), `TopicValidator` and `MixAll` (system topics and
 * groups, retry / DLQ / reply topic names). Values are the exact strings and numbers Java puts on the wire.
 */

/**
 * Message property keys (Java `MessageConst.PROPERTY_*`). The object key is a short name; the value is the string that
 * travels in the properties string (see protocol.md §4.5).
 */
export const MessageConst = {
  KEYS: 'KEYS',
  TAGS: 'TAGS',
  /** Java `PROPERTY_WAIT_STORE_MSG_OK`: "true"/"false". */
  WAIT: 'WAIT',
  /** Java `PROPERTY_DELAY_TIME_LEVEL`: delay level 1..18. */
  DELAY: 'DELAY',
  RETRY_TOPIC: 'RETRY_TOPIC',
  REAL_TOPIC: 'REAL_TOPIC',
  /** Java `PROPERTY_REAL_QUEUE_ID`. */
  REAL_QID: 'REAL_QID',
  /** Java `PROPERTY_TRANSACTION_PREPARED`. */
  TRAN_MSG: 'TRAN_MSG',
  /** Java `PROPERTY_PRODUCER_GROUP`. */
  PGROUP: 'PGROUP',
  MIN_OFFSET: 'MIN_OFFSET',
  MAX_OFFSET: 'MAX_OFFSET',
  BUYER_ID: 'BUYER_ID',
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  TRANSFER_FLAG: 'TRANSFER_FLAG',
  CORRECTION_FLAG: 'CORRECTION_FLAG',
  MQ2_FLAG: 'MQ2_FLAG',
  RECONSUME_TIME: 'RECONSUME_TIME',
  MSG_REGION: 'MSG_REGION',
  /** Java `PROPERTY_TRACE_SWITCH`. */
  TRACE_ON: 'TRACE_ON',
  /** Java `PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX`: the client-side unique id (the msgId Java users see). */
  UNIQ_KEY: 'UNIQ_KEY',
  EXTEND_UNIQ_INFO: 'EXTEND_UNIQ_INFO',
  MAX_RECONSUME_TIMES: 'MAX_RECONSUME_TIMES',
  /** Java `PROPERTY_CONSUME_START_TIMESTAMP`. */
  CONSUME_START_TIME: 'CONSUME_START_TIME',
  INNER_NUM: 'INNER_NUM',
  INNER_BASE: 'INNER_BASE',
  DUP_INFO: 'DUP_INFO',
  CHECK_IMMUNITY_TIME_IN_SECONDS: 'CHECK_IMMUNITY_TIME_IN_SECONDS',
  TRAN_PREPARED_QUEUE_OFFSET: 'TRAN_PREPARED_QUEUE_OFFSET',
  /** 5.x: transaction id of a half message. */
  TRANSACTION_ID: '__transactionId__',
  TRANSACTION_CHECK_TIMES: 'TRANSACTION_CHECK_TIMES',
  INSTANCE_ID: 'INSTANCE_ID',
  CORRELATION_ID: 'CORRELATION_ID',
  /** Java `PROPERTY_MESSAGE_REPLY_TO_CLIENT`. */
  REPLY_TO_CLIENT: 'REPLY_TO_CLIENT',
  /** Java `PROPERTY_MESSAGE_TTL`. */
  TTL: 'TTL',
  /** Java `PROPERTY_REPLY_MESSAGE_ARRIVE_TIME`. */
  ARRIVE_TIME: 'ARRIVE_TIME',
  PUSH_REPLY_TIME: 'PUSH_REPLY_TIME',
  CLUSTER: 'CLUSTER',
  /** Java `PROPERTY_MESSAGE_TYPE`; the value is `"reply"` on reply messages. */
  MESSAGE_TYPE: 'MSG_TYPE',
  POP_CK: 'POP_CK',
  POP_CK_OFFSET: 'POP_CK_OFFSET',
  FIRST_POP_TIME: '1ST_POP_TIME',
  /** 5.x message group (FIFO). */
  SHARDING_KEY: '__SHARDINGKEY',
  FORWARD_QUEUE_ID: 'PROPERTY_FORWARD_QUEUE_ID',
  REDIRECT: 'REDIRECT',
  INNER_MULTI_DISPATCH: 'INNER_MULTI_DISPATCH',
  INNER_MULTI_QUEUE_OFFSET: 'INNER_MULTI_QUEUE_OFFSET',
  TRACE_CONTEXT: 'TRACE_CONTEXT',
  /** 5.x timer message: delay relative to the send time, seconds. */
  TIMER_DELAY_SEC: 'TIMER_DELAY_SEC',
  /** 5.x timer message: delay relative to the send time, ms. */
  TIMER_DELAY_MS: 'TIMER_DELAY_MS',
  /** 5.x timer message: absolute delivery time, epoch ms. */
  TIMER_DELIVER_MS: 'TIMER_DELIVER_MS',
  TIMER_ENQUEUE_MS: 'TIMER_ENQUEUE_MS',
  TIMER_DEQUEUE_MS: 'TIMER_DEQUEUE_MS',
  TIMER_ROLL_TIMES: 'TIMER_ROLL_TIMES',
  TIMER_OUT_MS: 'TIMER_OUT_MS',
  TIMER_DEL_UNIQKEY: 'TIMER_DEL_UNIQKEY',
  TIMER_DELAY_LEVEL: 'TIMER_DELAY_LEVEL',
  BORN_HOST: '__BORNHOST',
  BORN_TIMESTAMP: 'BORN_TIMESTAMP',
  CRC32: '__CRC32#',
  DLQ_ORIGIN_TOPIC: 'DLQ_ORIGIN_TOPIC',
  DLQ_ORIGIN_MESSAGE_ID: 'DLQ_ORIGIN_MESSAGE_ID',
  /** Aliyun ONS key; the Apache broker does not schedule on it. */
  START_DELIVER_TIME: '__STARTDELIVERTIME',
  /** Properties whose name starts with this are never stored by a 5.x broker. */
  TRANSIENT_PREFIX: '__RMQ.TRANSIENT.',
  TRANSIENT_TOPIC_CONFIG: '__RMQ.TRANSIENT.TOPIC_SYS_FLAG',
  TRANSIENT_GROUP_CONFIG: '__RMQ.TRANSIENT.GROUP_SYS_FLAG',
} as const;
export type MessageConstKey = keyof typeof MessageConst;
export type MessagePropertyName = (typeof MessageConst)[MessageConstKey];

/** Separator between several keys in the `KEYS` property (one space). */
export const KEY_SEPARATOR = ' ';
/** Separator between a property name and its value in the properties string. */
export const NAME_VALUE_SEPARATOR = '\u0001';
/** Separator after each name/value pair in the properties string. */
export const PROPERTY_SEPARATOR = '\u0002';

/**
 * Property names reserved for the system (Java 5.x `MessageConst.STRING_HASH_SET`): `Message.putUserProperty` refuses
 * them.
 */
export const SYSTEM_PROPERTY_KEYS: ReadonlySet<string> = new Set<string>([
  MessageConst.TRACE_ON,
  MessageConst.MSG_REGION,
  MessageConst.KEYS,
  MessageConst.TAGS,
  MessageConst.WAIT,
  MessageConst.DELAY,
  MessageConst.RETRY_TOPIC,
  MessageConst.REAL_TOPIC,
  MessageConst.REAL_QID,
  MessageConst.TRAN_MSG,
  MessageConst.PGROUP,
  MessageConst.MIN_OFFSET,
  MessageConst.MAX_OFFSET,
  MessageConst.BUYER_ID,
  MessageConst.ORIGIN_MESSAGE_ID,
  MessageConst.TRANSFER_FLAG,
  MessageConst.CORRECTION_FLAG,
  MessageConst.MQ2_FLAG,
  MessageConst.RECONSUME_TIME,
  MessageConst.UNIQ_KEY,
  MessageConst.MAX_RECONSUME_TIMES,
  MessageConst.CONSUME_START_TIME,
  MessageConst.POP_CK,
  MessageConst.POP_CK_OFFSET,
  MessageConst.FIRST_POP_TIME,
  MessageConst.TRAN_PREPARED_QUEUE_OFFSET,
  MessageConst.DUP_INFO,
  MessageConst.EXTEND_UNIQ_INFO,
  MessageConst.INSTANCE_ID,
  MessageConst.CORRELATION_ID,
  MessageConst.REPLY_TO_CLIENT,
  MessageConst.TTL,
  MessageConst.ARRIVE_TIME,
  MessageConst.PUSH_REPLY_TIME,
  MessageConst.CLUSTER,
  MessageConst.MESSAGE_TYPE,
  MessageConst.INNER_MULTI_QUEUE_OFFSET,
  MessageConst.TIMER_DELAY_MS,
  MessageConst.TIMER_DELAY_SEC,
  MessageConst.TIMER_DELIVER_MS,
  MessageConst.TIMER_ENQUEUE_MS,
  MessageConst.TIMER_DEQUEUE_MS,
  MessageConst.TIMER_ROLL_TIMES,
  MessageConst.TIMER_OUT_MS,
  MessageConst.TIMER_DEL_UNIQKEY,
  MessageConst.TIMER_DELAY_LEVEL,
  MessageConst.BORN_HOST,
  MessageConst.BORN_TIMESTAMP,
  MessageConst.DLQ_ORIGIN_TOPIC,
  MessageConst.DLQ_ORIGIN_MESSAGE_ID,
  MessageConst.CRC32,
]);

/** Whether a property is transient (never stored by a 5.x broker). */
export function isTransientProperty(name: string): boolean {
  return name.startsWith(MessageConst.TRANSIENT_PREFIX);
}

/**
 * Bits of a stored message's `sysFlag` (Java `MessageSysFlag`, protocol.md §4.3).
 * Bits 2–3 hold the transaction type, bits 8–10 the compression type.
 */
export const MessageSysFlag = {
  COMPRESSED_FLAG: 0x1,
  MULTI_TAGS_FLAG: 0x2,
  TRANSACTION_NOT_TYPE: 0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  BORNHOST_V6_FLAG: 0x10,
  STOREHOSTADDRESS_V6_FLAG: 0x20,
  NEED_UNWRAP_FLAG: 0x40,
  INNER_BATCH_FLAG: 0x80,
  COMPRESSION_LZ4_TYPE: 0x100,
  COMPRESSION_ZSTD_TYPE: 0x200,
  COMPRESSION_ZLIB_TYPE: 0x300,
  /** Mask of the compression type bits. */
  COMPRESSION_TYPE_COMPARATOR: 0x700,
} as const;

/** The transaction type bits of `sysFlag` (`sysFlag & 0xC`): one of the `TRANSACTION_*_TYPE` values. */
export function getTransactionValue(sysFlag: number): number {
  return sysFlag & MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
}

/** `sysFlag` with its transaction type bits replaced by `type`. */
export function resetTransactionValue(sysFlag: number, type: number): number {
  return (sysFlag & ~MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) | type;
}

/** `sysFlag` without COMPRESSED_FLAG. */
export function clearCompressedFlag(sysFlag: number): number {
  return sysFlag & ~MessageSysFlag.COMPRESSED_FLAG;
}

/** Whether any bit of `expected` is set in `sysFlag` (Java `MessageSysFlag.check`). */
export function checkSysFlag(sysFlag: number, expected: number): boolean {
  return (sysFlag & expected) !== 0;
}

/**
 * Magic codes of stored records (Java `MessageDecoder`), as signed int32 the way `readInt32BE` returns them.
 * V1 = 0xDAA320A7 (1-byte topic length), V2 = 0xDAA320AB (5.x, 2-byte topic length, chosen when the topic is longer than
 * 127), BLANK = 0xCBD43194 (end-of-file filler in a CommitLog segment).
 */
export const MessageMagicCode = {
  V1: -626843481,
  V2: -626843477,
  BLANK: -875286124,
} as const;
export type MessageMagicCode = (typeof MessageMagicCode)[keyof typeof MessageMagicCode];

/** Width of the topic length field for a record magic code: 1 (v1) or 2 (v2); 0 if the magic is not a message. */
export function topicLengthSize(magicCode: number): 0 | 1 | 2 {
  if (magicCode === MessageMagicCode.V1) return 1;
  if (magicCode === MessageMagicCode.V2) return 2;
  return 0;
}

/** Java `MessageType` (used by send hooks and metrics to classify a message). */
export const MessageType = {
  NORMAL_MSG: 'Normal_Msg',
  TRANS_MSG_HALF: 'Trans_Msg_Half',
  TRANS_MSG_COMMIT: 'Trans_msg_Commit',
  DELAY_MSG: 'Delay_Msg',
  ORDER_MSG: 'Order_Msg',
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Java `TopicFilterType`: SINGLE_TAG or MULTI_TAG (the latter sets MULTI_TAGS_FLAG on stored records). */
export const TopicFilterType = { SINGLE_TAG: 'SINGLE_TAG', MULTI_TAG: 'MULTI_TAG' } as const;
export type TopicFilterType = (typeof TopicFilterType)[keyof typeof TopicFilterType];

/** Prefix of consumer-group retry topics: `%RETRY%<group>`. */
export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
/** Prefix of consumer-group dead-letter topics: `%DLQ%<group>`. */
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';
/** Suffix of the per-cluster request-reply topic: `<cluster>_REPLY_TOPIC`. */
export const REPLY_TOPIC_POSTFIX = 'REPLY_TOPIC';
/** Prefix of light message queues (LMQ). */
export const LMQ_PREFIX = '%LMQ%';
/** Value of the MSG_TYPE property on reply messages. */
export const REPLY_MESSAGE_FLAG = 'reply';
/** extFields key that makes QUERY_MESSAGE look up by UNIQ_KEY. */
export const UNIQUE_MSG_QUERY_FLAG = '_UNIQUE_KEY_QUERY';

/** System topics (Java `TopicValidator`, `TimerMessageStore`). */
export const SystemTopic = {
  /** Template topic for auto-creation (`AUTO_CREATE_TOPIC_KEY_TOPIC`). */
  AUTO_CREATE_TOPIC_KEY_TOPIC: 'TBW102',
  SCHEDULE_TOPIC: 'SCHEDULE_TOPIC_XXXX',
  BENCHMARK_TOPIC: 'BenchmarkTest',
  TRANS_HALF_TOPIC: 'RMQ_SYS_TRANS_HALF_TOPIC',
  TRACE_TOPIC: 'RMQ_SYS_TRACE_TOPIC',
  TRANS_OP_HALF_TOPIC: 'RMQ_SYS_TRANS_OP_HALF_TOPIC',
  TRANS_CHECK_MAX_TIME_TOPIC: 'TRANS_CHECK_MAX_TIME_TOPIC',
  SELF_TEST_TOPIC: 'SELF_TEST_TOPIC',
  OFFSET_MOVED_EVENT: 'OFFSET_MOVED_EVENT',
  ROCKSDB_OFFSET_TOPIC: 'CHECKPOINT_TOPIC',
  /** 5.x timer wheel topic. */
  WHEEL_TIMER_TOPIC: 'rmq_sys_wheel_timer',
  /** Every topic starting with this is a system topic. */
  SYSTEM_TOPIC_PREFIX: 'rmq_sys_',
} as const;

/** Well-known groups (Java `MixAll`). */
export const SystemGroup = {
  DEFAULT_PRODUCER_GROUP: 'DEFAULT_PRODUCER',
  DEFAULT_CONSUMER_GROUP: 'DEFAULT_CONSUMER',
  TOOLS_CONSUMER_GROUP: 'TOOLS_CONSUMER',
  SCHEDULE_CONSUMER_GROUP: 'SCHEDULE_CONSUMER',
  FILTERSRV_CONSUMER_GROUP: 'FILTERSRV_CONSUMER',
  MONITOR_CONSUMER_GROUP: '__MONITOR_CONSUMER',
  CLIENT_INNER_PRODUCER_GROUP: 'CLIENT_INNER_PRODUCER',
  SELF_TEST_PRODUCER_GROUP: 'SELF_TEST_P_GROUP',
  SELF_TEST_CONSUMER_GROUP: 'SELF_TEST_C_GROUP',
  /** Group of the broker's transaction check-back producer (`CID_SYS_RMQ_TRANS`). */
  TRANS_CHECK_GROUP: 'CID_RMQ_SYS_TRANS',
  /** Every group starting with this is a system group. */
  SYSTEM_GROUP_PREFIX: 'CID_RMQ_SYS_',
} as const;

const SYSTEM_TOPIC_SET: ReadonlySet<string> = new Set<string>([
  SystemTopic.AUTO_CREATE_TOPIC_KEY_TOPIC,
  SystemTopic.SCHEDULE_TOPIC,
  SystemTopic.BENCHMARK_TOPIC,
  SystemTopic.TRANS_HALF_TOPIC,
  SystemTopic.TRACE_TOPIC,
  SystemTopic.TRANS_OP_HALF_TOPIC,
  SystemTopic.TRANS_CHECK_MAX_TIME_TOPIC,
  SystemTopic.SELF_TEST_TOPIC,
  SystemTopic.OFFSET_MOVED_EVENT,
  SystemTopic.ROCKSDB_OFFSET_TOPIC,
]);

/** Topics a client may not send to (Java `TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET`). */
export const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set<string>([
  SystemTopic.SCHEDULE_TOPIC,
  SystemTopic.TRANS_HALF_TOPIC,
  SystemTopic.TRANS_OP_HALF_TOPIC,
  SystemTopic.TRANS_CHECK_MAX_TIME_TOPIC,
  SystemTopic.SELF_TEST_TOPIC,
  SystemTopic.OFFSET_MOVED_EVENT,
]);

/**
 * Java `TopicValidator.isSystemTopic`: a fixed system topic or one starting with `rmq_sys_`. A broker also counts its
 * cluster and broker names as system topics; pass them in `extra`.
 */
export function isSysTopic(topic: string, extra?: ReadonlySet<string>): boolean {
  return (
    SYSTEM_TOPIC_SET.has(topic) || topic.startsWith(SystemTopic.SYSTEM_TOPIC_PREFIX) || (extra?.has(topic) ?? false)
  );
}

/** Java `TopicValidator.isNotAllowedSendTopic`. */
export function isNotAllowedSendTopic(topic: string): boolean {
  return NOT_ALLOWED_SEND_TOPICS.has(topic);
}

/** Java `MixAll.isSysConsumerGroup`: starts with `CID_RMQ_SYS_`. */
export function isSysGroup(group: string): boolean {
  return group.startsWith(SystemGroup.SYSTEM_GROUP_PREFIX);
}

/** `%RETRY%<group>` (Java `MixAll.getRetryTopic`). */
export function getRetryTopic(consumerGroup: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + consumerGroup;
}

/** `%DLQ%<group>` (Java `MixAll.getDLQTopic`). */
export function getDLQTopic(consumerGroup: string): string {
  return DLQ_GROUP_TOPIC_PREFIX + consumerGroup;
}

/** `<cluster>_REPLY_TOPIC` (Java `MixAll.getReplyTopic`). */
export function getReplyTopic(clusterName: string): string {
  return `${clusterName}_${REPLY_TOPIC_POSTFIX}`;
}

export function isRetryTopic(topic: string): boolean {
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
}

export function isDLQTopic(topic: string): boolean {
  return topic.startsWith(DLQ_GROUP_TOPIC_PREFIX);
}

export function isLmqTopic(topic: string): boolean {
  return topic.startsWith(LMQ_PREFIX);
}

/** The group of a `%RETRY%<group>` or `%DLQ%<group>` topic, or undefined for any other topic. */
export function groupOfRetryOrDLQTopic(topic: string): string | undefined {
  if (isRetryTopic(topic)) return topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
  if (isDLQTopic(topic)) return topic.slice(DLQ_GROUP_TOPIC_PREFIX.length);
  return undefined;
}
