/**
 * A queue of a topic on one broker (Java `MessageQueue`). Plain data so that it serializes to the JSON Java expects
 * (`{"brokerName":"b","queueId":0,"topic":"T"}`).
 */
export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

export function messageQueue(topic: string, brokerName: string, queueId: number): MessageQueue {
  return { topic, brokerName, queueId };
}

/** A stable string key for maps and sets: `topic@brokerName@queueId`. */
export function messageQueueKey(mq: MessageQueue): string {
  return `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
}

/** Java `MessageQueue.compareTo`: topic, then brokerName, then queueId (what RebalanceImpl sorts by). */
export function compareMessageQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

export function sameMessageQueue(a: MessageQueue, b: MessageQueue): boolean {
  return a.topic === b.topic && a.brokerName === b.brokerName && a.queueId === b.queueId;
}
