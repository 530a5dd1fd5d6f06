/**
 * Message ids (protocol.md §4.8).
 *
 * Offset msgId (Java `MessageDecoder.createMessageId` / `decodeMessageId`), upper-case hex:
 * ```
 * store host address (4 | 16 bytes) + int32 port + int64 commit-log offset   → 32 | 56 hex chars
 * ```
 * Client unique id, the UNIQ_KEY property (Java `MessageClientIDSetter`), upper-case hex:
 * ```
 * ip (4 | 16) + int16 pid (low 16 bits) + int32 class-loader hash + int32 ms since the start of the current month
 * (local time) + int16 counter (wrapping)                                    → 32 | 56 hex chars
 * ```
 */
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { MQClientError } from '../errors/rocketmq-error';
import { HostAddress, hostAddressLength, readHostAddress, writeHostAddress } from './host-address';

const HEX_RE = /^[0-9a-fA-F]*$/;

function idBytes(id: string, what: string): Buffer {
  if ((id.length !== 32 && id.length !== 56) || !HEX_RE.test(id)) {
    throw new MQClientError(`Invalid ${what} "${id}": expected 32 or 56 hex characters`);
  }
  return Buffer.from(id, 'hex');
}

/**
 * Offset msgId of a record stored at commit-log `offset` by `storeHost`. `offset` may be a bigint for values beyond
 * 2^53 (up to Long.MAX_VALUE).
 */
export function createOffsetMessageId(storeHost: HostAddress, offset: number | bigint): string {
  const len = hostAddressLength(storeHost.address);
  const buf = Buffer.allocUnsafe(len + 12);
  writeHostAddress(buf, 0, storeHost.address);
  buf.writeInt32BE(storeHost.port, len);
  buf.writeBigInt64BE(typeof offset === 'bigint' ? offset : BigInt(offset), len + 4);
  return buf.toString('hex').toUpperCase();
}

/** A decoded offset msgId. */
export interface OffsetMessageId {
  /** The store (broker) host. Java prints it as `/127.0.0.1:10911`. */
  host: HostAddress;
  /** Commit-log offset; exact up to 2^53 (use `offsetBigInt` beyond). */
  offset: number;
  offsetBigInt: bigint;
}

/** Decodes an offset msgId (Java `MessageDecoder.decodeMessageId`). Throws MQClientError if it is not one. */
export function decodeOffsetMessageId(msgId: string): OffsetMessageId {
  const bytes = idBytes(msgId, 'offset message id');
  const ipLen = msgId.length === 32 ? 4 : 16;
  const offsetBigInt = bytes.readBigInt64BE(ipLen + 4);
  return {
    host: { address: readHostAddress(bytes, 0, ipLen), port: bytes.readInt32BE(ipLen) },
    offset: Number(offsetBigInt),
    offsetBigInt,
  };
}

/** Whether `id` has the shape of an offset msgId or a unique id (32 or 56 hex characters). */
export function isMessageIdShaped(id: string): boolean {
  return (id.length === 32 || id.length === 56) && HEX_RE.test(id);
}

/**
 * Java `UtilAll.getIP()`: the first IPv4 address outside 10/8, 172.16/12, 192.168/16 and 127/8, else the first
 * public IPv6 address, else an internal IPv4 address (preferring non-loopback). Returns undefined if the machine has
 * no usable address.
 */
export function getLocalIpBytes(): Buffer | undefined {
  let internal: Buffer | undefined;
  const ifaces = os.networkInterfaces();
  for (const name of Object.keys(ifaces)) {
    for (const info of ifaces[name] ?? []) {
      const family = String(info.family);
      if (family === 'IPv4' || family === '4') {
        const ip = Buffer.allocUnsafe(4);
        writeHostAddress(ip, 0, info.address);
        if (!isInternalIPv4(ip)) return ip;
        if (internal === undefined || internal[0] === 127) internal = ip;
      } else if (family === 'IPv6' || family === '6') {
        const addr = info.address.toLowerCase();
        if (addr === '::' || addr === '::1' || /^fe[89ab]/.test(addr) || /^fe[c-f]/.test(addr)) continue;
        const ip = Buffer.allocUnsafe(16);
        if (writeHostAddress(ip, 0, info.address) === 16) return ip;
      }
    }
  }
  return internal;
}

function isInternalIPv4(ip: Buffer): boolean {
  const a = ip[0]!;
  const b = ip[1]!;
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** Start of the local-time month containing `ms` (Java `Calendar` with day 1, 00:00:00.000). */
function monthStart(ms: number, monthDelta = 0): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth() + monthDelta, 1, 0, 0, 0, 0).getTime();
}

