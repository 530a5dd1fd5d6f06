/**
 * Batch message body of SEND_BATCH_MESSAGE (Java `MessageDecoder.encodeMessages` / `decodeMessages`, protocol.md §4.7)
 * and the client-side batch rules (Java `MessageBatch.generateFromList`).
 *
 * The body is the concatenation of one entry per message, big-endian:
 * ```
 * size  field
 * 4     TOTALSIZE  = 20 + bodyLen + 2 + propLen
 * 4     MAGICCODE  0 (ignored)
 * 4     BODYCRC    0 (the broker computes it)
 * 4     FLAG       user flag
 * 4     BODYLEN
 * n     BODY
 * 2     PROPLEN    int16
 * p     PROPERTIES (message-properties.ts; each message carries its own UNIQ_KEY, TAGS, KEYS, WAIT)
 * ```
 * The same layout is the body of a 5.x inner-batch record (INNER_BATCH_FLAG / NEED_UNWRAP_FLAG).
 */
import { MQClientError, RemotingCommandError } from '../errors/rocketmq-error';
import { ResponseCode } from '../protocol/response-code';
import { MessageConst, isRetryTopic } from './message-const';
import {
  EncodeMessagePropertiesOptions,
  MAX_PROPERTIES_LENGTH,
  decodeMessageProperties,
  encodeMessageProperties,
} from './message-properties';
import { Message, MessageExt } from './message';

/** Fixed bytes of one batch entry besides body and properties. */
export const BATCH_ENTRY_OVERHEAD = 22;

/** What a batch entry needs from a message. */
export interface BatchMessageSource {
  body: Buffer;
  flag: number;
  properties: Readonly<Record<string, string>>;
}

/** One entry of a batch body, undecoded: the body is a view into the batch buffer. */
export interface BatchMessageEntry {
  flag: number;
  body: Buffer;
  propertiesString: string;
}

/**
 * Encodes a SEND_BATCH_MESSAGE body in one allocation. Properties are written in the 5.x form unless
 * `trailingSeparator: false`. Throws MQClientError (MESSAGE_ILLEGAL) if a message's properties exceed 32767 bytes.
 */
export function encodeBatchMessages(
  messages: readonly BatchMessageSource[],
  options: EncodeMessagePropertiesOptions = {},
): Buffer {
  const props: string[] = new Array<string>(messages.length);
  const propLengths: number[] = new Array<number>(messages.length);
  let total = 0;
  for (let i = 0; i < messages.length; i++) {
    const msg = messages[i]!;
    const s = encodeMessageProperties(msg.properties, options);
    const len = Buffer.byteLength(s, 'utf8');
    if (len > MAX_PROPERTIES_LENGTH) {
      throw new MQClientError(
        `Properties of batch message ${i} are ${len} bytes; at most ${MAX_PROPERTIES_LENGTH} are allowed`,
        { responseCode: ResponseCode.MESSAGE_ILLEGAL },
      );
    }
    props[i] = s;
    propLengths[i] = len;
    total += BATCH_ENTRY_OVERHEAD + msg.body.length + len;
  }
  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  for (let i = 0; i < messages.length; i++) {
    const msg = messages[i]!;
    const propLen = propLengths[i]!;
    buf.writeInt32BE(BATCH_ENTRY_OVERHEAD + msg.body.length + propLen, pos);
    buf.writeInt32BE(0, pos + 4);
    buf.writeInt32BE(0, pos + 8);
    buf.writeInt32BE(msg.flag | 0, pos + 12);
    buf.writeInt32BE(msg.body.length, pos + 16);
    pos += 20;
    msg.body.copy(buf, pos);
    pos += msg.body.length;
    buf.writeInt16BE(propLen, pos);
    pos += 2;
    if (propLen > 0) pos += buf.write(props[i]!, pos, propLen, 'utf8');
  }
  return buf;
}

/** Encoded size of a batch body, bytes (for the producer's max message size check). */
export function batchEncodedSize(messages: readonly Omit<BatchMessageSource, 'flag'>[]): number {
  let total = 0;
  for (const msg of messages) {
    total +=
      BATCH_ENTRY_OVERHEAD + msg.body.length + Buffer.byteLength(encodeMessageProperties(msg.properties), 'utf8');
  }
  return total;
}

/**
 * Splits a batch body into its entries without decoding the properties (what a broker stores). Bodies are views into
 * `buf`. Throws RemotingCommandError for a truncated entry or a TOTALSIZE that disagrees with the lengths.
 */
