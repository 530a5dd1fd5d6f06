/*
 * Name-server bodies (protocol.md §2.3.18–§2.3.20, §3): what the Java name server reads (RegisterBrokerBody,
 * TopicConfigSerializeWrapper, DataVersion, TopicRouteData for REGISTER_TOPIC_IN_NAMESRV) and writes (TopicRouteData,
 * ClusterInfo, TopicList, KVTable, DataVersion). JSON is fastjson's: alphabetical bean members, nulls omitted,
 * `Map<Long,…>` keys bare in the default style and quoted with BrowserCompatible.
 */
import { inflateSync } from 'node:zlib';
import { RemotingCommandError, isPlainObject, javaMapEntries, parseJavaJson, toJavaJson } from '@rocketnest/common';

/** Java `PermName`. */
export const PermName = { PERM_PRIORITY: 0x8, PERM_READ: 0x4, PERM_WRITE: 0x2, PERM_INHERIT: 0x1 } as const;

/** Java `TopicSysFlag` bits. */
export const TopicSysFlag = { UNIT: 0x1, UNIT_SUB: 0x2 } as const;

/** Broker id of a master (Java `MixAll.MASTER_ID`). */
export const MASTER_ID = 0;

/** KV namespace holding `brokerName:queueNum;...` per ordered topic (Java `NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG`). */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

/** Java `DataVersion`: a broker's topic-config version. */
export interface DataVersion {
  counter: number;
  stateVersion: number;
  timestamp: number;
}

export function dataVersionEquals(a: DataVersion | undefined, b: DataVersion | undefined): boolean {
  if (!a || !b) return a === b;
  return a.counter === b.counter && a.stateVersion === b.stateVersion && a.timestamp === b.timestamp;
}

/** The part of a broker's `TopicConfig` the name server keeps. */
export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
  order: boolean;
}

/** Java `QueueData`: a topic's queues on one broker name. */
export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

/** Java `BrokerData`: one broker name's addresses by broker id (0 = master). */
export interface BrokerData {
  cluster: string;
  brokerName: string;
  brokerAddrs: Map<number, string>;
  enableActingMaster: boolean;
  zoneName?: string;
}

export interface TopicRouteData {
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  filterServerTable: Map<string, string[]>;
  orderTopicConf?: string;
}

export interface RegisterBrokerBody {
  dataVersion: DataVersion;
  topicConfigTable: Map<string, TopicConfig>;
  filterServerList: string[];
}

function num(value: unknown, what: string, fallback = 0): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw new RemotingCommandError(`${what} is not a number: ${JSON.stringify(value)}`);
}

