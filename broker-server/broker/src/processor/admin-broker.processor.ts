import {
  CreateTopicRequestHeader,
  ConsumeMessageDirectlyResultRequestHeader,
  DeleteSubscriptionGroupRequestHeader,
  DeleteTopicRequestHeader,
  GetConsumeStatsRequestHeader,
  GetConsumerConnectionListRequestHeader,
  GetEarliestMsgStoretimeRequestHeader,
  GetConsumerRunningInfoRequestHeader,
  GetConsumerStatusRequestHeader,
  decodeGetConsumerStatusBody,
  encodeGetConsumerStatusBody,
  GetMaxOffsetRequestHeader,
  GetMinOffsetRequestHeader,
  GetProducerConnectionListRequestHeader,
  GetSubscriptionGroupConfigRequestHeader,
  GetTopicConfigRequestHeader,
  GetTopicStatsInfoRequestHeader,
  PermName,
  QueryConsumeTimeSpanRequestHeader,
  QueryCorrectionOffsetHeader,
  ResumeCheckHalfMessageRequestHeader,
  MessageConst,
  decodeOffsetMessageId,
  QueryTopicConsumeByWhoRequestHeader,
  QueryTopicsByConsumerRequestHeader,
  ViewBrokerStatsDataRequestHeader,
  RequestCode,
  ResponseCode,
  SearchOffsetRequestHeader,
  TopicFilterType,
  decodeSubscriptionGroupConfig,
  consumeStatsTotalDiff,
  encodeConsumeStats,
  encodeConsumerConnection,
  encodeProducerConnection,
  encodeQueryConsumeTimeSpanBody,
  encodeTopicList,
  encodeSubscriptionGroupConfig,
  encodeTopicConfig,
  encodeTopicStatsTable,
  SystemTopic,
  getRetryTopic,
  isLmqTopic,
  groupNameInvalidRemark,
  topicNameInvalidRemark,
  parseProperties,
  toJavaJson,
  type ConsumeStats,
  type MessageQueue,
  type OffsetWrapper,
  type QueueTimeSpan,
  type TopicOffset,
} from '@rocketnest/common';
import { RemotingCommand, type RemotingChannel } from '@rocketnest/remoting';
import type { BrokerController } from '../broker-controller';
import {
  HOT_UPDATABLE_KEYS,
  applyConfigValues,
  brokerConfigToProperties,
  BrokerConfigError,
} from '../config/broker-config';
import { TopicConfigManager } from '../topic/topic-config-manager';
import { finishInner, toInner } from '../semantics/util/message-util';
import { successResponse } from './processor-util';
import {
  GetConsumeStatsInBrokerHeader,
  QueryConsumeQueueRequestHeader,
  encodeBrokerStatsData,
  encodeQueryCorrectionOffsetBody,
  encodeConsumeStatsList,
  encodeQueryConsumeQueueResponseBody,
  type ConsumeQueueData,
  encodeProducerTableInfo,
  type ProducerInfo,
} from './admin-bodies';

/** Java `Long.MAX_VALUE`: "no correction" in QUERY_CORRECTION_OFFSET answers. */
const JAVA_LONG_MAX = 9223372036854775807n;

/** Bytes of one consume-queue entry: commit log offset (8), size (4), tags code (8). */
const CQ_UNIT_SIZE = 20;

/** Java 4.9.4 `TopicValidator`'s fixed system topics (the broker adds its own names at start-up). */
const FIXED_SYSTEM_TOPICS: readonly string[] = [
  SystemTopic.AUTO_CREATE_TOPIC_KEY_TOPIC,
  SystemTopic.SCHEDULE_TOPIC,
  SystemTopic.BENCHMARK_TOPIC,
  SystemTopic.TRANS_HALF_TOPIC,
  SystemTopic.TRACE_TOPIC,
  SystemTopic.TRANS_OP_HALF_TOPIC,
  SystemTopic.TRANS_CHECK_MAX_TIME_TOPIC,
  SystemTopic.SELF_TEST_TOPIC,
  SystemTopic.OFFSET_MOVED_EVENT,
];

/** Java `MQVersion.Version.V3_1_8_SNAPSHOT.ordinal()`: oldest client that answers GET_CONSUMER_RUNNING_INFO. */
const V3_1_8_SNAPSHOT = 62;
/** Java `MQVersion.Version.V3_0_7_SNAPSHOT.ordinal()`: oldest client that answers GET_CONSUMER_STATUS_FROM_CLIENT. */
const V3_0_7_SNAPSHOT = 28;

/** A response without a custom header: Java writes no `extFields` for these. */
function bare(code: number, remark?: string, body?: Buffer): RemotingCommand {
  const response = RemotingCommand.createResponse(code, remark);
  if (body && body.length > 0) response.body = body;
  return response;
}

