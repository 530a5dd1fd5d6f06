import * as path from 'node:path';
import {
  PermName,
  SystemTopic,
  createTopicConfig,
  decodeTopicConfigWrapper,
  encodeTopicConfigWrapper,
  getReplyTopic,
  isInherited,
  isSysTopic,
  newDataVersion,
  nextDataVersion,
  type DataVersion,
  type TopicConfig,
} from '@rocketnest/common';
import type { BrokerConfig } from '../config/broker-config';
import { readConfigFile, writeFileAtomicSync } from '../config/config-file';

/** Topic-name prefixes the Java broker uses for its own topics (beyond common's `SystemTopic`). */
const SYNC_BROKER_MEMBER_GROUP_PREFIX = 'rmq_sys_SYNC_BROKER_MEMBER_';
const REVIVE_TOPIC_PREFIX = 'rmq_sys_REVIVE_LOG_';

export const SCHEDULE_TOPIC_QUEUE_NUM = 18;

/**
 * The broker's topic table, persisted as `config/topics.json` (Java `TopicConfigManager`): creates the system
 * topics at start, auto-creates topics on first send from a template topic with PERM_INHERIT (TBW102), and bumps the
 * DataVersion on every change so the name servers take the new table.
 */
export class TopicConfigManager {
  readonly topicConfigTable = new Map<string, TopicConfig>();
  dataVersion: DataVersion = newDataVersion();
  private readonly systemTopics = new Set<string>();
  readonly file: string;

  constructor(
    private readonly brokerConfig: BrokerConfig,
    /** Called after every change (the controller re-registers with the name servers). */
    private readonly onChanged: () => void = () => {},
  ) {
    this.file = path.join(brokerConfig.storePathRootDir, 'config', 'topics.json');
    this.initSystemTopics();
  }

  /** A topic config as the 5.x broker creates it (`attributes` present, empty). */
  static newTopicConfig(topic: string, read: number, write: number, perm: number): TopicConfig {
    return createTopicConfig(topic, { readQueueNums: read, writeQueueNums: write, perm, attributes: {} });
  }

  private addSystem(topic: string, read: number, write: number, perm = PermName.PERM_READ | PermName.PERM_WRITE): void {
    this.systemTopics.add(topic);
    const tc = TopicConfigManager.newTopicConfig(topic, read, write, perm);
    this.topicConfigTable.set(topic, tc);
  }

  private initSystemTopics(): void {
    const c = this.brokerConfig;
    const rw = PermName.PERM_READ | PermName.PERM_WRITE;
    this.addSystem(SystemTopic.SELF_TEST_TOPIC, 1, 1);
    if (c.autoCreateTopicEnable) {
      this.addSystem(
        SystemTopic.AUTO_CREATE_TOPIC_KEY_TOPIC,
        c.defaultTopicQueueNums,
        c.defaultTopicQueueNums,
        PermName.PERM_INHERIT | rw,
      );
    }
    this.addSystem(SystemTopic.BENCHMARK_TOPIC, 1024, 1024);
    this.addSystem(c.brokerClusterName, 16, 16, PermName.PERM_INHERIT | (c.clusterTopicEnable ? rw : 0));
    this.addSystem(c.brokerName, 1, 1, PermName.PERM_INHERIT | (c.brokerTopicEnable ? rw : 0));
    this.addSystem(SystemTopic.OFFSET_MOVED_EVENT, 1, 1);
    this.addSystem(SystemTopic.SCHEDULE_TOPIC, SCHEDULE_TOPIC_QUEUE_NUM, SCHEDULE_TOPIC_QUEUE_NUM);
    if (c.traceTopicEnable) this.addSystem(c.msgTraceTopicName, 1, 1);
    this.addSystem(getReplyTopic(c.brokerClusterName), 1, 1);
    this.addSystem(`${REVIVE_TOPIC_PREFIX}${c.brokerClusterName}`, 8, 8);
    this.addSystem(`${SYNC_BROKER_MEMBER_GROUP_PREFIX}${c.brokerName}`, 1, 1, PermName.PERM_INHERIT);
    this.addSystem(SystemTopic.TRANS_HALF_TOPIC, 1, 1);
    this.addSystem(SystemTopic.TRANS_OP_HALF_TOPIC, 1, 1);
    if (c.timerWheelEnable) this.addSystem(SystemTopic.WHEEL_TIMER_TOPIC, 1, 1);
  }

