import {
  MAX_PROPERTIES_LENGTH,
  MessageConst,
  MessageExtBrokerInner,
  MessageSysFlag,
  PermName,
  isWriteable,
  perm2String,
  isRetryTopic,
  ResponseCode,
  TopicFilterType,
  decodeMessageProperties,
  topicNameInvalidRemark,
  isNotAllowedSendTopic,
  createUniqId,
  encodeMessageProperties,
  type HostAddress,
  type TopicConfig,
} from '@rocketnest/common';
import type { RemotingChannel, RemotingCommand } from '@rocketnest/remoting';
import type { MessageExtBatch, PutMessageResult } from '@rocketnest/store';
import type { BrokerController } from '../broker-controller';
import { decodeSendMessageHeader, type SendHeader } from './request-headers';
import { errorResponse, hostOf } from './processor-util';

// Bound once: SWC's CommonJS imports are getter chains, measurable when read several times per message.
const RC = { ...ResponseCode };
const MC = { ...MessageConst };
const SYS = { ...MessageSysFlag };
const TFT = { ...TopicFilterType };
const MAX_PROPS_LENGTH = MAX_PROPERTIES_LENGTH;
const MsgInner = MessageExtBrokerInner;
const decodeProps = decodeMessageProperties;
const encodeProps = encodeMessageProperties;
const newUniqId = createUniqId;
const writeable = isWriteable;
const topicInvalidRemark = topicNameInvalidRemark;
const notAllowedSendTopic = isNotAllowedSendTopic;
const decodeSendHeader = decodeSendMessageHeader;
const newErrorResponse = errorResponse;

/** Java `TopicSysFlag` bits. */
const TOPIC_SYS_FLAG_UNIT = 0x1;
const TOPIC_SYS_FLAG_UNIT_SUB = 0x2;

/**
 * SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320) — Java `SendMessageProcessor`: the
 * `msgCheck` validations in Java's order, topic auto-creation, the put-message hooks, the store put, and the Java
 * response header plus `MSG_REGION` / `TRACE_ON` ext fields.
 */
export class SendMessageProcessor {
  /** Store puts in flight; beyond `sendThreadPoolQueueCapacity` new sends are refused with SYSTEM_BUSY. */
  private inFlight = 0;
  /** Messages stored since start (runtime info). */
  putCount = 0;

  constructor(private readonly broker: BrokerController) {}

  private readonly bornHosts = new WeakMap<RemotingChannel, HostAddress>();

  /** The producer's address as a record host, parsed once per connection. */
  private bornHostOf(channel: RemotingChannel): HostAddress {
    let host = this.bornHosts.get(channel);
    if (!host) {
      host = hostOf(channel.remoteAddr);
      this.bornHosts.set(channel, host);
    }
    return host;
  }

  get inFlightPuts(): number {
    return this.inFlight;
  }

  async processRequest(request: RemotingCommand, channel: RemotingChannel): Promise<RemotingCommand> {
    const header = decodeSendHeader(request);
    const response = this.newResponse();
    const rejected = this.msgCheck(header, channel, response);
    if (rejected) return rejected;
    if (this.inFlight >= this.broker.brokerConfig.sendThreadPoolQueueCapacity) {
      return this.fail(
        response,
        RC.SYSTEM_BUSY,
        `[REJECTREQUEST]system busy, start flow control for a while, size of queue: ${this.inFlight}`,
      );
    }
    this.inFlight++;
    try {
      return header.batch
        ? await this.sendBatchMessage(request, channel, header, response)
        : await this.sendMessage(request, channel, header, response);
    } finally {
      this.inFlight--;
    }
  }

  private newResponse(): RemotingCommand {
    return newErrorResponse(RC.SUCCESS, undefined);
  }

  private fail(response: RemotingCommand, code: number, remark: string): RemotingCommand {
    response.code = code;
    response.remark = remark;
    // Java puts these two in preSend, before any check, so every send answer carries them.
    response.extFields = {
      TRACE_ON: String(this.broker.brokerConfig.traceOn),
      MSG_REGION: this.broker.brokerConfig.regionId,
    };
    return response;
  }

