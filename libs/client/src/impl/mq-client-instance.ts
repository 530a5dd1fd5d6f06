import {
  MQClientError,
  MessageConst,
  RequestCode,
  ResponseCode,
  encodeGetConsumerStatusBody,
  type MessageExt,
  type MessageQueue,
} from '@rocketnest/common';
import { RemotingClient, RemotingCommand } from '@rocketnest/remoting';
import { TopicPublishInfo } from '../producer/latency/latency-fault-tolerance';
import {
  buildClientId,
  requireNamesrv,
  resolveClientConfig,
  type ClientOptions,
  type ResolvedClientConfig,
} from './client-config';
import { AclRemotingClient, sessionCredentialsOf } from '../acl/acl-client-rpc-hook';
import { decodeReplyMessage } from './message-codec';
import { MQClientAPI, PermName, type TopicRouteData } from './mq-client-api';
import { PeriodicTask } from '@rocketnest/common';

/** Logger the client writes to; defaults to silence except warnings/errors on stderr when `ROCKETMQ_CLIENT_DEBUG` is set. */
export interface ClientLogger {
  warn(message: string, err?: unknown): void;
  debug?(message: string): void;
}

export const defaultLogger: ClientLogger = {
  warn(message, err) {
    if (process.env.ROCKETMQ_CLIENT_DEBUG) {
      process.stderr.write(`[rocketnest-client] ${message}${err instanceof Error ? `: ${err.message}` : ''}\n`);
    }
  },
};

/** What the instance needs from a producer (Java `MQProducerInner`). */
export interface MQProducerInner {
  readonly groupName: string;
  publishTopics(): string[];
  isPublishTopicNeedUpdate(topic: string): boolean;
  updateTopicPublishInfo(topic: string, info: TopicPublishInfo): void;
  /** CHECK_TRANSACTION_STATE from the broker at `brokerAddr`. */
  checkTransactionState?(brokerAddr: string, request: RemotingCommand): void;
}

/** A subscription as sent in heartbeats (Java `SubscriptionData`). */
export interface SubscriptionDataJson {
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  subVersion: number;
  expressionType: string;
  classFilterMode: boolean;
}

/** What the instance needs from a consumer (Java `MQConsumerInner`). */
export interface MQConsumerInner {
  readonly groupName: string;
  readonly messageModel: string;
  readonly consumeType: string;
  readonly consumeFromWhere: string;
  subscriptions(): SubscriptionDataJson[];
  doRebalance(): Promise<void>;
  updateTopicSubscribeInfo(topic: string, mqs: MessageQueue[]): void;
  isSubscribeTopicNeedUpdate(topic: string): boolean;
  persistConsumerOffset(): Promise<void>;
  /** RESET_CONSUMER_CLIENT_OFFSET: jump to these offsets. */
  resetOffset?(topic: string, offsets: Map<string, { mq: MessageQueue; offset: number }>): Promise<void>;
  /** GET_CONSUMER_RUNNING_INFO body (JSON-able). */
  runningInfo?(): Record<string, unknown>;
  /** CONSUME_MESSAGE_DIRECTLY. */
  consumeMessageDirectly?(body: Buffer, brokerName: string | undefined): Promise<Record<string, unknown>>;
  /** GET_CONSUMER_STATUS_FROM_CLIENT: the in-memory offsets of the topic's queues (all queues when blank). */
  consumerStatus?(topic: string): Map<MessageQueue, number>;
}

/** Receives the reply (PUSH_REPLY_MESSAGE_TO_CLIENT) to one pending request, matched by its CORRELATION_ID. */
export type ReplyWaiter = (reply: MessageExt) => void;

export interface MQClientInstanceOptions extends ClientOptions {
  logger?: ClientLogger;
  /** Remoting client in-flight cap (Java `clientAsyncSemaphoreValue`). */
  maxAsyncInFlight?: number;
}

/**
 * One per client id (Java `MQClientInstance`): the connections, the route cache, and the loops shared by every
 * producer and consumer with the same `ip@instanceName` — route refresh, heartbeats, offset persistence, rebalance —
 * plus the answers to requests brokers send to clients.
 */
