/**
 * Optional fields that 5.x request headers inherit (protocol.md §1.7): Java `RpcRequestHeader` (`ns`, `nsd`, `bname`,
 * `oway`) and `TopicRequestHeader` (+ `lo`). Sent only when set; 4.9.x peers know only `bname` and ignore the rest.
 */
import { opt } from './header-codec';

/** Java `RpcRequestHeader`: namespace, namespaced flag, target broker name, oneway flag. */
export const RPC_REQUEST_BASE = {
  ns: opt.string,
  nsd: opt.boolean,
  bname: opt.string,
  oway: opt.boolean,
} as const;

/** Java `TopicRequestHeader` (also the base of `TopicQueueRequestHeader`): adds `lo` ("logical", static topics). */
export const TOPIC_REQUEST_BASE = {
  ...RPC_REQUEST_BASE,
  lo: opt.boolean,
} as const;
