/**
 * A declarative codec for remoting custom headers — the `extFields` map of a command (protocol.md §1.7).
 *
 * Wire form: a flat `Record<string, string>`. Java `makeCustomHeaderToNet` writes every non-null field as
 * `value.toString()` (ints/longs in decimal, booleans `"true"`/`"false"`); `decodeCommandCustomHeader` reads each
 * declared field: missing + `@CFNotNull` → `RemotingCommandException("the custom field <name> is null")`; present →
 * `Integer.parseInt` / `Long.parseLong` / `Boolean.parseBoolean` (case-insensitive "true", anything else false) /
 * `Double.parseDouble`; a parse failure leaves the field null. Unknown extFields (ACL `AccessKey`, `Signature`, …)
 * are ignored.
 *
 * Field kinds:
 * - `req.*`  — Java `@CFNotNull`: required on decode (else `RemotingCommandError`) and on encode;
 * - `opt.*`  — nullable wrapper types: `undefined` when absent or unparsable, not sent when `undefined`;
 * - `prim.*(default)` — Java primitives: always sent (the default when not given), default when absent/unparsable.
 *
 * Unlike Java, a *required* numeric field whose text does not parse is rejected with a `RemotingCommandError` (Java
 * would leave it null and fail later with a NullPointerException).
 */
import { MQClientError, RemotingCommandError } from '../../errors/rocketmq-error';
import { formatJavaDouble } from '../../json/java-json-writer';

export type HeaderFieldType = 'string' | 'int' | 'long' | 'boolean' | 'double';
export type HeaderFieldMode = 'req' | 'opt' | 'prim';

interface FieldValues {
  string: string;
  int: number;
  long: number;
  boolean: boolean;
  double: number;
}

export interface HeaderField<T, M extends HeaderFieldMode> {
  readonly type: HeaderFieldType;
  readonly mode: M;
  /** For `prim` fields: the Java primitive's default. */
  readonly defaultValue?: T;
  /** Phantom member carrying the value type. */
  readonly __value?: T;
}

function field<K extends HeaderFieldType, M extends HeaderFieldMode>(
  type: K,
  mode: M,
  defaultValue?: FieldValues[K],
): HeaderField<FieldValues[K], M> {
  return Object.freeze({ type, mode, defaultValue });
}

/** Required (`@CFNotNull`) fields. */
export const req = Object.freeze({
  string: field('string', 'req'),
  int: field('int', 'req'),
  long: field('long', 'req'),
  boolean: field('boolean', 'req'),
  double: field('double', 'req'),
});

/** Optional (nullable) fields. */
export const opt = Object.freeze({
  string: field('string', 'opt'),
  int: field('int', 'opt'),
  long: field('long', 'opt'),
  boolean: field('boolean', 'opt'),
  double: field('double', 'opt'),
});