export class MQClientInstance {
  readonly clientId: string;
  readonly config: ResolvedClientConfig;
  readonly remoting: RemotingClient;
  readonly api: MQClientAPI;
  readonly logger: ClientLogger;
  private readonly producers = new Map<string, MQProducerInner>();
  private readonly consumers = new Map<string, MQConsumerInner>();
  readonly topicRouteTable = new Map<string, TopicRouteData>();
  /** brokerName → (brokerId → addr). */
  readonly brokerAddrTable = new Map<string, Map<number, string>>();
  /** broker addr → remoting version from its heartbeat response. */
  readonly brokerVersionTable = new Map<string, number>();
  /** CORRELATION_ID → the request waiting for that reply (Java `RequestFutureHolder`), whichever producer sent it. */
  private readonly replyWaiters = new Map<string, ReplyWaiter>();
  private tasks: PeriodicTask[] = [];
  private rebalanceTask: PeriodicTask | undefined;
  private state: 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY' = 'CREATE_JUST';
  private refs = 0;
  private startPromise: Promise<void> | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private readonly routeUpdates = new Map<string, Promise<boolean>>();

  constructor(options: MQClientInstanceOptions) {
    this.config = resolveClientConfig(options);
    this.clientId = buildClientId(this.config);
    this.logger = options.logger ?? defaultLogger;
    const remotingOptions = {
      maxAsyncInFlight: options.maxAsyncInFlight,
      onError: (err: unknown) => this.logger.warn('processing a broker request failed', err),
    };
    const credentials = sessionCredentialsOf(options);
    this.remoting = credentials
      ? new AclRemotingClient(remotingOptions, credentials)
      : new RemotingClient(remotingOptions);
    this.api = new MQClientAPI(this.remoting, this.config.namesrvAddrs, this.config.requestTimeoutMs);
    this.registerProcessors();
  }

  get running(): boolean {
    return this.state === 'RUNNING';
  }

  get isShutdown(): boolean {
    return this.state === 'SHUTDOWN_ALREADY';
  }

  /** Starts the loops once; later calls share the first. */
  start(): Promise<void> {
    this.startPromise ??= (async () => {
      requireNamesrv(this.config);
      this.remoting.start();
      this.state = 'RUNNING';
      const onError = (err: unknown, name: string): void => this.logger.warn(`${name} failed`, err);
      this.tasks = [
        new PeriodicTask(
          'route refresh',
          this.config.pollNameServerIntervalMs,
          () => this.updateTopicRouteInfoFromNameServer(),
          onError,
          10,
        ).start(),
        new PeriodicTask(
          'heartbeat',
          this.config.heartbeatBrokerIntervalMs,
          () => this.sendHeartbeatToAllBrokers(),
          onError,
          1000,
        ).start(),
        new PeriodicTask(
          'persist offsets',
          this.config.persistConsumerOffsetIntervalMs,
          () => this.persistAllConsumerOffset(),
          onError,
        ).start(),
      ];
      this.rebalanceTask = new PeriodicTask(
        'rebalance',
        this.config.rebalanceIntervalMs,
        () => this.doRebalance(),
        onError,
        0,
      );
      this.tasks.push(this.rebalanceTask.start());
    })();
    return this.startPromise;
  }

  /** Stops loops and closes connections. Called by the registry when the last producer/consumer leaves. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      this.state = 'SHUTDOWN_ALREADY';
      await Promise.all(this.tasks.map((t) => t.stop()));
      await this.remoting.shutdown();
    })();
    return this.shutdownPromise;
  }

  retain(): void {
    this.refs++;
  }

  /** Drops one reference; the last one shuts the instance down and removes it from the registry. */
  async release(): Promise<void> {
    this.refs--;
    if (this.refs <= 0 && this.producers.size === 0 && this.consumers.size === 0) {
      MQClientManager.remove(this);
      await this.shutdown();
    }
  }

  registerProducer(p: MQProducerInner): void {
    if (this.producers.has(p.groupName)) {
      throw new MQClientError(
        `Producer group "${p.groupName}" is already started in this process with client id ${this.clientId}; use one producer per group or set a different instanceName`,
      );
    }
    this.producers.set(p.groupName, p);
  }

  unregisterProducer(group: string): void {
    this.producers.delete(group);
  }

  registerConsumer(c: MQConsumerInner): void {
    if (this.consumers.has(c.groupName)) {
      throw new MQClientError(
        `Consumer group "${c.groupName}" is already started in this process with client id ${this.clientId}; set a different instanceName to run two members of one group in one process`,
      );
    }
    this.consumers.set(c.groupName, c);
  }

  unregisterConsumer(group: string): void {
    this.consumers.delete(group);
  }

