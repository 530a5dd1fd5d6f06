/**
 * Message body compression (Java 5.x `CompressionType`, `CompressorFactory`, `ZlibCompressor`, `Lz4Compressor`,
 * `ZstdCompressor`; protocol.md §4.6). The producer compresses a single message whose body is at least
 * `compressMsgBodyOverHowmuch` (4096) bytes with its `compressType` (`rocketmq.message.compressType`, default ZLIB) at
 * `compressLevel` (`rocketmq.message.compressLevel`, default 5), sets COMPRESSED_FLAG plus the type bits (sysFlag bits
 * 8–10), and the consumer decompresses and clears COMPRESSED_FLAG.
 *
 * | type | sysFlag bits | body | codec here |
 * | ---- | ------------ | ---- | ---------- |
 * | ZLIB (3, or legacy 0) | 0x300 | RFC 1950 stream (Java `DeflaterOutputStream`) | `node:zlib` |
 * | LZ4 (1) | 0x100 | LZ4 frame (lz4-java `LZ4FrameOutputStream`) | `lz4-napi` (native, lz4_flex) |
 * | ZSTD (2) | 0x200 | zstd frame(s) (zstd-jni `ZstdOutputStream`) | `fzstd` (pure JS) to decompress, `@mongodb-js/zstd` (native, async) to compress |
 *
 * The native codecs are loaded on first use; where their binary cannot load, the operations that need them throw a
 * {@link CompressionUnavailableError} naming the type, and the rest of the client keeps working.
 *
 * Every decompression is capped (`maxOutputBytes`, default 64 MiB) before output is allocated: zlib through
 * `maxOutputLength`, zstd by stopping the streaming decoder, LZ4 by bounding each frame from its block headers (the
 * library decodes; this module only walks the frame layout to find frame boundaries and the most a frame can inflate to).
 */
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { Decompress as ZstdDecompressStream } from 'fzstd';
import { MQClientError, RemotingCommandError, RocketMQError } from '../errors/rocketmq-error';
import { MessageSysFlag } from './message-const';

/** Java `CompressionType` values (the number in sysFlag bits 8–10). Type 0 (older clients) means ZLIB. */
export const CompressionType = { LZ4: 1, ZSTD: 2, ZLIB: 3 } as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];
/** Java `CompressionType` names, as given to `rocketmq.message.compressType`. */
export type CompressionTypeName = keyof typeof CompressionType;

/** Java default compression level (`rocketmq.message.compressLevel`). */
export const DEFAULT_COMPRESS_LEVEL = 5;
/** Java default compression type (`rocketmq.message.compressType`). */
export const DEFAULT_COMPRESS_TYPE: CompressionTypeName = 'ZLIB';
/** Java producer default `compressMsgBodyOverHowmuch`, bytes. */
export const DEFAULT_COMPRESS_OVER_BYTES = 4096;
/** Default cap on an inflated body, bytes (guards against decompression bombs). */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** The name of a compression type (`compressionTypeName(2) === 'ZSTD'`). */
export function compressionTypeName(type: CompressionType): CompressionTypeName {
  switch (type) {
    case CompressionType.LZ4:
      return 'LZ4';
    case CompressionType.ZSTD:
      return 'ZSTD';
    default:
      return 'ZLIB';
  }
}

/** Java `CompressionType.of`: a name (any case, trimmed) to its type. Throws MQClientError for other names. */
export function compressionTypeOf(name: string): CompressionType {
  const key = name.trim().toUpperCase();
  if (key === 'LZ4' || key === 'ZSTD' || key === 'ZLIB') return CompressionType[key];
  throw new MQClientError(`Unsupported compress type name: "${name}"; use ZLIB, LZ4 or ZSTD`);
}

