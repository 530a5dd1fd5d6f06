import {
  CheckTransactionStateRequestHeader,
  MessageConst,
  MessageExtBrokerInner,
  MessageSysFlag,
  PermName,
  RequestCode,
  SystemGroup,
  SystemTopic,
  decodeMessageRecord,
  encodeMessageRecord,
  resetTransactionValue,
  type MessageExt,
} from '@rocketnest/common';
import { RemotingCommand } from '@rocketnest/remoting';
import type { PutMessageResult } from '@rocketnest/store';
import type { SemanticsHost } from '../semantics-host';
import { AbortableSleep } from '../util/abortable-sleep';
import { type AppendInfo, appendOf, finishInner, intProperty, isPutStored, toInner } from '../util/message-util';

/** Tag of op records (Java `TransactionalMessageUtil.REMOVETAG`). */
export const OP_REMOVE_TAG = 'd';
/** The half queue: Java uses queue 0 of `RMQ_SYS_TRANS_HALF_TOPIC` (and the same queue id for the op topic). */
export const HALF_QUEUE_ID = 0;

export interface TransactionalMessageServiceOptions {
  /** Half messages younger than this are not checked yet. Default `transactionTimeOut` (6000 ms). */
  transactionTimeOutMs?: number;
  /** Period of the check-back run. Default `transactionCheckInterval` (30 000 ms). */
  transactionCheckIntervalMs?: number;
  /** Checks before a half message is given up. Default `transactionCheckMax` (15). */
  transactionCheckMax?: number;
  /** Longest work per run (Java `MAX_PROCESS_TIME_LIMIT`: 60 s). */
  maxProcessTimeMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

export interface CheckRunResult {
  /** Half messages a producer was asked about. */
  checked: number;
  /** Half messages given up after `transactionCheckMax` checks. */
  discarded: number;
}

/**
 * Transactions (Java `TransactionalMessageServiceImpl` + `TransactionalMessageCheckService`):
 *
 * - `prepareMessage` stores the half message in `RMQ_SYS_TRANS_HALF_TOPIC` queue 0 with its real topic/queue in
 *   `REAL_TOPIC`/`REAL_QID`, `__transactionId__` = UNIQ_KEY and the transaction bits cleared, so the store indexes it
 *   in the half queue only and no consumer can see it.
 * - commit/rollback (END_TRANSACTION) each append an op record to `RMQ_SYS_TRANS_OP_HALF_TOPIC` (tag `d`, body =
 *   half-queue offset followed by `,`); commit first re-stores the message in its real topic/queue.
 * - the check run (every `transactionCheckInterval`) reads the op queue to learn which half offsets are resolved,
 *   then walks the half queue from its consumed offset: a resolved entry is skipped; an unresolved one older than
 *   `transactionTimeOut` (or its own `CHECK_IMMUNITY_TIME_IN_SECONDS`; within that time it is re-appended with
 *   `TRAN_PREPARED_QUEUE_OFFSET` pointing at the original, so it never blocks the queue) is re-appended to the half
 *   queue with `TRANSACTION_CHECK_TIMES + 1` and the producer group
 *   (`PGROUP`) is sent CHECK_TRANSACTION_STATE about that new copy; after `transactionCheckMax` checks it goes to
 *   `TRANS_CHECK_MAX_TIME_TOPIC`. Both consumed offsets are kept by the consumer offset manager under the group
 *   `CID_RMQ_SYS_TRANS`, as in Java, so a restart resumes the walk.
 */
export class TransactionalMessageService {
  private readonly sleep = new AbortableSleep();
  private loop: Promise<void> | undefined;
  private running = false;
  private readonly now: () => number;

