/**
 * Headers and bodies of the admin requests that `@rocketnest/common` has no codec for (Java 4.9.4
 * `GetConsumeStatsInBrokerHeader`, `ConsumeStatsList`, `ProducerTableInfo`, `BrokerStatsData`). Bodies are written with
 * the shared Java JSON writer in fastjson bean order.
 */
import {
  defineHeader,
  javaDouble,
  messageQueueToJson,
  opt,
  prim,
  req,
  subscriptionDataToJson,
  toJavaJson,
  type BrokerStatsData,
  type BrokerStatsItem,
  type ConsumeStats,
  type DecodedHeader,
  type SubscriptionData,
} from '@rocketnest/common';

/** GET_BROKER_CONSUME_STATS (317): `isOrder` limits the answer to ordered topics. */
export const GetConsumeStatsInBrokerHeader = defineHeader(
  { isOrder: prim.boolean(false) },
  'GetConsumeStatsInBrokerHeader',
);
export type GetConsumeStatsInBrokerHeader = DecodedHeader<typeof GetConsumeStatsInBrokerHeader.spec>;

/** Java `ConsumeStats` as a JSON value (the writer turns `MessageQueue` keys into JSON-string keys). */
function consumeStatsJson(stats: ConsumeStats): unknown {
  return {
    consumeTps: javaDouble(stats.consumeTps),
    offsetTable: new Map(
      [...stats.offsetTable].map(([mq, w]) => [
        messageQueueToJson(mq),
        { brokerOffset: w.brokerOffset, consumerOffset: w.consumerOffset, lastTimestamp: w.lastTimestamp },
      ]),
    ),
  };
}

export interface ConsumeStatsList {
  brokerAddr: string;
  /** Σ (brokerOffset − consumerOffset) over every entry. */
  totalDiff: number;
  /** One single-entry map per subscription group: group → stats of each topic it consumes. */
  consumeStatsList: Array<Map<string, ConsumeStats[]>>;
}

/** `{"brokerAddr":…,"consumeStatsList":[{"group":[ConsumeStats…]}],"totalDiff":n}`. */
export function encodeConsumeStatsList(list: ConsumeStatsList): Buffer {
  return Buffer.from(
    toJavaJson({
      brokerAddr: list.brokerAddr,
      consumeStatsList: list.consumeStatsList.map(
        (m) => new Map([...m].map(([group, stats]) => [group, stats.map(consumeStatsJson)])),
      ),
      totalDiff: list.totalDiff,
    }),
    'utf8',
  );
}

export interface ProducerInfo {
  clientId: string;
  /** Java writes the channel's `remoteAddress().toString()`: `/ip:port`. */
  remoteIP: string;
  /** `LanguageCode` name (`JAVA`, …). */
  language: string;
  version: number;
  lastUpdateTimestamp: number;
}

/** `ProducerTableInfo` `{"data":{"group":[ProducerInfo…]}}`. */
export function encodeProducerTableInfo(data: Map<string, ProducerInfo[]>): Buffer {
  return Buffer.from(
    toJavaJson({
      data: new Map(
        [...data].map(([group, infos]) => [
          group,
          infos.map((p) => ({
            clientId: p.clientId,
            language: p.language,
            lastUpdateTimestamp: p.lastUpdateTimestamp,
            remoteIP: p.remoteIP,
            version: p.version,
          })),
        ]),
      ),
    }),
    'utf8',
  );
}

/** `BrokerStatsData` `{"statsDay":{"avgpt":0.0,"sum":0,"tps":0.0},"statsHour":…,"statsMinute":…}`. */
export function encodeBrokerStatsData(data: BrokerStatsData): Buffer {
  const item = (i: BrokerStatsItem) => ({ avgpt: javaDouble(i.avgpt), sum: i.sum, tps: javaDouble(i.tps) });
  return Buffer.from(
    toJavaJson({
      statsDay: item(data.statsDay),
      statsHour: item(data.statsHour),
      statsMinute: item(data.statsMinute),
    }),
    'utf8',
  );
}

/** QUERY_CONSUME_QUEUE (321). */
export const QueryConsumeQueueRequestHeader = defineHeader(
  { topic: req.string, queueId: req.int, index: req.long, count: req.int, consumerGroup: opt.string },
  'QueryConsumeQueueRequestHeader',
);
export type QueryConsumeQueueRequestHeader = DecodedHeader<typeof QueryConsumeQueueRequestHeader.spec>;

/** One consume-queue entry (Java `ConsumeQueueData`; the extension fields stay unset without a consume-queue ext). */
export interface ConsumeQueueData {
  physicOffset: number;
  physicSize: number;
  tagsCode: number;
}

export interface QueryConsumeQueueResponseBody {
  subscriptionData?: SubscriptionData;
  filterData?: string;
  queueData?: ConsumeQueueData[];
  maxQueueIndex: number;
  minQueueIndex: number;
}

/** `{"filterData":…,"maxQueueIndex":n,"minQueueIndex":n,"queueData":[{"eval":false,"physicOffset":…}],…}`. */
export function encodeQueryConsumeQueueResponseBody(b: QueryConsumeQueueResponseBody): Buffer {
  return Buffer.from(
    toJavaJson({
      filterData: b.filterData,
      maxQueueIndex: b.maxQueueIndex,
      minQueueIndex: b.minQueueIndex,
      queueData: b.queueData?.map((d) => ({
        eval: false,
        physicOffset: d.physicOffset,
        physicSize: d.physicSize,
        tagsCode: d.tagsCode,
      })),
      subscriptionData: b.subscriptionData ? subscriptionDataToJson(b.subscriptionData) : undefined,
    }),
    'utf8',
  );
}

/**
 * `QueryCorrectionOffsetBody` `{"correctionOffsets":{0:5,1:9223372036854775807}}` — written as fastjson writes a
 * `Map<Integer, Long>` (bare integer keys); `bigint` values carry Java's `Long.MAX_VALUE`.
 */
export function encodeQueryCorrectionOffsetBody(correctionOffsets: ReadonlyMap<number, number | bigint>): Buffer {
  return Buffer.from(toJavaJson({ correctionOffsets: new Map(correctionOffsets) }, { style: 'fastjson' }), 'utf8');
}
