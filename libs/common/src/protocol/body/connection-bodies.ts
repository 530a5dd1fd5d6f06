/**
 * GET_CONSUMER_CONNECTION_LIST (203) → `ConsumerConnection`, GET_PRODUCER_CONNECTION_LIST (204) →
 * `ProducerConnection` (protocol.md §2.3.21):
 * `{"connectionSet":[{"clientAddr":"10.0.0.1:5555","clientId":"10.0.0.1@123","language":"JAVA","version":413}],
 *   "consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING",
 *   "subscriptionTable":{"T":{SubscriptionData}}}`
 */
import {
  arr,
  asMap,
  asObject,
  encodeBody,
  num,
  optStr,
  parseObjectBody,
  record,
  str,
  type JsonObject,
} from './body-json';
import { subscriptionDataFromJson, subscriptionDataToJson, type SubscriptionData } from './heartbeat-data';

export interface Connection {
  clientId: string;
  /** `ip:port` as seen by the broker. */
  clientAddr: string;
  /** LanguageCode name, e.g. `JAVA`. */
  language: string;
  /** The client's MQVersion ordinal. */
  version: number;
}

export interface ConsumerConnection {
  connectionSet: Connection[];
  /** topic → subscription. */
  subscriptionTable: Record<string, SubscriptionData>;
  consumeType?: string;
  messageModel?: string;
  consumeFromWhere?: string;
}

export interface ProducerConnection {
  connectionSet: Connection[];
}

function connectionFromJson(v: unknown, path: string): Connection {
  const o = asObject(v, path);
  return {
    clientId: str(o, 'clientId', path),
    clientAddr: str(o, 'clientAddr', path),
    language: str(o, 'language', path),
    version: num(o, 'version', path),
  };
}

function connectionToJson(c: Connection): JsonObject {
  return { clientAddr: c.clientAddr, clientId: c.clientId, language: c.language, version: c.version };
}

export function encodeConsumerConnection(cc: ConsumerConnection): Buffer {
  const subs = asMap(cc.subscriptionTable);
  return encodeBody({
    connectionSet: cc.connectionSet.map(connectionToJson),
    consumeFromWhere: cc.consumeFromWhere,
    consumeType: cc.consumeType,
    messageModel: cc.messageModel,
    subscriptionTable: subs && new Map([...subs].map(([k, s]) => [k, subscriptionDataToJson(s)])),
  });
}

export function decodeConsumerConnection(body: Uint8Array | string | null | undefined): ConsumerConnection {
  const path = 'ConsumerConnection';
  const o = parseObjectBody(body, path);
  const cc: ConsumerConnection = {
    connectionSet: arr(o, 'connectionSet', path).map((c, i) => connectionFromJson(c, `${path}.connectionSet[${i}]`)),
    subscriptionTable: record(o, 'subscriptionTable', path, (s, p) => subscriptionDataFromJson(s, p)),
  };
  for (const k of ['consumeType', 'messageModel', 'consumeFromWhere'] as const) {
    const v = optStr(o, k, path);
    if (v !== undefined) cc[k] = v;
  }
  return cc;
}

export function encodeProducerConnection(pc: ProducerConnection): Buffer {
  return encodeBody({ connectionSet: pc.connectionSet.map(connectionToJson) });
}

export function decodeProducerConnection(body: Uint8Array | string | null | undefined): ProducerConnection {
  const path = 'ProducerConnection';
  const o = parseObjectBody(body, path);
  return {
    connectionSet: arr(o, 'connectionSet', path).map((c, i) => connectionFromJson(c, `${path}.connectionSet[${i}]`)),
  };
}
