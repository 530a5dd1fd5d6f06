import {
  MASTER_ID,
  PermName,
  dataVersionEquals,
  type BrokerData,
  type DataVersion,
  type QueueData,
  type TopicConfig,
  type TopicRouteData,
} from '@rocketnest/common';
import { hasUnitFlag, hasUnitSubFlag, minBrokerId } from './route-data';

/** The connection a broker registered over; only identity and `close()` are used. */
export interface BrokerChannel {
  close(): void;
}

/** Java `BrokerLiveInfo`. */
export interface BrokerLiveInfo {
  lastUpdateTimestamp: number;
  heartbeatTimeoutMillis: number;
  dataVersion: DataVersion;
  channel: BrokerChannel | undefined;
  haServerAddr: string;
}

export interface RegisterBrokerParams {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  zoneName?: string;
  /** Per-broker expiry; default `RouteInfoManagerOptions.brokerChannelExpiredTimeMs`. */
  heartbeatTimeoutMillis?: number;
  /** 5.x; undefined = old broker. */
  enableActingMaster?: boolean;
  dataVersion: DataVersion;
  /** Topic name → config (the registration body's `topicConfigTable`). */
  topicConfigTable?: Readonly<Record<string, TopicConfig>>;
  filterServerList?: string[];
  channel?: BrokerChannel;
}

export interface RegisterBrokerResult {
  haServerAddr?: string;
  masterAddr?: string;
}

export interface UnregisterBrokerParams {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
}

export interface RouteInfoManagerOptions {
  /** Default broker expiry when the broker does not send `heartbeatTimeoutMillis`. Default 120000 ms. */
  brokerChannelExpiredTimeMs?: number;
  /** Drop topics missing from a full registration (Java `deleteTopicWithBrokerRegistration`). Default false. */
  deleteTopicWithBrokerRegistration?: boolean;
  /** Java `supportActingMaster`. Default false. */
  supportActingMaster?: boolean;
  /** Clock, for tests. */
  now?: () => number;
}

const liveKey = (clusterName: string, brokerAddr: string): string => `${clusterName}\u0000${brokerAddr}`;

const MASTER = String(MASTER_ID);

/**
 * The name server's route tables (Java `RouteInfoManager`): topic → broker name → queues, broker name → addresses,
 * cluster → broker names, and the live table of registered broker addresses. Single-threaded JS needs no lock; every
 * method runs to completion.
 */
export class RouteInfoManager {
  readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  readonly brokerAddrTable = new Map<string, BrokerData>();
  readonly clusterAddrTable = new Map<string, Set<string>>();
  readonly brokerLiveTable = new Map<string, BrokerLiveInfo & { clusterName: string; brokerAddr: string }>();
  readonly filterServerTable = new Map<string, string[]>();
  private readonly now: () => number;

