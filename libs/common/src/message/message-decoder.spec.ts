import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemotingCommandError } from '../errors/rocketmq-error';
import { compressBody } from './compression';
import { parseHostString } from './host-address';
import { MessageMagicCode, MessageSysFlag } from './message-const';
import {
  MessageRecordSource,
  bodyCrc32,
  calcMessageRecordSize,
  checkRecordBodyCRC,
  decodeMessageRecord,
  decodeMessageRecords,
  encodeMessageRecord,
  measureMessageRecord,
  peekRecordHeader,
  readBlankLength,
  readRecordProperties,
  readRecordProperty,
  readRecordTagsCode,
  recordOffsetMessageId,
} from './message-decoder';
import { decodeMessageProperties } from './message-properties';
import { javaStringHashCode } from '../util/java-hash';

interface RecordCase {
  n: number;
  note: string;
  input: {
    topic: string;
    queueId: number;
    flag: number;
    queueOffset: number;
    commitLogOffset: number;
    sysFlag: number;
    bornTimestamp: number;
    bornHost: string;
    storeTimestamp: number;
    storeHost: string;
    reconsumeTimes: number;
    preparedTransactionOffset: number;
    bodyCRC: number;
    properties: Record<string, string>;
    propertiesString: string;
    bodyHex: string;
  };
  encodeHex: string;
  encodedLength: number;
  decoded: Record<string, unknown> & { bodyHex: string; properties: Record<string, string>; msgId: string };
  decodedIsClientMsgId: string;
}
const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '__fixtures__', 'message-records.json'), 'utf8'),
) as Record<'4.9.4' | '5.2.0', { records: RecordCase[] }>;

function sourceOf(c: RecordCase, withPropertiesString: boolean): MessageRecordSource {
  const i = c.input;
  return {
    topic: i.topic,
    body: Buffer.from(i.bodyHex, 'hex'),
    flag: i.flag,
    properties: decodeMessageProperties(i.propertiesString),
    propertiesString: withPropertiesString ? i.propertiesString : undefined,
    queueId: i.queueId,
    queueOffset: i.queueOffset,
    commitLogOffset: i.commitLogOffset,
    sysFlag: i.sysFlag,
    bornTimestamp: i.bornTimestamp,
    bornHost: parseHostString(i.bornHost),
    storeTimestamp: i.storeTimestamp,
    storeHost: parseHostString(i.storeHost),
    reconsumeTimes: i.reconsumeTimes,
    preparedTransactionOffset: i.preparedTransactionOffset,
    bodyCRC: i.bodyCRC,
  };
}

/**
 * Record 10 has storeTimestamp 9223372036854775 (Long.MAX / 1000), beyond 2^53: JSON and JS numbers hold it as
 * ...776, so its 8 bytes re-encode one higher. Every other byte must match.
 */
function expectedHex(c: RecordCase): string {
  const exact = Buffer.from(c.encodeHex, 'hex');
  if (Number.isSafeInteger(c.input.storeTimestamp)) return c.encodeHex;
  const pos = 48 + (c.input.sysFlag & MessageSysFlag.BORNHOST_V6_FLAG ? 20 : 8);
  expect(exact.readBigInt64BE(pos)).toBe(9223372036854775n);
  exact.writeBigInt64BE(BigInt(c.input.storeTimestamp), pos);
  return exact.toString('hex');
}

const allCases = (['4.9.4', '5.2.0'] as const).flatMap((v) => fixture[v].records.map((c) => [v, c.n, c] as const));