  constructor(
    private readonly host: SemanticsHost,
    private readonly opts: TransactionalMessageServiceOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  private get timeoutMs(): number {
    return this.opts.transactionTimeOutMs ?? this.host.brokerConfig.transactionTimeOut;
  }
  private get intervalMs(): number {
    return this.opts.transactionCheckIntervalMs ?? this.host.brokerConfig.transactionCheckInterval;
  }
  private get checkMax(): number {
    return this.opts.transactionCheckMax ?? this.host.brokerConfig.transactionCheckMax;
  }

  /** Java `TransactionalMessageBridge.parseHalfMessageInner` + put. */
  async prepareMessage(msg: MessageExtBrokerInner): Promise<PutMessageResult> {
    msg.putProperty(MessageConst.REAL_TOPIC, msg.topic);
    msg.putProperty(MessageConst.REAL_QID, String(msg.queueId));
    const uniqKey = msg.getProperty(MessageConst.UNIQ_KEY);
    if (uniqKey) msg.putProperty(MessageConst.TRANSACTION_ID, uniqKey);
    msg.sysFlag = resetTransactionValue(msg.sysFlag, MessageSysFlag.TRANSACTION_NOT_TYPE);
    msg.topic = SystemTopic.TRANS_HALF_TOPIC;
    msg.queueId = HALF_QUEUE_ID;
    this.ensureTopic(SystemTopic.TRANS_HALF_TOPIC);
    return this.host.messageStore.putMessage(finishInner(msg));
  }

  /** The half message at a commit-log offset, if it is one. */
  async lookHalfMessage(commitLogOffset: number): Promise<MessageExt | undefined> {
    const msg = await this.host.messageStore.lookMessageByOffset(commitLogOffset);
    return msg && msg.topic === SystemTopic.TRANS_HALF_TOPIC ? msg : undefined;
  }

  /** Java `EndTransactionProcessor.endMessageTransaction`: the message to store on commit. */
  buildCommitMessage(half: MessageExt, tranStateTableOffset: number, commitLogOffset: number): MessageExtBrokerInner {
    const realTopic = half.getProperty(MessageConst.REAL_TOPIC) ?? half.topic;
    const realQueueId = intProperty(half, MessageConst.REAL_QID) ?? 0;
    const inner = toInner(half, { topic: realTopic, queueId: realQueueId, storeHost: this.host.storeHost });
    const uniqKey = half.getProperty(MessageConst.UNIQ_KEY);
    if (uniqKey) inner.putProperty(MessageConst.TRANSACTION_ID, uniqKey);
    inner.putProperty(MessageConst.WAIT, 'false');
    inner.clearProperty(MessageConst.TRAN_MSG);
    inner.sysFlag = resetTransactionValue(half.sysFlag, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    inner.queueOffset = tranStateTableOffset;
    inner.preparedTransactionOffset = commitLogOffset;
    return inner;
  }

  /** Marks a half message resolved (commit or rollback): one op record naming its half-queue offset. */
  async deletePrepareMessage(half: MessageExt): Promise<boolean> {
    const op = new MessageExtBrokerInner();
    op.topic = SystemTopic.TRANS_OP_HALF_TOPIC;
    op.queueId = half.queueId;
    op.body = Buffer.from(`${half.queueOffset},`, 'utf8');
    op.putProperty(MessageConst.TAGS, OP_REMOVE_TAG);
    op.putProperty(MessageConst.WAIT, 'false');
    op.bornTimestamp = this.now();
    op.bornHost = this.host.storeHost;
    op.storeHost = this.host.storeHost;
    this.ensureTopic(SystemTopic.TRANS_OP_HALF_TOPIC);
    const result = await this.host.messageStore.putMessage(finishInner(op));
    return isPutStored(result);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.sleep.sleep(this.intervalMs);
        if (!this.running) break;
        try {
          await this.check();
        } catch (err) {
          this.opts.onError?.(err);
        }
      }
    })();
  }

  async shutdown(): Promise<void> {
    this.running = false;
    this.sleep.wake();
    await this.loop;
    this.loop = undefined;
  }

