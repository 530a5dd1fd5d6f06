import type { Message, MessageQueue } from '@rocketnest/common';
import { javaStringHashCode } from '@rocketnest/common';

/**
 * Picks the queue for one send (Java `MessageQueueSelector`). Used for ordered messages: the same `arg` must map to the
 * same queue, so keep the queue list stable (it is the topic's write queues in route order).
 */
export type MessageQueueSelectorFn = (mqs: MessageQueue[], msg: Message, arg: unknown) => MessageQueue;

export interface MessageQueueSelector {
  select(mqs: MessageQueue[], msg: Message, arg: unknown): MessageQueue;
}

/** Java `SelectMessageQueueByHash`: `abs(arg.toString().hashCode()) % size`, with Java's 32-bit String.hashCode. */
export class SelectMessageQueueByHash implements MessageQueueSelector {
  select(mqs: MessageQueue[], _msg: Message, arg: unknown): MessageQueue {
    // Java Math.abs(Integer.MIN_VALUE) stays negative; % then stays negative too and Java would throw. Use 0 instead.
    let value = Math.abs(javaStringHashCode(String(arg))) % mqs.length;
    if (value < 0) value = 0;
    return mqs[value]!;
  }
}

/** Java `SelectMessageQueueByRandom`. */
export class SelectMessageQueueByRandom implements MessageQueueSelector {
  select(mqs: MessageQueue[]): MessageQueue {
    return mqs[Math.floor(Math.random() * mqs.length)]!;
  }
}

/** Accepts a selector object or a plain function. */
export function toMessageQueueSelector(selector: MessageQueueSelector | MessageQueueSelectorFn): MessageQueueSelector {
  return typeof selector === 'function' ? { select: selector } : selector;
}
