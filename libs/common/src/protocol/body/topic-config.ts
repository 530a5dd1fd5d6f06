/**
 * `TopicConfig` and `TopicConfigSerializeWrapper` (protocol.md §2.3.19, §5.8): the broker's topic table as sent in
 * REGISTER_BROKER, answered to GET_TOPIC_CONFIG / GET_ALL_TOPIC_CONFIG, and stored in `config/topics.json`.
 *
 * TopicConfig JSON (fastjson bean order): `{"attributes":{},"order":false,"perm":6,"readQueueNums":4,
 * "topicFilterType":"SINGLE_TAG","topicName":"T","topicSysFlag":0,"writeQueueNums":4}` — `attributes` only from 5.x.
 * Compact text form (Java `TopicConfig.encode()`, used inside compressed REGISTER_BROKER bodies):
 * `topicName␠readQueueNums␠writeQueueNums␠perm␠topicFilterType␠[attributes JSON]`.
 */
import { RemotingCommandError } from '../../errors/rocketmq-error';
import { parseJavaJson } from '../../json/java-json-reader';
import { toJavaJson } from '../../json/java-json-writer';
import {
  asMap,
  asObject,
  bool,
  encodeBody,
  num,
  optObject,
  parseObjectBody,
  record,
  str,
  toStringRecord,
  type JsonObject,
} from './body-json';
import { dataVersionFromJson, dataVersionToJson, newDataVersion, type DataVersion } from './data-version';
import { PermName } from './perm-name';

export interface TopicConfig {
  topicName: string;
  /** Default 16. */
  readQueueNums: number;
  /** Default 16. */
  writeQueueNums: number;
  /** PermName bits; default 6 (READ | WRITE). */
  perm: number;
  /** `SINGLE_TAG` (default) or `MULTI_TAG`. */
  topicFilterType: string;
  /** bit0 unit, bit1 unit-sub. Default 0. */
  topicSysFlag: number;
  /** Ordered topic. Default false. */
  order: boolean;
  /** 5.x topic attributes (`message.type`, …); absent in 4.9.x. */
  attributes?: Record<string, string>;
}

/** Java `new TopicConfig(name)` defaults: 16/16 queues, perm 6, SINGLE_TAG. */
export function createTopicConfig(topicName: string, fields: Partial<TopicConfig> = {}): TopicConfig {
  return {
    topicName,
    readQueueNums: 16,
    writeQueueNums: 16,
    perm: PermName.PERM_READ | PermName.PERM_WRITE,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
    ...fields,
  };
}

export function topicConfigFromJson(v: unknown, path = 'TopicConfig'): TopicConfig {
  const o = asObject(v, path);
  const tc: TopicConfig = {
    topicName: str(o, 'topicName', path),
    readQueueNums: num(o, 'readQueueNums', path, 16),
    writeQueueNums: num(o, 'writeQueueNums', path, 16),
    perm: num(o, 'perm', path, 6),
    topicFilterType: str(o, 'topicFilterType', path, 'SINGLE_TAG'),
    topicSysFlag: num(o, 'topicSysFlag', path),
    order: bool(o, 'order', path),
  };
  if (o.attributes !== undefined && o.attributes !== null)
    tc.attributes = toStringRecord(o.attributes, `${path}.attributes`);
  return tc;
}

export function topicConfigToJson(tc: TopicConfig): JsonObject {
  return {
    attributes: asMap(tc.attributes),
    order: tc.order,
    perm: tc.perm,
    readQueueNums: tc.readQueueNums,
    topicFilterType: tc.topicFilterType,
    topicName: tc.topicName,
    topicSysFlag: tc.topicSysFlag,
    writeQueueNums: tc.writeQueueNums,
  };
}

export function encodeTopicConfig(tc: TopicConfig): Buffer {
  return encodeBody(topicConfigToJson(tc));
}

export function decodeTopicConfig(body: Uint8Array | string | null | undefined): TopicConfig {
  return topicConfigFromJson(parseObjectBody(body, 'TopicConfig'));
}

/** Java `TopicConfig.encode()` (space-separated; loses topicSysFlag and order). */
export function topicConfigToText(tc: TopicConfig): string {
  const attrs = tc.attributes === undefined ? '' : toJavaJson(asMap(tc.attributes));
  return `${tc.topicName} ${tc.readQueueNums} ${tc.writeQueueNums} ${tc.perm} ${tc.topicFilterType} ${attrs}`;
}

