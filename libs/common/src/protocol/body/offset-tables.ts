/**
 * Bodies keyed by `MessageQueue` or by queue id (protocol.md §2.3.21, §2.3.23, §5.8):
 * - GET_CONSUME_STATS (208) → `ConsumeStats` `{"consumeTps":0.0,"offsetTable":{{mq}:{"brokerOffset":3,
 *   "consumerOffset":3,"lastTimestamp":…,"pullOffset":3}}}` (`pullOffset` 5.x)
 * - GET_TOPIC_STATS_INFO (202) → `TopicStatsTable` `{"offsetTable":{{mq}:{"lastUpdateTimestamp":…,"maxOffset":2,
 *   "minOffset":0}}}`
 * - RESET_CONSUMER_CLIENT_OFFSET (220) / INVOKE_BROKER_TO_RESET_OFFSET response → `ResetOffsetBody`
 *   `{"offsetTable":{{mq}:offset}}`
 * - `config/consumerOffset.json` / GET_ALL_CONSUMER_OFFSET (43) → `ConsumerOffsetSerializeWrapper`
 *   `{"offsetTable":{"topic@group":{0:250,1:251}}}`
 *
 * Java writes `MessageQueue` keys as raw JSON objects (not valid JSON). Decoders accept raw objects and JSON-string
 * keys; encoders write JSON-string keys by default (`style: 'standard'`, which Java parses back) or raw objects
 * (`style: 'fastjson'`, byte-identical to Java). Tables are JS `Map`s keyed by `MessageQueue` objects in body order;
 * look entries up by value with `getByMessageQueue`.
 */
import type { MessageQueue } from '../../message/message-queue';
import { javaDouble } from '../../json/java-json-writer';
import { javaMapEntries } from '../../json/java-json-reader';
import {
  asIntKeyMap,
  asObject,
  encodeBody,
  messageQueueMap,
  messageQueueMapJson,
  num,
  optNum,
  optObject,
  parseObjectBody,
  setOwn,
  toMessageQueueMap,
  toNumber,
  type BodyEncodeOptions,
} from './body-json';
import { dataVersionFromJson, dataVersionToJson, type DataVersion } from './data-version';

export interface OffsetWrapper {
  brokerOffset: number;
  consumerOffset: number;
  /** 5.x. */
  pullOffset?: number;
  /** Store time of the last consumed message, ms (0 = none). */
  lastTimestamp: number;
}

export interface ConsumeStats {
  offsetTable: Map<MessageQueue, OffsetWrapper>;
  /** Java double. */
  consumeTps: number;
}

export interface TopicOffset {
  minOffset: number;
  maxOffset: number;
  lastUpdateTimestamp: number;
}

export interface TopicStatsTable {
  offsetTable: Map<MessageQueue, TopicOffset>;
}

export interface ResetOffsetBody {
  offsetTable: Map<MessageQueue, number>;
}

export interface ConsumerOffsetSerializeWrapper {
  /** `topic@group` → (queueId as decimal string → next offset to consume). */
  offsetTable: Record<string, Record<string, number>>;
  /** 5.x. */
  dataVersion?: DataVersion;
}

export function encodeConsumeStats(stats: ConsumeStats, options: BodyEncodeOptions = {}): Buffer {
  return encodeBody(
    {
      consumeTps: javaDouble(stats.consumeTps),
      offsetTable: messageQueueMapJson(stats.offsetTable, (w) => ({
        brokerOffset: w.brokerOffset,
        consumerOffset: w.consumerOffset,
        lastTimestamp: w.lastTimestamp,
        pullOffset: w.pullOffset,
      })),
    },
    { style: options.style },
  );
}

export function decodeConsumeStats(body: Uint8Array | string | null | undefined): ConsumeStats {
  const path = 'ConsumeStats';
  const o = parseObjectBody(body, path);
  return {
    consumeTps: num(o, 'consumeTps', path),
    offsetTable: messageQueueMap(o, 'offsetTable', path, (v, p) => {
      const w = asObject(v, p);
      const out: OffsetWrapper = {
        brokerOffset: num(w, 'brokerOffset', p),
        consumerOffset: num(w, 'consumerOffset', p),
        lastTimestamp: num(w, 'lastTimestamp', p),
      };
      const pull = optNum(w, 'pullOffset', p);
      if (pull !== undefined) out.pullOffset = pull;
      return out;
    }),
  };
}

/** Java `ConsumeStats.computeTotalDiff`: Σ (brokerOffset − consumerOffset). */
export function consumeStatsTotalDiff(stats: ConsumeStats): number {
  let diff = 0;
  for (const w of stats.offsetTable.values()) diff += w.brokerOffset - w.consumerOffset;
  return diff;
}

export function encodeTopicStatsTable(table: TopicStatsTable, options: BodyEncodeOptions = {}): Buffer {
  return encodeBody(
    {
      offsetTable: messageQueueMapJson(table.offsetTable, (t) => ({
        lastUpdateTimestamp: t.lastUpdateTimestamp,
        maxOffset: t.maxOffset,
        minOffset: t.minOffset,
      })),
    },
    { style: options.style },
  );
}