describe('message record codec — golden records from Java MessageDecoder', () => {
  it.each(allCases)('%s record %i decodes like Java', (_v, _n, c) => {
    const buf = Buffer.from(c.encodeHex, 'hex');
    const msg = decodeMessageRecord(buf, 0);
    const d = c.decoded;
    expect(msg.storeSize).toBe(d.storeSize);
    expect(msg.storeSize).toBe(buf.length);
    expect(msg.bodyCRC).toBe(d.bodyCRC);
    expect(msg.queueId).toBe(d.queueId);
    expect(msg.flag).toBe(d.flag);
    expect(msg.queueOffset).toBe(d.queueOffset);
    expect(msg.commitLogOffset).toBe(d.commitLogOffset);
    // 4.9.4/5.2.0 leave COMPRESSED_FLAG set after inflating; we clear it like Java HEAD (#9016) so the flag matches the body.
    expect(msg.sysFlag).toBe((d.sysFlag as number) & ~MessageSysFlag.COMPRESSED_FLAG);
    expect(msg.bornTimestamp).toBe(d.bornTimestamp);
    expect(`${msg.bornHost.address}:${msg.bornHost.port}`).toBe(d.bornHost);
    expect(msg.storeTimestamp).toBe(d.storeTimestamp);
    expect(`${msg.storeHost.address}:${msg.storeHost.port}`).toBe(d.storeHost);
    expect(msg.reconsumeTimes).toBe(d.reconsumeTimes);
    expect(msg.preparedTransactionOffset).toBe(d.preparedTransactionOffset);
    expect(msg.topic).toBe(d.topic);
    expect(msg.properties).toEqual(d.properties);
    expect(msg.msgId).toBe(d.msgId);
    expect(msg.offsetMsgId).toBe(d.msgId);
    expect(msg.body.toString('hex')).toBe(d.bodyHex);
    expect(decodeMessageRecord(buf, 0, { isClient: true }).msgId).toBe(c.decodedIsClientMsgId);
  });

  it.each(allCases)('%s record %i re-encodes byte for byte', (_v, _n, c) => {
    const src = sourceOf(c, true);
    expect(encodeMessageRecord(src).toString('hex')).toBe(expectedHex(c));
    expect(measureMessageRecord(src).totalSize).toBe(c.encodedLength);
    const target = Buffer.alloc(c.encodedLength + 10, 0xee);
    const view = encodeMessageRecord(src, target, 7);
    expect(view.length).toBe(c.encodedLength);
    expect(target.subarray(7, 7 + c.encodedLength).toString('hex')).toBe(expectedHex(c));
    expect(target[6]).toBe(0xee);
    expect(target[7 + c.encodedLength]).toBe(0xee);
  });

  it.each(fixture['5.2.0'].records.map((c) => [c.n, c] as const))(
    '5.2.0 record %i re-encodes from the properties object',
    (_n, c) => {
      expect(encodeMessageRecord(sourceOf(c, false)).toString('hex')).toBe(expectedHex(c));
    },
  );

  it.each(allCases)('%s record %i peeks its header without decoding', (_v, _n, c) => {
    const buf = Buffer.concat([Buffer.alloc(3), Buffer.from(c.encodeHex, 'hex')]);
    const h = peekRecordHeader(buf, 3)!;
    expect(h.totalSize).toBe(c.encodedLength);
    expect(h.magicCode).toBe(MessageMagicCode.V1);
    expect(h.queueId).toBe(c.input.queueId);
    expect(h.queueOffset).toBe(c.input.queueOffset);
    expect(h.physicalOffset).toBe(c.input.commitLogOffset);
    expect(h.sysFlag).toBe(c.input.sysFlag);
    expect(h.storeTimestamp).toBe(c.input.storeTimestamp);
    expect(h.topic).toBe(c.input.topic);
    expect(h.bodyLength).toBe(c.input.bodyHex.length / 2);
    expect(buf.subarray(h.bodyOffset, h.bodyOffset + h.bodyLength).toString('hex')).toBe(c.input.bodyHex);
    expect(readRecordProperties(buf, h)).toEqual(c.input.properties);
    expect(readRecordProperty(buf, h, 'TAGS')).toBe(c.input.properties.TAGS);
    expect(readRecordProperty(buf, h, 'TAG')).toBeUndefined();
    expect(readRecordTagsCode(buf, h)).toBe(c.input.properties.TAGS ? javaStringHashCode(c.input.properties.TAGS) : 0);
    expect(checkRecordBodyCRC(buf, h)).toBe(true);
    expect(recordOffsetMessageId(buf, h)).toBe(c.decoded.msgId);
  });

  it('matches the golden record of protocol.md §4.1', () => {
    const hex =
      '0000007ddaa320a73610a686000000010000000000000000000000050000000000000400000000000000018bcfe568007f0000010000c350' +
      '0000018bcfe568647f00000100002a9f000000000000000000000000000000056865' +
      '6c6c6f09546f7069635465737400145441475301546167410257414954017472756502';
    const msg = decodeMessageRecord(Buffer.from(hex, 'hex'));
    expect(msg.topic).toBe('TopicTest');
    expect(msg.body.toString()).toBe('hello');
    expect(msg.bodyCRC).toBe(907060870);
    expect(bodyCrc32(Buffer.from('hello'))).toBe(907060870);
    expect(msg.properties).toEqual({ TAGS: 'TagA', WAIT: 'true' });
    expect(msg.offsetMsgId).toBe('7F00000100002A9F0000000000000400');
    expect(encodeMessageRecord({ ...msg, propertiesString: undefined }).toString('hex')).toBe(hex);
  });
});

