/** Public surface of the broker messaging semantics (for `@rocketnest/broker`'s barrel and tools). */
export { installMessagingSemantics, getMessagingSemantics } from './install';
export type { MessagingSemantics, MessagingSemanticsConfig } from './install';
export { compileSql92, sql92FilterFactory, Sql92ParseError } from './filter/sql92-filter';
export type { Sql92Filter, Sql92Properties } from './filter/sql92-filter';
export { RebalanceLockManager, DEFAULT_REBALANCE_LOCK_MAX_LIVE_TIME_MS } from './lock/rebalance-lock-manager';
export type { RebalanceLockManagerOptions } from './lock/rebalance-lock-manager';
export { ScheduleMessageService } from './delay/schedule-message.service';
export { TimerMessageService, timerHopFor, TIMER_HOP_BASE_MS, TIMER_HOP_COUNT } from './delay/timer-message.service';
export { applyDelay } from './delay/delay-transform';
export type { DelayTransformConfig, PutRefusal } from './delay/delay-transform';
export { TransactionalMessageService, OP_REMOVE_TAG } from './transaction/transactional-message.service';
export type { CheckRunResult, TransactionalMessageServiceOptions } from './transaction/transactional-message.service';
