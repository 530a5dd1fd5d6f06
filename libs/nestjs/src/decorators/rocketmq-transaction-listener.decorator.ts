import { SetMetadata } from '@nestjs/common';
import { DEFAULT_ROCKETMQ_TEMPLATE_NAME, ROCKETMQ_TRANSACTION_LISTENER_METADATA } from '../rocketmq.constants';

export interface RocketMQTransactionListenerOptions {
  /** The template whose producer this listener serves. Default `rocketMQTemplate` (the one from `forRoot`). */
  rocketMQTemplateBeanName?: string;
}

/**
 * Marks a provider implementing `RocketMQLocalTransactionListener` as the transaction listener of one template
 * (rocketmq-spring `@RocketMQTransactionListener`). One per template; a second one is a start-up error.
 */
export function RocketMQTransactionListener(options: RocketMQTransactionListenerOptions = {}): ClassDecorator {
  return SetMetadata(ROCKETMQ_TRANSACTION_LISTENER_METADATA, {
    rocketMQTemplateBeanName: options.rocketMQTemplateBeanName ?? DEFAULT_ROCKETMQ_TEMPLATE_NAME,
  });
}
