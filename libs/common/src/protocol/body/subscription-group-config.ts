/**
 * `SubscriptionGroupConfig` (GET/UPDATE subscription group, `config/subscriptionGroup.json`, protocol.md §5.8) and
 * its file wrapper `SubscriptionGroupWrapper` `{"dataVersion":{…},"subscriptionGroupTable":{"G":{…}}}`.
 *
 * Fields present in 4.9.x and 5.x are always set; 5.x-only fields are optional so 4.9.x JSON re-encodes identically.
 */
import {
  asMap,
  asObject,
  bool,
  encodeBody,
  num,
  optObject,
  optNum,
  parseObjectBody,
  record,
  str,
  toStringRecord,
  type JsonObject,
} from './body-json';
import { dataVersionFromJson, dataVersionToJson, type DataVersion } from './data-version';

export interface SubscriptionGroupConfig {
  groupName: string;
  /** Default true. */
  consumeEnable: boolean;
  /** Default true. */
  consumeFromMinEnable: boolean;
  /** Default true. */
  consumeBroadcastEnable: boolean;
  /** Default 1. */
  retryQueueNums: number;
  /** Default 16. */
  retryMaxTimes: number;
  /** Default 0 (master). */
  brokerId: number;
  /** Default 1. */
  whichBrokerWhenConsumeSlowly: number;
  /** Default true. */
  notifyConsumerIdsChangedEnable: boolean;
  /** 5.x, default false. */
  consumeMessageOrderly?: boolean;
  /** 5.x, default 0. */
  groupSysFlag?: number;
  /** 5.x, default 15. */
  consumeTimeoutMinute?: number;
  /** 5.x, default `{}`. */
  attributes?: Record<string, string>;
  /** 5.x, default `{"type":"CUSTOMIZED"}` (opaque). */
  groupRetryPolicy?: JsonObject;
  /** 5.x (opaque). */
  subscriptionDataSet?: unknown[];
}

/** A group with Java's defaults (4.9.x fields; pass `javaVersion: 5` for the 5.x fields too). */
export function createSubscriptionGroupConfig(
  groupName: string,
  fields: Partial<SubscriptionGroupConfig> = {},
  options: { javaVersion?: 4 | 5 } = {},
): SubscriptionGroupConfig {
  const base: SubscriptionGroupConfig = {
    groupName,
    consumeEnable: true,
    consumeFromMinEnable: true,
    consumeBroadcastEnable: true,
    retryQueueNums: 1,
    retryMaxTimes: 16,
    brokerId: 0,
    whichBrokerWhenConsumeSlowly: 1,
    notifyConsumerIdsChangedEnable: true,
  };
  if (options.javaVersion === 5) {
    Object.assign(base, {
      consumeMessageOrderly: false,
      groupSysFlag: 0,
      consumeTimeoutMinute: 15,
      attributes: {},
      groupRetryPolicy: { type: 'CUSTOMIZED' },
    });
  }
  return { ...base, ...fields };
}

export function subscriptionGroupConfigFromJson(v: unknown, path = 'SubscriptionGroupConfig'): SubscriptionGroupConfig {
  const o = asObject(v, path);
  const c = createSubscriptionGroupConfig(str(o, 'groupName', path), {
    consumeEnable: bool(o, 'consumeEnable', path, true),
    consumeFromMinEnable: bool(o, 'consumeFromMinEnable', path, true),
    consumeBroadcastEnable: bool(o, 'consumeBroadcastEnable', path, true),
    retryQueueNums: num(o, 'retryQueueNums', path, 1),
    retryMaxTimes: num(o, 'retryMaxTimes', path, 16),
    brokerId: num(o, 'brokerId', path, 0),
    whichBrokerWhenConsumeSlowly: num(o, 'whichBrokerWhenConsumeSlowly', path, 1),
    notifyConsumerIdsChangedEnable: bool(o, 'notifyConsumerIdsChangedEnable', path, true),
  });
  if (o.consumeMessageOrderly != null) c.consumeMessageOrderly = bool(o, 'consumeMessageOrderly', path);
  const gsf = optNum(o, 'groupSysFlag', path);
  if (gsf !== undefined) c.groupSysFlag = gsf;
  const ctm = optNum(o, 'consumeTimeoutMinute', path);
  if (ctm !== undefined) c.consumeTimeoutMinute = ctm;
  if (o.attributes != null) c.attributes = toStringRecord(o.attributes, `${path}.attributes`);
  const policy = optObject(o, 'groupRetryPolicy', path);
  if (policy) c.groupRetryPolicy = policy;
  if (Array.isArray(o.subscriptionDataSet)) c.subscriptionDataSet = o.subscriptionDataSet;
  return c;
}

