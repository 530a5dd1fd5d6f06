import type { SubscriptionData } from '@rocketnest/common';
import type { RemotingChannel } from '@rocketnest/remoting';

/** One client connection as the broker knows it (Java `ClientChannelInfo`). */
export interface ClientChannelInfo {
  readonly channel: RemotingChannel;
  readonly clientId: string;
  /** LanguageCode name as the client sent it. */
  readonly language: string;
  readonly version: number;
  /** Last heartbeat, epoch ms. */
  lastUpdateTimestamp: number;
}

/** Java `ConsumerGroupEvent`. */
export type ConsumerGroupEvent = 'CHANGE' | 'UNREGISTER' | 'REGISTER' | 'CLIENT_REGISTER' | 'CLIENT_UNREGISTER';

export type ConsumerIdsChangeListener = (event: ConsumerGroupEvent, group: string, channels: RemotingChannel[]) => void;

/** Members and subscriptions of one consumer group (Java `ConsumerGroupInfo`). */
export class ConsumerGroupInfo {
  /** channel id → client. */
  readonly channelInfoTable = new Map<string, ClientChannelInfo>();
  /** topic → subscription. */
  readonly subscriptionTable = new Map<string, SubscriptionData>();
  consumeType = 'CONSUME_PASSIVELY';
  messageModel = 'CLUSTERING';
  consumeFromWhere = 'CONSUME_FROM_LAST_OFFSET';
  lastUpdateTimestamp = Date.now();

  constructor(readonly groupName: string) {}

  getAllChannels(): RemotingChannel[] {
    return [...this.channelInfoTable.values()].map((c) => c.channel);
  }

  getAllClientIds(): string[] {
    return [...this.channelInfoTable.values()].map((c) => c.clientId);
  }

  findChannel(clientId: string): ClientChannelInfo | undefined {
    for (const info of this.channelInfoTable.values()) if (info.clientId === clientId) return info;
    return undefined;
  }

  findSubscriptionData(topic: string): SubscriptionData | undefined {
    return this.subscriptionTable.get(topic);
  }

  /** Adds or refreshes a member; true when the member set changed. */
  updateChannel(info: ClientChannelInfo, consumeType: string, messageModel: string, consumeFromWhere: string): boolean {
    this.consumeType = consumeType;
    this.messageModel = messageModel;
    this.consumeFromWhere = consumeFromWhere;
    const now = Date.now();
    this.lastUpdateTimestamp = now;
    const existing = this.channelInfoTable.get(info.channel.id);
    if (!existing || existing.clientId !== info.clientId) {
      this.channelInfoTable.set(info.channel.id, { ...info, lastUpdateTimestamp: now });
      return true;
    }
    existing.lastUpdateTimestamp = now;
    return false;
  }

  /**
   * Replaces the subscriptions with `subList` (Java `updateSubscription`): newer `subVersion`s win; topics no longer
   * subscribed are dropped. True when a topic was added or removed.
   */
  updateSubscription(subList: readonly SubscriptionData[]): boolean {
    let updated = false;
    const topics = new Set<string>();
    for (const sub of subList) {
      topics.add(sub.topic);
      const old = this.subscriptionTable.get(sub.topic);
      if (!old) {
        this.subscriptionTable.set(sub.topic, sub);
        updated = true;
      } else if (sub.subVersion > old.subVersion) {
        this.subscriptionTable.set(sub.topic, sub);
      }
    }
    for (const topic of [...this.subscriptionTable.keys()]) {
      if (!topics.has(topic)) {
        this.subscriptionTable.delete(topic);
        updated = true;
      }
    }
    this.lastUpdateTimestamp = Date.now();
    return updated;
  }

  unregisterChannel(clientId: string): boolean {
    for (const [id, info] of this.channelInfoTable) {
      if (info.clientId === clientId) {
        this.channelInfoTable.delete(id);
        return true;
      }
    }
    return false;
  }

  removeChannel(channelId: string): boolean {
    return this.channelInfoTable.delete(channelId);
  }
}

