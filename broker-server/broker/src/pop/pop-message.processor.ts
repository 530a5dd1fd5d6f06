import {
  AckMessageRequestHeader,
  ChangeInvisibleTimeRequestHeader,
  NotificationRequestHeader,
  PeekMessageRequestHeader,
  PollingInfoRequestHeader,
  MessageConst,
  PopMessageRequestHeader,
  ResponseCode,
  buildSubscriptionData,
  decodeBatchAckMessageRequestBody,
  decodeMessageRecord,
  encodeMessageRecord,
  isReadable,
  type SubscriptionData,
} from '@rocketnest/common';
import type { RemotingChannel, RemotingCommand } from '@rocketnest/remoting';
import type { GetMessageResult } from '@rocketnest/store';
import * as os from 'node:os';
import type { BrokerController } from '../broker-controller';
import { ExpressionMessageFilter } from '../processor/message-filter';
import { answerRerun, errorResponse, successResponse } from '../processor/processor-util';
import { ConsumerOrderInfoManager } from './consumer-order-info.manager';
import { PopCheckpointService, type PopCheckPoint } from './pop-checkpoint.service';
import { POP_ORDER_REVIVE_QUEUE, appendInfo, buildExtraInfo, buildPopRetryTopic, parseExtraInfo } from './pop-keys';
import { heldPopRequest, PopLongPollingService, type PopRequest } from './pop-long-polling.service';

/** Java `ConsumeInitMode`. */
const INIT_MODE_MIN = 0;

/** State of one POP request while it walks its queues. */
interface PopState {
  header: PopMessageRequestHeader;
  popTime: number;
  reviveQid: number;
  filter: ExpressionMessageFilter | undefined;
  buffers: Buffer[];
  restNum: number;
  order: boolean;
  orderCountInfo: string;
  /** Earliest time a blocked ordered queue unblocks (a parked pop is re-run then). */
  wakeAt?: number;
  startOffsetInfo: string;
  msgOffsetInfo: string;
}

/**
 * POP_MESSAGE (200050), ACK_MESSAGE (200051) and CHANGE_MESSAGE_INVISIBLETIME (200053) — Java `PopMessageProcessor`,
 * `AckMessageProcessor`, `ChangeInvisibleTimeProcessor` for unordered pops. Checkpoints, cursors and revive live in
 * {@link PopCheckpointService}; long polling in {@link PopLongPollingService}.
 *
 * Ordered pops (`order=true`, reviveQid 999) create no checkpoint: the queue stays blocked until its messages are acked
 * or their invisible time is over ({@link ConsumerOrderInfoManager}), then it is popped again from the committed offset.
 */
export class PopMessageProcessor {
  readonly checkpoints: PopCheckpointService;
  readonly longPolling: PopLongPollingService;
  /** Parked NOTIFICATION requests (Java's NotificationProcessor has its own polling service). */
  readonly notificationPolling: PopLongPollingService;
  readonly orderInfo: ConsumerOrderInfoManager;
  private orderInfoTimer: NodeJS.Timeout | undefined;
  /** Messages delivered by pops since start. */
  popCount = 0;
  private ckCounter = 0;
  private readonly queueLocks = new Set<string>();

  constructor(private readonly broker: BrokerController) {
    const cfg = broker.brokerConfig;
    this.checkpoints = new PopCheckpointService(
      {
        storePathRootDir: cfg.storePathRootDir,
        storeHost: broker.storeHost,
        topicConfigManager: broker.topicConfigManager,
        consumerOffsetManager: broker.consumerOffsetManager,
        enableRetryTopicV2: () => cfg.enableRetryTopicV2,
        getMessage: (topic, queueId, offset) =>
          broker.messageStore.getMessage('CID_RMQ_SYS_REVIVE_GROUP', topic, queueId, offset, 1, 4 * 1024 * 1024),
        putMessage: (msg) => broker.messageStore.putMessage(msg),
        onError: (message, err) => broker.logger.error(message, err),
      },
      { reviveIntervalMs: () => cfg.reviveInterval, flushIntervalMs: () => cfg.popCheckpointFlushInterval },
    );
    this.orderInfo = new ConsumerOrderInfoManager(cfg.storePathRootDir);
    this.notificationPolling = new PopLongPollingService({
      popPollingSize: () => cfg.popPollingSize,
      maxPopPollingSize: () => cfg.maxPopPollingSize,
      wakeUp: (req) => this.rerunNotification(req),
    });
    this.longPolling = new PopLongPollingService({
      popPollingSize: () => cfg.popPollingSize,
      maxPopPollingSize: () => cfg.maxPopPollingSize,
      wakeUp: (req) => this.rerun(req),
    });
  }

