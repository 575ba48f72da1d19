import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntityRules } from '../../src/engine/entity-rules.ts';
import { invalidArgument } from '../../src/engine/errors.ts';
import { RecordService } from '../../src/engine/records.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { storeTargets, withStore } from '../support/stores.ts';

const schema = schemaFromDocument(undefined);

/**
 * The record service's entity rules, with a rule set of the test's own on contacts: every write
 * path runs them in the write's transaction, their refusals roll everything back, the server's
 * own writes (`inSession(…, { rules: false })`) skip them.
 */
for (const target of storeTargets()) {
  describe(`entity rules in the record service (${target.name})`, () => {
    it('runs before/after rules on create, update and delete, in the write’s transaction', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        const seen: string[] = [];
        const committed: string[] = [];
        const rules: EntityRules = {
          beforeCreate(ctx, values) {
            if (values.lastname === 'refused') throw invalidArgument('no refused contacts');
            seen.push(`beforeCreate ${String(values.lastname)}`);
            return Promise.resolve({ ...values, jobtitle: 'set by rule' });
          },
          async afterCreate(ctx, record) {
            seen.push(`afterCreate ${record.key > 0 ? 'key' : 'no key'} ${String(record.values.jobtitle)}`);
            ctx.afterCommit(() => committed.push(record.id));
            // A write of the rule's own, in the same transaction.
            await ctx.session.membership.add(1, [record.key], ctx.now);
            if (record.values.lastname === 'late refusal') throw invalidArgument('refused after the insert');
          },
          beforeUpdate(ctx, current, changes) {
            seen.push(`beforeUpdate ${String(current.lastname)} → ${String(changes.lastname)}`);
            return Promise.resolve({ ...changes, jobtitle: 'updated by rule' });
          },
          afterUpdate(ctx, record) {
            seen.push(`afterUpdate ${String(record.changes.jobtitle)}`);
            return Promise.resolve();
          },
          beforeDelete(ctx, current) {
            if (current.lastname === 'kept') throw invalidArgument('kept contacts stay');
            return Promise.resolve();
          },
          async afterDelete(ctx, record) {
            seen.push(`afterDelete ${String(record.before.lastname)}`);
            await ctx.session.membership.remove(1, [record.key]);
          },
        };
        records.rules.register('contact', rules);

        const { id } = await records.create('contact', { lastname: 'a' });
        assert.equal((await records.retrieve('contact', id))?.jobtitle, 'set by rule');
        assert.deepEqual(committed, [id]);
        await assert.rejects(records.create('contact', { lastname: 'refused' }), /no refused contacts/);
        await assert.rejects(
          records.create('contact', { lastname: 'late refusal' }),
          /refused after the insert/,
        );
        assert.equal(await records.count('contact'), 1);
        assert.equal(await store.membership.count(1), 1);
        assert.deepEqual(committed, [id]);

        await records.update('contact', id, { lastname: 'b' }, { upsert: false });
        assert.equal((await records.retrieve('contact', id))?.jobtitle, 'updated by rule');
        await records.delete('contact', id);
        assert.equal(await store.membership.count(1), 0);
        assert.deepEqual(seen, [
          'beforeCreate a',
          'afterCreate key set by rule',
          'beforeCreate late refusal',
          'afterCreate key set by rule',
          'beforeUpdate a → b',
          'afterUpdate updated by rule',
          'afterDelete b',
        ]);

        const kept = (await records.create('contact', { lastname: 'kept' })).id;
        await assert.rejects(records.delete('contact', kept), /kept contacts stay/);
        // The server's own writes skip the rules.
        const server = records.inSession(store, { rules: false });
        await server.update('contact', kept, { lastname: 'x' }, { upsert: false });
        assert.equal((await records.retrieve('contact', kept))?.jobtitle, 'set by rule');
        await server.delete('contact', kept);
        assert.equal(await records.count('contact'), 0);
      }));

    it('bulk paths run the rules of each record: CreateMultiple all or nothing, import rejects by record', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        records.rules.register('contact', {
          beforeCreate: (_ctx, values) => {
            if (values.lastname === 'refused') return Promise.reject(invalidArgument('no refused contacts'));
            return Promise.resolve({ ...values, jobtitle: 'ruled' });
          },
        });
        await assert.rejects(
          records.createMultiple('contact', [{ lastname: 'a' }, { lastname: 'refused' }]),
          /Targets\[1\]: no refused contacts/,
        );
        assert.equal(await records.count('contact'), 0);
        const imported = await records.importBatch(
          'contact',
          [{ lastname: 'a' }, { lastname: 'refused' }, { lastname: 'c' }],
          { upsert: false },
        );
        assert.deepEqual(imported, {
          created: 2,
          updated: 0,
          rejected: [{ index: 1, reason: 'no refused contacts' }],
        });
        const page = await records.query({ entity: 'contact', select: ['jobtitle'], pageSize: 10 });
        assert.deepEqual(
          page.rows.map((r) => r.jobtitle),
          ['ruled', 'ruled'],
        );
      }));

    it('rules see the caller’s values again when a write runs again', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        const { id } = await records.create('contact', { lastname: 'a' });
        const sent: unknown[] = [];
        records.rules.register('contact', {
          beforeUpdate: (_ctx, _current, changes) => {
            sent.push(changes.lastname);
            return Promise.resolve({ ...changes, lastname: `${String(changes.lastname)}!` });
          },
        });
        const values = { lastname: 'b' };
        await records.update('contact', id, values, { upsert: false });
        assert.deepEqual(values, { lastname: 'b' });
        assert.equal((await records.retrieve('contact', id))?.lastname, 'b!');
      }));
  });
}
