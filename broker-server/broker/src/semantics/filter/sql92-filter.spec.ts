import { ResponseCode } from '@rocketnest/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  JavaDouble,
  JavaInt,
  type JavaValue,
  javaDoubleToString,
  javaValueToString,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
} from './java-value';
import { Sql92ParseError, compileSql92, sql92FilterFactory } from './sql92-filter';

interface JavaResult {
  compiled: boolean;
  compiledToString?: string;
  parseError?: string;
  evaluate?: string | null;
  evaluateType?: string | null;
  evaluateError?: string;
  brokerMatches: boolean | null;
}
interface Case {
  n: number;
  expression: string;
  properties: Record<string, string>;
  '4.9.4': JavaResult;
  '5.2.0': JavaResult;
  sameResult: boolean;
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '__fixtures__', 'sql92.json'), 'utf8')) as {
  cases: Case[];
};

function rawResult(value: JavaValue): string | null {
  return value === null ? null : javaValueToString(value);
}

describe('SQL92 filter against Apache RocketMQ 5.2.0 (golden sql92.json)', () => {
  it('has all 51 cases', () => {
    expect(fixture.cases).toHaveLength(51);
  });

  it.each(fixture.cases.map((c) => [c.n, c.expression, c] as const))('case %i: %j', (_n, expression, c) => {
    const java = c['5.2.0'];
    if (!java.compiled) {
      expect(() => compileSql92(expression)).toThrow(Sql92ParseError);
      return;
    }
    const filter = compileSql92(expression);
    expect(filter.compiled).toBe(java.compiledToString);
    if (java.evaluateError) {
      expect(() => filter.evaluate(c.properties)).toThrow(/NumberFormatException/);
    } else {
      expect(rawResult(filter.evaluate(c.properties))).toBe(java.evaluate ?? null);
    }
    expect(filter.matches(c.properties)).toBe(java.brokerMatches);
  });

  it('differs from 4.9.4 exactly where the fixture says (CONTAINS family)', () => {
    const differing = fixture.cases.filter((c) => !c.sameResult).map((c) => c.expression);
    expect(differing).toEqual(["a CONTAINS 'ell'", "a STARTSWITH 'he'", "a ENDSWITH 'lo'", "a NOT CONTAINS 'z'"]);
  });
});