  load(): void {
    this.checkpoints.load();
    this.orderInfo.load();
  }

  start(): void {
    this.checkpoints.start();
    this.orderInfoTimer = setInterval(() => {
      try {
        this.orderInfo.persistIfDirty();
      } catch (err) {
        this.broker.logger.error('persisting consumer order info failed', err);
      }
    }, this.broker.brokerConfig.popCheckpointFlushInterval);
    this.orderInfoTimer.unref?.();
  }

  async shutdown(): Promise<void> {
    this.longPolling.shutdown();
    this.notificationPolling.shutdown();
    if (this.orderInfoTimer) clearInterval(this.orderInfoTimer);
    await this.checkpoints.shutdown();
    this.orderInfo.persistIfDirty();
  }

  /** A message was stored on topic/queueId (the store's arrival listener). */
  notifyMessageArriving(topic: string, queueId: number): void {
    this.longPolling.notifyMessageArriving(topic, queueId);
    this.notificationPolling.notifyMessageArriving(topic, queueId);
  }

  // ---------------------------------------------------------------- POP_MESSAGE

  popMessage(request: RemotingCommand, channel: RemotingChannel): Promise<RemotingCommand | null> {
    const ext = (request.extFields ??= {});
    if (ext.bornTime === undefined || ext.bornTime === '0') ext.bornTime = String(Date.now());
    return this.pop(request, channel);
  }

  private rerun(req: PopRequest): void {
    answerRerun(this.broker, req.channel, req.request, this.pop(req.request, req.channel), 'pop');
  }