function sample(overrides: Partial<MessageRecordSource> = {}): MessageRecordSource {
  const body = overrides.body ?? Buffer.from('hello 世界 😀');
  return {
    topic: 'TopicTest',
    body,
    flag: 0x7fffffff,
    properties: { TAGS: 'TagA', KEYS: 'k1 k2', 城市: 'Zürich' },
    queueId: 3,
    queueOffset: 2 ** 40,
    commitLogOffset: 2 ** 52 + 17,
    sysFlag: MessageSysFlag.MULTI_TAGS_FLAG | MessageSysFlag.TRANSACTION_COMMIT_TYPE,
    bornTimestamp: 1795306730701,
    bornHost: { address: '10.1.2.3', port: 50123 },
    storeTimestamp: 1795306730725,
    storeHost: { address: '127.0.0.1', port: 10911 },
    reconsumeTimes: 16,
    preparedTransactionOffset: 123456789,
    bodyCRC: bodyCrc32(body),
    ...overrides,
  };
}

describe('message record codec — round trip', () => {
  it.each([
    ['plain', sample()],
    ['empty body and no properties', sample({ body: Buffer.alloc(0), properties: {}, bodyCRC: 0 })],
    ['IPv6 born host', sample({ bornHost: { address: '2001:db8::10', port: 1 } })],
    ['IPv6 hosts', sample({ bornHost: { address: 'fe80::1', port: 1 }, storeHost: { address: '::1', port: 10911 } })],
    ['IPv4-mapped hosts', sample({ bornHost: { address: '::ffff:192.168.0.1', port: 9 } })],
    ['long topic (V2 magic)', sample({ topic: '%RETRY%' + 'g'.repeat(150) })],
    ['negative timestamps', sample({ bornTimestamp: -1, preparedTransactionOffset: -5 })],
  ])('%s', (_name, src) => {
    const buf = encodeMessageRecord(src);
    const layout = measureMessageRecord(src);
    expect(buf.length).toBe(
      calcMessageRecordSize(
        layout.sysFlag,
        src.body.length,
        Buffer.byteLength(src.topic),
        layout.propertiesLength,
        layout.magicCode,
      ),
    );
    const msg = decodeMessageRecord(buf, 0, { checkCRC: true });
    expect(msg.topic).toBe(src.topic);
    expect(msg.body.equals(src.body)).toBe(true);
    expect(msg.flag).toBe(src.flag);
    expect(msg.properties).toEqual(src.properties);
    expect(msg.queueId).toBe(src.queueId);
    expect(msg.queueOffset).toBe(src.queueOffset);
    expect(msg.commitLogOffset).toBe(src.commitLogOffset);
    expect(msg.bornTimestamp).toBe(src.bornTimestamp);
    expect(msg.storeTimestamp).toBe(src.storeTimestamp);
    expect(msg.reconsumeTimes).toBe(src.reconsumeTimes);
    expect(msg.preparedTransactionOffset).toBe(src.preparedTransactionOffset);
    expect(msg.bornHost.port).toBe(src.bornHost.port);
    expect(msg.storeHost.port).toBe(src.storeHost.port);
    expect(msg.sysFlag & 0xf).toBe(src.sysFlag & 0xf);
    expect((msg.sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) !== 0).toBe(layout.bornAddressLength === 16);
    expect(peekRecordHeader(buf)!.magicCode).toBe(layout.magicCode);
  });

  it('derives the V6 host bits from the addresses and normalizes mapped IPv4', () => {
    const buf = encodeMessageRecord(sample({ sysFlag: 0x30, bornHost: { address: '::ffff:1.2.3.4', port: 5 } }));
    const msg = decodeMessageRecord(buf);
    expect(msg.sysFlag & 0x30).toBe(0);
    expect(msg.bornHost).toEqual({ address: '1.2.3.4', port: 5 });
  });

  it('decodes several records back to back and copies or views the body as asked', () => {
    const a = encodeMessageRecord(sample({ properties: { UNIQ_KEY: 'U1' } }));
    const b = encodeMessageRecord(sample({ topic: 'Other', commitLogOffset: 4096 }));
    const buf = Buffer.concat([a, b]);
    const msgs = decodeMessageRecords(buf);
    expect(msgs.map((m) => m.topic)).toEqual(['TopicTest', 'Other']);
    expect(msgs[0]!.msgId).toBe('U1');
    expect(msgs[1]!.msgId).toBe(msgs[1]!.offsetMsgId);
    expect(decodeMessageRecords(buf, { isClient: false })[0]!.msgId).toBe(msgs[0]!.offsetMsgId);
    expect(decodeMessageRecords(Buffer.alloc(0))).toEqual([]);
    const viewed = decodeMessageRecord(buf, 0, { copyBody: false });
    const copied = decodeMessageRecord(buf, 0);
    const bodyPos = peekRecordHeader(buf)!.bodyOffset;
    buf.writeUInt8(buf.readUInt8(bodyPos) ^ 0xff, bodyPos);
    expect(viewed.body[0]).not.toBe(copied.body[0]);
    expect(decodeMessageRecord(a, 0, { readBody: false }).body.length).toBe(0);
  });

  it('inflates compressed bodies only when asked', () => {
    const plain = Buffer.from('compress me '.repeat(500));
    const stored = compressBody(plain);
    const src = sample({ body: stored, bodyCRC: bodyCrc32(stored), sysFlag: 0x301 });
    const buf = encodeMessageRecord(src);
    const inflated = decodeMessageRecord(buf);
    expect(inflated.body.equals(plain)).toBe(true);
    expect(inflated.sysFlag).toBe(0x300);
    const raw = decodeMessageRecord(buf, 0, { decompressBody: false });
    expect(raw.body.equals(stored)).toBe(true);
    expect(raw.sysFlag).toBe(0x301);
    expect(() => decodeMessageRecord(buf, 0, { maxDecompressedBytes: 100 })).toThrow(RemotingCommandError);
  });
});

