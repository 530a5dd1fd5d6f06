/**
 * The expression tree of Apache RocketMQ's SQL92 message filter, mirroring `org.apache.rocketmq.filter.expression`
 * (which comes from ActiveMQ's JMS selectors): the same node kinds, the same compile-time checks with the same
 * messages, the same three-valued evaluation and the same `toString()` (tested against the Java output).
 */
import {
  JavaDouble,
  JavaEvaluationError,
  JavaInt,
  JavaLong,
  type JavaValue,
  javaCompare,
  javaEquals,
  javaValueToString,
  parseJavaDouble,
} from './java-value';

/** Looks a message property up by name: the string value, or undefined/null when absent. */
export type PropertyLookup = (name: string) => string | null | undefined;

/** A semantic error raised while building the tree (Java throws a RuntimeException from the parser actions). */
export class Sql92SemanticError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Sql92SemanticError';
  }
}

export abstract class Expression {
  /** True for Java's `BooleanExpression` implementations (comparisons, logic, NOT, IN, CONTAINS, TRUE/FALSE/NULL). */
  abstract readonly isBoolean: boolean;
  abstract evaluate(get: PropertyLookup): JavaValue;
  abstract toString(): string;
}

export class ConstantExpression extends Expression {
  constructor(
    readonly value: JavaValue,
    /** `BooleanConstantExpression` (TRUE, FALSE, NULL) rather than a plain constant. */
    readonly isBoolean = false,
  ) {
    super();
  }
  evaluate(): JavaValue {
    return this.value;
  }
  toString(): string {
    const v = this.value;
    if (v === null) return 'NULL';
    if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
    if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
    return v.toString();
  }
}

export const TRUE = new ConstantExpression(true, true);
export const FALSE = new ConstantExpression(false, true);
export const NULL = new ConstantExpression(null, true);

export class PropertyExpression extends Expression {
  readonly isBoolean = false;
  constructor(readonly name: string) {
    super();
  }
  evaluate(get: PropertyLookup): JavaValue {
    return get(this.name) ?? null;
  }
  toString(): string {
    return this.name;
  }
}

abstract class UnaryExpression extends Expression {
  constructor(readonly right: Expression) {
    super();
  }
  abstract readonly symbol: string;
  toString(): string {
    return `(${this.symbol} ${this.right.toString()})`;
  }
}

export class NegateExpression extends UnaryExpression {
  readonly isBoolean = false;
  readonly symbol = '-';
  evaluate(get: PropertyLookup): JavaValue {
    const v = this.right.evaluate(get);
    if (v instanceof JavaInt) return new JavaInt(-v.value | 0);
    if (v instanceof JavaLong) return new JavaLong(BigInt.asIntN(64, -v.value));
    if (v instanceof JavaDouble) return new JavaDouble(-v.value);
    return null;
  }
}

/** Reads a Boolean-typed result; Java casts with `(Boolean)`, which fails for anything else. */
function asBooleanValue(v: JavaValue): boolean | null {
  if (v === null || typeof v === 'boolean') return v;
  throw new JavaEvaluationError(`java.lang.ClassCastException: ${javaValueToString(v)} is not a java.lang.Boolean`);
}

export class NotExpression extends UnaryExpression {
  readonly isBoolean = true;
  readonly symbol = 'NOT';
  evaluate(get: PropertyLookup): JavaValue {
    const v = asBooleanValue(this.right.evaluate(get));
    return v === null ? null : !v;
  }
}

/** Wraps a bare property used as a condition: its value counts only when it is a Boolean (a String never is). */
export class BooleanCastExpression extends UnaryExpression {
  readonly isBoolean = true;
  readonly symbol = '';
  evaluate(get: PropertyLookup): JavaValue {
    const v = this.right.evaluate(get);
    if (v === null) return null;
    return typeof v === 'boolean' ? v : false;
  }
  override toString(): string {
    return this.right.toString();
  }
}

export type StringMatchKind = 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH';

/** 5.x `CONTAINS` / `STARTSWITH` / `ENDSWITH` and their `NOT` forms: false (never null) when the value is missing. */
export class StringMatchExpression extends UnaryExpression {
  readonly isBoolean = true;
  readonly symbol: string;
  constructor(
    right: Expression,
    readonly kind: StringMatchKind,
    readonly search: string,
    readonly negated: boolean,
  ) {
    super(right);
    this.symbol = negated ? `NOT ${kind}` : kind;
  }
  evaluate(get: PropertyLookup): JavaValue {
    if (this.search.length === 0) return false;
    const v = this.right.evaluate(get);
    if (typeof v !== 'string') return false;
    const found =
      this.kind === 'CONTAINS'
        ? v.includes(this.search)
        : this.kind === 'STARTSWITH'
          ? v.startsWith(this.search)
          : v.endsWith(this.search);
    return found !== this.negated;
  }
}

