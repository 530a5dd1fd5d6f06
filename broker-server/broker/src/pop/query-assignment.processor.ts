import {
  MessageRequestMode,
  ResponseCode,
  compareMessageQueues,
  decodeQueryAssignmentRequestBody,
  decodeSetMessageRequestModeRequestBody,
  encodeQueryAssignmentResponseBody,
  isReadable,
  isRetryTopic,
  messageQueue,
  messageQueueKey,
  type MessageQueue,
  type SetMessageRequestModeRequestBody,
} from '@rocketnest/common';
import {
  AllocateMessageQueueAveragely,
  AllocateMessageQueueAveragelyByCircle,
  type AllocateMessageQueueStrategy,
} from '@rocketnest/client';
import type { RemotingChannel, RemotingCommand } from '@rocketnest/remoting';
import type { BrokerController } from '../broker-controller';
import { errorResponse, successResponse } from '../processor/processor-util';
import { MessageRequestModeManager } from './message-request-mode-manager';

/**
 * QUERY_ASSIGNMENT (400) and SET_MESSAGE_REQUEST_MODE (401) — Java `QueryAssignmentProcessor`: server-side rebalance.
 * PULL mode answers the strategy's normal allocation; POP mode answers per `popShareQueueNum` (≤ 0 or ≥ clients − 1:
 * every queue of the topic with queueId −1, "pop from any queue").
 *
 * The topic's queues come from its route on the name server (every broker's readable queues), as in Java.
 */
export class QueryAssignmentProcessor {
  readonly modeManager: MessageRequestModeManager;
  private readonly strategies = new Map<string, AllocateMessageQueueStrategy>();
  private readonly routeCache = new Map<string, { queues: MessageQueue[]; at: number }>();

  constructor(private readonly broker: BrokerController) {
    this.modeManager = new MessageRequestModeManager(broker.brokerConfig.storePathRootDir);
    for (const s of [new AllocateMessageQueueAveragely(), new AllocateMessageQueueAveragelyByCircle()]) {
      this.strategies.set(s.name, s);
    }
  }

  load(): void {
    this.modeManager.load();
  }

  async queryAssignment(request: RemotingCommand, channel: RemotingChannel): Promise<RemotingCommand> {
    const body = decodeQueryAssignmentRequestBody(request.body);
    const cfg = this.broker.brokerConfig;
    let mode = this.modeManager.get(body.topic, body.consumerGroup);
    if (!mode) {
      const m = isRetryTopic(body.topic)
        ? MessageRequestMode.PULL // retry topics are always pulled
        : cfg.defaultMessageRequestMode;
      mode = {
        topic: body.topic,
        consumerGroup: body.consumerGroup,
        mode: m,
        popShareQueueNum: m === MessageRequestMode.POP ? cfg.defaultPopShareQueueNum : 0,
      };
    }
    const queues = await this.doLoadBalance(
      body.topic,
      body.consumerGroup,
      body.clientId,
      body.messageModel,
      body.strategyName,
      mode,
      channel,
    );
    if (!queues) return successResponse({}, Buffer.from('{}'));
    // Java collects them in a HashSet: the POP "any queue" entries (queueId -1) collapse into one per broker
    const unique = new Map<string, MessageQueue>();
    for (const mq of queues) unique.set(messageQueueKey(mq), mq);
    return successResponse(
      {},
      encodeQueryAssignmentResponseBody({
        messageQueueAssignments: [...unique.values()].map((mq) => ({ messageQueue: mq, mode: mode.mode })),
      }),
    );
  }

  setMessageRequestMode(request: RemotingCommand): RemotingCommand {
    const body = decodeSetMessageRequestModeRequestBody(request.body);
    if (isRetryTopic(body.topic)) {
      return errorResponse(ResponseCode.NO_PERMISSION, 'retry topic is not allowed to set mode');
    }
    this.modeManager.set(body);
    this.modeManager.persist();
    return successResponse();
  }

