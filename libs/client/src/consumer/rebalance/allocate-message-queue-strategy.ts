import type { MessageQueue } from '@rocketnest/common';
import { MQClientError } from '@rocketnest/common';

/**
 * How a consumer group splits a topic's queues among its members (Java `AllocateMessageQueueStrategy`). Every member
 * runs the same strategy over the same sorted inputs, so the results must agree with Java's byte for byte: mixed Java
 * and TypeScript consumers in one group would otherwise own a queue twice or leave one orphaned.
 */
export interface AllocateMessageQueueStrategy {
  /** Java `getName()`, reported in consumer running info. */
  readonly name: string;
  allocate(consumerGroup: string, currentCID: string, mqAll: MessageQueue[], cidAll: string[]): MessageQueue[];
}

/**
 * Java `AbstractAllocateMessageQueueStrategy.check`: empty inputs are misuse; a client id missing from the list gets
 * nothing (the broker has not seen its heartbeat yet).
 */
export function checkAllocateArguments(currentCID: string, mqAll: MessageQueue[], cidAll: string[]): boolean {
  if (!currentCID) throw new MQClientError('currentCID is empty');
  if (mqAll.length === 0) throw new MQClientError('mqAll is null or mqAll empty');
  if (cidAll.length === 0) throw new MQClientError('cidAll is null or cidAll empty');
  return cidAll.includes(currentCID);
}

/** Java `MessageQueue.toString()`, hashed by the consistent-hash strategy. */
export function javaMessageQueueString(mq: MessageQueue): string {
  return `MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}]`;
}
