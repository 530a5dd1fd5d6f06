import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { bodyCrc32 } from './message-decoder';

describe('bodyCrc32', () => {
  it("is Java's UtilAll.crc32: CRC-32 with the sign bit cleared", () => {
    // CRC-32 check value of "123456789" is 0xCBF43926; cleared sign bit gives 0x4BF43926.
    expect(bodyCrc32(Buffer.from('123456789'))).toBe(0x4bf43926);
    expect(bodyCrc32(Buffer.alloc(0))).toBe(0);
  });

  it('agrees with zlib on bodies of every size class, including views into larger buffers', () => {
    for (const size of [1, 7, 64, 1000, 1024, 4096, 65536, 1 << 20]) {
      const big = randomBytes(size + 13);
      const body = big.subarray(5, 5 + size);
      expect(bodyCrc32(body)).toBe(crc32(body) & 0x7fffffff);
    }
  });
});
