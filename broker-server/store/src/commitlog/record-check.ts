/**
 * Validation and dispatch parsing of stored records (Java `CommitLog.checkMessageAndReturnSize`). Record layout in
 * protocol.md §4.1:
 *
 * ```
 * 0  TOTALSIZE int32 | 4 MAGIC int32 | 8 BODYCRC int32 | 12 QUEUEID int32 | 16 FLAG int32 | 20 QUEUEOFFSET int64
 * 28 PHYSICALOFFSET int64 | 36 SYSFLAG int32 | 40 BORNTIMESTAMP int64 | 48 BORNHOST 8 or 20 | STORETIMESTAMP int64
 * STOREHOST 8 or 20 | RECONSUMETIMES int32 | PREPARED_TX_OFFSET int64 | BODYLEN int32 + body
 * TOPICLEN int8 (v1) / int16 (v2) + topic | PROPLEN int16 + properties          (all big-endian)
 * ```
 * A BLANK record (magic 0xCBD43194) fills the end of a segment: TOTALSIZE = bytes left in the segment.
 */
import {
  bodyCrc32 as computeBodyCrc32,
  decodeMessageProperties,
  javaStringHashCode,
  MessageConst,
  MessageMagicCode,
  MessageSysFlag,
  SystemTopic,
} from '@rocketnest/common';

// Bound once: SWC's CommonJS re-exports are getters, too slow to go through per record.
const MAGIC_V1 = MessageMagicCode.V1;
const MAGIC_V2 = MessageMagicCode.V2;
const MAGIC_BLANK = MessageMagicCode.BLANK;
const BORNHOST_V6 = MessageSysFlag.BORNHOST_V6_FLAG;
const STOREHOST_V6 = MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
const TAGS = MessageConst.TAGS;
const DELAY = MessageConst.DELAY;
const KEYS = MessageConst.KEYS;
const UNIQ_KEY = MessageConst.UNIQ_KEY;
const SCHEDULE_TOPIC = SystemTopic.SCHEDULE_TOPIC;
const decodeProperties = decodeMessageProperties;
const tagsHash = javaStringHashCode;

export interface DispatchRequest {
  topic: string;
  queueId: number;
  commitLogOffset: number;
  msgSize: number;
  tagsCode: number;
  storeTimestamp: number;
  consumeQueueOffset: number;
  keys: string | undefined;
  uniqKey: string | undefined;
  sysFlag: number;
  preparedTransactionOffset: number;
  properties: Record<string, string>;
}

export type RecordCheck =
  | { kind: 'message'; size: number; request: DispatchRequest }
  | { kind: 'blank'; size: number }
  /** Zeros or an unknown magic: the end of the written data (or garbage). */
  | { kind: 'end' }
  /** A record header that is inconsistent (bad sizes, CRC, offset): a torn write. */
  | { kind: 'corrupt'; reason: string }
  /** The record runs past the bytes available in `buf`; read `size` bytes from `pos` and try again. */
  | { kind: 'partial'; size: number };

export interface RecordCheckOptions {
  checkCrc: boolean;
  /** The record's expected commit log offset; when given, PHYSICALOFFSET must equal it. */
  expectedOffset?: number;
  /** Bytes left in the segment from `pos`; a record may not cross it. */
  segmentRemaining: number;
  maxMessageSize: number;
  delayLevelTable: Map<number, number>;
  maxDelayLevel: number;
  /** Parse properties etc. (false = only validate and size). */
  parse?: boolean;
}

/** Smallest stored record: v1, IPv4 hosts, empty body, 1-char topic, no properties. */
export const MIN_RECORD_SIZE = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 8 + 4 + 1 + 1 + 2;

/**
 * The consume queue tags code of a record: the hash of its TAGS (0 without), or for SCHEDULE_TOPIC_XXXX the delivery
 * time of its DELAY level (store time + the level's delay).
 */
export function consumeQueueTagsCode(
  topic: string,
  properties: Readonly<Record<string, string>>,
  storeTimestamp: number,
  delayLevelTable: ReadonlyMap<number, number>,
  maxDelayLevel: number,
): number {
  let tagsCode = 0;
  const tags = properties[TAGS];
  if (tags !== undefined && tags.length > 0) tagsCode = tagsHash(tags);
  if (topic === SCHEDULE_TOPIC) {
    const level = properties[DELAY];
    if (level !== undefined) {
      let delayLevel = parseInt(level, 10);
      if (delayLevel > maxDelayLevel) delayLevel = maxDelayLevel;
      if (delayLevel > 0) tagsCode = storeTimestamp + (delayLevelTable.get(delayLevel) ?? 1000);
    }
  }
  return tagsCode;
}

