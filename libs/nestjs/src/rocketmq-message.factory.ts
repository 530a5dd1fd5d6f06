import { Message, MessageConst, MessageExt, SYSTEM_PROPERTY_KEYS } from '@rocketnest/common';
import { MessageConversionError } from './rocketmq.errors';
import { RocketMQHeaders, RocketMQMessage, toRocketHeaderKey } from './rocketmq-headers';
import type { RocketMQMessageConverter } from './rocketmq-message-converter';

/** `topic:tags` → its parts (rocketmq-spring destination format; tags may contain `||`). */
export function parseDestination(destination: string): { topic: string; tags: string | undefined } {
  if (typeof destination !== 'string' || destination.length === 0) {
    throw new MessageConversionError('The destination must be "topic" or "topic:tags", got an empty string');
  }
  const idx = destination.indexOf(':');
  const topic = idx < 0 ? destination : destination.slice(0, idx);
  const tags = idx < 0 ? undefined : destination.slice(idx + 1);
  if (topic.length === 0) throw new MessageConversionError(`No topic in destination "${destination}"`);
  return { topic, tags: tags === undefined || tags.length === 0 ? undefined : tags };
}

function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** Headers that become message fields, never user properties. */
const RESERVED_HEADERS = new Set<string>([
  'FLAG',
  'WAIT_STORE_MSG_OK',
  ...Object.values(RocketMQHeaders)
    .filter((h) => h !== RocketMQHeaders.PREFIX)
    .map((h) => toRocketHeaderKey(h)),
]);

/**
 * Builds the client message for a send (rocketmq-spring `RocketMQUtil.convertToRocketMessage`): the destination gives
 * topic and tags, the payload goes through the converter, headers set keys (`KEYS` / `rocketmq_KEYS`), tags (`TAGS`,
 * when the destination has none), `FLAG`, `WAIT_STORE_MSG_OK`, and every other non-system header becomes a user
 * property.
 */
export function createRocketMessage(
  destination: string,
  payloadOrMessage: unknown,
  converter: RocketMQMessageConverter,
): Message {
  const { topic, tags } = parseDestination(destination);
  const isWrapped = payloadOrMessage instanceof RocketMQMessage;
  const payload: unknown = isWrapped ? payloadOrMessage.payload : payloadOrMessage;
  const headers: Readonly<Record<string, unknown>> = isWrapped ? payloadOrMessage.headers : {};
  const body = converter.toBody(payload);
  if (body.length === 0) {
    throw new MessageConversionError(`The message body for "${destination}" is empty; RocketMQ rejects empty bodies`);
  }
  const msg = new Message(topic, body);
  const headerTags = headers[RocketMQHeaders.TAGS] ?? headers[toRocketHeaderKey(RocketMQHeaders.TAGS)];
  const finalTags = tags ?? (headerTags === undefined || headerTags === null ? undefined : str(headerTags));
  if (finalTags) msg.setTags(finalTags);
  const keys = headers[RocketMQHeaders.KEYS] ?? headers[toRocketHeaderKey(RocketMQHeaders.KEYS)];
  if (keys !== undefined && keys !== null && keys !== '') {
    msg.setKeys(Array.isArray(keys) ? keys.map(str) : str(keys));
  }
  const flag = headers.FLAG;
  if (flag !== undefined) {
    const n = Number(flag);
    if (Number.isInteger(n)) msg.flag = n;
  }
  const wait = headers.WAIT_STORE_MSG_OK;
  if (wait !== undefined) msg.setWaitStoreMsgOK(str(wait) !== 'false');
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    if (RESERVED_HEADERS.has(name) || SYSTEM_PROPERTY_KEYS.has(name)) continue;
    if (name === RocketMQHeaders.KEYS || name === RocketMQHeaders.TAGS) continue;
    msg.putUserProperty(name, str(value));
  }
  return msg;
}

/**
 * The incoming message as a {@link RocketMQMessage} of its body bytes with rocketmq-spring's `rocketmq_` headers and the
 * user properties (rocketmq-spring `RocketMQUtil.convertToSpringMessage`).
 */
export function toRocketMQMessage(msg: Message | MessageExt): RocketMQMessage<Buffer> {
  const headers: Record<string, unknown> = {};
  const ext: Partial<MessageExt> = msg instanceof MessageExt ? msg : {};
  const put = (name: string, value: unknown) => {
    if (value !== undefined && value !== null) headers[toRocketHeaderKey(name)] = value;
  };
  put(RocketMQHeaders.KEYS, msg.keys);
  put(RocketMQHeaders.TAGS, msg.tags);
  put(RocketMQHeaders.TOPIC, msg.topic);
  put(RocketMQHeaders.FLAG, msg.flag);
  put(RocketMQHeaders.TRANSACTION_ID, ext.transactionId ?? msg.properties[MessageConst.TRANSACTION_ID]);
  put(RocketMQHeaders.MESSAGE_ID, ext.msgId);
  put(RocketMQHeaders.BORN_TIMESTAMP, ext.bornTimestamp);
  if (msg instanceof MessageExt) put(RocketMQHeaders.BORN_HOST, msg.bornHostString);
  put(RocketMQHeaders.QUEUE_ID, ext.queueId);
  put(RocketMQHeaders.SYS_FLAG, ext.sysFlag);
  put(RocketMQHeaders.DELAY, msg.properties[MessageConst.DELAY]);
  for (const [name, value] of Object.entries(msg.properties)) {
    if (!SYSTEM_PROPERTY_KEYS.has(name)) headers[name] = value;
  }
  return new RocketMQMessage(msg.body, headers);
}
