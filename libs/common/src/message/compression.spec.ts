import * as fs from 'node:fs';
import * as path from 'node:path';
import { MQClientError, RemotingCommandError } from '../errors/rocketmq-error';
import {
  CompressionType,
  compressBody,
  compressionTypeFlag,
  decompressBody,
  getCompressionType,
  markCompressed,
} from './compression';
import { MessageSysFlag } from './message-const';

const records = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '__fixtures__', 'message-records.json'), 'utf8')) as {
    '4.9.4': {
      records: Array<{ n: number; input: { sysFlag: number; bodyHex: string }; decoded: { bodyHex: string } }>;
    };
  }
)['4.9.4'].records;

describe('body compression', () => {
  it('inflates the body a Java 4.9.4 producer compressed (sysFlag 769)', () => {
    const rec = records.find((r) => r.n === 4)!;
    expect(rec.input.sysFlag).toBe(769);
    const body = decompressBody(Buffer.from(rec.input.bodyHex, 'hex'), rec.input.sysFlag);
    expect(body.toString('hex')).toBe(rec.decoded.bodyHex);
    expect(body.length).toBe(10240);
  });

  it('round-trips through zlib at any level and shrinks repetitive bodies', () => {
    const body = Buffer.from('RocketMQ body '.repeat(1000));
    for (const level of [1, 5, 9]) {
      const packed = compressBody(body, { level });
      expect(packed.length).toBeLessThan(body.length / 10);
      expect(packed[0]).toBe(0x78); // RFC 1950 header, as Java's DeflaterOutputStream writes
      expect(decompressBody(packed, markCompressed(0)).equals(body)).toBe(true);
    }
    expect(decompressBody(compressBody(Buffer.alloc(0)), MessageSysFlag.COMPRESSED_FLAG)).toHaveLength(0);
  });

  it('maps the sysFlag compression bits like Java CompressionType', () => {
    expect(getCompressionType(MessageSysFlag.COMPRESSED_FLAG)).toBe(CompressionType.ZLIB); // legacy type 0
    expect(getCompressionType(0x301)).toBe(CompressionType.ZLIB);
    expect(getCompressionType(0x101)).toBe(CompressionType.LZ4);
    expect(getCompressionType(0x201)).toBe(CompressionType.ZSTD);
    expect(() => getCompressionType(0x401)).toThrow(RemotingCommandError);
    expect(compressionTypeFlag(CompressionType.ZLIB)).toBe(MessageSysFlag.COMPRESSION_ZLIB_TYPE);
    expect(markCompressed(MessageSysFlag.TRANSACTION_PREPARED_TYPE | 0x100)).toBe(0x305);
  });

  it('gives typed errors for unsupported codecs, corrupt data and bombs', () => {
    expect(() => compressBody(Buffer.from('x'), { type: CompressionType.LZ4 })).toThrow(MQClientError);
    expect(() => decompressBody(Buffer.from('x'), 0x101)).toThrow(/LZ4/);
    expect(() => compressBody(Buffer.from('x'), { type: CompressionType.ZSTD })).toThrow(MQClientError);
    expect(() => decompressBody(Buffer.from('x'), 0x201)).toThrow(/ZSTD/);
    expect(() => decompressBody(Buffer.from('not zlib at all'), 0x301)).toThrow(RemotingCommandError);
    const bomb = compressBody(Buffer.alloc(1024 * 1024));
    expect(() => decompressBody(bomb, 0x301, { maxOutputBytes: 1000 })).toThrow(RemotingCommandError);
    expect(decompressBody(bomb, 0x301)).toHaveLength(1024 * 1024);
  });
});
