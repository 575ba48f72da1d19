import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordService } from '../../src/engine/records.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { storeTargets, withStore } from '../support/stores.ts';

const schema = schemaFromDocument(undefined);

for (const target of storeTargets()) {
  describe(`concurrent writes (${target.name})`, () => {
    it('concurrent updates of one record all succeed; the last write wins', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        const { id } = await records.create('contact', { lastname: 'x', numberofchildren: 0 });
        const results = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) =>
            records.update('contact', id, { jobtitle: `t${i}` }, { upsert: false }),
          ),
        );
        const failed = results.filter((r) => r.status === 'rejected');
        assert.deepEqual(failed, []);
        const row = await records.retrieve('contact', id, ['jobtitle']);
        assert.match(String(row?.jobtitle), /^t\d+$/);
      }));

    it('concurrent deletes of one record: one succeeds, the others are told it does not exist', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        const { id } = await records.create('contact', { lastname: 'x' });
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, () => records.delete('contact', id)),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results) {
          if (r.status === 'rejected') assert.match(String((r.reason as Error).message), /Does Not Exist/);
        }
      }));
  });
}
