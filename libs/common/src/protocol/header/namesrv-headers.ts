/**
 * Name server headers (protocol.md §2.3.17–§2.3.20, §6.6).
 */
import { defineHeader, opt, prim, req, type DecodedHeader } from './header-codec';
import { TOPIC_REQUEST_BASE } from './rpc-base';

/** GET_ROUTEINFO_BY_TOPIC (105). */
export const GetRouteInfoRequestHeader = defineHeader(
  {
    topic: req.string,
    /** 4.9.4+: ask for standard JSON (quoted integer keys) whatever the request version. */
    acceptStandardJsonOnly: opt.boolean,
    ...TOPIC_REQUEST_BASE,
  },
  'GetRouteInfoRequestHeader',
);
export type GetRouteInfoRequestHeader = DecodedHeader<typeof GetRouteInfoRequestHeader.spec>;

/** REGISTER_BROKER (103). The body is a `RegisterBrokerBody` (see protocol/body). */
export const RegisterBrokerRequestHeader = defineHeader(
  {
    brokerName: req.string,
    /** `ip:port` clients should use. */
    brokerAddr: req.string,
    clusterName: req.string,
    /** `ip:haPort`. */
    haServerAddr: req.string,
    /** 0 = master. */
    brokerId: req.long,
    /** 5.x: per-broker expiry, ms (default 120000 when absent). */
    heartbeatTimeoutMillis: opt.long,
    /** 5.x; absent = old broker. */
    enableActingMaster: opt.boolean,
    /** Body is zlib-compressed (Java primitive, always sent). */
    compressed: prim.boolean(false),
    /** `crc32(body) & 0x7FFFFFFF`; 0 = not checked. */
    bodyCrc32: prim.int(0),
  },
  'RegisterBrokerRequestHeader',
);
export type RegisterBrokerRequestHeader = DecodedHeader<typeof RegisterBrokerRequestHeader.spec>;

export const RegisterBrokerResponseHeader = defineHeader(
  { haServerAddr: opt.string, masterAddr: opt.string },
  'RegisterBrokerResponseHeader',
);
export type RegisterBrokerResponseHeader = DecodedHeader<typeof RegisterBrokerResponseHeader.spec>;

/** UNREGISTER_BROKER (104). */
export const UnRegisterBrokerRequestHeader = defineHeader(
  { brokerName: req.string, brokerAddr: req.string, clusterName: req.string, brokerId: req.long },
  'UnRegisterBrokerRequestHeader',
);
export type UnRegisterBrokerRequestHeader = DecodedHeader<typeof UnRegisterBrokerRequestHeader.spec>;

/** BROKER_HEARTBEAT (904, 5.x light keep-alive). */
export const BrokerHeartbeatRequestHeader = defineHeader(
  {
    clusterName: req.string,
    brokerAddr: req.string,
    brokerName: req.string,
    brokerId: opt.long,
    epoch: opt.int,
    maxOffset: opt.long,
    confirmOffset: opt.long,
    heartbeatTimeoutMills: opt.long,
    electionPriority: opt.int,
  },
  'BrokerHeartbeatRequestHeader',
);
export type BrokerHeartbeatRequestHeader = DecodedHeader<typeof BrokerHeartbeatRequestHeader.spec>;

/** QUERY_DATA_VERSION (322); the body is the broker's DataVersion JSON. */
export const QueryDataVersionRequestHeader = defineHeader(
  { brokerName: req.string, brokerAddr: req.string, clusterName: req.string, brokerId: req.long },
  'QueryDataVersionRequestHeader',
);
export type QueryDataVersionRequestHeader = DecodedHeader<typeof QueryDataVersionRequestHeader.spec>;

export const QueryDataVersionResponseHeader = defineHeader({ changed: req.boolean }, 'QueryDataVersionResponseHeader');
export type QueryDataVersionResponseHeader = DecodedHeader<typeof QueryDataVersionResponseHeader.spec>;

