import type { IToken, TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.ts';
import { syntaxError, unterminatedLiteral } from './errors.ts';
import { parseDate, parseDateTime } from './literals.ts';
import type { Source } from './source.ts';

/**
 * The tokens of the OData query-option language (`$filter`, `$orderby`, `$select`, `$expand` and
 * parameter-alias values share one vocabulary). Order matters: Chevrotain takes the first pattern
 * that matches, so literal shapes that start with digits (GUID, date-time, date) come before
 * numbers, and keywords defer to identifiers through `longer_alt`.
 */

// Literals must not run straight into a name character (`2020-01-01x`, `1.5abc`).
const END = '(?![A-Za-z0-9_])';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });

/** Token categories the parser consumes as one: operators of one precedence level, literals. */
export const ComparisonOperator = createToken({
  name: 'ComparisonOperator',
  pattern: Lexer.NA,
  label: 'a comparison operator',
});
export const AdditiveOperator = createToken({
  name: 'AdditiveOperator',
  pattern: Lexer.NA,
  label: "'add' or 'sub'",
});
export const MultiplicativeOperator = createToken({
  name: 'MultiplicativeOperator',
  pattern: Lexer.NA,
  label: "'mul', 'div' or 'mod'",
});
export const Literal = createToken({ name: 'Literal', pattern: Lexer.NA, label: 'a literal' });

/** Any name: identifiers and keywords (keywords are valid property names after `/` and in lists). */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA, label: 'a name' });
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [Name],
  label: 'a name',
});
/** `Microsoft.Dynamics.CRM.In`: a namespace-qualified function name. */
export const QualifiedName = createToken({
  name: 'QualifiedName',
  pattern: /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+/,
  label: 'a qualified name',
});

export const GuidLiteral = createToken({
  name: 'GuidLiteral',
  categories: [Literal],
  pattern: new RegExp(
    `[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![A-Za-z0-9_-])`,
  ),
  label: 'a GUID',
});
export const DateTimeLiteral = createToken({
  name: 'DateTimeLiteral',
  categories: [Literal],
  pattern: new RegExp(
    `\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:\\d{2})?${END}`,
  ),
  label: 'a date-time',
});
export const DateLiteral = createToken({
  name: 'DateLiteral',
  categories: [Literal],
  pattern: new RegExp(`\\d{4}-\\d{2}-\\d{2}(?![A-Za-z0-9_:-])`),
  label: 'a date',
});
/**
 * Digits and dashes that are not a GUID, date or date-time (`1234-5678`, `2020-1-1`,
 * `00000000-0000-0000-0000-00000000000`). Lexed as one token so the error can say what is wrong
 * with the literal instead of complaining about a stray `-`.
 */
export const MalformedLiteral = createToken({
  name: 'MalformedLiteral',
  // The lookahead leaves exponents (`15E-3`) to NumberLiteral.
  pattern: /(?:(?!\d+(?:\.\d+)?[eE][+-]?\d)\d[0-9A-Za-z]*|[0-9A-Fa-f]{8})-[0-9A-Za-z:.+-]*/,
  label: 'a literal',
});
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  categories: [Literal],
  // An optional type suffix (`1.5M`, `10L`) as older OData clients send; never the start of a name.
  pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?:[mMdDfFlL](?![A-Za-z0-9_]))?/,
  label: 'a number',
});
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'(?:[^']|'')*'/,
  categories: [Literal],
  label: 'a string',
});
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /'(?:[^']|'')*/,
  label: 'a string',
});
/** JSON strings, accepted inside `[...]` arrays as Dataverse documents for `PropertyValues`. */
export const JsonString = createToken({
  name: 'JsonString',
  pattern: /"(?:[^"\\]|\\.)*"/,
  label: 'a string',
});
export const UnterminatedJsonString = createToken({
  name: 'UnterminatedJsonString',
  pattern: /"(?:[^"\\]|\\.)*\\?/,
  label: 'a string',
});
export const AliasName = createToken({
  name: 'AliasName',
  pattern: /@[A-Za-z_][A-Za-z0-9_]*/,
  label: 'a parameter alias',
});

/** Any `$name`; the ones the grammar knows have their own token types below. */
export const DollarName = createToken({
  name: 'DollarName',
  pattern: /\$[A-Za-z_][A-Za-z0-9_]*/,
  label: 'a $-name',
});
const dollar = (word: string) =>
  createToken({
    name: `Dollar_${word}`,
    pattern: new RegExp(`\\$${word}`),
    longer_alt: DollarName,
    label: `'$${word}'`,
  });