  isSystemTopic(topic: string): boolean {
    return isSysTopic(topic, this.systemTopics);
  }

  /** Loads `topics.json` (or its `.bak`); entries there override the built-in system topics. */
  load(): boolean {
    const loaded = readConfigFile(this.file, (text) => decodeTopicConfigWrapper(text));
    if (!loaded) return true;
    for (const [name, tc] of Object.entries(loaded.topicConfigTable)) this.topicConfigTable.set(name, tc);
    this.dataVersion = loaded.dataVersion;
    return true;
  }

  encode(): string {
    return encodeTopicConfigWrapper(
      { topicConfigTable: Object.fromEntries(this.topicConfigTable), dataVersion: this.dataVersion },
      { pretty: true },
    ).toString('utf8');
  }

  persist(): void {
    writeFileAtomicSync(this.file, this.encode());
  }

  selectTopicConfig(topic: string): TopicConfig | undefined {
    return this.topicConfigTable.get(topic);
  }

  isOrderTopic(topic: string): boolean {
    return this.topicConfigTable.get(topic)?.order ?? false;
  }

  private changed(): void {
    this.dataVersion = nextDataVersion(this.dataVersion);
    this.persist();
    this.onChanged();
  }

  /**
   * Java `createTopicInSendMessageMethod`: creates `topic` from the template `defaultTopic` when the template exists
   * and is inheritable; queue count = min(client's defaultTopicQueueNums, template's write queues). Returns the
   * topic's config, or undefined when it may not be created.
   */
  createTopicInSendMessageMethod(
    topic: string,
    defaultTopic: string,
    clientDefaultTopicQueueNums: number,
    topicSysFlag: number,
  ): TopicConfig | undefined {
    const existing = this.topicConfigTable.get(topic);
    if (existing) return existing;
    const template = this.topicConfigTable.get(defaultTopic);
    if (!template) return undefined;
    let templatePerm = template.perm;
    if (defaultTopic === SystemTopic.AUTO_CREATE_TOPIC_KEY_TOPIC && !this.brokerConfig.autoCreateTopicEnable) {
      templatePerm = PermName.PERM_READ | PermName.PERM_WRITE;
    }
    if (!isInherited(templatePerm)) return undefined;
    const queueNums = Math.max(0, Math.min(clientDefaultTopicQueueNums, template.writeQueueNums));
    const tc = TopicConfigManager.newTopicConfig(topic, queueNums, queueNums, templatePerm & ~PermName.PERM_INHERIT);
    tc.topicSysFlag = topicSysFlag;
    tc.topicFilterType = template.topicFilterType;
    this.topicConfigTable.set(topic, tc);
    this.changed();
    return tc;
  }

  /** Java `createTopicInSendMessageBackMethod` (retry / DLQ topics). */
  createTopicInSendMessageBackMethod(topic: string, queueNums: number, perm: number, topicSysFlag = 0): TopicConfig {
    const existing = this.topicConfigTable.get(topic);
    if (existing) return existing;
    const tc = TopicConfigManager.newTopicConfig(topic, queueNums, queueNums, perm);
    tc.topicSysFlag = topicSysFlag;
    this.topicConfigTable.set(topic, tc);
    this.changed();
    return tc;
  }

  /** Creates or replaces a topic (UPDATE_AND_CREATE_TOPIC). */
  updateTopicConfig(tc: TopicConfig): void {
    this.topicConfigTable.set(tc.topicName, tc);
    this.changed();
  }

  deleteTopicConfig(topic: string): boolean {
    if (!this.topicConfigTable.delete(topic)) return false;
    this.changed();
    return true;
  }
}
