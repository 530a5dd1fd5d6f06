import { crc32 } from 'node:zlib';

/** Java `UtilAll.crc32`: CRC-32 (IEEE) of the bytes, masked to a non-negative int (`& 0x7FFFFFFF`). */
export function crc32Java(data: Buffer): number {
  return (crc32(data) & 0x7fffffff) >>> 0;
}