  /** Java `AbstractSendMessageProcessor.msgCheck`; returns the error response, or undefined when the send may go on. */
  private msgCheck(
    header: SendHeader,
    channel: RemotingChannel,
    response: RemotingCommand,
  ): RemotingCommand | undefined {
    const cfg = this.broker.brokerConfig;
    const tcm = this.broker.topicConfigManager;
    if (!writeable(cfg.brokerPermission) && tcm.isOrderTopic(header.topic)) {
      return this.fail(response, RC.NO_PERMISSION, `the broker[${cfg.brokerIP1}] sending message is forbidden`);
    }
    const invalid = topicInvalidRemark(header.topic);
    if (invalid) return this.fail(response, RC.INVALID_PARAMETER, invalid);
    if (notAllowedSendTopic(header.topic)) {
      return this.fail(response, RC.NO_PERMISSION, `Sending message to topic[${header.topic}] is forbidden.`);
    }
    let topicConfig = tcm.selectTopicConfig(header.topic);
    if (!topicConfig) {
      let topicSysFlag = 0;
      if (header.unitMode) {
        topicSysFlag = isRetryTopic(header.topic) ? TOPIC_SYS_FLAG_UNIT_SUB : TOPIC_SYS_FLAG_UNIT;
      }
      this.broker.logger.warn(`the topic ${header.topic} not exist, producer: ${channel.remoteAddr}`);
      topicConfig = tcm.createTopicInSendMessageMethod(
        header.topic,
        header.defaultTopic,
        header.defaultTopicQueueNums,
        topicSysFlag,
      );
      if (!topicConfig && isRetryTopic(header.topic)) {
        topicConfig = tcm.createTopicInSendMessageBackMethod(
          header.topic,
          1,
          PermName.PERM_WRITE | PermName.PERM_READ,
          topicSysFlag,
        );
      }
      if (!topicConfig) {
        return this.fail(
          response,
          RC.TOPIC_NOT_EXIST,
          `topic[${header.topic}] not exist, apply first please! See http://rocketmq.apache.org/docs/faq/`,
        );
      }
    }
    const idValid = Math.max(topicConfig.writeQueueNums, topicConfig.readQueueNums);
    if (header.queueId >= idValid) {
      return this.fail(
        response,
        RC.INVALID_PARAMETER,
        `request queueId[${header.queueId}] is illegal, ${describeTopicConfig(topicConfig)} Producer: ${channel.remoteAddr}`,
      );
    }
    if (!writeable(topicConfig.perm)) {
      return this.fail(response, RC.NO_PERMISSION, `the topic[${header.topic}] sending message is forbidden`);
    }
    return undefined;
  }

  private messageIllegalRemark(): string {
    return (
      'the message is illegal, maybe msg body or properties length not matched. msg body length limit ' +
      `${this.broker.brokerConfig.maxMessageSize}B, msg properties length limit 32KB.`
    );
  }

