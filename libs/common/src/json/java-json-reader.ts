/**
 * A tolerant JSON reader for what Java peers (fastjson 1.2.x) write and accept — protocol.md §3.
 *
 * Accepted on top of RFC 8259:
 * - unquoted keys: integers (`{0:"a",-1:"b"}` → keys `"0"`, `"-1"`), identifiers (`{topic:"T"}`), `true`/`false`/`null`;
 * - single-quoted strings (`'a'`), `\'`, `\/` and `\xHH` escapes, raw control characters inside strings;
 * - object or array literals used as map keys (`{{"brokerName":"b","queueId":0,"topic":"T"}:{...}}`, fastjson's
 *   `Map<MessageQueue,…>`): such an object is returned as a {@link JavaMap} whose entries keep the parsed key;
 * - trailing commas in objects and arrays; whitespace including `\f` and `\b` (fastjson skips them).
 *
 * Representation of values:
 * - objects whose keys are all strings/numbers/identifiers → plain objects (string keys, last duplicate wins;
 *   a `__proto__` key becomes an own property, never the prototype);
 * - objects with at least one object/array key → `JavaMap` (entries in text order; string keys stay strings);
 * - integers within ±(2^53 − 1) and all decimals → `number`; integers outside that range → `bigint` by default
 *   (option `bigIntegers`), so nothing is silently rounded. Java longs on the wire (offsets, timestamps, counters)
 *   fit in doubles in practice; typed body decoders convert them to `number` (see protocol/body).
 *
 * Every syntax error is a {@link RemotingCommandError} naming the offset; nesting deeper than `maxDepth` (default 512)
 * is rejected instead of overflowing the stack.
 */
import { RemotingCommandError } from '../errors/rocketmq-error';

/** A Java map whose keys are not all strings (fastjson writes object keys raw). Entries keep their text order. */
export class JavaMap {
  constructor(readonly entries: Array<[key: unknown, value: unknown]> = []) {}

  get size(): number {
    return this.entries.length;
  }

  /** The value of the first entry whose key is the given string (string keys only). */
  getString(key: string): unknown {
    for (const [k, v] of this.entries) if (k === key) return v;
    return undefined;
  }
}

export interface ParseJavaJsonOptions {
  /**
   * What to do with an integer literal outside ±(2^53 − 1): `'bigint'` (default, lossless), `'number'` (nearest
   * double), or `'string'` (the digits as written).
   */
  bigIntegers?: 'bigint' | 'number' | 'string';
  /** Maximum nesting of objects/arrays. Default 512. */
  maxDepth?: number;
}

/** Parse text (or UTF-8 bytes) written by a Java peer. Throws `RemotingCommandError` on anything malformed. */
export function parseJavaJson(input: string | Uint8Array, options: ParseJavaJsonOptions = {}): unknown {
  const text =
    typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  const parser = new Parser(text, options.bigIntegers ?? 'bigint', options.maxDepth ?? 512);
  return parser.parseDocument();
}

/**
 * The entries of a decoded Java map: a plain object gives `[stringKey, value]` pairs, a {@link JavaMap} its entries,
 * a JS `Map` its entries. Anything else is a `RemotingCommandError` mentioning `what`.
 */
