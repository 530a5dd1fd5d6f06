/**
 * Routing bodies served by the name server (protocol.md §2.3.18, §2.3.20, §3):
 * - GET_ROUTEINFO_BY_TOPIC (105) → `TopicRouteData`
 *   `{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster",
 *     "enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,
 *     "readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}`
 *   Old clients (request version < V4_9_4 and no `acceptStandardJsonOnly`) get fastjson's default output with bare
 *   integer keys (`{0:"…"}`); new ones get `BrowserCompatible` + `MapSortField` output: quoted keys, sorted maps,
 *   non-ASCII escaped.
 * - GET_BROKER_CLUSTER_INFO (106) → `ClusterInfo` (always fastjson default output, bare integer keys).
 *
 * `brokerAddrs` is a Java `Map<Long, String>`: here a record keyed by the decimal brokerId (`"0"` = master).
 */
import {
  arr,
  asIntKeyMap,
  asMap,
  asObject,
  encodeBody,
  num,
  optBool,
  optStr,
  parseObjectBody,
  record,
  setOwn,
  str,
  toStringRecord,
  type BodyEncodeOptions,
  type JsonObject,
} from './body-json';
import { javaMapEntries } from '../../json/java-json-reader';

/** Java `MixAll.MASTER_ID`. */
export const MASTER_ID = 0;

export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  /** PermName bits. */
  perm: number;
  topicSysFlag: number;
}

export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** brokerId (decimal string; "0" = master) → `ip:port`. */
  brokerAddrs: Record<string, string>;
  /** 5.x. */
  enableActingMaster?: boolean;
  /** 5.x, optional. */
  zoneName?: string;
}

export interface TopicRouteData {
  /** `brokerName:queueNum;…` from the ORDER_TOPIC_CONFIG KV namespace, when ordered messaging is enabled. */
  orderTopicConf?: string;
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  /** Legacy: broker address → filter server addresses. Usually `{}`. */
  filterServerTable: Record<string, string[]>;
  /** 5.x static topics (opaque). */
  topicQueueMappingByBroker?: Record<string, unknown>;
}

export interface ClusterInfo {
  /** brokerName → BrokerData. */
  brokerAddrTable: Record<string, BrokerData>;
  /** clusterName → broker names. */
  clusterAddrTable: Record<string, string[]>;
}

export interface RouteEncodeOptions extends BodyEncodeOptions {
  /**
   * `'standard'` (default): what a 4.9.4+/5.x name server sends to new clients (BrowserCompatible, MapSortField).
   * `'fastjson'`: the default fastjson output old clients get (bare integer keys, map insertion order).
   */
  style?: 'standard' | 'fastjson';
}

/** The master address of a broker set, if any (Java `BrokerData.selectBrokerAddr` prefers it). */
export function masterAddr(bd: BrokerData): string | undefined {
  return bd.brokerAddrs[String(MASTER_ID)];
}

export function queueDataFromJson(v: unknown, path = 'QueueData'): QueueData {
  const o = asObject(v, path);
  return {
    brokerName: str(o, 'brokerName', path),
    readQueueNums: num(o, 'readQueueNums', path),
    writeQueueNums: num(o, 'writeQueueNums', path),
    perm: num(o, 'perm', path),
    topicSysFlag: num(o, 'topicSysFlag', path),
  };
}

export function queueDataToJson(q: QueueData): JsonObject {
  return {
    brokerName: q.brokerName,
    perm: q.perm,
    readQueueNums: q.readQueueNums,
    topicSysFlag: q.topicSysFlag,
    writeQueueNums: q.writeQueueNums,
  };
}

export function brokerDataFromJson(v: unknown, path = 'BrokerData'): BrokerData {
  const o = asObject(v, path);
  const bd: BrokerData = {
    cluster: str(o, 'cluster', path),
    brokerName: str(o, 'brokerName', path),
    brokerAddrs: toStringRecord(o.brokerAddrs, `${path}.brokerAddrs`),
  };
  const eam = optBool(o, 'enableActingMaster', path);
  if (eam !== undefined) bd.enableActingMaster = eam;
  const zone = optStr(o, 'zoneName', path);
  if (zone !== undefined) bd.zoneName = zone;
  return bd;
}

