/**
 * The Java values that Apache RocketMQ's SQL92 filter (`org.apache.rocketmq.filter`) computes with, and the
 * conversions it applies between them. Message properties always arrive as `String`; literals become `Integer`
 * (fits 32 bits), `Long` (fits 64 bits) or `Double`; `TRUE`/`FALSE` are `Boolean`; a missing property is `null`.
 * The filter never produces `Byte`, `Short`, `Float` or `BigDecimal`, so those Java types are not modelled.
 */

/** A Java `Integer`. */
export class JavaInt {
  constructor(readonly value: number) {}
  toString(): string {
    return String(this.value);
  }
}

/** A Java `Long` (64-bit, kept as a bigint so the full range survives). */
export class JavaLong {
  constructor(readonly value: bigint) {}
  toString(): string {
    return this.value.toString();
  }
}

/** A Java `Double`. */
export class JavaDouble {
  constructor(readonly value: number) {}
  toString(): string {
    return javaDoubleToString(this.value);
  }
}

export type JavaNumber = JavaInt | JavaLong | JavaDouble;
/** A value the filter computes: Java `String`, `Boolean`, a number, or `null`. */
export type JavaValue = string | boolean | JavaNumber | null;

/** Thrown where Java throws at evaluation (NumberFormatException, ClassCastException); the broker treats it as no match. */
export class JavaEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JavaEvaluationError';
  }
}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function numberFormat(s: string): JavaEvaluationError {
  return new JavaEvaluationError(`java.lang.NumberFormatException: For input string: "${s}"`);
}

/** Java `Long.parseLong`: optional sign, ASCII digits, 64-bit range; anything else is a NumberFormatException. */
export function parseJavaLong(s: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(s)) throw numberFormat(s);
  const v = BigInt(s);
  if (v < LONG_MIN || v > LONG_MAX) throw numberFormat(s);
  return v;
}

/** Java `Integer.parseInt`: as {@link parseJavaLong} with the 32-bit range. */
export function parseJavaInt(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw numberFormat(s);
  const v = BigInt(s);
  if (v < INT_MIN || v > INT_MAX) throw numberFormat(s);
  return Number(v);
}

const DECIMAL_DOUBLE = /^[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)$/;
const HEX_DOUBLE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)[fFdD]?$/;

/**
 * Java `Double.parseDouble`: trims characters <= U+0020, accepts a sign, `NaN`, `Infinity`, decimal digits with an
 * optional point and exponent, an optional `f`/`d` suffix, and hexadecimal floating literals (`0x1.8p1`).
 */
export function parseJavaDouble(input: string): number {
  // String.trim(): strips every char <= ' ' at both ends.
  let start = 0;
  let end = input.length;
  while (start < end && input.charCodeAt(start) <= 0x20) start++;
  while (end > start && input.charCodeAt(end - 1) <= 0x20) end--;
  const s = input.slice(start, end);
  if (DECIMAL_DOUBLE.test(s)) {
    const negative = s.startsWith('-');
    const body = s.replace(/^[+-]/, '').replace(/[fFdD]$/, '');
    const magnitude = body === 'NaN' ? NaN : body === 'Infinity' ? Infinity : Number(body);
    return negative ? -magnitude : magnitude;
  }
  const hex = HEX_DOUBLE.exec(s);
  if (hex) {
    const intDigits = hex[2] ?? '';
    const fracDigits = hex[3] ?? '';
    if (intDigits.length + fracDigits.length > 0) {
      let mantissa = 0;
      for (const d of intDigits + fracDigits) mantissa = mantissa * 16 + parseInt(d, 16);
      const exponent = Number(hex[4]) - 4 * fracDigits.length;
      const magnitude = mantissa * 2 ** exponent;
      return hex[1] === '-' ? -magnitude : magnitude;
    }
  }
  throw numberFormat(input);
}

/** Java `Boolean.valueOf(String)`: true only for "true" in any case. */
export function parseJavaBoolean(s: string): boolean {
  return s.toLowerCase() === 'true';
}

/** Java `Double.toString`: shortest round-trip digits, plain between 1e-3 and 1e7, else `d.dddE±n`. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = String(d);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa = '', exponent = '0'] = d.toExponential().split('e');
  const digits = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${digits}E${Number(exponent)}`;
}

/** Java `Object.toString()` / `String.valueOf` of a filter value (used in messages). */
export function javaValueToString(v: JavaValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  return v.toString();
}

