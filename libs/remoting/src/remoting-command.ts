/*
 * Remoting frame (Java `RemotingCommand`), protocol.md §1:
 *
 *   int32 BE  length             bytes after this field = 4 + hlen + bodyLength
 *   int32 BE  serializeType|hlen high byte = serialize type (0 JSON, 1 ROCKETMQ), low 24 bits = header length
 *   hlen B    header             JSON text (UTF-8) or the ROCKETMQ binary header below
 *   rest      body               opaque bytes, absent when empty
 *
 * ROCKETMQ binary header (§1.3), all big-endian:
 *   int16 code · int8 language · int16 version · int32 opaque · int32 flag
 *   int32 remarkLen · remark UTF-8 · int32 extLen · ext map (int16 keyLen, key, int32 valLen, value)*
 *
 * JSON header: fastjson writes keys alphabetically, omits nulls, no whitespace:
 *   {"code":..,"extFields":{..},"flag":..,"language":"JAVA","opaque":..,"remark":"..","serializeTypeCurrentRPC":"JSON","version":..}
 * `extFields` keeps the sender's entry order (Java's HashMap order), so decoded frames re-encode byte-identically.
 */
import {
  CURRENT_VERSION,
  LanguageCode,
  RemotingCommandError,
  isLanguageName,
  languageNameOf,
} from '@rocketnest/common';

/** Header serialization of a frame (the high byte of the header-length word). */
export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

/** `flag` bit 0: the command is a response. */
export const RPC_TYPE_RESPONSE = 0x1;
/** `flag` bit 1: oneway request, the receiver must not answer. */
export const RPC_ONEWAY = 0x2;

/** Java's default `com.rocketmq.remoting.frameMaxLength`: 16 MiB, counted over the whole frame incl. the length field. */
export const DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;

/** Largest header the 24-bit length can describe. */
const MAX_HEADER_LENGTH = 0xffffff;

export type ExtFieldValue = string | number | boolean | bigint | undefined | null;

let opaqueSequence = 0;

/** Next request id. Java draws opaques from one process-wide counter starting at 0; it wraps within int32. */
export function nextOpaque(): number {
  const value = opaqueSequence;
  opaqueSequence = (opaqueSequence + 1) | 0;
  if (opaqueSequence < 0) opaqueSequence = 0;
  return value;
}

function toExtFields(fields: Record<string, ExtFieldValue> | undefined): Record<string, string> | undefined {
  if (fields === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    out[key] = typeof value === 'string' ? value : String(value);
  }
  return out;
}

/** One request or response on a remoting connection. */
export class RemotingCommand {
  /** Request code (requests) or response code (responses). */
  code = 0;
  /** `LanguageCode` name of the sender, e.g. `'JAVA'`. Unknown names from peers are kept as received. */
  language: string = 'JAVA';
  /** Sender's `MQVersion` ordinal. */
  version: number = CURRENT_VERSION;
  /** Request id, echoed in the response. */
  opaque = 0;
  /** Bit 0 response, bit 1 oneway. */
  flag = 0;
  remark?: string;
  /** Custom header fields; every value is a string on the wire. */
  extFields?: Record<string, string>;
  body?: Buffer;
  /** How `encode()` writes the header. */
  serializeType: SerializeType = SerializeType.JSON;

  /** A request with a fresh opaque. `undefined`/`null` ext values are dropped, others stringified. */
  static createRequest(code: number, extFields?: Record<string, ExtFieldValue>, body?: Buffer): RemotingCommand {
    const cmd = new RemotingCommand();
    cmd.code = code;
    cmd.opaque = nextOpaque();
    cmd.extFields = toExtFields(extFields);
    if (body !== undefined && body.length > 0) cmd.body = body;
    return cmd;
  }

  /** A response; the opaque is set when it is written for a request (`RemotingServer.writeResponse`). */
  static createResponse(code: number, remark?: string, extFields?: Record<string, ExtFieldValue>): RemotingCommand {
    const cmd = new RemotingCommand();
    cmd.code = code;
    cmd.flag = RPC_TYPE_RESPONSE;
    if (remark !== undefined && remark !== null) cmd.remark = remark;
    cmd.extFields = toExtFields(extFields);
    return cmd;
  }

  isResponse(): boolean {
    return (this.flag & RPC_TYPE_RESPONSE) !== 0;
  }

  isOneway(): boolean {
    return (this.flag & RPC_ONEWAY) !== 0;
  }

  markOneway(): this {
    this.flag |= RPC_ONEWAY;
    return this;
  }