function bool(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

function str(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new RemotingCommandError(`${what} is not a string`);
}

function obj(value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new RemotingCommandError(`${what} is not a JSON object`);
  return value;
}

export function emptyDataVersion(): DataVersion {
  return { counter: 0, stateVersion: 0, timestamp: 0 };
}

export function decodeDataVersion(value: unknown): DataVersion {
  if (value === undefined || value === null) return emptyDataVersion();
  const o = obj(value, 'dataVersion');
  return {
    counter: num(o.counter, 'dataVersion.counter'),
    stateVersion: num(o.stateVersion, 'dataVersion.stateVersion'),
    timestamp: num(o.timestamp, 'dataVersion.timestamp'),
  };
}

export function parseDataVersion(body: Buffer | undefined): DataVersion {
  if (!body || body.length === 0) return emptyDataVersion();
  return decodeDataVersion(parseJavaJson(body, { bigIntegers: 'number' }));
}

export function encodeDataVersion(v: DataVersion): Buffer {
  return Buffer.from(toJavaJson({ counter: v.counter, stateVersion: v.stateVersion, timestamp: v.timestamp }));
}

function decodeTopicConfig(name: string, value: unknown): TopicConfig {
  const o = obj(value, `topicConfigTable["${name}"]`);
  return {
    topicName: o.topicName === undefined ? name : str(o.topicName, 'topicName'),
    readQueueNums: num(o.readQueueNums, 'readQueueNums', 16),
    writeQueueNums: num(o.writeQueueNums, 'writeQueueNums', 16),
    perm: num(o.perm, 'perm', PermName.PERM_READ | PermName.PERM_WRITE),
    topicSysFlag: num(o.topicSysFlag, 'topicSysFlag'),
    order: bool(o.order),
  };
}

/**
 * Decodes a REGISTER_BROKER body. JSON form: `{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{..},
 * "topicConfigTable":{name:TopicConfig}}}`. Compressed form (header `compressed=true`, zlib):
 *   int32 len + DataVersion JSON · int32 topicCount · (int32 len + "name read write perm filterType [attrs]")* ·
 *   int32 len + filterServerList JSON · (5.x) static-topic mapping section, ignored here.
 * An empty body is an empty table with DataVersion(0,0,0), as in Java.
 */
export function decodeRegisterBrokerBody(body: Buffer | undefined, compressed: boolean): RegisterBrokerBody {
  if (!body || body.length === 0) {
    return { dataVersion: emptyDataVersion(), topicConfigTable: new Map(), filterServerList: [] };
  }
  if (compressed) return decodeCompressedRegisterBody(body);
  const root = obj(parseJavaJson(body, { bigIntegers: 'number' }), 'RegisterBrokerBody');
  const wrapper =
    root.topicConfigSerializeWrapper === undefined || root.topicConfigSerializeWrapper === null
      ? {}
      : obj(root.topicConfigSerializeWrapper, 'topicConfigSerializeWrapper');
  const table = new Map<string, TopicConfig>();
  if (wrapper.topicConfigTable !== undefined && wrapper.topicConfigTable !== null) {
    for (const [k, v] of javaMapEntries(wrapper.topicConfigTable, 'topicConfigTable')) {
      const name = str(k, 'topic name');
      table.set(name, decodeTopicConfig(name, v));
    }
  }
  const filters = Array.isArray(root.filterServerList) ? root.filterServerList.map((s) => str(s, 'filter server')) : [];
  return { dataVersion: decodeDataVersion(wrapper.dataVersion), topicConfigTable: table, filterServerList: filters };
}

function decodeCompressedRegisterBody(body: Buffer): RegisterBrokerBody {
  let data: Buffer;
  try {
    data = inflateSync(body);
  } catch (err) {
    throw new RemotingCommandError('Compressed RegisterBrokerBody does not inflate', { cause: err });
  }
  let pos = 0;
  const readBlock = (what: string): string => {
    if (pos + 4 > data.length) throw new RemotingCommandError(`Compressed RegisterBrokerBody truncated at ${what}`);
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new RemotingCommandError(`Bad ${what} length ${len}`);
    const text = data.toString('utf8', pos, pos + len);
    pos += len;
    return text;
  };
  const dataVersion = decodeDataVersion(parseJavaJson(readBlock('dataVersion'), { bigIntegers: 'number' }));
  if (pos + 4 > data.length) throw new RemotingCommandError('Compressed RegisterBrokerBody truncated at topic count');
  const count = data.readInt32BE(pos);
  pos += 4;
  const table = new Map<string, TopicConfig>();
  for (let i = 0; i < count; i++) {
    // TopicConfig.encode(): "name read write perm filterType[ attributesJson]"
    const parts = readBlock('topic config').split(' ');
    if (parts.length < 5) throw new RemotingCommandError(`Bad encoded topic config "${parts.join(' ')}"`);
    const name = parts[0]!;
    table.set(name, {
      topicName: name,
      readQueueNums: num(parts[1], 'readQueueNums'),
      writeQueueNums: num(parts[2], 'writeQueueNums'),
      perm: num(parts[3], 'perm'),
      topicSysFlag: 0,
      order: false,
    });
  }
  const filterJson = readBlock('filterServerList');
  const filters = parseJavaJson(filterJson);
  return {
    dataVersion,
    topicConfigTable: table,
    filterServerList: Array.isArray(filters) ? filters.map((s) => str(s, 'filter server')) : [],
  };
}

/** Decodes the TopicRouteData body of REGISTER_TOPIC_IN_NAMESRV (only its queue datas are used). */
export function decodeQueueDatas(body: Buffer | undefined): QueueData[] {
  if (!body || body.length === 0) return [];
  const root = obj(parseJavaJson(body, { bigIntegers: 'number' }), 'TopicRouteData');
  if (!Array.isArray(root.queueDatas)) return [];
  return root.queueDatas.map((q: unknown) => {
    const o = obj(q, 'queueData');
    return {
      brokerName: str(o.brokerName, 'brokerName'),
      readQueueNums: num(o.readQueueNums, 'readQueueNums'),
      writeQueueNums: num(o.writeQueueNums, 'writeQueueNums'),
      perm: num(o.perm, 'perm'),
      topicSysFlag: num(o.topicSysFlag, 'topicSysFlag'),
    };
  });
}

function brokerDataBean(b: BrokerData): Record<string, unknown> {
  const addrs = new Map([...b.brokerAddrs].sort((x, y) => x[0] - y[0]));
  return {
    brokerAddrs: addrs,
    brokerName: b.brokerName,
    cluster: b.cluster,
    enableActingMaster: b.enableActingMaster,
    zoneName: b.zoneName,
  };
}

function queueDataBean(q: QueueData): Record<string, unknown> {
  return {
    brokerName: q.brokerName,
    perm: q.perm,
    readQueueNums: q.readQueueNums,
    topicSysFlag: q.topicSysFlag,
    writeQueueNums: q.writeQueueNums,
  };
}

/**
 * GET_ROUTEINFO_BY_TOPIC body. `standardJson` (request version >= V4_9_4 or `acceptStandardJsonOnly`): quoted map keys,
 * non-ASCII escaped (fastjson BrowserCompatible + MapSortField); otherwise fastjson's default bare integer keys.
 */
export function encodeTopicRouteData(route: TopicRouteData, standardJson: boolean): Buffer {
  const bean = {
    brokerDatas: route.brokerDatas.map(brokerDataBean),
    filterServerTable: new Map(
      [...route.filterServerTable].sort((a, b) => (standardJson ? a[0].localeCompare(b[0]) : 0)),
    ),
    orderTopicConf: route.orderTopicConf,
    queueDatas: route.queueDatas.map(queueDataBean),
  };
  return Buffer.from(
    standardJson
      ? toJavaJson(bean, { style: 'standard', browserCompatible: true })
      : toJavaJson(bean, { style: 'fastjson' }),
  );
}

/** GET_BROKER_CLUSTER_INFO body (always fastjson default style, as Java writes it). */
export function encodeClusterInfo(
  brokerAddrTable: ReadonlyMap<string, BrokerData>,
  clusterAddrTable: ReadonlyMap<string, ReadonlySet<string>>,
): Buffer {
  const bean = {
    brokerAddrTable: new Map([...brokerAddrTable].map(([name, b]) => [name, brokerDataBean(b)])),
    clusterAddrTable: new Map([...clusterAddrTable].map(([c, names]) => [c, [...names]])),
  };
  return Buffer.from(toJavaJson(bean, { style: 'fastjson' }));
}

/** Java `TopicList` body. */
export function encodeTopicList(topics: Iterable<string>, brokerAddr?: string): Buffer {
  return Buffer.from(toJavaJson({ brokerAddr, topicList: [...topics] }));
}

/** Java `KVTable` body. */
export function encodeKVTable(table: ReadonlyMap<string, string>): Buffer {
  return Buffer.from(toJavaJson({ table: new Map(table) }));
}
