import {
  MQVersion,
  MessageConst,
  PermName,
  ResponseCode,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  RequestCode,
  getDLQTopic,
  groupOfRetryOrDLQTopic,
  isRetryTopic,
} from '@rocketnest/common';
import type { RebalanceLockManager } from '../lock/rebalance-lock-manager';
import type { PutMessageHook, SemanticsHost } from '../semantics-host';
import { DLQ_NUMS_PER_GROUP, randomQueueId } from './send-msg-back.processor';

/** `maxReconsumeTimes` of a send request, from the V1 or V2 header. */
function headerMaxReconsumeTimes(request: { code: number; extFields?: Record<string, string> }): number | undefined {
  try {
    if (request.code === RequestCode.SEND_MESSAGE_V2 || request.code === RequestCode.SEND_REPLY_MESSAGE_V2) {
      return SendMessageRequestHeaderV2.decode(request.extFields).l;
    }
    return SendMessageRequestHeader.decode(request.extFields).maxReconsumeTimes;
  } catch {
    return undefined;
  }
}

/**
 * Direct sends to a `%RETRY%<group>` topic (what a Java consumer does when CONSUMER_SEND_MSG_BACK fails) — Java
 * `SendMessageProcessor.handleRetryAndDLQ`: the group must exist; when `reconsumeTimes > maxReconsumeTimes` (header
 * for clients ≥ V3_4_9, else the group's `retryMaxTimes`) or the group still holds unexpired ordered-consumption
 * locks, the message goes to `%DLQ%<group>` (queue 0, perm 6) with `DELAY=-1` instead.
 */
export function createRetryPutHook(host: SemanticsHost, locks: RebalanceLockManager): PutMessageHook {
  return (msg, ctx) => {
    if (!isRetryTopic(msg.topic)) return undefined;
    const group = groupOfRetryOrDLQTopic(msg.topic);
    if (group === undefined) return undefined;
    const groupConfig = host.subscriptionGroupManager.findSubscriptionGroupConfig(group);
    if (!groupConfig) {
      return {
        code: ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
        remark: `subscription group not exist, ${group} See http://rocketmq.apache.org/docs/faq/`,
      };
    }
    let maxReconsumeTimes = groupConfig.retryMaxTimes;
    const fromHeader = headerMaxReconsumeTimes(ctx.request);
    if (ctx.request.version >= MQVersion.V3_4_9 && fromHeader !== undefined) maxReconsumeTimes = fromHeader;
    const ordered = !locks.isLockAllExpired(group);
    if (msg.reconsumeTimes > maxReconsumeTimes || ordered) {
      const dlq = getDLQTopic(group);
      host.topicConfigManager.createTopicInSendMessageBackMethod(
        dlq,
        DLQ_NUMS_PER_GROUP,
        PermName.PERM_WRITE | PermName.PERM_READ,
        0,
      );
      msg.topic = dlq;
      msg.queueId = randomQueueId(DLQ_NUMS_PER_GROUP);
      msg.putProperty(MessageConst.DELAY, '-1');
    }
    return undefined;
  };
}
