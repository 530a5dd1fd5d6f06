/**
 * A JSON writer whose output Java peers (fastjson 1.2.x) read back as the RocketMQ classes expect — protocol.md §3.
 *
 * Value mapping:
 * - plain objects are JavaBeans: members with `undefined`/`null` values are omitted, names sorted when `sortKeys`
 *   (default true, fastjson's alphabetical bean order);
 * - `Map` and {@link JavaMap} are Java maps: entries keep their insertion order (never sorted, like a Java HashMap
 *   written in iteration order); number/bigint keys are written quoted (`"0"`) in the `'standard'` style or bare
 *   (`0`) in the `'fastjson'` style; object keys are written as a JSON *string* holding the object's JSON in the
 *   standard style (Appendix B #9, Java parses it back) or as a raw object in the fastjson style;
 * - `Set` and arrays → arrays (`undefined`/`null` items → `null`); `Buffer`/`Uint8Array` → base64 (Java `byte[]`);
 *   `Date` → epoch ms; `bigint` → its digits; {@link JavaDouble} → Java `Double.toString` form (`0.0`, `1.5E7`);
 * - a `number` is a Java int/long: integral values beyond ±(2^53 − 1) are written as exact integers clamped to the
 *   Java long range (so `Number.MAX_VALUE`-ish sentinels stay parseable); `NaN`/`±Infinity` → `null`;
 * - strings (fastjson `SerializeWriter`): `"` and `\` escaped, `\b \t \n \f \r` short escapes, other control
 *   characters, U+007F–U+009F, U+2028 and U+2029 as `\uXXXX` (upper-case hex); other non-ASCII raw (UTF-8). With
 *   `browserCompatible` every character ≥ U+007F is `\uXXXX`, `/` is `\/`, and longs outside ±2^53 are strings.
 */

import { JavaMap, isPlainObject } from './java-json-reader';

/** Marks a number as a Java `double`/`float` so it is written the Java way (`0.0`, `2.5`, `1.0E10`). */
export class JavaDouble {
  constructor(readonly value: number) {}
}

export function javaDouble(value: number): JavaDouble {
  return new JavaDouble(value);
}

export interface JavaJsonWriteOptions {
  /** Sort plain-object member names (fastjson bean order). Map entries are never sorted. Default true. */
  sortKeys?: boolean;
  /**
   * `'standard'` (default): valid JSON — number keys quoted, object keys as JSON strings. `'fastjson'`: what
   * `JSON.toJSONString` writes by default — bare integer keys (`{0:"a"}`) and raw object keys (not valid JSON).
   */
  style?: 'standard' | 'fastjson';
  /** fastjson `SerializerFeature.BrowserCompatible`: escape non-ASCII, write unsafe longs as strings. Default false. */
  browserCompatible?: boolean;
  /** fastjson `PrettyFormat` (tab indentation; integer-keyed maps on one line), as in the broker's config files. */
  pretty?: boolean;
}

const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;
const MAX_DEPTH = 1000;
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\u007f-\u009f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE_ASCII = /[\u0000-\u001f"\\/\u007f-\uffff]/;

/** Serialize a value for a Java peer. Throws `TypeError` on nesting deeper than 1000 (which is how a cycle shows up). */
export function toJavaJson(value: unknown, options: JavaJsonWriteOptions = {}): string {
  const w = new Writer(
    options.sortKeys ?? true,
    options.style === 'fastjson',
    options.browserCompatible ?? false,
    options.pretty ?? false,
  );
  w.value(value === undefined ? null : value, 0);
  return w.out;
}

/** Java `Double.toString` of a number. */
export function formatJavaDouble(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(v);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa = '', exponent = '0'] = v.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}

function clampLong(n: bigint): bigint {
  return n > LONG_MAX ? LONG_MAX : n < LONG_MIN ? LONG_MIN : n;
}

class Writer {
  out = '';

  constructor(
    private readonly sortKeys: boolean,
    private readonly fastjson: boolean,
    private readonly browser: boolean,
    private readonly pretty: boolean,
  ) {}

  private indent(level: number): void {
    this.out += '\n' + '\t'.repeat(level);
  }

