import * as fs from 'node:fs';
import {
  CURRENT_VERSION,
  MQVersion,
  RequestCode,
  newDataVersion,
  nextDataVersion,
  type DataVersion,
  type HostAddress,
  type MessageExtBrokerInner,
} from '@rocketnest/common';
import {
  RemotingCommand,
  RemotingServer,
  SerializeType,
  type RemotingChannel,
  type RequestProcessor,
} from '@rocketnest/remoting';
import { DefaultMessageStore, type PutMessageResult } from '@rocketnest/store';
import { ConsumerManager, type ConsumerGroupEvent, type ConsumerIdsChangeListener } from './client/consumer-manager';
import { ProducerManager } from './client/producer-manager';
import { defaultBrokerConfig, finalizeBrokerConfig, type BrokerConfig } from './config/broker-config';
import { consoleLogger, type BrokerLogger } from './logger';
import { PullRequestHoldService } from './longpolling/pull-request-hold.service';
import { ConsumerOffsetManager } from './offset/consumer-offset-manager';
import { BrokerOuterApi, type BrokerIdentity } from './out/broker-outer-api';
import { AdminBrokerProcessor } from './processor/admin-broker.processor';
import { BrokerStatsManager, type BrokerStatsManagerOptions } from './stats/broker-stats-manager';
import { ClientManageProcessor } from './processor/client-manage.processor';
import { PullMessageProcessor } from './processor/pull-message.processor';
import { PopMessageProcessor } from './pop/pop-message.processor';
import { QueryAssignmentProcessor } from './pop/query-assignment.processor';
import { QueryMessageProcessor } from './processor/query-message.processor';
import { SendMessageProcessor } from './processor/send-message.processor';
import { installMessagingSemantics } from './semantics/install';
import { SubscriptionGroupManager } from './subscription/subscription-group-manager';
import { TopicConfigManager } from './topic/topic-config-manager';

/**
 * Runs in order on every single-message send (SEND_MESSAGE / V2 / reply) after the broker built the message and
 * before the store put. It may rewrite the message (topic, queue, properties — e.g. to SCHEDULE_TOPIC_XXXX or a DLQ)
 * or reject the send by returning a code and remark.
 */
export type PutMessageHook = (
  msg: MessageExtBrokerInner,
  ctx: { channel: RemotingChannel; request: RemotingCommand },
) => void | { code: number; remark: string } | Promise<void | { code: number; remark: string }>;

/** A component started after the store and stopped before it (in reverse registration order). */
export interface BrokerLifecycleComponent {
  start(): Promise<void> | void;
  shutdown(): Promise<void> | void;
}

export interface BrokerControllerOptions {
  /** Where the broker logs. Default: console. */
  logger?: BrokerLogger;
  /** Header type of responses and broker-initiated requests. Default: env ROCKETMQ_SERIALIZE_TYPE, else JSON. */
  serializeType?: SerializeType;
  /** Sampling periods of the stats served by VIEW_BROKER_STATS_DATA. Default: Java's 10 s / 10 min / 1 h. */
  statsSampling?: BrokerStatsManagerOptions;
}

function serializeTypeFromEnv(env: NodeJS.ProcessEnv): SerializeType {
  return (env.ROCKETMQ_SERIALIZE_TYPE ?? '').toUpperCase() === 'ROCKETMQ' ? SerializeType.ROCKETMQ : SerializeType.JSON;
}

type ServiceState = 'CREATE_JUST' | 'STARTING' | 'RUNNING' | 'SHUTDOWN_ALREADY' | 'START_FAILED';

/**
 * The broker (Java `BrokerController`): owns the store, the remoting server and every manager, registers the request
 * processors, and runs the periodic work (name-server registration, client expiry, offset persistence, long polling).
 *
 * Start order: configs loaded → remoting server listening (requests are refused with SYSTEM_BUSY until running) →
 * store loaded and started → lifecycle components → services → registration with the name servers.
 * Shutdown is the reverse: refuse requests, unregister, answer held pulls, stop components, close sockets, persist
 * configs and offsets, shut the store.
 */
