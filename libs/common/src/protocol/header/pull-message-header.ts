/**
 * PULL_MESSAGE (11) / LITE_PULL_MESSAGE (361) headers and the pull `sysFlag` bits (protocol.md §2.3.3).
 */
import { defineHeader, opt, req, type DecodedHeader } from './header-codec';
import { TOPIC_REQUEST_BASE } from './rpc-base';

/** Java `PullSysFlag` bits of `PullMessageRequestHeader.sysFlag`. */
export const PullSysFlag = {
  /** Store `commitOffset` on the broker. */
  FLAG_COMMIT_OFFSET: 0x1,
  /** Allow long polling (hold the request up to `suspendTimeoutMillis`). */
  FLAG_SUSPEND: 0x2,
  /** Use this request's `subscription`/`expressionType` instead of the heartbeat-registered one. */
  FLAG_SUBSCRIPTION: 0x4,
  /** Legacy class-filter mode. */
  FLAG_CLASS_FILTER: 0x8,
  /** Lite pull consumer (sent with code 361). */
  FLAG_LITE_PULL_MESSAGE: 0x10,
} as const;
export type PullSysFlag = (typeof PullSysFlag)[keyof typeof PullSysFlag];

/** Java `PullSysFlag.buildSysFlag`. */
export function buildPullSysFlag(
  commitOffset: boolean,
  suspend: boolean,
  subscription: boolean,
  classFilter: boolean,
  litePull = false,
): number {
  let flag = 0;
  if (commitOffset) flag |= PullSysFlag.FLAG_COMMIT_OFFSET;
  if (suspend) flag |= PullSysFlag.FLAG_SUSPEND;
  if (subscription) flag |= PullSysFlag.FLAG_SUBSCRIPTION;
  if (classFilter) flag |= PullSysFlag.FLAG_CLASS_FILTER;
  if (litePull) flag |= PullSysFlag.FLAG_LITE_PULL_MESSAGE;
  return flag;
}

/** Java `PullSysFlag.clearCommitOffsetFlag` (the broker does this for slaves / non-suspendable pulls). */
export function clearCommitOffsetFlag(sysFlag: number): number {
  return sysFlag & ~PullSysFlag.FLAG_COMMIT_OFFSET;
}

export const hasCommitOffsetFlag = (sysFlag: number): boolean => (sysFlag & PullSysFlag.FLAG_COMMIT_OFFSET) !== 0;
export const hasSuspendFlag = (sysFlag: number): boolean => (sysFlag & PullSysFlag.FLAG_SUSPEND) !== 0;
export const hasSubscriptionFlag = (sysFlag: number): boolean => (sysFlag & PullSysFlag.FLAG_SUBSCRIPTION) !== 0;
export const hasClassFilterFlag = (sysFlag: number): boolean => (sysFlag & PullSysFlag.FLAG_CLASS_FILTER) !== 0;
export const hasLitePullFlag = (sysFlag: number): boolean => (sysFlag & PullSysFlag.FLAG_LITE_PULL_MESSAGE) !== 0;

export const PullMessageRequestHeader = defineHeader(
  {
    consumerGroup: req.string,
    topic: req.string,
    queueId: req.int,
    /** First logical offset wanted. */
    queueOffset: req.long,
    maxMsgNums: req.int,
    sysFlag: req.int,
    /** The consumer's current offset (stored when FLAG_COMMIT_OFFSET); 0 if none. */
    commitOffset: req.long,
    /** Long-poll hold time, ms. */
    suspendTimeoutMillis: req.long,
    subscription: opt.string,
    subVersion: req.long,
    /** `TAG` (default) or `SQL92`. */
    expressionType: opt.string,
    /** 5.x: byte cap. */
    maxMsgBytes: opt.int,
    /** 5.x proxy: −1 SDK, 0 proxy-order, 1 proxy-broadcast, 2 proxy-stream. */
    requestSource: opt.int,
    /** 5.x proxy (sic). */
    proxyFrowardClientId: opt.string,
    ...TOPIC_REQUEST_BASE,
  },
  'PullMessageRequestHeader',
);
export type PullMessageRequestHeader = DecodedHeader<typeof PullMessageRequestHeader.spec>;

export const PullMessageResponseHeader = defineHeader(
  {
    /** 0 = master; a slave id when reading from a slave is suggested. */
    suggestWhichBrokerId: req.long,
    nextBeginOffset: req.long,
    minOffset: req.long,
    maxOffset: req.long,
    /** 5.x static topics. */
    offsetDelta: opt.long,
    /** 5.1+. */
    topicSysFlag: opt.int,
    /** 5.1+. */
    groupSysFlag: opt.int,
    /** 5.1+: on NO_PERMISSION — 1 broker, 2 group, 3 topic, 4 broadcasting disabled, 5 subscription. */
    forbiddenType: opt.int,
  },
  'PullMessageResponseHeader',
);
export type PullMessageResponseHeader = DecodedHeader<typeof PullMessageResponseHeader.spec>;