/** Consumer groups and their members (Java `ConsumerManager`). */
export class ConsumerManager {
  readonly consumerTable = new Map<string, ConsumerGroupInfo>();

  constructor(
    private readonly listener: ConsumerIdsChangeListener,
    /** Client channel expiry without heartbeat (ms). */
    private readonly channelExpiredTimeoutMs: () => number,
  ) {}

  getConsumerGroupInfo(group: string): ConsumerGroupInfo | undefined {
    return this.consumerTable.get(group);
  }

  findSubscriptionData(group: string, topic: string): SubscriptionData | undefined {
    return this.consumerTable.get(group)?.findSubscriptionData(topic);
  }

  findChannel(group: string, clientId: string): ClientChannelInfo | undefined {
    return this.consumerTable.get(group)?.findChannel(clientId);
  }

  /** Groups that have a live subscription to `topic`. */
  queryTopicConsumeByWho(topic: string): Set<string> {
    const groups = new Set<string>();
    for (const [group, info] of this.consumerTable) if (info.subscriptionTable.has(topic)) groups.add(group);
    return groups;
  }

  /**
   * Registers a heartbeat (Java `registerConsumer`). Sends CHANGE (→ NOTIFY_CONSUMER_IDS_CHANGED to all members)
   * when the member set or the subscribed topics changed and `notify` is on. Returns whether anything changed.
   */
  registerConsumer(
    group: string,
    info: ClientChannelInfo,
    consumeType: string,
    messageModel: string,
    consumeFromWhere: string,
    subList: readonly SubscriptionData[],
    notify: boolean,
  ): boolean {
    let groupInfo = this.consumerTable.get(group);
    if (!groupInfo) {
      groupInfo = new ConsumerGroupInfo(group);
      this.consumerTable.set(group, groupInfo);
    }
    const r1 = groupInfo.updateChannel(info, consumeType, messageModel, consumeFromWhere);
    const r2 = groupInfo.updateSubscription(subList);
    if ((r1 || r2) && notify) this.listener('CHANGE', group, groupInfo.getAllChannels());
    this.listener('REGISTER', group, []);
    if (r1) this.listener('CLIENT_REGISTER', group, [info.channel]);
    return r1 || r2;
  }

  /** UNREGISTER_CLIENT for a consumer group. */
  unregisterConsumer(group: string, clientId: string, notify: boolean): void {
    const groupInfo = this.consumerTable.get(group);
    if (!groupInfo) return;
    const channel = groupInfo.findChannel(clientId)?.channel;
    if (!groupInfo.unregisterChannel(clientId)) return;
    if (channel) this.listener('CLIENT_UNREGISTER', group, [channel]);
    this.afterRemoval(group, groupInfo, notify);
  }

  /** The connection closed (or expired): drop it from every group. */
  doChannelCloseEvent(channel: RemotingChannel, notify = true): void {
    for (const [group, groupInfo] of [...this.consumerTable]) {
      if (groupInfo.removeChannel(channel.id)) {
        this.listener('CLIENT_UNREGISTER', group, [channel]);
        this.afterRemoval(group, groupInfo, notify);
      }
    }
  }

  private afterRemoval(group: string, groupInfo: ConsumerGroupInfo, notify: boolean): void {
    if (groupInfo.channelInfoTable.size === 0) {
      this.consumerTable.delete(group);
      this.listener('UNREGISTER', group, []);
    } else if (notify) {
      this.listener('CHANGE', group, groupInfo.getAllChannels());
    }
  }

  /** Drops members silent for longer than the expiry; returns the expired channels (the caller closes them). */
  scanNotActiveChannel(now = Date.now()): RemotingChannel[] {
    const expired: RemotingChannel[] = [];
    const timeout = this.channelExpiredTimeoutMs();
    for (const groupInfo of this.consumerTable.values()) {
      for (const info of groupInfo.channelInfoTable.values()) {
        if (now - info.lastUpdateTimestamp > timeout) expired.push(info.channel);
      }
    }
    for (const channel of expired) this.doChannelCloseEvent(channel);
    return expired;
  }
}
