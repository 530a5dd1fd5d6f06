import { type MessageQueue, RemotingCommandError, isPlainObject, parseJavaJson } from '@rocketnest/common';

/** Parses a JSON request body written by a Java or RocketNest client; missing or malformed → RemotingCommandError. */
export function parseJsonBody(body: Buffer | undefined, what: string): Record<string, unknown> {
  if (!body || body.length === 0) throw new RemotingCommandError(`${what}: the request body is empty`);
  const value = parseJavaJson(body);
  if (!isPlainObject(value)) throw new RemotingCommandError(`${what}: the body is not a JSON object`);
  return value;
}

export function stringField(obj: Record<string, unknown>, name: string, what: string): string {
  const v = obj[name];
  if (typeof v !== 'string') throw new RemotingCommandError(`${what}: "${name}" must be a string`);
  return v;
}

export function optionalStringField(obj: Record<string, unknown>, name: string, what: string): string | undefined {
  const v = obj[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new RemotingCommandError(`${what}: "${name}" must be a string`);
  return v;
}

/** A Java `MessageQueue` bean (`{"brokerName":"b","queueId":0,"topic":"T"}`). */
export function toMessageQueue(value: unknown, what: string): MessageQueue {
  if (!isPlainObject(value)) throw new RemotingCommandError(`${what}: a message queue must be a JSON object`);
  const queueId = typeof value.queueId === 'bigint' ? Number(value.queueId) : value.queueId;
  if (typeof value.topic !== 'string' || typeof value.brokerName !== 'string' || !Number.isInteger(queueId)) {
    throw new RemotingCommandError(`${what}: a message queue needs "topic", "brokerName" and an integer "queueId"`);
  }
  return { topic: value.topic, brokerName: value.brokerName, queueId: queueId as number };
}

export function messageQueueList(value: unknown, what: string): MessageQueue[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RemotingCommandError(`${what}: "mqSet" must be an array`);
  return value.map((mq) => toMessageQueue(mq, what));
}
