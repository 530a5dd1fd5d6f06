/**
 * Java `String.hashCode()`: `h = 31 * h + c` over UTF-16 code units with int32 wrap-around (protocol.md §4.9). It is
 * the consume-queue tagsCode of a tag and the value in `SubscriptionData.codeSet`.
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Tags code of a message (Java `MessageExtBrokerInner.tagsString2tagsCode`): the tag's hash, 0 for no tag. */
export function tagsString2tagsCode(tags: string | undefined | null): number {
  return tags ? javaStringHashCode(tags) : 0;
}
