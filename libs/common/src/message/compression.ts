/**
 * Message body compression (Java `CompressionType`, `ZlibCompressor`; protocol.md §4.6). The producer compresses a
 * single message whose body is at least `compressMsgBodyOverHowmuch` (4096) bytes (that threshold lives in the client),
 * sets COMPRESSED_FLAG plus the compression type bits, and the consumer inflates and clears COMPRESSED_FLAG.
 *
 * ZLIB is an RFC 1950 stream (Java `DeflaterOutputStream`, level 5 by default). LZ4 frame bodies are decompressed by
 * our own decoder (`lz4-frame.ts`) but not produced; ZSTD is not supported at all (Node 20 ships neither codec), so
 * those give a typed error.
 */
import * as zlib from 'node:zlib';
import { MQClientError, RemotingCommandError } from '../errors/rocketmq-error';
import { MessageSysFlag } from './message-const';
import { lz4FrameDecompress } from './lz4-frame';

/** Java `CompressionType` values (the number in sysFlag bits 8–10). Type 0 (older clients) means ZLIB. */
export const CompressionType = { LZ4: 1, ZSTD: 2, ZLIB: 3 } as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

/** Java default compression level (`rocketmq.message.compressLevel`). */
export const DEFAULT_COMPRESS_LEVEL = 5;
/** Java producer default `compressMsgBodyOverHowmuch`, bytes. */
export const DEFAULT_COMPRESS_OVER_BYTES = 4096;
/** Default cap on an inflated body, bytes (guards against decompression bombs). */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

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

/** The sysFlag bits of a compression type (without COMPRESSED_FLAG). */
export function compressionTypeFlag(type: CompressionType): number {
  return type << 8;
}

/** `sysFlag` marked as compressed with `type`: COMPRESSED_FLAG plus the type bits (what a 4.9.4+/5.x producer sets). */
export function markCompressed(sysFlag: number, type: CompressionType = CompressionType.ZLIB): number {
  return (
    (sysFlag & ~MessageSysFlag.COMPRESSION_TYPE_COMPARATOR) | MessageSysFlag.COMPRESSED_FLAG | compressionTypeFlag(type)
  );
}

export interface CompressBodyOptions {
  /** zlib level 0–9. Default 5 (Java's default). */
  level?: number;
  /** Default ZLIB; LZ4 and ZSTD are not available on Node 20 and throw MQClientError. */
  type?: CompressionType;
}

/** Compresses a body the way the Java producer does (ZLIB, level 5 by default). */
export function compressBody(body: Buffer, options: CompressBodyOptions = {}): Buffer {
  const type = options.type ?? CompressionType.ZLIB;
  if (type !== CompressionType.ZLIB) {
    throw new MQClientError(`Compression type ${type} is not supported by RocketNest; use ZLIB (3)`);
  }
  return zlib.deflateSync(body, { level: options.level ?? DEFAULT_COMPRESS_LEVEL });
}

export interface DecompressBodyOptions {
  /** Largest inflated body accepted, bytes. Default 64 MiB. */
  maxOutputBytes?: number;
}

/**
 * Decompresses a body stored with the compression type of `sysFlag` (ZLIB or LZ4 frame). Corrupt input, bodies larger
 * than `maxOutputBytes` and ZSTD bodies give a RemotingCommandError.
 */
export function decompressBody(body: Buffer, sysFlag: number, options: DecompressBodyOptions = {}): Buffer {
  const type = getCompressionType(sysFlag);
  const maxOutputLength = options.maxOutputBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (type === CompressionType.LZ4) return lz4FrameDecompress(body, maxOutputLength);
  if (type !== CompressionType.ZLIB) {
    throw new RemotingCommandError('Cannot decompress a ZSTD body: only ZLIB and LZ4 are supported');
  }
  try {
    return zlib.inflateSync(body, { maxOutputLength });
  } catch (err) {
    throw new RemotingCommandError(`Corrupt or oversized zlib message body (${body.length} bytes)`, { cause: err });
  }
}
