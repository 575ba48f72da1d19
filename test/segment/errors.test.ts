import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSegmentQuery } from '../../src/segment/language/index.ts';
import { DOCUMENTED_BROKEN } from './corpus.ts';

/**
 * Error goldens: the exact reason, message, line, column, offset and length of every error of a
 * malformed query. Also checks that errors come in source order and lie inside the text.
 */

type Golden = {
  reason: string;
  message: string;
  line: number;
  column: number;
  offset: number;
  length: number;
};

const MALFORMED: [string, string][] = [
  ['empty query', ''],
  ['only whitespace', '   \n  '],
  ['unterminated string at its opening quote', "PROFILE(contact).FILTER(fullname == 'abc)"],
  ['single = on a second line', "PROFILE(contact).FILTER(fullname == 'a'\n  && lastname = 'b')"],
  ['character outside the language', 'PROFILE(contact).FILTER(a == 1 # b)'],
  ['every lexical error at once', 'PROFILE(contact).FILTER(a <> 1 || b ! c | d & e)'],
  ['double-quoted string', 'PROFILE(contact).FILTER(a == "x")'],
  ['digits running into letters', 'PROFILE(contact).FILTER(a == 12abc)'],
  ['source keyword without parentheses', 'PROFILE contact'],
  ['empty FILTER', 'PROFILE(contact).FILTER()'],
  ['two conditions without && or ||', 'PROFILE(contact).FILTER(a == 1 b == 2)'],
  ['chained comparison', 'PROFILE(contact).FILTER(a == b == c)'],
  ['unknown function', 'PROFILE(contact).FILTER(FOO(a) == 1)'],
  ['aggregate outside HAVING', 'PROFILE(contact).FILTER(COUNT() > 1)'],
  ['NOT used as an operator', 'PROFILE(contact).FILTER(NOT a == 1)'],
  ['unknown date part', 'PROFILE(contact).FILTER(DATEDIFF(days, a, b) > 1)'],
  ['DATE with two numbers', 'PROFILE(contact).FILTER(DATE(2020, 1) < birthdate)'],
  ['ISNULL of a literal', "PROFILE(contact).FILTER(ISNULL('x'))"],
  ['unknown step', 'PROFILE(contact).FOO(a)'],
  ['shaping out of order', 'PROFILE(contact).TAKE(5).SKIP(2)'],
  ['a step after shaping', 'PROFILE(contact).TAKE(5).FILTER(a == 1)'],
  ['SKIP of a decimal', 'PROFILE(contact).SKIP(1.5)'],
  ['TAKE of a negative number', 'PROFILE(contact).TAKE(-1)'],
  ['shaping inside parentheses', '(SEGMENT(a).ORDERBY(x)) UNION SEGMENT(b)'],
  ['FILTER after a parenthesised set expression', '(SEGMENT(a) UNION SEGMENT(b)).FILTER(x == 1)'],
  ['FILTER after a method-form set operation', 'SEGMENT(a).UNION(b).FILTER(x == 1)'],
  ['set operator without a right operand', 'SEGMENT(a) UNION'],
  ['set operator as an operand', 'SEGMENT(a) UNION UNION'],
  ['two operands without an operator', 'SEGMENT(a) SEGMENT(b)'],
  ['INTERACTION without its link type', 'INTERACTION(EmailOpened).HAVING(COUNT() > 0)'],
  ['HAVING without a comparison operator', 'INTERACTION(a, b).HAVING(COUNT() 0)'],
  ['COUNT with an argument', 'INTERACTION(a, b).HAVING(COUNT(x) > 0)'],
  ['unknown window', 'INTERACTION(a, b).HAVING(COUNT() > 0, UTCWEEKS(1))'],
  ['unknown aggregate', 'INTERACTION(a, b).HAVING(TOTAL(x) > 0)'],
  ['TRAVERSE with a third name', 'PROFILE(account).TRAVERSE(rel, a, b)'],
  ['unknown sort direction', 'PROFILE(contact).FILTER(a == 1).ORDERBY(a ASC, b DOWN)'],
  ['two dots in a property', 'PROFILE(contact).FILTER(a.b.c == 1)'],
  ['DISTINCT with an argument', 'PROFILE(contact).DISTINCT(x)'],
  ['DATETIMEUTCNOW with an argument', 'PROFILE(contact).FILTER(DATETIMEUTCNOW(1) > a)'],
  [
    'errors in separate calls are all reported',
    'PROFILE(contact).FILTER(a == 1).FILTER(b == ).FILTER(c d).TRAVERSE(r, FILTER(x &&))',
  ],
  ['errors in separate groups of one condition', 'PROFILE(contact).FILTER((a ==) && (b c) || d)'],
  ['missing ) before the next step', 'PROFILE(contact).FILTER(a == 1.TRAVERSE(r)'],
  ['parentheses nested too deep', '('.repeat(70) + 'SEGMENT(a)' + ')'.repeat(70)],
  ['too many minus signs', 'PROFILE(contact).FILTER(' + '-'.repeat(70) + '1 == a)'],
  ['query over 64 KiB', "PROFILE(contact).FILTER(a == '" + 'x'.repeat(70000) + "')"],
  [
    'arithmetic run too long',
    'PROFILE(contact).FILTER(' + Array.from({ length: 300 }, () => 'a').join(' + ') + ' > 1)',
  ],
];

