import {
  GetConsumerListByGroupRequestHeader,
  PermName,
  QueryConsumerOffsetRequestHeader,
  ResponseCode,
  UnregisterClientRequestHeader,
  UpdateConsumerOffsetRequestHeader,
  decodeHeartbeatData,
  getRetryTopic,
  toJavaJson,
} from '@rocketnest/common';
import type { RemotingChannel, RemotingCommand } from '@rocketnest/remoting';
import type { BrokerController } from '../broker-controller';
import type { ClientChannelInfo } from '../client/consumer-manager';
import { errorResponse, successResponse } from './processor-util';

/** Java `TopicSysFlag.buildSysFlag(false, true)`: unit-sub. */
const TOPIC_SYS_FLAG_UNIT_SUB = 0x2;

/**
 * HEART_BEAT, UNREGISTER_CLIENT (Java `ClientManageProcessor`) and GET_CONSUMER_LIST_BY_GROUP,
 * QUERY_CONSUMER_OFFSET, UPDATE_CONSUMER_OFFSET (Java `ConsumerManageProcessor`).
 */
export class ClientManageProcessor {
  constructor(private readonly broker: BrokerController) {}

  heartBeat(request: RemotingCommand, channel: RemotingChannel): RemotingCommand {
    const broker = this.broker;
    const data = decodeHeartbeatData(request.body ?? Buffer.alloc(0));
    const info: ClientChannelInfo = {
      channel,
      clientId: data.clientID,
      language: request.language,
      version: request.version,
      lastUpdateTimestamp: Date.now(),
    };
    let subChanged = true;
    for (const consumer of data.consumerDataSet) {
      const groupConfig = broker.subscriptionGroupManager.findSubscriptionGroupConfig(consumer.groupName);
      let notify = broker.brokerConfig.notifyConsumerIdsChangedEnable;
      if (groupConfig) {
        notify = notify && groupConfig.notifyConsumerIdsChangedEnable;
        const topicSysFlag = consumer.unitMode ? TOPIC_SYS_FLAG_UNIT_SUB : 0;
        broker.topicConfigManager.createTopicInSendMessageBackMethod(
          getRetryTopic(consumer.groupName),
          groupConfig.retryQueueNums,
          PermName.PERM_WRITE | PermName.PERM_READ,
          topicSysFlag,
        );
      }
      if (data.withoutSub) {
        // 5.1.3+ "heartbeat V2": subscriptions omitted because unchanged. Refresh membership only; ask for the full
        // data when we do not know the group (e.g. after a broker restart).
        const groupInfo = broker.consumerManager.getConsumerGroupInfo(consumer.groupName);
        if (!groupInfo || !groupInfo.findChannel(data.clientID)) {
          subChanged = true;
          continue;
        }
        subChanged = false;
        broker.consumerManager.registerConsumer(
          consumer.groupName,
          info,
          consumer.consumeType,
          consumer.messageModel,
          consumer.consumeFromWhere,
          [...groupInfo.subscriptionTable.values()],
          notify,
        );
        continue;
      }
      broker.consumerManager.registerConsumer(
        consumer.groupName,
        info,
        consumer.consumeType,
        consumer.messageModel,
        consumer.consumeFromWhere,
        consumer.subscriptionDataSet,
        notify,
      );
    }
    for (const producer of data.producerDataSet) broker.producerManager.registerProducer(producer.groupName, info);
    return successResponse({ IS_SUPPORT_HEART_BEAT_V2: 'true', IS_SUB_CHANGE: String(subChanged) });
  }

  unregisterClient(request: RemotingCommand, _channel: RemotingChannel): RemotingCommand {
    const header = UnregisterClientRequestHeader.decode(request.extFields);
    const broker = this.broker;
    if (header.producerGroup) broker.producerManager.unregisterProducer(header.producerGroup, header.clientID);
    if (header.consumerGroup) {
      const groupConfig = broker.subscriptionGroupManager.subscriptionGroupTable.get(header.consumerGroup);
      const notify =
        broker.brokerConfig.notifyConsumerIdsChangedEnable && (groupConfig?.notifyConsumerIdsChangedEnable ?? true);
      broker.consumerManager.unregisterConsumer(header.consumerGroup, header.clientID, notify);
    }
    return successResponse();
  }

  getConsumerListByGroup(request: RemotingCommand): RemotingCommand {
    const header = GetConsumerListByGroupRequestHeader.decode(request.extFields);
    const groupInfo = this.broker.consumerManager.getConsumerGroupInfo(header.consumerGroup);
    const ids = groupInfo?.getAllClientIds() ?? [];
    if (ids.length === 0) {
      return errorResponse(ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${header.consumerGroup}`);
    }
    return successResponse({}, Buffer.from(toJavaJson({ consumerIdList: ids }), 'utf8'));
  }

  queryConsumerOffset(request: RemotingCommand): RemotingCommand {
    const header = QueryConsumerOffsetRequestHeader.decode(request.extFields);
    const broker = this.broker;
    const offset = broker.consumerOffsetManager.queryOffset(header.consumerGroup, header.topic, header.queueId);
    if (offset >= 0) return successResponse({ offset: String(offset) });
    const store = broker.messageStore;
    const minOffset = store.getMinOffsetInQueue(header.topic, header.queueId);
    if (header.setZeroIfNotFound === false) {
      return errorResponse(ResponseCode.QUERY_NOT_FOUND, 'Not found, do not set to zero, maybe this group boot first');
    }
    if (minOffset <= 0 && store.getMaxOffsetInQueue(header.topic, header.queueId) > 0) {
      // Java: offset 0 still in page cache (`checkInMemByConsumeOffset`) → start from 0.
      return successResponse({ offset: '0' });
    }
    return errorResponse(
      ResponseCode.QUERY_NOT_FOUND,
      'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first',
    );
  }

  updateConsumerOffset(request: RemotingCommand): RemotingCommand {
    const header = UpdateConsumerOffsetRequestHeader.decode(request.extFields);
    const broker = this.broker;
    if (!broker.subscriptionGroupManager.containsSubscriptionGroup(header.consumerGroup)) {
      if (!broker.subscriptionGroupManager.findSubscriptionGroupConfig(header.consumerGroup)) {
        return errorResponse(
          ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
          `subscription group not exist, ${header.consumerGroup}`,
        );
      }
    }
    if (!broker.topicConfigManager.selectTopicConfig(header.topic)) {
      return errorResponse(ResponseCode.TOPIC_NOT_EXIST, `topic not exist, ${header.topic}`);
    }
    broker.consumerOffsetManager.commitOffset(header.consumerGroup, header.topic, header.queueId, header.commitOffset);
    return successResponse();
  }
}