  constructor(private readonly opts: RouteInfoManagerOptions = {}) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * REGISTER_BROKER. Returns undefined when a single-topic registration arrives before the broker's first full one
   * (Java answers SYSTEM_ERROR "register broker failed").
   */
  registerBroker(p: RegisterBrokerParams): RegisterBrokerResult | undefined {
    const result: RegisterBrokerResult = {};
    let names = this.clusterAddrTable.get(p.clusterName);
    if (!names) {
      names = new Set();
      this.clusterAddrTable.set(p.clusterName, names);
    }
    names.add(p.brokerName);

    let registerFirst = false;
    let brokerData = this.brokerAddrTable.get(p.brokerName);
    if (!brokerData) {
      registerFirst = true;
      brokerData = {
        cluster: p.clusterName,
        brokerName: p.brokerName,
        brokerAddrs: {},
        enableActingMaster: false,
      };
      this.brokerAddrTable.set(p.brokerName, brokerData);
    }
    const isOldVersionBroker = p.enableActingMaster === undefined;
    brokerData.enableActingMaster = !isOldVersionBroker && p.enableActingMaster === true;
    if (p.zoneName !== undefined) brokerData.zoneName = p.zoneName;
    else delete brokerData.zoneName;
    const addrs = brokerData.brokerAddrs;
    const idKey = String(p.brokerId);

    // A slave switching to master: the same ip:port keeps one record only.
    for (const [id, addr] of Object.entries(addrs)) if (addr === p.brokerAddr && id !== idKey) delete addrs[id];

    const oldAddrForId = addrs[idKey];
    if (oldAddrForId !== undefined && oldAddrForId !== p.brokerAddr) {
      const oldLive = this.brokerLiveTable.get(liveKey(p.clusterName, oldAddrForId));
      if (oldLive && (oldLive.dataVersion.stateVersion ?? 0) > (p.dataVersion.stateVersion ?? 0)) {
        // The registered broker is newer: ignore this one.
        this.brokerLiveTable.delete(liveKey(p.clusterName, p.brokerAddr));
        return result;
      }
    }

    const tcTable = p.topicConfigTable;
    if (!(idKey in addrs) && tcTable !== undefined && Object.keys(tcTable).length === 1) return undefined;

    const oldAddr = addrs[idKey];
    addrs[idKey] = p.brokerAddr;
    registerFirst = registerFirst || !oldAddr;

    const isMaster = p.brokerId === MASTER_ID;
    const isPrimeSlave = !isOldVersionBroker && !isMaster && p.brokerId === minBrokerId(addrs);

    if (tcTable !== undefined && (isMaster || isPrimeSlave)) {
      if (this.opts.deleteTopicWithBrokerRegistration) {
        for (const [topic, qdMap] of [...this.topicQueueTable]) {
          if (!qdMap.has(p.brokerName) || Object.prototype.hasOwnProperty.call(tcTable, topic)) continue;
          qdMap.delete(p.brokerName);
          if (qdMap.size === 0) this.topicQueueTable.delete(topic);
        }
      }
      for (const tc of Object.values(tcTable)) {
        if (
          registerFirst ||
          this.isTopicConfigChanged(p.clusterName, p.brokerAddr, p.dataVersion, p.brokerName, tc.topicName)
        ) {
          const perm = isPrimeSlave && brokerData.enableActingMaster ? tc.perm & ~PermName.PERM_WRITE : tc.perm;
          this.createAndUpdateQueueData(p.brokerName, { ...tc, perm });
        }
      }
    }

    const key = liveKey(p.clusterName, p.brokerAddr);
    this.brokerLiveTable.set(key, {
      clusterName: p.clusterName,
      brokerAddr: p.brokerAddr,
      lastUpdateTimestamp: this.now(),
      heartbeatTimeoutMillis: p.heartbeatTimeoutMillis ?? this.opts.brokerChannelExpiredTimeMs ?? 120_000,
      dataVersion: { ...p.dataVersion },
      channel: p.channel,
      haServerAddr: p.haServerAddr,
    });

    if (p.filterServerList !== undefined) {
      if (p.filterServerList.length === 0) this.filterServerTable.delete(key);
      else this.filterServerTable.set(key, [...p.filterServerList]);
    }

    if (!isMaster) {
      const masterAddr = addrs[MASTER];
      if (masterAddr !== undefined) {
        const masterLive = this.brokerLiveTable.get(liveKey(p.clusterName, masterAddr));
        if (masterLive) {
          result.haServerAddr = masterLive.haServerAddr;
          result.masterAddr = masterAddr;
        }
      }
    }
    return result;
  }

  /** True when the broker's registered DataVersion differs from `dataVersion` (or it is not registered). */
  isBrokerTopicConfigChanged(clusterName: string, brokerAddr: string, dataVersion: DataVersion): boolean {
    const prev = this.queryBrokerTopicConfig(clusterName, brokerAddr);
    return prev === undefined || !dataVersionEquals(prev, dataVersion);
  }

  isTopicConfigChanged(
    clusterName: string,
    brokerAddr: string,
    dataVersion: DataVersion,
    brokerName: string,
    topic: string,
  ): boolean {
    if (this.isBrokerTopicConfigChanged(clusterName, brokerAddr, dataVersion)) return true;
    const qdMap = this.topicQueueTable.get(topic);
    if (!qdMap || qdMap.size === 0) return true;
    return !qdMap.has(brokerName);
  }

  queryBrokerTopicConfig(clusterName: string, brokerAddr: string): DataVersion | undefined {
    return this.brokerLiveTable.get(liveKey(clusterName, brokerAddr))?.dataVersion;
  }

  /** BROKER_HEARTBEAT / QUERY_DATA_VERSION: the broker is alive. */
  updateBrokerInfoUpdateTimestamp(clusterName: string, brokerAddr: string): void {
    const live = this.brokerLiveTable.get(liveKey(clusterName, brokerAddr));
    if (live) live.lastUpdateTimestamp = this.now();
  }

