import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MQClientError, RemotingCommandError, RocketMQError } from '../errors/rocketmq-error';
import {
  CompressionType,
  CompressionUnavailableError,
  assertCompressionAvailable,
  compressBody,
  compressBodyAsync,
  compressionTypeFlag,
  compressionTypeName,
  compressionTypeOf,
  decompressBody,
  getCompressionType,
  isCompressionAvailable,
  markCompressed,
  type CompressionTypeName,
} from './compression';
import { MessageSysFlag } from './message-const';

const fixture = <T>(name: string): T =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8')) as T;

const records = fixture<{
  '4.9.4': { records: Array<{ n: number; input: { sysFlag: number; bodyHex: string }; decoded: { bodyHex: string } }> };
}>('message-records.json')['4.9.4'].records;

interface JavaBody {
  type: CompressionTypeName;
  typeValue: number;
  level: number;
  input: string;
  inputLength: number;
  inputSha256: string;
  bodyBase64: string;
}
const javaBodies = fixture<{ bodies: JavaBody[] }>('compression-java520.json').bodies;
const cliLz4Frames = fixture<{
  frames: Array<{ input: string; lz4Args: string; inputLength: number; inputSha256: string; frameBase64: string }>;
}>('lz4-frames.json').frames;

// The inputs the fixture bodies were made from (see __fixtures__/README.md and java/GenCompressionFixtures.java).
const text = (n: number): Buffer =>
  Buffer.from(Array.from({ length: n }, (_, i) => `line ${i} of the RocketNest lz4 fixture\n`).join(''));
const noise = (n: number): Buffer => {
  const b = Buffer.alloc(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    b[i] = s >>> 24;
  }
  return b;
};
const inputs: Record<string, Buffer> = {
  text300: text(300),
  text2500: text(2500),
  noise66000: noise(66000),
  runs: Buffer.alloc(100000, 0x61),
  empty: Buffer.alloc(0),
};
const javaInput = (name: string): Buffer => (name === 'runs' ? Buffer.alloc(100000) : inputs[name]!);
const sha256 = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');
const TYPES: CompressionTypeName[] = ['ZLIB', 'LZ4', 'ZSTD'];

describe('body compression — golden bytes', () => {
  it('inflates the body a Java 4.9.4 producer compressed (sysFlag 769)', () => {
    const rec = records.find((r) => r.n === 4)!;
    expect(rec.input.sysFlag).toBe(769);
    const body = decompressBody(Buffer.from(rec.input.bodyHex, 'hex'), rec.input.sysFlag);
    expect(body.toString('hex')).toBe(rec.decoded.bodyHex);
    expect(body.length).toBe(10240);
  });

  it.each(javaBodies.map((b) => [b.type, b.level, b.input, b] as const))(
    'decompresses the Java 5.2.0 %s (level %d) body of %s',
    (type, _level, name, b) => {
      const input = javaInput(name);
      expect(sha256(input)).toBe(b.inputSha256);
      expect(b.typeValue).toBe(CompressionType[type]);
      const out = decompressBody(Buffer.from(b.bodyBase64, 'base64'), markCompressed(0, CompressionType[type]));
      expect(out.length).toBe(b.inputLength);
      expect(out.equals(input)).toBe(true);
    },
  );

  it('writes the ZLIB stream header the Java 5.2.0 ZlibCompressor writes at each level', () => {
    // zlib versions differ in their matching, so the deflate data itself is not byte-identical; the header is.
    const zlibBodies = javaBodies.filter((b) => b.type === 'ZLIB');
    expect(new Set(zlibBodies.map((b) => b.level))).toEqual(new Set([1, 5, 9]));
    for (const b of zlibBodies) {
      const ours = compressBody(javaInput(b.input), { level: b.level });
      expect(ours.subarray(0, 2).toString('hex')).toBe(
        Buffer.from(b.bodyBase64, 'base64').subarray(0, 2).toString('hex'),
      );
    }
  });

  it('writes LZ4 frames with the header lz4-java reads (magic, version 01, independent blocks)', () => {
    const ours = compressBody(inputs.text2500!, { type: 'LZ4' });
    const java = Buffer.from(javaBodies.find((b) => b.type === 'LZ4' && b.input === 'text2500')!.bodyBase64, 'base64');
    expect(ours.readUInt32LE(0)).toBe(java.readUInt32LE(0));
    expect(ours[4]! & 0xe0).toBe(java[4]! & 0xe0);
  });

  it.each(cliLz4Frames.map((f) => [f.input, f.lz4Args || '(defaults)', f] as const))(
    'decodes the lz4 CLI frame of %s with %s',
    (name, _args, f) => {
      const input = inputs[name]!;
      expect(sha256(input)).toBe(f.inputSha256);
      const out = decompressBody(Buffer.from(f.frameBase64, 'base64'), 0x101);
      expect(out.length).toBe(f.inputLength);
      expect(out.equals(input)).toBe(true);
    },
  );
});

