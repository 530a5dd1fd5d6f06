/**
 * Tag subscriptions (Java `FilterAPI.buildSubscriptionData` and the tag checks of the broker's
 * `ExpressionMessageFilter` and the client's `PullAPIWrapper`).
 *
 * `tagsSet` / `codeSet` are listed in the iteration order of the Java `HashSet`s they are in Java, so the heartbeat
 * JSON we send matches a Java client's (the order carries no meaning).
 */
import { MQClientError } from '../errors/rocketmq-error';
import { ExpressionType, SUB_ALL, type SubscriptionData } from '../protocol/body/heartbeat-data';
import { javaStringHashCode } from './java-hash';

/** Java `String.trim`: strips code units <= U+0020 at both ends. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/**
 * Tags of an expression like `TagA || TagB`, trimmed, without empties and duplicates, in order of appearance; `[]` for
 * `*` or an empty expression. Throws MQClientError when the expression holds only separators (Java: "subString split
 * error").
 */
export function parseTags(subString: string | undefined | null): string[] {
  if (subString === undefined || subString === null || subString.length === 0 || subString === SUB_ALL) return [];
  // Java String.split(regex) drops trailing empty strings; an all-empty result is an error.
  const parts = subString.split('||');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0) {
    throw new MQClientError(`Tag expression "${subString}" has no tags; use "*" or "TagA || TagB"`);
  }
  const seen = new Set<string>();
  for (const part of parts) {
    const tag = javaTrim(part);
    if (tag.length > 0) seen.add(tag);
  }
  return [...seen];
}

/**
 * Iteration order of a Java `HashSet` holding `items` (inserted in the given order, duplicates already removed):
 * buckets of `(h ^ (h >>> 16)) & (capacity - 1)`, insertion order within a bucket, capacity 16 doubling past 75 % load
 * or when a bucket reaches 8 entries below capacity 64. Treeified buckets (only with many collisions) are not modelled.
 */
export function javaHashSetOrder<T>(items: readonly T[], hashOf: (item: T) => number): T[] {
  let capacity = 16;
  const hashes = items.map((item) => {
    const h = hashOf(item) | 0;
    return (h ^ (h >>> 16)) | 0;
  });
  const bucketSizes = (cap: number, n: number): number[] => {
    const sizes = new Array<number>(cap).fill(0);
    for (let i = 0; i < n; i++) sizes[hashes[i]! & (cap - 1)]!++;
    return sizes;
  };
  for (let n = 1; n <= items.length; n++) {
    const bucket = hashes[n - 1]! & (capacity - 1);
    if (bucketSizes(capacity, n)[bucket]! > 8 && capacity < 64) capacity *= 2;
    if (n > capacity * 0.75) capacity *= 2;
  }
  const order = items.map((item, i) => ({ item, i, bucket: hashes[i]! & (capacity - 1) }));
  order.sort((a, b) => a.bucket - b.bucket || a.i - b.i);
  return order.map((o) => o.item);
}

/**
 * Java `FilterAPI.buildSubscriptionData` / `FilterAPI.build`. For TAG (or no type): `*` and `""` subscribe to all
 * (`subString` becomes `*`), otherwise the tags and their hash codes. For another type (SQL92) the expression is kept
 * as is and must not be empty. Throws MQClientError for an expression without tags.
 */
export function buildSubscriptionData(
  topic: string,
  subString: string | undefined | null,
  expressionType?: string | null,
  subVersion: number = Date.now(),
): SubscriptionData {
  const type =
    expressionType === undefined || expressionType === null || expressionType.trim() === ''
      ? ExpressionType.TAG
      : expressionType;
  if (type !== ExpressionType.TAG) {
    if (!subString) throw new MQClientError(`A ${type} subscription needs an expression`);
    return { topic, subString, tagsSet: [], codeSet: [], subVersion, expressionType: type, classFilterMode: false };
  }
  const tags = parseTags(subString);
  if (tags.length === 0 && (!subString || subString === SUB_ALL)) {
    return {
      topic,
      subString: SUB_ALL,
      tagsSet: [],
      codeSet: [],
      subVersion,
      expressionType: type,
      classFilterMode: false,
    };
  }
  const codes = [...new Set(tags.map(javaStringHashCode))];
  return {
    topic,
    subString: subString as string,
    tagsSet: javaHashSetOrder(tags, javaStringHashCode),
    codeSet: javaHashSetOrder(codes, (c) => c),
    subVersion,
    expressionType: type,
    classFilterMode: false,
  };
}

/** Whether a subscription takes every message (`*` or class filter mode). */
export function isSubscribeAll(sub: Pick<SubscriptionData, 'subString' | 'classFilterMode'>): boolean {
  return sub.classFilterMode || sub.subString === SUB_ALL;
}

/**
 * Client-side tag check after a pull (Java `PullAPIWrapper.processPullResult`): with tags subscribed, only messages
 * whose TAGS is one of them; otherwise every message.
 */
export function isTagMatched(
  sub: Pick<SubscriptionData, 'tagsSet' | 'classFilterMode' | 'expressionType'>,
  tag: string | undefined | null,
): boolean {
  if (sub.classFilterMode || sub.tagsSet.length === 0 || sub.expressionType !== ExpressionType.TAG) return true;
  return tag !== undefined && tag !== null && sub.tagsSet.includes(tag);
}

/**
 * Broker-side consume-queue check (Java `ExpressionMessageFilter.isMatchedByConsumeQueue` for TAG): everything for `*`,
 * class filter mode, non-TAG expressions or an unknown tags code; otherwise the code must be in `codeSet`.
 */
export function isTagsCodeMatched(
  sub: Pick<SubscriptionData, 'subString' | 'codeSet' | 'classFilterMode' | 'expressionType'> | undefined,
  tagsCode: number | undefined | null,
): boolean {
  if (!sub || sub.classFilterMode || sub.expressionType !== ExpressionType.TAG) return true;
  if (tagsCode === undefined || tagsCode === null || sub.subString === SUB_ALL) return true;
  return sub.codeSet.includes(tagsCode);
}