describe('message record codec — hostile input', () => {
  const good = encodeMessageRecord(sample());

  it('rejects every truncation with a RemotingCommandError', () => {
    for (let len = 0; len < good.length; len++) {
      const cut = good.subarray(0, len);
      expect(() => decodeMessageRecord(cut)).toThrow(RemotingCommandError);
      if (len > 0) expect(() => decodeMessageRecords(cut)).toThrow(RemotingCommandError);
    }
    expect(() => decodeMessageRecords(Buffer.concat([good, good.subarray(0, 20)]))).toThrow(RemotingCommandError);
  });

  it('rejects bad magic, sizes and lengths', () => {
    const mutate = (pos: number, write: (b: Buffer) => void): Buffer => {
      const b = Buffer.from(good);
      write(b.subarray(pos));
      return b;
    };
    const h = peekRecordHeader(good)!;
    const cases: Array<[string, Buffer]> = [
      ['bad magic', mutate(4, (b) => b.writeInt32BE(0x12345678))],
      ['size too small', mutate(0, (b) => b.writeInt32BE(10))],
      ['size negative', mutate(0, (b) => b.writeInt32BE(-1))],
      ['size past the end', mutate(0, (b) => b.writeInt32BE(good.length + 1))],
      ['negative body length', mutate(h.bodyOffset - 4, (b) => b.writeInt32BE(-7))],
      ['huge body length', mutate(h.bodyOffset - 4, (b) => b.writeInt32BE(0x7fffffff))],
      ['topic past the record', mutate(h.topicOffset - 1, (b) => (b[0] = 0xff))],
      ['negative properties length', mutate(h.propertiesOffset - 2, (b) => b.writeInt16BE(-1))],
      ['properties past the record', mutate(h.propertiesOffset - 2, (b) => b.writeInt16BE(h.propertiesLength + 1))],
      ['IPv6 flags on an IPv4 record', mutate(36, (b) => b.writeInt32BE(0x30))],
      ['unknown compression type', mutate(36, (b) => b.writeInt32BE(0x701))],
      ['corrupt compressed body', mutate(36, (b) => b.writeInt32BE(0x301))],
    ];
    for (const [name, buf] of cases) {
      let thrown: unknown;
      try {
        decodeMessageRecord(buf);
      } catch (err) {
        thrown = err;
      }
      expect([name, thrown instanceof RemotingCommandError]).toEqual([name, true]);
    }
    expect(() => decodeMessageRecord(good, 0, { checkCRC: true })).not.toThrow();
    expect(() =>
      decodeMessageRecord(
        mutate(8, (b) => b.writeInt32BE(1)),
        0,
        { checkCRC: true },
      ),
    ).toThrow(/CRC/);
    expect(() => decodeMessageRecord(good, -1)).toThrow(RemotingCommandError);
    expect(() => decodeMessageRecord(good, 1.5)).toThrow(RemotingCommandError);
  });

  it('finds single properties the way the full decoder does', () => {
    const buf = encodeMessageRecord(
      sample({
        properties: {},
        propertiesString: 'XTAGS\u0001no\u0002TAGS\u0001first\u0002TAGS\u0001\u0002TAGS\u0001last',
      }),
    );
    const h = peekRecordHeader(buf)!;
    expect(readRecordProperty(buf, h, 'TAGS')).toBe('last');
    expect(readRecordProperty(buf, h, 'TAGS')).toBe(readRecordProperties(buf, h).TAGS);
    expect(readRecordTagsCode(buf, h)).toBe(javaStringHashCode('last'));
  });

  it('recognises a BLANK filler without treating it as a message', () => {
    const blank = Buffer.alloc(64);
    blank.writeInt32BE(64, 0);
    blank.writeInt32BE(MessageMagicCode.BLANK, 4);
    expect(peekRecordHeader(blank)).toBeUndefined();
    expect(readBlankLength(blank)).toBe(64);
    expect(readBlankLength(good)).toBeUndefined();
    expect(() => decodeMessageRecord(blank)).toThrow(/BLANK/);
  });

  it('survives random corruption with either a value or a RemotingCommandError', () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const b = Buffer.from(good);
      for (let k = 0; k < 1 + rand(4); k++) b[rand(b.length)] = rand(256);
      try {
        decodeMessageRecords(b);
      } catch (err) {
        expect(err).toBeInstanceOf(RemotingCommandError);
      }
    }
  });

  it('refuses to encode what does not fit', () => {
    expect(() => encodeMessageRecord(sample(), Buffer.alloc(10))).toThrow(/does not fit/);
    expect(() => encodeMessageRecord(sample(), Buffer.alloc(good.length), 1)).toThrow(/does not fit/);
    expect(() => encodeMessageRecord(sample({ properties: { big: 'x'.repeat(40000) } }))).toThrow(/properties/);
    expect(() => encodeMessageRecord(sample({ bornHost: { address: 'nope', port: 1 } }))).toThrow(/Invalid IP/);
  });
});
