import {
  ConsumerSendMsgBackRequestHeader,
  MQVersion,
  MessageConst,
  PermName,
  isWriteable,
  RemotingCommandError,
  ResponseCode,
  SystemTopic,
  getDLQTopic,
  getRetryTopic,
} from '@rocketnest/common';
import { type RemotingChannel, RemotingCommand } from '@rocketnest/remoting';
import type { PutRefusal } from '../delay/delay-transform';
import type { SemanticsHost } from '../semantics-host';
import { finishInner, isPutStored, putStatusOf, toInner } from '../util/message-util';

/** Java `MixAll.DLQ_NUMS_PER_GROUP`: a DLQ topic has one queue. */
export const DLQ_NUMS_PER_GROUP = 1;

/** Java `TopicSysFlag.buildSysFlag(false, true)`: unit-sub flag of retry topics of unit-mode groups. */
const TOPIC_SYS_FLAG_UNIT_SUB = 0x2;

export function randomQueueId(queueNums: number): number {
  return Math.floor(Math.random() * Math.max(1, queueNums));
}

/**
 * CONSUMER_SEND_MSG_BACK (36) — Java `AbstractSendMessageProcessor.consumerSendMsgBack`: the consumer failed a
 * message; the broker loads it by commit-log offset and stores a copy in `%RETRY%<group>` with `reconsumeTimes + 1`
 * (through the delay level `3 + reconsumeTimes`, or the one asked for), keeping the original topic in `RETRY_TOPIC`
 * and the first offset msgId in `ORIGIN_MESSAGE_ID`; after `maxReconsumeTimes` (header, clients ≥ V3_4_9, else the
 * group's `retryMaxTimes`, 16) or with a negative delay level it goes to `%DLQ%<group>` instead (1 queue, perm 6).
 */
export function createSendMsgBackProcessor(
  host: SemanticsHost,
  applyDelay: (msg: ReturnType<typeof toInner>) => PutRefusal | undefined,
) {
  return async (request: RemotingCommand, _channel: RemotingChannel): Promise<RemotingCommand> => {
    let header: ConsumerSendMsgBackRequestHeader;
    try {
      header = ConsumerSendMsgBackRequestHeader.decode(request.extFields);
    } catch (err) {
      if (err instanceof RemotingCommandError)
        return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, err.message);
      throw err;
    }
    const fail = (code: number, remark: string) => RemotingCommand.createResponse(code, remark);
    const cfg = host.brokerConfig;
    const groupConfig = host.subscriptionGroupManager.findSubscriptionGroupConfig(header.group);
    if (!groupConfig) {
      return fail(
        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
        `subscription group not exist, ${header.group} See http://rocketmq.apache.org/docs/faq/`,
      );
    }
    if (!isWriteable(cfg.brokerPermission)) {
      return fail(ResponseCode.NO_PERMISSION, `the broker[${cfg.brokerIP1}] sending message is forbidden`);
    }
    if (groupConfig.retryQueueNums <= 0) return RemotingCommand.createResponse(ResponseCode.SUCCESS);

    let newTopic = getRetryTopic(header.group);
    let queueId = randomQueueId(groupConfig.retryQueueNums);
    const topicSysFlag = header.unitMode ? TOPIC_SYS_FLAG_UNIT_SUB : 0;
    let topicConfig = host.topicConfigManager.createTopicInSendMessageBackMethod(
      newTopic,
      groupConfig.retryQueueNums,
      PermName.PERM_WRITE | PermName.PERM_READ,
      topicSysFlag,
    );
    if (!isWriteable(topicConfig.perm)) {
      return fail(ResponseCode.NO_PERMISSION, `the topic[${newTopic}] sending message is forbidden`);
    }

    const msgExt = await host.messageStore.lookMessageByOffset(header.offset);
    if (!msgExt) return fail(ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${header.offset}`);

    if (msgExt.getProperty(MessageConst.RETRY_TOPIC) === undefined) {
      msgExt.putProperty(MessageConst.RETRY_TOPIC, msgExt.topic);
    }
    msgExt.putProperty(MessageConst.WAIT, 'false');

    let delayLevel = header.delayLevel;
    let maxReconsumeTimes = groupConfig.retryMaxTimes;
    if (request.version >= MQVersion.V3_4_9 && header.maxReconsumeTimes !== undefined) {
      maxReconsumeTimes = header.maxReconsumeTimes;
    }
    const toDLQ = msgExt.reconsumeTimes >= maxReconsumeTimes || delayLevel < 0;
    if (toDLQ) {
      newTopic = getDLQTopic(header.group);
      queueId = randomQueueId(DLQ_NUMS_PER_GROUP);
      topicConfig = host.topicConfigManager.createTopicInSendMessageBackMethod(
        newTopic,
        DLQ_NUMS_PER_GROUP,
        PermName.PERM_WRITE | PermName.PERM_READ,
        0,
      );
      msgExt.delayTimeLevel = 0;
    } else {
      if (delayLevel === 0) delayLevel = 3 + msgExt.reconsumeTimes;
      msgExt.delayTimeLevel = delayLevel;
    }

    const inner = toInner(msgExt, { topic: newTopic, queueId, storeHost: host.storeHost });
    inner.reconsumeTimes = msgExt.reconsumeTimes + 1;
    const originMsgId = msgExt.getProperty(MessageConst.ORIGIN_MESSAGE_ID);
    inner.putProperty(MessageConst.ORIGIN_MESSAGE_ID, originMsgId ? originMsgId : msgExt.offsetMsgId || msgExt.msgId);
    const refusal = applyDelay(inner);
    if (refusal) return fail(refusal.code, refusal.remark);
    const stored = finishInner(inner);
    const result = await host.messageStore.putMessage(stored);
    if (!isPutStored(result)) return fail(ResponseCode.SYSTEM_ERROR, putStatusOf(result));
    const stats = host.brokerStatsManager;
    if (stats) {
      // Java counts puts to the schedule topic here (the retry delay) and the send-back under the original topic.
      if (stored.topic === SystemTopic.SCHEDULE_TOPIC) {
        stats.incTopicPutNums(stored.topic, 1, 1);
        stats.incTopicPutSize(stored.topic, result.appendResult?.wroteBytes ?? 0);
      }
      stats.incSendBackNums(header.group, msgExt.getProperty(MessageConst.RETRY_TOPIC) ?? msgExt.topic);
    }
    return RemotingCommand.createResponse(ResponseCode.SUCCESS);
  };
}
