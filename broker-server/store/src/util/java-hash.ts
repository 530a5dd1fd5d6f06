import { hostAddressLength, javaStringHashCode, writeHostAddress } from '@rocketnest/common';

/** Java `IndexService` key hash: `abs(String.hashCode())`, with Integer.MIN_VALUE mapped to 0. */
export function indexKeyHash(key: string): number {
  const h = javaStringHashCode(key);
  return h === -2147483648 ? 0 : Math.abs(h);
}

/** Offset msgId (protocol.md §4.8): uppercase hex of store host address bytes + int32 port + int64 commit log offset. */
export function offsetMessageId(storeHost: { address: string; port: number }, commitLogOffset: number): string {
  const addrLen = hostAddressLength(storeHost.address);
  const buf = Buffer.allocUnsafe(addrLen + 12);
  const p = writeHostAddress(buf, 0, storeHost.address);
  buf.writeInt32BE(storeHost.port, p);
  buf.writeBigInt64BE(BigInt(commitLogOffset), p + 4);
  return buf.toString('hex').toUpperCase();
}
