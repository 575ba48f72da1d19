import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { storeTargets, withStore } from '../support/stores.ts';

const schema = schemaFromDocument(undefined);

for (const target of storeTargets()) {
  describe(`planner statistics (${target.name})`, () => {
    it('refreshes an entity table after a bulk load, and names unknown entities', () =>
      withStore(target, schema, async (store) => {
        await store.bulkInsert(
          'contact',
          ['contactid', 'lastname'],
          [['00000000-0000-4000-8000-000000000001', 'x']],
        );
        await store.refreshStatistics('contact');
        await assert.rejects(store.refreshStatistics('nothing'), /unknown entity 'nothing'/);
      }));
  });
}