describe('body compression — round trips', () => {
  const bodies = { ...inputs, unicode: Buffer.from('Zürich ✓ 東京 '.repeat(700)), big: text(150000) };

  it.each(TYPES)('round-trips %s bodies (empty, text, noise, runs, unicode, 6 MB) at several levels', async (type) => {
    for (const [name, body] of Object.entries(bodies)) {
      for (const level of [1, 5, 9]) {
        const packed = await compressBodyAsync(body, { type, level });
        const out = decompressBody(packed, markCompressed(0, CompressionType[type]));
        expect({ name, level, same: out.equals(body) }).toEqual({ name, level, same: true });
        if (name === 'text2500') expect(packed.length).toBeLessThan(body.length / 4);
      }
    }
  });

  it('compresses ZLIB and LZ4 synchronously too, ZLIB by default', () => {
    const body = inputs.text2500!;
    expect(compressBody(body)[0]).toBe(0x78); // RFC 1950 header, as Java's DeflaterOutputStream writes
    expect(compressBody(body, { type: CompressionType.LZ4 }).readUInt32LE(0)).toBe(0x184d2204);
    expect(() => compressBody(body, { type: 'ZSTD' })).toThrow(/compressBodyAsync/);
  });

  it('reads concatenated and skippable LZ4 frames and concatenated zstd frames, as lz4-java / zstd-jni do', async () => {
    const a = Buffer.from('first frame '.repeat(100));
    const b = Buffer.from('second frame '.repeat(100));
    const skippable = Buffer.from('522a4d1803000000010203', 'hex');
    const lz4 = Buffer.concat([compressBody(a, { type: 'LZ4' }), skippable, compressBody(b, { type: 'LZ4' })]);
    expect(decompressBody(lz4, 0x101).equals(Buffer.concat([a, b]))).toBe(true);
    const zstd = Buffer.concat([
      await compressBodyAsync(a, { type: 'ZSTD' }),
      await compressBodyAsync(b, { type: 'ZSTD' }),
    ]);
    expect(decompressBody(zstd, 0x201).equals(Buffer.concat([a, b]))).toBe(true);
  });
});

describe('body compression — types and flags', () => {
  it('maps the sysFlag compression bits like Java CompressionType', () => {
    expect(getCompressionType(MessageSysFlag.COMPRESSED_FLAG)).toBe(CompressionType.ZLIB); // legacy type 0
    expect(getCompressionType(0x301)).toBe(CompressionType.ZLIB);
    expect(getCompressionType(0x101)).toBe(CompressionType.LZ4);
    expect(getCompressionType(0x201)).toBe(CompressionType.ZSTD);
    expect(() => getCompressionType(0x401)).toThrow(RemotingCommandError);
    expect(compressionTypeFlag(CompressionType.ZLIB)).toBe(MessageSysFlag.COMPRESSION_ZLIB_TYPE);
    expect(compressionTypeFlag(CompressionType.LZ4)).toBe(MessageSysFlag.COMPRESSION_LZ4_TYPE);
    expect(compressionTypeFlag(CompressionType.ZSTD)).toBe(MessageSysFlag.COMPRESSION_ZSTD_TYPE);
    expect(markCompressed(MessageSysFlag.TRANSACTION_PREPARED_TYPE | 0x100)).toBe(0x305);
    expect(markCompressed(0x300, CompressionType.ZSTD)).toBe(0x201);
  });

  it('parses type names like Java CompressionType.of', () => {
    expect(compressionTypeOf(' zstd ')).toBe(CompressionType.ZSTD);
    expect(compressionTypeOf('Lz4')).toBe(CompressionType.LZ4);
    expect(compressionTypeOf('ZLIB')).toBe(CompressionType.ZLIB);
    expect(() => compressionTypeOf('snappy')).toThrow(MQClientError);
    expect(TYPES.map((t) => compressionTypeName(CompressionType[t]))).toEqual(TYPES);
    expect(() => compressBody(Buffer.from('x'), { type: 7 as CompressionType })).toThrow(MQClientError);
  });

  it('reports the native codecs as available on this platform', () => {
    for (const type of TYPES) expect(isCompressionAvailable(type)).toBe(true);
    expect(() => assertCompressionAvailable(CompressionType.LZ4)).not.toThrow();
  });
});

