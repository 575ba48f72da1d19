import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duckdbDialect } from '../../src/dialect/duckdb/duckdb-dialect.ts';
import { postgresDialect } from '../../src/dialect/postgres/postgres-dialect.ts';
import type { LoweredFetch } from '../../src/fetchxml/index.ts';
import { FetchXmlError, countQuery, prepareFetchXml, rowsQuery } from '../../src/fetchxml/index.ts';
import type { Expr, Join } from '../../src/ir/nodes.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { SqlCompiler } from '../../src/sql/compiler.ts';

/** Lowering to the IR: where links, filters and paging keys end up, and that both dialects compile it. */

const schema = schemaFromDocument(undefined);
const compilers = [new SqlCompiler(schema, duckdbDialect), new SqlCompiler(schema, postgresDialect)];
const caller = {
  userId: '00000000-0000-0000-0000-0000000000aa',
  businessUnitId: '00000000-0000-0000-0000-0000000000bb',
};

function lower(xml: string): LoweredFetch {
  const q = prepareFetchXml(schema, xml, { caller });
  if (q instanceof FetchXmlError) assert.fail(q.message);
  for (const c of compilers) {
    c.compile(rowsQuery(q, undefined, q.orderBy, 10));
    c.compile(countQuery(q));
  }
  return q;
}

const sqlOf = (q: LoweredFetch, dialect = 0) =>
  compilers[dialect]?.compile(rowsQuery(q, undefined, q.orderBy)).sql ?? '';
const kinds = (joins: readonly Join[]) => joins.map((j) => `${j.type}:${j.source.kind}`);

function contains(e: Expr | undefined, kind: string): boolean {
  return JSON.stringify(e ?? null).includes(`"kind":"${kind}"`);
}

const SEGMENT_LINK = (inner: string, type = 'inner') =>
  `<link-entity name="msdyncrm_segment" from="msdyncrm_segmentid" to="msdyncrm_segmentmemberid" link-type="${type}" alias="s">${inner}</link-entity>`;
const ON_SEGMENT = '<filter><condition attribute="msdyncrm_segmentname" operator="eq" value="VIP"/></filter>';