function json(value: unknown): Buffer {
  return Buffer.from(toJavaJson(value), 'utf8');
}

/**
 * The admin and query requests of Java `AdminBrokerProcessor` that RocketMQ's admin tool and clients use: topics,
 * subscription groups, offsets and stats, broker config and runtime info.
 */
export class AdminBrokerProcessor {
  constructor(private readonly broker: BrokerController) {}

  updateAndCreateTopic(request: RemotingCommand, channel: RemotingChannel): RemotingCommand {
    const header = CreateTopicRequestHeader.decode(request.extFields);
    const topic = header.topic;
    const invalid = topicNameInvalidRemark(topic);
    if (invalid) return bare(ResponseCode.INVALID_PARAMETER, invalid);
    if (this.broker.topicConfigManager.isSystemTopic(topic)) {
      return bare(ResponseCode.INVALID_PARAMETER, `The topic[${topic}] is conflict with system topic.`);
    }
    if (header.perm < 0 || header.perm > 15)
      return bare(ResponseCode.INVALID_PARAMETER, `perm ${header.perm} is invalid`);
    if (header.readQueueNums < 0 || header.writeQueueNums < 0) {
      return bare(ResponseCode.INVALID_PARAMETER, 'queue numbers must not be negative');
    }
    const tc = TopicConfigManager.newTopicConfig(topic, header.readQueueNums, header.writeQueueNums, header.perm);
    tc.topicFilterType =
      header.topicFilterType === TopicFilterType.MULTI_TAG ? TopicFilterType.MULTI_TAG : TopicFilterType.SINGLE_TAG;
    tc.topicSysFlag = header.topicSysFlag ?? 0;
    tc.order = header.order;
    tc.attributes = parseAttributes(header.attributes);
    this.broker.logger.info(`update or create topic ${topic} by ${channel.remoteAddr}`);
    this.broker.topicConfigManager.updateTopicConfig(tc);
    return bare(ResponseCode.SUCCESS);
  }

  async deleteTopic(request: RemotingCommand): Promise<RemotingCommand> {
    const header = DeleteTopicRequestHeader.decode(request.extFields);
    const topic = header.topic;
    if (this.broker.topicConfigManager.isSystemTopic(topic)) {
      return bare(ResponseCode.INVALID_PARAMETER, `The topic[${topic}] is conflict with system topic.`);
    }
    const broker = this.broker;
    broker.topicConfigManager.deleteTopicConfig(topic);
    broker.consumerOffsetManager.cleanOffsetByTopic(topic);
    await broker.messageStore.deleteTopics(new Set([topic]));
    return bare(ResponseCode.SUCCESS);
  }

  getAllTopicConfig(): RemotingCommand {
    return bare(ResponseCode.SUCCESS, undefined, Buffer.from(this.broker.topicConfigManager.encode(), 'utf8'));
  }

  getTopicConfig(request: RemotingCommand): RemotingCommand {
    const header = GetTopicConfigRequestHeader.decode(request.extFields);
    const tc = this.broker.topicConfigManager.selectTopicConfig(header.topic);
    if (!tc) return bare(ResponseCode.TOPIC_NOT_EXIST, `No topic in this broker. topic: ${header.topic}`);
    return bare(ResponseCode.SUCCESS, undefined, encodeTopicConfig(tc));
  }

  updateBrokerConfig(request: RemotingCommand): RemotingCommand {
    const text = request.body?.toString('utf8') ?? '';
    const values = parseProperties(text);
    const broker = this.broker;
    const notHot = Object.keys(values).filter((k) => !(HOT_UPDATABLE_KEYS as ReadonlySet<string>).has(k));
    if (notHot.length > 0) {
      return bare(ResponseCode.NO_PERMISSION, `Can not update config in black list: ${notHot.join(',')}`);
    }
    try {
      // Validate on a copy first so a bad value leaves the running config untouched.
      const copy = { ...broker.brokerConfig };
      applyConfigValues(copy, values, 'UPDATE_BROKER_CONFIG');
      applyConfigValues(broker.brokerConfig, values, 'UPDATE_BROKER_CONFIG');
    } catch (err) {
      if (err instanceof BrokerConfigError) return bare(ResponseCode.SYSTEM_ERROR, err.message);
      throw err;
    }
    broker.configDataVersionBump();
    return bare(ResponseCode.SUCCESS);
  }

  getBrokerConfig(): RemotingCommand {
    const body = Buffer.from(brokerConfigToProperties(this.broker.brokerConfig), 'utf8');
    const response = successResponse({ version: toJavaJson(this.broker.configDataVersion) }, body);
    return response;
  }