  private async sendMessage(
    request: RemotingCommand,
    channel: RemotingChannel,
    header: SendHeader,
    response: RemotingCommand,
  ): Promise<RemotingCommand> {
    const broker = this.broker;
    const cfg = broker.brokerConfig;
    const topicConfig = broker.topicConfigManager.selectTopicConfig(header.topic)!;
    const body = request.body ?? EMPTY;
    if (body.length > cfg.maxMessageSize) return this.fail(response, RC.MESSAGE_ILLEGAL, this.messageIllegalRemark());
    const queueId = header.queueId < 0 ? randomQueueId(topicConfig.writeQueueNums) : header.queueId;

    const msg = new MsgInner();
    msg.topic = header.topic;
    msg.queueId = queueId;
    msg.body = body;
    msg.flag = header.flag;
    const props = decodeProps(header.properties);
    let uniqKey = props[MC.UNIQ_KEY];
    if (!uniqKey) {
      uniqKey = newUniqId();
      props[MC.UNIQ_KEY] = uniqKey;
    }
    props[MC.CLUSTER] = cfg.brokerClusterName;
    msg.properties = props;
    let sysFlag = header.sysFlag;
    if (topicConfig.topicFilterType === TFT.MULTI_TAG) sysFlag |= SYS.MULTI_TAGS_FLAG;
    msg.sysFlag = sysFlag;
    msg.bornTimestamp = header.bornTimestamp;
    msg.bornHost = this.bornHostOf(channel);
    msg.storeHost = broker.storeHost;
    msg.reconsumeTimes = header.reconsumeTimes ?? 0;

    const hooks = broker.putMessageHooks;
    for (let i = 0; i < hooks.length; i++) {
      const result = hooks[i]!(msg, { channel, request });
      // Most hooks are synchronous: await only real promises (one microtask less per hook and message).
      const verdict = result instanceof Promise ? await result : result;
      if (verdict) return this.fail(response, verdict.code, verdict.remark);
    }

    msg.syncTagsCode();
    if (msg.syncPropertiesString().length > MAX_PROPS_LENGTH) {
      return this.fail(response, RC.MESSAGE_ILLEGAL, this.messageIllegalRemark());
    }

    const tranFlag = msg.getProperty(MC.TRAN_MSG);
    const prepared = tranFlag === 'true' && !(msg.reconsumeTimes > 0 && msg.delayTimeLevel > 0);
    let result: PutMessageResult;
    if (prepared) {
      if (cfg.rejectTransactionMessage) {
        return this.fail(
          response,
          RC.NO_PERMISSION,
          `the broker[${cfg.brokerIP1}] sending transaction message is forbidden`,
        );
      }
      const tx = broker.transactionalMessageService;
      if (!tx) return this.fail(response, RC.NO_PERMISSION, 'transaction not enabled');
      result = await tx.prepareMessage(msg);
    } else {
      result = await broker.messageStore.putMessage(msg);
    }
    return this.handlePutMessageResult(result, response, msg.topic, queueId, uniqKey);
  }

  private async sendBatchMessage(
    request: RemotingCommand,
    channel: RemotingChannel,
    header: SendHeader,
    response: RemotingCommand,
  ): Promise<RemotingCommand> {
    const broker = this.broker;
    const cfg = broker.brokerConfig;
    const topicConfig = broker.topicConfigManager.selectTopicConfig(header.topic)!;
    const queueId = header.queueId < 0 ? randomQueueId(topicConfig.writeQueueNums) : header.queueId;
    if (header.topic.length > 127) {
      return this.fail(response, RC.MESSAGE_ILLEGAL, `message topic length too long ${header.topic.length}`);
    }
    if (isRetryTopic(header.topic)) {
      return this.fail(response, RC.MESSAGE_ILLEGAL, `batch request does not support retry group ${header.topic}`);
    }
    const body = request.body ?? EMPTY;
    if (body.length > cfg.maxMessageSize) return this.fail(response, RC.MESSAGE_ILLEGAL, this.messageIllegalRemark());
    let sysFlag = header.sysFlag;
    if (topicConfig.topicFilterType === TFT.MULTI_TAG) sysFlag |= SYS.MULTI_TAGS_FLAG;
    const props = decodeProps(header.properties);
    props[MC.CLUSTER] = cfg.brokerClusterName;
    const batch: MessageExtBatch = {
      topic: header.topic,
      queueId,
      body,
      sysFlag,
      bornTimestamp: header.bornTimestamp,
      bornHost: this.bornHostOf(channel),
      storeHost: broker.storeHost,
      propertiesString: encodeProps(props),
      reconsumeTimes: header.reconsumeTimes ?? 0,
      waitStoreMsgOK: props[MC.WAIT] !== 'false',
    };
    const result = await broker.messageStore.putMessages(batch);
    return this.handlePutMessageResult(result, response, batch.topic, queueId, props[MC.UNIQ_KEY]);
  }