export function javaMapEntries(value: unknown, what = 'map'): Array<[unknown, unknown]> {
  if (value instanceof JavaMap) return value.entries;
  if (value instanceof Map) return [...(value as Map<unknown, unknown>).entries()];
  if (isPlainObject(value)) return Object.entries(value);
  throw new RemotingCommandError(`Expected a JSON object for ${what}, got ${describe(value)}`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof JavaMap) return 'a map with object keys';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const CH_TAB = 9;
const CH_LF = 10;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_BS = 8;
const CH_FF = 12;
const CH_DQUOTE = 34;
const CH_SQUOTE = 39;
const CH_COMMA = 44;
const CH_MINUS = 45;
const CH_PLUS = 43;
const CH_DOT = 46;
const CH_0 = 48;
const CH_9 = 57;
const CH_COLON = 58;
const CH_LBRACKET = 91;
const CH_BACKSLASH = 92;
const CH_RBRACKET = 93;
const CH_LBRACE = 123;
const CH_RBRACE = 125;

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

const SAFE_MAX_DIGITS = 15; // any integer with ≤ 15 digits is exactly representable

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly bigIntegers: 'bigint' | 'number' | 'string',
    private readonly maxDepth: number,
  ) {}

  parseDocument(): unknown {
    this.skipWs();
    if (this.pos >= this.text.length) this.fail('empty input');
    const value = this.parseValue();
    this.skipWs();
    if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
    return value;
  }

  private fail(what: string): never {
    const near = JSON.stringify(this.text.slice(this.pos, this.pos + 16));
    throw new RemotingCommandError(`Invalid JSON at offset ${this.pos}: ${what} (near ${near})`);
  }

  private skipWs(): void {
    const t = this.text;
    let p = this.pos;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c === CH_SPACE || c === CH_LF || c === CH_CR || c === CH_TAB || c === CH_FF || c === CH_BS) p++;
      else break;
    }
    this.pos = p;
  }

  private parseValue(): unknown {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case CH_LBRACE:
        return this.parseObject();
      case CH_LBRACKET:
        return this.parseArray();
      case CH_DQUOTE:
      case CH_SQUOTE:
        return this.parseString();
      default:
        if (c === CH_MINUS || c === CH_PLUS || isDigit(c) || c === CH_DOT) return this.parseNumber();
        if (isIdentStart(c)) {
          const word = this.parseIdentifier();
          if (word === 'true') return true;
          if (word === 'false') return false;
          if (word === 'null' || word === 'undefined') return null;
          this.pos -= word.length;
          this.fail(`unexpected word "${word}"`);
        }
        if (Number.isNaN(c)) this.fail('unexpected end of input');
        return this.fail('unexpected character');
    }
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
  }

  private parseArray(): unknown[] {
    this.enter();
    this.pos++; // [
    const out: unknown[] = [];
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === CH_RBRACKET) {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.pos >= this.text.length) this.fail('unterminated array');
      out.push(this.parseValue());
      this.skipWs();
      const c = this.text.charCodeAt(this.pos);
      if (c === CH_COMMA) {
        this.pos++;
        this.skipWs();
        if (this.text.charCodeAt(this.pos) === CH_RBRACKET) {
          this.pos++;
          break;
        }
        continue;
      }
      if (c === CH_RBRACKET) {
        this.pos++;
        break;
      }
      this.fail(Number.isNaN(c) ? 'unterminated array' : 'expected "," or "]" in array');
    }
    this.depth--;
    return out;
  }

  private parseObject(): Record<string, unknown> | JavaMap {
    this.enter();
    this.pos++; // {
    const entries: Array<[unknown, unknown]> = [];
    let objectKeys = false;
    this.skipWs();
    if (this.text.charCodeAt(this.pos) !== CH_RBRACE) {
      for (;;) {
        this.skipWs();
        const key = this.parseKey();
        if (typeof key !== 'string') objectKeys = true;
        this.skipWs();
        if (this.text.charCodeAt(this.pos) !== CH_COLON) this.fail('expected ":" after an object key');
        this.pos++;
        this.skipWs();
        if (this.pos >= this.text.length) this.fail('unterminated object');
        entries.push([key, this.parseValue()]);
        this.skipWs();
        const c = this.text.charCodeAt(this.pos);
        if (c === CH_COMMA) {
          this.pos++;
          this.skipWs();
          if (this.text.charCodeAt(this.pos) === CH_RBRACE) break;
          continue;
        }
        if (c === CH_RBRACE) break;
        this.fail(Number.isNaN(c) ? 'unterminated object' : 'expected "," or "}" in object');
      }
    }
    this.pos++; // }
    this.depth--;
    if (objectKeys) return new JavaMap(entries);
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      if (k === '__proto__')
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      else out[k as string] = v;
    }
    return out;
  }

  /** A key: quoted string, bare number, identifier, or (fastjson map keys) an object/array literal. */
  private parseKey(): unknown {
    const c = this.text.charCodeAt(this.pos);
    if (c === CH_DQUOTE || c === CH_SQUOTE) return this.parseString();
    if (c === CH_LBRACE) return this.parseObject();
    if (c === CH_LBRACKET) return this.parseArray();
    if (c === CH_MINUS || c === CH_PLUS || isDigit(c)) {
      const start = this.pos;
      this.parseNumber();
      return this.text.slice(start, this.pos);
    }
    if (isIdentStart(c)) return this.parseIdentifier();
    if (Number.isNaN(c)) this.fail('unterminated object');
    return this.fail('expected an object key');
  }

  private parseIdentifier(): string {
    const t = this.text;
    const start = this.pos;
    let p = start + 1;
    while (p < t.length && isIdentPart(t.charCodeAt(p))) p++;
    this.pos = p;
    return t.slice(start, p);
  }

  private parseString(): string {
    const t = this.text;
    const quote = t.charCodeAt(this.pos);
    let p = this.pos + 1;
    let chunkStart = p;
    let out = '';
    for (;;) {
      if (p >= t.length) {
        this.pos = p;
        this.fail('unterminated string');
      }
      const c = t.charCodeAt(p);
      if (c === quote) {
        out += t.slice(chunkStart, p);
        this.pos = p + 1;
        return out;
      }
      if (c !== CH_BACKSLASH) {
        p++;
        continue;
      }
      out += t.slice(chunkStart, p);
      const e = t.charCodeAt(p + 1);
      p += 2;
      switch (e) {
        case 34: // "
          out += '"';
          break;
        case 39: // '
          out += "'";
          break;
        case 92: // \
          out += '\\';
          break;
        case 47: // /
          out += '/';
          break;
        case 98: // b
          out += '\b';
          break;
        case 102: // f
          out += '\f';
          break;
        case 110: // n
          out += '\n';
          break;
        case 114: // r
          out += '\r';
          break;
        case 116: // t
          out += '\t';
          break;
        case 48: // \0 (fastjson accepts it)
          out += '\0';
          break;
        case 117: // uXXXX
          out += String.fromCharCode(this.hex(p, 4));
          p += 4;
          break;
        case 120: // xHH
          out += String.fromCharCode(this.hex(p, 2));
          p += 2;
          break;
        default:
          this.pos = p - 2;
          this.fail(Number.isNaN(e) ? 'unterminated string' : 'invalid escape in string');
      }
      chunkStart = p;
    }
  }

  private hex(at: number, len: number): number {
    let v = 0;
    for (let i = 0; i < len; i++) {
      const c = this.text.charCodeAt(at + i);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 65 && c <= 70) d = c - 55;
      else if (c >= 97 && c <= 102) d = c - 87;
      else {
        this.pos = at;
        return this.fail('invalid hex digits in escape');
      }
      v = v * 16 + d;
    }
    return v;
  }

  private parseNumber(): number | bigint | string {
    const t = this.text;
    const start = this.pos;
    let p = start;
    let c = t.charCodeAt(p);
    if (c === CH_MINUS || c === CH_PLUS) c = t.charCodeAt(++p);
    const intStart = p;
    while (isDigit(t.charCodeAt(p))) p++;
    const intDigits = p - intStart;
    let integral = true;
    if (t.charCodeAt(p) === CH_DOT) {
      integral = false;
      p++;
      while (isDigit(t.charCodeAt(p))) p++;
    }
    if (p === intStart || (intDigits === 0 && p === intStart + 1)) {
      this.pos = start;
      this.fail('invalid number');
    }
    c = t.charCodeAt(p);
    if (c === 101 || c === 69) {
      // e / E
      integral = false;
      p++;
      c = t.charCodeAt(p);
      if (c === CH_MINUS || c === CH_PLUS) p++;
      const expStart = p;
      while (isDigit(t.charCodeAt(p))) p++;
      if (p === expStart) {
        this.pos = start;
        this.fail('invalid number exponent');
      }
    }
    // fastjson type suffixes on numbers (L, F, D, S, B) — accepted and ignored.
    c = t.charCodeAt(p);
    const suffixed = c === 76 || c === 70 || c === 68 || c === 83 || c === 66;
    const literal = t.slice(start, p);
    this.pos = suffixed ? p + 1 : p;
    if (!integral) return Number(literal);
    if (intDigits <= SAFE_MAX_DIGITS) return Number(literal);
    const n = Number(literal);
    if (Number.isSafeInteger(n)) return n;
    switch (this.bigIntegers) {
      case 'number':
        return n;
      case 'string':
        return literal.startsWith('+') ? literal.slice(1) : literal;
      default:
        return BigInt(literal.startsWith('+') ? literal.slice(1) : literal);
    }
  }
}
