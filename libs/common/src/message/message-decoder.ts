/**
 * The stored message record: the CommitLog layout, also used verbatim in PULL / QUERY / VIEW response bodies and the
 * CHECK_TRANSACTION_STATE body (Java `MessageDecoder`, 5.x `CommitLog.MessageExtEncoder`; protocol.md §4.1).
 *
 * All integers big-endian. `bh` / `sh` = 8 for an IPv4 host, 20 for IPv6 (sysFlag bits 0x10 / 0x20).
 * ```
 * off            size     field
 * 0              4        TOTALSIZE (whole record, this field included)
 * 4              4        MAGICCODE  V1 0xDAA320A7 | V2 0xDAA320AB (5.x, topic > 127 bytes)
 * 8              4        BODYCRC    crc32(stored body) & 0x7FFFFFFF
 * 12             4        QUEUEID
 * 16             4        FLAG       user flag
 * 20             8        QUEUEOFFSET
 * 28             8        PHYSICALOFFSET (commit-log offset of this record)
 * 36             4        SYSFLAG
 * 40             8        BORNTIMESTAMP (ms)
 * 48             bh       BORNHOST   address (4 | 16) + int32 port
 * 48+bh          8        STORETIMESTAMP (ms)
 * 56+bh          sh       STOREHOSTADDRESS address (4 | 16) + int32 port
 * 56+bh+sh       4        RECONSUMETIMES
 * 60+bh+sh       8        PREPARED_TRANSACTION_OFFSET
 * 68+bh+sh       4 + n    BODYLENGTH, BODY (compressed when SYSFLAG bit 0)
 * ...            1|2 + t  TOPICLENGTH (V1: 1 byte, V2: int16), TOPIC (UTF-8)
 * ...            2 + p    PROPERTIESLENGTH (int16), PROPERTIES (UTF-8, see message-properties.ts)
 * ```
 * V1 with IPv4 hosts: `91 + n + t + p` bytes. The offset msgId is hex(STOREHOSTADDRESS + PHYSICALOFFSET).
 *
 * 64-bit fields are JS numbers: exact up to 2^53, which covers offsets and timestamps.
 */
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { MQClientError, RemotingCommandError } from '../errors/rocketmq-error';
import { ResponseCode } from '../protocol/response-code';
import { decompressBody as inflateBody } from './compression';
import { HostAddress, hostAddressLength, readHostAddress, writeHostAddress } from './host-address';
import {
  MessageConst,
  MessageMagicCode,
  MessageSysFlag,
  NAME_VALUE_SEPARATOR,
  PROPERTY_SEPARATOR,
} from './message-const';
import { tagsString2tagsCode } from '../util/java-hash';
import { MAX_PROPERTIES_LENGTH, decodeMessageProperties, encodeMessageProperties } from './message-properties';
import { MessageExt } from './message';

/** Fixed positions in a record (Java `MessageDecoder.*_POSITION`). */
export const MessageRecordPosition = {
  TOTAL_SIZE: 0,
  MAGIC_CODE: 4,
  BODY_CRC: 8,
  QUEUE_ID: 12,
  FLAG: 16,
  QUEUE_OFFSET: 20,
  PHYSICAL_OFFSET: 28,
  SYS_FLAG: 36,
  BORN_TIMESTAMP: 40,
  BORN_HOST: 48,
} as const;

/** Size of the BLANK filler header Java writes at the end of a CommitLog file (TOTALSIZE + BLANK magic). */
export const END_FILE_MIN_BLANK_LENGTH = 8;
/** Smallest valid record: V1, IPv4 hosts, empty body, topic and properties. */
export const MIN_MESSAGE_RECORD_SIZE = 91;
/** Largest topic length a V1 record can hold, bytes. */
export const MAX_V1_TOPIC_LENGTH = 127;

const TWO_32 = 0x1_0000_0000;
const HEX_UPPER: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).toUpperCase().padStart(2, '0'),
);

