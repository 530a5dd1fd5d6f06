/**
 * BODYCRC of a stored record: `crc32(body) & 0x7FFFFFFF` (Java `UtilAll.crc32`), computed for every put and checked by
 * recovery. `@node-rs/crc32` (SIMD CRC-32, about twice as fast as zlib's on 1 KiB bodies) is used where its prebuilt
 * binary loads; elsewhere zlib's CRC-32 gives the same value.
 */
import { createRequire } from 'node:module';
import { crc32 as zlibCrc32 } from 'node:zlib';

type Crc32 = (input: Uint8Array) => number;

function loadCrc32(): Crc32 {
  try {
    const native = createRequire(__filename)('@node-rs/crc32') as { crc32: Crc32 };
    // Guard against a binary that loads but disagrees (the check value of "123456789" is 0xCBF43926).
    if (native.crc32(Buffer.from('123456789')) >>> 0 === 0xcbf43926) return native.crc32;
  } catch {
    // No prebuilt binary for this platform: zlib below.
  }
  return zlibCrc32;
}

const crc32 = loadCrc32();

/** BODYCRC of `body` (non-negative int32). */
export function bodyCrc(body: Uint8Array): number {
  return crc32(body) & 0x7fffffff;
}
