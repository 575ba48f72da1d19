import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attrRef, entitySource, select } from '../../src/ir/build.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import type { Schema } from '../../src/metadata/schema.ts';
import { DestructiveMigrationError } from '../../src/store/store.ts';
import { openTestStore, storeTargets, type StoreLocation, type StoreTarget } from '../support/stores.ts';

const BUILTIN_TABLES = [
  'contact',
  'account',
  'businessunit',
  'systemuser',
  'msdyncrm_segment',
  'interaction',
];

/** The built-ins plus a custom entity `new_widget` with the given extra attributes. */
function widgetSchema(attributes: { logicalName: string; type: string }[] | undefined): Schema {
  return schemaFromDocument({
    entities: attributes === undefined ? [] : [{ logicalName: 'new_widget', attributes }],
  });
}

const SIZE = { logicalName: 'new_size', type: 'Integer' };
const COLOR = { logicalName: 'new_color', type: 'String' };
const PRICE = { logicalName: 'new_price', type: 'Money' };

/** Column types as each store spells them in messages. */
const TYPES = {
  duckdb: { Integer: 'INTEGER', Double: 'DOUBLE' },
  postgres: { Integer: 'integer', Double: 'double precision' },
};

const HEAD =
  'segmentd refuses to migrate the store: segmentd never drops or converts data, and the declared schema would lose some:';
const TAIL = 'Declare these again in the schema file, or move the data out of the store yourself.';

async function openAndClose(target: StoreTarget, schema: Schema, location: StoreLocation) {
  const { store, migration } = await openTestStore(target, schema, location);
  await store.close();
  return migration;
}

async function refusal(target: StoreTarget, schema: Schema, location: StoreLocation): Promise<string> {
  const error = await openTestStore(target, schema, location).then(
    async ({ store }) => {
      await store.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  assert.ok(
    error instanceof DestructiveMigrationError,
    `expected a DestructiveMigrationError, got ${String(error)}`,
  );
  return error.message;
}

for (const target of storeTargets()) {
  describe(`migration (${target.name})`, () => {
    const types = TYPES[target.name];

    test('creates every table on a fresh store and nothing on the next open', async () => {
      const location = await target.freshLocation({ persistent: true });
      const first = await openAndClose(target, widgetSchema([SIZE]), location);
      assert.deepEqual(first.createdTables.sort(), [...BUILTIN_TABLES, 'new_widget'].sort());
      assert.deepEqual(first.addedColumns, []);
      assert.deepEqual(await openAndClose(target, widgetSchema([SIZE]), location), {
        createdTables: [],
        addedColumns: [],
      });
    });

    test('adds declared columns and keeps the rows', async () => {
      const location = await target.freshLocation({ persistent: true });
      const { store } = await openTestStore(target, widgetSchema([SIZE]), location);
      await store.bulkInsert(
        'new_widget',
        ['new_widgetid', 'new_name', 'new_size'],
        [['b0000000-0000-0000-0000-000000000001', 'one', 1]],
      );
      await store.close();

      const schema = widgetSchema([SIZE, COLOR, PRICE]);
      const reopened = await openTestStore(target, schema, location);
      try {
        assert.deepEqual(reopened.migration, {
          createdTables: [],
          addedColumns: ['new_widget.new_color', 'new_widget.new_price'],
        });
        const attrs = ['new_name', 'new_size', 'new_color', 'new_price'];
        const q = select(
          entitySource('new_widget', 'w'),
          attrs.map((a) => ({ expr: attrRef('w', a), as: a })),
        );
        assert.deepEqual(await reopened.store.select(q), [
          { new_name: 'one', new_size: 1, new_color: null, new_price: null },
        ]);
        // The new columns take part in the bulk path too (the appender writes every column).
        await reopened.store.bulkInsert(
          'new_widget',
          ['new_widgetid', 'new_color', 'new_price'],
          [['b0000000-0000-0000-0000-000000000002', 'red', 9.99]],
        );
        assert.equal((await reopened.store.select(q)).length, 2);
      } finally {
        await reopened.store.close();
      }
    });

    test('refuses a dropped column, naming it, and changes nothing', async () => {
      const location = await target.freshLocation({ persistent: true });
      await openAndClose(target, widgetSchema([SIZE]), location);
      const message = await refusal(target, widgetSchema([COLOR]), location);
      assert.equal(
        message,
        [
          HEAD,
          `  - column 'new_widget.new_size' (${types.Integer}) is in the store but entity 'new_widget' declares no attribute 'new_size'`,
          TAIL,
        ].join('\n'),
      );
      // The refused migration did not add new_color either.
      assert.deepEqual(await openAndClose(target, widgetSchema([SIZE]), location), {
        createdTables: [],
        addedColumns: [],
      });
    });

    test('refuses a changed column type', async () => {
      const location = await target.freshLocation({ persistent: true });
      await openAndClose(target, widgetSchema([SIZE]), location);
      const message = await refusal(
        target,
        widgetSchema([{ logicalName: 'new_size', type: 'Double' }]),
        location,
      );
      assert.equal(
        message,
        [
          HEAD,
          `  - column 'new_widget.new_size' is ${types.Integer} in the store but the schema wants ${types.Double} (Double)`,
          TAIL,
        ].join('\n'),
      );
    });

    test('refuses a dropped entity', async () => {
      const location = await target.freshLocation({ persistent: true });
      const schema = widgetSchema([SIZE]);
      await openAndClose(target, schema, location);
      const columns = (schema.entities.get('new_widget')?.attributes.size ?? 0) + 1;
      const message = await refusal(target, widgetSchema(undefined), location);
      assert.equal(
        message,
        [
          HEAD,
          `  - table 'new_widget' (${columns} columns) is in the store but the schema declares no entity 'new_widget'`,
          TAIL,
        ].join('\n'),
      );
    });
  });
}