describe('FetchXML lowering', () => {
  it('turns the segment member link into a semi-join through membership when it returns nothing', () => {
    const q = lower(`<fetch><entity name="contact">${SEGMENT_LINK(ON_SEGMENT)}</entity></fetch>`);
    assert.deepEqual(q.joins, []);
    assert.ok(contains(q.where, 'exists') && contains(q.where, 'segmentMembers'));
    assert.ok(q.keyset !== undefined, 'the contact key still orders the rows: paging cookies work');
    const withColumns = lower(
      `<fetch><entity name="contact">${SEGMENT_LINK(`<attribute name="msdyncrm_segmentname"/>${ON_SEGMENT}`)}</entity></fetch>`,
    );
    assert.deepEqual(kinds(withColumns.joins), ['inner:segmentMembers', 'inner:entity']);
    assert.equal(withColumns.keyset, undefined, 'a contact may repeat: no paging cookie');
    const outer = lower(
      `<fetch><entity name="contact">${SEGMENT_LINK('<attribute name="msdyncrm_segmentname"/>', 'outer')}</entity></fetch>`,
    );
    assert.deepEqual(kinds(outer.joins), ['left:segmentMembers', 'left:entity']);
    const reverse = lower(
      '<fetch><entity name="msdyncrm_segment"><link-entity name="contact" from="msdyncrm_segmentmemberid" to="msdyncrm_segmentid" alias="c"><attribute name="fullname"/></link-entity></entity></fetch>',
    );
    assert.deepEqual(kinds(reverse.joins), ['inner:segmentMembers', 'inner:entity']);
  });

  it("puts an outer link's filter into its join and an inner link's into WHERE", () => {
    const filter = '<filter><condition attribute="name" operator="eq" value="x"/></filter>';
    const outer = lower(
      `<fetch><entity name="contact"><link-entity name="account" from="accountid" to="parentcustomerid" link-type="outer">${filter}</link-entity></entity></fetch>`,
    );
    assert.equal(outer.where, undefined);
    assert.ok(JSON.stringify(outer.joins[0]?.on).includes('"value":"x"'));
    const inner = lower(
      `<fetch><entity name="contact"><link-entity name="account" from="accountid" to="parentcustomerid">${filter}</link-entity></entity></fetch>`,
    );
    assert.ok(JSON.stringify(inner.where).includes('"value":"x"'));
    // The polymorphic lookup also checks the target type.
    assert.ok(JSON.stringify(inner.joins[0]?.on).includes('parentcustomeridtype'));
  });

  it('names unaliased links <entity><n> and their columns <alias>.<attribute>', () => {
    const q = lower(
      '<fetch><entity name="contact"><attribute name="fullname"/><link-entity name="account" from="accountid" to="parentcustomerid"><attribute name="name"/></link-entity><link-entity name="account" from="primarycontactid" to="contactid" link-type="outer"><attribute name="name"/><attribute name="revenue" alias="rev"/></link-entity></entity></fetch>',
    );
    assert.deepEqual(
      q.columns.map((c) => c.key),
      ['fullname', 'account1.name', 'account2.name', 'rev', 'contactid'],
    );
  });

  it('pages by cookie only when every order key is a root attribute and no link repeats rows', () => {
    const root = lower(
      '<fetch><entity name="contact"><order attribute="lastname" descending="true"/></entity></fetch>',
    );
    assert.deepEqual(
      root.keyset?.map((k) => [k.attribute.logicalName, k.direction]),
      [
        ['lastname', 'desc'],
        ['contactid', 'asc'],
      ],
    );
    const byLink = lower(
      '<fetch><entity name="contact"><link-entity name="account" from="accountid" to="parentcustomerid" alias="a"><order attribute="name"/></link-entity></entity></fetch>',
    );
    assert.equal(byLink.keyset, undefined);
    const oneToMany = lower(
      '<fetch><entity name="account"><link-entity name="contact" from="parentcustomerid" to="accountid"/></entity></fetch>',
    );
    assert.equal(oneToMany.keyset, undefined);
    assert.deepEqual(
      oneToMany.orderBy.map((o) => JSON.stringify(o.expr)),
      [
        '{"kind":"attr","source":"r","attribute":"accountid"}',
        '{"kind":"attr","source":"l1","attribute":"contactid"}',
      ],
    );
    assert.equal(
      lower('<fetch distinct="true"><entity name="contact"><attribute name="lastname"/></entity></fetch>')
        .keyset,
      undefined,
    );
  });

  it('walks hierarchies with a recursive query on both stores', () => {
    const q = lower(
      '<fetch><entity name="account"><filter><condition attribute="accountid" operator="under" value="{00000000-0000-0000-0000-000000000001}"/></filter></entity></fetch>',
    );
    assert.ok(contains(q.where, 'exists'));
    assert.match(
      sqlOf(q, 0),
      /WITH RECURSIVE "h1_h"\("id", "parent"\) AS \(SELECT "h1"\."accountid", "h1"\."parentaccountid" FROM "account" AS "h1" WHERE .* UNION SELECT "h1_s"\."accountid", "h1_s"\."parentaccountid" FROM "account" AS "h1_s" INNER JOIN "h1_h" ON "h1_s"\."parentaccountid" = "h1_h"\."id"\)/,
    );
    const above = lower(
      '<fetch><entity name="businessunit"><filter><condition attribute="businessunitid" operator="eq-or-above" value="00000000-0000-0000-0000-000000000001"/></filter></entity></fetch>',
    );
    assert.match(sqlOf(above, 1), /INNER JOIN "h1_h" ON "h1_s"\."businessunitid" = "h1_h"\."parent"/);
  });

  it('binds condition values as parameters of the column type, GUIDs without braces', () => {
    const q = lower(
      '<fetch><entity name="contact"><filter><condition attribute="parentcustomerid" operator="eq" value="{49B0BE2E-D01C-ED11-B83E-000D3A572421}"/><condition attribute="lastname" operator="eq" value="x\'; DROP TABLE contact; --"/></filter></entity></fetch>',
    );
    const compiled = compilers[1]?.compile(rowsQuery(q));
    assert.ok(compiled?.params.includes('49b0be2e-d01c-ed11-b83e-000d3a572421'));
    assert.ok(compiled?.params.includes("x'; DROP TABLE contact; --"));
    assert.doesNotMatch(compiled?.sql ?? '', /DROP TABLE/);
  });

  it('compares with the caller for the user and business unit operators', () => {
    const q = lower(
      '<fetch><entity name="contact"><filter><condition attribute="ownerid" operator="eq-userid"/><condition attribute="owningbusinessunit" operator="ne-businessid"/></filter></entity></fetch>',
    );
    const text = JSON.stringify(q.where);
    assert.ok(text.includes(caller.userId) && text.includes(caller.businessUnitId));
    const anonymous = prepareFetchXml(
      schema,
      '<fetch><entity name="contact"><filter><condition attribute="ownerid" operator="eq-userid"/></filter></entity></fetch>',
    );
    assert.ok(anonymous instanceof FetchXmlError);
    assert.match(anonymous.message, /needs the calling user/);
  });

  it('refuses a query sent to another entity set', () => {
    const r = prepareFetchXml(schema, '<fetch><entity name="account"/></fetch>', {
      entity: schema.requireEntity('contact'),
    });
    assert.ok(r instanceof FetchXmlError);
    assert.match(r.message, /queries 'account' but was sent to the entity set 'contacts'/);
  });
});