/** A codec whose native binary could not be loaded on this platform. Not retriable. */
export class CompressionUnavailableError extends RocketMQError {
  constructor(
    readonly compressionType: CompressionTypeName,
    readonly packageName: string,
    cause: unknown,
  ) {
    super(
      `${compressionType} compression is not available on ${process.platform}-${process.arch}: the native package ` +
        `"${packageName}" could not be loaded (${cause instanceof Error ? cause.message : String(cause)}); ` +
        `use compressType ZLIB`,
      { cause },
    );
  }
}

/** Compression type encoded in `sysFlag` (bits 8–10; 0 = legacy ZLIB). Throws RemotingCommandError on 4..7. */
export function getCompressionType(sysFlag: number): CompressionType {
  const value = (sysFlag & MessageSysFlag.COMPRESSION_TYPE_COMPARATOR) >> 8;
  switch (value) {
    case 0:
    case 3:
      return CompressionType.ZLIB;
    case 1:
      return CompressionType.LZ4;
    case 2:
      return CompressionType.ZSTD;
    default:
      throw new RemotingCommandError(`Unknown compression type ${value} in sysFlag ${sysFlag}`);
  }
}

/** The sysFlag bits of a compression type (without COMPRESSED_FLAG; Java `getCompressionFlag`). */
export function compressionTypeFlag(type: CompressionType): number {
  return type << 8;
}

/** `sysFlag` marked as compressed with `type`: COMPRESSED_FLAG plus the type bits (what a 4.9.4+/5.x producer sets). */
export function markCompressed(sysFlag: number, type: CompressionType = CompressionType.ZLIB): number {
  return (
    (sysFlag & ~MessageSysFlag.COMPRESSION_TYPE_COMPARATOR) | MessageSysFlag.COMPRESSED_FLAG | compressionTypeFlag(type)
  );
}

// ---- native codecs, loaded on first use ------------------------------------------------------------------------

interface Lz4Binding {
  compressFrameSync(data: Buffer): Buffer;
  decompressFrameSync(data: Buffer): Buffer;
}
interface ZstdBinding {
  compress(data: Buffer, level?: number): Promise<Buffer>;
}

type Loaded<T> = { ok: true; value: T } | { ok: false; error: CompressionUnavailableError };
const loadNative = createRequire(__filename);
let lz4Binding: Loaded<Lz4Binding> | undefined;
let zstdBinding: Loaded<ZstdBinding> | undefined;

function load<T>(type: CompressionTypeName, pkg: string): Loaded<T> {
  try {
    return { ok: true, value: loadNative(pkg) as T };
  } catch (err) {
    return { ok: false, error: new CompressionUnavailableError(type, pkg, err) };
  }
}

function lz4(): Lz4Binding {
  lz4Binding ??= load<Lz4Binding>('LZ4', 'lz4-napi');
  if (!lz4Binding.ok) throw lz4Binding.error;
  return lz4Binding.value;
}

function zstd(): ZstdBinding {
  zstdBinding ??= load<ZstdBinding>('ZSTD', '@mongodb-js/zstd');
  if (!zstdBinding.ok) throw zstdBinding.error;
  return zstdBinding.value;
}

/**
 * Whether this process can compress with `type` (ZLIB always; LZ4/ZSTD when their native binary loads). Decompression
 * of ZSTD works everywhere (pure JS); of LZ4 needs the same binary as compression.
 */
export function isCompressionAvailable(type: CompressionType | CompressionTypeName): boolean {
  try {
    assertCompressionAvailable(type);
    return true;
  } catch {
    return false;
  }
}

/** Throws {@link CompressionUnavailableError} when this process cannot compress with `type`. */
export function assertCompressionAvailable(type: CompressionType | CompressionTypeName): void {
  const t = typeof type === 'string' ? compressionTypeOf(type) : type;
  if (t === CompressionType.LZ4) lz4();
  else if (t === CompressionType.ZSTD) zstd();
}

// ---- compression ----------------------------------------------------------------------------------------------------

export interface CompressBodyOptions {
  /** Default ZLIB (Java's default `rocketmq.message.compressType`). */
  type?: CompressionType | CompressionTypeName;
  /** Level: zlib 0–9, zstd 1–22 (negative = fast); ignored by LZ4 as in Java. Default 5. */
  level?: number;
}

