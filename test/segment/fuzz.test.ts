import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseSegmentQuery,
  printSegmentQuery,
  visit,
  type ExpressionNode,
  type Loc,
  type QueryNode,
  type SetExpressionNode,
} from '../../src/segment/language/index.ts';
import { DOCUMENTED_QUERIES, SEED_QUERIES } from './corpus.ts';
import { withoutLocs } from './support.ts';
import { prng } from '../support/prng.ts';

/**
 * Property tests with a seeded PRNG (every run sees the same inputs): random token soup and
 * mutations of valid queries give a tree or errors positioned inside the text, never an exception;
 * a tree prints to text that parses back to the same tree; random trees survive print → parse.
 */

const VOCABULARY = [
  'PROFILE',
  'SEGMENT',
  'INTERACTION',
  'FILTER',
  'TRAVERSE',
  'HAVING',
  'DISTINCT',
  'UNION',
  'MINUS',
  'EXCEPT',
  'INTERSECT',
  'ORDERBY',
  'SKIP',
  'TAKE',
  'SELECT',
  'NOT',
  'ISNULL',
  'ISNOTNULL',
  'COUNT',
  'SUM',
  'UTCDAYS',
  'DATE',
  'DATEADD',
  'DATEDIFF',
  'DATETIMEUTCNOW',
  'DAY',
  'CONTAINS',
  'AND',
  'OR',
  'TRUE',
  'ASC',
  'DESC',
  'contact',
  'c1',
  'x',
  "'s'",
  "'it''s'",
  "'\\''",
  "'open",
  '0',
  '42',
  '3.5',
  '-',
  '+',
  '*',
  '/',
  '==',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  '&&',
  '||',
  '(',
  '(',
  ')',
  ')',
  ',',
  '.',
  '.',
  '=',
  '"',
  '#',
  '\n',
  'é',
];

const VALID = [...Object.values(DOCUMENTED_QUERIES), ...SEED_QUERIES];

/** Line and column computed independently of the parser. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const lines = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

function checkLocs(ast: QueryNode, text: string): void {
  visit(ast, {
    enter(node) {
      const loc: Loc = node.loc;
      assert.ok(
        0 <= loc.start && loc.start <= loc.end && loc.end <= text.length,
        `${node.kind} loc inside text`,
      );
      assert.deepEqual({ line: loc.line, column: loc.column }, lineColumn(text, loc.start));
    },
  });
}

/** The properties every input must have; returns whether it parsed. */
function check(text: string): boolean {
  let result;
  try {
    result = parseSegmentQuery(text);
  } catch (e) {
    assert.fail(`parseSegmentQuery threw for ${JSON.stringify(text)}: ${String(e)}`);
  }
  if (result.errors !== undefined) {
    assert.ok(result.errors.length > 0, 'errors are never an empty list');
    let previous = -1;
    for (const e of result.errors) {
      assert.ok(
        e.offset >= 0 && e.length >= 0 && e.offset + e.length <= text.length,
        `${e.message} inside text`,
      );
      assert.ok(e.offset > previous, 'errors in source order');
      previous = e.offset;
      assert.deepEqual({ line: e.line, column: e.column }, lineColumn(text, e.offset));
      assert.ok(e.message.endsWith(` at ${e.line}:${e.column}`));
    }
    return false;
  }
  checkLocs(result.ast, text);
  const printed = printSegmentQuery(result.ast);
  const again = parseSegmentQuery(printed);
  assert.ok(again.ast !== undefined, `printed text re-parses: ${printed}`);
  assert.deepEqual(withoutLocs(again.ast), withoutLocs(result.ast), `same tree after printing: ${printed}`);
  return true;
}

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

function mutate(rand: () => number, text: string): string {
  const at = Math.floor(rand() * (text.length + 1));
  const span = 1 + Math.floor(rand() * 6);
  switch (Math.floor(rand() * 4)) {
    case 0:
      return text.slice(0, at) + text.slice(at + span);
    case 1:
      return `${text.slice(0, at)} ${pick(rand, VOCABULARY)} ${text.slice(at)}`;
    case 2:
      return text.slice(0, at) + text.slice(at, at + span) + text.slice(at);
    default: {
      const other = pick(rand, VALID);
      const from = Math.floor(rand() * other.length);
      return text.slice(0, at) + other.slice(from, from + span * 3) + text.slice(at + span);
    }
  }
}

// ---- random trees --------------------------------------------------------------------------------

const NAMES = ['contact', 'a', 'Revenue', 'date', 'count', 'x_1'];