/** PUT_KV_CONFIG (100). */
export const PutKVConfigRequestHeader = defineHeader(
  { namespace: req.string, key: req.string, value: req.string },
  'PutKVConfigRequestHeader',
);
export type PutKVConfigRequestHeader = DecodedHeader<typeof PutKVConfigRequestHeader.spec>;

/** GET_KV_CONFIG (101). */
export const GetKVConfigRequestHeader = defineHeader(
  { namespace: req.string, key: req.string },
  'GetKVConfigRequestHeader',
);
export type GetKVConfigRequestHeader = DecodedHeader<typeof GetKVConfigRequestHeader.spec>;

export const GetKVConfigResponseHeader = defineHeader({ value: opt.string }, 'GetKVConfigResponseHeader');
export type GetKVConfigResponseHeader = DecodedHeader<typeof GetKVConfigResponseHeader.spec>;

/** DELETE_KV_CONFIG (102). */
export const DeleteKVConfigRequestHeader = defineHeader(
  { namespace: req.string, key: req.string },
  'DeleteKVConfigRequestHeader',
);
export type DeleteKVConfigRequestHeader = DecodedHeader<typeof DeleteKVConfigRequestHeader.spec>;

/** GET_KVLIST_BY_NAMESPACE (219); the response body is a `KVTable`. */
export const GetKVListByNamespaceRequestHeader = defineHeader(
  { namespace: req.string },
  'GetKVListByNamespaceRequestHeader',
);
export type GetKVListByNamespaceRequestHeader = DecodedHeader<typeof GetKVListByNamespaceRequestHeader.spec>;

/** WIPE_WRITE_PERM_OF_BROKER (205). */
export const WipeWritePermOfBrokerRequestHeader = defineHeader(
  { brokerName: req.string },
  'WipeWritePermOfBrokerRequestHeader',
);
export type WipeWritePermOfBrokerRequestHeader = DecodedHeader<typeof WipeWritePermOfBrokerRequestHeader.spec>;

export const WipeWritePermOfBrokerResponseHeader = defineHeader(
  { wipeTopicCount: req.int },
  'WipeWritePermOfBrokerResponseHeader',
);
export type WipeWritePermOfBrokerResponseHeader = DecodedHeader<typeof WipeWritePermOfBrokerResponseHeader.spec>;

/** ADD_WRITE_PERM_OF_BROKER (327). */
export const AddWritePermOfBrokerRequestHeader = defineHeader(
  { brokerName: req.string },
  'AddWritePermOfBrokerRequestHeader',
);
export type AddWritePermOfBrokerRequestHeader = DecodedHeader<typeof AddWritePermOfBrokerRequestHeader.spec>;

export const AddWritePermOfBrokerResponseHeader = defineHeader(
  { addTopicCount: req.int },
  'AddWritePermOfBrokerResponseHeader',
);
export type AddWritePermOfBrokerResponseHeader = DecodedHeader<typeof AddWritePermOfBrokerResponseHeader.spec>;

/** GET_TOPICS_BY_CLUSTER (224); the response body is a `TopicList`. */
export const GetTopicsByClusterRequestHeader = defineHeader({ cluster: req.string }, 'GetTopicsByClusterRequestHeader');
export type GetTopicsByClusterRequestHeader = DecodedHeader<typeof GetTopicsByClusterRequestHeader.spec>;

/** DELETE_TOPIC_IN_NAMESRV (216): `clusterName` limits the deletion to that cluster. */
export const DeleteTopicFromNamesrvRequestHeader = defineHeader(
  { topic: req.string, clusterName: opt.string, ...TOPIC_REQUEST_BASE },
  'DeleteTopicFromNamesrvRequestHeader',
);
export type DeleteTopicFromNamesrvRequestHeader = DecodedHeader<typeof DeleteTopicFromNamesrvRequestHeader.spec>;
