import type { RocketMQMessage } from '../rocketmq-headers';

/** rocketmq-spring `RocketMQLocalTransactionState`. */
export const RocketMQLocalTransactionState = {
  COMMIT: 'COMMIT',
  ROLLBACK: 'ROLLBACK',
  UNKNOWN: 'UNKNOWN',
} as const;
export type RocketMQLocalTransactionState =
  (typeof RocketMQLocalTransactionState)[keyof typeof RocketMQLocalTransactionState];

/**
 * The local half of a transactional send (rocketmq-spring `RocketMQLocalTransactionListener`). The message's payload is
 * the body bytes; its headers carry `rocketmq_KEYS`, `rocketmq_TAGS`, `rocketmq_TOPIC`, `rocketmq_TRANSACTION_ID` and
 * the user properties. Throwing counts as UNKNOWN (the broker checks back later).
 */
export interface RocketMQLocalTransactionListener {
  executeLocalTransaction(
    message: RocketMQMessage<Buffer>,
    arg: unknown,
  ): RocketMQLocalTransactionState | Promise<RocketMQLocalTransactionState>;
  checkLocalTransaction(
    message: RocketMQMessage<Buffer>,
  ): RocketMQLocalTransactionState | Promise<RocketMQLocalTransactionState>;
}