function randomExpression(rand: () => number, depth: number): ExpressionNode {
  const loc = { start: 0, end: 0, line: 1, column: 1 };
  const name = () => ({ kind: 'Name' as const, value: pick(rand, NAMES), quoted: false, loc });
  const property = () =>
    rand() < 0.3
      ? { kind: 'Property' as const, alias: name(), name: name(), loc }
      : { kind: 'Property' as const, name: name(), loc };
  const number = () => ({
    kind: 'Number' as const,
    text: pick(rand, ['0', '7', '-3', '2.50', '10000000000']),
    loc,
  });
  const leaf = (): ExpressionNode =>
    pick(rand, [
      property,
      number,
      () => ({ kind: 'String' as const, value: pick(rand, ['', "it's", 'a\\b', '日本']), loc }),
      () => ({ kind: 'Boolean' as const, value: rand() < 0.5, loc }),
      () => ({ kind: 'Now' as const, loc }),
      () => ({ kind: 'NullTest' as const, operator: 'ISNULL' as const, property: property(), loc }),
      () => ({ kind: 'Date' as const, parts: [number(), number(), number()], loc }),
    ])();
  if (depth <= 0) return leaf();
  const sub = () => randomExpression(rand, depth - 1);
  return pick(rand, [
    leaf,
    () => ({
      kind: 'Logical' as const,
      operator: pick(rand, ['&&', '||'] as const),
      operands: [sub(), sub(), sub()],
      loc,
    }),
    () => ({
      kind: 'Comparison' as const,
      operator: pick(rand, ['==', '<=', '!='] as const),
      left: sub(),
      right: sub(),
      loc,
    }),
    () => ({ kind: 'StringTest' as const, operator: 'CONTAINS' as const, left: sub(), right: sub(), loc }),
    () => ({
      kind: 'Arithmetic' as const,
      operator: pick(rand, ['+', '-', '*', '/'] as const),
      left: sub(),
      right: sub(),
      loc,
    }),
    () => {
      const operand = sub();
      // A minus on a plain number literal is read as a negative number, never as Negate.
      return operand.kind === 'Number' && !operand.text.startsWith('-')
        ? operand
        : { kind: 'Negate' as const, operand, loc };
    },
    () => ({ kind: 'Not' as const, condition: sub(), loc }),
    () => ({
      kind: 'DateDiff' as const,
      part: { kind: 'DatePart' as const, part: 'MONTH' as const, loc },
      start: sub(),
      end: sub(),
      loc,
    }),
  ])();
}

function randomSetExpression(rand: () => number, depth: number): SetExpressionNode {
  const loc = { start: 0, end: 0, line: 1, column: 1 };
  if (depth <= 0 || rand() < 0.4) {
    return {
      kind: 'Chain',
      source: { kind: 'Profile', entity: { kind: 'Name', value: 'contact', quoted: false, loc }, loc },
      steps: [{ kind: 'Filter', condition: randomExpression(rand, 3), loc }],
      loc,
    };
  }
  return {
    kind: 'SetOperation',
    operator: pick(rand, ['UNION', 'INTERSECT', 'EXCEPT'] as const),
    left: randomSetExpression(rand, depth - 1),
    right: randomSetExpression(rand, depth - 1),
    loc,
  };
}

describe('segment query fuzz', () => {
  it('token soup never throws and positions its errors', () => {
    const rand = prng(20240611);
    for (let i = 0; i < 2000; i++) {
      const n = 1 + Math.floor(rand() * 25);
      const parts = Array.from({ length: n }, () => pick(rand, VOCABULARY));
      check(parts.join(rand() < 0.5 ? ' ' : ''));
    }
  });

  it('mutations of valid queries never throw; those that parse round-trip', () => {
    const rand = prng(7);
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      let text = pick(rand, VALID);
      const times = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < times; k++) text = mutate(rand, text);
      if (check(text)) parsed++;
    }
    assert.ok(parsed > 100, `some mutations still parse (${parsed})`);
  });

  it('random trees print to text that parses back to the same tree', () => {
    const rand = prng(99);
    for (let i = 0; i < 500; i++) {
      const loc = { start: 0, end: 0, line: 1, column: 1 };
      const ast: QueryNode = { kind: 'Query', body: randomSetExpression(rand, 3), loc };
      const printed = printSegmentQuery(ast);
      const result = parseSegmentQuery(printed);
      assert.ok(result.ast !== undefined, `parses: ${printed} ${result.errors?.[0]?.message}`);
      assert.deepEqual(withoutLocs(result.ast), withoutLocs(ast), printed);
    }
  });
});
