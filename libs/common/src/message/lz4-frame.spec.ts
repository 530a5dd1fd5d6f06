import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RemotingCommandError } from '../errors/rocketmq-error';
import { decompressBody } from './compression';
import { isLz4Frame, lz4FrameDecompress } from './lz4-frame';

interface FrameCase {
  input: string;
  lz4Args: string;
  inputLength: number;
  inputSha256: string;
  frameBase64: string;
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '__fixtures__', 'lz4-frames.json'), 'utf8')) as {
  frames: FrameCase[];
};

// The inputs the fixture frames were made from (see __fixtures__/README.md).
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
const MAX = 1 << 24;

describe('LZ4 frame decompression', () => {
  it.each(fixture.frames.map((f) => [f.input, f.lz4Args || '(defaults)', f] as const))(
    'decodes the lz4 CLI frame of %s with %s',
    (_i, _a, f) => {
      const input = inputs[f.input]!;
      expect(crypto.createHash('sha256').update(input).digest('hex')).toBe(f.inputSha256);
      const frame = Buffer.from(f.frameBase64, 'base64');
      expect(isLz4Frame(frame)).toBe(true);
      const out = lz4FrameDecompress(frame, MAX);
      expect(out.length).toBe(f.inputLength);
      expect(out.equals(input)).toBe(true);
      expect(decompressBody(frame, 0x101).equals(input)).toBe(true);
    },
  );

  it('rejects every truncation and random corruption with RemotingCommandError', () => {
    const frame = Buffer.from(
      fixture.frames.find((f) => f.input === 'text300' && f.lz4Args === '')!.frameBase64,
      'base64',
    );
    for (let len = 0; len < frame.length; len++) {
      expect(() => lz4FrameDecompress(frame.subarray(0, len), MAX)).toThrow(RemotingCommandError);
    }
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(frame);
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      b[7 + (seed % (b.length - 7))] = seed >>> 8;
      try {
        lz4FrameDecompress(b, MAX);
      } catch (err) {
        expect(err).toBeInstanceOf(RemotingCommandError);
      }
    }
  });

  it('refuses output over the cap, bad magic and dictionaries', () => {
    const runs = Buffer.from(fixture.frames.find((f) => f.input === 'runs')!.frameBase64, 'base64');
    expect(() => lz4FrameDecompress(runs, 1000)).toThrow(/exceeds 1000 bytes/);
    const badMagic = Buffer.from(runs);
    badMagic[0] = 0;
    expect(isLz4Frame(badMagic)).toBe(false);
    expect(() => lz4FrameDecompress(badMagic, MAX)).toThrow(/magic/);
    const dict = Buffer.from(runs);
    dict[4] = dict[4]! | 1;
    expect(() => lz4FrameDecompress(dict, MAX)).toThrow(/dictionaries/);
  });
});