  /**
   * The topic's readable queues on every broker of its route (Java `TopicRouteInfoManager.getTopicSubscribeInfo`):
   * read from the name server and reused for `loadBalancePollNameServerInterval`; without a name server, or when it
   * has no route for the topic yet, this broker's own queues. Undefined when neither knows the topic.
   */
  private async subscribeInfo(topic: string): Promise<MessageQueue[] | undefined> {
    const cfg = this.broker.brokerConfig;
    const cached = this.routeCache.get(topic);
    if (cached && Date.now() - cached.at < cfg.loadBalancePollNameServerInterval) return cached.queues;
    if (this.broker.brokerOuterApi.getNameServerAddressList().length > 0) {
      const route = await this.broker.brokerOuterApi.getTopicRouteInfo(topic, 3000);
      if (route && route.queueDatas.length > 0) {
        const queues: MessageQueue[] = [];
        for (const qd of route.queueDatas) {
          if (!isReadable(qd.perm)) continue;
          for (let q = 0; q < qd.readQueueNums; q++) queues.push(messageQueue(topic, qd.brokerName, q));
        }
        if (this.routeCache.size >= 4096) this.routeCache.delete(this.routeCache.keys().next().value!);
        this.routeCache.set(topic, { queues, at: Date.now() });
        return queues;
      }
    }
    return this.localSubscribeInfo(topic);
  }

  private localSubscribeInfo(topic: string): MessageQueue[] | undefined {
    const tc = this.broker.topicConfigManager.selectTopicConfig(topic);
    if (!tc) return undefined;
    const out: MessageQueue[] = [];
    if (isReadable(tc.perm)) {
      for (let q = 0; q < tc.readQueueNums; q++) out.push(messageQueue(topic, this.broker.brokerConfig.brokerName, q));
    }
    return out;
  }

  /** Java `doLoadBalance`: undefined = "invalid, the client keeps its current assignment". */
  private async doLoadBalance(
    topic: string,
    group: string,
    clientId: string,
    messageModel: string,
    strategyName: string,
    mode: SetMessageRequestModeRequestBody,
    channel: RemotingChannel,
  ): Promise<MessageQueue[] | undefined> {
    const log = this.broker.logger;
    if (messageModel === 'BROADCASTING') {
      return (await this.subscribeInfo(topic)) ?? [];
    }
    if (messageModel !== 'CLUSTERING') return undefined; // Java: no assignment set for an unknown model
    const mqSet = await this.subscribeInfo(topic);
    if (!mqSet) {
      if (!isRetryTopic(topic)) {
        log.warn(`QueryLoad: no assignment for group[${group}], the topic[${topic}] does not exist.`);
      }
      return undefined;
    }
    if (!this.broker.brokerConfig.serverLoadBalancerEnable) return mqSet;
    const groupInfo = this.broker.consumerManager.getConsumerGroupInfo(group);
    if (!groupInfo) {
      log.warn(`QueryLoad: no assignment for group[${group}] topic[${topic}], get consumer id list failed`);
      return undefined;
    }
    const cidAll = groupInfo.getAllClientIds().sort();
    const mqAll = [...mqSet].sort(compareMessageQueues);
    const strategy = this.strategies.get(strategyName);
    if (!strategy) {
      log.warn(`QueryLoad: unsupported strategy [${strategyName}], ${channel.remoteAddr}`);
      return undefined;
    }
    try {
      if (mode.mode === MessageRequestMode.POP) {
        return allocate4Pop(strategy, group, clientId, mqAll, cidAll, mode.popShareQueueNum);
      }
      return strategy.allocate(group, clientId, mqAll, cidAll);
    } catch (err) {
      log.error(`QueryLoad: no assignment for group[${group}] topic[${topic}], allocate message queue exception`, err);
      return undefined;
    }
  }
}

/** Java `allocate4Pop`. */
export function allocate4Pop(
  strategy: AllocateMessageQueueStrategy,
  group: string,
  clientId: string,
  mqAll: MessageQueue[],
  cidAll: string[],
  popShareQueueNum: number,
): MessageQueue[] {
  if (popShareQueueNum <= 0 || popShareQueueNum >= cidAll.length - 1) {
    // every client pops every queue of the broker: one entry per queue, with queueId -1
    return mqAll.map((mq) => messageQueue(mq.topic, mq.brokerName, -1));
  }
  if (cidAll.length <= mqAll.length) {
    // the client's own share plus the shares of the popShareQueueNum clients after it in the sorted list
    const result = strategy.allocate(group, clientId, mqAll, cidAll);
    let index = cidAll.indexOf(clientId);
    if (index >= 0) {
      for (let i = 1; i <= popShareQueueNum; i++) {
        index = (index + 1) % cidAll.length;
        result.push(...strategy.allocate(group, cidAll[index]!, mqAll, cidAll));
      }
    }
    return result;
  }
  // more clients than queues: each client gets one queue, round robin
  if (!clientId) throw new Error('currentCID is empty');
  const index = cidAll.indexOf(clientId);
  if (index < 0) return [];
  return [mqAll[index % mqAll.length]!];
}
