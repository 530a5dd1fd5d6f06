import {
  CloneGroupOffsetRequestHeader,
  RemotingCommandError,
  RequestCode,
  ResetOffsetRequestHeader,
  ResponseCode,
  encodeResetOffsetBody,
  isPlainObject,
  parseJavaJson,
  subscriptionDataFromJson,
  type MessageQueue,
} from '@rocketnest/common';
import { type RemotingChannel, RemotingCommand } from '@rocketnest/remoting';
import type { SemanticsHost } from '../semantics-host';

/** Java `MQVersion.Version.V3_0_7_SNAPSHOT.ordinal()`: the first client version that understands offset resets. */
const V3_0_7_SNAPSHOT = 32;

function badRequest(err: unknown): RemotingCommand {
  if (err instanceof RemotingCommandError)
    return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, err.message);
  throw err;
}

/**
 * INVOKE_BROKER_TO_RESET_OFFSET (222) — Java `Broker2Client.resetOffset`: computes, per write queue of the topic, the
 * offset at `timestamp` (-1 = the end; offsets only move back unless `isForce`), pushes them to every online client
 * of the group with RESET_CONSUMER_CLIENT_OFFSET (220, oneway), records them as the group's committed offsets, and
 * answers the `ResetOffsetBody`. A group without online consumers gets CONSUMER_NOT_ONLINE (mqadmin then falls back
 * to updating offsets directly).
 */
export function createInvokeBrokerToResetOffsetProcessor(host: SemanticsHost) {
  return async (request: RemotingCommand, _channel: RemotingChannel): Promise<RemotingCommand> => {
    let header: ResetOffsetRequestHeader;
    try {
      header = ResetOffsetRequestHeader.decode(request.extFields);
    } catch (err) {
      return badRequest(err);
    }
    const { topic, group, timestamp, isForce } = header;
    const topicConfig = host.topicConfigManager.selectTopicConfig(topic);
    if (!topicConfig) {
      return RemotingCommand.createResponse(
        ResponseCode.SYSTEM_ERROR,
        `[reset-offset] reset offset failed, no topic in this broker. topic=${topic}`,
      );
    }
    const offsetTable = new Map<MessageQueue, number>();
    for (let queueId = 0; queueId < topicConfig.writeQueueNums; queueId++) {
      const mq: MessageQueue = { topic, brokerName: host.brokerConfig.brokerName, queueId };
      const consumerOffset = host.consumerOffsetManager.queryOffset(group, topic, queueId);
      if (consumerOffset === -1) {
        return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, `THe consumer group <${group}> not exist`);
      }
      let target =
        timestamp === -1
          ? await host.messageStore.getMaxOffsetInQueue(topic, queueId)
          : await host.messageStore.getOffsetInQueueByTime(topic, queueId, timestamp);
      if (target < 0) target = 0;
      offsetTable.set(mq, isForce || target < consumerOffset ? target : consumerOffset);
    }

    const groupInfo = host.consumerManager.getConsumerGroupInfo(group);
    const clients = groupInfo ? [...groupInfo.channelInfoTable.values()] : [];
    if (clients.length === 0) {
      return RemotingCommand.createResponse(
        ResponseCode.CONSUMER_NOT_ONLINE,
        `Consumer not online, so can not reset offset, Group: ${group} Topic: ${topic} Timestamp: ${timestamp}`,
      );
    }
    const old = clients.find((c) => c.version < V3_0_7_SNAPSHOT);
    if (old) {
      return RemotingCommand.createResponse(
        ResponseCode.SYSTEM_ERROR,
        `the client does not support this feature. version=${old.version}`,
      );
    }
    for (const [mq, offset] of offsetTable) host.consumerOffsetManager.commitOffset(group, topic, mq.queueId, offset);
    // fastjson writes the MessageQueue keys as raw objects; Java clients read that form.
    const body = encodeResetOffsetBody({ offsetTable }, { style: 'fastjson' });
    for (const client of clients) {
      const push = RemotingCommand.createRequest(
        RequestCode.RESET_CONSUMER_CLIENT_OFFSET,
        ResetOffsetRequestHeader.encode({ topic, group, timestamp, isForce }),
        body,
      );
      try {
        await host.remotingServer.invokeOneway(client.channel, push, 5000);
      } catch {
        // Java logs and goes on with the other clients.
      }
    }
    const response = RemotingCommand.createResponse(ResponseCode.SUCCESS);
    response.body = body;
    return response;
  };
}