export class BrokerController {
  readonly brokerConfig: BrokerConfig;
  readonly logger: BrokerLogger;
  readonly remotingServer: RemotingServer;
  readonly messageStore: DefaultMessageStore;
  readonly brokerOuterApi: BrokerOuterApi;
  readonly topicConfigManager: TopicConfigManager;
  readonly subscriptionGroupManager: SubscriptionGroupManager;
  readonly consumerOffsetManager: ConsumerOffsetManager;
  readonly consumerManager: ConsumerManager;
  readonly producerManager: ProducerManager;
  /** Per-topic / per-group counters for VIEW_BROKER_STATS_DATA. */
  readonly brokerStatsManager: BrokerStatsManager;
  readonly pullRequestHoldService: PullRequestHoldService;
  readonly putMessageHooks: PutMessageHook[] = [];
  /** Extra listeners of consumer-group changes (the semantics part uses them, e.g. for ordered-consumption locks). */
  readonly consumerIdsChangeListeners: ConsumerIdsChangeListener[] = [];
  /** Set by the semantics part; without it, prepared (TRAN_MSG) sends get NO_PERMISSION "transaction not enabled". */
  transactionalMessageService?: { prepareMessage(msg: MessageExtBrokerInner): Promise<PutMessageResult> };
  /** Set by the semantics part: compiles an SQL92 expression; throws on a parse error. */
  sql92FilterFactory?: (expression: string) => (properties: Record<string, string>) => boolean;

  readonly sendMessageProcessor: SendMessageProcessor;
  readonly pullMessageProcessor: PullMessageProcessor;
  readonly clientManageProcessor: ClientManageProcessor;
  readonly adminBrokerProcessor: AdminBrokerProcessor;
  readonly queryMessageProcessor: QueryMessageProcessor;
  /** POP_MESSAGE / ACK_MESSAGE / CHANGE_MESSAGE_INVISIBLETIME, checkpoints and revive. */
  readonly popMessageProcessor: PopMessageProcessor;
  /** QUERY_ASSIGNMENT / SET_MESSAGE_REQUEST_MODE. */
  readonly queryAssignmentProcessor: QueryAssignmentProcessor;

  /** Version of the broker config (GET_BROKER_CONFIG header). */
  configDataVersion: DataVersion = newDataVersion();
  readonly bootTimestamp = Date.now();
  /** Store host (brokerIP1 + listen port) written into records and offset msgIds. */
  readonly storeHost: HostAddress;

