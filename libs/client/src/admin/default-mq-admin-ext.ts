import {
  MQClientError,
  RequestCode,
  ResponseCode,
  UNIQUE_MSG_QUERY_FLAG,
  decodeGetConsumerStatusBody,
  decodeMessageRecords,
  decodeOffsetMessageId,
  hostToString,
  isPlainObject,
  javaMapEntries,
  parseJavaJson,
  toJavaJson,
  type BrokerStatsData,
  type BrokerStatsItem,
  type MessageExt,
  type MessageQueue,
} from '@rocketnest/common';
import { wrapNamespace, type ClientOptions } from '../impl/client-config';
import {
  decodeTopicRouteData,
  expectSuccess,
  extNumber,
  parseBodyJson,
  type BrokerData,
  type TopicRouteData,
} from '../impl/mq-client-api';
import { MQClientManager, type MQClientInstance } from '../impl/mq-client-instance';

export interface AdminOptions extends ClientOptions {
  /** Group used for the admin's client registration. Default `admin_ext_group`. */
  adminExtGroup?: string;
  /** Timeout of each admin call. Default 5000 ms. */
  timeoutMs?: number;
}

/** Java `TopicConfig` fields used by create/update topic. */
export interface TopicConfigInput {
  topicName: string;
  readQueueNums?: number;
  writeQueueNums?: number;
  /** Default 6 (read|write). */
  perm?: number;
  topicFilterType?: 'SINGLE_TAG' | 'MULTI_TAG';
  topicSysFlag?: number;
  order?: boolean;
  /** 5.x attributes, e.g. `{ 'message.type': 'FIFO' }`. */
  attributes?: Record<string, string>;
}

/** Java `SubscriptionGroupConfig`. */
export interface SubscriptionGroupConfigInput {
  groupName: string;
  consumeEnable?: boolean;
  consumeFromMinEnable?: boolean;
  consumeBroadcastEnable?: boolean;
  retryQueueNums?: number;
  retryMaxTimes?: number;
  brokerId?: number;
  whichBrokerWhenConsumeSlowly?: number;
  notifyConsumerIdsChangedEnable?: boolean;
  consumeMessageOrderly?: boolean;
}

export interface QueueOffsetStats {
  mq: MessageQueue;
  brokerOffset: number;
  consumerOffset: number;
  lastTimestamp: number;
  /** brokerOffset - consumerOffset. */
  lag: number;
}

export interface ConsumeStats {
  consumeTps: number;
  offsetTable: QueueOffsetStats[];
  /** Sum of lags. */
  diffTotal: number;
}

export interface TopicOffsetStats {
  mq: MessageQueue;
  minOffset: number;
  maxOffset: number;
  lastUpdateTimestamp: number;
}

export interface ClusterInfo {
  brokerAddrTable: Map<string, BrokerData>;
  clusterAddrTable: Map<string, string[]>;
}

export interface ConsumerConnection {
  connectionSet: Array<{ clientId: string; clientAddr: string; language: string; version: number }>;
  consumeType?: string;
  messageModel?: string;
  consumeFromWhere?: string;
  subscriptionTable: Record<string, unknown>;
}

function mqFromKey(key: unknown): MessageQueue | undefined {
  const obj =
    typeof key === 'string'
      ? (() => {
          try {
            return parseJavaJson(key);
          } catch {
            return undefined;
          }
        })()
      : key;
  if (!isPlainObject(obj)) return undefined;
  return { topic: String(obj.topic), brokerName: String(obj.brokerName), queueId: Number(obj.queueId) };
}

function n(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number(v ?? 0);
}

/**
 * Administration (Java `DefaultMQAdminExt`): topics, subscription groups, routes, stats, consumer progress, offsets
 * reset, message queries and broker runtime info.
 */
export class DefaultMQAdminExt {
  private client: MQClientInstance | undefined;
  private readonly timeoutMs: number;