/**
 * CLONE_GROUP_OFFSET (314) — Java `AdminBrokerProcessor.cloneGroupOffset`: copies the committed offsets of `srcGroup`
 * to `destGroup` for `topic`, or for every topic `srcGroup` has offsets of; unless `offline`, a topic the live source
 * group no longer subscribes to is skipped.
 */
export function createCloneGroupOffsetProcessor(host: SemanticsHost) {
  return (request: RemotingCommand, _channel: RemotingChannel): RemotingCommand => {
    let header: CloneGroupOffsetRequestHeader;
    try {
      header = CloneGroupOffsetRequestHeader.decode(request.extFields);
    } catch (err) {
      return badRequest(err);
    }
    const topics = header.topic
      ? new Set([header.topic])
      : host.consumerOffsetManager.whichTopicByConsumer(header.srcGroup);
    const live = host.consumerManager.getConsumerGroupInfo(header.srcGroup);
    for (const topic of topics) {
      if (!host.topicConfigManager.selectTopicConfig(topic)) continue;
      if (!header.offline && live && live.subscriptionTable.size > 0 && !live.findSubscriptionData(topic)) continue;
      host.consumerOffsetManager.cloneOffset(header.srcGroup, header.destGroup, topic);
    }
    return RemotingCommand.createResponse(ResponseCode.SUCCESS);
  };
}

/** GET_ALL_DELAY_OFFSET (45): the `delayOffset.json` text of the schedule service. */
export function createGetAllDelayOffsetProcessor(encode: () => string) {
  return (_request: RemotingCommand, _channel: RemotingChannel): RemotingCommand => {
    const content = encode();
    if (!content) return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, 'No delay offset in this broker');
    const response = RemotingCommand.createResponse(ResponseCode.SUCCESS);
    response.body = Buffer.from(content, 'utf8');
    return response;
  };
}

/**
 * CHECK_CLIENT_CONFIG (46) — Java `ClientManageProcessor.checkClientConfig`: a consumer about to subscribe with a
 * non-TAG expression asks whether the broker accepts it: SYSTEM_ERROR when property filtering is off,
 * SUBSCRIPTION_PARSE_FAILED with the parser's message when it does not compile.
 */
export function createCheckClientConfigProcessor(host: SemanticsHost, compile: (expression: string) => unknown) {
  return (request: RemotingCommand, _channel: RemotingChannel): RemotingCommand => {
    let subscription: ReturnType<typeof subscriptionDataFromJson> | undefined;
    try {
      if (request.body && request.body.length > 0) {
        const doc = parseJavaJson(request.body);
        if (isPlainObject(doc) && doc.subscriptionData !== undefined && doc.subscriptionData !== null) {
          subscription = subscriptionDataFromJson(doc.subscriptionData, 'CheckClientRequestBody.subscriptionData');
        }
      }
    } catch (err) {
      return badRequest(err);
    }
    if (!subscription) return RemotingCommand.createResponse(ResponseCode.SUCCESS);
    const type = subscription.expressionType;
    if (!type || type === 'TAG') return RemotingCommand.createResponse(ResponseCode.SUCCESS);
    if (!host.brokerConfig.enablePropertyFilter) {
      return RemotingCommand.createResponse(
        ResponseCode.SYSTEM_ERROR,
        `The broker does not support consumer to filter message by ${type}`,
      );
    }
    if (type !== 'SQL92') {
      return RemotingCommand.createResponse(ResponseCode.SUBSCRIPTION_PARSE_FAILED, `Unknown expression type ${type}`);
    }
    try {
      compile(subscription.subString);
    } catch (err) {
      return RemotingCommand.createResponse(ResponseCode.SUBSCRIPTION_PARSE_FAILED, (err as Error).message);
    }
    return RemotingCommand.createResponse(ResponseCode.SUCCESS);
  };
}
