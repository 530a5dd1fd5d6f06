import {
  MQClientError,
  MessageConst,
  MessageSysFlag,
  decodeMessageRecords,
  decodeOffsetMessageId,
  type Message,
  type MessageExt,
} from '@rocketnest/common';
import type { RemotingCommand } from '@rocketnest/remoting';
import { DefaultMQProducer, type ProducerOptions } from './default-mq-producer';
import { LocalTransactionState, SendStatus, type TransactionSendResult } from './send-result';

/** Runs and checks local transactions (Java `TransactionListener`). */
export interface TransactionListener {
  executeLocalTransaction(msg: Message, arg: unknown): LocalTransactionState | Promise<LocalTransactionState>;
  checkLocalTransaction(msg: MessageExt): LocalTransactionState | Promise<LocalTransactionState>;
}

function commitOrRollbackFlag(state: LocalTransactionState): number {
  switch (state) {
    case LocalTransactionState.COMMIT_MESSAGE:
      return MessageSysFlag.TRANSACTION_COMMIT_TYPE;
    case LocalTransactionState.ROLLBACK_MESSAGE:
      return MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
    default:
      return MessageSysFlag.TRANSACTION_NOT_TYPE;
  }
}

/**
 * Transactional producer (Java `TransactionMQProducer`): sends a half message, runs the local transaction, ends it
 * with END_TRANSACTION (oneway), and answers the broker's CHECK_TRANSACTION_STATE with `checkLocalTransaction`.
 */
export class TransactionMQProducer extends DefaultMQProducer {
  private transactionListener: TransactionListener | undefined;

  constructor(options: ProducerOptions & { transactionListener?: TransactionListener }) {
    super(options);
    this.transactionListener = options.transactionListener;
  }

  setTransactionListener(listener: TransactionListener): void {
    this.transactionListener = listener;
  }

  async sendMessageInTransaction(msg: Message, arg?: unknown): Promise<TransactionSendResult> {
    const listener = this.transactionListener;
    if (!listener)
      throw new MQClientError('No transaction listener: pass transactionListener or call setTransactionListener()');
    if (msg.delayTimeLevel > 0) msg.clearProperty(MessageConst.DELAY);
    msg.putProperty(MessageConst.TRAN_MSG, 'true');
    msg.putProperty(MessageConst.PGROUP, this.groupName);
    const sendResult = (await this.sendWith(msg, {}, 'SYNC'))!;
    let state: LocalTransactionState = LocalTransactionState.UNKNOW;
    let localError: unknown;
    if (sendResult.sendStatus === SendStatus.SEND_OK) {
      msg.transactionId = sendResult.msgId;
      if (sendResult.transactionId) msg.putProperty(MessageConst.TRANSACTION_ID, sendResult.transactionId);
      try {
        state = (await listener.executeLocalTransaction(msg, arg)) ?? LocalTransactionState.UNKNOW;
      } catch (err) {
        localError = err;
        state = LocalTransactionState.UNKNOW;
      }
    } else {
      state = LocalTransactionState.ROLLBACK_MESSAGE;
    }
    try {
      await this.endTransaction(sendResult.messageQueue.brokerName, {
        msgId: sendResult.msgId,
        offsetMsgId: sendResult.offsetMsgId,
        queueOffset: sendResult.queueOffset,
        transactionId: sendResult.transactionId,
        topic: msg.topic,
        state,
        fromCheck: false,
        remark: localError
          ? `executeLocalTransactionBranch exception: ${localError instanceof Error ? localError.message : JSON.stringify(localError)}`
          : undefined,
      });
    } catch (err) {
      this.clientInstance.logger.warn('END_TRANSACTION failed; the broker will check back', err);
    }
    return { ...sendResult, transactionId: sendResult.transactionId ?? sendResult.msgId, localTransactionState: state };
  }

  private async endTransaction(
    brokerName: string,
    t: {
      msgId: string;
      offsetMsgId: string;
      queueOffset: number;
      transactionId?: string;
      topic: string;
      state: LocalTransactionState;
      fromCheck: boolean;
      remark?: string;
    },
    brokerAddrOverride?: string,
  ): Promise<void> {
    const client = this.clientInstance;
    const addr = brokerAddrOverride ?? client.findBrokerAddressInPublish(brokerName);
    if (!addr) throw new MQClientError(`No address of broker ${brokerName} to end the transaction`);
    await client.api.endTransactionOneway(
      addr,
      {
        producerGroup: this.groupName,
        tranStateTableOffset: t.queueOffset,
        commitLogOffset: decodeOffsetMessageId(t.offsetMsgId).offset,
        commitOrRollback: commitOrRollbackFlag(t.state),
        fromTransactionCheck: t.fromCheck,
        msgId: t.msgId,
        transactionId: t.transactionId,
        bname: brokerName,
      },
      t.remark,
    );
  }

  /** CHECK_TRANSACTION_STATE from a broker (oneway): ask the listener, then END_TRANSACTION with the header's offsets. */
  checkTransactionState(brokerAddr: string, request: RemotingCommand): void {
    const listener = this.transactionListener;
    if (!listener || !request.body) return;
    void (async () => {
      const h = request.extFields ?? {};
      const msg = decodeMessageRecords(request.body!)[0];
      if (!msg) return;
      const uniq = msg.getProperty(MessageConst.UNIQ_KEY);
      if (uniq) msg.transactionId = uniq;
      let state: LocalTransactionState = LocalTransactionState.UNKNOW;
      let remark: string | undefined;
      try {
        state = (await listener.checkLocalTransaction(msg)) ?? LocalTransactionState.UNKNOW;
      } catch (err) {
        remark = `checkLocalTransactionState exception: ${err instanceof Error ? err.message : JSON.stringify(err)}`;
      }
      const client = this.clientInstance;
      await client.api.endTransactionOneway(
        brokerAddr,
        {
          producerGroup: this.groupName,
          tranStateTableOffset: Number(h.tranStateTableOffset ?? msg.queueOffset),
          commitLogOffset: Number(h.commitLogOffset ?? msg.commitLogOffset),
          commitOrRollback: commitOrRollbackFlag(state),
          fromTransactionCheck: true,
          msgId: uniq ?? h.msgId ?? msg.msgId,
          transactionId: h.transactionId ?? uniq,
          bname: h.bname,
        },
        remark,
      );
    })().catch((err) => this.clientInstance.logger.warn('answering a transaction check failed', err));
  }
}