  /**
   * Waits for the reply carrying `correlationId`. Every producer of this instance registers its own requests here, so
   * replies reach the producer that sent the request however many producers share the instance.
   */
  addReplyWaiter(correlationId: string, waiter: ReplyWaiter): void {
    if (this.replyWaiters.has(correlationId)) {
      throw new MQClientError(`A request with correlation id ${correlationId} is already waiting for its reply`);
    }
    this.replyWaiters.set(correlationId, waiter);
  }

  removeReplyWaiter(correlationId: string): void {
    this.replyWaiters.delete(correlationId);
  }

  /** Number of requests waiting for a reply (for diagnostics and tests). */
  get pendingReplyCount(): number {
    return this.replyWaiters.size;
  }

  /** Runs a rebalance round soon (Java `rebalanceImmediately`). */
  rebalanceImmediately(): void {
    this.rebalanceTask?.wakeup();
  }

  async doRebalance(): Promise<void> {
    for (const c of [...this.consumers.values()]) {
      try {
        await c.doRebalance();
      } catch (err) {
        this.logger.warn(`rebalance of group ${c.groupName} failed`, err);
      }
    }
  }

  async persistAllConsumerOffset(): Promise<void> {
    for (const c of [...this.consumers.values()]) {
      try {
        await c.persistConsumerOffset();
      } catch (err) {
        this.logger.warn(`persisting offsets of ${c.groupName} failed`, err);
      }
    }
  }

  /** Refreshes the routes of every topic a producer publishes to or a consumer subscribes. */
  async updateTopicRouteInfoFromNameServer(): Promise<void> {
    const topics = new Set<string>();
    for (const c of this.consumers.values()) for (const s of c.subscriptions()) topics.add(s.topic);
    for (const p of this.producers.values()) for (const t of p.publishTopics()) topics.add(t);
    for (const topic of topics) {
      try {
        await this.updateTopicRouteInfo(topic);
      } catch (err) {
        this.logger.warn(`route refresh of ${topic} failed`, err);
      }
    }
    this.cleanOfflineBrokers();
  }

  /**
   * Fetches one topic's route and hands it to producers and consumers. With `defaultTopic`, a topic the name server
   * does not know yet borrows the default topic's route (auto-creation), capped at `defaultQueueNums` queues.
   * Returns whether a route is known afterwards. Concurrent calls for one topic share one request.
   */
  updateTopicRouteInfo(topic: string, defaultTopic?: string, defaultQueueNums = 4): Promise<boolean> {
    const key = `${topic}\u0000${defaultTopic ?? ''}`;
    let pending = this.routeUpdates.get(key);
    if (!pending) {
      pending = this.fetchRoute(topic, defaultTopic, defaultQueueNums).finally(() => this.routeUpdates.delete(key));
      this.routeUpdates.set(key, pending);
    }
    return pending;
  }

  private async fetchRoute(
    topic: string,
    defaultTopic: string | undefined,
    defaultQueueNums: number,
  ): Promise<boolean> {
    let route: TopicRouteData | undefined;
    if (defaultTopic) {
      route = await this.api.getTopicRouteInfo(defaultTopic);
      if (route) {
        for (const qd of route.queueDatas) {
          const n = Math.min(defaultQueueNums, qd.readQueueNums);
          qd.readQueueNums = n;
          qd.writeQueueNums = n;
        }
      }
    } else {
      route = await this.api.getTopicRouteInfo(topic);
    }
    if (!route) return false;
    for (const bd of route.brokerDatas) this.brokerAddrTable.set(bd.brokerName, new Map(bd.brokerAddrs));
    const publishInfo = topicRouteToPublishInfo(topic, route);
    for (const p of this.producers.values()) p.updateTopicPublishInfo(topic, publishInfo);
    const subscribeInfo = topicRouteToSubscribeInfo(topic, route);
    for (const c of this.consumers.values()) c.updateTopicSubscribeInfo(topic, subscribeInfo);
    this.topicRouteTable.set(topic, route);
    return true;
  }

  private cleanOfflineBrokers(): void {
    const inUse = new Set<string>();
    for (const route of this.topicRouteTable.values()) for (const bd of route.brokerDatas) inUse.add(bd.brokerName);
    for (const name of [...this.brokerAddrTable.keys()]) if (!inUse.has(name)) this.brokerAddrTable.delete(name);
  }

  /** Master address of a broker (where sends go). */
  findBrokerAddressInPublish(brokerName: string): string | undefined {
    return this.brokerAddrTable.get(brokerName)?.get(0);
  }