describe('SQL92 parse errors', () => {
  it('reports the reason and position with the SUBSCRIPTION_PARSE_FAILED code', () => {
    let error: unknown;
    try {
      compileSql92('a >');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Sql92ParseError);
    const e = error as Sql92ParseError;
    expect(e.responseCode).toBe(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    expect(e.message).toMatch(/^Invalid SQL92 message selector "a >": .*end of input/);
    expect(e.location).toEqual({ line: 1, column: 4 });
    expect(e.retriable).toBe(false);
  });

  it.each([
    ["a > 'abc'", "Value ''abc'' cannot be compared."],
    ['NOT a > 3', "Value '(NOT a)' cannot be compared."],
    ['a = NULL', "'NULL' cannot be compared."],
    ['TRUE = 5', "'TRUE' cannot be compared with '5'"],
    ['a BETWEEN 10 AND 1', 'Illegal values of between, left value(10) must less than or equal to right value(1)'],
    ["5 IN ('a')", 'Expected a property for In expression, got: 5'],
    ['5', 'Expression will not result in a boolean value: 5'],
    ['a > 0.0', '0.0 is less than 4.9E-324'],
    ['a > 99999999999999999999', 'NumberFormatException'],
  ])('rejects %j (%s)', (expression, reason) => {
    expect(() => compileSql92(expression)).toThrow(reason);
  });

  it.each(["a NOT LIKE 'x'", 'a IS 5', 'a = 1 *', '(a = 1', 'a IN ()', 'a = 1 /* open'])('rejects %j', (expression) => {
    expect(() => compileSql92(expression)).toThrow(Sql92ParseError);
  });

  it('caches failures and successes', () => {
    expect(compileSql92('x = 1')).toBe(compileSql92('x = 1'));
    expect(() => compileSql92('x ==')).toThrow(Sql92ParseError);
    expect(() => compileSql92('x ==')).toThrow(Sql92ParseError);
  });
});

describe('SQL92 grammar details (Java JavaCC tokenizer behaviour)', () => {
  it.each([
    ['a = 1 -- trailing comment without newline', { a: '1' }, true],
    ['a = 1 /* block */ AND b = 2', { a: '1', b: '2' }, true],
    ['A = 1 and B = 2', { A: '1', B: '2' }, true],
    ['a = 05', { a: '0' }, true], // JavaCC lexes "05" as "0" then "5" and stops after "a = 0"
    ['a > 1 extra tokens', { a: '2' }, true],
    ['a >= -2147483648', { a: '-2147483648' }, true],
    ['a = 10L', { a: '10' }, true],
    ['a = .5', { a: '0.5' }, true], // the String side is parsed as the Double literal's class
    ['a < 1.5e1', { a: '3' }, true],
    ["a IN ('x', 'y', 'z', 'w', 'v')", { a: 'v' }, true],
    ["a NOT IN ('x')", {}, null],
    ["a NOT CONTAINS 'z'", {}, false],
    ["a STARTSWITH ''", { a: 'abc' }, false],
    ['a > b', { a: '10', b: '9' }, true], // two strings order as numbers, not lexically
    ['a = b', { a: 'x', b: 'x' }, true],
    ['a IS NULL OR a > 5', {}, true],
    ['a > 5 OR b IS NULL', { a: 'abc' }, 'error'], // the NumberFormatException aborts the whole evaluation
    ['TRUE AND a > 1', {}, null],
    ['FALSE AND a > 1', {}, false],
    ['a', { a: 'true' }, false],
    ['5 = TRUE', {}, false],
    ['constructor = 1', {}, null],
  ])('%j with %j evaluates to %j', (expression, props, expected) => {
    const filter = compileSql92(expression);
    let value: unknown;
    try {
      value = filter.evaluate(props);
    } catch {
      value = 'error';
    }
    expect(value).toBe(expected);
  });

  it('throws where Java throws and the broker treats it as no match', () => {
    const filter = compileSql92('a > b');
    expect(() => filter.evaluate({ a: 'x', b: '1' })).toThrow(/illegal to compare string/);
    expect(filter.matches({ a: 'x', b: '1' })).toBe(false);
    const cast = compileSql92('TRUE = a');
    expect(() => cast.evaluate({ a: 'true' })).toThrow(/ClassCastException/);
  });

  it('sql92FilterFactory returns a predicate over properties', () => {
    const predicate = sql92FilterFactory("TAGS IN ('A', 'B') AND price BETWEEN 10 AND 20");
    expect(predicate({ TAGS: 'A', price: '15' })).toBe(true);
    expect(predicate({ TAGS: 'C', price: '15' })).toBe(false);
    expect(predicate({ TAGS: 'B', price: '15.5' })).toBe(false); // Integer.valueOf("15.5") fails in Java
    expect(() => sql92FilterFactory('price >')).toThrow(Sql92ParseError);
  });
});

describe('Java number parsing and printing', () => {
  it('parses like Integer/Long/Double.valueOf', () => {
    expect(parseJavaInt('+42')).toBe(42);
    expect(() => parseJavaInt('2147483648')).toThrow(/NumberFormatException/);
    expect(() => parseJavaInt(' 1')).toThrow(/NumberFormatException/);
    expect(parseJavaLong('-9223372036854775808')).toBe(-(2n ** 63n));
    expect(() => parseJavaLong('9223372036854775808')).toThrow(/NumberFormatException/);
    expect(parseJavaDouble(' 1.5f ')).toBe(1.5);
    expect(parseJavaDouble('-Infinity')).toBe(-Infinity);
    expect(parseJavaDouble('0x1.8p1')).toBe(3);
    expect(parseJavaDouble('5.')).toBe(5);
    expect(() => parseJavaDouble('1e')).toThrow(/NumberFormatException/);
    expect(() => parseJavaDouble('')).toThrow(/NumberFormatException/);
  });

  it('prints doubles like Double.toString', () => {
    expect(javaDoubleToString(150)).toBe('150.0');
    expect(javaDoubleToString(1e10)).toBe('1.0E10');
    expect(javaDoubleToString(1.5e-5)).toBe('1.5E-5');
    expect(javaDoubleToString(0.001)).toBe('0.001');
    expect(javaDoubleToString(-0)).toBe('-0.0');
    expect(new JavaDouble(1234567.5).toString()).toBe('1234567.5');
    expect(new JavaInt(-5).toString()).toBe('-5');
  });
});
