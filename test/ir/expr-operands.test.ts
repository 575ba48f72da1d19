import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  and,
  attrRef,
  cmp,
  entitySource,
  exists,
  isNull,
  keyRef,
  lit,
  not,
  select,
} from '../../src/ir/build.ts';
import { mapOperands, operandsOf } from '../../src/ir/expr-operands.ts';
import type { Expr } from '../../src/ir/nodes.ts';
import { renameAlias } from '../../src/ir/rename.ts';
import { freeAliases } from '../../src/sql/semi-join.ts';

const a = attrRef('c', 'firstname');
const b = attrRef('d', 'lastname');
const sub = select(entitySource('account', 'x'), [{ expr: keyRef('x'), as: 'k' }], {
  where: cmp('=', attrRef('x', 'accountid'), attrRef('c', 'parentcustomerid')),
});

describe('expression operands', () => {
  test('leaves and exists have none and are returned as they are', () => {
    for (const e of [a, keyRef('c'), lit(1, 'integer'), exists(sub)]) {
      assert.deepEqual(operandsOf(e), []);
      assert.equal(
        mapOperands(e, () => assert.fail('no operand')),
        e,
      );
    }
  });

  test('operands come in order and are replaced in place', () => {
    const e = and(cmp('=', a, b), not(isNull(a)), {
      kind: 'in',
      operand: a,
      values: [b, a],
      negated: false,
    });
    assert.ok(e !== undefined);
    assert.equal(operandsOf(e).length, 3);
    const inExpr = operandsOf(e)[2]!;
    assert.deepEqual(operandsOf(inExpr), [a, b, a]);
    const swapped = mapOperands(inExpr, (x) => (x === a ? b : a)) as Extract<Expr, { kind: 'in' }>;
    assert.deepEqual([swapped.operand, ...swapped.values], [b, a, b]);
    assert.notEqual(swapped, inExpr);
  });

  test('walkers built on them see through every level and into subqueries', () => {
    const e = and(cmp('=', a, lit('x', 'string')), exists(sub), not(isNull(b)));
    assert.ok(e !== undefined);
    assert.deepEqual([...(freeAliases(e) ?? [])].sort(), ['c', 'd']);
    const renamed = renameAlias(e, 'c', 'z');
    assert.deepEqual([...(freeAliases(renamed) ?? [])].sort(), ['d', 'z']);
  });
});