export class InExpression extends UnaryExpression {
  readonly isBoolean = true;
  readonly symbol: string;
  private readonly set: ReadonlySet<string>;
  constructor(
    right: PropertyExpression,
    readonly values: readonly string[],
    readonly negated: boolean,
  ) {
    super(right);
    this.symbol = negated ? 'NOT IN' : 'IN';
    this.set = new Set(values);
  }
  evaluate(get: PropertyLookup): JavaValue {
    const v = this.right.evaluate(get);
    if (typeof v !== 'string') return null;
    return this.set.has(v) !== this.negated;
  }
  override toString(): string {
    return `${this.right.toString()} ${this.symbol} ( ${this.values.join(', ')} )`;
  }
}

abstract class BinaryExpression extends Expression {
  constructor(
    readonly left: Expression,
    readonly right: Expression,
  ) {
    super();
  }
  abstract readonly symbol: string;
  toString(): string {
    return `(${this.left.toString()} ${this.symbol} ${this.right.toString()})`;
  }
}

export class AndExpression extends BinaryExpression {
  readonly isBoolean = true;
  readonly symbol = '&&';
  evaluate(get: PropertyLookup): JavaValue {
    const lv = asBooleanValue(this.left.evaluate(get));
    if (lv === false) return false;
    const rv = asBooleanValue(this.right.evaluate(get));
    if (rv === false) return false;
    return lv === null || rv === null ? null : true;
  }
}

export class OrExpression extends BinaryExpression {
  readonly isBoolean = true;
  readonly symbol = '||';
  evaluate(get: PropertyLookup): JavaValue {
    const lv = asBooleanValue(this.left.evaluate(get));
    if (lv === true) return true;
    const rv = asBooleanValue(this.right.evaluate(get));
    if (rv === true) return true;
    return lv === null || rv === null ? null : false;
  }
}

export class EqualExpression extends BinaryExpression {
  readonly isBoolean = true;
  readonly symbol = '==';
  evaluate(get: PropertyLookup): JavaValue {
    const lv = this.left.evaluate(get);
    const rv = this.right.evaluate(get);
    if ((lv === null) !== (rv === null)) return lv === null ? null : false;
    if (lv === null || rv === null || javaEquals(lv, rv)) return true;
    return javaCompare(lv, rv) === 0;
  }
}

export type Ordering = '>' | '>=' | '<' | '<=';

