import { Injectable } from '@nestjs/common';
import { RocketMQMessageListener, type RocketMQListener } from '@rocketnest/nestjs';
import { OrderLogService } from './order-log.service';
import { ORDER_STEPS_TOPIC, type OrderStep } from './order-step';

/** ORDERLY: one queue is handled by one handler at a time, so an order's steps arrive in send order. */
@Injectable()
@RocketMQMessageListener({ topic: ORDER_STEPS_TOPIC, consumerGroup: 'orderly-step-consumer', consumeMode: 'ORDERLY' })
export class OrderStepListener implements RocketMQListener<OrderStep> {
  constructor(private readonly log: OrderLogService) {}

  async onMessage(step: OrderStep): Promise<void> {
    // Some steps take longer than others; ordering must not depend on handler speed.
    if (step.seq % 2 === 0) await new Promise((resolve) => setImmediate(resolve));
    this.log.append(step);
  }
}
