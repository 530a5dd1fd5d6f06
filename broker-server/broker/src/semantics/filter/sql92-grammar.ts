/**
 * Peggy grammar for the SQL92 dialect of Apache RocketMQ message selectors, transcribed from the token and production
 * structure of Java's `SelectorParser.jj` (JavaCC) of 5.2.0:
 *
 * - tokens: keywords NOT AND OR BETWEEN IN TRUE FALSE NULL IS CONTAINS STARTSWITH ENDSWITH (any case), decimal
 *   literals (`0` or `[1-9][0-9]*` with optional `L`), floating literals (`5.`, `.5`, `5E3`, `1.5e-2`), strings in
 *   single quotes with `''` as the escape, identifiers `[a-zA-Z_$][a-zA-Z0-9_$]*`, `-- line comments` (ended by a
 *   newline) and block comments; whitespace is space, tab, CR, LF and form feed.
 * - precedence, loosest first: OR, AND, `=` `<>` `IS [NOT] NULL`, `>` `>=` `<` `<=` `[NOT] BETWEEN` `[NOT] IN`
 *   `[NOT] CONTAINS|STARTSWITH|ENDSWITH`, unary `+` `-` `NOT`, then literals, properties and parentheses.
 *
 * Java's top rule does not demand the end of input: it stops after the longest expression and ignores the rest, as
 * long as the next token is valid and is not one that would have continued an operator loop (`a + 1 > 5` compiles to
 * `a`; `a NOT LIKE 'x'` fails). The `Trailer` rule reproduces that. Actions build the tree through `options.b`
 * (`Sql92Builder`), which performs Java's compile-time checks in the same order as the JavaCC actions.
 */
export const SQL92_GRAMMAR = String.raw`
Start
  = _ e:OrExpr Trailer { return options.b.asBoolean(e); }

Trailer
  = !ContinuationOp (EndOfInput / Token) .*

ContinuationOp
  = [<>=] / AND / OR / IS / NOT / BETWEEN / IN / CONTAINS / STARTSWITH / ENDSWITH

Token
  = StringLiteral / FloatLiteral / DecimalLiteral / Identifier / [(),+\-]

OrExpr
  = head:AndExpr tail:(OR r:AndExpr { return r; })* { return tail.reduce((l, r) => options.b.or(l, r), head); }

AndExpr
  = head:EqualityExpr tail:(AND r:EqualityExpr { return r; })* { return tail.reduce((l, r) => options.b.and(l, r), head); }

EqualityExpr
  = head:ComparisonExpr tail:EqualityTail* { return tail.reduce((l, f) => f(l), head); }

EqualityTail
  = "=" _ r:ComparisonExpr { return (l) => options.b.equal(l, r); }
  / "<>" _ r:ComparisonExpr { return (l) => options.b.notEqual(l, r); }
  / IS NULL { return (l) => options.b.isNull(l); }
  / IS NOT NULL { return (l) => options.b.isNotNull(l); }

ComparisonExpr
  = head:UnaryExpr tail:ComparisonTail* { return tail.reduce((l, f) => f(l), head); }

ComparisonTail
  = op:(">=" / ">" / "<=" / "<") _ r:UnaryExpr { return (l) => options.b.ordering(l, op, r); }
  / k:StringMatchKeyword s:StringLiteral { return (l) => options.b.stringMatch(l, k, s, false); }
  / NOT k:StringMatchKeyword s:StringLiteral { return (l) => options.b.stringMatch(l, k, s, true); }
  / BETWEEN lo:UnaryExpr AND hi:UnaryExpr { return (l) => options.b.between(l, lo, hi); }
  / NOT BETWEEN lo:UnaryExpr AND hi:UnaryExpr { return (l) => options.b.notBetween(l, lo, hi); }
  / IN list:StringList { return (l) => options.b.in(l, list, false); }
  / NOT IN list:StringList { return (l) => options.b.in(l, list, true); }

StringMatchKeyword
  = CONTAINS { return 'CONTAINS'; }
  / STARTSWITH { return 'STARTSWITH'; }
  / ENDSWITH { return 'ENDSWITH'; }

StringList
  = "(" _ head:StringLiteral tail:("," _ s:StringLiteral { return s; })* ")" _ { return [head, ...tail]; }

UnaryExpr
  = "+" _ e:UnaryExpr { return e; }
  / "-" _ e:UnaryExpr { return options.b.negate(e); }
  / NOT e:UnaryExpr { return options.b.not(e); }
  / PrimaryExpr

PrimaryExpr
  = Literal
  / name:Identifier { return options.b.property(name); }
  / "(" _ e:OrExpr ")" _ { return e; }

Literal
  = s:StringLiteral { return options.b.string(s); }
  / t:FloatLiteral { return options.b.float(t); }
  / t:DecimalLiteral { return options.b.decimal(t); }
  / TRUE { return options.b.constant('TRUE'); }
  / FALSE { return options.b.constant('FALSE'); }
  / NULL { return options.b.constant('NULL'); }

StringLiteral "string literal"
  = "'" chars:$("''" / [^'])* "'" _ { return chars.replace(/''/g, "'"); }

FloatLiteral "number"
  = t:$([0-9]+ "." [0-9]* Exponent? / "." [0-9]+ Exponent? / [0-9]+ Exponent) _ { return t; }

Exponent
  = [eE] [+-]? [0-9]+

DecimalLiteral "number"
  = t:$("0" / [1-9] [0-9]* [lL]?) _ { return t; }

Identifier "identifier"
  = !Keyword name:$([a-zA-Z_$] IdPart*) _ { return name; }

IdPart
  = [a-zA-Z0-9_$]

Keyword
  = ("NOT"i / "AND"i / "OR"i / "BETWEEN"i / "IN"i / "TRUE"i / "FALSE"i / "NULL"i / "IS"i
    / "CONTAINS"i / "STARTSWITH"i / "ENDSWITH"i) !IdPart

NOT = "NOT"i !IdPart _
AND = "AND"i !IdPart _
OR = "OR"i !IdPart _
BETWEEN = "BETWEEN"i !IdPart _
IN = "IN"i !IdPart _
TRUE = "TRUE"i !IdPart _
FALSE = "FALSE"i !IdPart _
NULL = "NULL"i !IdPart _
IS = "IS"i !IdPart _
CONTAINS = "CONTAINS"i !IdPart _
STARTSWITH = "STARTSWITH"i !IdPart _
ENDSWITH = "ENDSWITH"i !IdPart _

EndOfInput "end of input"
  = !.

_
  = ([ \t\n\r\f] / LineComment / BlockComment)*

LineComment
  = "--" [^\n\r]* ("\r\n" / "\n" / "\r")

BlockComment
  = "/*" (!"*/" .)* "*/"
`;