export const DollarSelect = dollar('select');
export const DollarFilter = dollar('filter');
export const DollarOrderBy = dollar('orderby');
export const DollarTop = dollar('top');
export const DollarExpand = dollar('expand');
export const DollarRef = dollar('ref');
export const DollarIt = dollar('it');

const keyword = (word: string, ...categories: TokenType[]) =>
  createToken({
    name: `Kw_${word}`,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    categories: [Name, ...categories],
    label: `'${word}'`,
  });
export const Eq = keyword('eq', ComparisonOperator);
export const Ne = keyword('ne', ComparisonOperator);
export const Gt = keyword('gt', ComparisonOperator);
export const Ge = keyword('ge', ComparisonOperator);
export const Lt = keyword('lt', ComparisonOperator);
export const Le = keyword('le', ComparisonOperator);
export const And = keyword('and');
export const Or = keyword('or');
export const Not = keyword('not');
export const Add = keyword('add', AdditiveOperator);
export const Sub = keyword('sub', AdditiveOperator);
export const Mul = keyword('mul', MultiplicativeOperator);
export const Div = keyword('div', MultiplicativeOperator);
export const Mod = keyword('mod', MultiplicativeOperator);
export const In = keyword('in');
export const Null = keyword('null', Literal);
export const True = keyword('true', Literal);
export const False = keyword('false', Literal);
export const Any = keyword('any');
export const All = keyword('all');
export const Asc = keyword('asc');
export const Desc = keyword('desc');

export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: "'/'" });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'" });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: "'='" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Name,
  ComparisonOperator,
  AdditiveOperator,
  MultiplicativeOperator,
  Literal,
  GuidLiteral,
  DateTimeLiteral,
  DateLiteral,
  MalformedLiteral,
  NumberLiteral,
  StringLiteral,
  UnterminatedString,
  JsonString,
  UnterminatedJsonString,
  AliasName,
  DollarSelect,
  DollarFilter,
  DollarOrderBy,
  DollarTop,
  DollarExpand,
  DollarRef,
  DollarIt,
  DollarName,
  QualifiedName,
  Eq,
  Ne,
  Gt,
  Ge,
  Lt,
  Le,
  And,
  Or,
  Not,
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  In,
  Null,
  True,
  False,
  Any,
  All,
  Asc,
  Desc,
  Identifier,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Slash,
  Colon,
  Equals,
  Semicolon,
  Minus,
];

const lexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });

/** What is wrong with a MalformedLiteral, in words. */
function describeMalformed(image: string): string {
  if (/^\d+(?:\.\d+)?-\d+(?:\.\d+)?$/.test(image)) {
    return `'${image}' is not a valid literal; write subtraction as 'sub' (for example '${image.replace('-', ' sub ')}')`;
  }
  if (/^\d{4}-\d{1,2}-\d{1,2}T/.test(image) || image.includes(':')) {
    return `'${image}' is not a valid date-time literal; expected yyyy-mm-ddThh:mm:ssZ`;
  }
  if (/^\d{4}-\d{1,2}(?:-|$)/.test(image))
    return `'${image}' is not a valid date literal; expected yyyy-mm-dd`;
  return `'${image}' is not a valid GUID literal; expected 8-4-4-4-12 hexadecimal digits`;
}

/**
 * Splits a query option into tokens. Throws `ODataQueryError` for characters that belong to no
 * token, unterminated strings and malformed literals (shapes like dates that are not real dates).
 */
export function tokenize(src: Source): IToken[] {
  const result = lexer.tokenize(src.body);
  const lexError = result.errors[0];
  if (lexError !== undefined) {
    const ch = src.body.charAt(lexError.offset);
    throw syntaxError(src, lexError.offset, `the character '${ch}' is not valid here`);
  }
  for (const t of result.tokens) {
    switch (t.tokenType) {
      case UnterminatedString:
      case UnterminatedJsonString:
        throw unterminatedLiteral(src, src.body.length);
      case MalformedLiteral:
        throw syntaxError(src, t.startOffset, describeMalformed(t.image));
      case DateLiteral:
        if (parseDate(t.image) === undefined)
          throw syntaxError(src, t.startOffset, `'${t.image}' is not a valid date`);
        break;
      case DateTimeLiteral:
        if (parseDateTime(t.image) === undefined)
          throw syntaxError(src, t.startOffset, `'${t.image}' is not a valid date-time`);
        break;
      case JsonString:
        try {
          JSON.parse(t.image);
        } catch {
          throw syntaxError(src, t.startOffset, `the string ${t.image} has an invalid escape sequence`);
        }
        break;
      default:
        break;
    }
  }
  return result.tokens;
}
