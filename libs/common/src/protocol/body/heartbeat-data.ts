/**
 * HEART_BEAT (34) body — Java `HeartbeatData` (protocol.md §2.3.4), plus the consumer enums and `SubscriptionData`
 * shared with CONSUMER connection and running-info bodies.
 *
 * `{"clientID":"…","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY",
 *   "groupName":"CG","messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,"codeSet":[…],
 *   "expressionType":"TAG","subString":"TagA || TagB","subVersion":1700000000000,"tagsSet":["TagA","TagB"],
 *   "topic":"T"}],"unitMode":false}],"heartbeatFingerprint":0,"producerDataSet":[{"groupName":"PG"}],"withoutSub":false}`
 * (`heartbeatFingerprint`/`withoutSub` are 5.1.3+.) The broker filters by `codeSet` (Java `String.hashCode` of tags).
 */
import {
  arr,
  asObject,
  bool,
  encodeBody,
  num,
  numArr,
  optBool,
  optNum,
  parseObjectBody,
  str,
  strArr,
  type JsonObject,
} from './body-json';

/** Java `ConsumeType`. */
export const ConsumeType = {
  /** Pull consumer. */
  CONSUME_ACTIVELY: 'CONSUME_ACTIVELY',
  /** Push consumer. */
  CONSUME_PASSIVELY: 'CONSUME_PASSIVELY',
  /** 5.x POP consumer. */
  CONSUME_POP: 'CONSUME_POP',
} as const;
export type ConsumeType = (typeof ConsumeType)[keyof typeof ConsumeType];

/** Java `MessageModel`. */
export const MessageModel = { BROADCASTING: 'BROADCASTING', CLUSTERING: 'CLUSTERING' } as const;
export type MessageModel = (typeof MessageModel)[keyof typeof MessageModel];

/** Java `ConsumeFromWhere` (the last three are deprecated but still parsed). */
export const ConsumeFromWhere = {
  CONSUME_FROM_LAST_OFFSET: 'CONSUME_FROM_LAST_OFFSET',
  CONSUME_FROM_FIRST_OFFSET: 'CONSUME_FROM_FIRST_OFFSET',
  CONSUME_FROM_TIMESTAMP: 'CONSUME_FROM_TIMESTAMP',
  CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST: 'CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST',
  CONSUME_FROM_MIN_OFFSET: 'CONSUME_FROM_MIN_OFFSET',
  CONSUME_FROM_MAX_OFFSET: 'CONSUME_FROM_MAX_OFFSET',
} as const;
export type ConsumeFromWhere = (typeof ConsumeFromWhere)[keyof typeof ConsumeFromWhere];

/** Java `ExpressionType`. */
export const ExpressionType = { TAG: 'TAG', SQL92: 'SQL92' } as const;
export type ExpressionType = (typeof ExpressionType)[keyof typeof ExpressionType];

/** Java `SubscriptionData.SUB_ALL`. */
export const SUB_ALL = '*';

export interface SubscriptionData {
  topic: string;
  /** The expression: `*`, `TagA || TagB`, or SQL92 text. */
  subString: string;
  /** Trimmed tags (empty for `*` and SQL92). */
  tagsSet: string[];
  /** Java `String.hashCode` of each tag. */
  codeSet: number[];
  /** ms timestamp when subscribed. */
  subVersion: number;
  /** `TAG` (default) or `SQL92`. */
  expressionType: string;
  /** Legacy class filter; false. */
  classFilterMode: boolean;
}

export interface ProducerData {
  groupName: string;
}

export interface ConsumerData {
  groupName: string;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
  subscriptionDataSet: SubscriptionData[];
  unitMode: boolean;
}

export interface HeartbeatData {
  /** `clientIP@instanceName[@unitName]`. */
  clientID: string;
  producerDataSet: ProducerData[];
  consumerDataSet: ConsumerData[];
  /** 5.1.3+: non-zero → broker uses the V2 path. */
  heartbeatFingerprint?: number;
  /** 5.1.3+: subscriptions omitted because unchanged. */
  withoutSub?: boolean;
}

export function subscriptionDataFromJson(v: unknown, path = 'SubscriptionData'): SubscriptionData {
  const o = asObject(v, path);
  return {
    topic: str(o, 'topic', path),
    subString: str(o, 'subString', path),
    tagsSet: strArr(o, 'tagsSet', path),
    codeSet: numArr(o, 'codeSet', path),
    subVersion: num(o, 'subVersion', path),
    expressionType: str(o, 'expressionType', path, ExpressionType.TAG),
    classFilterMode: bool(o, 'classFilterMode', path),
  };
}

export function subscriptionDataToJson(s: SubscriptionData): JsonObject {
  return {
    classFilterMode: s.classFilterMode,
    codeSet: s.codeSet,
    expressionType: s.expressionType,
    subString: s.subString,
    subVersion: s.subVersion,
    tagsSet: s.tagsSet,
    topic: s.topic,
  };
}

export function consumerDataFromJson(v: unknown, path = 'ConsumerData'): ConsumerData {
  const o = asObject(v, path);
  return {
    groupName: str(o, 'groupName', path),
    consumeType: str(o, 'consumeType', path),
    messageModel: str(o, 'messageModel', path),
    consumeFromWhere: str(o, 'consumeFromWhere', path),
    subscriptionDataSet: arr(o, 'subscriptionDataSet', path).map((s, i) =>
      subscriptionDataFromJson(s, `${path}.subscriptionDataSet[${i}]`),
    ),
    unitMode: bool(o, 'unitMode', path),
  };
}

export function consumerDataToJson(c: ConsumerData): JsonObject {
  return {
    consumeFromWhere: c.consumeFromWhere,
    consumeType: c.consumeType,
    groupName: c.groupName,
    messageModel: c.messageModel,
    subscriptionDataSet: c.subscriptionDataSet.map(subscriptionDataToJson),
    unitMode: c.unitMode,
  };
}

export function heartbeatDataFromJson(v: unknown, path = 'HeartbeatData'): HeartbeatData {
  const o = asObject(v, path);
  const hb: HeartbeatData = {
    clientID: str(o, 'clientID', path),
    producerDataSet: arr(o, 'producerDataSet', path).map((p, i) => {
      const po = asObject(p, `${path}.producerDataSet[${i}]`);
      return { groupName: str(po, 'groupName', `${path}.producerDataSet[${i}]`) };
    }),
    consumerDataSet: arr(o, 'consumerDataSet', path).map((c, i) =>
      consumerDataFromJson(c, `${path}.consumerDataSet[${i}]`),
    ),
  };
  const fp = optNum(o, 'heartbeatFingerprint', path);
  if (fp !== undefined) hb.heartbeatFingerprint = fp;
  const ws = optBool(o, 'withoutSub', path);
  if (ws !== undefined) hb.withoutSub = ws;
  return hb;
}

export function heartbeatDataToJson(hb: HeartbeatData): JsonObject {
  return {
    clientID: hb.clientID,
    consumerDataSet: hb.consumerDataSet.map(consumerDataToJson),
    heartbeatFingerprint: hb.heartbeatFingerprint,
    producerDataSet: hb.producerDataSet.map((p) => ({ groupName: p.groupName })),
    withoutSub: hb.withoutSub,
  };
}

export function encodeHeartbeatData(hb: HeartbeatData): Buffer {
  return encodeBody(heartbeatDataToJson(hb));
}

export function decodeHeartbeatData(body: Uint8Array | string | null | undefined): HeartbeatData {
  return heartbeatDataFromJson(parseObjectBody(body, 'HeartbeatData'));
}