export function decodeTopicStatsTable(body: Uint8Array | string | null | undefined): TopicStatsTable {
  const path = 'TopicStatsTable';
  const o = parseObjectBody(body, path);
  return {
    offsetTable: messageQueueMap(o, 'offsetTable', path, (v, p) => {
      const t = asObject(v, p);
      return {
        minOffset: num(t, 'minOffset', p),
        maxOffset: num(t, 'maxOffset', p),
        lastUpdateTimestamp: num(t, 'lastUpdateTimestamp', p),
      };
    }),
  };
}

export function encodeResetOffsetBody(body: ResetOffsetBody, options: BodyEncodeOptions = {}): Buffer {
  return encodeBody({ offsetTable: messageQueueMapJson(body.offsetTable, (n) => n) }, { style: options.style });
}

export function decodeResetOffsetBody(body: Uint8Array | string | null | undefined): ResetOffsetBody {
  const path = 'ResetOffsetBody';
  const o = parseObjectBody(body, path);
  return { offsetTable: messageQueueMap(o, 'offsetTable', path, (v, p) => toNumber(v, p)) };
}

/**
 * GET_CONSUMER_STATUS_FROM_CLIENT (221) answer (`messageQueueTable`: the client's in-memory offsets of one topic) and
 * INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) answer (`consumerTable`: client id → that client's table):
 * `{"consumerTable":{"clientId":{{mq}:offset}},"messageQueueTable":{{mq}:offset}}`.
 */
export interface GetConsumerStatusBody {
  messageQueueTable: Map<MessageQueue, number>;
  consumerTable: Map<string, Map<MessageQueue, number>>;
}

export function encodeGetConsumerStatusBody(body: GetConsumerStatusBody, options: BodyEncodeOptions = {}): Buffer {
  return encodeBody(
    {
      consumerTable: new Map([...body.consumerTable].map(([id, t]) => [id, messageQueueMapJson(t, (n) => n)])),
      messageQueueTable: messageQueueMapJson(body.messageQueueTable, (n) => n),
    },
    { style: options.style },
  );
}

export function decodeGetConsumerStatusBody(body: Uint8Array | string | null | undefined): GetConsumerStatusBody {
  const path = 'GetConsumerStatusBody';
  const o = parseObjectBody(body, path);
  const consumerTable = new Map<string, Map<MessageQueue, number>>();
  const table = o.consumerTable;
  if (table !== undefined && table !== null) {
    for (const [id, inner] of javaMapEntries(table, `${path}.consumerTable`)) {
      const at = `${path}.consumerTable[${JSON.stringify(String(id))}]`;
      consumerTable.set(String(id), toMessageQueueMap(inner, at, toNumber));
    }
  }
  return {
    messageQueueTable: messageQueueMap(o, 'messageQueueTable', path, (v, p) => toNumber(v, p)),
    consumerTable,
  };
}

export interface ConsumerOffsetEncodeOptions extends BodyEncodeOptions {
  /** fastjson PrettyFormat, as the broker writes `config/consumerOffset.json`. */
  pretty?: boolean;
}

/** Default style is `'fastjson'` (bare queue-id keys), as Java writes it; `'standard'` quotes them. */
export function encodeConsumerOffsetWrapper(
  w: ConsumerOffsetSerializeWrapper,
  options: ConsumerOffsetEncodeOptions = {},
): Buffer {
  const table = new Map(Object.entries(w.offsetTable).map(([k, inner]) => [k, asIntKeyMap(inner)]));
  return encodeBody(
    { dataVersion: w.dataVersion && dataVersionToJson(w.dataVersion), offsetTable: table },
    { style: options.style ?? 'fastjson', pretty: options.pretty },
  );
}

export function decodeConsumerOffsetWrapper(
  body: Uint8Array | string | null | undefined,
): ConsumerOffsetSerializeWrapper {
  const path = 'ConsumerOffsetSerializeWrapper';
  const o = parseObjectBody(body, path);
  const offsetTable: Record<string, Record<string, number>> = {};
  if (o.offsetTable != null) {
    for (const [k, inner] of javaMapEntries(o.offsetTable, `${path}.offsetTable`)) {
      const key = String(k);
      const queues: Record<string, number> = {};
      for (const [q, off] of javaMapEntries(inner, `${path}.offsetTable[${JSON.stringify(key)}]`)) {
        setOwn(queues, String(q), toNumber(off, `${path}.offsetTable[${JSON.stringify(key)}][${String(q)}]`));
      }
      setOwn(offsetTable, key, queues);
    }
  }
  const out: ConsumerOffsetSerializeWrapper = { offsetTable };
  const dv = optObject(o, 'dataVersion', path);
  if (dv) out.dataVersion = dataVersionFromJson(dv, `${path}.dataVersion`);
  return out;
}

/** The key of `ConsumerOffsetSerializeWrapper.offsetTable`: `topic@group`. */
export function consumerOffsetKey(topic: string, group: string): string {
  return `${topic}@${group}`;
}