/**
 * Compresses a body the way the Java 5.x producer does: ZLIB at `level` (default 5) or an LZ4 frame. ZSTD compression
 * is asynchronous here: use {@link compressBodyAsync} (this throws MQClientError for ZSTD).
 */
export function compressBody(body: Buffer, options: CompressBodyOptions = {}): Buffer {
  const type = resolveType(options.type);
  if (type === CompressionType.LZ4) return lz4().compressFrameSync(body);
  if (type === CompressionType.ZSTD) {
    throw new MQClientError('ZSTD compression is asynchronous: use compressBodyAsync');
  }
  return zlib.deflateSync(body, { level: options.level ?? DEFAULT_COMPRESS_LEVEL });
}

/** Compresses a body with any type (ZLIB, LZ4 frame or zstd frame at `level`, default 5), as the Java producer does. */
export async function compressBodyAsync(body: Buffer, options: CompressBodyOptions = {}): Promise<Buffer> {
  const type = resolveType(options.type);
  if (type !== CompressionType.ZSTD) return compressBody(body, { ...options, type });
  return zstd().compress(body, options.level ?? DEFAULT_COMPRESS_LEVEL);
}

function resolveType(type: CompressionType | CompressionTypeName | undefined): CompressionType {
  if (type === undefined) return CompressionType.ZLIB;
  if (typeof type === 'string') return compressionTypeOf(type);
  if (type === CompressionType.LZ4 || type === CompressionType.ZSTD || type === CompressionType.ZLIB) return type;
  throw new MQClientError(`Unknown compression type ${String(type)}; use ZLIB (3), LZ4 (1) or ZSTD (2)`);
}

// ---- decompression --------------------------------------------------------------------------------------------------

export interface DecompressBodyOptions {
  /** Largest inflated body accepted, bytes. Default 64 MiB. */
  maxOutputBytes?: number;
}

/**
 * Decompresses a body stored with the compression type of `sysFlag` (Java `MessageDecoder.decompress` with
 * `CompressorFactory`). Corrupt input and bodies larger than `maxOutputBytes` give a RemotingCommandError; an LZ4 body
 * where the LZ4 binary cannot load gives a {@link CompressionUnavailableError}.
 */
export function decompressBody(body: Buffer, sysFlag: number, options: DecompressBodyOptions = {}): Buffer {
  const type = getCompressionType(sysFlag);
  const max = options.maxOutputBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (type === CompressionType.LZ4) return lz4Decompress(body, max);
  if (type === CompressionType.ZSTD) return zstdDecompress(body, max);
  try {
    return zlib.inflateSync(body, { maxOutputLength: max });
  } catch (err) {
    throw new RemotingCommandError(`Corrupt or oversized zlib message body (${body.length} bytes)`, { cause: err });
  }
}

class OutputCapExceeded extends Error {}

function zstdDecompress(body: Buffer, max: number): Buffer {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new ZstdDecompressStream((chunk) => {
    total += chunk.length;
    if (total > max) throw new OutputCapExceeded();
    chunks.push(chunk);
  });
  try {
    stream.push(body, true);
  } catch (err) {
    if (err instanceof OutputCapExceeded) {
      throw new RemotingCommandError(`ZSTD message body inflates to more than ${max} bytes`);
    }
    throw new RemotingCommandError(`Corrupt ZSTD message body (${body.length} bytes)`, { cause: err });
  }
  if (body.length === 0 || total === 0) {
    // fzstd accepts an empty input; a zstd body always holds at least one frame header.
    if (body.length < 4 || body.readUInt32LE(0) !== ZSTD_MAGIC) {
      throw new RemotingCommandError(`Corrupt ZSTD message body (${body.length} bytes): no zstd frame`);
    }
  }
  return Buffer.concat(chunks, total);
}