function readLong(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

/*
 * The encoder checks the record's bounds once, then stores bytes directly: cheaper than Buffer#writeInt32BE's
 * per-call range checks on the store's hot path. Ints are written modulo 2^32, as Java's (int) casts would.
 */
function putInt(buf: Buffer, pos: number, value: number): void {
  buf[pos] = value >>> 24;
  buf[pos + 1] = value >>> 16;
  buf[pos + 2] = value >>> 8;
  buf[pos + 3] = value;
}

function writeLong(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  putInt(buf, pos, hi);
  putInt(buf, pos + 4, value - hi * TWO_32);
}

/**
 * Writes a string whose UTF-8 length is `byteLength`. ASCII (UTF-8 length = string length) is written as latin1, which
 * gives the same bytes without UTF-8 encoding; very short ASCII strings are copied by hand (cheaper than a native call).
 */
function putString(buf: Buffer, pos: number, s: string, byteLength: number): void {
  if (byteLength !== s.length) buf.write(s, pos, byteLength, 'utf8');
  else if (byteLength <= 16) for (let i = 0; i < byteLength; i++) buf[pos + i] = s.charCodeAt(i);
  else buf.write(s, pos, byteLength, 'latin1');
}

type Crc32 = (input: Uint8Array) => number;

/**
 * CRC-32 for BODYCRC, computed for every stored record: `@node-rs/crc32` (SIMD, about twice as fast as zlib's on 1 KiB
 * bodies) where its prebuilt binary loads, zlib's (same value) elsewhere.
 */
function loadCrc32(): Crc32 {
  try {
    const native = createRequire(__filename)('@node-rs/crc32') as { crc32: Crc32 };
    // Guard against a binary that loads but disagrees (the check value of "123456789" is 0xCBF43926).
    if (native.crc32(Buffer.from('123456789')) >>> 0 === 0xcbf43926) return native.crc32;
  } catch {
    // No prebuilt binary for this platform: zlib below.
  }
  return zlib.crc32;
}

const crc32 = loadCrc32();

/** `crc32(bytes) & 0x7FFFFFFF`, the BODYCRC of a record (Java `UtilAll.crc32`). */
export function bodyCrc32(body: Uint8Array): number {
  return crc32(body) & 0x7fffffff;
}

/** Bytes the born host takes for a sysFlag: 8 (IPv4) or 20 (IPv6). */
export function bornHostLength(sysFlag: number): 8 | 20 {
  return (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) === 0 ? 8 : 20;
}

/** Bytes the store host takes for a sysFlag: 8 (IPv4) or 20 (IPv6). */
export function storeHostLength(sysFlag: number): 8 | 20 {
  return (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) === 0 ? 8 : 20;
}

/** Position of STORETIMESTAMP in a record with this sysFlag (56 with an IPv4 born host). */
export function storeTimestampPosition(sysFlag: number): number {
  return MessageRecordPosition.BORN_HOST + bornHostLength(sysFlag);
}

/**
 * Record size for the given lengths (Java `CommitLog.calMsgLength`). `topicLength` and `propertiesLength` are UTF-8 byte
 * counts; `magicCode` picks the topic length width.
 */
export function calcMessageRecordSize(
  sysFlag: number,
  bodyLength: number,
  topicLength: number,
  propertiesLength: number,
  magicCode: number = MessageMagicCode.V1,
): number {
  return (
    4 + // TOTALSIZE
    4 + // MAGICCODE
    4 + // BODYCRC
    4 + // QUEUEID
    4 + // FLAG
    8 + // QUEUEOFFSET
    8 + // PHYSICALOFFSET
    4 + // SYSFLAG
    8 + // BORNTIMESTAMP
    bornHostLength(sysFlag) +
    8 + // STORETIMESTAMP
    storeHostLength(sysFlag) +
    4 + // RECONSUMETIMES
    8 + // PREPARED_TRANSACTION_OFFSET
    4 +
    bodyLength +
    (magicCode === MessageMagicCode.V2 ? 2 : 1) +
    topicLength +
    2 +
    propertiesLength
  );
}

/** What `encodeMessageRecord` reads from a message. `MessageExt` and `MessageExtBrokerInner` fit. */
export interface MessageRecordSource {
  topic: string;
  body: Buffer;
  flag: number;
  properties: Readonly<Record<string, string>>;
  /** Written instead of encoding `properties` when it is a non-empty string (the broker's pre-encoded string). */
  propertiesString?: string;
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  /** The V6 host bits are recomputed from the host addresses. */
  sysFlag: number;
  bornTimestamp: number;
  bornHost: HostAddress;
  storeTimestamp: number;
  storeHost: HostAddress;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** Written as given; compute it with `bodyCrc32(body)`. */
  bodyCRC: number;
}

/** Sizes of a record to be written; computed once by `measureMessageRecord` and reusable by `encodeMessageRecord`. */
export interface MessageRecordLayout {
  totalSize: number;
  magicCode: number;
  /** sysFlag as written: the message's with the V6 bits set from the hosts. */
  sysFlag: number;
  topicLength: number;
  propertiesString: string;
  propertiesLength: number;
  bornAddressLength: 4 | 16;
  storeAddressLength: 4 | 16;
}

/**
 * Measures the record `msg` encodes to. Throws MQClientError (responseCode MESSAGE_ILLEGAL) when the properties exceed
 * 32767 bytes or the topic 32767 bytes. Picks V2 when the topic is longer than 127 bytes (5.x
 * `autoMessageVersionOnTopicLen`).
 */
export function measureMessageRecord(msg: MessageRecordSource): MessageRecordLayout {
  const topicLength = Buffer.byteLength(msg.topic, 'utf8');
  const propertiesString =
    msg.propertiesString !== undefined && msg.propertiesString.length > 0
      ? msg.propertiesString
      : encodeMessageProperties(msg.properties);
  const propertiesLength = Buffer.byteLength(propertiesString, 'utf8');
  if (propertiesLength > MAX_PROPERTIES_LENGTH) {
    throw new MQClientError(
      `Message properties are ${propertiesLength} bytes; at most ${MAX_PROPERTIES_LENGTH} fit in a record`,
      { responseCode: ResponseCode.MESSAGE_ILLEGAL },
    );
  }
  if (topicLength > 32767) {
    throw new MQClientError(`Topic is ${topicLength} bytes; at most 32767 fit in a record`, {
      responseCode: ResponseCode.MESSAGE_ILLEGAL,
    });
  }
  const magicCode = topicLength > MAX_V1_TOPIC_LENGTH ? MessageMagicCode.V2 : MessageMagicCode.V1;
  const bornAddressLength = hostAddressLength(msg.bornHost.address);
  const storeAddressLength = hostAddressLength(msg.storeHost.address);
  const sysFlag =
    (msg.sysFlag & ~(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG)) |
    (bornAddressLength === 16 ? MessageSysFlag.BORNHOST_V6_FLAG : 0) |
    (storeAddressLength === 16 ? MessageSysFlag.STOREHOSTADDRESS_V6_FLAG : 0);
  return {
    totalSize: calcMessageRecordSize(sysFlag, msg.body.length, topicLength, propertiesLength, magicCode),
    magicCode,
    sysFlag,
    topicLength,
    propertiesString,
    propertiesLength,
    bornAddressLength,
    storeAddressLength,
  };
}

/**
 * Writes the record of `msg` (Java `MessageDecoder.encode` / the CommitLog encoder). Without `target` a new buffer of
 * the exact size is returned; with `target` the record is written at `offset` with no intermediate copies and the
 * returned buffer is a view of the written bytes. Pass the `layout` from `measureMessageRecord` to skip measuring again.
 * Throws MQClientError if the message cannot be encoded or does not fit in `target`.
 */
export function encodeMessageRecord(
  msg: MessageRecordSource,
  target?: Buffer,
  offset = 0,
  layout: MessageRecordLayout = measureMessageRecord(msg),
): Buffer {
  const size = layout.totalSize;
  let buf: Buffer;
  if (target === undefined) {
    buf = Buffer.allocUnsafe(size);
    offset = 0;
  } else {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > target.length) {
      throw new MQClientError(
        `Record of ${size} bytes does not fit in the target buffer at offset ${offset} (length ${target.length})`,
      );
    }
    buf = target;
  }
  let pos = offset;
  putInt(buf, pos, size);
  putInt(buf, pos + 4, layout.magicCode);
  putInt(buf, pos + 8, msg.bodyCRC | 0);
  putInt(buf, pos + 12, msg.queueId);
  putInt(buf, pos + 16, msg.flag | 0);
  writeLong(buf, pos + 20, msg.queueOffset);
  writeLong(buf, pos + 28, msg.commitLogOffset);
  putInt(buf, pos + 36, layout.sysFlag);
  writeLong(buf, pos + 40, msg.bornTimestamp);
  pos = writeHostAddress(buf, pos + 48, msg.bornHost.address);
  putInt(buf, pos, msg.bornHost.port);
  writeLong(buf, pos + 4, msg.storeTimestamp);
  pos = writeHostAddress(buf, pos + 12, msg.storeHost.address);
  putInt(buf, pos, msg.storeHost.port);
  putInt(buf, pos + 4, msg.reconsumeTimes);
  writeLong(buf, pos + 8, msg.preparedTransactionOffset);
  const body = msg.body;
  putInt(buf, pos + 16, body.length);
  pos += 20;
  body.copy(buf, pos);
  pos += body.length;
  if (layout.magicCode === MessageMagicCode.V2) {
    buf[pos] = layout.topicLength >>> 8;
    buf[pos + 1] = layout.topicLength;
    pos += 2;
  } else {
    buf[pos++] = layout.topicLength;
  }
  putString(buf, pos, msg.topic, layout.topicLength);
  pos += layout.topicLength;
  buf[pos] = layout.propertiesLength >>> 8;
  buf[pos + 1] = layout.propertiesLength;
  pos += 2;
  putString(buf, pos, layout.propertiesString, layout.propertiesLength);
  pos += layout.propertiesLength;
  if (pos - offset !== size) {
    // Only reachable if a string changed between measuring and writing.
    throw new MQClientError(`Encoded ${pos - offset} bytes for a record measured at ${size}`);
  }
  return target === undefined ? buf : buf.subarray(offset, offset + size);
}

