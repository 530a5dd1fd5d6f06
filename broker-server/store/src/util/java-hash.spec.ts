import { createOffsetMessageId, javaStringHashCode } from '@rocketnest/common';
import { indexKeyHash, indexKeyHashAfter, offsetMessageId } from './java-hash';

describe('store hashing helpers', () => {
  it('builds the same offset msgId as common, for IPv4 and IPv6 hosts and large offsets', () => {
    const hosts = [
      { address: '127.0.0.1', port: 10911 },
      { address: '2001:db8::10', port: 50000 },
    ];
    for (const h of hosts) {
      for (const off of [0, 1024, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER]) {
        expect(offsetMessageId(h, off)).toBe(createOffsetMessageId(h, off));
      }
    }
    expect(offsetMessageId({ address: '127.0.0.1', port: 10911 }, 1024)).toBe('7F00000100002A9F0000000000000400');
  });

  it('hashes index keys like Java IndexService (abs of hashCode, MIN_VALUE to 0)', () => {
    expect(indexKeyHash('TopicTest#key')).toBe(Math.abs(javaStringHashCode('TopicTest#key')));
    // "polygenelubricants" hashes to Integer.MIN_VALUE in Java.
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(indexKeyHash('polygenelubricants')).toBe(0);
  });

  it('hashes topic#key from the cached topic prefix hash exactly as the concatenated key', () => {
    const cases: [string, string][] = [
      ['TopicTest', '7F0000010F2C18B4AAC2600C5B1B0000'],
      ['orders', 'ключ-ü'],
      ['', ''],
      ['T', 'a'.repeat(500)],
    ];
    for (const [topic, key] of cases) {
      expect(indexKeyHashAfter(javaStringHashCode(`${topic}#`), key)).toBe(indexKeyHash(`${topic}#${key}`));
    }
  });
});