  /** Runs a check pass now (tests, and the periodic loop). */
  async check(): Promise<CheckRunResult> {
    const store = this.host.messageStore;
    const offsets = this.host.consumerOffsetManager;
    const group = SystemGroup.TRANS_CHECK_GROUP;
    const halfTopic = SystemTopic.TRANS_HALF_TOPIC;
    const opTopic = SystemTopic.TRANS_OP_HALF_TOPIC;
    const startTime = this.now();
    const outcome: CheckRunResult = { checked: 0, discarded: 0 };

    const halfMax = await store.getMaxOffsetInQueue(halfTopic, HALF_QUEUE_ID);
    let halfOffset = offsets.queryOffset(group, halfTopic, HALF_QUEUE_ID);
    if (halfOffset < 0) halfOffset = await store.getMinOffsetInQueue(halfTopic, HALF_QUEUE_ID);
    if (halfOffset >= halfMax) return outcome;

    // Op records: which half offsets are resolved, and where each op record sits.
    let opOffset = offsets.queryOffset(group, opTopic, HALF_QUEUE_ID);
    if (opOffset < 0) opOffset = await store.getMinOffsetInQueue(opTopic, HALF_QUEUE_ID);
    const opMax = await store.getMaxOffsetInQueue(opTopic, HALF_QUEUE_ID);
    const resolved = new Set<number>();
    const opEntries: { opOffset: number; halfOffsets: number[] }[] = [];
    for (let o = opOffset; o < opMax;) {
      const got = await store.getMessage(group, opTopic, HALF_QUEUE_ID, o, 32, 4 * 1024 * 1024);
      if (got.messageBuffers.length === 0) {
        if (got.nextBeginOffset > o) {
          o = got.nextBeginOffset;
          continue;
        }
        break;
      }
      for (const buffer of got.messageBuffers) {
        const op = decodeMessageRecord(buffer, 0);
        const halfOffsets = op.body
          .toString('utf8')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => /^\d+$/.test(s))
          .map(Number);
        for (const h of halfOffsets) resolved.add(h);
        opEntries.push({ opOffset: op.queueOffset, halfOffsets });
        o = op.queueOffset + 1;
      }
    }

    const maxProcess = this.opts.maxProcessTimeMs ?? 60_000;
    scan: for (let i = halfOffset; i < halfMax;) {
      if (this.now() - startTime > maxProcess) break;
      if (resolved.has(i)) {
        i++;
        halfOffset = i;
        continue;
      }
      const got = await store.getMessage(group, halfTopic, HALF_QUEUE_ID, i, 1, 4 * 1024 * 1024);
      const buffer = got.messageBuffers[0];
      if (!buffer) {
        if (got.nextBeginOffset > i) {
          i = got.nextBeginOffset;
          halfOffset = i;
          continue;
        }
        break;
      }
      const half = decodeMessageRecord(buffer, 0);
      // Copies appended during this run (and anything newer) wait for the next run (Java "fresh stored").
      if (half.storeTimestamp >= startTime) break;
      const checkTimes = intProperty(half, MessageConst.TRANSACTION_CHECK_TIMES) ?? 0;
      if (checkTimes >= this.checkMax) {
        await this.discard(half);
        outcome.discarded++;
      } else if (startTime - half.storeTimestamp > this.host.brokerConfig.fileReservedTime * 3_600_000) {
        // Older than the commit log keeps files: Java skips it.
      } else {
        const age = startTime - half.bornTimestamp;
        const preparedOffset = intProperty(half, MessageConst.TRAN_PREPARED_QUEUE_OFFSET);
        const immunityText = half.getProperty(MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS);
        if (preparedOffset !== undefined && resolved.has(preparedOffset)) {
          // A copy kept through its immunity time whose original has been committed or rolled back since.
        } else if (immunityText !== undefined) {
          // Java getImmunityTime: seconds × 1000, or transactionTimeOut when unparsable / -1.
          const sec = Number(immunityText);
          const immunityMs = Number.isInteger(sec) && sec !== -1 ? sec * 1000 : this.timeoutMs;
          if (age < immunityMs) {
            // Java putImmunityMsgBackToHalfQueue: keep it (pointing at the original) and go on with the queue.
            const kept = await this.putBack(half, {
              [MessageConst.TRAN_PREPARED_QUEUE_OFFSET]: String(preparedOffset ?? half.queueOffset),
            });
            if (!kept) break;
          } else {
            const sent = await this.putBackAndCheck(half, checkTimes + 1);
            if (!sent) break;
            outcome.checked++;
          }
        } else {
          if (age >= 0 && age < this.timeoutMs) break scan;
          const sent = await this.putBackAndCheck(half, checkTimes + 1);
          if (!sent) break;
          outcome.checked++;
        }
      }
      i = half.queueOffset + 1;
      halfOffset = i;
    }