  private state: ServiceState = 'CREATE_JUST';
  private readonly lifecycle: BrokerLifecycleComponent[] = [];
  private readonly startedComponents: BrokerLifecycleComponent[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private registerTimer: NodeJS.Timeout | undefined;
  private registerPending = false;
  private registering: Promise<void> | undefined;
  private startPromise: Promise<void> | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;

  constructor(config: Partial<BrokerConfig> & { storePathRootDir: string }, opts: BrokerControllerOptions = {}) {
    const merged: BrokerConfig = { ...defaultBrokerConfig(), ...stripUndefined(config) };
    this.brokerConfig = finalizeBrokerConfig(merged);
    this.logger = opts.logger ?? consoleLogger;
    const cfg = this.brokerConfig;

    this.storeHost = { address: cfg.brokerIP1, port: cfg.listenPort };
    this.topicConfigManager = new TopicConfigManager(cfg, () => this.notifyTopicsChanged());
    this.subscriptionGroupManager = new SubscriptionGroupManager(cfg);
    this.consumerOffsetManager = new ConsumerOffsetManager(cfg);
    this.consumerManager = new ConsumerManager(
      (event, group, channels) => this.onConsumerGroupEvent(event, group, channels),
      () => this.brokerConfig.channelExpiredTimeout,
    );
    this.producerManager = new ProducerManager(() => this.brokerConfig.channelExpiredTimeout);
    this.remotingServer = new RemotingServer({
      port: cfg.listenPort,
      host: cfg.bindAddress,
      // Java answers in the server's configured type (JSON unless ROCKETMQ_SERIALIZE_TYPE / -Drocketmq.serialize.type
      // say ROCKETMQ), whatever the request used — see the producer-rocketmq-serialize wire fixture.
      serializeType: opts.serializeType ?? serializeTypeFromEnv(process.env),
      onError: (err, request) => this.logger.error(`processing request code ${request.code} failed`, err),
    });
    this.brokerOuterApi = new BrokerOuterApi(this.logger);
    this.brokerOuterApi.updateNameServerAddressList(cfg.namesrvAddr);

    this.brokerStatsManager = new BrokerStatsManager(() => this.brokerConfig.brokerClusterName, opts.statsSampling);
    this.messageStore = new DefaultMessageStore(
      {
        storePathRootDir: cfg.storePathRootDir,
        storePathCommitLog: cfg.storePathCommitLog,
        mappedFileSizeCommitLog: cfg.mappedFileSizeCommitLog,
        mappedFileSizeConsumeQueue: cfg.mappedFileSizeConsumeQueue,
        flushDiskType: cfg.flushDiskType,
        brokerRole: cfg.brokerRole,
        flushIntervalCommitLog: cfg.flushIntervalCommitLog,
        flushIntervalConsumeQueue: cfg.flushIntervalConsumeQueue,
        syncFlushTimeout: cfg.syncFlushTimeout,
        fileReservedTime: cfg.fileReservedTime,
        deleteWhen: cfg.deleteWhen,
        maxMessageSize: cfg.maxMessageSize,
        messageDelayLevel: cfg.messageDelayLevel,
        messageIndexEnable: cfg.messageIndexEnable,
        maxHashSlotNum: cfg.maxHashSlotNum,
        maxIndexNum: cfg.maxIndexNum,
        maxMsgsNumBatch: cfg.maxMsgsNumBatch,
        brokerHost: this.storeHost,
      },
      // The store reports the queue's new max offset (consume-queue offset + 1), as Java's listener gets it.
      (topic, queueId, maxOffset, tagsCode, storeTimestamp, properties) => {
        this.popMessageProcessor.notifyMessageArriving(topic, queueId);
        this.pullRequestHoldService.notifyMessageArriving(
          topic,
          queueId,
          maxOffset,
          tagsCode,
          storeTimestamp,
          null,
          properties,
        );
      },
    );

    this.sendMessageProcessor = new SendMessageProcessor(this);
    this.pullMessageProcessor = new PullMessageProcessor(this);
    this.clientManageProcessor = new ClientManageProcessor(this);
    this.adminBrokerProcessor = new AdminBrokerProcessor(this);
    this.queryMessageProcessor = new QueryMessageProcessor(this);
    this.popMessageProcessor = new PopMessageProcessor(this);
    this.queryAssignmentProcessor = new QueryAssignmentProcessor(this);
    this.pullRequestHoldService = new PullRequestHoldService({
      getMaxOffsetInQueue: (topic, queueId) => this.messageStore.getMaxOffsetInQueue(topic, queueId),
      executeRequestWhenWakeup: (pull) => this.pullMessageProcessor.executeRequestWhenWakeup(pull),
      checkIntervalMs: () =>
        this.brokerConfig.longPollingEnable
          ? this.brokerConfig.pullRequestHoldCheckInterval
          : Math.min(this.brokerConfig.pullRequestHoldCheckInterval, this.brokerConfig.shortPollingTimeMills),
    });

    this.registerProcessors();
    this.remotingServer.on('close', (channel: RemotingChannel) => this.onChannelClosed(channel));
    installMessagingSemantics(this);
  }

  /** The bound remoting port (after start; the configured one before). */
  get port(): number {
    return this.remotingServer.port || this.brokerConfig.listenPort;
  }

  /** `brokerIP1:port` — the address clients use. */
  get brokerAddr(): string {
    return `${this.brokerConfig.brokerIP1}:${this.port}`;
  }

  get haServerAddr(): string {
    return `${this.brokerConfig.brokerIP2}:${this.brokerConfig.haListenPort}`;
  }

  isRunning(): boolean {
    return this.state === 'RUNNING';
  }

  /** Registers (or replaces) the processor of a request code; requests are refused while the broker is not running. */
  registerProcessor(code: number, processor: RequestProcessor): void {
    this.remotingServer.registerProcessor(code, processor, { rejectRequest: () => this.state !== 'RUNNING' });
  }

  registerLifecycle(component: BrokerLifecycleComponent): void {
    this.lifecycle.push(component);
  }

  private registerProcessors(): void {
    const send: RequestProcessor = (req, ch) => this.sendMessageProcessor.processRequest(req, ch);
    this.registerProcessor(RequestCode.SEND_MESSAGE, send);
    this.registerProcessor(RequestCode.SEND_MESSAGE_V2, send);
    this.registerProcessor(RequestCode.SEND_BATCH_MESSAGE, send);
    const pull: RequestProcessor = (req, ch) => this.pullMessageProcessor.processRequest(req, ch);
    this.registerProcessor(RequestCode.PULL_MESSAGE, pull);
    this.registerProcessor(RequestCode.LITE_PULL_MESSAGE, pull);
    const cm = this.clientManageProcessor;
    this.registerProcessor(RequestCode.HEART_BEAT, (req, ch) => cm.heartBeat(req, ch));
    this.registerProcessor(RequestCode.UNREGISTER_CLIENT, (req, ch) => cm.unregisterClient(req, ch));
    this.registerProcessor(RequestCode.GET_CONSUMER_LIST_BY_GROUP, (req) => cm.getConsumerListByGroup(req));
    this.registerProcessor(RequestCode.QUERY_CONSUMER_OFFSET, (req) => cm.queryConsumerOffset(req));
    this.registerProcessor(RequestCode.UPDATE_CONSUMER_OFFSET, (req) => cm.updateConsumerOffset(req));
    const pop = this.popMessageProcessor;
    this.registerProcessor(RequestCode.POP_MESSAGE, (req, ch) => pop.popMessage(req, ch));
    this.registerProcessor(RequestCode.ACK_MESSAGE, (req, ch) => pop.ackMessage(req, ch));
    this.registerProcessor(RequestCode.PEEK_MESSAGE, (req, ch) => pop.peekMessage(req, ch));
    this.registerProcessor(RequestCode.POLLING_INFO, (req, ch) => pop.pollingInfo(req, ch));
    this.registerProcessor(RequestCode.NOTIFICATION, (req, ch) => pop.notification(req, ch));
    this.registerProcessor(RequestCode.BATCH_ACK_MESSAGE, (req, ch) => pop.batchAckMessage(req, ch));
    this.registerProcessor(RequestCode.CHANGE_MESSAGE_INVISIBLETIME, (req, ch) => pop.changeInvisibleTime(req, ch));
    const qa = this.queryAssignmentProcessor;
    this.registerProcessor(RequestCode.QUERY_ASSIGNMENT, (req, ch) => qa.queryAssignment(req, ch));
    this.registerProcessor(RequestCode.SET_MESSAGE_REQUEST_MODE, (req) => qa.setMessageRequestMode(req));
    const q = this.queryMessageProcessor;
    this.registerProcessor(RequestCode.QUERY_MESSAGE, (req) => q.queryMessage(req));
    this.registerProcessor(RequestCode.VIEW_MESSAGE_BY_ID, (req) => q.viewMessageById(req));
    const a = this.adminBrokerProcessor;
    this.registerProcessor(RequestCode.UPDATE_AND_CREATE_TOPIC, (req, ch) => a.updateAndCreateTopic(req, ch));
    this.registerProcessor(RequestCode.DELETE_TOPIC_IN_BROKER, (req) => a.deleteTopic(req));
    this.registerProcessor(RequestCode.GET_ALL_TOPIC_CONFIG, () => a.getAllTopicConfig());
    this.registerProcessor(RequestCode.GET_TOPIC_CONFIG, (req) => a.getTopicConfig(req));
    this.registerProcessor(RequestCode.UPDATE_BROKER_CONFIG, (req) => a.updateBrokerConfig(req));
    this.registerProcessor(RequestCode.GET_BROKER_CONFIG, () => a.getBrokerConfig());
    this.registerProcessor(RequestCode.GET_BROKER_RUNTIME_INFO, () => a.getBrokerRuntimeInfo());
    this.registerProcessor(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, (req) => a.searchOffsetByTimestamp(req));
    this.registerProcessor(RequestCode.GET_MAX_OFFSET, (req) => a.getMaxOffset(req));
    this.registerProcessor(RequestCode.GET_MIN_OFFSET, (req) => a.getMinOffset(req));
    this.registerProcessor(RequestCode.GET_EARLIEST_MSG_STORETIME, (req) => a.getEarliestMsgStoretime(req));
    this.registerProcessor(RequestCode.GET_ALL_CONSUMER_OFFSET, () => a.getAllConsumerOffset());
    this.registerProcessor(RequestCode.GET_TOPIC_STATS_INFO, (req) => a.getTopicStatsInfo(req));
    this.registerProcessor(RequestCode.GET_CONSUMER_CONNECTION_LIST, (req) => a.getConsumerConnectionList(req));
    this.registerProcessor(RequestCode.GET_CONSUME_STATS, (req) => a.getConsumeStats(req));
    this.registerProcessor(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, (req) => a.queryTopicConsumeByWho(req));
    this.registerProcessor(RequestCode.QUERY_TOPICS_BY_CONSUMER, (req) => a.queryTopicsByConsumer(req));
    this.registerProcessor(RequestCode.GET_PRODUCER_CONNECTION_LIST, (req) => a.getProducerConnectionList(req));
    this.registerProcessor(RequestCode.GET_BROKER_CONSUME_STATS, (req) => a.getBrokerConsumeStats(req));
    this.registerProcessor(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, () => a.getSystemTopicListFromBroker());
    this.registerProcessor(RequestCode.GET_ALL_PRODUCER_INFO, () => a.getAllProducerInfo());
    this.registerProcessor(RequestCode.QUERY_CONSUME_TIME_SPAN, (req) => a.queryConsumeTimeSpan(req));
    this.registerProcessor(RequestCode.CLEAN_UNUSED_TOPIC, () => a.cleanUnusedTopic());
    this.registerProcessor(RequestCode.QUERY_CONSUME_QUEUE, (req) => a.queryConsumeQueue(req));
    this.registerProcessor(RequestCode.VIEW_BROKER_STATS_DATA, (req) => a.viewBrokerStatsData(req));
    this.registerProcessor(RequestCode.QUERY_CORRECTION_OFFSET, (req) => a.queryCorrectionOffset(req));
    this.registerProcessor(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, (req) => a.getConsumerStatus(req));
    this.registerProcessor(RequestCode.RESUME_CHECK_HALF_MESSAGE, (req) => a.resumeCheckHalfMessage(req));
    this.registerProcessor(RequestCode.GET_CONSUMER_RUNNING_INFO, (req) => a.callConsumer(req));
    this.registerProcessor(RequestCode.CONSUME_MESSAGE_DIRECTLY, (req) => a.callConsumer(req));
    this.registerProcessor(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, (req) =>
      a.updateAndCreateSubscriptionGroup(req),
    );
    this.registerProcessor(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, () => a.getAllSubscriptionGroupConfig());
    this.registerProcessor(RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, (req) => a.getSubscriptionGroupConfig(req));
    this.registerProcessor(RequestCode.DELETE_SUBSCRIPTIONGROUP, (req) => a.deleteSubscriptionGroup(req));
    this.registerProcessor(RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE, async () => {
      await this.messageStore.cleanExpiredConsumerQueue();
      return RemotingCommand.createResponse(0);
    });
    this.registerProcessor(RequestCode.DELETE_EXPIRED_COMMITLOG, () => {
      this.messageStore.executeDeleteFilesManually();
      return RemotingCommand.createResponse(0);
    });
  }

  /** Starts everything; resolves when the broker accepts requests and has tried its first registration. */
  start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') {
      if (this.startPromise) return this.startPromise;
      return Promise.reject(new Error(`BrokerController cannot start in state ${this.state}`));
    }
    this.state = 'STARTING';
    this.startPromise = this.doStart().catch(async (err: unknown) => {
      this.state = 'START_FAILED';
      await this.stopAll().catch(() => undefined);
      throw err;
    });
    return this.startPromise;
  }

  private async doStart(): Promise<void> {
    const cfg = this.brokerConfig;
    this.topicConfigManager.load();
    this.subscriptionGroupManager.load();
    this.consumerOffsetManager.load();
    this.queryAssignmentProcessor.load();
    this.popMessageProcessor.load();
    await this.remotingServer.start();
    // An ephemeral listen port is known only now; records and msgIds carry the real one.
    this.storeHost.port = this.remotingServer.port;
    if (cfg.haListenPort === 0) cfg.haListenPort = this.remotingServer.port + 1;
    const loaded = await this.messageStore.load();
    if (loaded === false) throw new Error(`the message store under ${cfg.storePathRootDir} could not be loaded`);
    await this.messageStore.start();
    for (const component of this.lifecycle) {
      await component.start();
      this.startedComponents.push(component);
    }
    this.pullRequestHoldService.start();
    this.popMessageProcessor.start();
    this.brokerStatsManager.start();
    this.brokerOuterApi.start();
    this.schedule(
      () => this.scanNotActiveChannels(),
      () => cfg.clientHousekeepingInterval,
    );
    this.schedule(
      () => this.persistOffsets(),
      () => cfg.flushConsumerOffsetInterval,
    );
    this.schedule(
      () => this.requestRegistration(),
      () => cfg.registerNameServerPeriod,
    );
    this.state = 'RUNNING';
    this.logger.info(
      `The broker[${cfg.brokerName}, ${this.brokerAddr}] boot success. serializeType=JSON and name server is ${cfg.namesrvAddr ?? '(none)'}`,
    );
    await this.registerBrokerAll();
  }

  /** A repeating task whose period is read from the config each time (hot-updatable timings). */
  private schedule(task: () => void | Promise<void>, periodMs: () => number): void {
    const run = (): void => {
      const timer = setTimeout(() => {
        const idx = this.timers.indexOf(timer);
        if (idx >= 0) this.timers.splice(idx, 1);
        if (this.state !== 'RUNNING') return;
        Promise.resolve()
          .then(task)
          .catch((err: unknown) => this.logger.error('periodic task failed', err))
          .finally(() => {
            if (this.state === 'RUNNING') run();
          });
      }, periodMs());
      timer.unref?.();
      this.timers.push(timer);
    };
    run();
  }

  /** Stops everything in reverse order; waits for a start in progress first. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      if (this.state === 'STARTING' && this.startPromise) await this.startPromise.catch(() => undefined);
      await this.stopAll();
    })();
    return this.shutdownPromise;
  }

  /** The shutdown sequence, run at most once (by `shutdown()` or by a failed `start()`). */
  private stopAll(): Promise<void> {
    this.stopPromise ??= this.doStop();
    return this.stopPromise;
  }

  private async doStop(): Promise<void> {
    const wasRunning = this.state === 'RUNNING';
    this.state = 'SHUTDOWN_ALREADY';
    for (const t of this.timers.splice(0)) clearTimeout(t);
    if (this.registerTimer) clearTimeout(this.registerTimer);
    this.registerTimer = undefined;
    if (this.registering) await this.registering.catch(() => undefined);
    if (wasRunning) {
      await this.brokerOuterApi
        .unregisterBrokerAll(this.identity(), Math.min(3000, this.brokerConfig.registerBrokerTimeoutMills))
        .catch(() => undefined);
    }
    this.pullRequestHoldService.shutdown();
    try {
      await this.popMessageProcessor.shutdown();
    } catch (err) {
      this.logger.error('the pop service failed to shut down', err);
    }
    this.brokerStatsManager.shutdown();
    for (const component of this.startedComponents.splice(0).reverse()) {
      try {
        await component.shutdown();
      } catch (err) {
        this.logger.error('a broker component failed to shut down', err);
      }
    }
    await this.remotingServer.shutdown();
    // Let store puts already in flight settle before the store closes (bounded: 3 s).
    const settleBy = Date.now() + 3000;
    while (this.sendMessageProcessor.inFlightPuts > 0 && Date.now() < settleBy) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    try {
      this.consumerOffsetManager.persist();
      this.topicConfigManager.persist();
      this.subscriptionGroupManager.persist();
    } catch (err) {
      this.logger.error('persisting configs at shutdown failed', err);
    }
    await this.messageStore.shutdown();
    await this.brokerOuterApi.shutdown();
    if (wasRunning) this.logger.info(`The broker[${this.brokerConfig.brokerName}, ${this.brokerAddr}] shut down`);
  }

  identity(): BrokerIdentity {
    const cfg = this.brokerConfig;
    return {
      clusterName: cfg.brokerClusterName,
      brokerName: cfg.brokerName,
      brokerId: cfg.brokerId,
      brokerAddr: this.brokerAddr,
      haServerAddr: this.haServerAddr,
    };
  }

  /** Topic table changed: re-register with the name servers soon (changes in one tick are coalesced). */
  notifyTopicsChanged(): void {
    if (this.state !== 'RUNNING') return;
    if (this.registerTimer) return;
    this.registerTimer = setTimeout(() => {
      this.registerTimer = undefined;
      this.requestRegistration();
    }, 0);
  }

  /** Starts a registration, or queues one behind the registration in flight. */
  private requestRegistration(): void {
    if (this.registering) {
      this.registerPending = true;
      return;
    }
    void this.registerBrokerAll();
  }

  /** REGISTER_BROKER to every name server now. Never throws. */
  registerBrokerAll(): Promise<void> {
    if (this.registering) {
      this.registerPending = true;
      return this.registering;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.registerPending = false;
          await this.brokerOuterApi.registerBrokerAll(
            this.identity(),
            this.topicConfigManager.topicConfigTable,
            this.topicConfigManager.dataVersion,
            this.brokerConfig.registerBrokerTimeoutMills,
          );
        } while (this.registerPending && this.state === 'RUNNING');
      } catch (err) {
        this.logger.error('registration with the name servers failed', err);
      } finally {
        this.registering = undefined;
      }
    };
    this.registering = run();
    return this.registering;
  }

  /** Persists consumer offsets if changed (every `flushConsumerOffsetInterval`). */
  persistOffsets(): void {
    try {
      this.consumerOffsetManager.persistIfDirty();
    } catch (err) {
      this.logger.error('persisting consumer offsets failed', err);
    }
  }

  /** Drops clients silent for longer than `channelExpiredTimeout` and closes their connections. */
  scanNotActiveChannels(): void {
    const expired = new Set([
      ...this.consumerManager.scanNotActiveChannel(),
      ...this.producerManager.scanNotActiveChannel(),
    ]);
    for (const channel of expired) {
      this.logger.warn(
        `client channel ${channel.remoteAddr} expired (no heartbeat for ${this.brokerConfig.channelExpiredTimeout} ms)`,
      );
      channel.close();
    }
  }

  private onChannelClosed(channel: RemotingChannel): void {
    this.producerManager.doChannelCloseEvent(channel);
    this.consumerManager.doChannelCloseEvent(channel);
  }

  private onConsumerGroupEvent(event: ConsumerGroupEvent, group: string, channels: RemotingChannel[]): void {
    if (event === 'CHANGE') {
      for (const channel of channels) this.notifyConsumerIdsChanged(channel, group);
    }
    for (const listener of this.consumerIdsChangeListeners) {
      try {
        listener(event, group, channels);
      } catch (err) {
        this.logger.error('a consumer-ids-change listener failed', err);
      }
    }
  }

  /** NOTIFY_CONSUMER_IDS_CHANGED (oneway) to one consumer (Java `Broker2Client`). */
  notifyConsumerIdsChanged(channel: RemotingChannel, group: string): void {
    if (!channel.isActive()) return;
    const request = RemotingCommand.createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: group });
    this.remotingServer.invokeOneway(channel, request).catch((err: unknown) => {
      this.logger.warn(`notifyConsumerIdsChanged to ${channel.remoteAddr} failed: ${(err as Error).message}`);
    });
  }

  /** UPDATE_BROKER_CONFIG changed something. */
  configDataVersionBump(): void {
    this.configDataVersion = nextDataVersion(this.configDataVersion);
  }

  /** Store time of the record at the commit log's min offset, -1 when there is none (Java `getEarliestMessageTime()`). */
  private async earliestMessageTimeStamp(): Promise<number> {
    const minPhyOffset = this.messageStore.getMinPhyOffset();
    if (minPhyOffset < 0) return -1;
    const msg = await this.messageStore.lookMessageByOffset(minPhyOffset);
    return msg ? msg.storeTimestamp : -1;
  }

  /** GET_BROKER_RUNTIME_INFO table (the keys Java's admin tools read, plus the store's own figures). */
  async runtimeInfo(): Promise<Record<string, string>> {
    const cfg = this.brokerConfig;
    const uptimeMs = Date.now() - this.bootTimestamp;
    const secs = Math.floor(uptimeMs / 1000);
    const store = this.messageStore;
    const storeInfo: Record<string, string> = store.getRuntimeInfo?.() ?? {};
    const gets = this.pullMessageProcessor.getCount + this.popMessageProcessor.popCount;
    const table: Record<string, string> = {
      brokerVersionDesc: versionName(CURRENT_VERSION),
      brokerVersion: String(CURRENT_VERSION),
      bootTimestamp: String(this.bootTimestamp),
      runtime: `[ ${Math.floor(secs / 86400)} days, ${Math.floor(secs / 3600) % 24} hours, ${Math.floor(secs / 60) % 60} minutes, ${secs % 60} seconds ]`,
      brokerActive: 'true',
      msgPutTotalTodayNow: String(this.sendMessageProcessor.putCount),
      msgGetTotalTodayNow: String(gets),
      msgPutTotalTodayMorning: '0',
      msgGetTotalTodayMorning: '0',
      msgPutTotalYesterdayMorning: '0',
      msgGetTotalYesterdayMorning: '0',
      putTps: `${tps(this.sendMessageProcessor.putCount, uptimeMs)} ${tps(this.sendMessageProcessor.putCount, uptimeMs)} `,
      getTransferredTps: `${tps(gets, uptimeMs)} ${tps(gets, uptimeMs)} `,
      // 4.9.x admin tools read Java's older spelling.
      getTransferedTps: `${tps(gets, uptimeMs)} ${tps(gets, uptimeMs)} `,
      sendThreadPoolQueueHeadWaitTimeMills: '0',
      pullThreadPoolQueueHeadWaitTimeMills: '0',
      queryThreadPoolQueueHeadWaitTimeMills: '0',
      sendThreadPoolQueueSize: String(this.sendMessageProcessor.inFlightPuts),
      sendThreadPoolQueueCapacity: String(cfg.sendThreadPoolQueueCapacity),
      pullThreadPoolQueueSize: String(this.pullRequestHoldService.size),
      pageCacheLockTimeMills: '0',
      earliestMessageTimeStamp: String(storeInfo.earliestMessageTimeStamp ?? (await this.earliestMessageTimeStamp())),
      commitLogDiskRatio: storeInfo.commitLogDiskRatio ?? '0.0',
      commitLogDirCapacity:
        storeInfo.commitLogDirCapacity ?? diskCapacity(cfg.storePathCommitLog, cfg.storePathRootDir),
      startAcceptSendRequestTimeStamp: '0',
    };
    return { ...storeInfo, ...table };
  }
}

/** Java's `commitLogDirCapacity` text: `Total : 252.0 GiB, Free : 229.9 GiB.` */
function diskCapacity(...dirs: string[]): string {
  for (const dir of dirs) {
    try {
      const st = fs.statfsSync(dir);
      const gib = (n: number): string => `${(n / 1024 ** 3).toFixed(1)} GiB`;
      return `Total : ${gib(st.blocks * st.bsize)}, Free : ${gib(st.bavail * st.bsize)}.`;
    } catch {
      // try the next directory
    }
  }
  return 'Total : unknown, Free : unknown.';
}

function tps(count: number, uptimeMs: number): string {
  const v = uptimeMs > 0 ? (count * 1000) / uptimeMs : 0;
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

function versionName(ordinal: number): string {
  for (const [name, value] of Object.entries(MQVersion)) if (value === ordinal) return name;
  return `V${ordinal}`;
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