/** Java `equals`: same class and same value (`Double.equals` compares bits: NaN equals NaN, 0.0 differs from -0.0). */
export function javaEquals(a: JavaValue, b: JavaValue): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' || typeof a === 'boolean') return a === b;
  if (a instanceof JavaInt) return b instanceof JavaInt && a.value === b.value;
  if (a instanceof JavaLong) return b instanceof JavaLong && a.value === b.value;
  return b instanceof JavaDouble && Object.is(a.value, b.value);
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Java `Double.compare`: NaN is above everything (and equal to itself), -0.0 is below 0.0. */
function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  if (a === 0 && b === 0) return sign((Object.is(a, -0) ? 0 : 1) - (Object.is(b, -0) ? 0 : 1));
  return 0;
}

/** `compareTo` of two values of the same Java class. */
function compareSameClass(a: Exclude<JavaValue, null>, b: Exclude<JavaValue, null>): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0; // UTF-16 code unit order, as Java
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof JavaInt && b instanceof JavaInt) return sign(a.value - b.value);
  if (a instanceof JavaLong && b instanceof JavaLong) return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a instanceof JavaDouble && b instanceof JavaDouble) return compareDoubles(a.value, b.value);
  throw new JavaEvaluationError('java.lang.ClassCastException: incomparable values');
}

function classOf(v: Exclude<JavaValue, null>): 'String' | 'Boolean' | 'Integer' | 'Long' | 'Double' {
  if (typeof v === 'string') return 'String';
  if (typeof v === 'boolean') return 'Boolean';
  if (v instanceof JavaInt) return 'Integer';
  if (v instanceof JavaLong) return 'Long';
  return 'Double';
}

/**
 * `ComparisonExpression.__compare(lv, rv, convertStringExpressions = true)` (the broker's parser always sets the
 * conversion flag): values of different classes are widened (Integer → Long → Double) or the String side is parsed
 * as the other side's class; a pair it cannot convert compares as -1 ("less"). Parse failures throw, as Java's
 * NumberFormatException does. A Boolean on the left of a String hits Java's ClassCastException.
 */
export function javaCompare(lv: Exclude<JavaValue, null>, rv: Exclude<JavaValue, null>): number {
  const lc = classOf(lv);
  const rc = classOf(rv);
  if (lc === rc) return compareSameClass(lv, rv);
  switch (lc) {
    case 'Boolean':
      if (rc === 'String') {
        throw new JavaEvaluationError(
          'java.lang.ClassCastException: java.lang.Boolean cannot be cast to java.lang.String',
        );
      }
      return -1;
    case 'Integer': {
      const l = (lv as JavaInt).value;
      if (rc === 'Long') return compareSameClass(new JavaLong(BigInt(l)), rv);
      if (rc === 'Double') return compareDoubles(l, (rv as JavaDouble).value);
      if (rc === 'String') return compareSameClass(lv, new JavaInt(parseJavaInt(rv as string)));
      return -1;
    }
    case 'Long': {
      const l = (lv as JavaLong).value;
      if (rc === 'Integer') return compareSameClass(lv, new JavaLong(BigInt((rv as JavaInt).value)));
      if (rc === 'Double') return compareDoubles(Number(l), (rv as JavaDouble).value);
      if (rc === 'String') return compareSameClass(lv, new JavaLong(parseJavaLong(rv as string)));
      return -1;
    }
    case 'Double': {
      const l = (lv as JavaDouble).value;
      if (rc === 'Integer') return compareDoubles(l, (rv as JavaInt).value);
      if (rc === 'Long') return compareDoubles(l, Number((rv as JavaLong).value));
      if (rc === 'String') return compareDoubles(l, parseJavaDouble(rv as string));
      return -1;
    }
    case 'String': {
      const l = lv as string;
      if (rc === 'Boolean') return compareSameClass(parseJavaBoolean(l), rv);
      if (rc === 'Integer') return compareSameClass(new JavaInt(parseJavaInt(l)), rv);
      if (rc === 'Long') return compareSameClass(new JavaLong(parseJavaLong(l)), rv);
      if (rc === 'Double') return compareDoubles(parseJavaDouble(l), (rv as JavaDouble).value);
      return -1;
    }
  }
}
