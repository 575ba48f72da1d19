import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attrRef, cmp, entitySource, lit, select } from '../../src/ir/build.ts';
import type { RelQuery, SelectQuery } from '../../src/ir/nodes.ts';
import { Schema } from '../../src/metadata/schema.ts';
import { builtinEntities } from '../../src/metadata/schema-file.ts';
import { SqlCompileError } from '../../src/sql/errors.ts';
import { MEMBER_KEY_COLUMN, memberKeyQuery } from '../../src/store/membership-query.ts';

const schema = new Schema(builtinEntities());

const ids = (alias: string): SelectQuery =>
  select(entitySource('contact', alias), [{ expr: attrRef(alias, 'contactid'), as: 'id' }], {
    where: cmp('=', attrRef(alias, 'lastname'), lit('x', 'string')),
  });

test('an id query reading the primary id of a contact source is rewritten to read its key', () => {
  const { query, column } = memberKeyQuery(schema, { query: ids('c') });
  assert.equal(column, 'id');
  assert.ok(query.kind === 'select');
  assert.deepEqual(query.columns[0]?.expr, { kind: 'key', source: 'c' });
  assert.deepEqual(query.where, ids('c').where);
});

test('both sides of a set operation are rewritten', () => {
  const union: RelQuery = { kind: 'setop', op: 'except', left: ids('a'), right: ids('b') };
  const { query } = memberKeyQuery(schema, { query: union });
  assert.equal(query.kind, 'setop');
  if (query.kind !== 'setop') return;
  assert.deepEqual((query.left as SelectQuery).columns[0]?.expr, { kind: 'key', source: 'a' });
  assert.deepEqual((query.right as SelectQuery).columns[0]?.expr, { kind: 'key', source: 'b' });
});

test('other id queries are joined to the member entity by primary id', () => {
  const fromSubquery = select({ kind: 'subquery', query: ids('c'), alias: 's' }, [
    { expr: { kind: 'column', source: 's', column: 'id' }, as: 'id' },
  ]);
  const lookup = select(entitySource('contact', 'c'), [{ expr: attrRef('c', 'parentcustomerid'), as: 'id' }]);
  const distinctOrdered: SelectQuery = {
    ...ids('c'),
    distinct: true,
    orderBy: [{ expr: attrRef('c', 'contactid'), direction: 'asc' }],
  };
  const accountIds = select(entitySource('account', 'a'), [{ expr: attrRef('a', 'accountid'), as: 'id' }]);
  for (const q of [fromSubquery, lookup, distinctOrdered, accountIds]) {
    const { query, column } = memberKeyQuery(schema, { query: q });
    assert.equal(column, MEMBER_KEY_COLUMN);
    assert.equal(query.kind, 'select');
    if (query.kind !== 'select') continue;
    assert.deepEqual(query.from, entitySource('contact', 'sd_member'));
    assert.equal(query.where?.kind, 'exists');
  }
});

test('a key query is used as it is; an unknown member entity is an error', () => {
  const q = ids('c');
  assert.deepEqual(memberKeyQuery(schema, { query: q, column: 'k', holds: 'key' }), {
    query: q,
    column: 'k',
  });
  assert.throws(() => memberKeyQuery(schema, { query: q, entity: 'nope' }), SqlCompileError);
});