/** Java primitive fields: always sent, with the given default when unset or absent. */
export const prim = Object.freeze({
  int: (defaultValue = 0) => field('int', 'prim', defaultValue),
  long: (defaultValue = 0) => field('long', 'prim', defaultValue),
  boolean: (defaultValue = false) => field('boolean', 'prim', defaultValue),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HeaderSpec = Record<string, HeaderField<any, HeaderFieldMode>>;

type ValueOf<F> = F extends HeaderField<infer T, HeaderFieldMode> ? T : never;
type KeysOfMode<S extends HeaderSpec, M extends HeaderFieldMode> = {
  [K in keyof S]: S[K] extends HeaderField<unknown, M> ? K : never;
}[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The decoded header: required and primitive fields present, optional ones possibly `undefined`. */
export type DecodedHeader<S extends HeaderSpec> = Simplify<
  { [K in KeysOfMode<S, 'req' | 'prim'>]: ValueOf<S[K]> } & { [K in KeysOfMode<S, 'opt'>]?: ValueOf<S[K]> }
>;

/** What `encode` takes: required fields must be given; primitives fall back to their defaults. */
export type HeaderInput<S extends HeaderSpec> = Simplify<
  { [K in KeysOfMode<S, 'req'>]: ValueOf<S[K]> } & { [K in KeysOfMode<S, 'opt' | 'prim'>]?: ValueOf<S[K]> }
>;

/** The `extFields` of a command as received: values normally strings (numbers/booleans are tolerated). */
export type ExtFields = Readonly<Record<string, unknown>>;

export interface HeaderCodec<S extends HeaderSpec> {
  /** The Java class name, for error messages. */
  readonly name: string;
  readonly spec: S;
  /** Java `makeCustomHeaderToNet`: the non-null fields as strings. Throws `MQClientError` on a missing required field. */
  encode(header: HeaderInput<S>): Record<string, string>;
  /** Java `decodeCommandCustomHeader`. Throws `RemotingCommandError` on a missing or unparsable required field. */
  decode(extFields: ExtFields | null | undefined): DecodedHeader<S>;
}

const INT_RE = /^[+-]?\d+$/;
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;
const DOUBLE_RE = /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$/;

/** Java `Integer.parseInt` (undefined on failure). */
export function parseJavaInt(text: string): number | undefined {
  if (!INT_RE.test(text) || text.length > 12) return undefined;
  const n = Number(text);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/**
 * Java `Long.parseLong` (undefined on failure). Values beyond ±(2^53 − 1) become the nearest double: Java longs on
 * the wire are offsets/timestamps that fit, and sentinels such as `Long.MAX_VALUE` are written back exactly (see
 * {@link formatJavaLong}).
 */
export function parseJavaLong(text: string): number | undefined {
  if (!INT_RE.test(text) || text.length > 21) return undefined;
  if (text.length > 15) {
    const b = BigInt(text.startsWith('+') ? text.slice(1) : text);
    if (b > LONG_MAX || b < LONG_MIN) return undefined;
  }
  return Number(text);
}

/** A number as a Java long literal: truncated, and clamped to the long range when beyond ±2^53. */
export function formatJavaLong(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (!Number.isFinite(n)) throw new MQClientError(`Cannot send ${n} as a Java long`);
  const t = Math.trunc(n);
  if (Number.isSafeInteger(t)) return String(t);
  const b = BigInt(t);
  return (b > LONG_MAX ? LONG_MAX : b < LONG_MIN ? LONG_MIN : b).toString();
}

function parseValue(type: HeaderFieldType, text: string): string | number | boolean | undefined {
  switch (type) {
    case 'string':
      return text;
    case 'int':
      return parseJavaInt(text);
    case 'long':
      return parseJavaLong(text);
    case 'boolean':
      return text.toLowerCase() === 'true';
    case 'double':
      return DOUBLE_RE.test(text.trim()) ? Number(text.trim().replace(/[fFdD]$/, '')) : undefined;
  }
}

function formatValue(type: HeaderFieldType, v: unknown, codec: string, name: string): string {
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : String(v);
    case 'boolean':
      return v === true ? 'true' : 'false';
    case 'int':
    case 'long': {
      const n = typeof v === 'bigint' ? Number(v) : Number(v);
      if (Number.isNaN(n)) throw new MQClientError(`${codec}.${name}: ${String(v)} is not a number`);
      return formatJavaLong(n);
    }
    case 'double':
      return formatJavaDouble(Number(v));
  }
}

function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/**
 * Define a header codec from a field spec, e.g.
 * `defineHeader({ topic: req.string, queueId: req.int, committed: prim.boolean(true) }, 'GetMaxOffsetRequestHeader')`.
 * Field names are the Java field names, which are the `extFields` keys.
 */
export function defineHeader<S extends HeaderSpec>(spec: S, name = 'CommandCustomHeader'): HeaderCodec<S> {
  const fields = Object.entries(spec);
  return Object.freeze({
    name,
    spec,
    encode(header: HeaderInput<S>): Record<string, string> {
      const src = header as Record<string, unknown>;
      const out: Record<string, string> = {};
      for (const [key, f] of fields) {
        let v = src[key];
        if (v === undefined || v === null) {
          if (f.mode === 'prim') v = f.defaultValue;
          else if (f.mode === 'req') throw new MQClientError(`${name}: required field "${key}" is missing`);
          else continue;
        }
        out[key] = formatValue(f.type, v, name, key);
      }
      return out;
    },
    decode(extFields: ExtFields | null | undefined): DecodedHeader<S> {
      const ext = extFields ?? {};
      const out: Record<string, unknown> = {};
      for (const [key, f] of fields) {
        const raw = Object.prototype.hasOwnProperty.call(ext, key) ? asText(ext[key]) : undefined;
        if (raw === undefined) {
          if (f.mode === 'req') throw new RemotingCommandError(`the custom field ${key} is null`);
          if (f.mode === 'prim') out[key] = f.defaultValue;
          continue;
        }
        const v = parseValue(f.type, raw);
        if (v === undefined) {
          if (f.mode === 'req') {
            throw new RemotingCommandError(
              `the custom field ${key} of ${name} is not a valid ${f.type}: ${JSON.stringify(raw.slice(0, 64))}`,
            );
          }
          if (f.mode === 'prim') out[key] = f.defaultValue;
          continue;
        }
        out[key] = v;
      }
      return out as DecodedHeader<S>;
    },
  });
}