  /** Master if known, else any slave (where pulls and offset queries go). */
  findBrokerAddressInSubscribe(brokerName: string): string | undefined {
    const addrs = this.brokerAddrTable.get(brokerName);
    if (!addrs) return undefined;
    return addrs.get(0) ?? [...addrs.values()][0];
  }

  /** Any broker address of a topic, for group-wide questions (consumer list). */
  findBrokerAddrByTopic(topic: string): string | undefined {
    const route = this.topicRouteTable.get(topic);
    const bd = route?.brokerDatas[Math.floor(Math.random() * (route?.brokerDatas.length ?? 1))];
    if (!bd) return undefined;
    return bd.brokerAddrs.get(0) ?? [...bd.brokerAddrs.values()][0];
  }

  async findConsumerIdList(topic: string, group: string): Promise<string[]> {
    let addr = this.findBrokerAddrByTopic(topic);
    if (!addr) {
      await this.updateTopicRouteInfo(topic);
      addr = this.findBrokerAddrByTopic(topic);
    }
    if (!addr) return [];
    return this.api.getConsumerIdListByGroup(addr, group);
  }

  heartbeatData(): Record<string, unknown> {
    return {
      clientID: this.clientId,
      producerDataSet: [...this.producers.keys()].map((groupName) => ({ groupName })),
      consumerDataSet: [...this.consumers.values()].map((c) => ({
        groupName: c.groupName,
        consumeType: c.consumeType,
        messageModel: c.messageModel,
        consumeFromWhere: c.consumeFromWhere,
        subscriptionDataSet: c.subscriptions(),
        unitMode: false,
      })),
    };
  }

  /** Heartbeats every master (and, with consumers, every slave). Errors are logged per broker. */
  async sendHeartbeatToAllBrokers(): Promise<void> {
    if (this.producers.size === 0 && this.consumers.size === 0) return;
    const data = this.heartbeatData();
    const withConsumers = this.consumers.size > 0;
    const calls: Promise<void>[] = [];
    for (const [name, addrs] of this.brokerAddrTable) {
      for (const [id, addr] of addrs) {
        if (id !== 0 && !withConsumers) continue;
        calls.push(
          this.api.sendHeartbeat(addr, data).then(
            (version) => void this.brokerVersionTable.set(addr, version),
            (err) => this.logger.warn(`heartbeat to ${name} (${addr}) failed`, err),
          ),
        );
      }
    }
    await Promise.all(calls);
  }

  /** UNREGISTER_CLIENT to every broker for one group, after a final heartbeat without it. */
  async unregisterClient(groups: { producerGroup?: string; consumerGroup?: string }): Promise<void> {
    const calls: Promise<void>[] = [];
    for (const addrs of this.brokerAddrTable.values()) {
      for (const addr of addrs.values()) {
        calls.push(
          this.api
            .unregisterClient(addr, this.clientId, groups)
            .catch((err) => this.logger.warn(`unregister at ${addr} failed`, err)),
        );
      }
    }
    await Promise.all(calls);
  }