/** The fixed fields of a record and where its variable parts are, read without decoding body or properties. */
export interface MessageRecordHeader {
  /** Position of the record in the buffer that was peeked. */
  recordOffset: number;
  totalSize: number;
  magicCode: number;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  physicalOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  storeTimestamp: number;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /** Absolute positions in the buffer. */
  bornHostOffset: number;
  storeHostOffset: number;
  bodyOffset: number;
  bodyLength: number;
  topicOffset: number;
  topicLength: number;
  topic: string;
  propertiesOffset: number;
  propertiesLength: number;
}

function bad(message: string, offset: number): RemotingCommandError {
  return new RemotingCommandError(`Invalid message record at offset ${offset}: ${message}`);
}

/**
 * Reads the header of the record at `offset` and checks that every length stays inside the record and the buffer.
 * Returns `undefined` for a BLANK filler (`magicCode` BLANK: end of a CommitLog file; `readBlankLength` gives its size).
 * Throws RemotingCommandError for anything else that is not a valid record (truncated, bad magic, bad lengths).
 */
export function peekRecordHeader(buf: Buffer, offset = 0): MessageRecordHeader | undefined {
  if (!Number.isInteger(offset) || offset < 0 || offset + 8 > buf.length) {
    throw bad(`needs at least 8 bytes, ${Math.max(0, buf.length - offset)} left`, offset);
  }
  const totalSize = buf.readInt32BE(offset);
  const magicCode = buf.readInt32BE(offset + 4);
  if (magicCode === MessageMagicCode.BLANK) return undefined;
  if (magicCode !== MessageMagicCode.V1 && magicCode !== MessageMagicCode.V2) {
    throw bad(`unknown magic code 0x${(magicCode >>> 0).toString(16)}`, offset);
  }
  if (totalSize < MIN_MESSAGE_RECORD_SIZE) throw bad(`total size ${totalSize} is too small`, offset);
  const end = offset + totalSize;
  if (end > buf.length) throw bad(`total size ${totalSize} runs past the end of the buffer`, offset);
  const sysFlag = buf.readInt32BE(offset + 36);
  const bornLen = bornHostLength(sysFlag);
  const storeLen = storeHostLength(sysFlag);
  const bornHostOffset = offset + 48;
  const storeTsPos = bornHostOffset + bornLen;
  const storeHostOffset = storeTsPos + 8;
  const reconsumePos = storeHostOffset + storeLen;
  const bodyLenPos = reconsumePos + 12;
  if (bodyLenPos + 4 > end) throw bad('header runs past the record', offset);
  const bodyLength = buf.readInt32BE(bodyLenPos);
  const bodyOffset = bodyLenPos + 4;
  const topicLenSize = magicCode === MessageMagicCode.V2 ? 2 : 1;
  if (bodyLength < 0 || bodyOffset + bodyLength + topicLenSize > end) {
    throw bad(`body length ${bodyLength} does not fit in the record`, offset);
  }
  const topicLenPos = bodyOffset + bodyLength;
  const topicLength = topicLenSize === 2 ? buf.readInt16BE(topicLenPos) : buf[topicLenPos]!;
  const topicOffset = topicLenPos + topicLenSize;
  if (topicLength < 0 || topicOffset + topicLength + 2 > end) {
    throw bad(`topic length ${topicLength} does not fit in the record`, offset);
  }
  const propsLenPos = topicOffset + topicLength;
  const propertiesLength = buf.readInt16BE(propsLenPos);
  const propertiesOffset = propsLenPos + 2;
  if (propertiesLength < 0 || propertiesOffset + propertiesLength > end) {
    throw bad(`properties length ${propertiesLength} does not fit in the record`, offset);
  }
  return {
    recordOffset: offset,
    totalSize,
    magicCode,
    bodyCRC: buf.readInt32BE(offset + 8),
    queueId: buf.readInt32BE(offset + 12),
    flag: buf.readInt32BE(offset + 16),
    queueOffset: readLong(buf, offset + 20),
    physicalOffset: readLong(buf, offset + 28),
    sysFlag,
    bornTimestamp: readLong(buf, offset + 40),
    storeTimestamp: readLong(buf, storeTsPos),
    reconsumeTimes: buf.readInt32BE(reconsumePos),
    preparedTransactionOffset: readLong(buf, reconsumePos + 4),
    bornHostOffset,
    storeHostOffset,
    bodyOffset,
    bodyLength,
    topicOffset,
    topicLength,
    topic: buf.toString('utf8', topicOffset, topicOffset + topicLength),
    propertiesOffset,
    propertiesLength,
  };
}

