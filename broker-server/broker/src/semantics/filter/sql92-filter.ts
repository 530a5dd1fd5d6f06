import { RocketMQError, ResponseCode } from '@rocketnest/common';
import { generate, type Parser } from 'peggy';
import { JavaEvaluationError, type JavaValue } from './java-value';
import { type Expression, type PropertyLookup, Sql92Builder, Sql92SemanticError } from './sql92-expression';
import { SQL92_GRAMMAR } from './sql92-grammar';

/**
 * A selector that does not compile (Java `MQFilterException` "Invalid MessageSelector."). The broker answers such a
 * subscription with {@link ResponseCode.SUBSCRIPTION_PARSE_FAILED}.
 */
export class Sql92ParseError extends RocketMQError {
  readonly responseCode = ResponseCode.SUBSCRIPTION_PARSE_FAILED;
  constructor(
    readonly expression: string,
    readonly reason: string,
    readonly location?: { line: number; column: number },
    options: { cause?: unknown } = {},
  ) {
    super(
      `Invalid SQL92 message selector ${JSON.stringify(expression)}: ${reason}` +
        (location ? ` (line ${location.line}, column ${location.column})` : ''),
      { ...options, retriable: false },
    );
  }
}

/** Message properties as the broker hands them to a filter. */
export type Sql92Properties = ReadonlyMap<string, string> | Readonly<Record<string, string | undefined>>;

/** A compiled SQL92 selector. Immutable and reusable across messages. */
export interface Sql92Filter {
  /** The source text as given. */
  readonly expression: string;
  /** Java `Expression.toString()` of the compiled tree, e.g. `((a >= 1) && (a <= 10))`. */
  readonly compiled: string;
  /**
   * The raw Java-semantics result: `true`, `false`, `null` (unknown, e.g. a missing property), or another value;
   * throws a {@link JavaEvaluationError} where Java throws (e.g. `NumberFormatException`).
   */
  evaluate(properties: Sql92Properties): JavaValue;
  /** The broker's decision (`ExpressionMessageFilter`): true only when evaluation returned Boolean TRUE. */
  matches(properties: Sql92Properties): boolean;
}

let parser: Parser | undefined;

/** The generated parser, built once on first use from {@link SQL92_GRAMMAR}. */
function sql92Parser(): Parser {
  parser ??= generate(SQL92_GRAMMAR, { output: 'parser' });
  return parser;
}

function lookupOf(properties: Sql92Properties): PropertyLookup {
  if (properties instanceof Map) return (name) => (properties as ReadonlyMap<string, string>).get(name);
  const record = properties as Readonly<Record<string, string | undefined>>;
  return (name) => (Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined);
}

class CompiledSql92Filter implements Sql92Filter {
  readonly compiled: string;
  constructor(
    readonly expression: string,
    private readonly root: Expression,
  ) {
    this.compiled = root.toString();
  }
  evaluate(properties: Sql92Properties): JavaValue {
    return this.root.evaluate(lookupOf(properties));
  }
  matches(properties: Sql92Properties): boolean {
    try {
      return this.evaluate(properties) === true;
    } catch (err) {
      if (err instanceof JavaEvaluationError) return false;
      throw err;
    }
  }
}

interface PeggySyntaxError extends Error {
  location?: { start: { line: number; column: number } };
}

function isPeggySyntaxError(err: unknown): err is PeggySyntaxError {
  return err instanceof Error && err.name === 'SyntaxError' && 'expected' in err;
}

/** Java keeps the last 100 parse outcomes (`SelectorParser.PARSE_CACHE`); so do we, failures included. */
const CACHE_LIMIT = 100;
const cache = new Map<string, Sql92Filter | Sql92ParseError>();

/**
 * Compiles a SQL92 message selector (`MessageSelector.bySql`) with Apache RocketMQ 5.2.0's grammar and semantics.
 * Throws {@link Sql92ParseError} when Java's `SelectorParser` would reject it.
 *
 * Differences from 4.9.4 (which has no CONTAINS / STARTSWITH / ENDSWITH): 4.9.4 compiles `a CONTAINS 'x'` to just `a`
 * (always false for a String property) and rejects `a NOT CONTAINS 'x'`; 5.2.0 behaviour is what this implements.
 */
export function compileSql92(expression: string): Sql92Filter {
  const cached = cache.get(expression);
  if (cached instanceof Sql92ParseError) throw cached;
  if (cached) return cached;
  let outcome: Sql92Filter | Sql92ParseError;
  try {
    const root = sql92Parser().parse(expression, { b: Sql92Builder }) as Expression;
    outcome = new CompiledSql92Filter(expression, root);
  } catch (err) {
    if (isPeggySyntaxError(err)) {
      const start = err.location?.start;
      outcome = new Sql92ParseError(
        expression,
        err.message,
        start ? { line: start.line, column: start.column } : undefined,
        { cause: err },
      );
    } else if (err instanceof Sql92SemanticError) {
      outcome = new Sql92ParseError(expression, err.message, undefined, { cause: err });
    } else {
      throw err;
    }
  }
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(expression, outcome);
  if (outcome instanceof Sql92ParseError) throw outcome;
  return outcome;
}

/**
 * The factory the broker core uses for SQL92 subscriptions (`BrokerController.sql92FilterFactory`): compiles once
 * (throwing {@link Sql92ParseError} on a bad selector) and returns the per-message predicate over string properties.
 */
export function sql92FilterFactory(expression: string): (properties: Record<string, string>) => boolean {
  const filter = compileSql92(expression);
  return (properties) => filter.matches(properties);
}
