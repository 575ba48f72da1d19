import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from '../../odata/language/chevrotain.ts';
import { queryError, type SegmentQueryError } from './errors.ts';
import type { QuerySource } from './source.ts';

/**
 * Splits a segment query into tokens. Every word is one `Name` token (keywords are recognised by
 * the parser, case-insensitively, from their position); punctuation and operators are tokens of
 * their own. Text that belongs to no token is reported, every occurrence, with a message that says
 * what was probably meant (`=` for `==`, double quotes for single quotes).
 */

export type TokenKind =
  | 'Name'
  | 'Number'
  | 'String'
  | '=='
  | '!='
  | '>='
  | '<='
  | '>'
  | '<'
  | '&&'
  | '||'
  | '+'
  | '-'
  | '*'
  | '/'
  | '('
  | ')'
  | ','
  | '.'
  | 'EOF';

export interface Token {
  readonly kind: TokenKind;
  /** The text as written. */
  readonly image: string;
  /** For names: the upper-cased image, to compare with keywords. For strings: the decoded value. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v]+/, group: Lexer.SKIPPED });
// Dataverse logical and schema names are ASCII, so identifiers are too.
const Name = createToken({ name: 'Name', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
/** Digits running into letters (`12abc`, `1e5`): one token, so the error names all of it. */
const MalformedNumber = createToken({
  name: 'MalformedNumber',
  pattern: /\d+(?:\.\d+)?[A-Za-z_][A-Za-z0-9_]*/,
});
const NumberToken = createToken({ name: 'Number', pattern: /\d+(?:\.\d+)?/ });
/** `''` and `\'` are a quote, `\\` a backslash; any other backslash is itself. */
const StringToken = createToken({ name: 'String', pattern: /'(?:[^'\\]|''|\\[\s\S])*'/ });
const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /'[\s\S]*/ });
const DoubleQuoted = createToken({ name: 'DoubleQuoted', pattern: /"[^"]*"?/ });

const operator = (kind: TokenKind, pattern: RegExp) => createToken({ name: kind, pattern });
const OPERATORS: [TokenKind, TokenType][] = [
  ['==', operator('==', /==/)],
  ['!=', operator('!=', /!=/)],
  ['>=', operator('>=', />=/)],
  ['<=', operator('<=', /<=/)],
  ['>', operator('>', />/)],
  ['<', operator('<', /</)],
  ['&&', operator('&&', /&&/)],
  ['||', operator('||', /\|\|/)],
  ['+', operator('+', /\+/)],
  ['-', operator('-', /-/)],
  ['*', operator('*', /\*/)],
  ['/', operator('/', /\//)],
  ['(', operator('(', /\(/)],
  [')', operator(')', /\)/)],
  [',', operator(',', /,/)],
  ['.', operator('.', /\./)],
];
/** Single characters of an operator that needs two (`=`, `!`, `&`, `|`), and SQL's `<>`. */
const Stray = createToken({ name: 'Stray', pattern: /[=!&|]/ });
const Diamond = createToken({ name: 'Diamond', pattern: /<>/ });

const KIND = new Map<TokenType, TokenKind>([
  [Name, 'Name'],
  [NumberToken, 'Number'],
  [StringToken, 'String'],
  ...OPERATORS.map(([kind, type]): [TokenType, TokenKind] => [type, kind]),
]);

const lexer = new Lexer(
  [
    WhiteSpace,
    Name,
    MalformedNumber,
    NumberToken,
    StringToken,
    UnterminatedString,
    DoubleQuoted,
    ...OPERATORS.slice(0, 4).map(([, type]) => type),
    Diamond,
    ...OPERATORS.slice(4, 8).map(([, type]) => type),
    Stray,
    ...OPERATORS.slice(8).map(([, type]) => type),
  ],
  { positionTracking: 'onlyOffset', ensureOptimizations: true },
);

const STRAY_HINTS: Record<string, string> = {
  '=': "'=' is not an operator; write '==' to compare",
  '!': "'!' is not an operator; write '!=' to compare or NOT(condition) to negate",
  '&': "'&' is not an operator; write '&&' (or AND)",
  '|': "'|' is not an operator; write '||' (or OR)",
  '<>': "'<>' is not an operator; write '!=' to compare",
};

/** The value of a string token: `''` and `\'` are a quote, `\\` a backslash. */
export function decodeString(image: string): string {
  return image.slice(1, -1).replace(/''|\\['\\]/g, (m) => m.charAt(1));
}

export interface LexResult {
  readonly tokens: Token[];
  readonly errors: SegmentQueryError[];
}

/** Tokenizes the whole text; the token list always ends with an `EOF` token. */
export function tokenize(src: QuerySource): LexResult {
  const result = lexer.tokenize(src.text);
  const tokens: Token[] = [];
  const errors: SegmentQueryError[] = [];
  for (const e of result.errors) {
    const ch = String.fromCodePoint(src.text.codePointAt(e.offset) ?? 0);
    const detail =
      ch.trim() === ''
        ? `the character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} is not valid here`
        : `the character '${ch}' is not valid here`;
    errors.push(queryError(src, 'Syntax', e.offset, e.length, detail));
  }
  for (const t of result.tokens) {
    const start = t.startOffset;
    const end = start + t.image.length;
    switch (t.tokenType) {
      case UnterminatedString:
        errors.push(queryError(src, 'Syntax', start, t.image.length, "this string has no closing quote (')"));
        continue;
      case DoubleQuoted:
        errors.push(
          queryError(
            src,
            'Syntax',
            start,
            t.image.length,
            `strings are written in single quotes: '${t.image.slice(1).replace(/"$/, '').replaceAll("'", "''")}'`,
          ),
        );
        continue;
      case MalformedNumber:
        errors.push(
          queryError(src, 'Syntax', start, t.image.length, `'${t.image}' is not a number or a name`),
        );
        continue;
      case Stray:
      case Diamond:
        errors.push(
          queryError(src, 'Syntax', start, t.image.length, STRAY_HINTS[t.image] ?? 'invalid operator'),
        );
        continue;
      default:
        break;
    }
    const kind = KIND.get(t.tokenType) ?? 'Name';
    const value =
      kind === 'Name' ? t.image.toUpperCase() : kind === 'String' ? decodeString(t.image) : t.image;
    tokens.push({ kind, image: t.image, value, start, end });
  }
  errors.sort((a, b) => a.offset - b.offset);
  tokens.push({ kind: 'EOF', image: '', value: '', start: src.text.length, end: src.text.length });
  return { tokens, errors };
}
