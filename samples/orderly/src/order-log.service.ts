import { Injectable } from '@nestjs/common';
import type { OrderStep } from './order-step';

/** Steps as the listener processed them, per order. */
@Injectable()
export class OrderLogService {
  private readonly byOrder = new Map<string, OrderStep[]>();

  append(step: OrderStep): void {
    const list = this.byOrder.get(step.orderId) ?? [];
    list.push(step);
    this.byOrder.set(step.orderId, list);
  }

  get(orderId: string): OrderStep[] {
    return this.byOrder.get(orderId) ?? [];
  }
}