/** Java `TopicConfig.decode(String)`: at least 5 space-separated parts; attributes that do not parse are ignored. */
export function topicConfigFromText(text: string): TopicConfig {
  const parts = text.split(' ');
  if (parts.length < 5)
    throw new RemotingCommandError(`Invalid compact TopicConfig: ${JSON.stringify(text.slice(0, 80))}`);
  const int = (s: string | undefined, what: string): number => {
    if (s === undefined || !/^[+-]?\d+$/.test(s)) {
      throw new RemotingCommandError(`Invalid ${what} in compact TopicConfig: ${JSON.stringify(text.slice(0, 80))}`);
    }
    return Number(s);
  };
  const tc = createTopicConfig(parts[0] ?? '', {
    readQueueNums: int(parts[1], 'readQueueNums'),
    writeQueueNums: int(parts[2], 'writeQueueNums'),
    perm: int(parts[3], 'perm'),
    topicFilterType: parts[4] ?? 'SINGLE_TAG',
  });
  if (parts.length >= 6 && parts[5] !== '') {
    try {
      tc.attributes = toStringRecord(parseJavaJson(parts[5] ?? ''), 'attributes');
    } catch {
      // Java ignores unparsable attributes here (their values may contain spaces).
    }
  }
  return tc;
}

/**
 * Java `TopicConfigSerializeWrapper` (5.x: `TopicConfigAndMappingSerializeWrapper` inside REGISTER_BROKER bodies).
 * The 5.x static-topic mapping members are kept as opaque JSON values.
 */
export interface TopicConfigSerializeWrapper {
  /** Topic name → config, in Java map order. */
  topicConfigTable: Record<string, TopicConfig>;
  dataVersion: DataVersion;
  /** 5.x. */
  mappingDataVersion?: DataVersion;
  /** 5.x static topics (opaque). */
  topicQueueMappingInfoMap?: Record<string, unknown>;
  /** 5.x static topics (opaque). */
  topicQueueMappingDetailMap?: Record<string, unknown>;
}

export function topicConfigWrapperFromJson(
  v: unknown,
  path = 'TopicConfigSerializeWrapper',
): TopicConfigSerializeWrapper {
  const o = asObject(v, path);
  const dv = optObject(o, 'dataVersion', path);
  const w: TopicConfigSerializeWrapper = {
    topicConfigTable: record(o, 'topicConfigTable', path, (item, p) => topicConfigFromJson(item, p)),
    dataVersion: dv ? dataVersionFromJson(dv, `${path}.dataVersion`) : { timestamp: 0, counter: 0 },
  };
  const mdv = optObject(o, 'mappingDataVersion', path);
  if (mdv) w.mappingDataVersion = dataVersionFromJson(mdv, `${path}.mappingDataVersion`);
  if (o.topicQueueMappingInfoMap != null)
    w.topicQueueMappingInfoMap = record(o, 'topicQueueMappingInfoMap', path, (x) => x);
  if (o.topicQueueMappingDetailMap != null) {
    w.topicQueueMappingDetailMap = record(o, 'topicQueueMappingDetailMap', path, (x) => x);
  }
  return w;
}

export function topicConfigWrapperToJson(w: TopicConfigSerializeWrapper): JsonObject {
  const table = new Map(Object.entries(w.topicConfigTable).map(([k, tc]) => [k, topicConfigToJson(tc)]));
  return {
    dataVersion: dataVersionToJson(w.dataVersion),
    mappingDataVersion: w.mappingDataVersion ? dataVersionToJson(w.mappingDataVersion) : undefined,
    topicConfigTable: table,
    topicQueueMappingDetailMap: asMap(w.topicQueueMappingDetailMap),
    topicQueueMappingInfoMap: asMap(w.topicQueueMappingInfoMap),
  };
}

export function encodeTopicConfigWrapper(w: TopicConfigSerializeWrapper, options: { pretty?: boolean } = {}): Buffer {
  return encodeBody(topicConfigWrapperToJson(w), { pretty: options.pretty });
}

export function decodeTopicConfigWrapper(body: Uint8Array | string | null | undefined): TopicConfigSerializeWrapper {
  return topicConfigWrapperFromJson(parseObjectBody(body, 'TopicConfigSerializeWrapper'));
}

/** An empty table with DataVersion(0, 0) — what Java assumes for an empty REGISTER_BROKER body. */
export function emptyTopicConfigWrapper(): TopicConfigSerializeWrapper {
  return { topicConfigTable: {}, dataVersion: { ...newDataVersion(0) } };
}
