/**
 * Transaction headers (protocol.md §2.3.9, §2.3.10).
 */
import { defineHeader, opt, prim, req, type DecodedHeader } from './header-codec';
import { RPC_REQUEST_BASE } from './rpc-base';

/** `commitOrRollback` values (the message sysFlag transaction bits, protocol.md §4.3). */
export const TransactionType = {
  NOT_TYPE: 0,
  PREPARED_TYPE: 4,
  COMMIT_TYPE: 8,
  ROLLBACK_TYPE: 12,
} as const;
export type TransactionType = (typeof TransactionType)[keyof typeof TransactionType];

/** END_TRANSACTION (37, sent oneway). */
export const EndTransactionRequestHeader = defineHeader(
  {
    /** 5.x. */
    topic: opt.string,
    producerGroup: req.string,
    /** The half message's consume-queue offset (= send result queueOffset). */
    tranStateTableOffset: req.long,
    /** The half message's commit-log offset. */
    commitLogOffset: req.long,
    /** 0 unknown, 8 commit, 12 rollback ({@link TransactionType}). */
    commitOrRollback: req.int,
    /** True when answering CHECK_TRANSACTION_STATE. Java initialises it to false, so it is always sent. */
    fromTransactionCheck: prim.boolean(false),
    /** The UNIQ_KEY. */
    msgId: req.string,
    transactionId: opt.string,
    ...RPC_REQUEST_BASE,
  },
  'EndTransactionRequestHeader',
);
export type EndTransactionRequestHeader = DecodedHeader<typeof EndTransactionRequestHeader.spec>;

/** CHECK_TRANSACTION_STATE (39, broker → producer, oneway). The body is the half message (stored record format). */
export const CheckTransactionStateRequestHeader = defineHeader(
  {
    /** 5.x: the half topic name. */
    topic: opt.string,
    tranStateTableOffset: req.long,
    commitLogOffset: req.long,
    /** UNIQ_KEY. */
    msgId: opt.string,
    transactionId: opt.string,
    /** Store msgId of the half message. */
    offsetMsgId: opt.string,
    ...RPC_REQUEST_BASE,
  },
  'CheckTransactionStateRequestHeader',
);
export type CheckTransactionStateRequestHeader = DecodedHeader<typeof CheckTransactionStateRequestHeader.spec>;
