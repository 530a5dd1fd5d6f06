import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  MQVersion,
  RemotingCommandError,
  RequestCode,
  ResponseCode,
  RocketMQError,
  decodeDataVersion,
  decodeRegisterBrokerBody,
  decodeTopicRouteData,
  encodeClusterInfo,
  encodeDataVersion,
  encodeKVTable,
  encodeTopicList,
  encodeTopicRouteData,
  formatProperties,
  parseProperties,
  registerBrokerBodyCrc32,
  AddWritePermOfBrokerRequestHeader,
  AddWritePermOfBrokerResponseHeader,
  BrokerHeartbeatRequestHeader,
  DeleteKVConfigRequestHeader,
  DeleteTopicFromNamesrvRequestHeader,
  GetKVConfigRequestHeader,
  GetKVConfigResponseHeader,
  GetKVListByNamespaceRequestHeader,
  GetRouteInfoRequestHeader,
  GetTopicsByClusterRequestHeader,
  PutKVConfigRequestHeader,
  QueryDataVersionRequestHeader,
  QueryDataVersionResponseHeader,
  RegisterBrokerRequestHeader,
  RegisterBrokerResponseHeader,
  UnRegisterBrokerRequestHeader,
  WipeWritePermOfBrokerRequestHeader,
  WipeWritePermOfBrokerResponseHeader,
  defineHeader,
  req as required,
  type BrokerData,
  type RegisterBrokerBody,
} from '@rocketnest/common';
import { RemotingCommand, RemotingServer, type RemotingChannel, type RequestProcessor } from '@rocketnest/remoting';
import { KVConfigManager } from './kv-config-manager';
import {
  NAMESRV_CONFIG_KEYS,
  defaultNamesrvConfig,
  namesrvConfigFromProperties,
  namesrvConfigToProperties,
  type NamesrvConfig,
} from './namesrv-config';
import { NAMESPACE_ORDER_TOPIC_CONFIG } from './route-data';
import { RouteInfoManager } from './route-info-manager';

const kvTable = (table: ReadonlyMap<string, string>): Buffer => encodeKVTable({ table: Object.fromEntries(table) });

/** Java `FAQUrl.suggestTodo(APPLY_TOPIC_URL)` as 5.x appends it. */
const APPLY_TOPIC_HINT = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';

/** REGISTER_TOPIC_IN_NAMESRV (217) header (Java `RegisterTopicRequestHeader`); the body is a TopicRouteData. */
const RegisterTopicRequestHeader = defineHeader({ topic: required.string }, 'RegisterTopicRequestHeader');

type ServiceState = 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY' | 'START_FAILED';

/**
 * The name server (Java `NamesrvController` + `DefaultRequestProcessor` + `ClientRequestProcessor`): a remoting server
 * whose processors read and write the `RouteInfoManager` and `KVConfigManager`, a periodic scan that drops silent
 * brokers, and immediate route removal when a broker's connection closes.
 */
export class NamesrvController {
  readonly config: NamesrvConfig;
  readonly routeInfoManager: RouteInfoManager;
  readonly kvConfigManager: KVConfigManager;
  readonly remotingServer: RemotingServer;
  private state: ServiceState = 'CREATE_JUST';
  private startPromise: Promise<void> | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private scanTimer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private readonly blackList: Set<string>;

  constructor(config: Partial<NamesrvConfig> = {}) {
    this.config = { ...defaultNamesrvConfig(), ...stripUndefined(config) };
    this.routeInfoManager = new RouteInfoManager({
      brokerChannelExpiredTimeMs: this.config.brokerChannelExpiredTimeMs,
      deleteTopicWithBrokerRegistration: this.config.deleteTopicWithBrokerRegistration,
      supportActingMaster: this.config.supportActingMaster,
    });
    this.kvConfigManager = new KVConfigManager(this.config.kvConfigPath);
    this.remotingServer = new RemotingServer({
      port: this.config.listenPort,
      host: this.config.host,
      serializeType: this.config.serializeType,
      channelMaxIdleTimeMs: this.config.serverChannelMaxIdleTimeMs,
    });
    this.blackList = new Set(['configBlackList', 'configStorePath', 'kvConfigPath', 'rocketmqHome']);
    for (const k of this.config.configBlackList.split(';')) if (k) this.blackList.add(k);
    this.registerProcessors();
    this.remotingServer.on('close', (ch: RemotingChannel) => this.routeInfoManager.onChannelDestroy(ch));
    this.remotingServer.on('idle', (ch: RemotingChannel) => this.routeInfoManager.onChannelDestroy(ch));
  }

