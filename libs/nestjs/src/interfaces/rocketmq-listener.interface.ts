/** A message listener (rocketmq-spring `RocketMQListener<T>`): throw to have the message consumed again later. */
export interface RocketMQListener<T = unknown> {
  onMessage(message: T): void | Promise<void>;
}

/**
 * A listener that answers request-reply messages (rocketmq-spring `RocketMQReplyListener<T, R>`): what `onMessage`
 * returns is converted and sent back to the requester of `RocketMQTemplate.sendAndReceive`.
 */
export interface RocketMQReplyListener<T = unknown, R = unknown> {
  onMessage(message: T): R | Promise<R>;
}

/**
 * Optional hook on a listener class (rocketmq-spring `RocketMQPushConsumerLifecycleListener`): called once with the
 * configured push consumer before it starts, to tune options the decorator does not cover.
 */
export interface RocketMQPushConsumerLifecycleListener<C = unknown> {
  prepareStart(consumer: C): void;
}