  markResponse(): this {
    this.flag |= RPC_TYPE_RESPONSE;
    return this;
  }

  /** Sets (or, with undefined/null, removes) one ext field. */
  setExtField(key: string, value: ExtFieldValue): this {
    if (value === undefined || value === null) {
      if (this.extFields) delete this.extFields[key];
      return this;
    }
    (this.extFields ??= {})[key] = typeof value === 'string' ? value : String(value);
    return this;
  }

  getExtField(key: string): string | undefined {
    return this.extFields?.[key];
  }

  /** The whole frame, length prefix included, in one allocation. */
  encode(): Buffer {
    return this.serializeType === SerializeType.ROCKETMQ ? this.encodeBinary(true) : this.encodeJson(true);
  }

  /**
   * The frame up to the body (its lengths count the body): written followed by `body`, it sends the same bytes as
   * `encode()` without copying the body.
   */
  encodeHead(): Buffer {
    return this.serializeType === SerializeType.ROCKETMQ ? this.encodeBinary(false) : this.encodeJson(false);
  }

  /** JSON header text as fastjson writes it (alphabetical keys, no nulls, no whitespace). */
  jsonHeader(): string {
    let s = '{"code":' + intText(this.code);
    if (this.extFields !== undefined) {
      s += ',"extFields":{';
      let first = true;
      for (const key of Object.keys(this.extFields)) {
        const value = this.extFields[key];
        if (value === undefined || value === null) continue;
        s += (first ? '' : ',') + jsonText(key) + ':' + jsonText(value);
        first = false;
      }
      s += '}';
    }
    s += ',"flag":' + intText(this.flag);
    s += ',"language":' + jsonText(this.language);
    s += ',"opaque":' + intText(this.opaque);
    if (this.remark !== undefined && this.remark !== null) s += ',"remark":' + jsonText(this.remark);
    s += ',"serializeTypeCurrentRPC":"JSON","version":' + intText(this.version) + '}';
    return s;
  }

  private encodeJson(withBody: boolean): Buffer {
    const header = this.jsonHeader();
    const hlen = Buffer.byteLength(header, 'utf8');
    if (hlen > MAX_HEADER_LENGTH) throw new RemotingCommandError(`Header of ${hlen} bytes does not fit in 24 bits`);
    const bodyLength = this.body?.length ?? 0;
    const frame = Buffer.allocUnsafe(8 + hlen + (withBody ? bodyLength : 0));
    frame.writeInt32BE(4 + hlen + bodyLength, 0);
    frame.writeInt32BE(hlen, 4);
    frame.write(header, 8, 'utf8');
    if (withBody && bodyLength > 0) this.body!.copy(frame, 8 + hlen);
    return frame;
  }

  private encodeBinary(withBody: boolean): Buffer {
    const remark = this.remark ?? '';
    const remarkLen = remark.length === 0 ? 0 : utf8Length(remark);
    const ext = this.extFields;
    // Per entry: key, value, and their UTF-8 lengths (computed once).
    const entries: Array<string | number> = [];
    let extLen = 0;
    if (ext !== undefined) {
      for (const key in ext) {
        const value = ext[key];
        if (value === undefined || value === null) continue;
        const keyLen = utf8Length(key);
        if (keyLen > 0x7fff) throw new RemotingCommandError(`Ext field name of ${keyLen} bytes exceeds int16`);
        const valLen = utf8Length(value);
        entries.push(key, keyLen, value, valLen);
        extLen += 6 + keyLen + valLen;
      }
    }
    const hlen = 17 + remarkLen + 4 + extLen;
    if (hlen > MAX_HEADER_LENGTH) throw new RemotingCommandError(`Header of ${hlen} bytes does not fit in 24 bits`);
    const bodyLength = this.body?.length ?? 0;
    const frame = Buffer.allocUnsafe(8 + hlen + (withBody ? bodyLength : 0));
    frame.writeInt32BE(4 + hlen + bodyLength, 0);
    frame.writeInt32BE((SerializeType.ROCKETMQ << 24) | hlen, 4);
    // Java writes (short) code: codes above 32767 wrap. Callers keep such codes (POP family) on JSON.
    frame.writeInt16BE((this.code << 16) >> 16, 8);
    frame[10] = languageByte(this.language);
    frame.writeInt16BE((this.version << 16) >> 16, 11);
    frame.writeInt32BE(this.opaque | 0, 13);
    frame.writeInt32BE(this.flag | 0, 17);
    frame.writeInt32BE(remarkLen, 21);
    let pos = 25;
    if (remarkLen > 0) pos = writeUtf8(frame, remark, remarkLen, pos);
    frame.writeInt32BE(extLen, pos);
    pos += 4;
    for (let i = 0; i < entries.length; i += 4) {
      const keyLen = entries[i + 1] as number;
      frame.writeInt16BE(keyLen, pos);
      pos = writeUtf8(frame, entries[i] as string, keyLen, pos + 2);
      const valLen = entries[i + 3] as number;
      frame.writeInt32BE(valLen, pos);
      pos = writeUtf8(frame, entries[i + 2] as string, valLen, pos + 4);
    }
    if (withBody && bodyLength > 0) this.body!.copy(frame, pos);
    return frame;
  }