const EXPECTED: Record<string, Golden[]> = {
  'empty query': [
    { reason: 'Syntax', message: 'the query is empty at 1:1', line: 1, column: 1, offset: 0, length: 0 },
  ],
  'only whitespace': [
    { reason: 'Syntax', message: 'the query is empty at 1:1', line: 1, column: 1, offset: 0, length: 6 },
  ],
  'unterminated string at its opening quote': [
    {
      reason: 'Syntax',
      message: "this string has no closing quote (') at 1:37",
      line: 1,
      column: 37,
      offset: 36,
      length: 5,
    },
  ],
  'single = on a second line': [
    {
      reason: 'Syntax',
      message: "'=' is not an operator; write '==' to compare at 2:15",
      line: 2,
      column: 15,
      offset: 54,
      length: 1,
    },
  ],
  'character outside the language': [
    {
      reason: 'Syntax',
      message: "the character '#' is not valid here at 1:32",
      line: 1,
      column: 32,
      offset: 31,
      length: 1,
    },
  ],
  'every lexical error at once': [
    {
      reason: 'Syntax',
      message: "'<>' is not an operator; write '!=' to compare at 1:27",
      line: 1,
      column: 27,
      offset: 26,
      length: 2,
    },
    {
      reason: 'Syntax',
      message: "'!' is not an operator; write '!=' to compare or NOT(condition) to negate at 1:37",
      line: 1,
      column: 37,
      offset: 36,
      length: 1,
    },
    {
      reason: 'Syntax',
      message: "'|' is not an operator; write '||' (or OR) at 1:41",
      line: 1,
      column: 41,
      offset: 40,
      length: 1,
    },
    {
      reason: 'Syntax',
      message: "'&' is not an operator; write '&&' (or AND) at 1:45",
      line: 1,
      column: 45,
      offset: 44,
      length: 1,
    },
  ],
  'double-quoted string': [
    {
      reason: 'Syntax',
      message: "strings are written in single quotes: 'x' at 1:30",
      line: 1,
      column: 30,
      offset: 29,
      length: 3,
    },
  ],
  'digits running into letters': [
    {
      reason: 'Syntax',
      message: "'12abc' is not a number or a name at 1:30",
      line: 1,
      column: 30,
      offset: 29,
      length: 5,
    },
  ],
  'source keyword without parentheses': [
    {
      reason: 'Syntax',
      message: "expected '(' after PROFILE but found 'contact' at 1:9",
      line: 1,
      column: 9,
      offset: 8,
      length: 7,
    },
  ],
  'empty FILTER': [
    {
      reason: 'Syntax',
      message:
        "expected a value (a property, a string, a number, TRUE, FALSE, '(' or a function such as NOT, ISNULL or DATEDIFF) but found ')' at 1:25",
      line: 1,
      column: 25,
      offset: 24,
      length: 1,
    },
  ],
  'two conditions without && or ||': [
    {
      reason: 'Syntax',
      message: "expected &&, || or ')' but found 'b' at 1:32",
      line: 1,
      column: 32,
      offset: 31,
      length: 1,
    },
  ],
  'chained comparison': [
    {
      reason: 'Syntax',
      message: "comparisons cannot be chained ('=='); combine them with && or || at 1:32",
      line: 1,
      column: 32,
      offset: 31,
      length: 2,
    },
  ],
  'unknown function': [
    {
      reason: 'Syntax',
      message:
        "unknown function 'FOO'; expected NOT, ISNULL, ISNOTNULL, DATE, DATEADD, DATEDIFF or DATETIMEUTCNOW at 1:25",
      line: 1,
      column: 25,
      offset: 24,
      length: 3,
    },
  ],
  'aggregate outside HAVING': [
    {
      reason: 'Syntax',
      message: 'COUNT() can only be used inside HAVING(\u2026) at 1:25',
      line: 1,
      column: 25,
      offset: 24,
      length: 5,
    },
  ],
  'NOT used as an operator': [
    {
      reason: 'Syntax',
      message: "expected '(' after NOT but found 'a' at 1:29",
      line: 1,
      column: 29,
      offset: 28,
      length: 1,
    },
  ],
  'unknown date part': [
    {
      reason: 'Syntax',
      message:
        "expected a date part (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND or MILLISECOND) but found 'days' at 1:34",
      line: 1,
      column: 34,
      offset: 33,
      length: 4,
    },
  ],
  'DATE with two numbers': [
    {
      reason: 'Syntax',
      message:
        'DATE takes 3 to 7 numbers (year, month, day[, hour[, minute[, second[, millisecond]]]]) but has 2 at 1:25',
      line: 1,
      column: 25,
      offset: 24,
      length: 13,
    },
  ],
  'ISNULL of a literal': [
    {
      reason: 'Syntax',
      message: "expected a property name but found the string 'x' at 1:32",
      line: 1,
      column: 32,
      offset: 31,
      length: 3,
    },
  ],
  'unknown step': [
    {
      reason: 'Syntax',
      message:
        "expected FILTER, TRAVERSE, HAVING, DISTINCT, a set operator (UNION, INTERSECT, EXCEPT, MINUS) or ORDERBY, SKIP, TAKE, SELECT after '.' but found 'FOO' at 1:18",
      line: 1,
      column: 18,
      offset: 17,
      length: 3,
    },
  ],
  'shaping out of order': [
    {
      reason: 'Syntax',
      message: 'SKIP must come before TAKE: the order is ORDERBY, SKIP, TAKE, SELECT at 1:26',
      line: 1,
      column: 26,
      offset: 25,
      length: 4,
    },
  ],
  'a step after shaping': [
    {
      reason: 'Syntax',
      message: 'FILTER cannot follow TAKE: ORDERBY, SKIP, TAKE and SELECT end the query at 1:26',
      line: 1,
      column: 26,
      offset: 25,
      length: 6,
    },
  ],
  'SKIP of a decimal': [
    {
      reason: 'Syntax',
      message: "expected a whole number (0 or more) but found '1.5' at 1:23",
      line: 1,
      column: 23,
      offset: 22,
      length: 3,
    },
  ],
  'TAKE of a negative number': [
    {
      reason: 'Syntax',
      message: "expected a whole number (0 or more) but found '-' at 1:23",
      line: 1,
      column: 23,
      offset: 22,
      length: 1,
    },
  ],
  'shaping inside parentheses': [
    {
      reason: 'Syntax',
      message: 'ORDERBY applies to the whole query and must stand at its end, outside parentheses at 1:13',
      line: 1,
      column: 13,
      offset: 12,
      length: 7,
    },
  ],
  'FILTER after a parenthesised set expression': [
    {
      reason: 'Syntax',
      message:
        'FILTER cannot follow a parenthesised set expression; apply it to the operands inside the parentheses at 1:31',
      line: 1,
      column: 31,
      offset: 30,
      length: 6,
    },
  ],
  'FILTER after a method-form set operation': [
    {
      reason: 'Syntax',
      message:
        'FILTER cannot be applied to the result of UNION(\u2026); apply it to the operands instead at 1:21',
      line: 1,
      column: 21,
      offset: 20,
      length: 6,
    },
  ],
  'set operator without a right operand': [
    {
      reason: 'Syntax',
      message:
        "expected a segment expression (PROFILE(\u2026), SEGMENT(\u2026), INTERACTION(\u2026), a segment name or '(') but found the end of the query at 1:17",
      line: 1,
      column: 17,
      offset: 16,
      length: 0,
    },
  ],
  'set operator as an operand': [
    {
      reason: 'Syntax',
      message:
        "expected a segment expression (PROFILE(\u2026), SEGMENT(\u2026), INTERACTION(\u2026), a segment name or '(') but found 'UNION' at 1:18",
      line: 1,
      column: 18,
      offset: 17,
      length: 5,
    },
  ],
  'two operands without an operator': [
    {
      reason: 'Syntax',
      message:
        "expected '.', a set operator (UNION, INTERSECT, EXCEPT, MINUS) or the end of the query but found 'SEGMENT' at 1:12",
      line: 1,
      column: 12,
      offset: 11,
      length: 7,
    },
  ],
  'INTERACTION without its link type': [
    {
      reason: 'Syntax',
      message: "expected ',' and a link type but found ')' at 1:24",
      line: 1,
      column: 24,
      offset: 23,
      length: 1,
    },
  ],
  'HAVING without a comparison operator': [
    {
      reason: 'Syntax',
      message: "expected a comparison operator (==, !=, >, >=, <, <=) but found '0' at 1:34",
      line: 1,
      column: 34,
      offset: 33,
      length: 1,
    },
  ],
  'COUNT with an argument': [
    {
      reason: 'Syntax',
      message: "COUNT() takes no arguments; expected ')' but found 'x' at 1:32",
      line: 1,
      column: 32,
      offset: 31,
      length: 1,
    },
  ],
  'unknown window': [
    {
      reason: 'Syntax',
      message:
        "expected a time window (UTCDAYS(n), UTCMONTHS(n) or UTCYEARS(n)) but found 'UTCWEEKS' at 1:39",
      line: 1,
      column: 39,
      offset: 38,
      length: 8,
    },
  ],
  'unknown aggregate': [
    {
      reason: 'Syntax',
      message:
        "expected an aggregate (COUNT(), SUM(\u2026), AVG(\u2026), MIN(\u2026) or MAX(\u2026)) but found 'TOTAL' at 1:26",
      line: 1,
      column: 26,
      offset: 25,
      length: 5,
    },
  ],
  'TRAVERSE with a third name': [
    {
      reason: 'Syntax',
      message: "expected FILTER(\u2026) but found 'b' at 1:35",
      line: 1,
      column: 35,
      offset: 34,
      length: 1,
    },
  ],
  'unknown sort direction': [
    {
      reason: 'Syntax',
      message: "expected ASC, DESC, ',' or ')' but found 'DOWN' at 1:50",
      line: 1,
      column: 50,
      offset: 49,
      length: 4,
    },
  ],
  'two dots in a property': [
    {
      reason: 'Syntax',
      message: "expected ')' to close FILTER( at 1:24 but found '.' at 1:28",
      line: 1,
      column: 28,
      offset: 27,
      length: 1,
    },
  ],
  'DISTINCT with an argument': [
    {
      reason: 'Syntax',
      message: "DISTINCT() takes no arguments; expected ')' but found 'x' at 1:27",
      line: 1,
      column: 27,
      offset: 26,
      length: 1,
    },
  ],
  'DATETIMEUTCNOW with an argument': [
    {
      reason: 'Syntax',
      message: "DATETIMEUTCNOW() takes no arguments; expected ')' but found '1' at 1:40",
      line: 1,
      column: 40,
      offset: 39,
      length: 1,
    },
  ],
  'errors in separate calls are all reported': [
    {
      reason: 'Syntax',
      message:
        "expected a value (a property, a string, a number, TRUE, FALSE, '(' or a function such as NOT, ISNULL or DATEDIFF) but found ')' at 1:45",
      line: 1,
      column: 45,
      offset: 44,
      length: 1,
    },
    {
      reason: 'Syntax',
      message: "expected a comparison operator (==, !=, >, >=, <, <=) or ')' but found 'd' at 1:56",
      line: 1,
      column: 56,
      offset: 55,
      length: 1,
    },
    {
      reason: 'Syntax',
      message:
        "expected a value (a property, a string, a number, TRUE, FALSE, '(' or a function such as NOT, ISNULL or DATEDIFF) but found ')' at 1:82",
      line: 1,
      column: 82,
      offset: 81,
      length: 1,
    },
  ],
  'errors in separate groups of one condition': [
    {
      reason: 'Syntax',
      message:
        "expected a value (a property, a string, a number, TRUE, FALSE, '(' or a function such as NOT, ISNULL or DATEDIFF) but found ')' at 1:30",
      line: 1,
      column: 30,
      offset: 29,
      length: 1,
    },
    {
      reason: 'Syntax',
      message: "expected a comparison operator (==, !=, >, >=, <, <=) or ')' but found 'c' at 1:38",
      line: 1,
      column: 38,
      offset: 37,
      length: 1,
    },
  ],
  'missing ) before the next step': [
    {
      reason: 'Syntax',
      message: "expected ')' to close FILTER( at 1:24 but found '.' at 1:31",
      line: 1,
      column: 31,
      offset: 30,
      length: 1,
    },
  ],
  'parentheses nested too deep': [
    {
      reason: 'QueryTooDeep',
      message: 'the query nests parentheses more than 64 levels deep at 1:65',
      line: 1,
      column: 65,
      offset: 64,
      length: 1,
    },
  ],
  'too many minus signs': [
    {
      reason: 'QueryTooDeep',
      message: 'more than 64 minus signs in a row at 1:89',
      line: 1,
      column: 89,
      offset: 88,
      length: 1,
    },
  ],
  'query over 64 KiB': [
    {
      reason: 'QueryTooLong',
      message: 'the query is 70032 bytes long; at most 65536 bytes (64 KiB) are allowed at 1:1',
      line: 1,
      column: 1,
      offset: 0,
      length: 70032,
    },
  ],
  'arithmetic run too long': [
    {
      reason: 'QueryTooDeep',
      message:
        'the query is nested too deeply (more than 256 levels, counting one level per arithmetic or set operator in a row); split it into smaller segments at 1:221',
      line: 1,
      column: 221,
      offset: 220,
      length: 1,
    },
  ],
};

function errorsOf(text: string): Golden[] {
  const result = parseSegmentQuery(text);
  assert.ok(result.errors !== undefined, `expected ${JSON.stringify(text.slice(0, 80))} to be rejected`);
  const errors = result.errors.map((e) => e.toJSON());
  for (const [i, e] of errors.entries()) {
    assert.ok(e.offset >= 0 && e.offset + e.length <= text.length, 'the error lies inside the text');
    if (i > 0) assert.ok(e.offset > errors[i - 1]!.offset, 'errors come in source order');
  }
  return errors;
}

describe('segment query errors', () => {
  for (const [name, golden] of Object.entries(DOCUMENTED_BROKEN)) {
    it(`documented example ${name}`, () => assert.deepEqual(errorsOf(golden.text), golden.errors));
  }
  for (const [name, text] of MALFORMED) {
    it(name, () => assert.deepEqual(errorsOf(text), EXPECTED[name]));
  }

  it('the unterminated-string error points at the opening quote', () => {
    const [e] = errorsOf("PROFILE(c).FILTER(a == 'b' && c == 'd)");
    assert.equal(e?.offset, 35);
    assert.equal(e?.message, "this string has no closing quote (') at 1:36");
  });
});
