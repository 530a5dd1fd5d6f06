/**
 * Topic and group name rules: Java client `Validators` (what a producer/consumer refuses before sending) and broker
 * `TopicValidator` (what a broker accepts), protocol.md §6.12.
 */
import { MQClientError } from '../errors/rocketmq-error';
import { ResponseCode } from '../protocol/response-code';
import {
  DLQ_GROUP_TOPIC_PREFIX,
  RETRY_GROUP_TOPIC_PREFIX,
  SystemTopic,
  isNotAllowedSendTopic,
} from '../message/message-const';

/** Longest topic name, characters (Java 5.x client and broker). */
export const TOPIC_MAX_LENGTH = 127;
/** Longest `%RETRY%…` / `%DLQ%…` topic a broker accepts, characters. */
export const RETRY_OR_DLQ_TOPIC_MAX_LENGTH = 255;
/** Longest group name, characters (Java 5.x; leaves room for `%RETRY%group_topic`). */
export const GROUP_MAX_LENGTH = 120;
/** The allowed characters, as Java prints them in its error messages. */
export const VALID_NAME_PATTERN = '^[%|a-zA-Z0-9_-]+$';

/** Java `TopicValidator.isTopicOrGroupIllegal`: any character outside `[%|a-zA-Z0-9_-]`. */
export function hasIllegalNameChars(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 57) || // 0-9
      (c >= 65 && c <= 90) || // A-Z
      (c >= 97 && c <= 122) || // a-z
      c === 37 || // %
      c === 45 || // -
      c === 95 || // _
      c === 124; // |
    if (!ok) return true;
  }
  return false;
}

/** Java `UtilAll.isBlank`: empty or only whitespace. */
function isBlank(s: string | undefined | null): boolean {
  return s === undefined || s === null || s.trim().length === 0;
}

export interface ValidateTopicOptions {
  /** Also refuse topics a client may not send to (SCHEDULE_TOPIC_XXXX, RMQ_SYS_TRANS_HALF_TOPIC, ...). Default false. */
  forSend?: boolean;
}

/**
 * Client-side topic check (Java `Validators.checkTopic`, 4.9.x also refusing the auto-create template `TBW102`).
 * Throws MQClientError with what to change.
 */
export function validateTopic(topic: string, options: ValidateTopicOptions = {}): void {
  if (isBlank(topic)) throw new MQClientError('The specified topic is blank; give the topic a name');
  if (topic.length > TOPIC_MAX_LENGTH) {
    throw new MQClientError(`The specified topic "${topic}" is longer than the topic max length ${TOPIC_MAX_LENGTH}`);
  }
  if (hasIllegalNameChars(topic)) {
    throw new MQClientError(
      `The specified topic "${topic}" contains illegal characters, allowing only ${VALID_NAME_PATTERN}`,
    );
  }
  if (topic === SystemTopic.AUTO_CREATE_TOPIC_KEY_TOPIC) {
    throw new MQClientError(
      `The topic "${topic}" is the broker's auto-create template (AUTO_CREATE_TOPIC_KEY_TOPIC); use another topic`,
    );
  }
  if (options.forSend === true && isNotAllowedSendTopic(topic)) {
    throw new MQClientError(`Sending messages to the system topic "${topic}" is forbidden`, {
      responseCode: ResponseCode.NO_PERMISSION,
    });
  }
}

/** Client-side group check (Java 5.x `Validators.checkGroup`). Throws MQClientError. */
export function validateGroup(group: string): void {
  if (isBlank(group)) throw new MQClientError('The specified group is blank; give the group a name');
  if (group.length > GROUP_MAX_LENGTH) {
    throw new MQClientError(`The specified group "${group}" is longer than the group max length ${GROUP_MAX_LENGTH}`);
  }
  if (hasIllegalNameChars(group)) {
    throw new MQClientError(
      `The specified group "${group}" contains illegal characters, allowing only ${VALID_NAME_PATTERN}`,
    );
  }
}

/**
 * Broker-side topic check (Java `TopicValidator.validateTopic`): the remark Java would answer with, or undefined when
 * the name is valid. Retry and DLQ topics may be up to 255 characters; system topics are not refused here.
 */
export function topicNameInvalidRemark(topic: string): string | undefined {
  if (isBlank(topic)) return 'The specified topic is blank.';
  if (hasIllegalNameChars(topic)) {
    return `The specified topic: ${topic}, contains illegal characters, allowing only ${VALID_NAME_PATTERN}`;
  }
  if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX)) {
    if (topic.length > RETRY_OR_DLQ_TOPIC_MAX_LENGTH) {
      return `The specified topic is DLQ or Retry topic: ${topic}, and it's longer than topic max length: ${RETRY_OR_DLQ_TOPIC_MAX_LENGTH}`;
    }
  } else if (topic.length > TOPIC_MAX_LENGTH) {
    return `The specified topic: ${topic}, is longer than topic max length: ${TOPIC_MAX_LENGTH}`;
  }
  return undefined;
}

/** Broker-side boolean form of `topicNameInvalidRemark`. */
export function isTopicNameValid(topic: string): boolean {
  return topicNameInvalidRemark(topic) === undefined;
}

/** Broker-side group check (Java `TopicValidator.validateGroup`): the remark, or undefined when valid. */
export function groupNameInvalidRemark(group: string): string | undefined {
  if (isBlank(group)) return 'The specified group is blank.';
  if (hasIllegalNameChars(group)) {
    return `The specified group: ${group}, contains illegal characters, allowing only ${VALID_NAME_PATTERN}`;
  }
  if (group.length > GROUP_MAX_LENGTH) {
    return `The specified group: ${group}, is longer than group max length: ${GROUP_MAX_LENGTH}`;
  }
  return undefined;
}

export function isGroupNameValid(group: string): boolean {
  return groupNameInvalidRemark(group) === undefined;
}