export interface UniqIdGeneratorOptions {
  /** Client IP, 4 or 16 bytes or text. Default: `getLocalIpBytes()`, else 4 bytes derived from the clock (as Java). */
  ip?: Buffer | string;
  /** Process id; its low 16 bits are used. Default `process.pid`. */
  pid?: number;
  /** Stands in for Java's class-loader hash (int32). Default random. */
  classLoaderHash?: number;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * Creates UNIQ_KEY ids in Java `MessageClientIDSetter` layout. Ids from one generator share their first 20 (IPv4) or
 * 44 (IPv6) hex characters.
 */
export class UniqIdGenerator {
  private readonly prefix: string;
  private readonly now: () => number;
  private startTime = 0;
  private nextStartTime = 0;
  private counter = 0;
  private readonly tail = Buffer.alloc(6);

  constructor(options: UniqIdGeneratorOptions = {}) {
    this.now = options.now ?? Date.now;
    let ip: Buffer;
    if (typeof options.ip === 'string') {
      ip = Buffer.alloc(16);
      ip = ip.subarray(0, writeHostAddress(ip, 0, options.ip));
    } else if (options.ip !== undefined) {
      if (options.ip.length !== 4 && options.ip.length !== 16) {
        throw new MQClientError(`A unique-id IP must be 4 or 16 bytes, got ${options.ip.length}`);
      }
      ip = options.ip;
    } else {
      ip = getLocalIpBytes() ?? fakeIp(this.now());
    }
    const fixed = Buffer.alloc(ip.length + 6);
    ip.copy(fixed, 0);
    fixed.writeUInt16BE((options.pid ?? process.pid) & 0xffff, ip.length);
    fixed.writeInt32BE(options.classLoaderHash ?? randomBytes(4).readInt32BE(0), ip.length + 2);
    this.prefix = fixed.toString('hex').toUpperCase();
    this.setStartTime(this.now());
  }

  private setStartTime(ms: number): void {
    this.startTime = monthStart(ms);
    this.nextStartTime = monthStart(ms, 1);
  }

  /** A new unique id. */
  create(): string {
    const current = this.now();
    if (current >= this.nextStartTime) this.setStartTime(current);
    let diff = (current - this.startTime) | 0;
    if (diff < 0 && diff > -1_000_000) diff = 0; // clock stepped back (NTP), as Java
    this.tail.writeInt32BE(diff, 0);
    this.tail.writeUInt16BE(this.counter & 0xffff, 4);
    this.counter = (this.counter + 1) | 0;
    return this.prefix + this.tail.toString('hex').toUpperCase();
  }
}

function fakeIp(ms: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(Math.trunc(ms)));
  return b.subarray(4, 8);
}

let defaultGenerator: UniqIdGenerator | undefined;

/** A new UNIQ_KEY from the process-wide generator (created on first use, like Java's static state). */
export function createUniqId(): string {
  defaultGenerator ??= new UniqIdGenerator();
  return defaultGenerator.create();
}

/** Client IP of a unique id: dotted IPv4, or 8 zero-padded hex groups for IPv6 (Java `getIPStrFromID`). */
export function getIpFromUniqId(id: string): string {
  const bytes = idBytes(id, 'unique message id');
  if (id.length === 32) return readHostAddress(bytes, 0, 4);
  let out = '';
  for (let i = 0; i < 16; i += 2) {
    if (i > 0) out += ':';
    out += bytes.toString('hex', i, i + 2);
  }
  return out;
}

/** Low 16 bits of the creating process id (Java `getPidFromID`). */
export function getPidFromUniqId(id: string): number {
  const bytes = idBytes(id, 'unique message id');
  return bytes.readUInt16BE(bytes.length - 12);
}

/**
 * Approximate creation time of a unique id (Java `getNearlyTimeFromID`): the embedded delta added to the start of the
 * current local month, or of the previous month if that would not be before `nowMs`. Exact only within the month of
 * creation and time zone of the creator.
 */
export function getNearlyTimeFromUniqId(id: string, nowMs: number = Date.now()): number {
  const bytes = idBytes(id, 'unique message id');
  const span = bytes.readUInt32BE(bytes.length - 6);
  let start = monthStart(nowMs);
  if (start + span >= nowMs) start = monthStart(nowMs, -1);
  return start + span;
}