export function decodeBatchMessageEntries(buf: Buffer): BatchMessageEntry[] {
  const out: BatchMessageEntry[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const at = pos;
    if (pos + 20 > buf.length) throw badBatch('entry header is truncated', at);
    const totalSize = buf.readInt32BE(pos);
    const flag = buf.readInt32BE(pos + 12);
    const bodyLen = buf.readInt32BE(pos + 16);
    pos += 20;
    if (bodyLen < 0 || pos + bodyLen + 2 > buf.length) throw badBatch(`body length ${bodyLen} does not fit`, at);
    const body = buf.subarray(pos, pos + bodyLen);
    pos += bodyLen;
    const propLen = buf.readInt16BE(pos);
    pos += 2;
    if (propLen < 0 || pos + propLen > buf.length) throw badBatch(`properties length ${propLen} does not fit`, at);
    if (totalSize !== BATCH_ENTRY_OVERHEAD + bodyLen + propLen) {
      throw badBatch(`TOTALSIZE ${totalSize} does not match body ${bodyLen} and properties ${propLen}`, at);
    }
    const propertiesString = propLen === 0 ? '' : buf.toString('utf8', pos, pos + propLen);
    pos += propLen;
    out.push({ flag, body, propertiesString });
  }
  return out;
}

function badBatch(message: string, offset: number): RemotingCommandError {
  return new RemotingCommandError(`Invalid batch message body at offset ${offset}: ${message}`);
}

/**
 * Decodes a batch body into messages (topic empty, as Java leaves it null). Bodies are copied out of `buf`.
 * Throws RemotingCommandError on malformed input.
 */
export function decodeBatchMessages(buf: Buffer): Message[] {
  return decodeBatchMessageEntries(buf).map((entry) => {
    const msg = new Message();
    msg.flag = entry.flag;
    msg.body = Buffer.from(entry.body);
    msg.properties = decodeMessageProperties(entry.propertiesString);
    return msg;
  });
}

/**
 * Unwraps a 5.x inner-batch record (NEED_UNWRAP_FLAG) into its messages, as the Java client does
 * (`MessageDecoder.decodeMessage(MessageExt, List)`): consecutive queue offsets, the outer record's hosts, times,
 * sysFlag and commit-log offset. Throws RemotingCommandError on a malformed body.
 */
export function unwrapInnerBatch(outer: MessageExt): MessageExt[] {
  return decodeBatchMessageEntries(outer.body).map((entry, i) => {
    const msg = new MessageExt();
    msg.topic = outer.topic;
    msg.queueOffset = outer.queueOffset + i;
    msg.queueId = outer.queueId;
    msg.flag = entry.flag;
    msg.properties = decodeMessageProperties(entry.propertiesString);
    msg.body = Buffer.from(entry.body);
    msg.storeHost = outer.storeHost;
    msg.bornHost = outer.bornHost;
    msg.bornTimestamp = outer.bornTimestamp;
    msg.storeTimestamp = outer.storeTimestamp;
    msg.sysFlag = outer.sysFlag;
    msg.commitLogOffset = outer.commitLogOffset;
    msg.offsetMsgId = outer.offsetMsgId;
    msg.msgId = msg.getProperty(MessageConst.UNIQ_KEY) ?? outer.offsetMsgId;
    msg.brokerName = outer.brokerName;
    return msg;
  });
}

/** What `validateBatch` reads from each message. */
export interface BatchValidationSource {
  topic: string;
  body: Buffer;
  properties: Readonly<Record<string, string>>;
}

export interface ValidateBatchOptions {
  /** Largest encoded batch body, bytes (the producer's `maxMessageSize`). Default 4 MiB. */
  maxBodyBytes?: number;
}

function delayLevelOf(msg: BatchValidationSource): number {
  const v = msg.properties[MessageConst.DELAY];
  return v === undefined ? 0 : Number(v);
}

function waitOf(msg: BatchValidationSource): boolean {
  const v = msg.properties[MessageConst.WAIT];
  return v === undefined ? true : v.toLowerCase() === 'true';
}

/**
 * Java batch rules (`MessageBatch.generateFromList` + the producer's size check): at least one message, no delay
 * level, no `%RETRY%` topic, one topic and one WAIT value for all, encoded size within `maxBodyBytes`. Throws
 * MQClientError (not retriable) naming the offending message.
 */
export function validateBatch(messages: readonly BatchValidationSource[], options: ValidateBatchOptions = {}): void {
  if (messages.length === 0) throw new MQClientError('A batch needs at least one message');
  const first = messages[0]!;
  for (let i = 0; i < messages.length; i++) {
    const msg = messages[i]!;
    if (delayLevelOf(msg) > 0) {
      throw new MQClientError(`Message ${i} of the batch has a delay level; delayed messages cannot be batched`);
    }
    if (isRetryTopic(msg.topic)) {
      throw new MQClientError(
        `Message ${i} of the batch targets retry topic "${msg.topic}"; retry topics cannot be batched`,
      );
    }
    if (msg.topic !== first.topic) {
      throw new MQClientError(
        `All messages of a batch must have the same topic: message ${i} has "${msg.topic}", the first "${first.topic}"`,
      );
    }
    if (waitOf(msg) !== waitOf(first)) {
      throw new MQClientError(`All messages of a batch must have the same waitStoreMsgOK; message ${i} differs`);
    }
  }
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const size = batchEncodedSize(messages);
  if (size > maxBodyBytes) {
    throw new MQClientError(`The batch encodes to ${size} bytes, over the ${maxBodyBytes}-byte limit; split it`, {
      responseCode: ResponseCode.MESSAGE_ILLEGAL,
    });
  }
}
