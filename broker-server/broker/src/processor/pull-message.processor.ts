import {
  isReadable,
  hasCommitOffsetFlag,
  hasSubscriptionFlag,
  hasSuspendFlag,
  ResponseCode,
  buildSubscriptionData,
  type SubscriptionData,
} from '@rocketnest/common';
import type { RemotingChannel, RemotingCommand } from '@rocketnest/remoting';
import type { GetMessageResult } from '@rocketnest/store';
import type { BrokerController } from '../broker-controller';
import type { PullRequest } from '../longpolling/pull-request-hold.service';
import { ExpressionMessageFilter, type Sql92Predicate } from './message-filter';
import { answerRerun, errorResponse } from './processor-util';
import { decodePullMessageHeader, type PullHeader } from './request-headers';

const MASTER_ID = 0;

/**
 * PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361) — Java `PullMessageProcessor`: permission and subscription checks in
 * Java's order, the store read with the subscription's filter, Java's status → code mapping, the commit-offset flag,
 * and long polling: a PULL_NOT_FOUND with FLAG_SUSPEND is parked in the PullRequestHoldService instead of answered.
 */
export class PullMessageProcessor {
  /** Messages delivered since start (runtime info). */
  getCount = 0;
  private readonly filterCache = new WeakMap<SubscriptionData, ExpressionMessageFilter>();

  constructor(private readonly broker: BrokerController) {}

  processRequest(request: RemotingCommand, channel: RemotingChannel): Promise<RemotingCommand | null> {
    return this.process(request, channel, true);
  }

  /** Re-runs a parked pull (never parks again) and writes the answer on its channel. */
  executeRequestWhenWakeup(pull: PullRequest): void {
    answerRerun(this.broker, pull.channel, pull.request, this.process(pull.request, pull.channel, false), 'pull');
  }

