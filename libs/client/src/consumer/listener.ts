import type { MessageExt, MessageQueue } from '@rocketnest/common';
import type { ConsumeConcurrentlyStatus, ConsumeOrderlyStatus } from './consumer-enums';

/** Context of a concurrent listener call (Java `ConsumeConcurrentlyContext`). */
export interface ConsumeConcurrentlyContext {
  readonly messageQueue: MessageQueue;
  /**
   * Delay level of the retry when the listener returns RECONSUME_LATER: 0 (default) lets the broker use
   * `3 + reconsumeTimes`; -1 sends the message straight to the DLQ.
   */
  delayLevelWhenNextConsume: number;
  /** With CONSUME_SUCCESS, messages after this index are retried. Default: all succeeded. */
  ackIndex: number;
}

/** Context of an orderly listener call (Java `ConsumeOrderlyContext`). */
export interface ConsumeOrderlyContext {
  readonly messageQueue: MessageQueue;
  autoCommit: boolean;
  /** Pause before retrying after SUSPEND_CURRENT_QUEUE_A_MOMENT; defaults to the consumer's setting. */
  suspendCurrentQueueTimeMillis: number;
}

/** Java `MessageListenerConcurrently`: messages of one queue may be consumed in parallel and out of order. */
export interface MessageListenerConcurrently {
  kind?: 'concurrently';
  consumeMessage(
    msgs: MessageExt[],
    ctx: ConsumeConcurrentlyContext,
  ): ConsumeConcurrentlyStatus | Promise<ConsumeConcurrentlyStatus>;
}

/** Java `MessageListenerOrderly`: one queue is consumed by one call at a time, in queue order, under a broker lock. */
export interface MessageListenerOrderly {
  kind: 'orderly';
  consumeMessage(msgs: MessageExt[], ctx: ConsumeOrderlyContext): ConsumeOrderlyStatus | Promise<ConsumeOrderlyStatus>;
}

export type MessageListener = MessageListenerConcurrently | MessageListenerOrderly;