  value(v: unknown, level: number): void {
    switch (typeof v) {
      case 'string':
        this.out += this.quote(v);
        return;
      case 'number':
        this.out += this.number(v);
        return;
      case 'bigint':
        this.out += this.bigint(v);
        return;
      case 'boolean':
        this.out += v ? 'true' : 'false';
        return;
      case 'undefined':
      case 'function':
      case 'symbol':
        this.out += 'null';
        return;
      default:
        break;
    }
    if (v === null) {
      this.out += 'null';
      return;
    }
    if (v instanceof JavaDouble) {
      this.out += Number.isFinite(v.value) ? formatJavaDouble(v.value) : 'null';
      return;
    }
    if (v instanceof Date) {
      this.out += this.number(v.getTime());
      return;
    }
    if (v instanceof Uint8Array) {
      this.out += this.quote(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
      return;
    }
    const obj = v as object;
    // A cycle recurses until this limit, so it is reported here too.
    if (level >= MAX_DEPTH) throw new TypeError(`toJavaJson: nesting deeper than ${MAX_DEPTH} (cyclic structure?)`);
    if (Array.isArray(obj)) this.array(obj as unknown[], level);
    else if (obj instanceof Set) this.array([...(obj as Set<unknown>)], level);
    else if (obj instanceof Map) this.map([...(obj as Map<unknown, unknown>).entries()], level);
    else if (obj instanceof JavaMap) this.map(obj.entries, level);
    else this.bean(obj as Record<string, unknown>, level);
  }

  private number(n: number): string {
    if (Number.isSafeInteger(n)) return String(n);
    if (!Number.isFinite(n)) return 'null';
    if (Number.isInteger(n) && !Number.isSafeInteger(n)) return this.bigint(BigInt(n));
    return String(n);
  }

  private bigint(n: bigint): string {
    const c = clampLong(n);
    const s = c.toString();
    if (this.browser && (c > 9007199254740991n || c < -9007199254740991n)) return `"${s}"`;
    return s;
  }

  private array(items: unknown[], level: number): void {
    if (items.length === 0) {
      this.out += '[]';
      return;
    }
    this.out += '[';
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.out += ',';
      if (this.pretty) this.indent(level + 1);
      const item = items[i];
      this.value(item === undefined ? null : item, level + 1);
    }
    if (this.pretty) this.indent(level);
    this.out += ']';
  }

  private bean(obj: Record<string, unknown>, level: number): void {
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function' && !isPlainObject(obj)) {
      this.value((toJSON as () => unknown).call(obj), level);
      return;
    }
    const keys: string[] = [];
    for (const k in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
      const v = obj[k];
      if (v === undefined || v === null || typeof v === 'function' || typeof v === 'symbol') continue;
      keys.push(k);
    }
    if (keys.length === 0) {
      this.out += '{}';
      return;
    }
    if (this.sortKeys && keys.length > 1) keys.sort();
    this.out += '{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (i > 0) this.out += ',';
      if (this.pretty) this.indent(level + 1);
      this.out += this.quote(k) + ':';
      this.value(obj[k], level + 1);
    }
    if (this.pretty) this.indent(level);
    this.out += '}';
  }

  private map(entries: Array<[unknown, unknown]>, level: number): void {
    const live = entries.filter(([, v]) => v !== undefined && v !== null);
    if (live.length === 0) {
      this.out += '{}';
      return;
    }
    // fastjson's pretty printer puts integer-keyed maps on one line and only breaks before the closing brace.
    const inline = this.pretty && live.every(([k]) => typeof k === 'number' || typeof k === 'bigint');
    this.out += '{';
    live.forEach(([k, v], i) => {
      if (i > 0) this.out += ',';
      if (this.pretty && !inline) this.indent(level + 1);
      this.key(k, level + 1);
      this.out += ':';
      this.value(v, level + 1);
    });
    if (this.pretty) this.indent(level);
    this.out += '}';
  }

  private key(k: unknown, level: number): void {
    if (typeof k === 'string') {
      this.out += this.quote(k);
    } else if (typeof k === 'number' || typeof k === 'bigint') {
      const s = typeof k === 'number' ? this.number(k) : clampLong(k).toString();
      this.out += this.fastjson ? s : `"${s}"`;
    } else if (typeof k === 'boolean') {
      this.out += `"${k}"`;
    } else if (k !== null && typeof k === 'object') {
      if (this.fastjson) {
        this.value(k, level);
      } else {
        const inner = new Writer(this.sortKeys, false, this.browser, false);
        inner.value(k, 0);
        this.out += this.quote(inner.out);
      }
    } else {
      this.out += '"null"';
    }
  }

  private quote(s: string): string {
    // Fast path: nothing to escape (the common case for names, topics and addresses).
    if (!(this.browser ? NEEDS_ESCAPE_ASCII : NEEDS_ESCAPE).test(s)) return `"${s}"`;
    let out = '"';
    let chunkStart = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      let esc: string | undefined;
      if (c < 0x20) {
        switch (c) {
          case 8:
            esc = '\\b';
            break;
          case 9:
            esc = '\\t';
            break;
          case 10:
            esc = '\\n';
            break;
          case 12:
            esc = '\\f';
            break;
          case 13:
            esc = '\\r';
            break;
          default:
            esc = '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
        }
      } else if (c === 34) {
        esc = '\\"';
      } else if (c === 92) {
        esc = '\\\\';
      } else if (this.browser ? c > 0x7e : (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) {
        esc = '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
      } else if (c === 47 && this.browser) {
        esc = '\\/';
      }
      if (esc !== undefined) {
        out += s.slice(chunkStart, i) + esc;
        chunkStart = i + 1;
      }
    }
    return out + s.slice(chunkStart) + '"';
  }
}
