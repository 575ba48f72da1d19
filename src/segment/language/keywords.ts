/**
 * The language's words. Keywords are case-insensitive and are not reserved by the lexer: every
 * word is lexed as a name and the parser decides from its position whether `date`, `count` or
 * `select` is a keyword or a property, entity or alias name. Only the words that would make a
 * position ambiguous are refused as names (see `RESERVED_OPERANDS`, `RESERVED_CONDITION_WORDS`).
 */

export type SetOperator = 'UNION' | 'INTERSECT' | 'EXCEPT';
export type StepKeyword = 'FILTER' | 'TRAVERSE' | 'HAVING' | 'DISTINCT';
export type ShapingKeyword = 'ORDERBY' | 'SKIP' | 'TAKE' | 'SELECT';
export type SourceKeyword = 'PROFILE' | 'SEGMENT' | 'INTERACTION';
export type DatePart = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND' | 'MILLISECOND';
export type AggregateFunction = 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';
export type WindowUnit = 'UTCDAYS' | 'UTCMONTHS' | 'UTCYEARS';
export type StringTestOperator = 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH';
export type NullTestOperator = 'ISNULL' | 'ISNOTNULL';
export type ConditionFunction = 'NOT' | NullTestOperator | 'DATE' | 'DATEADD' | 'DATEDIFF' | 'DATETIMEUTCNOW';

/** `MINUS` is an alias of `EXCEPT`. */
export const SET_OPERATORS: ReadonlyMap<string, SetOperator> = new Map([
  ['UNION', 'UNION'],
  ['INTERSECT', 'INTERSECT'],
  ['EXCEPT', 'EXCEPT'],
  ['MINUS', 'EXCEPT'],
]);

export const STEP_KEYWORDS: ReadonlySet<string> = new Set<StepKeyword>([
  'FILTER',
  'TRAVERSE',
  'HAVING',
  'DISTINCT',
]);
/** In the order they must appear. */
export const SHAPING_KEYWORDS: readonly ShapingKeyword[] = ['ORDERBY', 'SKIP', 'TAKE', 'SELECT'];
export const SOURCE_KEYWORDS: ReadonlySet<string> = new Set<SourceKeyword>([
  'PROFILE',
  'SEGMENT',
  'INTERACTION',
]);

export const DATE_PARTS: ReadonlySet<string> = new Set<DatePart>([
  'YEAR',
  'MONTH',
  'DAY',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
]);
export const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set<AggregateFunction>([
  'COUNT',
  'SUM',
  'AVG',
  'MIN',
  'MAX',
]);
export const WINDOW_UNITS: ReadonlySet<string> = new Set<WindowUnit>(['UTCDAYS', 'UTCMONTHS', 'UTCYEARS']);
export const STRING_TEST_OPERATORS: ReadonlySet<string> = new Set<StringTestOperator>([
  'CONTAINS',
  'STARTSWITH',
  'ENDSWITH',
]);

/** Functions usable in a condition; `DateTimeNowUtc` is an alias of `DATETIMEUTCNOW`. */
export const CONDITION_FUNCTIONS: ReadonlyMap<string, ConditionFunction> = new Map([
  ['NOT', 'NOT'],
  ['ISNULL', 'ISNULL'],
  ['ISNOTNULL', 'ISNOTNULL'],
  ['DATE', 'DATE'],
  ['DATEADD', 'DATEADD'],
  ['DATEDIFF', 'DATEDIFF'],
  ['DATETIMEUTCNOW', 'DATETIMEUTCNOW'],
  ['DATETIMENOWUTC', 'DATETIMEUTCNOW'],
]);

/**
 * Words that cannot be a bare segment name where a set operand starts: `A UNION UNION` must be an
 * error, not a union with a segment called UNION. Write `SEGMENT(union)` for such a segment.
 */
export const RESERVED_OPERANDS: ReadonlySet<string> = new Set([
  ...SET_OPERATORS.keys(),
  ...STEP_KEYWORDS,
  ...SHAPING_KEYWORDS,
  ...SOURCE_KEYWORDS,
]);

/** Words that cannot be a property name where a value starts (they are operators or need `(`). */
export const RESERVED_CONDITION_WORDS: ReadonlySet<string> = new Set([
  'AND',
  'OR',
  'NOT',
  ...STRING_TEST_OPERATORS,
]);