  private createAndUpdateQueueData(brokerName: string, tc: TopicConfig): void {
    const qd: QueueData = {
      brokerName,
      writeQueueNums: tc.writeQueueNums,
      readQueueNums: tc.readQueueNums,
      perm: tc.perm,
      topicSysFlag: tc.topicSysFlag,
    };
    let qdMap = this.topicQueueTable.get(tc.topicName);
    if (!qdMap) {
      qdMap = new Map();
      this.topicQueueTable.set(tc.topicName, qdMap);
    }
    qdMap.set(brokerName, qd);
  }

  /** REGISTER_TOPIC_IN_NAMESRV: adds queue data for brokers that are registered; ignores the call otherwise. */
  registerTopic(topic: string, queueDatas: QueueData[]): void {
    if (queueDatas.length === 0) return;
    if (queueDatas.some((qd) => !this.brokerAddrTable.has(qd.brokerName))) return;
    let qdMap = this.topicQueueTable.get(topic);
    if (!qdMap) {
      qdMap = new Map();
      this.topicQueueTable.set(topic, qdMap);
    }
    for (const qd of queueDatas) qdMap.set(qd.brokerName, { ...qd });
  }

  /** DELETE_TOPIC_IN_NAMESRV; with a cluster name only that cluster's brokers lose the topic. */
  deleteTopic(topic: string, clusterName?: string): void {
    if (!clusterName) {
      this.topicQueueTable.delete(topic);
      return;
    }
    const names = this.clusterAddrTable.get(clusterName);
    const qdMap = this.topicQueueTable.get(topic);
    if (!names || names.size === 0 || !qdMap) return;
    for (const name of names) qdMap.delete(name);
    if (qdMap.size === 0) this.topicQueueTable.delete(topic);
  }

  getAllTopicList(): string[] {
    return [...this.topicQueueTable.keys()];
  }

  getTopicsByCluster(cluster: string): string[] {
    const out: string[] = [];
    for (const name of this.clusterAddrTable.get(cluster) ?? []) {
      for (const [topic, qdMap] of this.topicQueueTable) if (qdMap.has(name)) out.push(topic);
    }
    return out;
  }

  /** GET_SYSTEM_TOPIC_LIST_FROM_NS: cluster and broker names (their self-named topics) and one broker address. */
  getSystemTopicList(): { topics: string[]; brokerAddr?: string } {
    const topics: string[] = [];
    for (const [cluster, names] of this.clusterAddrTable) topics.push(cluster, ...names);
    let brokerAddr: string | undefined;
    for (const bd of this.brokerAddrTable.values()) {
      const first = Object.values(bd.brokerAddrs)[0];
      if (first !== undefined) {
        brokerAddr = first;
        break;
      }
    }
    return { topics, brokerAddr };
  }

  /** Topics whose (first) queue data carries the given sys-flag predicate (unit topic lists). */
  topicsBySysFlag(pred: (flag: number) => boolean): string[] {
    const out: string[] = [];
    for (const [topic, qdMap] of this.topicQueueTable) {
      const first = qdMap.values().next();
      if (!first.done && pred(first.value.topicSysFlag)) out.push(topic);
    }
    return out;
  }

  static readonly hasUnitFlag = hasUnitFlag;
  static readonly hasUnitSubFlag = hasUnitSubFlag;

  /** WIPE_WRITE_PERM_OF_BROKER: clears the write bit on every topic of the broker; returns the topic count. */
  wipeWritePermOfBroker(brokerName: string): number {
    return this.operateWritePerm(brokerName, (perm) => perm & ~PermName.PERM_WRITE);
  }

  /** ADD_WRITE_PERM_OF_BROKER: sets read+write on every topic of the broker; returns the topic count. */
  addWritePermOfBroker(brokerName: string): number {
    return this.operateWritePerm(brokerName, () => PermName.PERM_READ | PermName.PERM_WRITE);
  }

  private operateWritePerm(brokerName: string, f: (perm: number) => number): number {
    let count = 0;
    for (const qdMap of this.topicQueueTable.values()) {
      const qd = qdMap.get(brokerName);
      if (!qd) continue;
      qd.perm = f(qd.perm);
      count++;
    }
    return count;
  }

