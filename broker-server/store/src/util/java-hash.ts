import { hostAddressLength, javaStringHashCode, writeHostAddress } from '@rocketnest/common';

/** Java `IndexService` key hash: `abs(String.hashCode())`, with Integer.MIN_VALUE mapped to 0. */
export function indexKeyHash(key: string): number {
  const h = javaStringHashCode(key);
  return h === -2147483648 ? 0 : Math.abs(h);
}

/**
 * `indexKeyHash(prefix + key)` given `prefixHash = javaStringHashCode(prefix)`: Java's hash continues over the key's
 * characters, so the concatenated string need not be built.
 */
export function indexKeyHashAfter(prefixHash: number, key: string): number {
  let h = prefixHash;
  for (let i = 0; i < key.length; i++) h = (Math.imul(31, h) + key.charCodeAt(i)) | 0;
  return h === -2147483648 ? 0 : Math.abs(h);
}

const hostPrefixCache = new Map<string, string>();

/**
 * Offset msgId (protocol.md §4.8): uppercase hex of store host address bytes + int32 port + int64 commit log offset.
 * Same result as common's `createOffsetMessageId`, with the host part cached (it is computed for every put).
 */
let lastHost: { address: string; port: number } | undefined;
let lastAddress = '';
let lastPort = -1;
let lastPrefix = '';

export function offsetMessageId(storeHost: { address: string; port: number }, commitLogOffset: number): string {
  // The broker passes the same host object every time: skip the cache key and lookup then.
  if (storeHost === lastHost && storeHost.address === lastAddress && storeHost.port === lastPort) {
    return lastPrefix + hexOffset(commitLogOffset);
  }
  const key = `${storeHost.address}|${storeHost.port}`;
  let prefix = hostPrefixCache.get(key);
  if (prefix === undefined) {
    const addrLen = hostAddressLength(storeHost.address);
    const buf = Buffer.allocUnsafe(addrLen + 4);
    const p = writeHostAddress(buf, 0, storeHost.address);
    buf.writeInt32BE(storeHost.port, p);
    prefix = buf.toString('hex').toUpperCase();
    if (hostPrefixCache.size > 64) hostPrefixCache.clear();
    hostPrefixCache.set(key, prefix);
  }
  lastHost = storeHost;
  lastAddress = storeHost.address;
  lastPort = storeHost.port;
  lastPrefix = prefix;
  return prefix + hexOffset(commitLogOffset);
}

const ZEROS = '0000000000000000';

/** 16 uppercase hex digits of a non-negative safe integer. */
function hexOffset(n: number): string {
  const hex = n.toString(16).toUpperCase();
  return hex.length >= 16 ? hex : ZEROS.slice(hex.length) + hex;
}
