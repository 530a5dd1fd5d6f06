/**
 * Socket addresses as they appear in stored records and message ids: born host and store host are written as the raw
 * address bytes (4 for IPv4, 16 for IPv6) followed by an int32 port.
 */
import { MQClientError, RemotingCommandError } from '../errors/rocketmq-error';

/** An IP address and port. `address` is dotted IPv4 or IPv6 text (any form `parseHostAddress` accepts). */
export interface HostAddress {
  address: string;
  port: number;
}

/** Scratch space for parsing IPv6 text (used synchronously only). */
const SCRATCH = Buffer.alloc(16);

function isMappedIPv4(buf: Buffer, offset: number): boolean {
  if (buf[offset + 10] !== 0xff || buf[offset + 11] !== 0xff) return false;
  for (let i = 0; i < 10; i++) if (buf[offset + i] !== 0) return false;
  return true;
}

/**
 * Number of address bytes a host takes in a record: 4 for IPv4 (also IPv4-mapped IPv6 such as `::ffff:127.0.0.1` or
 * `::ffff:7f00:1`, which Java turns into an `Inet4Address`), else 16. Throws MQClientError for text that is not an IP.
 */
export function hostAddressLength(address: string): 4 | 16 {
  if (address.indexOf(':') < 0) return 4;
  writeIPv6(SCRATCH, 0, address);
  return isMappedIPv4(SCRATCH, 0) ? 4 : 16;
}

/** Whether the address is stored as 16 bytes (a real IPv6 address). */
export function isIPv6Address(address: string): boolean {
  return hostAddressLength(address) === 16;
}

/** The text form a decoded host has: dotted IPv4, or IPv6 as Java `getHostAddress` (`2001:db8:0:0:0:0:0:10`). */
export function normalizeHostAddress(address: string): string {
  if (address.indexOf(':') < 0) return address;
  writeIPv6(SCRATCH, 0, address);
  return readHostAddress(SCRATCH, 0, 16);
}

/** `127.0.0.1:10911`, or `[2001:db8:0:0:0:0:0:10]:10911` for IPv6. */
export function hostToString(host: HostAddress): string {
  if (host.address.indexOf(':') < 0) return `${host.address}:${host.port}`;
  writeIPv6(SCRATCH, 0, host.address);
  return isMappedIPv4(SCRATCH, 0)
    ? `${readHostAddress(SCRATCH, 0, 16)}:${host.port}`
    : `[${host.address}]:${host.port}`;
}

/**
 * Parses `ip:port`, `[ipv6]:port`, Java's `/ip:port` and the bracket-less `ipv6:port` Java prints. Throws
 * MQClientError on anything else.
 */
export function parseHostString(text: string): HostAddress {
  let s = text.trim();
  if (s.startsWith('/')) s = s.slice(1);
  let address: string;
  let portText: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0 || s[close + 1] !== ':') throw new MQClientError(`Invalid host "${text}"; expected [ipv6]:port`);
    address = s.slice(1, close);
    portText = s.slice(close + 2);
  } else {
    const colon = s.lastIndexOf(':');
    if (colon <= 0) throw new MQClientError(`Invalid host "${text}"; expected ip:port`);
    address = s.slice(0, colon);
    portText = s.slice(colon + 1);
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new MQClientError(`Invalid port in host "${text}"`);
  // Validate the address now rather than when it is first encoded.
  writeHostAddress(Buffer.allocUnsafe(16), 0, address);
  return { address, port };
}

/**
 * Writes the 4 or 16 address bytes of `address` at `offset` and returns the offset after them. Throws MQClientError
 * if the text is not an IP address.
 */
