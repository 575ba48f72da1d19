import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duckdbDialect } from '../../src/dialect/duckdb/duckdb-dialect.ts';
import { postgresDialect } from '../../src/dialect/postgres/postgres-dialect.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { createIndexesSql } from '../../src/sql/ddl.ts';

const schema = schemaFromDocument(undefined);

describe('secondary indexes', () => {
  it('PostgreSQL indexes lookups and indexed attributes, text on lower(value)', () => {
    const sql = createIndexesSql(postgresDialect, schema.requireEntity('contact'));
    assert.ok(sql.includes('CREATE INDEX IF NOT EXISTS "sd_ix_contact_sd_key" ON "contact" ("sd_key")'));
    assert.ok(
      sql.includes(
        'CREATE INDEX IF NOT EXISTS "sd_ix_contact_parentcustomerid" ON "contact" ("parentcustomerid")',
      ),
    );
    assert.ok(
      sql.includes(
        'CREATE INDEX IF NOT EXISTS "sd_ix_contact_address1_city_ci" ON "contact" (lower("address1_city"), "sd_key")',
      ),
    );
    assert.ok(
      sql.includes(
        'CREATE INDEX IF NOT EXISTS "sd_ix_contact_birthdate" ON "contact" ("birthdate", "sd_key")',
      ),
    );
    assert.ok(!sql.some((s) => s.includes('address2_city')));
  });

  it('PostgreSQL indexes the primary name in the order pages are sorted by: lower, byte-wise, nulls first', () => {
    assert.ok(
      createIndexesSql(postgresDialect, schema.requireEntity('contact')).includes(
        'CREATE INDEX IF NOT EXISTS "sd_ix_contact_fullname_order" ON "contact" (((lower("fullname")) COLLATE "C") NULLS FIRST, "sd_key")',
      ),
    );
    assert.ok(
      createIndexesSql(postgresDialect, schema.requireEntity('account')).includes(
        'CREATE INDEX IF NOT EXISTS "sd_ix_account_name_order" ON "account" (((lower("name")) COLLATE "C") NULLS FIRST, "sd_key")',
      ),
    );
  });

  it('DuckDB keeps only the surrogate-key index (it scans columns)', () => {
    assert.deepEqual(createIndexesSql(duckdbDialect, schema.requireEntity('contact')), [
      'CREATE INDEX IF NOT EXISTS "sd_ix_contact_sd_key" ON "contact" ("sd_key")',
    ]);
  });
});