/** Size of a BLANK filler at `offset` (its TOTALSIZE), or undefined if the bytes there are not a BLANK filler. */
export function readBlankLength(buf: Buffer, offset = 0): number | undefined {
  if (offset < 0 || offset + 8 > buf.length) return undefined;
  return buf.readInt32BE(offset + 4) === MessageMagicCode.BLANK ? buf.readInt32BE(offset) : undefined;
}

/** The properties string of a peeked record. */
export function readRecordPropertiesString(buf: Buffer, header: MessageRecordHeader): string {
  return header.propertiesLength === 0
    ? ''
    : buf.toString('utf8', header.propertiesOffset, header.propertiesOffset + header.propertiesLength);
}

/** The properties of a peeked record. */
export function readRecordProperties(buf: Buffer, header: MessageRecordHeader): Record<string, string> {
  return decodeMessageProperties(readRecordPropertiesString(buf, header));
}

/**
 * Value of one property of a peeked record, found without decoding the others (e.g. TAGS for the consume-queue tags
 * code). Same rules as `decodeMessageProperties`: the last occurrence wins, empty values count as absent.
 */
export function readRecordProperty(buf: Buffer, header: MessageRecordHeader, name: string): string | undefined {
  if (header.propertiesLength === 0) return undefined;
  const props = readRecordPropertiesString(buf, header);
  const key = name + NAME_VALUE_SEPARATOR;
  let found: string | undefined;
  let index = 0;
  while (index < props.length) {
    let end = props.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = props.length;
    if (props.startsWith(key, index) && end > index + key.length) found = props.slice(index + key.length, end);
    index = end + 1;
  }
  return found;
}

