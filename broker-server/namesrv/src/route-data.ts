/*
 * Name-server specifics on top of the common body codecs (`@rocketnest/common` protocol/body): TopicRouteData,
 * ClusterInfo, RegisterBrokerBody, DataVersion, TopicList and KVTable come from there.
 */

/** Java `TopicSysFlag` bits. */
export const TopicSysFlag = { UNIT: 0x1, UNIT_SUB: 0x2 } as const;

export const hasUnitFlag = (flag: number): boolean => (flag & TopicSysFlag.UNIT) === TopicSysFlag.UNIT;
export const hasUnitSubFlag = (flag: number): boolean => (flag & TopicSysFlag.UNIT_SUB) === TopicSysFlag.UNIT_SUB;

/** KV namespace holding `brokerName:queueNum;...` per ordered topic (Java `NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG`). */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

/** Broker ids of a `brokerAddrs` record (decimal string keys) as numbers. */
export function brokerIds(brokerAddrs: Readonly<Record<string, string>>): number[] {
  return Object.keys(brokerAddrs).map(Number);
}

/** Smallest broker id in a `brokerAddrs` record, or `Infinity` when empty. */
export function minBrokerId(brokerAddrs: Readonly<Record<string, string>>): number {
  let min = Infinity;
  for (const id of brokerIds(brokerAddrs)) if (id < min) min = id;
  return min;
}
