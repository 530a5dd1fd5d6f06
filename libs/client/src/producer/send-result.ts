import type { MessageQueue } from '@rocketnest/common';

/** Java `SendStatus`: anything but SEND_OK means stored, but not as durably as the broker was configured to. */
export const SendStatus = {
  SEND_OK: 'SEND_OK',
  FLUSH_DISK_TIMEOUT: 'FLUSH_DISK_TIMEOUT',
  FLUSH_SLAVE_TIMEOUT: 'FLUSH_SLAVE_TIMEOUT',
  SLAVE_NOT_AVAILABLE: 'SLAVE_NOT_AVAILABLE',
} as const;
export type SendStatus = (typeof SendStatus)[keyof typeof SendStatus];

export interface SendResult {
  sendStatus: SendStatus;
  /** The client-made unique id (`UNIQ_KEY`; comma-joined for batches), what Java calls `msgId`. */
  msgId: string;
  /** The broker's offset message id (host + commit-log offset; comma-joined for batches). */
  offsetMsgId: string;
  messageQueue: MessageQueue;
  queueOffset: number;
  transactionId?: string;
  regionId?: string;
  traceOn?: boolean;
}

/** Java `LocalTransactionState`. */
export const LocalTransactionState = {
  COMMIT_MESSAGE: 'COMMIT_MESSAGE',
  ROLLBACK_MESSAGE: 'ROLLBACK_MESSAGE',
  UNKNOW: 'UNKNOW',
} as const;
export type LocalTransactionState = (typeof LocalTransactionState)[keyof typeof LocalTransactionState];

export interface TransactionSendResult extends SendResult {
  localTransactionState: LocalTransactionState;
}