/** Consume-queue tags code of a peeked record: Java `String.hashCode` of TAGS, 0 without tags. */
export function readRecordTagsCode(buf: Buffer, header: MessageRecordHeader): number {
  return tagsString2tagsCode(readRecordProperty(buf, header, MessageConst.TAGS));
}

/** Whether the stored body of a peeked record matches its BODYCRC. */
export function checkRecordBodyCRC(buf: Buffer, header: MessageRecordHeader): boolean {
  return bodyCrc32(buf.subarray(header.bodyOffset, header.bodyOffset + header.bodyLength)) === header.bodyCRC;
}

/** Offset msgId of a peeked record: hex of the store host (address + port) and the physical offset, upper case. */
export function recordOffsetMessageId(buf: Buffer, header: MessageRecordHeader): string {
  const hostEnd = header.storeHostOffset + storeHostLength(header.sysFlag);
  const physPos = header.recordOffset + MessageRecordPosition.PHYSICAL_OFFSET;
  let id = '';
  for (let i = header.storeHostOffset; i < hostEnd; i++) id += HEX_UPPER[buf[i]!]!;
  for (let i = physPos; i < physPos + 8; i++) id += HEX_UPPER[buf[i]!]!;
  return id;
}

export interface DecodeMessageRecordOptions {
  /** Read the body; otherwise `body` is empty. Default true. */
  readBody?: boolean;
  /** Inflate compressed bodies and clear COMPRESSED_FLAG (Java `deCompressBody`). Default true. */
  decompressBody?: boolean;
  /** `msgId` = UNIQ_KEY when present (Java `MessageClientExt`); `offsetMsgId` is always the offset id. Default false. */
  isClient?: boolean;
  /** Verify BODYCRC and throw RemotingCommandError on mismatch. Default false (Java default). */
  checkCRC?: boolean;
  /**
   * Copy the body out of `buf` (default true). `false` returns a view into `buf`: faster, but only safe when `buf` is
   * never reused (e.g. a PULL response body).
   */
  copyBody?: boolean;
  /** Largest inflated body, bytes. Default 64 MiB. */
  maxDecompressedBytes?: number;
}