  /** Java `handlePutMessageResult`: store status → response code, and the response header on success. */
  private handlePutMessageResult(
    result: PutMessageResult,
    response: RemotingCommand,
    topic: string,
    queueId: number,
    transactionId: string | undefined,
  ): RemotingCommand {
    const cfg = this.broker.brokerConfig;
    let sendOK = false;
    switch (result.status as string) {
      case 'PUT_OK':
        sendOK = true;
        response.code = RC.SUCCESS;
        break;
      case 'FLUSH_DISK_TIMEOUT':
        sendOK = true;
        response.code = RC.FLUSH_DISK_TIMEOUT;
        break;
      case 'FLUSH_SLAVE_TIMEOUT':
        sendOK = true;
        response.code = RC.FLUSH_SLAVE_TIMEOUT;
        break;
      case 'SLAVE_NOT_AVAILABLE':
        sendOK = true;
        response.code = RC.SLAVE_NOT_AVAILABLE;
        break;
      case 'IN_SYNC_REPLICAS_NOT_ENOUGH':
        return this.fail(response, RC.SYSTEM_ERROR, 'in-sync replicas not enough');
      case 'CREATE_MAPPED_FILE_FAILED':
        return this.fail(response, RC.SYSTEM_ERROR, 'create mapped file failed, server is busy or broken.');
      case 'MESSAGE_ILLEGAL':
      case 'PROPERTIES_SIZE_EXCEEDED':
        return this.fail(response, RC.MESSAGE_ILLEGAL, this.messageIllegalRemark());
      case 'WHEEL_TIMER_MSG_ILLEGAL':
        return this.fail(
          response,
          RC.MESSAGE_ILLEGAL,
          `timer message illegal, the delay time should not be bigger than the max delay ${cfg.timerMaxDelaySec * 1000}ms; or if set del msg, the delay time should be bigger than the current time`,
        );
      case 'WHEEL_TIMER_NOT_ENABLE':
        return this.fail(
          response,
          RC.SYSTEM_ERROR,
          `accurate timer message is not enabled, timerWheelEnable is ${cfg.timerWheelEnable}`,
        );
      case 'SERVICE_NOT_AVAILABLE':
        return this.fail(
          response,
          RC.SERVICE_NOT_AVAILABLE,
          'service not available now. It may be caused by one of the following reasons: ' +
            "the broker's disk is full, messages are put to the slave, message store has been shut down, etc.",
        );
      case 'OS_PAGE_CACHE_BUSY':
        return this.fail(response, RC.SYSTEM_BUSY, '[PC_SYNCHRONIZED]broker busy, start flow control for a while');
      case 'UNKNOWN_ERROR':
        return this.fail(response, RC.SYSTEM_ERROR, 'UNKNOWN_ERROR');
      default:
        return this.fail(response, RC.SYSTEM_ERROR, 'UNKNOWN_ERROR DEFAULT');
    }
    if (!sendOK) return response;
    const append = result.appendResult!;
    this.putCount += append.msgNum;
    // Java counts under the topic the message was stored in (SCHEDULE_TOPIC_XXXX for a delayed one, the half topic
    // for a prepared one).
    const stats = this.broker.brokerStatsManager;
    stats.incTopicPutNums(topic, append.msgNum, 1);
    stats.incTopicPutSize(topic, append.wroteBytes);
    stats.incBrokerPutNums(append.msgNum);
    response.remark = undefined;
    // Ext field order as Java's HashMap writes them (producer wire fixture), so Java and RocketNest answers match.
    const ext: Record<string, string> = { queueId: String(queueId) };
    if (transactionId !== undefined) ext.transactionId = transactionId;
    ext.msgId = append.msgId;
    ext.TRACE_ON = String(cfg.traceOn);
    ext.MSG_REGION = cfg.regionId;
    ext.queueOffset = String(append.logicsOffset);
    response.extFields = ext;
    return response;
  }
}

const EMPTY = Buffer.alloc(0);

function randomQueueId(writeQueueNums: number): number {
  return Math.floor(Math.random() * 99999999) % Math.max(1, writeQueueNums);
}

/** Java `TopicConfig.toString()`, used in the illegal-queueId remark. */
function describeTopicConfig(tc: TopicConfig): string {
  return (
    `TopicConfig [topicName=${tc.topicName}, readQueueNums=${tc.readQueueNums}, writeQueueNums=${tc.writeQueueNums}, ` +
    `perm=${perm2String(tc.perm)}, topicFilterType=${tc.topicFilterType}, topicSysFlag=${tc.topicSysFlag}, order=${tc.order}, attributes={}]`
  );
}
