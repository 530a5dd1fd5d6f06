import {
  MessageConst,
  MessageMagicCode,
  MessageSysFlag,
  SYSTEM_PROPERTY_KEYS,
  getDLQTopic,
  getReplyTopic,
  getRetryTopic,
  getTransactionValue,
  groupOfRetryOrDLQTopic,
  isDLQTopic,
  isNotAllowedSendTopic,
  isRetryTopic,
  isSysGroup,
  isSysTopic,
  resetTransactionValue,
  topicLengthSize,
} from './message-const';

describe('MessageConst', () => {
  it('uses the Java wire strings for the renamed keys', () => {
    expect(MessageConst.WAIT).toBe('WAIT');
    expect(MessageConst.REAL_QID).toBe('REAL_QID');
    expect(MessageConst.MESSAGE_TYPE).toBe('MSG_TYPE');
    expect(MessageConst.SHARDING_KEY).toBe('__SHARDINGKEY');
    expect(MessageConst.TRANSACTION_ID).toBe('__transactionId__');
    expect(MessageConst.FIRST_POP_TIME).toBe('1ST_POP_TIME');
  });

  it('reserves system keys but not the ones Java leaves to users', () => {
    expect(SYSTEM_PROPERTY_KEYS.has('TAGS')).toBe(true);
    expect(SYSTEM_PROPERTY_KEYS.has('TIMER_DELIVER_MS')).toBe(true);
    expect(SYSTEM_PROPERTY_KEYS.has('CHECK_IMMUNITY_TIME_IN_SECONDS')).toBe(false);
    expect(SYSTEM_PROPERTY_KEYS.has('__SHARDINGKEY')).toBe(false);
    expect(SYSTEM_PROPERTY_KEYS.has('orderId')).toBe(false);
  });
});

describe('MessageSysFlag', () => {
  it('reads and replaces the transaction type bits', () => {
    const flag =
      MessageSysFlag.COMPRESSED_FLAG | MessageSysFlag.COMPRESSION_ZLIB_TYPE | MessageSysFlag.TRANSACTION_PREPARED_TYPE;
    expect(getTransactionValue(flag)).toBe(MessageSysFlag.TRANSACTION_PREPARED_TYPE);
    const committed = resetTransactionValue(flag, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    expect(committed).toBe(0x301 | 0x8);
    expect(getTransactionValue(resetTransactionValue(committed, MessageSysFlag.TRANSACTION_NOT_TYPE))).toBe(0);
  });

  it('has the magic codes of Java MessageDecoder', () => {
    expect(MessageMagicCode.V1 >>> 0).toBe(0xdaa320a7);
    expect(MessageMagicCode.V2 >>> 0).toBe(0xdaa320ab);
    expect(MessageMagicCode.BLANK >>> 0).toBe(0xcbd43194);
    expect(topicLengthSize(MessageMagicCode.V1)).toBe(1);
    expect(topicLengthSize(MessageMagicCode.V2)).toBe(2);
    expect(topicLengthSize(MessageMagicCode.BLANK)).toBe(0);
  });
});

describe('system topics and groups', () => {
  it('builds retry, DLQ and reply topics', () => {
    expect(getRetryTopic('g1')).toBe('%RETRY%g1');
    expect(getDLQTopic('g1')).toBe('%DLQ%g1');
    expect(getReplyTopic('DefaultCluster')).toBe('DefaultCluster_REPLY_TOPIC');
    expect(isRetryTopic('%RETRY%g1')).toBe(true);
    expect(isRetryTopic('%DLQ%g1')).toBe(false);
    expect(isDLQTopic('%DLQ%g1')).toBe(true);
    expect(groupOfRetryOrDLQTopic('%DLQ%g1')).toBe('g1');
    expect(groupOfRetryOrDLQTopic('plain')).toBeUndefined();
  });

  it('classifies system topics and groups like TopicValidator and MixAll', () => {
    expect(isSysTopic('TBW102')).toBe(true);
    expect(isSysTopic('SCHEDULE_TOPIC_XXXX')).toBe(true);
    expect(isSysTopic('rmq_sys_wheel_timer')).toBe(true);
    expect(isSysTopic('TopicTest')).toBe(false);
    expect(isSysTopic('DefaultCluster', new Set(['DefaultCluster']))).toBe(true);
    expect(isNotAllowedSendTopic('RMQ_SYS_TRANS_HALF_TOPIC')).toBe(true);
    expect(isNotAllowedSendTopic('TBW102')).toBe(false);
    expect(isSysGroup('CID_RMQ_SYS_TRANS')).toBe(true);
    expect(isSysGroup('my_group')).toBe(false);
  });
});