  async getBrokerRuntimeInfo(): Promise<RemotingCommand> {
    const table = await this.broker.runtimeInfo();
    return bare(ResponseCode.SUCCESS, undefined, json({ table: new Map(Object.entries(table)) }));
  }

  getMaxOffset(request: RemotingCommand): RemotingCommand {
    const header = GetMaxOffsetRequestHeader.decode(request.extFields);
    const offset = this.broker.messageStore.getMaxOffsetInQueue(header.topic, header.queueId);
    return successResponse({ offset: String(offset) });
  }

  getMinOffset(request: RemotingCommand): RemotingCommand {
    const header = GetMinOffsetRequestHeader.decode(request.extFields);
    const offset = this.broker.messageStore.getMinOffsetInQueue(header.topic, header.queueId);
    return successResponse({ offset: String(offset) });
  }

  async searchOffsetByTimestamp(request: RemotingCommand): Promise<RemotingCommand> {
    const header = SearchOffsetRequestHeader.decode(request.extFields);
    const offset = await this.broker.messageStore.getOffsetInQueueByTime(
      header.topic,
      header.queueId,
      header.timestamp,
    );
    return successResponse({ offset: String(offset) });
  }

  async getEarliestMsgStoretime(request: RemotingCommand): Promise<RemotingCommand> {
    const header = GetEarliestMsgStoretimeRequestHeader.decode(request.extFields);
    const timestamp = await this.broker.messageStore.getEarliestMessageTime(header.topic, header.queueId);
    return successResponse({ timestamp: String(timestamp) });
  }

  getAllConsumerOffset(): RemotingCommand {
    return bare(ResponseCode.SUCCESS, undefined, Buffer.from(this.broker.consumerOffsetManager.encode(), 'utf8'));
  }