  /** UNREGISTER_BROKER (and channel close / expiry): removes the address, then empty broker names and their routes. */
  unregisterBroker(req: UnregisterBrokerParams): void {
    const key = liveKey(req.clusterName, req.brokerAddr);
    this.brokerLiveTable.delete(key);
    this.filterServerTable.delete(key);
    let removeBrokerName = false;
    const bd = this.brokerAddrTable.get(req.brokerName);
    if (bd) {
      for (const [id, addr] of Object.entries(bd.brokerAddrs)) if (addr === req.brokerAddr) delete bd.brokerAddrs[id];
      if (Object.keys(bd.brokerAddrs).length === 0) {
        this.brokerAddrTable.delete(req.brokerName);
        removeBrokerName = true;
      }
    }
    if (removeBrokerName) {
      const names = this.clusterAddrTable.get(req.clusterName);
      if (names) {
        names.delete(req.brokerName);
        if (names.size === 0) this.clusterAddrTable.delete(req.clusterName);
      }
      for (const [topic, qdMap] of [...this.topicQueueTable]) {
        qdMap.delete(req.brokerName);
        if (qdMap.size === 0) this.topicQueueTable.delete(topic);
      }
    } else if (bd?.enableActingMaster && minBrokerId(bd.brokerAddrs) > MASTER_ID) {
      // Master gone in acting-master mode: the remaining slaves' queues become read-only.
      for (const qdMap of this.topicQueueTable.values()) {
        const qd = qdMap.get(req.brokerName);
        if (qd) qd.perm &= ~PermName.PERM_WRITE;
      }
    }
  }

  /** Route data of a topic, or undefined when no live broker serves it (TOPIC_NOT_EXIST). */
  pickupTopicRouteData(topic: string): TopicRouteData | undefined {
    const qdMap = this.topicQueueTable.get(topic);
    if (!qdMap) return undefined;
    const route: TopicRouteData = {
      queueDatas: [...qdMap.values()].map((qd) => ({ ...qd })),
      brokerDatas: [],
      filterServerTable: {},
    };
    for (const brokerName of qdMap.keys()) {
      const bd = this.brokerAddrTable.get(brokerName);
      if (!bd) continue;
      const clone: BrokerData = { ...bd, brokerAddrs: { ...bd.brokerAddrs } };
      route.brokerDatas.push(clone);
      if (this.filterServerTable.size === 0) continue;
      for (const addr of Object.values(clone.brokerAddrs)) {
        const list = this.filterServerTable.get(liveKey(clone.cluster, addr));
        if (list) route.filterServerTable[addr] = [...list];
      }
    }
    if (route.brokerDatas.length === 0 || route.queueDatas.length === 0) return undefined;

    if (this.opts.supportActingMaster && !topic.startsWith('rmq_sys_SYNC_BROKER_MEMBER_')) {
      for (const bd of route.brokerDatas) {
        const ids = Object.keys(bd.brokerAddrs);
        if (ids.length === 0 || MASTER in bd.brokerAddrs || !bd.enableActingMaster) continue;
        const qd = route.queueDatas.find((q) => q.brokerName === bd.brokerName);
        if (qd && (qd.perm & PermName.PERM_WRITE) === 0) {
          const min = String(minBrokerId(bd.brokerAddrs));
          const addr = bd.brokerAddrs[min]!;
          delete bd.brokerAddrs[min];
          bd.brokerAddrs[MASTER] = addr;
        }
      }
    }
    return route;
  }

  /** Brokers silent longer than their timeout: closes their channels and unregisters them. Returns their addresses. */
  scanNotActiveBroker(): string[] {
    const now = this.now();
    const dropped: string[] = [];
    for (const live of [...this.brokerLiveTable.values()]) {
      if (live.lastUpdateTimestamp + live.heartbeatTimeoutMillis < now) {
        live.channel?.close();
        this.onBrokerGone(live.clusterName, live.brokerAddr);
        dropped.push(live.brokerAddr);
      }
    }
    return dropped;
  }

  /** A connection closed: drop whichever broker registered over it, at once. */
  onChannelDestroy(channel: BrokerChannel): void {
    for (const live of [...this.brokerLiveTable.values()]) {
      if (live.channel === channel) this.onBrokerGone(live.clusterName, live.brokerAddr);
    }
  }

  private onBrokerGone(clusterName: string, brokerAddr: string): void {
    for (const bd of this.brokerAddrTable.values()) {
      if (bd.cluster !== clusterName) continue;
      for (const [id, addr] of Object.entries(bd.brokerAddrs)) {
        if (addr === brokerAddr) {
          this.unregisterBroker({ clusterName, brokerAddr, brokerName: bd.brokerName, brokerId: Number(id) });
          return;
        }
      }
    }
    // Not in the address table (e.g. a rejected registration): forget the live entry anyway.
    this.brokerLiveTable.delete(liveKey(clusterName, brokerAddr));
  }
}