export class OrderingExpression extends BinaryExpression {
  readonly isBoolean = true;
  constructor(
    left: Expression,
    right: Expression,
    readonly symbol: Ordering,
  ) {
    super(left, right);
  }
  evaluate(get: PropertyLookup): JavaValue {
    const lv = this.left.evaluate(get);
    if (lv === null) return null;
    const rv = this.right.evaluate(get);
    if (rv === null) return null;
    let answer: number;
    if (typeof lv === 'string' && typeof rv === 'string') {
      // Two strings are ordered as numbers (Double.valueOf of both), never lexically.
      try {
        answer = javaCompare(new JavaDouble(parseJavaDouble(lv)), new JavaDouble(parseJavaDouble(rv)));
      } catch (err) {
        throw new JavaEvaluationError(
          `It's illegal to compare string by '>=', '>', '<', '<='. lv=${lv}, rv=${rv}: ${(err as Error).message}`,
        );
      }
    } else {
      answer = javaCompare(lv, rv);
    }
    switch (this.symbol) {
      case '>':
        return answer > 0;
      case '>=':
        return answer >= 0;
      case '<':
        return answer < 0;
      case '<=':
        return answer <= 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Factory functions with Java's compile-time checks (ComparisonExpression.create*, LogicExpression.create*,
// UnaryExpression.create*, SelectorParser.asBooleanExpression). The grammar calls them while it parses.
// ---------------------------------------------------------------------------------------------------------------

function checkLessThanOperand(expr: Expression): void {
  if (expr instanceof ConstantExpression) {
    const v = expr.value;
    if (v instanceof JavaInt || v instanceof JavaLong || v instanceof JavaDouble) return;
    throw new Sql92SemanticError(`Value '${expr.toString()}' cannot be compared.`);
  }
  if (expr.isBoolean) throw new Sql92SemanticError(`Value '${expr.toString()}' cannot be compared.`);
}

function checkEqualOperand(expr: Expression): void {
  if (expr instanceof ConstantExpression && expr.value === null) {
    throw new Sql92SemanticError(`'${expr.toString()}' cannot be compared.`);
  }
}

export const Sql92Builder = {
  asBoolean(value: Expression): Expression {
    if (value.isBoolean) return value;
    if (value instanceof PropertyExpression) return new BooleanCastExpression(value);
    throw new Sql92SemanticError(`Expression will not result in a boolean value: ${value.toString()}`);
  },
  or(left: Expression, right: Expression): Expression {
    return new OrExpression(Sql92Builder.asBoolean(left), Sql92Builder.asBoolean(right));
  },
  and(left: Expression, right: Expression): Expression {
    return new AndExpression(Sql92Builder.asBoolean(left), Sql92Builder.asBoolean(right));
  },
  not(operand: Expression): Expression {
    return new NotExpression(Sql92Builder.asBoolean(operand));
  },
  negate(operand: Expression): Expression {
    return new NegateExpression(operand);
  },
  equal(left: Expression, right: Expression): Expression {
    checkEqualOperand(left);
    checkEqualOperand(right);
    if (
      left instanceof ConstantExpression &&
      right instanceof ConstantExpression &&
      left.isBoolean &&
      !right.isBoolean
    ) {
      throw new Sql92SemanticError(`'${left.toString()}' cannot be compared with '${right.toString()}'`);
    }
    return new EqualExpression(left, right);
  },
  notEqual(left: Expression, right: Expression): Expression {
    return new NotExpression(Sql92Builder.equal(left, right));
  },
  isNull(left: Expression): Expression {
    return new EqualExpression(left, NULL);
  },
  isNotNull(left: Expression): Expression {
    return new NotExpression(new EqualExpression(left, NULL));
  },
  ordering(left: Expression, symbol: Ordering, right: Expression): Expression {
    checkLessThanOperand(left);
    checkLessThanOperand(right);
    return new OrderingExpression(left, right, symbol);
  },
  between(value: Expression, low: Expression, high: Expression): Expression {
    if (low instanceof ConstantExpression && high instanceof ConstantExpression) {
      const lv = low.value;
      const rv = high.value;
      if (lv === null || rv === null) {
        throw new Sql92SemanticError('Illegal values of between, values can not be null!');
      }
      let order: number;
      try {
        order = javaCompare(rv, lv);
      } catch (err) {
        throw new Sql92SemanticError((err as Error).message);
      }
      if (order < 0) {
        throw new Sql92SemanticError(
          `Illegal values of between, left value(${javaValueToString(lv)}) must less than or equal to right value(${javaValueToString(rv)})`,
        );
      }
    }
    return Sql92Builder.and(Sql92Builder.ordering(value, '>=', low), Sql92Builder.ordering(value, '<=', high));
  },
  notBetween(value: Expression, low: Expression, high: Expression): Expression {
    return Sql92Builder.or(Sql92Builder.ordering(value, '<', low), Sql92Builder.ordering(value, '>', high));
  },
  in(left: Expression, values: string[], negated: boolean): Expression {
    if (!(left instanceof PropertyExpression)) {
      throw new Sql92SemanticError(`Expected a property for In expression, got: ${left.toString()}`);
    }
    return new InExpression(left, values, negated);
  },
  stringMatch(left: Expression, kind: StringMatchKind, search: string, negated: boolean): Expression {
    return new StringMatchExpression(left, kind, search, negated);
  },
  property(name: string): Expression {
    return new PropertyExpression(name);
  },
  string(value: string): Expression {
    return new ConstantExpression(value);
  },
  /** `ConstantExpression.createFromDecimal`: an optional `L` suffix is dropped; Integer when it fits, else Long. */
  decimal(text: string): Expression {
    const digits = /[lL]$/.test(text) ? text.slice(0, -1) : text;
    const v = BigInt(digits);
    if (v > 2n ** 63n - 1n)
      throw new Sql92SemanticError(`java.lang.NumberFormatException: For input string: "${digits}"`);
    return new ConstantExpression(v <= 2147483647n ? new JavaInt(Number(v)) : new JavaLong(v));
  },
  /** `ConstantExpression.createFloat`: a Double; Java rejects values above Double.MAX_VALUE and below Double.MIN_VALUE (so also 0.0). */
  float(text: string): Expression {
    const v = Number(text);
    if (v > Number.MAX_VALUE) throw new Sql92SemanticError(`${text} is greater than 1.7976931348623157E308`);
    if (v < Number.MIN_VALUE) throw new Sql92SemanticError(`${text} is less than 4.9E-324`);
    return new ConstantExpression(new JavaDouble(v));
  },
  constant(which: 'TRUE' | 'FALSE' | 'NULL'): Expression {
    return which === 'TRUE' ? TRUE : which === 'FALSE' ? FALSE : NULL;
  },
};

export type Sql92BuilderApi = typeof Sql92Builder;