  async getTopicStatsInfo(request: RemotingCommand): Promise<RemotingCommand> {
    const header = GetTopicStatsInfoRequestHeader.decode(request.extFields);
    const broker = this.broker;
    const tc = broker.topicConfigManager.selectTopicConfig(header.topic);
    if (!tc) return bare(ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist`);
    const store = broker.messageStore;
    const offsetTable = new Map<MessageQueue, TopicOffset>();
    for (let queueId = 0; queueId < tc.writeQueueNums; queueId++) {
      const mq: MessageQueue = { topic: header.topic, brokerName: broker.brokerConfig.brokerName, queueId };
      const min = Math.max(0, store.getMinOffsetInQueue(header.topic, queueId));
      const max = Math.max(0, store.getMaxOffsetInQueue(header.topic, queueId));
      let lastUpdateTimestamp = 0;
      if (max > 0) lastUpdateTimestamp = await store.getMessageStoreTimeStamp(header.topic, queueId, max - 1);
      offsetTable.set(mq, { minOffset: min, maxOffset: max, lastUpdateTimestamp });
    }
    return bare(ResponseCode.SUCCESS, undefined, encodeTopicStatsTable({ offsetTable }));
  }

  getConsumerConnectionList(request: RemotingCommand): RemotingCommand {
    const header = GetConsumerConnectionListRequestHeader.decode(request.extFields);
    const groupInfo = this.broker.consumerManager.getConsumerGroupInfo(header.consumerGroup);
    if (!groupInfo) {
      return bare(ResponseCode.CONSUMER_NOT_ONLINE, `the consumer group[${header.consumerGroup}] not online`);
    }
    const body = encodeConsumerConnection({
      connectionSet: [...groupInfo.channelInfoTable.values()].map((c) => ({
        clientId: c.clientId,
        clientAddr: c.channel.remoteAddr,
        language: c.language,
        version: c.version,
      })),
      subscriptionTable: Object.fromEntries(groupInfo.subscriptionTable),
      consumeType: groupInfo.consumeType,
      messageModel: groupInfo.messageModel,
      consumeFromWhere: groupInfo.consumeFromWhere,
    });
    return bare(ResponseCode.SUCCESS, undefined, body);
  }

  async getConsumeStats(request: RemotingCommand): Promise<RemotingCommand> {
    const header = GetConsumeStatsRequestHeader.decode(request.extFields);
    const broker = this.broker;
    const group = header.consumerGroup;
    const store = broker.messageStore;
    let topics: string[];
    if (header.topicList) topics = header.topicList.split(';').filter((t) => t);
    else if (header.topic) topics = [header.topic];
    else topics = [...broker.consumerOffsetManager.whichTopicByConsumer(group)];
    const offsetTable = new Map<MessageQueue, OffsetWrapper>();
    let consumeTps = 0;
    for (const topic of topics) {
      const tc = broker.topicConfigManager.selectTopicConfig(topic);
      if (!tc) continue;
      // Java skips topics the group no longer subscribes to while it is online.
      const groupInfo = broker.consumerManager.getConsumerGroupInfo(group);
      if (groupInfo && groupInfo.channelInfoTable.size > 0 && !groupInfo.findSubscriptionData(topic)) continue;
      for (let queueId = 0; queueId < tc.readQueueNums; queueId++) {
        const mq: MessageQueue = { topic, brokerName: broker.brokerConfig.brokerName, queueId };
        const brokerOffset = Math.max(0, store.getMaxOffsetInQueue(topic, queueId));
        let consumerOffset = broker.consumerOffsetManager.queryOffset(group, topic, queueId);
        if (consumerOffset < 0) consumerOffset = 0;
        let lastTimestamp = 0;
        if (consumerOffset > 0)
          lastTimestamp = await store.getMessageStoreTimeStamp(topic, queueId, consumerOffset - 1);
        offsetTable.set(mq, { brokerOffset, consumerOffset, pullOffset: consumerOffset, lastTimestamp });
      }
      consumeTps += broker.brokerStatsManager.tpsGroupGetNums(group, topic);
    }
    const stats: ConsumeStats = { offsetTable, consumeTps };
    return bare(ResponseCode.SUCCESS, undefined, encodeConsumeStats(stats));
  }

  getProducerConnectionList(request: RemotingCommand): RemotingCommand {
    const header = GetProducerConnectionListRequestHeader.decode(request.extFields);
    const channels = this.broker.producerManager.groupChannelTable.get(header.producerGroup);
    if (!channels || channels.size === 0) {
      return bare(ResponseCode.SYSTEM_ERROR, `the producer group[${header.producerGroup}] not exist`);
    }
    const body = encodeProducerConnection({
      connectionSet: [...channels.values()].map((c) => ({
        clientId: c.clientId,
        clientAddr: c.channel.remoteAddr,
        language: c.language,
        version: c.version,
      })),
    });
    return bare(ResponseCode.SUCCESS, undefined, body);
  }

  queryTopicsByConsumer(request: RemotingCommand): RemotingCommand {
    const header = QueryTopicsByConsumerRequestHeader.decode(request.extFields);
    const topics = [...this.broker.consumerOffsetManager.whichTopicByConsumer(header.group)];
    return bare(
      ResponseCode.SUCCESS,
      undefined,
      encodeTopicList({ topicList: topics, brokerAddr: this.broker.brokerAddr }),
    );
  }

  /**
   * GET_CONSUMER_RUNNING_INFO (307) and CONSUME_MESSAGE_DIRECTLY (309) from admin tools: forwarded to the named
   * consumer's connection, and its answer returned as is (Java `AdminBrokerProcessor.callConsumer`).
   */
  async callConsumer(request: RemotingCommand): Promise<RemotingCommand> {
    const broker = this.broker;
    let group: string;
    let clientId: string | undefined;
    if (request.code === RequestCode.GET_CONSUMER_RUNNING_INFO) {
      const header = GetConsumerRunningInfoRequestHeader.decode(request.extFields);
      group = header.consumerGroup;
      clientId = header.clientId;
    } else {
      const header = ConsumeMessageDirectlyResultRequestHeader.decode(request.extFields);
      group = header.consumerGroup;
      clientId = header.clientId;
    }
    const info = clientId ? broker.consumerManager.findChannel(group, clientId) : undefined;
    if (!info) {
      return bare(ResponseCode.SYSTEM_ERROR, `The Consumer <${clientId ?? ''}> not online`);
    }
    if (info.version < V3_1_8_SNAPSHOT) {
      return bare(
        ResponseCode.SYSTEM_ERROR,
        `The Consumer <${info.clientId}> Version <${info.version}> too low to finish, please upgrade it to V3_1_8_SNAPSHOT`,
      );
    }
    const forward = RemotingCommand.createRequest(request.code, { ...request.extFields }, request.body);
    try {
      return await broker.remotingServer.invoke(info.channel, forward, 5000);
    } catch (err) {
      return bare(
        ResponseCode.SYSTEM_ERROR,
        `invoke consumer <${info.clientId}> <${request.code}> Exception: ${(err as Error).message}`,
      );
    }
  }

  /**
   * INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223): asks each online consumer of the group (only `clientAddr`'s when that
   * names a client id) for its in-memory offsets of `topic` (GET_CONSUMER_STATUS_FROM_CLIENT, 221, on the client's
   * connection) and answers `GetConsumerStatusBody {consumerTable: {clientId: {mq: offset}}}`. A client that fails or
   * times out is left out, as Java does (`Broker2Client.getConsumeStatus`).
   */
  async getConsumerStatus(request: RemotingCommand): Promise<RemotingCommand> {
    const header = GetConsumerStatusRequestHeader.decode(request.extFields);
    const broker = this.broker;
    const { topic, group } = header;
    const origin = header.clientAddr && header.clientAddr.trim() !== '' ? header.clientAddr : undefined;
    const channels = broker.consumerManager.getConsumerGroupInfo(group)?.channelInfoTable;
    if (!channels || channels.size === 0) {
      return bare(ResponseCode.SYSTEM_ERROR, `No Any Consumer online in the consumer group: [${group}]`);
    }
    const consumerTable = new Map<string, Map<MessageQueue, number>>();
    for (const info of channels.values()) {
      if (info.version < V3_0_7_SNAPSHOT) {
        return bare(ResponseCode.SYSTEM_ERROR, `the client does not support this feature. version=${info.version}`);
      }
      if (origin !== undefined && origin !== info.clientId) continue;
      const ask = RemotingCommand.createRequest(RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT, { topic, group });
      try {
        const response = await broker.remotingServer.invoke(info.channel, ask, 5000);
        if (response.code === ResponseCode.SUCCESS && response.body && response.body.length > 0) {
          consumerTable.set(info.clientId, decodeGetConsumerStatusBody(response.body).messageQueueTable);
        }
      } catch (err) {
        broker.logger.warn(
          `[get-consumer-status] get consumer status exception. topic=${topic}, group=${group}, client=${info.clientId}: ${(err as Error).message}`,
        );
      }
      if (origin !== undefined) break;
    }
    return bare(
      ResponseCode.SUCCESS,
      undefined,
      encodeGetConsumerStatusBody({ messageQueueTable: new Map(), consumerTable }, { style: 'fastjson' }),
    );
  }

  queryTopicConsumeByWho(request: RemotingCommand): RemotingCommand {
    const header = QueryTopicConsumeByWhoRequestHeader.decode(request.extFields);
    const groups = this.broker.consumerManager.queryTopicConsumeByWho(header.topic);
    for (const g of this.broker.consumerOffsetManager.whichGroupByTopic(header.topic)) groups.add(g);
    return bare(ResponseCode.SUCCESS, undefined, json({ groupList: [...groups] }));
  }

  updateAndCreateSubscriptionGroup(request: RemotingCommand): RemotingCommand {
    if (!request.body || request.body.length === 0) {
      return bare(ResponseCode.SYSTEM_ERROR, 'the body of the request is empty');
    }
    const cfg = decodeSubscriptionGroupConfig(request.body);
    const invalid = groupNameInvalidRemark(cfg.groupName);
    if (invalid) return bare(ResponseCode.INVALID_PARAMETER, invalid);
    this.broker.subscriptionGroupManager.updateSubscriptionGroupConfig(cfg);
    this.broker.topicConfigManager.createTopicInSendMessageBackMethod(
      getRetryTopic(cfg.groupName),
      Math.max(1, cfg.retryQueueNums),
      PermName.PERM_READ | PermName.PERM_WRITE,
    );
    return bare(ResponseCode.SUCCESS);
  }

  getAllSubscriptionGroupConfig(): RemotingCommand {
    return bare(ResponseCode.SUCCESS, undefined, Buffer.from(this.broker.subscriptionGroupManager.encode(), 'utf8'));
  }

  getSubscriptionGroupConfig(request: RemotingCommand): RemotingCommand {
    const header = GetSubscriptionGroupConfigRequestHeader.decode(request.extFields);
    const cfg = this.broker.subscriptionGroupManager.subscriptionGroupTable.get(header.group);
    if (!cfg) return bare(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `No group in this broker. group: ${header.group}`);
    return bare(ResponseCode.SUCCESS, undefined, encodeSubscriptionGroupConfig(cfg));
  }

  /**
   * GET_BROKER_CONSUME_STATS (317): consume stats of every subscription group for each topic it has offsets on
   * (Java `fetchAllConsumeStatsInBroker`); `isOrder` keeps ordered topics only.
   */
  async getBrokerConsumeStats(request: RemotingCommand): Promise<RemotingCommand> {
    const header = GetConsumeStatsInBrokerHeader.decode(request.extFields);
    const broker = this.broker;
    const store = broker.messageStore;
    const brokerName = broker.brokerConfig.brokerName;
    let totalDiff = 0;
    const consumeStatsList: Array<Map<string, ConsumeStats[]>> = [];
    for (const group of broker.subscriptionGroupManager.subscriptionGroupTable.keys()) {
      const statsOfGroup: ConsumeStats[] = [];
      const online = broker.consumerManager.getConsumerGroupInfo(group);
      for (const topic of broker.consumerOffsetManager.whichTopicByConsumer(group)) {
        const tc = broker.topicConfigManager.selectTopicConfig(topic);
        if (!tc) continue;
        if (header.isOrder && !tc.order) continue;
        // An online group that no longer subscribes to the topic is left out, as Java does.
        if (online && online.subscriptionTable.size > 0 && !online.findSubscriptionData(topic)) continue;
        const offsetTable = new Map<MessageQueue, OffsetWrapper>();
        for (let queueId = 0; queueId < tc.writeQueueNums; queueId++) {
          const brokerOffset = Math.max(0, store.getMaxOffsetInQueue(topic, queueId));
          const consumerOffset = Math.max(0, broker.consumerOffsetManager.queryOffset(group, topic, queueId));
          let lastTimestamp = 0;
          if (consumerOffset > 0) {
            const ts = await store.getMessageStoreTimeStamp(topic, queueId, consumerOffset - 1);
            if (ts > 0) lastTimestamp = ts;
          }
          offsetTable.set({ topic, brokerName, queueId }, { brokerOffset, consumerOffset, lastTimestamp });
        }
        const stats: ConsumeStats = {
          offsetTable,
          consumeTps: broker.brokerStatsManager.tpsGroupGetNums(group, topic),
        };
        totalDiff += consumeStatsTotalDiff(stats);
        statsOfGroup.push(stats);
      }
      consumeStatsList.push(new Map([[group, statsOfGroup]]));
    }
    const body = encodeConsumeStatsList({ brokerAddr: broker.brokerAddr, totalDiff, consumeStatsList });
    return bare(ResponseCode.SUCCESS, undefined, body);
  }

  /** GET_SYSTEM_TOPIC_LIST_FROM_BROKER (305): Java's fixed system topics plus the ones this broker registered. */
  getSystemTopicListFromBroker(): RemotingCommand {
    const topics = new Set<string>(FIXED_SYSTEM_TOPICS);
    const tcm = this.broker.topicConfigManager;
    for (const topic of tcm.topicConfigTable.keys()) if (tcm.isSystemTopic(topic)) topics.add(topic);
    return bare(ResponseCode.SUCCESS, undefined, encodeTopicList({ topicList: [...topics] }));
  }

  /** GET_ALL_PRODUCER_INFO (328): every producer connection by group (Java `ProducerManager.getProducerTable`). */
  getAllProducerInfo(): RemotingCommand {
    const data = new Map<string, ProducerInfo[]>();
    for (const [group, channels] of this.broker.producerManager.groupChannelTable) {
      const infos = [...channels.values()].map((c) => ({
        clientId: c.clientId,
        remoteIP: `/${c.channel.remoteAddr}`,
        language: c.language,
        version: c.version,
        lastUpdateTimestamp: c.lastUpdateTimestamp,
      }));
      if (infos.length > 0) data.set(group, infos);
    }
    return bare(ResponseCode.SUCCESS, undefined, encodeProducerTableInfo(data));
  }

  /**
   * QUERY_CONSUME_TIME_SPAN (303): per write queue of the topic, the store times of its oldest and newest message,
   * of the group's last consumed one, and how long the next unconsumed one has waited (Java `queryConsumeTimeSpan`).
   */
  async queryConsumeTimeSpan(request: RemotingCommand): Promise<RemotingCommand> {
    const header = QueryConsumeTimeSpanRequestHeader.decode(request.extFields);
    const broker = this.broker;
    const topic = header.topic;
    const tc = broker.topicConfigManager.selectTopicConfig(topic);
    if (!tc) return bare(ResponseCode.TOPIC_NOT_EXIST, `topic[${topic}] not exist`);
    const store = broker.messageStore;
    const spans: QueueTimeSpan[] = [];
    for (let queueId = 0; queueId < tc.writeQueueNums; queueId++) {
      const minTimeStamp = await store.getEarliestMessageTime(topic, queueId);
      const max = store.getMaxOffsetInQueue(topic, queueId);
      const maxTimeStamp = await store.getMessageStoreTimeStamp(topic, queueId, max - 1);
      const consumerOffset = broker.consumerOffsetManager.queryOffset(header.group, topic, queueId);
      const consumeTimeStamp =
        consumerOffset > 0 ? await store.getMessageStoreTimeStamp(topic, queueId, consumerOffset - 1) : minTimeStamp;
      let delayTime = 0;
      if (consumerOffset < max) {
        delayTime = Date.now() - (await store.getMessageStoreTimeStamp(topic, queueId, consumerOffset));
      }
      spans.push({
        messageQueue: { topic, brokerName: broker.brokerConfig.brokerName, queueId },
        minTimeStamp,
        maxTimeStamp,
        consumeTimeStamp,
        delayTime,
      });
    }
    return bare(ResponseCode.SUCCESS, undefined, encodeQueryConsumeTimeSpanBody({ consumeTimeSpanSet: spans }));
  }

  /**
   * CLEAN_UNUSED_TOPIC (316): drops the consume queues of topics no longer configured, except the schedule and
   * transaction-op topics and LMQ queues (Java `DefaultMessageStore.cleanUnusedTopic`).
   */
  async cleanUnusedTopic(): Promise<RemotingCommand> {
    const broker = this.broker;
    const configured = broker.topicConfigManager.topicConfigTable;
    const unused = new Set<string>();
    for (const topic of broker.messageStore.consumeQueueTable.keys()) {
      if (configured.has(topic) || isLmqTopic(topic)) continue;
      if (topic === SystemTopic.SCHEDULE_TOPIC || topic === SystemTopic.TRANS_OP_HALF_TOPIC) continue;
      unused.add(topic);
    }
    if (unused.size > 0) {
      broker.logger.warn(`cleanUnusedTopic: destroying the consume queues of ${[...unused].join(',')}`);
      await broker.messageStore.deleteTopics(unused);
    }
    return bare(ResponseCode.SUCCESS);
  }

  /**
   * QUERY_CONSUME_QUEUE (321): up to `count` raw entries of one consume queue from `index`, with the group's
   * subscription when a group is named (Java `queryConsumeQueue`).
   */
  async queryConsumeQueue(request: RemotingCommand): Promise<RemotingCommand> {
    const header = QueryConsumeQueueRequestHeader.decode(request.extFields);
    const broker = this.broker;
    const { topic, queueId } = header;
    const cq = broker.messageStore.findConsumeQueue(topic, queueId);
    if (!cq) return bare(ResponseCode.SYSTEM_ERROR, `${queueId}@${topic} is not exist!`);
    const body: Parameters<typeof encodeQueryConsumeQueueResponseBody>[0] = {
      maxQueueIndex: cq.getMaxOffsetInQueue(),
      minQueueIndex: cq.getMinOffsetInQueue(),
    };
    if (header.consumerGroup !== undefined) {
      const sub = broker.consumerManager.findSubscriptionData(header.consumerGroup, topic);
      if (sub) {
        body.subscriptionData = sub;
        // This broker keeps no consumer filter data (Java writes `JSON.toJSONString(null)` for tag subscriptions).
        body.filterData = 'null';
      } else {
        body.filterData = `${header.consumerGroup}@${topic} is not online!`;
      }
    }
    // Java reads from `index` to the end of its segment, then keeps at most `count` entries.
    const entries = await cq.getEntries(header.index, Math.max(1, header.count));
    if (!entries) return bare(ResponseCode.SUCCESS, `Index ${header.index} of ${queueId}@${topic} is not exist!`);
    const queueData: ConsumeQueueData[] = [];
    const limit = Math.min(entries.length, Math.max(0, header.count) * CQ_UNIT_SIZE);
    for (let at = 0; at + CQ_UNIT_SIZE <= limit; at += CQ_UNIT_SIZE) {
      queueData.push({
        physicOffset: Number(entries.readBigInt64BE(at)),
        physicSize: entries.readInt32BE(at + 8),
        tagsCode: Number(entries.readBigInt64BE(at + 12)),
      });
    }
    body.queueData = queueData;
    return bare(ResponseCode.SUCCESS, undefined, encodeQueryConsumeQueueResponseBody(body));
  }

  /**
   * VIEW_BROKER_STATS_DATA (315): the minute, hour and day figures of one stats item (e.g. TOPIC_PUT_NUMS / topic);
   * SYSTEM_ERROR when nothing was counted under that name and key (Java `ViewBrokerStatsData`).
   */
  viewBrokerStatsData(request: RemotingCommand): RemotingCommand {
    const header = ViewBrokerStatsDataRequestHeader.decode(request.extFields);
    const item = this.broker.brokerStatsManager.getStatsItem(header.statsName, header.statsKey);
    if (!item) return bare(ResponseCode.SYSTEM_ERROR, `The stats <${header.statsName}> <${header.statsKey}> not exist`);
    const body = encodeBrokerStatsData({
      statsMinute: item.statsInMinute(),
      statsHour: item.statsInHour(),
      statsDay: item.statsInDay(),
    });
    return bare(ResponseCode.SUCCESS, undefined, body);
  }

  /**
   * QUERY_CORRECTION_OFFSET (308): per queue of `topic`, the smallest offset committed by the groups other than
   * `filterGroups` (comma list), ignoring offsets below the queue's min offset; where `compareGroup` (unless filtered
   * out) has an offset below that minimum, Java's `Long.MAX_VALUE` instead (Java `queryCorrectionOffset`).
   */
  queryCorrectionOffset(request: RemotingCommand): RemotingCommand {
    const header = QueryCorrectionOffsetHeader.decode(request.extFields);
    const offsets = this.broker.consumerOffsetManager;
    const store = this.broker.messageStore;
    const filter = new Set(
      header.filterGroups && header.filterGroups.trim() !== '' ? header.filterGroups.split(',') : [],
    );
    const correction = new Map<number, number | bigint>(
      offsets.queryMinOffsetInAllGroup(header.topic, filter, (queueId) =>
        store.getMinOffsetInQueue(header.topic, queueId),
      ),
    );
    // Java drops the filtered groups' offsets first, so a filtered compare group has nothing to compare.
    const compare = filter.has(header.compareGroup)
      ? undefined
      : offsets.queryOffsetTable(header.compareGroup, header.topic);
    for (const [queueId, offset] of compare ?? []) {
      const min = correction.get(queueId);
      // Java fails with a NullPointerException here; a queue without any usable offset gets no correction instead.
      if (min === undefined) continue;
      if (min > offset) correction.set(queueId, JAVA_LONG_MAX);
    }
    return bare(ResponseCode.SUCCESS, undefined, encodeQueryCorrectionOffsetBody(correction));
  }

  /**
   * RESUME_CHECK_HALF_MESSAGE (323): the message at the offset msgId (typically one the check service gave up on and
   * moved to TRANS_CHECK_MAX_TIME_TOPIC) is stored again in queue 0 of the half topic with TRANSACTION_CHECK_TIMES
   * back to 0, so the next check run asks its producer again (Java `resumeCheckHalfMessage`). A missing or bad msgId,
   * or no message at its offset, is Java's SYSTEM_ERROR "Exception was thrown …".
   */
  async resumeCheckHalfMessage(request: RemotingCommand): Promise<RemotingCommand> {
    const failed = 'Exception was thrown when putting message back to RMQ_SYS_TRANS_HALF_TOPIC.';
    const broker = this.broker;
    let msgId: string | undefined;
    try {
      msgId = ResumeCheckHalfMessageRequestHeader.decode(request.extFields).msgId;
    } catch {
      msgId = undefined;
    }
    if (!msgId) return bare(ResponseCode.SYSTEM_ERROR, failed);
    let commitLogOffset: number;
    try {
      commitLogOffset = decodeOffsetMessageId(msgId).offset;
    } catch {
      return bare(ResponseCode.SYSTEM_ERROR, failed);
    }
    const msg = await broker.messageStore.lookMessageByOffset(commitLogOffset).catch(() => null);
    if (!msg) return bare(ResponseCode.SYSTEM_ERROR, failed);
    const inner = toInner(msg, { topic: SystemTopic.TRANS_HALF_TOPIC, queueId: 0 });
    inner.putProperty(MessageConst.TRANSACTION_CHECK_TIMES, '0');
    inner.waitStoreMsgOK = false;
    const result = await broker.messageStore.putMessage(finishInner(inner));
    if (result.status !== 'PUT_OK') {
      broker.logger.error('Put message back to RMQ_SYS_TRANS_HALF_TOPIC failed.');
      return bare(ResponseCode.SYSTEM_ERROR, 'Put message back to RMQ_SYS_TRANS_HALF_TOPIC failed.');
    }
    broker.logger.info(
      `Put message back to RMQ_SYS_TRANS_HALF_TOPIC. real topic=${msg.getProperty(MessageConst.REAL_TOPIC) ?? ''}`,
    );
    return bare(ResponseCode.SUCCESS);
  }

  deleteSubscriptionGroup(request: RemotingCommand): RemotingCommand {
    const header = DeleteSubscriptionGroupRequestHeader.decode(request.extFields);
    this.broker.subscriptionGroupManager.deleteSubscriptionGroupConfig(header.groupName);
    if (header.cleanOffset) this.broker.consumerOffsetManager.removeOffset(header.groupName);
    return bare(ResponseCode.SUCCESS);
  }
}

/** `+key=value,+key2=value2` (5.x topic attributes) → map with the plain keys; `-key` entries are dropped. */
function parseAttributes(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const part of text.split(',')) {
    const item = part.trim();
    if (!item || item.startsWith('-')) continue;
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(item.startsWith('+') ? 1 : 0, eq);
    out[key] = item.slice(eq + 1);
  }
  return out;
}
