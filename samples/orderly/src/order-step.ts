/** One step of an order's life; steps of one order must be processed in `seq` order. */
export interface OrderStep {
  orderId: string;
  seq: number;
  step: string;
}

export const ORDER_STEPS_TOPIC = 'orderly-order-steps';
