import {
  MessageConst,
  MessageExtBrokerInner,
  MessageSysFlag,
  PermName,
  isWriteable,
  ReplyMessageRequestHeader,
  RequestCode,
  ResponseCode,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  TopicFilterType,
  decodeMessageProperties,
  encodeMessageProperties,
  getReplyTopic,
  hostToString,
} from '@rocketnest/common';
import { type RemotingChannel, RemotingCommand } from '@rocketnest/remoting';
import type { SemanticsHost } from '../semantics-host';
import { appendOf, isPutStored, putStatusOf } from '../util/message-util';

export interface ReplyMessageProcessorOptions {
  /** Timeout of PUSH_REPLY_MESSAGE_TO_CLIENT. Default 3000 ms (Java `invokeSync(..., 3000)`). */
  pushTimeoutMs?: number;
  onError?: (err: unknown) => void;
}

function hostOfAddr(addr: string): { address: string; port: number } {
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(addr);
  if (v6) return { address: v6[1]!, port: Number(v6[2]) };
  const at = addr.lastIndexOf(':');
  return at < 0 ? { address: addr, port: 0 } : { address: addr.slice(0, at), port: Number(addr.slice(at + 1)) || 0 };
}

/**
 * SEND_REPLY_MESSAGE (324) / SEND_REPLY_MESSAGE_V2 (325) — Java `ReplyMessageProcessor`: the replier's message is
 * pushed to the requester named by `REPLY_TO_CLIENT` (one of the broker's producer connections) with
 * PUSH_REPLY_MESSAGE_TO_CLIENT, and also stored in `<cluster>_REPLY_TOPIC` (auto-created) when
 * `storeReplyMessageEnable`. As in Java the push decides the answer: SUCCESS with the stored offsets, or
 * SYSTEM_ERROR with Java's remark when the requester is unknown or did not accept the push.
 */
export function createReplyMessageProcessor(host: SemanticsHost, opts: ReplyMessageProcessorOptions = {}) {
  return async (request: RemotingCommand, channel: RemotingChannel): Promise<RemotingCommand> => {
    const cfg = host.brokerConfig;
    let h: SendMessageRequestHeader;
    try {
      h =
        request.code === RequestCode.SEND_REPLY_MESSAGE_V2
          ? SendMessageRequestHeaderV2.toV1(SendMessageRequestHeaderV2.decode(request.extFields))
          : SendMessageRequestHeader.decode(request.extFields);
    } catch (err) {
      return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, (err as Error).message);
    }
    const ext = { TRACE_ON: String(cfg.traceOn), MSG_REGION: cfg.regionId };
    const fail = (code: number, remark: string) => RemotingCommand.createResponse(code, remark, ext);

    let topicConfig = host.topicConfigManager.selectTopicConfig(h.topic);
    if (!topicConfig && h.topic === getReplyTopic(cfg.brokerClusterName)) {
      topicConfig = host.topicConfigManager.createTopicInSendMessageBackMethod(
        h.topic,
        1,
        PermName.PERM_READ | PermName.PERM_WRITE,
        0,
      );
    }
    if (!topicConfig) {
      topicConfig = host.topicConfigManager.createTopicInSendMessageMethod(
        h.topic,
        h.defaultTopic,
        h.defaultTopicQueueNums,
        0,
      );
    }
    if (!topicConfig) {
      return fail(ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!`);
    }
    if (!isWriteable(topicConfig.perm)) {
      return fail(ResponseCode.NO_PERMISSION, `the topic[${h.topic}] sending message is forbidden`);
    }
    const queueId = h.queueId < 0 ? Math.floor(Math.random() * Math.max(1, topicConfig.writeQueueNums)) : h.queueId;

    const msg = new MessageExtBrokerInner();
    msg.topic = h.topic;
    msg.queueId = queueId;
    msg.body = request.body ?? Buffer.alloc(0);
    msg.flag = h.flag;
    const props = decodeMessageProperties(h.properties);
    msg.properties = props;
    msg.sysFlag =
      h.sysFlag | (topicConfig.topicFilterType === TopicFilterType.MULTI_TAG ? MessageSysFlag.MULTI_TAGS_FLAG : 0);
    msg.bornTimestamp = h.bornTimestamp;
    msg.bornHost = hostOfAddr(channel.remoteAddr);
    msg.storeHost = host.storeHost;
    msg.reconsumeTimes = h.reconsumeTimes ?? 0;
    msg.syncTagsCode();
    msg.syncPropertiesString();

    // Java pushReplyMessage: the push decides the answer; the stored copy only fills in the offsets.
    const senderId = msg.getProperty(MessageConst.REPLY_TO_CLIENT);
    let pushRemark: string | undefined;
    const target = senderId ? host.producerManager.findChannel(senderId) : undefined;
    if (senderId === undefined) {
      pushRemark = `reply message properties[${MessageConst.REPLY_TO_CLIENT}] is null`;
    } else if (!target) {
      pushRemark = `push reply message fail, channel of <${senderId}> not found.`;
    } else {
      const pushProps = {
        [MessageConst.PUSH_REPLY_TIME]: String(Date.now()),
        [MessageConst.MSG_REGION]: cfg.regionId,
        ...props,
        [MessageConst.TRACE_ON]: String(cfg.traceOn),
      };
      const pushHeader = ReplyMessageRequestHeader.encode({
        producerGroup: h.producerGroup,
        topic: h.topic,
        defaultTopic: h.defaultTopic,
        defaultTopicQueueNums: h.defaultTopicQueueNums,
        queueId: h.queueId,
        sysFlag: h.sysFlag,
        bornTimestamp: h.bornTimestamp,
        flag: h.flag,
        properties: encodeMessageProperties(pushProps),
        reconsumeTimes: h.reconsumeTimes ?? 0,
        unitMode: h.unitMode,
        bornHost: channel.remoteAddr,
        storeHost: hostToString(host.storeHost),
        storeTimestamp: Date.now(),
      });
      const push = RemotingCommand.createRequest(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, pushHeader, msg.body);
      try {
        const answer = await host.remotingServer.invoke(target, push, opts.pushTimeoutMs ?? 3000);
        if (answer.code !== ResponseCode.SUCCESS) pushRemark = `push reply message to ${senderId}fail.`;
      } catch (err) {
        pushRemark = `push reply message to ${senderId}fail.`;
        opts.onError?.(err);
      }
    }

    let msgId = '0';
    let queueOffset = 0;
    if (cfg.storeReplyMessageEnable) {
      const result = await host.messageStore.putMessage(msg);
      const append = appendOf(result);
      if (isPutStored(result) && append) {
        msgId = append.msgId;
        queueOffset = append.logicsOffset;
      } else {
        opts.onError?.(new Error(`storing a reply message failed: ${putStatusOf(result)}`));
      }
    }
    if (pushRemark !== undefined) return fail(ResponseCode.SYSTEM_ERROR, pushRemark);
    // Ext field order of the Java broker's answer (request-reply wire fixture).
    return RemotingCommand.createResponse(ResponseCode.SUCCESS, undefined, {
      queueId: String(queueId),
      msgId,
      TRACE_ON: String(cfg.traceOn),
      MSG_REGION: cfg.regionId,
      queueOffset: String(queueOffset),
    });
  };
}