  /**
   * Decodes one frame without its 4-byte length prefix (what `FrameDecoder` cuts). Total: a command or a thrown
   * `RemotingCommandError`. The body is a view into `frame`, not a copy.
   */
  static decode(frame: Buffer): RemotingCommand {
    if (frame.length < 4) throw new RemotingCommandError(`Frame of ${frame.length} bytes has no header-length word`);
    const word = frame.readUInt32BE(0);
    const type = word >>> 24;
    const hlen = word & MAX_HEADER_LENGTH;
    if (hlen > frame.length - 4) {
      throw new RemotingCommandError(
        `Bad header length ${hlen}: the frame has only ${frame.length - 4} bytes after it`,
      );
    }
    let cmd: RemotingCommand;
    if (type === SerializeType.JSON) cmd = decodeJsonHeader(frame, 4, hlen);
    else if (type === SerializeType.ROCKETMQ) cmd = decodeBinaryHeader(frame, 4, hlen);
    else throw new RemotingCommandError(`Unknown serialize type ${type}`);
    cmd.serializeType = type;
    const bodyStart = 4 + hlen;
    if (frame.length > bodyStart) cmd.body = frame.subarray(bodyStart);
    return cmd;
  }

  /** Short description for logs. */
  toString(): string {
    return `RemotingCommand [code=${this.code}, language=${this.language}, version=${this.version}, opaque=${this.opaque}, flag(B)=${this.flag.toString(2)}, remark=${this.remark ?? ''}, extFields=${JSON.stringify(this.extFields ?? null)}, serializeTypeCurrentRPC=${this.serializeType === 1 ? 'ROCKETMQ' : 'JSON'}]`;
  }
}

/** UTF-8 byte length; short ASCII strings (most header fields) are measured without a native call. */
function utf8Length(s: string): number {
  if (s.length <= 64) {
    let i = 0;
    while (i < s.length && s.charCodeAt(i) < 0x80) i++;
    if (i === s.length) return s.length;
  }
  return Buffer.byteLength(s, 'utf8');
}

/** Writes `s` (whose UTF-8 length is `len`) at `pos`; returns the position after it. */
function writeUtf8(buf: Buffer, s: string, len: number, pos: number): number {
  if (len === s.length && len <= 64) {
    for (let i = 0; i < len; i++) buf[pos + i] = s.charCodeAt(i);
    return pos + len;
  }
  return pos + buf.write(s, pos, len, 'utf8');
}