  private async pop(request: RemotingCommand, channel: RemotingChannel): Promise<RemotingCommand | null> {
    const broker = this.broker;
    const cfg = broker.brokerConfig;
    const header = PopMessageRequestHeader.decode(request.extFields);
    const ip = cfg.brokerIP1;

    if (Date.now() - header.bornTime - header.pollTime > 500) {
      return errorResponse(ResponseCode.POLLING_TIMEOUT, `the broker[${ip}] pop message is timeout too much`);
    }
    if (!isReadable(cfg.brokerPermission)) {
      return errorResponse(ResponseCode.NO_PERMISSION, `the broker[${ip}] pop message is forbidden`);
    }
    if (header.maxMsgNums > 32) {
      return errorResponse(ResponseCode.SYSTEM_ERROR, `the broker[${ip}] pop message's num is greater than 32`);
    }
    if (!cfg.timerWheelEnable) {
      return errorResponse(
        ResponseCode.SYSTEM_ERROR,
        `the broker[${ip}] pop message is forbidden because timerWheelEnable is false`,
      );
    }
    const invalid = this.checkTopicAndGroup(header.topic, header.consumerGroup, header.queueId, channel, -1);
    if (invalid) return invalid;

    let filter: ExpressionMessageFilter | undefined;
    if (header.exp) {
      let sub: SubscriptionData;
      try {
        sub = buildSubscriptionData(header.topic, header.exp, header.expType);
      } catch {
        return errorResponse(ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed");
      }
      const type = sub.expressionType || 'TAG';
      if (type === 'TAG') {
        filter = new ExpressionMessageFilter(sub);
      } else {
        if (!cfg.enablePropertyFilter || !broker.sql92FilterFactory) {
          return errorResponse(
            ResponseCode.SYSTEM_ERROR,
            `The broker does not support consumer to filter message by ${type}`,
          );
        }
        try {
          filter = new ExpressionMessageFilter(sub, broker.sql92FilterFactory(sub.subString));
        } catch {
          return errorResponse(ResponseCode.SUBSCRIPTION_PARSE_FAILED, "parse the consumer's subscription failed");
        }
      }
    }

    const randomQ = Math.floor(Math.random() * 100);
    const state: PopState = {
      header,
      popTime: Date.now(),
      reviveQid: header.order === true ? POP_ORDER_REVIVE_QUEUE : this.ckCounter++ % Math.max(1, cfg.reviveQueueNum),
      order: header.order === true,
      orderCountInfo: '',
      filter,
      buffers: [],
      restNum: 0,
      startOffsetInfo: '',
      msgOffsetInfo: '',
    };
    if (this.ckCounter >= 0x7fffffff) this.ckCounter = 0;
    const retryTopic = buildPopRetryTopic(header.topic, header.consumerGroup, cfg.enableRetryTopicV2);
    // Java: one pop in five reads the retry topic first; the others read it only when the normal queues left room.
    const needRetry = randomQ % 5 === 0;
    if (needRetry && !state.order) await this.popFromTopic(retryTopic, true, randomQ, state);
    if (header.queueId < 0) await this.popFromTopic(header.topic, false, randomQ, state);
    else await this.popFromQueue(header.topic, false, header.queueId, state);
    if (!needRetry && !state.order && state.buffers.length < header.maxMsgNums) {
      await this.popFromTopic(retryTopic, true, randomQ, state);
    }

    let code: number;
    let remark: string;
    if (state.buffers.length > 0) {
      code = ResponseCode.SUCCESS;
      remark = 'FOUND';
      if (state.restNum > 0) this.longPolling.notifyGroup(header.topic, header.consumerGroup);
    } else {
      const parked = heldPopRequest(request, channel, header, retryTopic);
      const polling = this.longPolling.polling(parked, header.pollTime, state.wakeAt);
      if (polling === 'POLLING_SUC') return null;
      code = polling === 'POLLING_FULL' ? ResponseCode.POLLING_FULL : ResponseCode.POLLING_TIMEOUT;
      remark = 'NO_MESSAGE_IN_QUEUE';
    }
    const response = errorResponse(code, remark, {
      invisibleTime: String(header.invisibleTime),
      popTime: String(state.popTime),
      reviveQid: String(state.reviveQid),
      restNum: String(state.restNum),
      startOffsetInfo: state.startOffsetInfo,
      msgOffsetInfo: state.msgOffsetInfo,
    });
    if (state.order) response.extFields!.orderCountInfo = state.orderCountInfo;
    if (code === ResponseCode.SUCCESS) {
      response.body = state.buffers.length === 1 ? state.buffers[0]! : Buffer.concat(state.buffers);
      this.popCount += state.buffers.length;
    }
    return response;
  }

  private async popFromTopic(topic: string, isRetry: boolean, randomQ: number, state: PopState): Promise<void> {
    const tc = this.broker.topicConfigManager.selectTopicConfig(topic);
    if (!tc) return;
    for (let i = 0; i < tc.readQueueNums; i++) {
      await this.popFromQueue(topic, isRetry, (randomQ + i) % tc.readQueueNums, state);
    }
  }

  private async popFromQueue(topic: string, isRetry: boolean, queueId: number, state: PopState): Promise<void> {
    const broker = this.broker;
    const store = broker.messageStore;
    const { header } = state;
    const group = header.consumerGroup;
    const lockKey = `${topic}@${group}@${queueId}`;
    if (this.queueLocks.has(lockKey)) {
      // another pop of this group is reading the queue right now
      const offset = this.getPopOffset(topic, group, queueId, header.initMode, false, state.order);
      state.restNum += store.getMaxOffsetInQueue(topic, queueId) - offset;
      return;
    }
    this.queueLocks.add(lockKey);
    try {
      let offset = this.getPopOffset(topic, group, queueId, header.initMode, true, state.order);
      const want = header.maxMsgNums - state.buffers.length;
      const blocked =
        state.order && this.orderInfo.checkBlock(header.attemptId, topic, group, queueId, header.invisibleTime);
      if (blocked) {
        const free = this.orderInfo.lockFreeTime(topic, group, queueId);
        if (free !== undefined) state.wakeAt = Math.min(state.wakeAt ?? free, free);
      }
      if (want <= 0 || blocked) {
        state.restNum += store.getMaxOffsetInQueue(topic, queueId) - offset;
        return;
      }
      const maxBytes = broker.brokerConfig.maxTransferBytesOnMessageInMemory;
      let result: GetMessageResult = await store.getMessage(
        group,
        topic,
        queueId,
        offset,
        want,
        maxBytes,
        state.filter,
      );
      if (
        result.status === 'OFFSET_TOO_SMALL' ||
        result.status === 'OFFSET_OVERFLOW_BADLY' ||
        result.status === 'OFFSET_FOUND_NULL'
      ) {
        // the stored offset is not a valid one: restart from where the store says
        broker.logger.warn(
          `Pop initial offset, because store is no correct, ${lockKey}, ${offset}->${result.nextBeginOffset}`,
        );
        offset = result.nextBeginOffset;
        this.moveOffset(topic, group, queueId, offset, state.order);
        result = await store.getMessage(group, topic, queueId, offset, want, maxBytes, state.filter);
      }
      if (result.messageBuffers.length > 0) {
        const stats = broker.brokerStatsManager;
        stats.incBrokerGetNums(result.messageCount);
        stats.incGroupGetNums(group, topic, result.messageCount);
        stats.incGroupGetSize(group, topic, result.bufferTotalSize);
        if (state.order) {
          state.orderCountInfo = this.orderInfo.update(
            header.attemptId,
            topic,
            group,
            queueId,
            state.popTime,
            header.invisibleTime,
            result.messageQueueOffsets,
            state.orderCountInfo,
          );
          broker.consumerOffsetManager.commitOffset(group, topic, queueId, offset);
        } else {
          const ck: PopCheckPoint = {
            so: offset,
            pt: state.popTime,
            it: header.invisibleTime,
            bm: 0,
            n: result.messageBuffers.length,
            q: queueId,
            t: topic,
            c: group,
            d: result.messageQueueOffsets.map((o) => o - offset),
            bn: broker.brokerConfig.brokerName,
            rq: state.reviveQid,
          };
          this.checkpoints.recordPop(ck, result.nextBeginOffset);
        }
        state.startOffsetInfo = appendInfo(state.startOffsetInfo, topic, queueId, String(offset));
        state.msgOffsetInfo = appendInfo(state.msgOffsetInfo, topic, queueId, result.messageQueueOffsets.join(','));
      } else if (
        (result.status === 'NO_MATCHED_MESSAGE' ||
          result.status === 'OFFSET_FOUND_NULL' ||
          result.status === 'MESSAGE_WAS_REMOVING' ||
          result.status === 'NO_MATCHED_LOGIC_QUEUE') &&
        result.nextBeginOffset > -1
      ) {
        // nothing matched the filter: move past what was read (Java's mock checkpoint)
        this.moveOffset(topic, group, queueId, result.nextBeginOffset, state.order);
      }
      state.restNum += result.maxOffset - result.nextBeginOffset;
      const brokerName = broker.brokerConfig.brokerName;
      for (const buf of result.messageBuffers) {
        if (!isRetry || broker.brokerConfig.popResponseReturnActualRetryTopic) {
          state.buffers.push(buf);
          continue;
        }
        // retry messages go out under the original topic, with their handle pre-filled
        const msg = decodeMessageRecord(buf, 0, { decompressBody: false });
        msg.properties[MessageConst.POP_CK] ??= buildExtraInfo(
          offset,
          state.popTime,
          header.invisibleTime,
          state.reviveQid,
          msg.topic,
          brokerName,
          msg.queueId,
          msg.queueOffset,
        );
        msg.topic = header.topic;
        state.buffers.push(encodeMessageRecord({ ...msg, propertiesString: undefined, properties: msg.properties }));
      }
    } finally {
      this.queueLocks.delete(lockKey);
    }
  }

  /** Unordered pops move their cursor (the commit follows the checkpoints); ordered ones commit directly. */
  private moveOffset(topic: string, group: string, queueId: number, offset: number, order: boolean): void {
    if (order) this.broker.consumerOffsetManager.commitOffset(group, topic, queueId, offset);
    else this.checkpoints.setCursor(topic, group, queueId, offset);
  }

  /**
   * Java `getPopOffset`: the pop cursor or committed offset (ordered pops: the committed offset), else the initial
   * offset; a pending server-side reset wins.
   */
  private getPopOffset(
    topic: string,
    group: string,
    queueId: number,
    initMode: number,
    init: boolean,
    order: boolean,
  ): number {
    if (init) {
      const reset = this.broker.consumerOffsetManager.queryThenEraseResetOffset(topic, group, queueId);
      if (reset !== undefined) {
        this.orderInfo.clearBlock(topic, group, queueId);
        this.moveOffset(topic, group, queueId, reset, order);
        return reset;
      }
    }
    const committed = this.broker.consumerOffsetManager.queryOffset(group, topic, queueId);
    const cursor = order ? -1 : (this.checkpoints.getCursor(topic, group, queueId) ?? -1);
    const offset = Math.max(committed, cursor);
    if (offset >= 0) return offset;
    return this.getInitOffset(topic, group, queueId, initMode, init, order);
  }

  /** Java `getInitOffset`: MIN = the queue's min offset; MAX = its last message (0 while the queue's start is in memory). */
  private getInitOffset(
    topic: string,
    group: string,
    queueId: number,
    initMode: number,
    init: boolean,
    order: boolean,
  ): number {
    const store = this.broker.messageStore;
    if (initMode === INIT_MODE_MIN) return store.getMinOffsetInQueue(topic, queueId);
    let offset: number;
    if (store.getMinOffsetInQueue(topic, queueId) <= 0 && this.commitLogStartInMemory()) {
      offset = 0;
    } else {
      offset = Math.max(0, store.getMaxOffsetInQueue(topic, queueId) - 1);
    }
    if (init) this.moveOffset(topic, group, queueId, offset, order);
    return offset;
  }

  /**
   * Java `initPopOffsetByCheckMsgInMem` asks whether the queue's first message is still in the page cache. Here: the
   * commit log holds less than `accessMessageInMemoryMaxRatio` % of physical memory.
   */
  private commitLogStartInMemory(): boolean {
    const store = this.broker.messageStore;
    const span = store.getMaxPhyOffset() - store.getMinPhyOffset();
    return span < (os.totalmem() * this.broker.brokerConfig.accessMessageInMemoryMaxRatio) / 100;
  }

  // ---------------------------------------------------------------- POLLING_INFO / NOTIFICATION

  /** The checks POLLING_INFO, NOTIFICATION and PEEK_MESSAGE share (Java's order and remarks). */
  private checkReadable(
    topic: string,
    group: string,
    queueId: number,
    channel: RemotingChannel,
  ): RemotingCommand | undefined {
    const cfg = this.broker.brokerConfig;
    if (!isReadable(cfg.brokerPermission)) {
      return errorResponse(ResponseCode.NO_PERMISSION, `the broker[${cfg.brokerIP1}] peeking message is forbidden`);
    }
    return this.checkTopicAndGroup(topic, group, queueId, channel);
  }

  /** Topic exists and is readable, queueId in [minQueueId, readQueueNums), group exists and may consume. */
  private checkTopicAndGroup(
    topic: string,
    group: string,
    queueId: number,
    channel: RemotingChannel,
    minQueueId = Number.NEGATIVE_INFINITY,
  ): RemotingCommand | undefined {
    const broker = this.broker;
    const tc = broker.topicConfigManager.selectTopicConfig(topic);
    if (!tc) {
      return errorResponse(
        ResponseCode.TOPIC_NOT_EXIST,
        `topic[${topic}] not exist, apply first please! See http://rocketmq.apache.org/docs/faq/`,
      );
    }
    if (!isReadable(tc.perm)) {
      return errorResponse(ResponseCode.NO_PERMISSION, `the topic[${topic}] peeking message is forbidden`);
    }
    if (queueId >= tc.readQueueNums || queueId < minQueueId) {
      return errorResponse(
        ResponseCode.SYSTEM_ERROR,
        `queueId[${queueId}] is illegal, topic:[${topic}] topicConfig.readQueueNums:[${tc.readQueueNums}] consumer:[${channel.remoteAddr}]`,
      );
    }
    const groupConfig = broker.subscriptionGroupManager.findSubscriptionGroupConfig(group);
    if (!groupConfig) {
      return errorResponse(
        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
        `subscription group [${group}] does not exist, See http://rocketmq.apache.org/docs/faq/`,
      );
    }
    if (!groupConfig.consumeEnable) {
      return errorResponse(ResponseCode.NO_PERMISSION, `subscription group no permission, ${group}`);
    }
    return undefined;
  }

  /**
   * Where NOTIFICATION and PEEK_MESSAGE look: the committed offset (the queue's min offset when there is none), or the
   * pop cursor when that is further on. Unlike {@link getPopOffset} it initialises, resets and moves nothing.
   */
  private peekOffset(topic: string, group: string, queueId: number): number {
    let offset = this.broker.consumerOffsetManager.queryOffset(group, topic, queueId);
    if (offset < 0) offset = this.broker.messageStore.getMinOffsetInQueue(topic, queueId);
    return Math.max(offset, this.checkpoints.getCursor(topic, group, queueId) ?? -1);
  }

  /** POLLING_INFO (200055): how many pops are parked on topic@group@queueId. */
  pollingInfo(request: RemotingCommand, channel: RemotingChannel): RemotingCommand {
    const header = PollingInfoRequestHeader.decode(request.extFields);
    const invalid = this.checkReadable(header.topic, header.consumerGroup, header.queueId, channel);
    if (invalid) return invalid;
    const n = this.longPolling.pollingNum(header.topic, header.consumerGroup, header.queueId);
    return successResponse({ pollingNum: String(n) });
  }

  /**
   * NOTIFICATION (200054): whether the group has something to pop on the topic (or its POP retry topic), held like a
   * pop until something arrives or `pollTime` passes (Java `NotificationProcessor`).
   */
  notification(request: RemotingCommand, channel: RemotingChannel): RemotingCommand | null {
    const ext = (request.extFields ??= {});
    if (ext.bornTime === undefined || ext.bornTime === '0') ext.bornTime = String(Date.now());
    const header = NotificationRequestHeader.decode(ext);
    const invalid = this.checkReadable(header.topic, header.consumerGroup, header.queueId, channel);
    if (invalid) return invalid;
    const tc = this.broker.topicConfigManager.selectTopicConfig(header.topic)!;
    const cfg = this.broker.brokerConfig;
    const randomQ = Math.floor(Math.random() * 100);
    const retryTopic = buildPopRetryTopic(header.topic, header.consumerGroup, cfg.enableRetryTopicV2);
    const hasMsgIn = (topic: string, queueId: number): boolean => {
      if (
        header.order === true &&
        this.orderInfo.checkBlock(header.attemptId, header.topic, header.consumerGroup, queueId, 0)
      ) {
        return false;
      }
      const offset = this.peekOffset(topic, header.consumerGroup, queueId);
      return this.broker.messageStore.getMaxOffsetInQueue(topic, queueId) - offset > 0;
    };
    const hasMsgInTopic = (topic: string): boolean => {
      const t = this.broker.topicConfigManager.selectTopicConfig(topic);
      if (!t) return false;
      for (let i = 0; i < t.readQueueNums; i++) if (hasMsgIn(topic, (randomQ + i) % t.readQueueNums)) return true;
      return false;
    };
    const needRetry = randomQ % 5 === 0;
    let hasMsg = needRetry && hasMsgInTopic(retryTopic);
    if (!hasMsg) {
      hasMsg = header.queueId < 0 ? hasMsgInTopic(tc.topicName) : hasMsgIn(tc.topicName, header.queueId);
      if (!needRetry && !hasMsg) hasMsg = hasMsgInTopic(retryTopic);
    }
    if (!hasMsg) {
      const parked = heldPopRequest(request, channel, header, retryTopic);
      if (this.notificationPolling.polling(parked, header.pollTime) === 'POLLING_SUC') return null;
    }
    return successResponse({ hasMsg: String(hasMsg) });
  }

  private rerunNotification(req: PopRequest): void {
    const run = new Promise<RemotingCommand | null>((resolve) => resolve(this.notification(req.request, req.channel)));
    answerRerun(this.broker, req.channel, req.request, run, 'notification');
  }

  /**
   * PEEK_MESSAGE (200052): the messages a pop would return next, without checkpoint or offset change (Java
   * `PeekMessageProcessor`); PULL_NOT_FOUND when there are none.
   */
  async peekMessage(request: RemotingCommand, channel: RemotingChannel): Promise<RemotingCommand> {
    const header = PeekMessageRequestHeader.decode(request.extFields);
    const invalid = this.checkReadable(header.topic, header.consumerGroup, header.queueId, channel);
    if (invalid) return invalid;
    const broker = this.broker;
    const store = broker.messageStore;
    const group = header.consumerGroup;
    const tc = broker.topicConfigManager.selectTopicConfig(header.topic)!;
    const retryTopic = buildPopRetryTopic(header.topic, group, broker.brokerConfig.enableRetryTopicV2);
    const randomQ = Math.floor(Math.random() * 100);
    const buffers: Buffer[] = [];
    let restNum = 0;
    const peekQueue = async (topic: string, queueId: number): Promise<void> => {
      const offset = this.peekOffset(topic, group, queueId);
      restNum += store.getMaxOffsetInQueue(topic, queueId) - offset;
      const want = header.maxMsgNums - buffers.length;
      if (want <= 0) return;
      const maxBytes = broker.brokerConfig.maxTransferBytesOnMessageInMemory;
      let result = await store.getMessage(group, topic, queueId, offset, want, maxBytes);
      if (result.status === 'OFFSET_TOO_SMALL' || result.status === 'OFFSET_OVERFLOW_BADLY') {
        result = await store.getMessage(group, topic, queueId, result.nextBeginOffset, want, maxBytes);
      }
      buffers.push(...result.messageBuffers);
    };
    const peekTopic = async (topic: string): Promise<void> => {
      const t = broker.topicConfigManager.selectTopicConfig(topic);
      if (!t) return;
      for (let i = 0; i < t.readQueueNums; i++) await peekQueue(topic, (randomQ + i) % t.readQueueNums);
    };
    const needRetry = randomQ % 5 === 0;
    if (needRetry) await peekTopic(retryTopic);
    if (header.queueId < 0) await peekTopic(tc.topicName);
    else await peekQueue(tc.topicName, header.queueId);
    if (!needRetry && buffers.length < header.maxMsgNums) await peekTopic(retryTopic);
    const found = buffers.length > 0;
    const response = errorResponse(
      found ? ResponseCode.SUCCESS : ResponseCode.PULL_NOT_FOUND,
      found ? 'FOUND' : 'NO_MESSAGE_IN_QUEUE',
      { popTime: '0', invisibleTime: '0', reviveQid: '0', restNum: String(restNum) },
    );
    if (found) {
      const size = buffers.reduce((n, b) => n + b.length, 0);
      broker.brokerStatsManager.incGroupGetNums(group, header.topic, buffers.length);
      broker.brokerStatsManager.incGroupGetSize(group, header.topic, size);
      broker.brokerStatsManager.incBrokerGetNums(buffers.length);
      response.body = Buffer.concat(buffers);
    }
    return response;
  }

  // ---------------------------------------------------------------- ACK_MESSAGE

  ackMessage(request: RemotingCommand, channel: RemotingChannel): RemotingCommand {
    const header = AckMessageRequestHeader.decode(request.extFields);
    const invalid = this.checkAckTarget(header.topic, header.queueId, header.offset, channel, true);
    if (invalid) return invalid;
    const info = parseExtraInfo(header.extraInfo);
    if (info.reviveQid === POP_ORDER_REVIVE_QUEUE) {
      return this.ackOrderly(header.topic, header.consumerGroup, header.queueId, header.offset, info.popTime, channel);
    }
    this.checkpoints.ack(
      header.topic,
      header.consumerGroup,
      header.queueId,
      info.ckStartOffset,
      info.popTime,
      header.offset,
    );
    return successResponse();
  }

  /** Java `ackOrderly`: marks the offset acked and commits the first offset not acked yet. */
  private ackOrderly(
    topic: string,
    group: string,
    queueId: number,
    offset: number,
    popTime: number,
    channel: RemotingChannel,
  ): RemotingCommand {
    const com = this.broker.consumerOffsetManager;
    const oldOffset = com.queryOffset(group, topic, queueId);
    if (offset < oldOffset) return successResponse();
    const next = this.orderInfo.commitAndNext(topic, group, queueId, offset, popTime);
    if (next > -1) {
      com.commitOffset(group, topic, queueId, next);
      if (!this.orderInfo.checkBlock(undefined, topic, group, queueId, 0)) this.longPolling.notifyGroup(topic, group);
    } else if (next === -1) {
      return errorResponse(
        ResponseCode.MESSAGE_ILLEGAL,
        `offset is illegal, key:${topic}@${group}@${queueId}, old:${oldOffset}, commit:${offset}, next:${next}, ${channel.remoteAddr}`,
      );
    }
    return successResponse();
  }

  /** TOPIC_NOT_EXIST / MESSAGE_ILLEGAL (queue) / NO_MESSAGE (offset outside the queue), as Java checks them. */
  private checkAckTarget(
    topic: string,
    queueId: number,
    offset: number,
    channel: RemotingChannel,
    withRemark: boolean,
  ): RemotingCommand | undefined {
    const tc = this.broker.topicConfigManager.selectTopicConfig(topic);
    if (!tc) {
      return errorResponse(
        ResponseCode.TOPIC_NOT_EXIST,
        `topic[${topic}] not exist, apply first please! See http://rocketmq.apache.org/docs/faq/`,
      );
    }
    if (queueId >= tc.readQueueNums || queueId < 0) {
      return errorResponse(
        ResponseCode.MESSAGE_ILLEGAL,
        `queueId[${queueId}] is illegal, topic:[${topic}] topicConfig.readQueueNums:[${tc.readQueueNums}] consumer:[${channel.remoteAddr}]`,
      );
    }
    const store = this.broker.messageStore;
    const min = store.getMinOffsetInQueue(topic, queueId);
    const max = store.getMaxOffsetInQueue(topic, queueId);
    if (offset < min || offset > max) {
      return errorResponse(
        ResponseCode.NO_MESSAGE,
        withRemark ? `offset is illegal, key:${topic}@${queueId}, commit:${offset}, store:${min}~${max}` : undefined,
      );
    }
    return undefined;
  }

  // ---------------------------------------------------------------- BATCH_ACK_MESSAGE

  /** BATCH_ACK_MESSAGE (200151): each BatchAck acks `startOffset + i` for every set bit i (Java `appendAck`). */
  batchAckMessage(request: RemotingCommand, channel: RemotingChannel): RemotingCommand {
    const body = request.body && request.body.length > 0 ? decodeBatchAckMessageRequestBody(request.body) : undefined;
    if (!body || body.acks.length === 0) return errorResponse(ResponseCode.NO_MESSAGE, undefined);
    const store = this.broker.messageStore;
    for (const a of body.acks) {
      const topic = realTopic(a.topic, a.consumerGroup, a.retry);
      if (!topic || !this.broker.topicConfigManager.selectTopicConfig(topic)) continue;
      const min = store.getMinOffsetInQueue(topic, a.queueId);
      const max = store.getMaxOffsetInQueue(topic, a.queueId);
      for (const i of a.ackedIndexes) {
        const offset = a.startOffset + i;
        if (offset < min || offset > max) continue;
        if (a.reviveQueueId === POP_ORDER_REVIVE_QUEUE) {
          this.ackOrderly(topic, a.consumerGroup, a.queueId, offset, a.popTime, channel);
        } else {
          this.checkpoints.ack(topic, a.consumerGroup, a.queueId, a.startOffset, a.popTime, offset);
        }
      }
    }
    return successResponse();
  }

  // ---------------------------------------------------------------- CHANGE_MESSAGE_INVISIBLETIME

  changeInvisibleTime(request: RemotingCommand, channel: RemotingChannel): RemotingCommand {
    const header = ChangeInvisibleTimeRequestHeader.decode(request.extFields);
    const invalid = this.checkAckTarget(header.topic, header.queueId, header.offset, channel, false);
    if (invalid) return invalid;
    const info = parseExtraInfo(header.extraInfo);
    if (info.reviveQid === POP_ORDER_REVIVE_QUEUE) {
      // Java processChangeInvisibleTimeForOrder: only the message's next visible time changes
      if (
        header.offset <
        this.broker.consumerOffsetManager.queryOffset(header.consumerGroup, header.topic, header.queueId)
      ) {
        return successResponse();
      }
      const nextVisibleTime = Date.now() + header.invisibleTime;
      this.orderInfo.updateNextVisibleTime(
        header.topic,
        header.consumerGroup,
        header.queueId,
        header.offset,
        info.popTime,
        nextVisibleTime,
      );
      return successResponse({
        invisibleTime: String(nextVisibleTime - info.popTime),
        popTime: String(info.popTime),
        reviveQid: String(info.reviveQid),
      });
    }
    const now = Date.now();
    // a new one-message checkpoint from now, then the ack of the message in its old checkpoint
    this.checkpoints.addCheckpoint({
      so: header.offset,
      pt: now,
      it: header.invisibleTime,
      bm: 0,
      n: 1,
      q: header.queueId,
      t: header.topic,
      c: header.consumerGroup,
      d: [0],
      bn: info.brokerName,
      rq: info.reviveQid,
    });
    this.checkpoints.ack(
      header.topic,
      header.consumerGroup,
      header.queueId,
      info.ckStartOffset,
      info.popTime,
      header.offset,
    );
    return successResponse({
      invisibleTime: String(header.invisibleTime),
      popTime: String(now),
      reviveQid: String(info.reviveQid),
    });
  }
}

/** Java `ExtraInfoUtil.getRealTopic(topic, cid, retry)`; undefined for an unknown retry flag. */
function realTopic(topic: string, group: string, retry: string): string | undefined {
  if (retry === '0') return topic;
  if (retry === '1') return buildPopRetryTopic(topic, group, false);
  if (retry === '2') return buildPopRetryTopic(topic, group, true);
  return undefined;
}