  /** The bound port (after `start`). */
  get port(): number {
    return this.remotingServer.port;
  }

  /** `127.0.0.1:<port>`, for clients in the same host. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Loads kvConfig.json, starts listening and the liveness scan. A second call throws. */
  start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') {
      return Promise.reject(new RocketMQError(`The name server cannot start in state ${this.state}; create a new one`));
    }
    // Concurrent calls while starting share one promise.
    this.startPromise ??= (async () => {
      try {
        this.kvConfigManager.load();
        await this.remotingServer.start();
      } catch (err) {
        this.state = 'START_FAILED';
        throw err;
      }
      this.startedAt = Date.now();
      this.scanTimer = setInterval(
        () => this.routeInfoManager.scanNotActiveBroker(),
        this.config.scanNotActiveBrokerIntervalMs,
      );
      this.state = 'RUNNING';
    })();
    return this.startPromise;
  }

  /** Stops the scan and closes the server and its connections. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      if (this.startPromise) await this.startPromise.catch(() => undefined);
      this.state = 'SHUTDOWN_ALREADY';
      if (this.scanTimer) clearInterval(this.scanTimer);
      this.scanTimer = undefined;
      await this.remotingServer.shutdown();
    })();
    return this.shutdownPromise;
  }

  private on(code: number, processor: RequestProcessor): void {
    this.remotingServer.registerProcessor(code, processor);
  }

  private registerProcessors(): void {
    const rim = this.routeInfoManager;
    const kv = this.kvConfigManager;
    const ok = (body?: Buffer): RemotingCommand => {
      const r = RemotingCommand.createResponse(ResponseCode.SUCCESS);
      if (body && body.length > 0) r.body = body;
      return r;
    };

    this.on(RequestCode.PUT_KV_CONFIG, (req) => {
      const h = PutKVConfigRequestHeader.decode(req.extFields);
      kv.putKVConfig(h.namespace, h.key, h.value);
      return ok();
    });
    this.on(RequestCode.GET_KV_CONFIG, (req) => {
      const { namespace, key } = GetKVConfigRequestHeader.decode(req.extFields);
      const value = kv.getKVConfig(namespace, key);
      if (value !== undefined) {
        return RemotingCommand.createResponse(
          ResponseCode.SUCCESS,
          undefined,
          GetKVConfigResponseHeader.encode({ value }),
        );
      }
      return RemotingCommand.createResponse(
        ResponseCode.QUERY_NOT_FOUND,
        `No config item, Namespace: ${namespace} Key: ${key}`,
      );
    });
    this.on(RequestCode.DELETE_KV_CONFIG, (req) => {
      const h = DeleteKVConfigRequestHeader.decode(req.extFields);
      kv.deleteKVConfig(h.namespace, h.key);
      return ok();
    });
    this.on(RequestCode.GET_KVLIST_BY_NAMESPACE, (req) => {
      const { namespace } = GetKVListByNamespaceRequestHeader.decode(req.extFields);
      const table = kv.getKVListByNamespace(namespace);
      if (table) return ok(kvTable(table));
      return RemotingCommand.createResponse(ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${namespace}`);
    });

    this.on(RequestCode.REGISTER_BROKER, (req, channel) => {
      const h = RegisterBrokerRequestHeader.decode(req.extFields);
      const bodyCrc32 = h.bodyCrc32;
      if (bodyCrc32 !== 0 && registerBrokerBodyCrc32(req.body ?? Buffer.alloc(0)) !== bodyCrc32) {
        return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, 'crc32 not match');
      }
      let body: RegisterBrokerBody;
      try {
        body = decodeRegisterBrokerBody(req.body, h.compressed);
      } catch (err) {
        throw new RemotingCommandError(`Failed to decode RegisterBrokerBody: ${(err as Error).message}`, {
          cause: err,
        });
      }
      const result = rim.registerBroker({
        clusterName: h.clusterName,
        brokerAddr: h.brokerAddr,
        brokerName: h.brokerName,
        brokerId: h.brokerId,
        haServerAddr: h.haServerAddr,
        zoneName: req.extFields?.zoneName,
        heartbeatTimeoutMillis: h.heartbeatTimeoutMillis,
        enableActingMaster: h.enableActingMaster,
        dataVersion: body.topicConfigSerializeWrapper.dataVersion,
        topicConfigTable: body.topicConfigSerializeWrapper.topicConfigTable,
        filterServerList: body.filterServerList,
        channel,
      });
      if (!result) return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, 'register broker failed');
      const res = RemotingCommand.createResponse(
        ResponseCode.SUCCESS,
        undefined,
        RegisterBrokerResponseHeader.encode({ haServerAddr: result.haServerAddr, masterAddr: result.masterAddr }),
      );
      if (this.config.returnOrderTopicConfigToBroker) {
        const table = kv.getKVListByNamespace(NAMESPACE_ORDER_TOPIC_CONFIG);
        if (table) res.body = kvTable(table);
      }
      return res;
    });
    this.on(RequestCode.UNREGISTER_BROKER, (req) => {
      rim.unregisterBroker(UnRegisterBrokerRequestHeader.decode(req.extFields));
      return ok();
    });
    this.on(RequestCode.BROKER_HEARTBEAT, (req) => {
      const h = BrokerHeartbeatRequestHeader.decode(req.extFields);
      rim.updateBrokerInfoUpdateTimestamp(h.clusterName, h.brokerAddr);
      return ok();
    });
    this.on(RequestCode.QUERY_DATA_VERSION, (req) => {
      const { clusterName, brokerAddr } = QueryDataVersionRequestHeader.decode(req.extFields);
      const dataVersion = decodeDataVersion(req.body);
      const changed = rim.isBrokerTopicConfigChanged(clusterName, brokerAddr, dataVersion);
      rim.updateBrokerInfoUpdateTimestamp(clusterName, brokerAddr);
      const stored = rim.queryBrokerTopicConfig(clusterName, brokerAddr);
      const res = RemotingCommand.createResponse(
        ResponseCode.SUCCESS,
        undefined,
        QueryDataVersionResponseHeader.encode({ changed }),
      );
      if (stored) res.body = encodeDataVersion(stored);
      return res;
    });

    this.on(RequestCode.GET_ROUTEINFO_BY_TOPIC, (req) => {
      const h = GetRouteInfoRequestHeader.decode(req.extFields);
      const topic = h.topic;
      if (this.config.needWaitForService && Date.now() - this.startedAt < this.config.waitSecondsForService * 1000) {
        return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, 'name server not ready');
      }
      const route = rim.pickupTopicRouteData(topic);
      if (!route) {
        return RemotingCommand.createResponse(
          ResponseCode.TOPIC_NOT_EXIST,
          `No topic route info in name server for the topic: ${topic}${APPLY_TOPIC_HINT}`,
        );
      }
      if (this.config.orderMessageEnable) route.orderTopicConf = kv.getKVConfig(NAMESPACE_ORDER_TOPIC_CONFIG, topic);
      const standardJson = req.version >= MQVersion.V4_9_4 || h.acceptStandardJsonOnly === true;
      return ok(encodeTopicRouteData(route, { style: standardJson ? 'standard' : 'fastjson' }));
    });
    this.on(RequestCode.GET_BROKER_CLUSTER_INFO, () => {
      const brokerAddrTable: Record<string, BrokerData> = {};
      for (const [name, bd] of rim.brokerAddrTable) brokerAddrTable[name] = bd;
      const clusterAddrTable: Record<string, string[]> = {};
      for (const [cluster, names] of rim.clusterAddrTable) clusterAddrTable[cluster] = [...names];
      return ok(encodeClusterInfo({ brokerAddrTable, clusterAddrTable }));
    });
    this.on(RequestCode.WIPE_WRITE_PERM_OF_BROKER, (req) => {
      const count = rim.wipeWritePermOfBroker(WipeWritePermOfBrokerRequestHeader.decode(req.extFields).brokerName);
      return RemotingCommand.createResponse(
        ResponseCode.SUCCESS,
        undefined,
        WipeWritePermOfBrokerResponseHeader.encode({ wipeTopicCount: count }),
      );
    });
    this.on(RequestCode.ADD_WRITE_PERM_OF_BROKER, (req) => {
      const count = rim.addWritePermOfBroker(AddWritePermOfBrokerRequestHeader.decode(req.extFields).brokerName);
      return RemotingCommand.createResponse(
        ResponseCode.SUCCESS,
        undefined,
        AddWritePermOfBrokerResponseHeader.encode({ addTopicCount: count }),
      );
    });
    this.on(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, () => {
      if (!this.config.enableAllTopicList) return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, 'disable');
      return ok(encodeTopicList({ topicList: rim.getAllTopicList() }));
    });
    this.on(RequestCode.DELETE_TOPIC_IN_NAMESRV, (req) => {
      const h = DeleteTopicFromNamesrvRequestHeader.decode(req.extFields);
      rim.deleteTopic(h.topic, h.clusterName || undefined);
      return ok();
    });
    this.on(RequestCode.REGISTER_TOPIC_IN_NAMESRV, (req) => {
      const { topic } = RegisterTopicRequestHeader.decode(req.extFields);
      if (req.body && req.body.length > 0) rim.registerTopic(topic, decodeTopicRouteData(req.body).queueDatas);
      return ok();
    });
    this.on(RequestCode.GET_TOPICS_BY_CLUSTER, (req) => {
      if (!this.config.enableTopicList) return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, 'disable');
      return ok(
        encodeTopicList({
          topicList: rim.getTopicsByCluster(GetTopicsByClusterRequestHeader.decode(req.extFields).cluster),
        }),
      );
    });
    this.on(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, () => {
      const { topics, brokerAddr } = rim.getSystemTopicList();
      return ok(encodeTopicList({ topicList: topics, brokerAddr }));
    });
    const unitList = (pred: (f: number) => boolean): RequestProcessor => {
      return () => {
        if (!this.config.enableTopicList) return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, 'disable');
        return ok(encodeTopicList({ topicList: rim.topicsBySysFlag(pred) }));
      };
    };
    this.on(RequestCode.GET_UNIT_TOPIC_LIST, unitList(RouteInfoManager.hasUnitFlag));
    this.on(RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, unitList(RouteInfoManager.hasUnitSubFlag));
    this.on(
      RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST,
      unitList((f) => !RouteInfoManager.hasUnitFlag(f) && RouteInfoManager.hasUnitSubFlag(f)),
    );

    this.on(RequestCode.GET_NAMESRV_CONFIG, () =>
      ok(Buffer.from(formatProperties(namesrvConfigToProperties(this.config)))),
    );
    this.on(RequestCode.UPDATE_NAMESRV_CONFIG, (req) => {
      if (!req.body || req.body.length === 0) return ok();
      const props = parseProperties(req.body.toString('utf8'));
      if (Object.keys(props).some((k) => this.blackList.has(k))) {
        return RemotingCommand.createResponse(ResponseCode.NO_PERMISSION, 'Can not update config in black list.');
      }
      const { config } = namesrvConfigFromProperties(props);
      this.applyConfig(config);
      return ok();
    });
  }

  /** Applies run-time changes (UPDATE_NAMESRV_CONFIG) and persists them to `configStorePath` when set. */
  private applyConfig(update: Partial<NamesrvConfig>): void {
    const before = this.config.scanNotActiveBrokerIntervalMs;
    Object.assign(this.config, stripUndefined(update));
    if (this.scanTimer && before !== this.config.scanNotActiveBrokerIntervalMs) {
      clearInterval(this.scanTimer);
      this.scanTimer = setInterval(
        () => this.routeInfoManager.scanNotActiveBroker(),
        this.config.scanNotActiveBrokerIntervalMs,
      );
    }
    if (this.config.configStorePath) {
      mkdirSync(dirname(this.config.configStorePath), { recursive: true });
      writeFileSync(this.config.configStorePath, formatProperties(namesrvConfigToProperties(this.config)));
    }
  }

  /** Keys accepted by `-c` files and `--key` overrides. */
  static readonly configKeys: readonly string[] = NAMESRV_CONFIG_KEYS;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
