import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { RocketMQTemplate } from '@rocketnest/nestjs';
import { OrderLogService } from './order-log.service';
import { ORDER_STEPS_TOPIC, type OrderStep } from './order-step';

@Controller('orders')
export class OrderController {
  constructor(
    private readonly template: RocketMQTemplate,
    private readonly log: OrderLogService,
  ) {}

  /** Sends the steps of one order, hashed by order id so they share a queue. */
  @Post(':id/steps')
  async send(@Param('id') orderId: string, @Body() body: { steps: string[] }): Promise<{ queueIds: number[] }> {
    const queueIds: number[] = [];
    for (const [seq, step] of body.steps.entries()) {
      const result = await this.template.syncSendOrderly(
        ORDER_STEPS_TOPIC,
        { orderId, seq, step } satisfies OrderStep,
        orderId,
      );
      queueIds.push(result.messageQueue.queueId);
    }
    return { queueIds };
  }

  @Get(':id/steps')
  steps(@Param('id') orderId: string): OrderStep[] {
    return this.log.get(orderId);
  }
}
