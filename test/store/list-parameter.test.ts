import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { attrRef, entitySource, lit, select } from '../../src/ir/build.ts';
import type { Expr } from '../../src/ir/nodes.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { storeTargets, withStore } from '../support/stores.ts';

const schema = schemaFromDocument(undefined);

for (const target of storeTargets()) {
  describe(`long IN lists bound as one parameter (${target.name})`, () => {
    it('finds exactly the listed GUIDs and integers, and their complement with NOT IN', () =>
      withStore(target, schema, async (store) => {
        const ids = Array.from({ length: 120 }, () => randomUUID());
        const keys = await store.allocateKeys('contact', ids.length);
        await store.mutate({
          kind: 'insert',
          entity: 'contact',
          attributes: ['contactid', 'lastname', 'numberofchildren'],
          rows: ids.map((id, i) => [id, `n${i}`, i]),
          keys,
        });
        const wanted = [...ids.slice(0, 50), ...Array.from({ length: 10 }, () => randomUUID())];
        const inList = (values: Expr[], negated: boolean, attribute: string): Expr => ({
          kind: 'in',
          operand: attrRef('c', attribute),
          values,
          negated,
        });
        const run = async (where: Expr) =>
          (
            await store.select(
              select(entitySource('contact', 'c'), [{ expr: attrRef('c', 'contactid'), as: 'id' }], {
                where,
              }),
            )
          )
            .map((r) => String(r.id))
            .sort();
        const guidList = wanted.map((id) => lit(id, 'guid'));
        assert.ok(
          store.compile(
            select(entitySource('contact', 'c'), [{ expr: attrRef('c', 'contactid'), as: 'id' }], {
              where: inList(guidList, false, 'contactid'),
            }),
          ).params.length === 1,
        );
        assert.deepEqual(await run(inList(guidList, false, 'contactid')), ids.slice(0, 50).sort());
        assert.deepEqual(await run(inList(guidList, true, 'contactid')), ids.slice(50).sort());
        const numbers = Array.from({ length: 40 }, (_, i) => lit(i * 2, 'integer'));
        assert.equal((await run(inList(numbers, false, 'numberofchildren'))).length, 40);
        assert.equal((await run(inList(numbers, true, 'numberofchildren'))).length, 80);
      }));
  });
}
