/**
 * Small JSON bodies (protocol.md §2.3.6, §2.3.20, §2.3.23):
 * - `TopicList` `{"topicList":["T1","T2"],"brokerAddr":"…"}` — GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206), GET_TOPICS_BY_CLUSTER (224)
 * - `KVTable` `{"table":{"k":"v"}}` — GET_KVLIST_BY_NAMESPACE (219), GET_BROKER_RUNTIME_INFO (28) broker stats
 * - `GroupList` `{"groupList":["G"]}` — QUERY_TOPIC_CONSUME_BY_WHO (300)
 * - `GetConsumerListByGroupResponseBody` `{"consumerIdList":["cid"]}` — GET_CONSUMER_LIST_BY_GROUP (38)
 * - `QueryConsumeTimeSpanBody` (loose) — QUERY_CONSUME_TIME_SPAN (303)
 * - `ConsumerRunningInfo` (loose) — GET_CONSUMER_RUNNING_INFO (307)
 */
import type { MessageQueue } from '../../message/message-queue';
import { javaMapEntries } from '../../json/java-json-reader';
import {
  arr,
  asMap,
  asObject,
  encodeBody,
  messageQueueJson,
  messageQueueMap,
  messageQueueMapJson,
  num,
  optStr,
  parseObjectBody,
  record,
  setOwn,
  strArr,
  toMessageQueue,
  toStringRecord,
  type BodyEncodeOptions,
  type JsonObject,
} from './body-json';
import { subscriptionDataFromJson, subscriptionDataToJson, type SubscriptionData } from './heartbeat-data';

type Body = Uint8Array | string | null | undefined;

export interface TopicList {
  topicList: string[];
  brokerAddr?: string;
}

export function encodeTopicList(list: TopicList): Buffer {
  return encodeBody({ brokerAddr: list.brokerAddr, topicList: list.topicList });
}

export function decodeTopicList(body: Body): TopicList {
  const o = parseObjectBody(body, 'TopicList');
  const out: TopicList = { topicList: strArr(o, 'topicList', 'TopicList') };
  const addr = optStr(o, 'brokerAddr', 'TopicList');
  if (addr !== undefined) out.brokerAddr = addr;
  return out;
}

export interface KVTable {
  table: Record<string, string>;
}

/** Entries keep their order (a Java HashMap's iteration order when decoded from Java). */
export function encodeKVTable(kv: KVTable): Buffer {
  return encodeBody({ table: asMap(kv.table) });
}

export function decodeKVTable(body: Body): KVTable {
  const o = parseObjectBody(body, 'KVTable');
  return { table: toStringRecord(o.table, 'KVTable.table') };
}

export interface GroupList {
  groupList: string[];
}

export function encodeGroupList(g: GroupList): Buffer {
  return encodeBody({ groupList: g.groupList });
}

export function decodeGroupList(body: Body): GroupList {
  return { groupList: strArr(parseObjectBody(body, 'GroupList'), 'groupList', 'GroupList') };
}

export interface GetConsumerListByGroupResponseBody {
  consumerIdList: string[];
}

export function encodeConsumerIdList(b: GetConsumerListByGroupResponseBody): Buffer {
  return encodeBody({ consumerIdList: b.consumerIdList });
}

export function decodeConsumerIdList(body: Body): GetConsumerListByGroupResponseBody {
  const path = 'GetConsumerListByGroupResponseBody';
  return { consumerIdList: strArr(parseObjectBody(body, path), 'consumerIdList', path) };
}

export interface QueueTimeSpan {
  messageQueue: MessageQueue;
  minTimeStamp: number;
  maxTimeStamp: number;
  consumeTimeStamp: number;
  delayTime: number;
}

export interface QueryConsumeTimeSpanBody {
  consumeTimeSpanSet: QueueTimeSpan[];
}

export function encodeQueryConsumeTimeSpanBody(b: QueryConsumeTimeSpanBody): Buffer {
  return encodeBody({
    consumeTimeSpanSet: b.consumeTimeSpanSet.map((s) => ({
      consumeTimeStamp: s.consumeTimeStamp,
      delayTime: s.delayTime,
      maxTimeStamp: s.maxTimeStamp,
      messageQueue: messageQueueJson(s.messageQueue),
      minTimeStamp: s.minTimeStamp,
    })),
  });
}

export function decodeQueryConsumeTimeSpanBody(body: Body): QueryConsumeTimeSpanBody {
  const path = 'QueryConsumeTimeSpanBody';
  const o = parseObjectBody(body, path);
  return {
    consumeTimeSpanSet: arr(o, 'consumeTimeSpanSet', path).map((v, i) => {
      const p = `${path}.consumeTimeSpanSet[${i}]`;
      const s = asObject(v, p);
      return {
        messageQueue: toMessageQueue(s.messageQueue, `${p}.messageQueue`),
        minTimeStamp: num(s, 'minTimeStamp', p),
        maxTimeStamp: num(s, 'maxTimeStamp', p),
        consumeTimeStamp: num(s, 'consumeTimeStamp', p),
        delayTime: num(s, 'delayTime', p),
      };
    }),
  };
}

/**
 * Java `ConsumerRunningInfo`, loosely typed: the admin tools display it; nothing routes on it. `mqTable` values
 * (`ProcessQueueInfo`) and `statusTable` values (`ConsumeStatus`) are kept as plain JSON objects.
 */
export interface ConsumerRunningInfo {
  /** Client settings and runtime properties (`PROP_CONSUME_TYPE`, `PROP_CONSUMER_START_TIMESTAMP`, …). */
  properties: Record<string, string>;
  subscriptionSet: SubscriptionData[];
  mqTable: Map<MessageQueue, JsonObject>;
  /** topic → consume status. */
  statusTable: Record<string, JsonObject>;
  userConsumerInfo?: Record<string, string>;
  jstack?: string;
}

export function encodeConsumerRunningInfo(info: ConsumerRunningInfo, options: BodyEncodeOptions = {}): Buffer {
  return encodeBody(
    {
      jstack: info.jstack,
      mqTable: messageQueueMapJson(info.mqTable, (v) => v),
      properties: asMap(info.properties),
      statusTable: asMap(info.statusTable),
      subscriptionSet: info.subscriptionSet.map(subscriptionDataToJson),
      userConsumerInfo: asMap(info.userConsumerInfo),
    },
    { style: options.style },
  );
}

export function decodeConsumerRunningInfo(body: Body): ConsumerRunningInfo {
  const path = 'ConsumerRunningInfo';
  const o = parseObjectBody(body, path);
  const statusTable: Record<string, JsonObject> = {};
  if (o.statusTable != null) {
    for (const [k, v] of javaMapEntries(o.statusTable, `${path}.statusTable`)) {
      setOwn(statusTable, String(k), asObject(v, `${path}.statusTable`));
    }
  }
  const info: ConsumerRunningInfo = {
    properties: toStringRecord(o.properties, `${path}.properties`),
    subscriptionSet: arr(o, 'subscriptionSet', path).map((s, i) =>
      subscriptionDataFromJson(s, `${path}.subscriptionSet[${i}]`),
    ),
    mqTable: messageQueueMap(o, 'mqTable', path, (v, p) => asObject(v, p)),
    statusTable,
  };
  if (o.userConsumerInfo != null) info.userConsumerInfo = record(o, 'userConsumerInfo', path, (v) => String(v));
  const jstack = optStr(o, 'jstack', path);
  if (jstack !== undefined) info.jstack = jstack;
  return info;
}