describe('body compression — hostile input', () => {
  const cases = async (): Promise<Array<[CompressionTypeName, Buffer]>> =>
    Promise.all(
      TYPES.map(
        async (t) => [t, await compressBodyAsync(inputs.text300!, { type: t })] as [CompressionTypeName, Buffer],
      ),
    );

  it('rejects every truncation of each type with RemotingCommandError', async () => {
    for (const [type, packed] of await cases()) {
      const flag = markCompressed(0, CompressionType[type]);
      for (let len = 0; len < packed.length; len++) {
        const cut = packed.subarray(0, len);
        let error: unknown;
        try {
          decompressBody(cut, flag);
        } catch (err) {
          error = err;
        }
        expect({ type, len, error: error instanceof RemotingCommandError }).toEqual({ type, len, error: true });
      }
    }
  });

  it('answers random corruption with the original body or a RemotingCommandError, never another error', async () => {
    let seed = 7;
    for (const [type, packed] of await cases()) {
      const flag = markCompressed(0, CompressionType[type]);
      for (let i = 0; i < 1500; i++) {
        const b = Buffer.from(packed);
        seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
        b[seed % b.length] = seed >>> 8;
        try {
          decompressBody(b, flag, { maxOutputBytes: 1 << 20 });
        } catch (err) {
          expect(err).toBeInstanceOf(RemotingCommandError);
        }
      }
    }
  });

  it('caps the inflated size of every type (decompression bombs)', async () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    for (const type of TYPES) {
      const bomb = await compressBodyAsync(zeros, { type });
      expect(bomb.length).toBeLessThan(zeros.length / 100);
      const flag = markCompressed(0, CompressionType[type]);
      expect(() => decompressBody(bomb, flag, { maxOutputBytes: 1000 })).toThrow(/more than 1000 bytes|oversized/);
      expect(() => decompressBody(bomb, flag, { maxOutputBytes: zeros.length - 1 })).toThrow(RemotingCommandError);
      expect(decompressBody(bomb, flag, { maxOutputBytes: zeros.length })).toHaveLength(zeros.length);
    }
  });

  it('rejects bad LZ4 magic, bad block sizes, empty bodies and non-zstd data', () => {
    const frame = compressBody(inputs.text300!, { type: 'LZ4' });
    const badMagic = Buffer.from(frame);
    badMagic[0] = 0;
    expect(() => decompressBody(badMagic, 0x101)).toThrow(/magic/);
    const badBd = Buffer.from(frame);
    badBd[5] = 0x10;
    expect(() => decompressBody(badBd, 0x101)).toThrow(/block size/);
    expect(() => decompressBody(Buffer.alloc(0), 0x101)).toThrow(RemotingCommandError);
    expect(() => decompressBody(Buffer.alloc(0), 0x201)).toThrow(RemotingCommandError);
    expect(() => decompressBody(Buffer.from('not zstd at all'), 0x201)).toThrow(/ZSTD/);
    expect(() => decompressBody(Buffer.from('not zlib at all'), 0x301)).toThrow(RemotingCommandError);
    expect(() => decompressBody(Buffer.from('x'), 0x401)).toThrow(RemotingCommandError);
  });

  it('names the type when a native codec cannot load', () => {
    const err = new CompressionUnavailableError('LZ4', 'lz4-napi', new Error('no binary for this platform'));
    expect(err).toBeInstanceOf(RocketMQError);
    expect(err.retriable).toBe(false);
    expect(err.compressionType).toBe('LZ4');
    expect(err.message).toMatch(/^LZ4 compression is not available .*lz4-napi.*no binary for this platform.*ZLIB/);
  });
});