    offsets.commitOffset(group, halfTopic, HALF_QUEUE_ID, halfOffset);
    // Op records are needed while they name a half offset not yet passed.
    let newOpOffset = opMax;
    for (const entry of opEntries) {
      if (entry.halfOffsets.some((h) => h >= halfOffset)) {
        newOpOffset = entry.opOffset;
        break;
      }
    }
    if (opEntries.length > 0 || newOpOffset > opOffset)
      offsets.commitOffset(group, opTopic, HALF_QUEUE_ID, newOpOffset);
    return outcome;
  }

  /** Re-appends a copy of the half message (same born time) with some properties changed. */
  private async putBack(half: MessageExt, properties: Record<string, string>): Promise<AppendInfo | undefined> {
    const copy = toInner(half, { storeHost: this.host.storeHost });
    for (const [name, value] of Object.entries(properties)) copy.putProperty(name, value);
    const result = await this.host.messageStore.putMessage(finishInner(copy));
    const append = appendOf(result);
    return isPutStored(result) && append ? append : undefined;
  }

  /** Re-appends the half message with a higher check count and asks its producer group about the new copy. */
  private async putBackAndCheck(half: MessageExt, checkTimes: number): Promise<boolean> {
    const append = await this.putBack(half, { [MessageConst.TRANSACTION_CHECK_TIMES]: String(checkTimes) });
    if (!append) return false;
    const producerGroup = half.getProperty(MessageConst.PGROUP);
    const channel = producerGroup ? this.host.producerManager.getAvailableChannel(producerGroup) : undefined;
    if (!channel) return true; // Java logs "channel is null" and checks again next run.
    const uniqKey = half.getProperty(MessageConst.UNIQ_KEY);
    const transactionId = half.getProperty(MessageConst.TRANSACTION_ID) ?? uniqKey;
    const header = CheckTransactionStateRequestHeader.encode({
      tranStateTableOffset: append.logicsOffset,
      commitLogOffset: append.wroteOffset,
      msgId: uniqKey,
      transactionId,
      offsetMsgId: append.msgId,
      bname: this.host.brokerConfig.brokerName,
    });
    // The body is the stored copy with its real topic and queue (what Java's producer hands its checker).
    const shown = toInner(half);
    shown.topic = half.getProperty(MessageConst.REAL_TOPIC) ?? half.topic;
    shown.queueId = intProperty(half, MessageConst.REAL_QID) ?? half.queueId;
    shown.putProperty(MessageConst.TRANSACTION_CHECK_TIMES, String(checkTimes));
    shown.queueOffset = append.logicsOffset;
    shown.commitLogOffset = append.wroteOffset;
    shown.storeTimestamp = append.storeTimestamp;
    shown.bodyCRC = half.bodyCRC;
    finishInner(shown);
    const request = RemotingCommand.createRequest(
      RequestCode.CHECK_TRANSACTION_STATE,
      header,
      encodeMessageRecord(shown),
    );
    try {
      await this.host.remotingServer.invokeOneway(channel, request, 3000);
    } catch (err) {
      this.opts.onError?.(err);
    }
    return true;
  }

  /** Java `resolveDiscardMsg`: a half message checked too often goes to `TRANS_CHECK_MAX_TIME_TOPIC`. */
  private async discard(half: MessageExt): Promise<void> {
    const topic = SystemTopic.TRANS_CHECK_MAX_TIME_TOPIC;
    this.ensureTopic(topic);
    const inner = toInner(half, { topic, queueId: 0, storeHost: this.host.storeHost });
    await this.host.messageStore.putMessage(finishInner(inner));
  }

  private ensureTopic(topic: string): void {
    this.host.topicConfigManager.createTopicInSendMessageBackMethod(
      topic,
      1,
      PermName.PERM_READ | PermName.PERM_WRITE,
      0,
    );
  }
}