  constructor(private readonly options: AdminOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  async start(): Promise<void> {
    this.client = MQClientManager.getOrCreate({
      ...this.options,
      instanceName: this.options.instanceName ?? `admin-${process.pid}-${Date.now()}`,
    });
    await this.client.start();
  }

  async shutdown(): Promise<void> {
    await this.client?.release();
    this.client = undefined;
  }

  private get c(): MQClientInstance {
    if (!this.client) throw new MQClientError('DefaultMQAdminExt is not started; call start() first');
    return this.client;
  }

  private ns(name: string): string {
    return wrapNamespace(this.options.namespace, name);
  }

  // ---- name server views ----

  async examineTopicRouteInfo(topic: string): Promise<TopicRouteData> {
    const route = await this.c.api.getTopicRouteInfo(this.ns(topic), this.timeoutMs);
    if (!route) {
      throw new MQClientError(
        `No route for topic "${topic}" from ${this.c.config.namesrvAddrs.join(';')}; is the topic created?`,
        {
          responseCode: ResponseCode.TOPIC_NOT_EXIST,
        },
      );
    }
    return route;
  }

  async examineBrokerClusterInfo(): Promise<ClusterInfo> {
    const response = await this.c.api.invokeNamesrv(
      () => this.c.api.request(RequestCode.GET_BROKER_CLUSTER_INFO),
      this.timeoutMs,
    );
    expectSuccess(response, 'name server');
    const raw = parseBodyJson(response);
    const brokerAddrTable = new Map<string, BrokerData>();
    for (const [name, bd] of javaMapEntries(raw.brokerAddrTable ?? {}, 'brokerAddrTable')) {
      if (!isPlainObject(bd)) continue;
      const addrs = new Map<number, string>();
      for (const [id, addr] of javaMapEntries(bd.brokerAddrs ?? {}, 'brokerAddrs')) addrs.set(n(id), String(addr));
      brokerAddrTable.set(String(name), {
        cluster: String(bd.cluster),
        brokerName: String(bd.brokerName),
        brokerAddrs: addrs,
      });
    }
    const clusterAddrTable = new Map<string, string[]>();
    for (const [cluster, names] of javaMapEntries(raw.clusterAddrTable ?? {}, 'clusterAddrTable')) {
      clusterAddrTable.set(String(cluster), Array.isArray(names) ? names.map(String) : []);
    }
    return { brokerAddrTable, clusterAddrTable };
  }

  async fetchAllTopicList(): Promise<string[]> {
    const response = await this.c.api.invokeNamesrv(
      () => this.c.api.request(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER),
      this.timeoutMs,
    );
    expectSuccess(response, 'name server');
    const raw = parseBodyJson(response);
    return Array.isArray(raw.topicList) ? raw.topicList.map(String) : [];
  }

  /** Master addresses of a cluster, or of every cluster when none is named. */
  async masterAddrs(clusterName?: string): Promise<string[]> {
    const info = await this.examineBrokerClusterInfo();
    const names = clusterName ? (info.clusterAddrTable.get(clusterName) ?? []) : [...info.brokerAddrTable.keys()];
    return names.map((b) => info.brokerAddrTable.get(b)?.brokerAddrs.get(0)).filter((a): a is string => !!a);
  }

  // ---- topics ----

  /** UPDATE_AND_CREATE_TOPIC on one broker (`addr`) or on every master of `clusterName`. */
  async createAndUpdateTopicConfig(
    target: { addr?: string; clusterName?: string },
    config: TopicConfigInput,
  ): Promise<void> {
    const addrs = target.addr ? [target.addr] : await this.masterAddrs(target.clusterName);
    if (addrs.length === 0)
      throw new MQClientError(`No master broker found${target.clusterName ? ` in cluster ${target.clusterName}` : ''}`);
    const attrs = config.attributes
      ? Object.entries(config.attributes)
          .map(([k, v]) => `+${k}=${v}`)
          .join(',')
      : undefined;
    for (const addr of addrs) {
      const response = await this.c.remoting.invoke(
        addr,
        this.c.api.request(RequestCode.UPDATE_AND_CREATE_TOPIC, {
          topic: this.ns(config.topicName),
          defaultTopic: 'TBW102',
          readQueueNums: config.readQueueNums ?? 8,
          writeQueueNums: config.writeQueueNums ?? 8,
          perm: config.perm ?? 6,
          topicFilterType: config.topicFilterType ?? 'SINGLE_TAG',
          topicSysFlag: config.topicSysFlag ?? 0,
          order: config.order ?? false,
          attributes: attrs,
        }),
        this.timeoutMs,
      );
      expectSuccess(response, addr);
    }
  }

  /** Deletes the topic on the brokers of `clusterName` (or every broker) and on the name servers. */
  async deleteTopic(topic: string, clusterName?: string): Promise<void> {
    const full = this.ns(topic);
    for (const addr of await this.masterAddrs(clusterName)) {
      expectSuccess(
        await this.c.remoting.invoke(
          addr,
          this.c.api.request(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: full }),
          this.timeoutMs,
        ),
        addr,
      );
    }
    for (const ns of this.c.config.namesrvAddrs) {
      const response = await this.c.remoting.invoke(
        ns,
        this.c.api.request(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: full, clusterName }),
        this.timeoutMs,
      );
      expectSuccess(response, ns);
    }
  }

  async examineTopicStats(topic: string): Promise<TopicOffsetStats[]> {
    const full = this.ns(topic);
    const route = await this.examineTopicRouteInfo(topic);
    const out: TopicOffsetStats[] = [];
    for (const bd of route.brokerDatas) {
      const addr = bd.brokerAddrs.get(0);
      if (!addr) continue;
      const response = await this.c.remoting.invoke(
        addr,
        this.c.api.request(RequestCode.GET_TOPIC_STATS_INFO, { topic: full }),
        this.timeoutMs,
      );
      expectSuccess(response, addr);
      const raw = parseJavaJson(response.body ?? Buffer.from('{}'), { bigIntegers: 'number' });
      const table = isPlainObject(raw) ? raw.offsetTable : undefined;
      for (const [k, v] of javaMapEntries(table ?? {}, 'offsetTable')) {
        const mq = mqFromKey(k);
        if (!mq || !isPlainObject(v)) continue;
        out.push({
          mq,
          minOffset: n(v.minOffset),
          maxOffset: n(v.maxOffset),
          lastUpdateTimestamp: n(v.lastUpdateTimestamp),
        });
      }
    }
    return out;
  }

  // ---- subscription groups ----

  async createAndUpdateSubscriptionGroupConfig(
    target: { addr?: string; clusterName?: string },
    config: SubscriptionGroupConfigInput,
  ): Promise<void> {
    const addrs = target.addr ? [target.addr] : await this.masterAddrs(target.clusterName);
    const body = Buffer.from(
      toJavaJson({
        brokerId: 0,
        consumeBroadcastEnable: true,
        consumeEnable: true,
        consumeFromMinEnable: true,
        notifyConsumerIdsChangedEnable: true,
        retryMaxTimes: 16,
        retryQueueNums: 1,
        whichBrokerWhenConsumeSlowly: 1,
        consumeMessageOrderly: false,
        ...config,
        groupName: this.ns(config.groupName),
      }),
      'utf8',
    );
    for (const addr of addrs) {
      expectSuccess(
        await this.c.remoting.invoke(
          addr,
          this.c.api.request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, body),
          this.timeoutMs,
        ),
        addr,
      );
    }
  }

  async deleteSubscriptionGroup(target: { addr?: string; clusterName?: string }, groupName: string): Promise<void> {
    const addrs = target.addr ? [target.addr] : await this.masterAddrs(target.clusterName);
    for (const addr of addrs) {
      const response = await this.c.remoting.invoke(
        addr,
        this.c.api.request(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: this.ns(groupName), cleanOffset: true }),
        this.timeoutMs,
      );
      expectSuccess(response, addr);
    }
  }

  // ---- consumers ----

  /** Consumer progress per queue with lag (GET_CONSUME_STATS on every broker of the topic or of the retry topic). */
  async examineConsumeStats(consumerGroup: string, topic?: string): Promise<ConsumeStats> {
    const group = this.ns(consumerGroup);
    const routeTopic = topic ? this.ns(topic) : `%RETRY%${group}`;
    const route = await this.c.api.getTopicRouteInfo(routeTopic, this.timeoutMs);
    if (!route) throw new MQClientError(`No route for ${routeTopic}; has the group ${consumerGroup} ever consumed?`);
    const offsetTable: QueueOffsetStats[] = [];
    let consumeTps = 0;
    for (const bd of route.brokerDatas) {
      const addr = bd.brokerAddrs.get(0);
      if (!addr) continue;
      const response = await this.c.remoting.invoke(
        addr,
        this.c.api.request(RequestCode.GET_CONSUME_STATS, {
          consumerGroup: group,
          topic: topic ? this.ns(topic) : undefined,
        }),
        this.timeoutMs,
      );
      expectSuccess(response, addr);
      const raw = parseJavaJson(response.body ?? Buffer.from('{}'), { bigIntegers: 'number' });
      if (!isPlainObject(raw)) continue;
      consumeTps += n(raw.consumeTps);
      for (const [k, v] of javaMapEntries(raw.offsetTable ?? {}, 'offsetTable')) {
        const mq = mqFromKey(k);
        if (!mq || !isPlainObject(v)) continue;
        const brokerOffset = n(v.brokerOffset);
        const consumerOffset = n(v.consumerOffset);
        offsetTable.push({
          mq,
          brokerOffset,
          consumerOffset,
          lastTimestamp: n(v.lastTimestamp),
          lag: Math.max(0, brokerOffset - consumerOffset),
        });
      }
    }
    return { consumeTps, offsetTable, diffTotal: offsetTable.reduce((s, q) => s + q.lag, 0) };
  }

  async examineConsumerConnectionInfo(consumerGroup: string): Promise<ConsumerConnection> {
    const group = this.ns(consumerGroup);
    const route = await this.c.api.getTopicRouteInfo(`%RETRY%${group}`, this.timeoutMs);
    const addr = route?.brokerDatas[0]?.brokerAddrs.get(0);
    if (!addr) throw new MQClientError(`No broker knows consumer group ${consumerGroup}; is it online?`);
    const response = await this.c.remoting.invoke(
      addr,
      this.c.api.request(RequestCode.GET_CONSUMER_CONNECTION_LIST, { consumerGroup: group }),
      this.timeoutMs,
    );
    expectSuccess(response, addr);
    const raw = parseBodyJson(response);
    const connectionSet = (Array.isArray(raw.connectionSet) ? raw.connectionSet : [])
      .filter(isPlainObject)
      .map((c) => ({
        clientId: String(c.clientId),
        clientAddr: String(c.clientAddr),
        language: String(c.language),
        version: n(c.version),
      }));
    return {
      connectionSet,
      consumeType: raw.consumeType as string | undefined,
      messageModel: raw.messageModel as string | undefined,
      consumeFromWhere: raw.consumeFromWhere as string | undefined,
      subscriptionTable: isPlainObject(raw.subscriptionTable) ? raw.subscriptionTable : {},
    };
  }

  /**
   * Resets the group's offsets of a topic to the first message stored at or after `timestamp` (INVOKE_BROKER_TO_RESET_OFFSET
   * on every broker; the broker tells online consumers). Returns the new offsets.
   */
  async resetOffsetByTimestamp(
    topic: string,
    consumerGroup: string,
    timestamp: number,
    isForce = true,
  ): Promise<Map<string, number>> {
    const route = await this.examineTopicRouteInfo(topic);
    const out = new Map<string, number>();
    for (const bd of route.brokerDatas) {
      const addr = bd.brokerAddrs.get(0);
      if (!addr) continue;
      const response = await this.c.remoting.invoke(
        addr,
        this.c.api.request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, {
          topic: this.ns(topic),
          group: this.ns(consumerGroup),
          timestamp,
          isForce,
        }),
        this.timeoutMs,
      );
      if (response.code === ResponseCode.CONSUMER_NOT_ONLINE) {
        // Java resetOffsetByTimestampOld: nobody online to tell, so write the offsets on the broker directly.
        for (const [key, offset] of await this.resetOffline(addr, bd.brokerName, topic, consumerGroup, timestamp))
          out.set(key, offset);
        continue;
      }
      expectSuccess(response, addr);
      if (!response.body) continue;
      const raw = parseJavaJson(response.body, { bigIntegers: 'number' });
      if (!isPlainObject(raw)) continue;
      for (const [k, v] of javaMapEntries(raw.offsetTable ?? {}, 'offsetTable')) {
        const mq = mqFromKey(k);
        if (mq) out.set(`${mq.topic}@${mq.brokerName}@${mq.queueId}`, n(v));
      }
    }
    return out;
  }

  private async resetOffline(
    addr: string,
    brokerName: string,
    topic: string,
    consumerGroup: string,
    timestamp: number,
  ): Promise<Map<string, number>> {
    const route = await this.examineTopicRouteInfo(topic);
    const out = new Map<string, number>();
    for (const qd of route.queueDatas.filter((q) => q.brokerName === brokerName)) {
      for (let queueId = 0; queueId < qd.readQueueNums; queueId++) {
        const mq = { topic: this.ns(topic), brokerName, queueId };
        const offset = await this.c.api.searchOffset(addr, mq, timestamp, this.timeoutMs);
        await this.c.api.updateConsumerOffset(addr, this.ns(consumerGroup), mq, offset, false, this.timeoutMs);
        out.set(`${mq.topic}@${brokerName}@${queueId}`, offset);
      }
    }
    return out;
  }

  // ---- messages ----

  /** VIEW_MESSAGE_BY_ID with an offset msgId (store host + commit-log offset). */
  async viewMessage(offsetMsgId: string): Promise<MessageExt> {
    const { host, offset } = decodeOffsetMessageId(offsetMsgId);
    const addr = hostToString(host);
    const response = await this.c.remoting.invoke(
      addr,
      this.c.api.request(RequestCode.VIEW_MESSAGE_BY_ID, { offset }),
      this.timeoutMs,
    );
    expectSuccess(response, addr);
    const msg = decodeMessageRecords(response.body ?? Buffer.alloc(0))[0];
    if (!msg) throw new MQClientError(`Message ${offsetMsgId} not found`);
    return msg;
  }

  /** QUERY_MESSAGE by key on every broker of the topic (index lookup). */
  async queryMessage(
    topic: string,
    key: string,
    maxNum = 32,
    beginMs = 0,
    endMs = Date.now() + 1000,
    uniqKey = false,
  ): Promise<MessageExt[]> {
    const route = await this.examineTopicRouteInfo(topic);
    const out: MessageExt[] = [];
    for (const bd of route.brokerDatas) {
      const addr = bd.brokerAddrs.get(0);
      if (!addr) continue;
      const req = this.c.api.request(RequestCode.QUERY_MESSAGE, {
        topic: this.ns(topic),
        key,
        maxNum,
        beginTimestamp: beginMs,
        endTimestamp: endMs,
      });
      if (uniqKey) req.setExtField(UNIQUE_MSG_QUERY_FLAG, 'true');
      const response = await this.c.remoting.invoke(addr, req, this.timeoutMs);
      if (response.code === ResponseCode.QUERY_NOT_FOUND) continue;
      expectSuccess(response, addr);
      for (const m of decodeMessageRecords(response.body ?? Buffer.alloc(0))) {
        if (uniqKey ? m.getProperty('UNIQ_KEY') === key : m.keyList.includes(key)) out.push(m);
      }
    }
    return out;
  }

  /** The message whose UNIQ_KEY (the client msgId) is `msgId`. */
  async queryMessageByUniqKey(topic: string, msgId: string): Promise<MessageExt> {
    const found = await this.queryMessage(topic, msgId, 32, 0, Date.now() + 1000, true);
    if (found.length === 0) throw new MQClientError(`No message with id ${msgId} in topic ${topic}`);
    return found.sort((a, b) => b.storeTimestamp - a.storeTimestamp)[0]!;
  }

  /** GET_BROKER_RUNTIME_INFO: the broker's `table` of runtime values. */
  async fetchBrokerRuntimeStats(brokerAddr: string): Promise<Record<string, string>> {
    const response = await this.c.remoting.invoke(
      brokerAddr,
      this.c.api.request(RequestCode.GET_BROKER_RUNTIME_INFO),
      this.timeoutMs,
    );
    expectSuccess(response, brokerAddr);
    const raw = parseBodyJson(response);
    const table = isPlainObject(raw.table) ? raw.table : {};
    return Object.fromEntries(Object.entries(table).map(([k, v]) => [k, String(v)]));
  }

  /**
   * VIEW_BROKER_STATS_DATA (315): one stats item of a broker, e.g. `TOPIC_PUT_NUMS` / topic or `GROUP_GET_NUMS` /
   * `topic@group` (what `mqadmin statsAll` reads). Throws the broker's SYSTEM_ERROR when nothing was counted there.
   */
  async viewBrokerStatsData(brokerAddr: string, statsName: string, statsKey: string): Promise<BrokerStatsData> {
    const response = await this.c.remoting.invoke(
      brokerAddr,
      this.c.api.request(RequestCode.VIEW_BROKER_STATS_DATA, { statsName, statsKey }),
      this.timeoutMs,
    );
    expectSuccess(response, brokerAddr);
    const raw = parseBodyJson(response);
    const item = (v: unknown): BrokerStatsItem => {
      const o = isPlainObject(v) ? v : {};
      return { sum: n(o.sum), tps: n(o.tps), avgpt: n(o.avgpt) };
    };
    return { statsMinute: item(raw.statsMinute), statsHour: item(raw.statsHour), statsDay: item(raw.statsDay) };
  }

  /**
   * INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223): client id → that consumer's in-memory offsets of `topic`, collected by
   * the first broker of the topic's route from every online client of the group (only `clientAddr`'s when given).
   */
  async getConsumeStatus(
    topic: string,
    group: string,
    clientAddr = '',
  ): Promise<Map<string, Map<MessageQueue, number>>> {
    const route = await this.examineTopicRouteInfo(topic);
    const addr = route.brokerDatas[0]?.brokerAddrs.get(0);
    if (!addr) return new Map();
    const response = await this.c.remoting.invoke(
      addr,
      this.c.api.request(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, {
        topic: this.ns(topic),
        group: this.ns(group),
        clientAddr,
      }),
      this.timeoutMs,
    );
    expectSuccess(response, addr);
    return decodeGetConsumerStatusBody(response.body).consumerTable;
  }

  /** Max offset of one queue. */
  async maxOffset(mq: MessageQueue): Promise<number> {
    const full = { ...mq, topic: this.ns(mq.topic) };
    await this.c.updateTopicRouteInfo(full.topic);
    const addr = this.c.findBrokerAddressInPublish(mq.brokerName);
    if (!addr) throw new MQClientError(`No address of broker ${mq.brokerName}`);
    return this.c.api.getMaxOffset(addr, full, this.timeoutMs);
  }

  /** The route body decoder, exported for tools. */
  static decodeRoute = decodeTopicRouteData;
  static extNumber = extNumber;
}