export function writeHostAddress(buf: Buffer, offset: number, address: string): number {
  // Records repeat the same few hosts: remember the last IPv4 address parsed.
  if (address === lastIPv4Text) {
    buf[offset] = lastIPv4 >>> 24;
    buf[offset + 1] = lastIPv4 >>> 16;
    buf[offset + 2] = lastIPv4 >>> 8;
    buf[offset + 3] = lastIPv4;
    return offset + 4;
  }
  if (address.indexOf(':') < 0) {
    const end = writeIPv4(buf, offset, address, address);
    lastIPv4 = ((buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!) >>> 0;
    lastIPv4Text = address;
    return end;
  }
  writeIPv6(SCRATCH, 0, address);
  if (isMappedIPv4(SCRATCH, 0)) {
    SCRATCH.copy(buf, offset, 12, 16);
    return offset + 4;
  }
  SCRATCH.copy(buf, offset, 0, 16);
  return offset + 16;
}

let lastIPv4Text: string | undefined;
let lastIPv4 = 0;

function invalidAddress(address: string): MQClientError {
  return new MQClientError(`Invalid IP address "${address}"; expected dotted IPv4 or IPv6 text`);
}

function writeIPv4(buf: Buffer, offset: number, text: string, original: string): number {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) throw invalidAddress(original);
    } else if (c === 46 && digits > 0 && part < 3) {
      buf[offset + part++] = value;
      value = 0;
      digits = 0;
    } else {
      throw invalidAddress(original);
    }
  }
  if (part !== 3 || digits === 0) throw invalidAddress(original);
  buf[offset + 3] = value;
  return offset + 4;
}

function writeIPv6(buf: Buffer, offset: number, original: string): number {
  let text = original;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const groups: number[] = [];
  let gapAt = -1;
  const double = text.indexOf('::');
  if (double >= 0 && text.indexOf('::', double + 1) >= 0) throw invalidAddress(original);
  const parseSide = (side: string, allowIPv4Tail: boolean): void => {
    if (side.length === 0) return;
    const parts = side.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (allowIPv4Tail && i === parts.length - 1 && p.indexOf('.') >= 0) {
        const tmp = Buffer.allocUnsafe(4);
        writeIPv4(tmp, 0, p, original);
        groups.push((tmp[0]! << 8) | tmp[1]!, (tmp[2]! << 8) | tmp[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) throw invalidAddress(original);
      groups.push(parseInt(p, 16));
    }
  };
  if (double >= 0) {
    parseSide(text.slice(0, double), false);
    gapAt = groups.length;
    parseSide(text.slice(double + 2), true);
    if (groups.length > 7) throw invalidAddress(original);
    const missing = 8 - groups.length;
    groups.splice(gapAt, 0, ...new Array<number>(missing).fill(0));
  } else {
    parseSide(text, true);
    if (groups.length !== 8) throw invalidAddress(original);
  }
  for (let i = 0; i < 8; i++) buf.writeUInt16BE(groups[i]!, offset + i * 2);
  return offset + 16;
}

let lastV4a = -1;
let lastV4aText = '';
let lastV4b = -1;
let lastV4bText = '';

/**
 * Reads `length` (4 or 16) address bytes as text: dotted IPv4, or IPv6 the way Java `InetAddress.getHostAddress`
 * prints it (lower-case hex groups without leading zeros, no `::`); an IPv4-mapped IPv6 address reads as IPv4, as in
 * Java.
 */
export function readHostAddress(buf: Buffer, offset: number, length: 4 | 16): string {
  if (length === 4) {
    // Records of one PULL batch or commit-log scan mostly share their hosts: remember the last two texts.
    const v = buf.readUInt32BE(offset);
    if (v === lastV4a) return lastV4aText;
    if (v === lastV4b) return lastV4bText;
    const text = `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
    lastV4b = lastV4a;
    lastV4bText = lastV4aText;
    lastV4a = v;
    lastV4aText = text;
    return text;
  }
  if (isMappedIPv4(buf, offset))
    return `${buf[offset + 12]}.${buf[offset + 13]}.${buf[offset + 14]}.${buf[offset + 15]}`;
  let out = '';
  for (let i = 0; i < 16; i += 2) {
    if (i > 0) out += ':';
    out += ((buf[offset + i]! << 8) | buf[offset + i + 1]!).toString(16);
  }
  return out;
}

/** Reads an address of `length` bytes and the int32 port after it, checking bounds first. */
export function readHostWithPort(buf: Buffer, offset: number, length: 4 | 16): HostAddress {
  if (offset + length + 4 > buf.length) throw new RemotingCommandError('Host address runs past the end of the buffer');
  return { address: readHostAddress(buf, offset, length), port: buf.readInt32BE(offset + length) };
}