/** Reads `len` UTF-8 bytes at `pos`; short ASCII runs are decoded without a native call. */
function readUtf8(buf: Buffer, pos: number, len: number): string {
  if (len <= 32) {
    let s = '';
    for (let i = 0; i < len; i++) {
      const b = buf[pos + i]!;
      if (b >= 0x80) return buf.toString('utf8', pos, pos + len);
      s += String.fromCharCode(b);
    }
    return s;
  }
  return buf.toString('utf8', pos, pos + len);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal; strings without quotes, backslashes, control characters or surrogates skip JSON.stringify. */
function jsonText(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

/** Sets an own property, so a peer's `__proto__` key stays plain data. */
function setField(target: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function intText(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.trunc(n) || 0);
}

function languageByte(name: string): number {
  return isLanguageName(name) ? LanguageCode[name] : LanguageCode.OTHER;
}

function asInt(value: unknown, field: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw new RemotingCommandError(`Header field "${field}" is not an integer: ${JSON.stringify(value)}`);
}

function decodeJsonHeader(frame: Buffer, start: number, hlen: number): RemotingCommand {
  const text = frame.toString('utf8', start, start + hlen);
  let parsed: unknown;
  try {
    // fastjson writes remoting headers as strict JSON (string keys, string ext values).
    parsed = JSON.parse(text);
  } catch (err) {
    throw new RemotingCommandError(`Header is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RemotingCommandError('Header JSON is not an object');
  }
  const h = parsed as Record<string, unknown>;
  if (typeof h.code !== 'number' || !Number.isInteger(h.code)) {
    throw new RemotingCommandError(`Header has no integer "code": ${text.slice(0, 200)}`);
  }
  const cmd = new RemotingCommand();
  cmd.code = h.code;
  cmd.flag = asInt(h.flag, 'flag');
  cmd.opaque = asInt(h.opaque, 'opaque');
  cmd.version = asInt(h.version, 'version');
  const language = h.language;
  if (typeof language === 'string') cmd.language = language;
  else if (typeof language === 'number') {
    const name = languageNameOf(language);
    if (name === undefined) throw new RemotingCommandError(`Unknown language ordinal ${language}`);
    cmd.language = name;
  } else if (language !== undefined && language !== null) {
    throw new RemotingCommandError(`Header field "language" has type ${typeof language}`);
  }
  if (typeof h.remark === 'string') cmd.remark = h.remark;
  else if (typeof h.remark === 'number' || typeof h.remark === 'boolean') cmd.remark = String(h.remark);
  else if (h.remark !== undefined && h.remark !== null)
    throw new RemotingCommandError('Header field "remark" is not a string');
  const ext = h.extFields;
  if (ext !== undefined && ext !== null) {
    if (typeof ext !== 'object' || Array.isArray(ext)) throw new RemotingCommandError('"extFields" is not an object');
    // Usual case: every value is a string already, so the parsed object is the map (JSON.parse makes own properties,
    // "__proto__" included). Otherwise copy it, converting scalars and dropping nulls.
    let allStrings = true;
    for (const key in ext) {
      if (typeof (ext as Record<string, unknown>)[key] !== 'string') {
        allStrings = false;
        break;
      }
    }
    if (allStrings) {
      cmd.extFields = ext as Record<string, string>;
      return cmd;
    }
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(ext as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      if (typeof value === 'string') setField(out, key, value);
      else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
        setField(out, key, String(value));
      } else throw new RemotingCommandError(`Ext field "${key}" is not a scalar`);
    }
    cmd.extFields = out;
  }
  return cmd;
}

function decodeBinaryHeader(frame: Buffer, start: number, hlen: number): RemotingCommand {
  const end = start + hlen;
  if (hlen < 21) throw new RemotingCommandError(`ROCKETMQ header of ${hlen} bytes is shorter than 21`);
  const cmd = new RemotingCommand();
  let pos = start;
  cmd.code = frame.readInt16BE(pos);
  pos += 2;
  const lang = frame.readUInt8(pos);
  pos += 1;
  cmd.language = languageNameOf(lang) ?? 'OTHER';
  cmd.version = frame.readInt16BE(pos);
  pos += 2;
  cmd.opaque = frame.readInt32BE(pos);
  pos += 4;
  cmd.flag = frame.readInt32BE(pos);
  pos += 4;
  const remarkLen = frame.readInt32BE(pos);
  pos += 4;
  if (remarkLen < 0 || remarkLen > end - pos - 4) {
    throw new RemotingCommandError(`ROCKETMQ header remark length ${remarkLen} exceeds the header`);
  }
  if (remarkLen > 0) cmd.remark = frame.toString('utf8', pos, pos + remarkLen);
  pos += remarkLen;
  const extLen = frame.readInt32BE(pos);
  pos += 4;
  if (extLen < 0 || extLen > end - pos) {
    throw new RemotingCommandError(`ROCKETMQ header extFields length ${extLen} exceeds the header`);
  }
  if (extLen > 0) {
    const extEnd = pos + extLen;
    const ext: Record<string, string> = {};
    while (pos < extEnd) {
      if (pos + 2 > extEnd) throw new RemotingCommandError('ROCKETMQ ext map truncated in a key length');
      const keyLen = frame.readInt16BE(pos);
      pos += 2;
      if (keyLen < 0 || pos + keyLen + 4 > extEnd) throw new RemotingCommandError('ROCKETMQ ext map key overruns');
      const key = readUtf8(frame, pos, keyLen);
      pos += keyLen;
      const valLen = frame.readInt32BE(pos);
      pos += 4;
      if (valLen < 0 || pos + valLen > extEnd) throw new RemotingCommandError('ROCKETMQ ext map value overruns');
      const value = readUtf8(frame, pos, valLen);
      pos += valLen;
      // Java decodes zero-length keys/values as null; a null key or value is simply absent here.
      if (keyLen > 0 && valLen > 0) setField(ext, key, value);
    }
    cmd.extFields = ext;
  }
  return cmd;
}