const ZSTD_MAGIC = 0xfd2fb528;
const LZ4_MAGIC = 0x184d2204;
const LZ4_SKIPPABLE_MASK = 0xfffffff0;
const LZ4_SKIPPABLE_MAGIC = 0x184d2a50;
/** Maximum block size of each LZ4 frame `BD` block-size id (4..7). */
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

/**
 * LZ4 body: one or more LZ4 frames, possibly with skippable frames between them (lz4-java `LZ4FrameInputStream` reads
 * them all). The layout is walked here only to split frames and bound their output:
 *
 * | field | width | |
 * | ----- | ----- | - |
 * | magic | 4 LE | 0x184D2204 (skippable: 0x184D2A5x, then a 4-byte LE length and that many bytes) |
 * | FLG, BD | 1 + 1 | FLG bit 4 block checksum, bit 3 content size, bit 2 content checksum, bit 0 dictionary id; BD bits 4–6 block size id |
 * | content size | 8 LE, optional | |
 * | dictionary id | 4, optional | |
 * | header checksum | 1 | |
 * | blocks | 4 LE size (bit 31 = stored uncompressed) + data (+ 4 checksum) | size 0 ends the frame |
 * | content checksum | 4, optional | |
 *
 * The library (lz4-napi) decodes each frame and checks every checksum.
 */
function lz4Decompress(body: Buffer, max: number): Buffer {
  const frames: Buffer[] = [];
  let bound = 0;
  let pos = 0;
  const fail = (why: string): never => {
    throw new RemotingCommandError(`Corrupt LZ4 message body (${body.length} bytes): ${why} at byte ${pos}`);
  };
  if (body.length === 0) fail('empty body');
  while (pos < body.length) {
    if (pos + 8 > body.length) fail('truncated frame header');
    const magic = body.readUInt32LE(pos);
    if ((magic & LZ4_SKIPPABLE_MASK) >>> 0 === LZ4_SKIPPABLE_MAGIC) {
      pos += 8 + body.readUInt32LE(pos + 4);
      if (pos > body.length) fail('truncated skippable frame');
      continue;
    }
    if (magic !== LZ4_MAGIC) fail(`bad frame magic 0x${magic.toString(16)}`);
    const start = pos;
    const flg = body[pos + 4]!;
    const blockMax = LZ4_BLOCK_MAX[(body[pos + 5]! >> 4) & 7]!;
    if (blockMax === 0) fail('bad block size id');
    const blockChecksum = (flg & 0x10) !== 0;
    pos += 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0) + 1;
    if (pos > body.length) fail('truncated frame header');
    let frameBound = 0;
    for (;;) {
      if (pos + 4 > body.length) fail('truncated block');
      const word = body.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      if (size > blockMax) fail('block larger than the frame block size');
      // A compressed block inflates to at most its block size, and to at most 255 bytes per input byte (a length
      // extension byte adds 255; a 3-byte token + offset gives at most 34).
      frameBound += (word & 0x80000000) !== 0 ? size : Math.min(blockMax, size * 255);
      pos += size + (blockChecksum ? 4 : 0);
    }
    pos += (flg & 0x04) !== 0 ? 4 : 0;
    if (pos > body.length) fail('truncated frame end');
    bound += frameBound;
    if (bound > max) throw new RemotingCommandError(`LZ4 message body inflates to more than ${max} bytes`);
    frames.push(body.subarray(start, pos));
  }
  const codec = lz4();
  const out: Buffer[] = [];
  let total = 0;
  for (const frame of frames) {
    let part: Buffer;
    try {
      part = codec.decompressFrameSync(frame);
    } catch (err) {
      throw new RemotingCommandError(`Corrupt LZ4 message body (${body.length} bytes)`, { cause: err });
    }
    total += part.length;
    if (total > max) throw new RemotingCommandError(`LZ4 message body inflates to more than ${max} bytes`);
    out.push(part);
  }
  return out.length === 1 ? out[0]! : Buffer.concat(out, total);
}
