import { Injectable, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROCKETMQ_MESSAGE_LISTENER_METADATA, ROCKETMQ_TRANSACTION_LISTENER_METADATA } from './rocketmq.constants';
import type { RocketMQMessageListenerOptions } from './decorators/rocketmq-message-listener.decorator';
import type { RocketMQTransactionListenerOptions } from './decorators/rocketmq-transaction-listener.decorator';

/** Reads the starter's decorator metadata, through `Reflector` only (bull's `BullMetadataAccessor`). */
@Injectable()
export class RocketMQMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  isMessageListener(target: Type | undefined): boolean {
    return !!target && !!this.getMessageListenerMetadata(target);
  }

  getMessageListenerMetadata(target: Type): RocketMQMessageListenerOptions | undefined {
    return this.reflector.get<RocketMQMessageListenerOptions | undefined>(ROCKETMQ_MESSAGE_LISTENER_METADATA, target);
  }

  isTransactionListener(target: Type | undefined): boolean {
    return !!target && !!this.getTransactionListenerMetadata(target);
  }

  getTransactionListenerMetadata(target: Type): Required<RocketMQTransactionListenerOptions> | undefined {
    return this.reflector.get<Required<RocketMQTransactionListenerOptions> | undefined>(
      ROCKETMQ_TRANSACTION_LISTENER_METADATA,
      target,
    );
  }
}
