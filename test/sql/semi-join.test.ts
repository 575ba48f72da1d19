import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordService } from '../../src/engine/records.ts';
import { and, attrRef, cmp, entitySource, exists, keyRef, lit, not, select } from '../../src/ir/build.ts';
import type { Expr, SelectQuery } from '../../src/ir/nodes.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { asKeySemiJoin } from '../../src/sql/semi-join.ts';
import { storeTargets, withStore } from '../support/stores.ts';

/**
 * Key semi-joins written as `COALESCE(x IN (…), FALSE)` on DuckDB: which EXISTS shapes qualify,
 * and that the rewrite keeps EXISTS's meaning with nulls, under NOT and with hoisted conditions.
 */

const schema = schemaFromDocument(undefined);

/** Accounts a, contacts c with a parent account named `name`. */
const parentNamed = (name: string, contactAlias = 'c', accountAlias = 'a'): SelectQuery =>
  select(entitySource('account', accountAlias), [], {
    where: and(
      cmp('=', attrRef(accountAlias, 'accountid'), attrRef(contactAlias, 'parentcustomerid')),
      cmp('=', attrRef(contactAlias, 'parentcustomeridtype'), lit('account', 'string')),
      cmp('=', attrRef(accountAlias, 'name'), lit(name, 'string')),
    )!,
  });

/** A segment's stored members (m) joined to the segment (s) by its id, for the contact row `c`. */
const storedMembersOf = (segmentId: string, on: Expr = cmp('=', memberColumn('segment_key'), keyRef('s'))) =>
  select({ kind: 'segmentMembers', alias: 'm' }, [], {
    joins: [{ type: 'inner', source: entitySource('msdyncrm_segment', 's'), on }],
    where: and(
      cmp('=', attrRef('s', 'msdyncrm_segmentid'), lit(segmentId, 'guid')),
      cmp('=', memberColumn('contact_key'), keyRef('c')),
    )!,
  });

function memberColumn(column: string): Expr {
  return { kind: 'column', source: 'm', column };
}

describe('recognising key semi-joins', () => {
  it('takes the key equality, keeps inner conditions inside and hoists outer-only ones', () => {
    const semi = asKeySemiJoin(parentNamed('Contoso'));
    assert.ok(semi !== undefined);
    assert.deepEqual(semi.outer, attrRef('c', 'parentcustomerid'));
    assert.deepEqual(semi.inner.columns, [{ expr: attrRef('a', 'accountid'), as: 'sd_semi' }]);
    assert.equal(semi.outerConditions.length, 1);
  });

  it('keeps joins inside the subquery when they do not refer to the outer row', () => {
    const semi = asKeySemiJoin(storedMembersOf('00000000-0000-0000-0000-000000000001'));
    assert.ok(semi !== undefined);
    assert.deepEqual(semi.outer, keyRef('c'));
    assert.deepEqual(semi.inner.columns, [{ expr: memberColumn('contact_key'), as: 'sd_semi' }]);
    assert.equal(semi.inner.joins.length, 1);
    assert.deepEqual(semi.outerConditions, []);
  });

  it('leaves alone what it cannot prove uncorrelated', () => {
    // A join condition that refers to the outer row.
    const correlatedJoin = storedMembersOf(
      '00000000-0000-0000-0000-000000000001',
      and(cmp('=', memberColumn('segment_key'), keyRef('s')), cmp('=', keyRef('s'), keyRef('c'))),
    );
    assert.equal(asKeySemiJoin(correlatedJoin), undefined);
    // A condition mixing inner and outer rows.
    const mixed = select(entitySource('account', 'a'), [], {
      where: and(
        cmp('=', attrRef('a', 'accountid'), attrRef('c', 'parentcustomerid')),
        cmp('=', attrRef('a', 'name'), attrRef('c', 'lastname')),
      )!,
    });
    assert.equal(asKeySemiJoin(mixed), undefined);
    // No equality with the outer row at all.
    const plain = select(entitySource('account', 'a'), [], {
      where: cmp('=', attrRef('a', 'name'), lit('x', 'string')),
    });
    assert.equal(asKeySemiJoin(plain), undefined);
    // A nested EXISTS that refers both to its parent and past it, to the outermost row.
    const deep = select(entitySource('account', 'a'), [], {
      where: and(
        cmp('=', attrRef('a', 'accountid'), attrRef('c', 'parentcustomerid')),
        exists(
          select(entitySource('contact', 'k'), [], {
            where: and(
              cmp('=', attrRef('k', 'lastname'), attrRef('c', 'lastname')),
              cmp('=', attrRef('k', 'parentcustomerid'), attrRef('a', 'accountid')),
            )!,
          }),
        ),
      )!,
    });
    assert.equal(asKeySemiJoin(deep), undefined);
    // Limits change the meaning of IN.
    assert.equal(asKeySemiJoin({ ...parentNamed('x'), limit: 1 }), undefined);
  });
});