/**
 * Decodes the record at `offset` (Java `MessageDecoder.decode`); the record's size is `result.storeSize`. Throws
 * RemotingCommandError for a truncated or malformed record, a BLANK filler, or a corrupt compressed body.
 */
export function decodeMessageRecord(buf: Buffer, offset = 0, options: DecodeMessageRecordOptions = {}): MessageExt {
  const h = peekRecordHeader(buf, offset);
  if (h === undefined) throw bad('BLANK filler (end of a commit-log file), not a message', offset);
  const msg = new MessageExt();
  msg.storeSize = h.totalSize;
  msg.bodyCRC = h.bodyCRC;
  msg.queueId = h.queueId;
  msg.flag = h.flag;
  msg.queueOffset = h.queueOffset;
  msg.commitLogOffset = h.physicalOffset;
  let sysFlag = h.sysFlag;
  msg.bornTimestamp = h.bornTimestamp;
  const bornAddrLen = bornHostLength(sysFlag) === 8 ? 4 : 16;
  msg.bornHost = {
    address: readHostAddress(buf, h.bornHostOffset, bornAddrLen),
    port: buf.readInt32BE(h.bornHostOffset + bornAddrLen),
  };
  msg.storeTimestamp = h.storeTimestamp;
  const storeAddrLen = storeHostLength(sysFlag) === 8 ? 4 : 16;
  msg.storeHost = {
    address: readHostAddress(buf, h.storeHostOffset, storeAddrLen),
    port: buf.readInt32BE(h.storeHostOffset + storeAddrLen),
  };
  msg.reconsumeTimes = h.reconsumeTimes;
  msg.preparedTransactionOffset = h.preparedTransactionOffset;
  if (h.bodyLength > 0 && options.readBody !== false) {
    const view = buf.subarray(h.bodyOffset, h.bodyOffset + h.bodyLength);
    if (options.checkCRC === true && bodyCrc32(view) !== h.bodyCRC) {
      throw bad(`body CRC ${bodyCrc32(view)} does not match BODYCRC ${h.bodyCRC}`, offset);
    }
    if (options.decompressBody !== false && (sysFlag & MessageSysFlag.COMPRESSED_FLAG) !== 0) {
      msg.body = inflateBody(view, sysFlag, { maxOutputBytes: options.maxDecompressedBytes });
      sysFlag &= ~MessageSysFlag.COMPRESSED_FLAG;
    } else {
      msg.body = options.copyBody === false ? view : Buffer.from(view);
    }
  }
  msg.sysFlag = sysFlag;
  msg.topic = h.topic;
  if (h.propertiesLength > 0) msg.properties = readRecordProperties(buf, h);
  const offsetMsgId = recordOffsetMessageId(buf, h);
  msg.offsetMsgId = offsetMsgId;
  msg.msgId = options.isClient === true ? (msg.getProperty(MessageConst.UNIQ_KEY) ?? offsetMsgId) : offsetMsgId;
  return msg;
}

/**
 * Decodes records laid back to back (a PULL / QUERY response body; Java `MessageDecoder.decodes`). Defaults to
 * `isClient: true` like Java's client decoder. Throws RemotingCommandError if any record is malformed or truncated.
 */
export function decodeMessageRecords(buf: Buffer, options: DecodeMessageRecordOptions = {}): MessageExt[] {
  const opts: DecodeMessageRecordOptions = { isClient: true, ...options };
  const out: MessageExt[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const msg = decodeMessageRecord(buf, offset, opts);
    out.push(msg);
    offset += msg.storeSize;
  }
  return out;
}