export function brokerDataToJson(bd: BrokerData, sortMaps = false): JsonObject {
  return {
    brokerAddrs: asIntKeyMap(bd.brokerAddrs, sortMaps),
    brokerName: bd.brokerName,
    cluster: bd.cluster,
    enableActingMaster: bd.enableActingMaster,
    zoneName: bd.zoneName,
  };
}

function sortedMap<T>(rec: Record<string, T> | undefined, sort: boolean): Map<string, T> | undefined {
  const m = asMap(rec);
  return m && sort ? new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : m;
}

export function topicRouteDataFromJson(v: unknown, path = 'TopicRouteData'): TopicRouteData {
  const o = asObject(v, path);
  const route: TopicRouteData = {
    queueDatas: arr(o, 'queueDatas', path).map((q, i) => queueDataFromJson(q, `${path}.queueDatas[${i}]`)),
    brokerDatas: arr(o, 'brokerDatas', path).map((b, i) => brokerDataFromJson(b, `${path}.brokerDatas[${i}]`)),
    filterServerTable: record(o, 'filterServerTable', path, (x, p) => strArrOf(x, p)),
  };
  const otc = optStr(o, 'orderTopicConf', path);
  if (otc !== undefined) route.orderTopicConf = otc;
  if (o.topicQueueMappingByBroker != null) {
    route.topicQueueMappingByBroker = record(o, 'topicQueueMappingByBroker', path, (x) => x);
  }
  return route;
}

function strArrOf(v: unknown, path: string): string[] {
  return v === null || v === undefined ? [] : arr({ v }, 'v', path).map((s) => String(s));
}

export function topicRouteDataToJson(route: TopicRouteData, sortMaps = false): JsonObject {
  return {
    brokerDatas: route.brokerDatas.map((bd) => brokerDataToJson(bd, sortMaps)),
    filterServerTable: sortedMap(route.filterServerTable, sortMaps),
    orderTopicConf: route.orderTopicConf,
    queueDatas: route.queueDatas.map(queueDataToJson),
    topicQueueMappingByBroker: sortedMap(route.topicQueueMappingByBroker, sortMaps),
  };
}

/** Encode a route body; see {@link RouteEncodeOptions} for which style a requester gets. */
export function encodeTopicRouteData(route: TopicRouteData, options: RouteEncodeOptions = {}): Buffer {
  if (options.style === 'fastjson') return encodeBody(topicRouteDataToJson(route), { style: 'fastjson' });
  return encodeBody(topicRouteDataToJson(route, true), { browserCompatible: true });
}

export function decodeTopicRouteData(body: Uint8Array | string | null | undefined): TopicRouteData {
  return topicRouteDataFromJson(parseObjectBody(body, 'TopicRouteData'));
}

/** Deep copy (Java `TopicRouteData.cloneTopicRouteData`), for caches that must not share state. */
export function cloneTopicRouteData(route: TopicRouteData): TopicRouteData {
  return topicRouteDataFromJson(JSON.parse(JSON.stringify(route)) as unknown);
}

export function clusterInfoFromJson(v: unknown, path = 'ClusterInfo'): ClusterInfo {
  const o = asObject(v, path);
  const clusterAddrTable: Record<string, string[]> = {};
  if (o.clusterAddrTable != null) {
    for (const [k, names] of javaMapEntries(o.clusterAddrTable, `${path}.clusterAddrTable`)) {
      setOwn(clusterAddrTable, String(k), strArrOf(names, `${path}.clusterAddrTable[${JSON.stringify(k)}]`));
    }
  }
  return {
    brokerAddrTable: record(o, 'brokerAddrTable', path, (x, p) => brokerDataFromJson(x, p)),
    clusterAddrTable,
  };
}

/** Java name servers write ClusterInfo in the fastjson default style (bare integer keys); use `style` to choose. */
export function encodeClusterInfo(info: ClusterInfo, options: BodyEncodeOptions = { style: 'fastjson' }): Buffer {
  const brokers = new Map(Object.entries(info.brokerAddrTable).map(([k, bd]) => [k, brokerDataToJson(bd)]));
  return encodeBody(
    { brokerAddrTable: brokers, clusterAddrTable: asMap(info.clusterAddrTable) },
    { style: options.style },
  );
}

export function decodeClusterInfo(body: Uint8Array | string | null | undefined): ClusterInfo {
  return clusterInfoFromJson(parseObjectBody(body, 'ClusterInfo'));
}