for (const target of storeTargets()) {
  describe(`key semi-joins keep EXISTS's meaning (${target.name})`, () => {
    it('with null lookups, polymorphic targets and under NOT', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        const contoso = (await records.create('account', { name: 'Contoso' })).id;
        const other = (await records.create('account', { name: 'Other' })).id;
        const parentContact = (await records.create('contact', { lastname: 'Parent' })).id;
        const rows: [string, string | null, 'account' | 'contact' | null][] = [
          ['A', contoso, 'account'],
          ['B', other, 'account'],
          ['C', null, null],
          ['D', parentContact, 'contact'],
        ];
        for (const [lastname, parent, type] of rows)
          await records.create('contact', {
            lastname,
            parentcustomerid: parent,
            parentcustomeridtype: type,
          });
        const names = async (where: Expr) =>
          (
            await store.select(
              select(entitySource('contact', 'c'), [{ expr: attrRef('c', 'lastname'), as: 'n' }], {
                where: and(where, cmp('<>', attrRef('c', 'lastname'), lit('Parent', 'string')))!,
                orderBy: [{ expr: attrRef('c', 'lastname'), direction: 'asc' }],
              }),
            )
          ).map((r) => r.n);
        const inContoso = exists(parentNamed('Contoso'));
        assert.deepEqual(await names(inContoso), ['A']);
        assert.deepEqual(await names(exists(parentNamed('Contoso'), true)), ['B', 'C', 'D']);
        assert.deepEqual(await names(not(inContoso)), ['B', 'C', 'D']);
        assert.deepEqual(await names(not(not(inContoso))), ['A']);
      }));

    it('with a join inside: the stored members of a segment, and under NOT', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        const ids = await records.createMultiple(
          'contact',
          ['A', 'B', 'C'].map((lastname) => ({ lastname })),
        );
        const segment = (await records.create('msdyncrm_segment', { msdyncrm_segmentname: 'members' })).id;
        const segmentKey = await records.keyOf('msdyncrm_segment', segment);
        const keyOfB = await records.keyOf('contact', ids[1]!);
        assert.ok(segmentKey !== undefined && keyOfB !== undefined);
        await store.membership.add(segmentKey, [keyOfB], new Date());
        const names = async (where: Expr) => {
          const query = select(entitySource('contact', 'c'), [{ expr: attrRef('c', 'lastname'), as: 'n' }], {
            where,
            orderBy: [{ expr: attrRef('c', 'lastname'), direction: 'asc' }],
          });
          // DuckDB writes it as IN (its planner's delim join is several times slower).
          assert.equal(/ IN \(SELECT /.test(store.compile(query).sql), target.name === 'duckdb');
          return (await store.select(query)).map((r) => r.n);
        };
        const inSegment = exists(storedMembersOf(segment));
        assert.deepEqual(await names(inSegment), ['B']);
        assert.deepEqual(await names(not(inSegment)), ['A', 'C']);
        assert.deepEqual(await names(exists(storedMembersOf(ids[0]!))), []);
      }));
  });
}
