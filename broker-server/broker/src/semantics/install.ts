import { type MessageExtBrokerInner, RequestCode } from '@rocketnest/common';
import type { BrokerController } from '../broker-controller';
import {
  createCheckClientConfigProcessor,
  createCloneGroupOffsetProcessor,
  createGetAllDelayOffsetProcessor,
  createInvokeBrokerToResetOffsetProcessor,
} from './admin/semantics-admin.processors';
import { applyDelay, type DelayTransformConfig, type PutRefusal } from './delay/delay-transform';
import { ScheduleMessageService } from './delay/schedule-message.service';
import { TimerMessageService } from './delay/timer-message.service';
import { compileSql92, sql92FilterFactory } from './filter/sql92-filter';
import { createLockBatchMqProcessor, createUnlockBatchMqProcessor } from './lock/lock-batch.processor';
import { DEFAULT_REBALANCE_LOCK_MAX_LIVE_TIME_MS, RebalanceLockManager } from './lock/rebalance-lock-manager';
import { createReplyMessageProcessor } from './reply/reply-message.processor';
import { createRetryPutHook } from './retry/retry-put.hook';
import { createSendMsgBackProcessor } from './retry/send-msg-back.processor';
import type { SemanticsHost } from './semantics-host';
import { createEndTransactionProcessor } from './transaction/end-transaction.processor';
import { TransactionalMessageService } from './transaction/transactional-message.service';

/**
 * Optional broker-config keys read by the semantics (not Java keys; Java fixes these timings). Unset = default.
 */
export interface MessagingSemanticsConfig {
  /** Ordered-consumption lock lifetime, ms. Java system property `rocketmq.broker.rebalance.lockMaxLiveTime`: 60 000. */
  rebalanceLockMaxLiveTime?: number;
  /** Poll period of an empty delay-level or timer queue, ms. Java: 100. */
  scheduleIdlePollMs?: number;
  /** How often changed delay/timer progress is written, ms. Java `flushDelayOffsetInterval`: 10 000; default 1000. */
  flushDelayOffsetInterval?: number;
}

/** The services the semantics add to a broker (for tests and admin tools). */
export interface MessagingSemantics {
  readonly locks: RebalanceLockManager;
  readonly schedule: ScheduleMessageService;
  readonly timer: TimerMessageService;
  readonly transactions: TransactionalMessageService;
  /** Rewrites a message to its delay-level or timer queue (Java `HookUtils.handleScheduleMessage`). */
  applyDelay(msg: MessageExtBrokerInner): PutRefusal | undefined;
}

const installed = new WeakMap<object, MessagingSemantics>();

/** The semantics installed on a broker, if any. */
export function getMessagingSemantics(controller: object): MessagingSemantics | undefined {
  return installed.get(controller);
}

/**
 * Adds the messaging semantics to a broker: SQL92 filtering, ordered-consumption locks, retry and dead-letter
 * queues, delay levels and timer messages, transactions, request-reply and the related admin requests. Called once
 * by the `BrokerController` constructor; services start after the store and stop before it.
 */
export function installMessagingSemantics(controller: BrokerController): MessagingSemantics {
  const host: SemanticsHost = controller;
  const cfg = controller.brokerConfig as typeof controller.brokerConfig & MessagingSemanticsConfig;
  const onError = (err: unknown): void => controller.logger.error('messaging semantics', err);

  controller.sql92FilterFactory = sql92FilterFactory;

  const locks = new RebalanceLockManager({
    lockMaxLiveTimeMs: cfg.rebalanceLockMaxLiveTime ?? DEFAULT_REBALANCE_LOCK_MAX_LIVE_TIME_MS,
  });
  const schedule = new ScheduleMessageService({
    store: host.messageStore,
    messageDelayLevel: cfg.messageDelayLevel,
    storePathRootDir: cfg.storePathRootDir,
    idlePollMs: cfg.scheduleIdlePollMs,
    persistIntervalMs: cfg.flushDelayOffsetInterval,
    onError,
  });
  const timer = new TimerMessageService({
    store: host.messageStore,
    storePathRootDir: cfg.storePathRootDir,
    idlePollMs: cfg.scheduleIdlePollMs,
    persistIntervalMs: cfg.flushDelayOffsetInterval,
    onError,
  });
  const delayConfig = (): DelayTransformConfig => ({
    maxDelayLevel: schedule.maxDelayLevel,
    timerWheelEnable: cfg.timerWheelEnable,
    timerPrecisionMs: cfg.timerPrecisionMs,
    timerMaxDelaySec: cfg.timerMaxDelaySec,
  });
  const delay = (msg: MessageExtBrokerInner): PutRefusal | undefined => applyDelay(msg, delayConfig());
  const transactions = new TransactionalMessageService(host, { onError });
  controller.transactionalMessageService = transactions;

  // Put hooks, in Java's order: retry/DLQ routing of direct %RETRY% sends, then delay level / timer routing.
  host.putMessageHooks.push(createRetryPutHook(host, locks));
  host.putMessageHooks.push((msg) => delay(msg));

  controller.registerProcessor(RequestCode.LOCK_BATCH_MQ, createLockBatchMqProcessor(locks));
  controller.registerProcessor(RequestCode.UNLOCK_BATCH_MQ, createUnlockBatchMqProcessor(locks));
  controller.registerProcessor(RequestCode.CONSUMER_SEND_MSG_BACK, createSendMsgBackProcessor(host, delay));
  controller.registerProcessor(RequestCode.END_TRANSACTION, createEndTransactionProcessor(host, transactions, delay));
  const reply = createReplyMessageProcessor(host, { onError });
  controller.registerProcessor(RequestCode.SEND_REPLY_MESSAGE, reply);
  controller.registerProcessor(RequestCode.SEND_REPLY_MESSAGE_V2, reply);
  controller.registerProcessor(
    RequestCode.INVOKE_BROKER_TO_RESET_OFFSET,
    createInvokeBrokerToResetOffsetProcessor(host),
  );
  controller.registerProcessor(RequestCode.CLONE_GROUP_OFFSET, createCloneGroupOffsetProcessor(host));
  controller.registerProcessor(
    RequestCode.GET_ALL_DELAY_OFFSET,
    createGetAllDelayOffsetProcessor(() => schedule.encode()),
  );
  controller.registerProcessor(RequestCode.CHECK_CLIENT_CONFIG, createCheckClientConfigProcessor(host, compileSql92));

  controller.registerLifecycle(schedule);
  controller.registerLifecycle(timer);
  controller.registerLifecycle(transactions);

  const semantics: MessagingSemantics = { locks, schedule, timer, transactions, applyDelay: delay };
  installed.set(controller, semantics);
  return semantics;
}