  private registerProcessors(): void {
    this.remoting.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, () => {
      this.rebalanceImmediately();
      return null;
    });
    this.remoting.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (req, channel) => {
      const group = req.extFields?.producerGroup;
      for (const p of this.producers.values()) {
        if (p.checkTransactionState && (group === undefined || group === p.groupName)) {
          p.checkTransactionState(channel.remoteAddr, req);
          break;
        }
      }
      return null;
    });
    this.remoting.registerProcessor(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, async (req) => {
      const group = req.extFields?.group ?? '';
      const topic = req.extFields?.topic ?? '';
      const consumer = this.consumers.get(group);
      if (consumer?.resetOffset && req.body) {
        const { parseResetOffsetBody } = await import('./reset-offset-body');
        await consumer.resetOffset(topic, parseResetOffsetBody(req.body));
      }
      return RemotingCommand.createResponse(ResponseCode.SUCCESS);
    });
    this.remoting.registerProcessor(RequestCode.GET_CONSUMER_RUNNING_INFO, (req) => {
      const consumer = this.consumers.get(req.extFields?.consumerGroup ?? '');
      if (!consumer?.runningInfo) {
        return RemotingCommand.createResponse(
          ResponseCode.SYSTEM_ERROR,
          `The Consumer Group <${req.extFields?.consumerGroup}> not exist in this consumer`,
        );
      }
      const response = RemotingCommand.createResponse(ResponseCode.SUCCESS);
      response.body = Buffer.from(JSON.stringify(consumer.runningInfo()), 'utf8');
      return response;
    });
    this.remoting.registerProcessor(RequestCode.CONSUME_MESSAGE_DIRECTLY, async (req) => {
      const consumer = this.consumers.get(req.extFields?.consumerGroup ?? '');
      if (!consumer?.consumeMessageDirectly || !req.body) {
        return RemotingCommand.createResponse(
          ResponseCode.SYSTEM_ERROR,
          `The Consumer Group <${req.extFields?.consumerGroup}> not exist in this consumer`,
        );
      }
      const result = await consumer.consumeMessageDirectly(req.body, req.extFields?.brokerName);
      const response = RemotingCommand.createResponse(ResponseCode.SUCCESS);
      response.body = Buffer.from(JSON.stringify(result), 'utf8');
      return response;
    });
    this.remoting.registerProcessor(RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT, (req) => {
      // Java `ClientRemotingProcessor.getConsumeStatus`: an unknown group (or a lite pull consumer) has no table.
      const consumer = this.consumers.get(req.extFields?.group ?? '');
      const messageQueueTable =
        consumer?.consumerStatus?.(req.extFields?.topic ?? '') ?? new Map<MessageQueue, number>();
      const response = RemotingCommand.createResponse(ResponseCode.SUCCESS);
      response.body = encodeGetConsumerStatusBody(
        { messageQueueTable, consumerTable: new Map() },
        { style: 'fastjson' },
      );
      return response;
    });
    this.remoting.registerProcessor(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (req, channel) => {
      let reply: MessageExt;
      try {
        reply = decodeReplyMessage(req, channel.remoteAddr);
      } catch (err) {
        this.logger.warn(`undecodable reply message from ${channel.remoteAddr}`, err);
        return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, 'undecodable reply message');
      }
      // Like Java, a reply nobody waits for (timed out, or another process) is acknowledged and dropped.
      const correlationId = reply.getProperty(MessageConst.CORRELATION_ID);
      const waiter = correlationId === undefined ? undefined : this.replyWaiters.get(correlationId);
      if (waiter && correlationId !== undefined) {
        this.replyWaiters.delete(correlationId);
        waiter(reply);
      } else {
        this.logger.warn(
          `reply ${correlationId ?? '(no CORRELATION_ID)'} from ${channel.remoteAddr} matches no request`,
        );
      }
      return RemotingCommand.createResponse(ResponseCode.SUCCESS);
    });
  }
}

/** Java `topicRouteData2TopicPublishInfo`: writable queues of brokers with a master, brokers sorted by name. */
export function topicRouteToPublishInfo(topic: string, route: TopicRouteData): TopicPublishInfo {
  const mqs: MessageQueue[] = [];
  if (route.orderTopicConf) {
    for (const item of route.orderTopicConf.split(';')) {
      const [brokerName, nums] = item.split(':');
      if (!brokerName || nums === undefined) continue;
      for (let i = 0; i < Number(nums); i++) mqs.push({ topic, brokerName, queueId: i });
    }
    return new TopicPublishInfo(mqs, true);
  }
  const queueDatas = [...route.queueDatas].sort((a, b) =>
    a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0,
  );
  for (const qd of queueDatas) {
    if ((qd.perm & PermName.PERM_WRITE) === 0) continue;
    const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
    if (!bd?.brokerAddrs.has(0)) continue;
    for (let i = 0; i < qd.writeQueueNums; i++) mqs.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return new TopicPublishInfo(mqs, false);
}

/** Java `topicRouteData2TopicSubscribeInfo`: readable queues. */
export function topicRouteToSubscribeInfo(topic: string, route: TopicRouteData): MessageQueue[] {
  const mqs: MessageQueue[] = [];
  for (const qd of route.queueDatas) {
    if ((qd.perm & PermName.PERM_READ) === 0) continue;
    for (let i = 0; i < qd.readQueueNums; i++) mqs.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return mqs;
}

/** Shares one `MQClientInstance` per client id in this process (Java `MQClientManager`). */
export class MQClientManager {
  private static readonly instances = new Map<string, MQClientInstance>();

  static getOrCreate(options: MQClientInstanceOptions): MQClientInstance {
    const probe = buildClientId(resolveClientConfig(options));
    let instance = this.instances.get(probe);
    if (!instance || instance.isShutdown) {
      instance = new MQClientInstance(options);
      this.instances.set(instance.clientId, instance);
    }
    instance.retain();
    return instance;
  }

  static remove(instance: MQClientInstance): void {
    if (this.instances.get(instance.clientId) === instance) this.instances.delete(instance.clientId);
  }
}