export function checkRecord(buf: Buffer, pos: number, opts: RecordCheckOptions): RecordCheck {
  const avail = buf.length - pos;
  if (avail < 8) return avail <= 0 ? { kind: 'end' } : { kind: 'partial', size: 8 };
  const totalSize = buf.readInt32BE(pos);
  const magic = buf.readInt32BE(pos + 4);
  if (magic === MAGIC_BLANK) {
    if (totalSize < 8 || totalSize > opts.segmentRemaining)
      return { kind: 'corrupt', reason: `blank size ${totalSize}` };
    return { kind: 'blank', size: totalSize };
  }
  if (magic !== MAGIC_V1 && magic !== MAGIC_V2) {
    return totalSize === 0 && magic === 0 ? { kind: 'end' } : { kind: 'corrupt', reason: `magic ${magic}` };
  }
  if (totalSize < MIN_RECORD_SIZE || totalSize > opts.segmentRemaining || totalSize > opts.maxMessageSize + 64 * 1024) {
    return { kind: 'corrupt', reason: `total size ${totalSize}` };
  }
  if (avail < totalSize) return { kind: 'partial', size: totalSize };
  const end = pos + totalSize;
  const bodyCrc = buf.readInt32BE(pos + 8);
  const queueId = buf.readInt32BE(pos + 12);
  const queueOffset = readInt64(buf, pos + 20);
  const physicalOffset = readInt64(buf, pos + 28);
  if (opts.expectedOffset !== undefined && physicalOffset !== opts.expectedOffset) {
    return { kind: 'corrupt', reason: `physical offset ${physicalOffset} at ${opts.expectedOffset}` };
  }
  const sysFlag = buf.readInt32BE(pos + 36);
  const bornHostLen = sysFlag & BORNHOST_V6 ? 20 : 8;
  const storeHostLen = sysFlag & STOREHOST_V6 ? 20 : 8;
  let p = pos + 48 + bornHostLen;
  const storeTimestamp = readInt64(buf, p);
  p += 8 + storeHostLen + 4;
  const preparedTransactionOffset = readInt64(buf, p);
  p += 8;
  const bodyLen = buf.readInt32BE(p);
  p += 4;
  if (bodyLen < 0 || p + bodyLen > end) return { kind: 'corrupt', reason: `body length ${bodyLen}` };
  if (opts.checkCrc && bodyLen > 0) {
    const crc = computeBodyCrc32(buf.subarray(p, p + bodyLen));
    if (crc !== bodyCrc) return { kind: 'corrupt', reason: `body crc ${bodyCrc} != ${crc}` };
  }
  p += bodyLen;
  let topicLen: number;
  if (magic === MAGIC_V1) {
    if (p + 1 > end) return { kind: 'corrupt', reason: 'topic length' };
    topicLen = buf.readInt8(p);
    p += 1;
  } else {
    if (p + 2 > end) return { kind: 'corrupt', reason: 'topic length' };
    topicLen = buf.readInt16BE(p);
    p += 2;
  }
  if (topicLen <= 0 || p + topicLen + 2 > end) return { kind: 'corrupt', reason: `topic length ${topicLen}` };
  const topicStart = p;
  p += topicLen;
  const propLen = buf.readInt16BE(p);
  p += 2;
  if (propLen < 0 || p + propLen !== end) return { kind: 'corrupt', reason: `properties length ${propLen}` };
  if (opts.parse === false) {
    return { kind: 'message', size: totalSize, request: undefined as unknown as DispatchRequest };
  }
  const topic = buf.toString('utf8', topicStart, topicStart + topicLen);
  const properties = propLen > 0 ? decodeProperties(buf.toString('utf8', p, p + propLen)) : {};
  const tagsCode = consumeQueueTagsCode(topic, properties, storeTimestamp, opts.delayLevelTable, opts.maxDelayLevel);
  return {
    kind: 'message',
    size: totalSize,
    request: {
      topic,
      queueId,
      commitLogOffset: physicalOffset,
      msgSize: totalSize,
      tagsCode,
      storeTimestamp,
      consumeQueueOffset: queueOffset,
      keys: properties[KEYS],
      uniqKey: properties[UNIQ_KEY],
      sysFlag,
      preparedTransactionOffset,
      properties,
    },
  };
}

/** int64 big-endian as a number (exact below 2^53), without BigInt. */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 0x1_0000_0000 + buf.readUInt32BE(pos + 4);
}

/** Writes an integer (|v| < 2^53) as int64 big-endian, without BigInt. */
export function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / 0x1_0000_0000);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(v - hi * 0x1_0000_0000, pos + 4);
}

/** Store timestamp of a record held in `buf` at `pos` (header only). */
export function readStoreTimestamp(buf: Buffer, pos = 0): number {
  const sysFlag = buf.readInt32BE(pos + 36);
  const bornHostLen = sysFlag & BORNHOST_V6 ? 20 : 8;
  return readInt64(buf, pos + 48 + bornHostLen);
}

/** Bytes of a record header needed by `readStoreTimestamp`. */
export const STORE_TIMESTAMP_HEADER_BYTES = 48 + 20 + 8;