  private async process(
    request: RemotingCommand,
    channel: RemotingChannel,
    brokerAllowSuspend: boolean,
  ): Promise<RemotingCommand | null> {
    const broker = this.broker;
    const cfg = broker.brokerConfig;
    const header = decodePullMessageHeader(request);

    if (!isReadable(cfg.brokerPermission)) {
      return errorResponse(ResponseCode.NO_PERMISSION, `the broker[${cfg.brokerIP1}] pulling message is forbidden`);
    }
    const groupConfig = broker.subscriptionGroupManager.findSubscriptionGroupConfig(header.consumerGroup);
    if (!groupConfig) {
      return errorResponse(
        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
        `subscription group [${header.consumerGroup}] does not exist, See http://rocketmq.apache.org/docs/faq/`,
      );
    }
    if (!groupConfig.consumeEnable) {
      return errorResponse(ResponseCode.NO_PERMISSION, `subscription group no permission, ${header.consumerGroup}`);
    }
    const suspendFlag = hasSuspendFlag(header.sysFlag);
    const commitOffsetFlag = hasCommitOffsetFlag(header.sysFlag);
    const subscriptionFlag = hasSubscriptionFlag(header.sysFlag);
    const suspendTimeoutMillis = suspendFlag ? header.suspendTimeoutMillis : 0;

    const topicConfig = broker.topicConfigManager.selectTopicConfig(header.topic);
    if (!topicConfig) {
      return errorResponse(
        ResponseCode.TOPIC_NOT_EXIST,
        `topic[${header.topic}] not exist, apply first please! See http://rocketmq.apache.org/docs/faq/`,
      );
    }
    if (!isReadable(topicConfig.perm)) {
      return errorResponse(ResponseCode.NO_PERMISSION, `the topic[${header.topic}] pulling message is forbidden`);
    }
    if (header.queueId < 0 || header.queueId >= topicConfig.readQueueNums) {
      return errorResponse(
        ResponseCode.INVALID_PARAMETER,
        `queueId[${header.queueId}] is illegal, topic:[${header.topic}] topicConfig.readQueueNums:[${topicConfig.readQueueNums}] consumer:[${channel.remoteAddr}]`,
      );
    }

    let subscriptionData: SubscriptionData;
    if (subscriptionFlag) {
      try {
        subscriptionData = buildSubscriptionData(header.topic, header.subscription ?? '*', header.expressionType);
        subscriptionData.subVersion = header.subVersion;
      } catch {
        return errorResponse(ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed");
      }
    } else {
      const groupInfo = broker.consumerManager.getConsumerGroupInfo(header.consumerGroup);
      if (!groupInfo) {
        return errorResponse(
          ResponseCode.SUBSCRIPTION_NOT_EXIST,
          "the consumer's group info not exist See http://rocketmq.apache.org/docs/faq/",
        );
      }
      if (!groupConfig.consumeBroadcastEnable && groupInfo.messageModel === 'BROADCASTING') {
        return errorResponse(
          ResponseCode.NO_PERMISSION,
          `the consumer group[${header.consumerGroup}] can not consume by broadcast way`,
        );
      }
      const found = groupInfo.findSubscriptionData(header.topic);
      if (!found) {
        return errorResponse(
          ResponseCode.SUBSCRIPTION_NOT_EXIST,
          "the consumer's subscription not exist See http://rocketmq.apache.org/docs/faq/",
        );
      }
      if (found.subVersion < header.subVersion) {
        return errorResponse(ResponseCode.SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest");
      }
      subscriptionData = found;
    }

    const expressionType = subscriptionData.expressionType || 'TAG';
    if (expressionType !== 'TAG' && (!cfg.enablePropertyFilter || !broker.sql92FilterFactory)) {
      return errorResponse(
        ResponseCode.SYSTEM_ERROR,
        `The broker does not support consumer to filter message by ${expressionType}`,
      );
    }
    // A heartbeat-registered subscription is a long-lived object: its filter (and compiled SQL92) is reused.
    let messageFilter = subscriptionFlag ? undefined : this.filterCache.get(subscriptionData);
    if (!messageFilter) {
      let sql92: Sql92Predicate | undefined;
      if (expressionType !== 'TAG') {
        try {
          // the factory keeps compiled expressions by text (pull consumers send the expression with every pull)
          sql92 = broker.sql92FilterFactory!(subscriptionData.subString);
        } catch {
          return errorResponse(ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed");
        }
      }
      messageFilter = new ExpressionMessageFilter(subscriptionData, sql92);
      if (!subscriptionFlag) this.filterCache.set(subscriptionData, messageFilter);
    }

    const store = broker.messageStore;
    let result: GetMessageResult | undefined;
    let status: string;
    const resetOffset = broker.consumerOffsetManager.queryThenEraseResetOffset(
      header.topic,
      header.consumerGroup,
      header.queueId,
    );
    if (resetOffset !== undefined) {
      // Server-side offset reset (Java `useServerSideResetOffset`): answer OFFSET_MOVED with the reset position.
      status = 'OFFSET_RESET';
      result = {
        status: 'OFFSET_TOO_SMALL',
        nextBeginOffset: resetOffset,
        minOffset: store.getMinOffsetInQueue(header.topic, header.queueId),
        maxOffset: store.getMaxOffsetInQueue(header.topic, header.queueId),
        messageBuffers: [],
        messageQueueOffsets: [],
        bufferTotalSize: 0,
        messageCount: 0,
        suggestPullingFromSlave: false,
      };
    } else {
      result = await store.getMessage(
        header.consumerGroup,
        header.topic,
        header.queueId,
        header.queueOffset,
        header.maxMsgNums,
        header.maxMsgBytes ?? cfg.maxTransferBytesOnMessageInMemory,
        messageFilter,
      );
      status = result.status;
    }

    const response = this.composeResponse(
      result,
      status,
      header,
      groupConfig.whichBrokerWhenConsumeSlowly,
      topicConfig.topicSysFlag,
      groupConfig.groupSysFlag ?? 0,
    );

    if (response.code === ResponseCode.SUCCESS) {
      const stats = broker.brokerStatsManager;
      stats.incGroupGetNums(header.consumerGroup, header.topic, result.messageCount);
      stats.incGroupGetSize(header.consumerGroup, header.topic, result.bufferTotalSize);
      stats.incBrokerGetNums(result.messageCount);
    }

    const storeOffsetEnable = brokerAllowSuspend && commitOffsetFlag && cfg.brokerRole !== 'SLAVE';
    if (storeOffsetEnable) {
      broker.consumerOffsetManager.commitOffset(
        header.consumerGroup,
        header.topic,
        header.queueId,
        header.commitOffset,
      );
    }

    if (response.code === ResponseCode.PULL_OFFSET_MOVED) {
      // Java 5.x logs the correction (4.9.x also wrote an OFFSET_MOVED_EVENT message, which nothing consumes).
      broker.logger.warn(
        `PULL_OFFSET_MOVED:correction offset. topic=${header.topic}, groupId=${header.consumerGroup}, requestOffset=${header.queueOffset}, newOffset=${result.nextBeginOffset}`,
      );
    }
    if (response.code === ResponseCode.PULL_NOT_FOUND && brokerAllowSuspend && suspendFlag) {
      const pollingTimeMills = cfg.longPollingEnable ? suspendTimeoutMillis : cfg.shortPollingTimeMills;
      broker.pullRequestHoldService.suspendPullRequest(header.topic, header.queueId, {
        request,
        channel,
        timeoutMillis: pollingTimeMills,
        suspendTimestamp: Date.now(),
        pullFromThisOffset: header.queueOffset,
        messageFilter,
      });
      return null;
    }
    return response;
  }

  /** Java `composeResponseHeader` + the status switch. */
  private composeResponse(
    result: GetMessageResult,
    status: string,
    header: PullHeader,
    whichBrokerWhenConsumeSlowly: number,
    topicSysFlag: number,
    groupSysFlag: number,
  ): RemotingCommand {
    let code: number;
    switch (status) {
      case 'FOUND':
        code = ResponseCode.SUCCESS;
        break;
      case 'MESSAGE_WAS_REMOVING':
      case 'NO_MATCHED_MESSAGE':
        code = ResponseCode.PULL_RETRY_IMMEDIATELY;
        break;
      case 'NO_MATCHED_LOGIC_QUEUE':
      case 'NO_MESSAGE_IN_QUEUE':
        code = header.queueOffset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND;
        break;
      case 'OFFSET_FOUND_NULL':
      case 'OFFSET_OVERFLOW_ONE':
        code = ResponseCode.PULL_NOT_FOUND;
        break;
      case 'OFFSET_OVERFLOW_BADLY':
      case 'OFFSET_TOO_SMALL':
      case 'OFFSET_RESET':
        code = ResponseCode.PULL_OFFSET_MOVED;
        break;
      default:
        code = ResponseCode.SYSTEM_ERROR;
    }
    const suggest = result.suggestPullingFromSlave ? whichBrokerWhenConsumeSlowly : MASTER_ID;
    // Ext field order as the Java 5.x broker's HashMap writes them (push-consumer wire fixture).
    const ext: Record<string, string> = {
      suggestWhichBrokerId: String(suggest),
      groupSysFlag: String(groupSysFlag),
      nextBeginOffset: String(result.nextBeginOffset),
      maxOffset: String(result.maxOffset),
      minOffset: String(result.minOffset),
      topicSysFlag: String(topicSysFlag),
    };
    const response = errorResponse(code, status, ext);
    if (code === ResponseCode.SUCCESS) {
      response.body = concatBuffers(result.messageBuffers);
      this.getCount += result.messageBuffers.length;
    }
    return response;
  }
}

function concatBuffers(buffers: readonly Buffer[]): Buffer {
  if (buffers.length === 1) return buffers[0]!;
  return Buffer.concat(buffers);
}
