/**
 * LZ4 frame decompression, for bodies a Java producer compressed with `rocketmq.message.compressType=LZ4`
 * (lz4-java `LZ4FrameOutputStream`). Pure TypeScript: Node 20 ships no LZ4. Checksums are not verified (the record's
 * BODYCRC already covers the stored bytes).
 *
 * Frame (little-endian):
 * ```
 * 4   magic 0x184D2204
 * 1   FLG  bits 7-6 version (01), 5 block independence, 4 block checksum, 3 content size, 2 content checksum, 0 dictId
 * 1   BD   bits 6-4 block max size (4 = 64 KiB ... 7 = 4 MiB)
 * 0|8 content size      (FLG bit 3)
 * 0|4 dictionary id     (FLG bit 0; not supported)
 * 1   header checksum
 * then blocks: 4 size (bit 31 = stored uncompressed; 0 = end mark), data, 0|4 block checksum (FLG bit 4)
 * 0|4 content checksum  (FLG bit 2)
 * ```
 * A compressed block is a run of sequences: token (literal length << 4 | match length - 4, 15 = more length bytes of
 * 255...), literals, 2-byte offset, extra match length bytes; the last sequence has literals only.
 */
import { RemotingCommandError } from '../errors/rocketmq-error';

const LZ4_MAGIC = 0x184d2204;

function fail(message: string): RemotingCommandError {
  return new RemotingCommandError(`Invalid LZ4 frame: ${message}`);
}

/** Output that grows by doubling, capped at `max` bytes. */
class GrowingOutput {
  buf: Buffer;
  length = 0;
  constructor(
    initial: number,
    private readonly max: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(64, Math.min(initial, max)));
  }
  ensure(extra: number): void {
    const need = this.length + extra;
    if (need > this.max) throw fail(`decompressed size exceeds ${this.max} bytes`);
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(Math.min(size, this.max));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
}

function decodeBlock(src: Buffer, start: number, end: number, out: GrowingOutput): void {
  let pos = start;
  while (pos < end) {
    const token = src[pos++]!;
    let literalLength = token >>> 4;
    if (literalLength === 15) {
      let b: number;
      do {
        if (pos >= end) throw fail('literal length runs past the block');
        b = src[pos++]!;
        literalLength += b;
      } while (b === 255);
    }
    if (pos + literalLength > end) throw fail('literals run past the block');
    out.ensure(literalLength);
    src.copy(out.buf, out.length, pos, pos + literalLength);
    out.length += literalLength;
    pos += literalLength;
    if (pos === end) return; // last sequence: literals only
    if (pos + 2 > end) throw fail('match offset runs past the block');
    const offset = src[pos]! | (src[pos + 1]! << 8);
    pos += 2;
    if (offset === 0 || offset > out.length) throw fail(`match offset ${offset} is outside the decoded data`);
    let matchLength = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (pos >= end) throw fail('match length runs past the block');
        b = src[pos++]!;
        matchLength += b;
      } while (b === 255);
    }
    out.ensure(matchLength);
    const o = out.buf;
    let from = out.length - offset;
    let to = out.length;
    if (offset >= matchLength) {
      o.copy(o, to, from, from + matchLength);
    } else {
      // Overlapping match: copy byte by byte so repeated patterns expand.
      for (let i = 0; i < matchLength; i++) o[to++] = o[from++]!;
    }
    out.length += matchLength;
  }
}

/** Whether `buf` starts with the LZ4 frame magic number. */
export function isLz4Frame(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32LE(0) === LZ4_MAGIC;
}

/**
 * Decompresses one LZ4 frame (trailing bytes after it are ignored, as lz4-java's stream reader stops at the end mark).
 * Throws RemotingCommandError for malformed input or output over `maxOutputBytes`.
 */
export function lz4FrameDecompress(src: Buffer, maxOutputBytes: number): Buffer {
  if (src.length < 7) throw fail('too short');
  if (src.readUInt32LE(0) !== LZ4_MAGIC) throw fail('bad magic number');
  const flg = src[4]!;
  if (flg >>> 6 !== 1) throw fail(`unsupported version ${flg >>> 6}`);
  if ((flg & 1) !== 0) throw fail('dictionaries are not supported');
  const blockChecksum = (flg & 0x10) !== 0;
  const contentSizePresent = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  let pos = 6;
  let expectedSize = -1;
  if (contentSizePresent) {
    if (pos + 8 > src.length) throw fail('truncated content size');
    const size = src.readBigUInt64LE(pos);
    if (size > BigInt(maxOutputBytes)) throw fail(`content size ${size} exceeds ${maxOutputBytes} bytes`);
    expectedSize = Number(size);
    pos += 8;
  }
  pos += 1; // header checksum
  const out = new GrowingOutput(expectedSize >= 0 ? expectedSize : src.length * 4, maxOutputBytes);
  for (;;) {
    if (pos + 4 > src.length) throw fail('truncated block header');
    const word = src.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (pos + size + (blockChecksum ? 4 : 0) > src.length) throw fail('block runs past the input');
    if ((word & 0x80000000) !== 0) {
      out.ensure(size);
      src.copy(out.buf, out.length, pos, pos + size);
      out.length += size;
    } else {
      decodeBlock(src, pos, pos + size, out);
    }
    pos += size + (blockChecksum ? 4 : 0);
  }
  if (contentChecksum && pos + 4 > src.length) throw fail('truncated content checksum');
  if (expectedSize >= 0 && out.length !== expectedSize) {
    throw fail(`decoded ${out.length} bytes, the frame header says ${expectedSize}`);
  }
  return out.buf.subarray(0, out.length);
}