export function subscriptionGroupConfigToJson(c: SubscriptionGroupConfig): JsonObject {
  return {
    attributes: asMap(c.attributes),
    brokerId: c.brokerId,
    consumeBroadcastEnable: c.consumeBroadcastEnable,
    consumeEnable: c.consumeEnable,
    consumeFromMinEnable: c.consumeFromMinEnable,
    consumeMessageOrderly: c.consumeMessageOrderly,
    consumeTimeoutMinute: c.consumeTimeoutMinute,
    groupName: c.groupName,
    groupRetryPolicy: c.groupRetryPolicy,
    groupSysFlag: c.groupSysFlag,
    notifyConsumerIdsChangedEnable: c.notifyConsumerIdsChangedEnable,
    retryMaxTimes: c.retryMaxTimes,
    retryQueueNums: c.retryQueueNums,
    subscriptionDataSet: c.subscriptionDataSet,
    whichBrokerWhenConsumeSlowly: c.whichBrokerWhenConsumeSlowly,
  };
}

export function encodeSubscriptionGroupConfig(c: SubscriptionGroupConfig): Buffer {
  return encodeBody(subscriptionGroupConfigToJson(c));
}

export function decodeSubscriptionGroupConfig(body: Uint8Array | string | null | undefined): SubscriptionGroupConfig {
  return subscriptionGroupConfigFromJson(parseObjectBody(body, 'SubscriptionGroupConfig'));
}

export interface SubscriptionGroupWrapper {
  /** group name → config, in Java map order. */
  subscriptionGroupTable: Record<string, SubscriptionGroupConfig>;
  dataVersion: DataVersion;
  /** 5.x: group → (topic → forbidden bits) (opaque values). */
  forbiddenTable?: Record<string, unknown>;
}

export function encodeSubscriptionGroupWrapper(
  w: SubscriptionGroupWrapper,
  options: { pretty?: boolean } = {},
): Buffer {
  const table = new Map(
    Object.entries(w.subscriptionGroupTable).map(([k, c]) => [k, subscriptionGroupConfigToJson(c)]),
  );
  return encodeBody(
    {
      dataVersion: dataVersionToJson(w.dataVersion),
      forbiddenTable: asMap(w.forbiddenTable),
      subscriptionGroupTable: table,
    },
    { pretty: options.pretty },
  );
}

export function decodeSubscriptionGroupWrapper(body: Uint8Array | string | null | undefined): SubscriptionGroupWrapper {
  const path = 'SubscriptionGroupWrapper';
  const o = parseObjectBody(body, path);
  const dv = optObject(o, 'dataVersion', path);
  const w: SubscriptionGroupWrapper = {
    subscriptionGroupTable: record(o, 'subscriptionGroupTable', path, (v, p) => subscriptionGroupConfigFromJson(v, p)),
    dataVersion: dv ? dataVersionFromJson(dv, `${path}.dataVersion`) : { timestamp: 0, counter: 0 },
  };
  if (o.forbiddenTable != null) w.forbiddenTable = record(o, 'forbiddenTable', path, (x) => x);
  return w;
}
