import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordService } from '../../../src/engine/records.ts';
import type { Expr, RelQuery } from '../../../src/ir/nodes.ts';
import { schemaFromDocument } from '../../../src/metadata/schema-file.ts';
import { segmentResolver } from '../../../src/segment/definition-validation.ts';
import { parseSegmentQuery } from '../../../src/segment/language/index.ts';
import { lowerSegmentQuery } from '../../../src/segment/lower/index.ts';
import type { ResolvedSegment } from '../../../src/segment/validation/index.ts';
import { storeTargets, withStore } from '../../support/stores.ts';

/**
 * `SEGMENT(x)` of a static segment reads its stored members: by the segment's key when the
 * resolver knows it (no join to the segment row: the planner probes the membership's primary key
 * and knows the segment's size), else joined to the segment row by id — the same members.
 */

const schema = schemaFromDocument(undefined);

/** The subqueries of every EXISTS in a query's conditions. */
function existsQueries(query: RelQuery): RelQuery[] {
  if (query.kind === 'setop') return [...existsQueries(query.left), ...existsQueries(query.right)];
  const found: RelQuery[] = [];
  const walk = (e: Expr | undefined): void => {
    if (e === undefined) return;
    if (e.kind === 'exists') found.push(e.query);
    else if (e.kind === 'and' || e.kind === 'or') e.operands.forEach(walk);
    else if (e.kind === 'not') walk(e.operand);
  };
  walk(query.where);
  if (query.from.kind === 'subquery') found.push(...existsQueries(query.from.query));
  return found;
}

for (const target of storeTargets()) {
  describe(`stored members of SEGMENT(x) (${target.name})`, () => {
    it('are read by segment key when the resolver knows it, and are the same members as by id', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        const ids = await records.createMultiple(
          'contact',
          ['A', 'B', 'C', 'D'].map((lastname) => ({ lastname })),
        );
        const segment = (await records.create('msdyncrm_segment', { msdyncrm_segmentname: 'stored' })).id;
        const other = (await records.create('msdyncrm_segment', { msdyncrm_segmentname: 'other' })).id;
        const key = async (entity: string, id: string) => {
          const k = await records.keyOf(entity, id);
          assert.ok(k !== undefined);
          return k;
        };
        const members = [await key('contact', ids[1]!), await key('contact', ids[3]!)];
        await store.membership.add(await key('msdyncrm_segment', segment), members, new Date());
        await store.membership.add(await key('msdyncrm_segment', other), [members[0]!], new Date());
        const third = (await records.create('msdyncrm_segment', { msdyncrm_segmentname: 'third' })).id;
        await store.membership.add(
          await key('msdyncrm_segment', third),
          [await key('contact', ids[0]!)],
          new Date(),
        );

        const resolve = await segmentResolver(records);
        const resolved = resolve('stored');
        assert.equal(resolved?.key, await key('msdyncrm_segment', segment));
        const withoutKey = (name: string): ResolvedSegment | undefined => {
          const r = resolve(name);
          return r === undefined ? undefined : { id: r.id, entity: r.entity };
        };
        const parsed = parseSegmentQuery('SEGMENT(stored)');
        assert.ok(parsed.ast !== undefined);
        const byKey = lowerSegmentQuery(parsed.ast, { schema, resolveSegment: resolve }).query;
        const byId = lowerSegmentQuery(parsed.ast, { schema, resolveSegment: withoutKey }).query;

        const [keyed] = existsQueries(byKey);
        const [joined] = existsQueries(byId);
        assert.ok(keyed?.kind === 'select' && joined?.kind === 'select');
        assert.equal(keyed.joins.length, 0);
        assert.equal(joined.joins.length, 1);

        const lastnames = async (query: RelQuery) =>
          (await store.select(query))
            .map((r) => ids.indexOf(String(r.id)))
            .sort()
            .map((i) => ['A', 'B', 'C', 'D'][i]);
        assert.deepEqual(await lastnames(byKey), ['B', 'D']);
        assert.deepEqual(await lastnames(byId), ['B', 'D']);

        // A UNION of stored segments is one membership test over both keys (one semi-join)…
        const lower = (text: string, resolver = resolve) => {
          const ast = parseSegmentQuery(text).ast;
          assert.ok(ast !== undefined);
          return lowerSegmentQuery(ast, { schema, resolveSegment: resolver }).query;
        };
        const union = lower('SEGMENT(stored) UNION SEGMENT(other) UNION SEGMENT(third)');
        const tests = existsQueries(union);
        assert.equal(tests.length, 1);
        const [one] = tests;
        assert.ok(one?.kind === 'select' && one.where?.kind === 'and');
        assert.equal(one.where.operands[0]?.kind, 'in');
        assert.deepEqual(await lastnames(union), ['A', 'B', 'D']);
        // …with the members of the OR-ed tests it replaces, also when only some operands are stored.
        assert.deepEqual(await lastnames(lower('SEGMENT(other) UNION SEGMENT(third)')), ['A', 'B']);
        assert.deepEqual(await lastnames(lower('SEGMENT(other) UNION SEGMENT(other)')), ['B']);
        const mixed = lower("SEGMENT(stored) UNION PROFILE(contact).FILTER(lastname == 'C')");
        assert.equal(existsQueries(mixed).length, 1);
        assert.deepEqual(await lastnames(mixed), ['B', 'C', 'D']);
        const byIds = lower('SEGMENT(stored) UNION SEGMENT(third)', withoutKey);
        assert.equal(existsQueries(byIds).length, 2);
        assert.deepEqual(await lastnames(byIds), ['A', 'B', 'D']);
      }));
  });
}
