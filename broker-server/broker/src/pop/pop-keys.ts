/**
 * POP names and handle formats (Java `KeyBuilder`, `ExtraInfoUtil`, `PopAckConstants`; protocol.md §2.3.15, §6.8).
 */
import { RETRY_GROUP_TOPIC_PREFIX, isRetryTopic } from '@rocketnest/common';

/** reviveQid of an ordered (FIFO) pop. */
export const POP_ORDER_REVIVE_QUEUE = 999;
/** Queues of a POP retry topic (Java `PopAckConstants.retryQueueNum`). */
export const POP_RETRY_QUEUE_NUM = 1;
/** Java `PopAckConstants.REVIVE_TOPIC` prefix: `rmq_sys_REVIVE_LOG_<cluster>`. */
export const REVIVE_TOPIC_PREFIX = 'rmq_sys_REVIVE_LOG_';

/** `%RETRY%<group>_<topic>` (V1) or `%RETRY%<group>+<topic>` (V2). */
export function buildPopRetryTopic(topic: string, group: string, v2: boolean): string {
  return `${RETRY_GROUP_TOPIC_PREFIX}${group}${v2 ? '+' : '_'}${topic}`;
}

export function isPopRetryTopicV2(topic: string): boolean {
  return isRetryTopic(topic) && topic.includes('+');
}

/** The retry flag of a topic in the info strings and handles: 0 normal, 1 retry V1, 2 retry V2. */
export function retryFlag(topic: string): '0' | '1' | '2' {
  if (isPopRetryTopicV2(topic)) return '2';
  return isRetryTopic(topic) ? '1' : '0';
}

/** Java `ExtraInfoUtil.buildExtraInfo` (8 fields): the POP_CK handle of one message. */
export function buildExtraInfo(
  ckStartOffset: number,
  popTime: number,
  invisibleTime: number,
  reviveQid: number,
  topic: string,
  brokerName: string,
  queueId: number,
  msgQueueOffset: number,
): string {
  return [ckStartOffset, popTime, invisibleTime, reviveQid, retryFlag(topic), brokerName, queueId, msgQueueOffset].join(
    ' ',
  );
}

/** The fields of a POP_CK handle the broker reads (ACK / CHANGE_INVISIBLETIME). */
export interface ExtraInfo {
  ckStartOffset: number;
  popTime: number;
  invisibleTime: number;
  reviveQid: number;
  retry: string;
  brokerName: string;
}

/** Thrown for a handle that does not parse (Java: IllegalArgumentException / NumberFormatException). */
export class ExtraInfoError extends Error {}

/** Parses the first six fields of a handle, as Java's getters do (at least 6 space-separated fields). */
export function parseExtraInfo(extraInfo: string): ExtraInfo {
  const f = extraInfo.split(' ');
  if (f.length < 6) throw new ExtraInfoError(`extraInfo has ${f.length} fields, expected at least 6: ${extraInfo}`);
  const long = (s: string, name: string): number => {
    if (!/^-?\d{1,19}$/.test(s)) throw new ExtraInfoError(`extraInfo ${name} is not a number: ${s}`);
    return Number(s);
  };
  const int = (s: string, name: string): number => {
    const n = long(s, name);
    if (n > 2147483647 || n < -2147483648) throw new ExtraInfoError(`extraInfo ${name} is not an int: ${s}`);
    return n;
  };
  return {
    ckStartOffset: long(f[0]!, 'ckQueueOffset'),
    popTime: long(f[1]!, 'popTime'),
    invisibleTime: long(f[2]!, 'invisibleTime'),
    reviveQid: int(f[3]!, 'reviveQid'),
    retry: f[4]!,
    brokerName: f[5]!,
  };
}

/** One `<r> <queueId> <value>` entry appended to an info string (`;`-separated). */
export function appendInfo(sb: string, topic: string, queueId: number, value: string): string {
  const entry = `${retryFlag(topic)} ${queueId} ${value}`;
  return sb.length > 0 ? `${sb};${entry}` : entry;
}
