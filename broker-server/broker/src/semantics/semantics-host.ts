/**
 * What the messaging semantics need from the broker (the `BrokerController` contract), kept narrow so each service
 * can be unit-tested against the store and managers alone.
 */
import type { HostAddress, MessageExt, MessageExtBrokerInner } from '@rocketnest/common';
import type { RemotingChannel, RemotingCommand, RemotingServer, RequestProcessor } from '@rocketnest/remoting';
import type { GetMessageResult, MessageFilter, PutMessageResult } from '@rocketnest/store';
import type { ConsumerManager } from '../client/consumer-manager';
import type { ProducerManager } from '../client/producer-manager';
import type { BrokerConfig } from '../config/broker-config';
import type { ConsumerOffsetManager } from '../offset/consumer-offset-manager';
import type { SubscriptionGroupManager } from '../subscription/subscription-group-manager';
import type { BrokerStatsManager } from '../stats/broker-stats-manager';
import type { TopicConfigManager } from '../topic/topic-config-manager';

type MaybePromise<T> = T | Promise<T>;

/** The store calls the semantics make (Java `MessageStore`). */
export interface SemanticsStore {
  putMessage(msg: MessageExtBrokerInner): MaybePromise<PutMessageResult>;
  lookMessageByOffset(commitLogOffset: number): MaybePromise<MessageExt | null | undefined>;
  getMessage(
    group: string,
    topic: string,
    queueId: number,
    offset: number,
    maxMsgNums: number,
    maxTotalMsgSize: number,
    filter?: MessageFilter | null,
  ): MaybePromise<GetMessageResult>;
  getMaxOffsetInQueue(topic: string, queueId: number): MaybePromise<number>;
  getMinOffsetInQueue(topic: string, queueId: number): MaybePromise<number>;
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): MaybePromise<number>;
}

/** A broker-side put interceptor: mutate `msg`, or refuse the send with a response code and remark. */
export type PutMessageHook = (
  msg: MessageExtBrokerInner,
  ctx: { channel: RemotingChannel; request: RemotingCommand },
) => void | undefined | { code: number; remark: string } | Promise<void | undefined | { code: number; remark: string }>;

export interface Lifecycle {
  start(): Promise<void> | void;
  shutdown(): Promise<void> | void;
}

export interface SemanticsHost {
  readonly brokerConfig: BrokerConfig;
  /** This broker's address as written into records (STOREHOST). */
  readonly storeHost: HostAddress;
  readonly messageStore: SemanticsStore;
  readonly topicConfigManager: TopicConfigManager;
  readonly subscriptionGroupManager: SubscriptionGroupManager;
  readonly consumerOffsetManager: ConsumerOffsetManager;
  readonly consumerManager: ConsumerManager;
  readonly producerManager: ProducerManager;
  readonly remotingServer: Pick<RemotingServer, 'invoke' | 'invokeOneway'>;
  readonly putMessageHooks: PutMessageHook[];
  /** Counters for VIEW_BROKER_STATS_DATA (the broker's `BrokerStatsManager`); absent in unit tests. */
  readonly brokerStatsManager?: Pick<BrokerStatsManager, 'incTopicPutNums' | 'incTopicPutSize' | 'incSendBackNums'>;
  registerLifecycle(component: Lifecycle): void;
  registerProcessor(code: number, processor: RequestProcessor): void;
}
