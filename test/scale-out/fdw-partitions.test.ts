import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { RecordService } from '../../src/engine/records.ts';
import { prepareFetchXml, runFetchXml, FetchXmlError, type FetchXmlPage } from '../../src/fetchxml/index.ts';
import { buildApp } from '../../src/http/app.ts';
import { attrRef, entitySource, keyRef, select } from '../../src/ir/build.ts';
import type { Row } from '../../src/ir/nodes.ts';
import { SegmentType } from '../../src/metadata/builtin/segment.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { prepareSegmentQuery } from '../../src/segment/query-runner.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { prng } from '../support/prng.ts';
import { generateDataset, loadDataset, NOW } from '../segment/membership/dataset.ts';
import { QueryGenerator } from '../segment/membership/random-queries.ts';
import {
  coordinatorSql,
  PARTITIONED_TABLES,
  remoteGrowthSql,
  remoteShardSql,
  shardSchema,
} from './fdw-layout.ts';
import {
  createDatabase,
  openSharedStores,
  runStatements,
  serverOf,
  twoServers,
  withClient,
  type TwoServers,
} from './servers.ts';

/**
 * segmentd on a database whose large tables are hash-partitioned across two PostgreSQL servers
 * with postgres_fdw (test/scale-out/fdw-layout.ts, docs/scale-out.md) answers exactly as on one
 * server: the same generated data is loaded through segmentd into (a) a plain database and (b) the
 * coordinator of the partitioned one; segment members, FetchXML pages and OData responses over
 * HTTP must be identical. segmentd's migration runs unchanged on the partitioned database.
 */

const servers = twoServers();
const skip = 'skip' in servers ? servers.skip : false;

const schema = schemaFromDocument(undefined);
const data = generateDataset(20261207, { accounts: 60, contacts: 600, interactions: 4000 });
const RANDOM_QUERIES = 60;

const STATIC_ID = '5ca1e000-0000-4000-8000-000000000001';
const DYNAMIC_ID = '5ca1e000-0000-4000-8000-000000000002';
const COMPUTED_ID = '5ca1e000-0000-4000-8000-000000000003';
const queryName = (id: string) => `SEGMENT_CRM_ID_${id.replaceAll('-', '')}`;

/** One side of the comparison: segmentd's objects over one database. */
interface Side {
  readonly name: string;
  /** Writes go through the first store; reads through `reader`, another pool (another process). */
  readonly stores: Store[];
  readonly records: RecordService;
  readonly reader: Store;
  readonly readerRecords: RecordService;
  readonly app: FastifyInstance;
}

async function openSide(name: string, url: string): Promise<Side> {
  const stores = await openSharedStores(url, schema, 2);
  const [writer, reader] = stores as [Store, Store];
  // A fixed clock, so that both databases get the same createdon/modifiedon.
  const records = new RecordService(writer, { now: () => NOW });
  const readerRecords = new RecordService(reader, { now: () => NOW });
  return { name, stores, records, reader, readerRecords, app: buildApp({ records: readerRecords, schema }) };
}

async function closeSide(side: Side | undefined): Promise<void> {
  if (side === undefined) return;
  await side.app.close();
  for (const s of side.stores) await s.close();
}

async function keysOf(store: Store, entity: string, idAttribute: string): Promise<Map<string, number>> {
  const rows = await store.select(
    select(entitySource(entity, 'r'), [
      { expr: keyRef('r'), as: 'k' },
      { expr: attrRef('r', idAttribute), as: 'id' },
    ]),
  );
  return new Map(rows.map((r) => [String(r.id), Number(r.k)]));
}

/** The same rows, in the same order, through segmentd's own write paths. */
async function load(side: Side): Promise<void> {
  const store = side.stores[0]!;
  await side.records.ensureDefaults();
  await loadDataset(side.records, data);
  await side.records.create('msdyncrm_segment', {
    msdyncrm_segmentid: STATIC_ID,
    msdyncrm_segmentname: 'Scale-out static',
    msdyncrm_segmenttype: SegmentType.Static,
  });
  await side.records.create('msdyncrm_segment', {
    msdyncrm_segmentid: DYNAMIC_ID,
    msdyncrm_segmentname: 'Scale-out dynamic',
    msdyncrm_segmenttype: SegmentType.Dynamic,
    msdyncrm_segmentquery: "PROFILE(contact).FILTER(numberofchildren >= 2 && address1_city != 'london')",
  });
  await side.records.create('msdyncrm_segment', {
    msdyncrm_segmentid: COMPUTED_ID,
    msdyncrm_segmentname: 'Scale-out computed',
    msdyncrm_segmenttype: SegmentType.Static,
  });
  const contacts = await keysOf(store, 'contact', 'contactid');
  const segments = await keysOf(store, 'msdyncrm_segment', 'msdyncrm_segmentid');
  // Static members: every third contact, written as a key list (one statement, ON CONFLICT).
  const members = data.contacts.filter((_, i) => i % 3 === 0).map((c) => contacts.get(c.id)!);
  await store.membership.add(segments.get(STATIC_ID)!, members, NOW);
}

const sortedIds = (a: Iterable<string>) => [...a].sort();

/** Members of a segment query (column `id`), checked to be distinct. */
async function members(side: Side, text: string): Promise<string[]> {
  const prepared = await prepareSegmentQuery(side.readerRecords, text, { now: NOW, requireContact: true });
  if ('errors' in prepared) assert.fail(`${text}\n${prepared.errors.map((e) => e.message).join('\n')}`);
  const ids = (await side.reader.select(prepared.query)).map((r) => String(r.id));
  assert.equal(new Set(ids).size, ids.length, `${side.name}: duplicate members from ${text}`);
  return sortedIds(ids);
}

/** The rows of a query as segmentd returns them (shaped queries: their page, in order). */
async function shapedRows(side: Side, text: string): Promise<Row[]> {
  const prepared = await prepareSegmentQuery(side.readerRecords, text, { now: NOW, requireContact: true });
  if ('errors' in prepared) assert.fail(`${text}\n${prepared.errors.map((e) => e.message).join('\n')}`);
  return side.reader.select(prepared.query);
}

/** Every page of a FetchXML query, page by page (paging cookies where the query allows them). */
async function fetchPages(side: Side, text: string): Promise<FetchXmlPage[]> {
  const pages: FetchXmlPage[] = [];
  for (let page = 1; page <= 100; page++) {
    const paged = text.replace('<fetch', `<fetch page="${page}"`);
    const q = prepareFetchXml(schema, paged);
    if (q instanceof FetchXmlError) assert.fail(`${text}\n${q.message}`);
    const result = await runFetchXml(side.reader, q, { count: true });
    // versionnumber (the ETag) comes from each process's own clock; everything else must agree.
    const version = q.versionColumn;
    const rows = result.rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== version)));
    pages.push({ ...result, rows });
    if (!result.moreRecords) return pages;
  }
  assert.fail(`${text}: more than 100 pages`);
}

/** The JSON body without ETags (versionnumber comes from each process's own clock). */
function body(res: LightMyRequestResponse): unknown {
  assert.equal(res.statusCode, 200, res.body);
  return JSON.parse(res.body, (key, value: unknown) => (key === '@odata.etag' ? undefined : value));
}

/** GET with the nextLinks followed: every page's body. */
async function getAll(side: Side, path: string, pageSize = 100): Promise<unknown[]> {
  const pages: unknown[] = [];
  let url: string | undefined = `/api/data/v9.0/${path}`;
  while (url !== undefined) {
    const res = await side.app.inject({
      method: 'GET',
      url,
      headers: { prefer: `odata.maxpagesize=${pageSize}` },
    });
    const page = body(res) as Record<string, unknown>;
    pages.push(page);
    const next = page['@odata.nextLink'];
    url = typeof next === 'string' ? new URL(next).pathname + new URL(next).search : undefined;
    assert.ok(pages.length <= 100, `${path}: more than 100 pages`);
  }
  return pages;
}

describe('scale-out: contacts, interactions, membership across two servers (postgres_fdw)', { skip }, () => {
  let single: Side | undefined;
  let partitioned: Side | undefined;
  let singleUrl = '';
  let coordinatorUrl = '';
  let shardUrl = '';
  const both = (): [Side, Side] => [single!, partitioned!];
  /** `fn` on the single server and on the partitioned database, at the same time. */
  const onBoth = async <T>(fn: (side: Side) => Promise<T>): Promise<[T, T]> => {
    const [a, b] = both();
    return Promise.all([fn(a), fn(b)]);
  };

  before(async () => {
    const { first, second } = servers as TwoServers;
    singleUrl = await createDatabase(first, 'single');
    shardUrl = await createDatabase(second, 'shard');
    coordinatorUrl = await createDatabase(first, 'coordinator');
    await runStatements(shardUrl, remoteShardSql(schema, 1));
    await runStatements(coordinatorUrl, coordinatorSql(schema, [{ local: true }, serverOf(shardUrl)]));
    single = await openSide('single server', singleUrl);
    partitioned = await openSide('partitioned', coordinatorUrl);
    for (const side of both()) await load(side);
  });

  after(async () => {
    await closeSide(partitioned);
    await closeSide(single);
  });

  it('keeps the rows of every partitioned table on both servers', async () => {
    const count = async (url: string, table: string) =>
      withClient(url, async (c) =>
        Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n),
      );
    for (const { table } of PARTITIONED_TABLES) {
      const onCoordinator = await count(coordinatorUrl, `"${shardSchema(0)}"."${table}"`);
      const onSecond = await count(shardUrl, `"${shardSchema(1)}"."${table}"`);
      const total = await count(coordinatorUrl, `"${table}"`);
      assert.ok(onCoordinator > 0 && onSecond > 0, `${table}: ${onCoordinator} rows here, ${onSecond} there`);
      assert.equal(onCoordinator + onSecond, total, table);
    }
    // The parents are partitioned tables whose second partition is a foreign table.
    const kinds = await withClient(coordinatorUrl, async (c) =>
      (
        await c.query<{ table: string; kind: string; foreign: string }>(
          `SELECT p.relname AS "table", p.relkind AS "kind", count(ft.ftrelid) AS "foreign"
             FROM pg_class p JOIN pg_inherits i ON i.inhparent = p.oid
             LEFT JOIN pg_foreign_table ft ON ft.ftrelid = i.inhrelid
            WHERE p.relnamespace = 'public'::regnamespace AND p.relkind = 'p'
            GROUP BY p.relname, p.relkind ORDER BY 1`,
        )
      ).rows.map((r) => `${r.table}:${r.kind}:${r.foreign}`),
    );
    assert.deepEqual(kinds, ['contact:p:1', 'interaction:p:1', 'sd_segment_member:p:1']);
  });

  it("opens the partitioned database again without changing it (segmentd's migration as it is)", async () => {
    const { store, migration } = await openStore({ schema, databaseUrl: coordinatorUrl });
    await store.close();
    assert.deepEqual(migration, { createdTables: [], addedColumns: [] });
  });

  it('loads the same rows into both databases', async () => {
    for (const side of both()) {
      assert.equal(await side.readerRecords.count('contact'), data.contacts.length, side.name);
      assert.equal(await side.readerRecords.count('interaction'), data.interactions.length, side.name);
    }
  });

  const FIXED_QUERIES = [
    "PROFILE(contact).FILTER(address1_city == 'SEATTLE')",
    'PROFILE(contact).FILTER(ISNULL(birthdate) || numberofchildren >= 3)',
    "PROFILE(account).FILTER(address1_city == 'paris').TRAVERSE(contact_account_parentcustomerid)",
    'PROFILE(account).FILTER(numberofemployees < 50).TRAVERSE(account_parent_account).TRAVERSE(account_account_parentaccountid).TRAVERSE(contact_customer_accounts)',
    'INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() > 0, UTCDAYS(30))',
    "INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(EmailId == 'e1').HAVING(COUNT() > 2)",
    'PROFILE(contact).FILTER(donotemail == FALSE) EXCEPT INTERACTION(FormSubmitted, FormSubmitted_ContactLink).HAVING(SUM(Value) > 100)',
    `SEGMENT(${queryName(STATIC_ID)})`,
    `SEGMENT(${queryName(STATIC_ID)}) INTERSECT PROFILE(contact).FILTER(numberofchildren >= 1)`,
    `SEGMENT(${queryName(STATIC_ID)}) UNION INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() > 3)`,
    `SEGMENT(${queryName(DYNAMIC_ID)}) EXCEPT SEGMENT(${queryName(STATIC_ID)})`,
  ];

  it('gives the same segment members (PROFILE, TRAVERSE, INTERACTION…HAVING, SEGMENT, set operations)', async () => {
    for (const text of FIXED_QUERIES) {
      const [a, b] = await onBoth((side) => members(side, text));
      assert.ok(a.length > 0, `the data should give members for ${text}`);
      assert.deepEqual(b, a, text);
    }
  });

  it(`gives the same members as a single server, and the independently computed ones, for ${RANDOM_QUERIES} random queries`, async () => {
    const generator = new QueryGenerator(prng(11), data);
    for (let i = 0; i < RANDOM_QUERIES; i++) {
      const q = generator.setExpression();
      const expected = sortedIds(q.members(data));
      for (const side of both())
        assert.deepEqual(await members(side, q.text), expected, `#${i} ${side.name}: ${q.text}`);
    }
  });

  it('gives the same ordered page of a shaped segment query', async () => {
    const text =
      "(PROFILE(contact).FILTER(address1_city == 'PARIS' || numberofchildren >= 2)).ORDERBY(lastname ASC, birthdate DESC).SKIP(7).TAKE(40).SELECT(fullname, birthdate, contactid)";
    const [a, b] = await onBoth((side) => shapedRows(side, text));
    assert.equal(a.length, 40);
    assert.deepEqual(b, a);
  });

  it('computes the same members in the database (replace, add and remove from a query)', async () => {
    const results: unknown[] = [];
    for (const side of both()) {
      const store = side.stores[0]!;
      const key = (await keysOf(store, 'msdyncrm_segment', 'msdyncrm_segmentid')).get(COMPUTED_ID)!;
      const query = async (text: string) => {
        const prepared = await prepareSegmentQuery(side.records, text, { now: NOW, requireContact: true });
        if ('errors' in prepared) assert.fail(prepared.errors.map((e) => e.message).join('\n'));
        return { query: prepared.members };
      };
      const replaced = await store.membership.replaceFromQuery(
        key,
        await query('INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() > 1)'),
        NOW,
      );
      const again = await store.membership.replaceFromQuery(
        key,
        await query('INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() > 2)'),
        NOW,
      );
      const added = await store.membership.addFromQuery(
        key,
        await query("PROFILE(contact).FILTER(address1_city == 'lyon')"),
        NOW,
      );
      const removed = await store.membership.removeFromQuery(
        key,
        await query('PROFILE(contact).FILTER(donotemail == TRUE)'),
      );
      const contactIds = new Map(
        [...(await keysOf(store, 'contact', 'contactid'))].map(([id, k]) => [k, id]),
      );
      const stored = [...(await store.membership.members(key))].map((k) => contactIds.get(k));
      results.push({ replaced, again, added, removed, members: sortedIds(stored as string[]) });
    }
    const [a, b] = results as [{ replaced: { added: number } }, unknown];
    assert.ok(a.replaced.added > 0);
    assert.deepEqual(b, a);
    // And the query over the stored members agrees with the membership table.
    const [x, y] = await onBoth((side) => members(side, `SEGMENT(${queryName(COMPUTED_ID)})`));
    assert.deepEqual(y, x);
    assert.deepEqual(x, (results[0] as { members: string[] }).members);
  });

  const FETCHES = [
    // An inner link-entity to the (unpartitioned) account, filtered on both sides.
    `<fetch count="70"><entity name="contact"><attribute name="contactid"/><attribute name="lastname"/><attribute name="address1_city"/>
      <filter><condition attribute="donotemail" operator="eq" value="0"/></filter>
      <link-entity name="account" from="accountid" to="parentcustomerid" alias="a"><attribute name="name"/><attribute name="address1_city"/>
        <filter><condition attribute="numberofemployees" operator="ge" value="50"/></filter></link-entity>
      <order attribute="lastname"/><order attribute="contactid"/></entity></fetch>`,
    // Aggregates over a partitioned table, grouped.
    `<fetch aggregate="true"><entity name="contact"><attribute name="contactid" alias="n" aggregate="count"/>
      <attribute name="numberofchildren" alias="kids" aggregate="sum"/><attribute name="numberofchildren" alias="most" aggregate="max"/>
      <attribute name="numberofchildren" alias="kinds" aggregate="countcolumn" distinct="true"/>
      <attribute name="address1_city" alias="city" groupby="true"/><order alias="city"/></entity></fetch>`,
    // An aggregate over an outer link from a local table into a partitioned one.
    `<fetch aggregate="true"><entity name="account"><attribute name="name" alias="name" groupby="true"/>
      <link-entity name="contact" from="parentcustomerid" to="accountid" link-type="outer"><attribute name="contactid" alias="contacts" aggregate="countcolumn"/></link-entity>
      <order alias="name"/></entity></fetch>`,
    // Segment members through the membership link, paged with cookies.
    `<fetch count="25" returntotalrecordcount="true"><entity name="contact"><attribute name="fullname"/><attribute name="contactid"/>
      <link-entity name="msdyncrm_segment" from="msdyncrm_segmentid" to="msdyncrm_segmentmemberid" alias="s">
        <filter><condition attribute="msdyncrm_segmentid" operator="eq" value="${STATIC_ID}"/></filter></link-entity>
      <order attribute="fullname"/><order attribute="contactid"/></entity></fetch>`,
    // Contacts in no segment: an outer link and a null test.
    `<fetch count="100"><entity name="contact"><attribute name="contactid"/>
      <link-entity name="msdyncrm_segment" from="msdyncrm_segmentid" to="msdyncrm_segmentmemberid" link-type="outer" alias="s"/>
      <filter><condition entityname="s" attribute="msdyncrm_segmentid" operator="null"/></filter><order attribute="contactid"/></entity></fetch>`,
  ];

  it('gives the same FetchXML pages (link-entity, aggregates, segment membership, paging)', async () => {
    for (const text of FETCHES) {
      const [a, b] = await onBoth((side) => fetchPages(side, text));
      assert.ok(
        a.some((p) => p.rows.length > 0),
        `the data should give rows for ${text}`,
      );
      assert.deepEqual(b, a, text);
    }
  });

  const ODATA = [
    "contacts?$select=firstname,lastname,address1_city,numberofchildren&$filter=contains(lastname,'m') and numberofchildren ge 1&$orderby=lastname,contactid&$count=true",
    "contacts?$select=lastname,birthdate&$expand=parentcustomerid_account($select=name,address1_city)&$filter=parentcustomerid_account/address1_city eq 'Paris'&$orderby=birthdate desc,contactid",
    'accounts?$select=name&$expand=contact_customer_accounts($select=lastname,jobtitle;$orderby=contactid)&$filter=contact_customer_accounts/any(c: c/numberofchildren ge 3)&$orderby=name,accountid',
    'contacts?$select=lastname&$orderby=createdon,contactid',
    `contacts?fetchXml=${encodeURIComponent(
      `<fetch><entity name="contact"><attribute name="lastname"/><attribute name="jobtitle"/>
        <filter><condition attribute="jobtitle" operator="like" value="%sales%"/></filter><order attribute="contactid"/></entity></fetch>`,
    )}`,
  ];

  it('answers the same OData queries over HTTP (filters, expand, any, paging, fetchXml)', async () => {
    for (const path of ODATA) {
      const [a, b] = await onBoth((side) => getAll(side, path, 120));
      assert.ok(
        a.length > 1 || JSON.stringify(a).includes('"value":[{'),
        `the data should give rows for ${path}`,
      );
      assert.deepEqual(b, a, path);
    }
    for (const c of [data.contacts[0]!, data.contacts[1]!, data.contacts[2]!, data.contacts[3]!]) {
      const path = `contacts(${c.id})?$select=lastname,address1_city,birthdate&$expand=parentcustomerid_contact($select=lastname)`;
      const [a, b] = await onBoth((side) => getAll(side, path));
      assert.deepEqual(b, a, path);
    }
  });

  it('answers msdyncrm_FetchContactsByQuery the same over HTTP', async () => {
    const call = (side: Side) =>
      side.app.inject({
        method: 'POST',
        url: '/api/data/v9.0/msdyncrm_FetchContactsByQuery',
        payload: {
          Query: `(SEGMENT(${queryName(STATIC_ID)}) INTERSECT INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() > 0)).ORDERBY(fullname ASC).SKIP(3).TAKE(20).SELECT(fullname, contactid)`,
          Scope: 270100000,
        },
      });
    const [a, b] = await onBoth(async (side) => body(await call(side)));
    assert.ok(((a as { Contacts: unknown[] }).Contacts ?? []).length > 0, JSON.stringify(a));
    assert.deepEqual(b, a);
  });

  it('updates and deletes rows on either server through segmentd, with the same results', async () => {
    const targets = data.contacts.slice(10, 30);
    for (const side of both()) {
      for (const c of targets.slice(0, 10)) {
        const res = await side.app.inject({
          method: 'PATCH',
          url: `/api/data/v9.0/contacts(${c.id})`,
          payload: { jobtitle: 'Scaled out', numberofchildren: 9 },
        });
        assert.equal(res.statusCode, 204, res.body);
      }
      for (const c of targets.slice(10)) {
        const res = await side.app.inject({ method: 'DELETE', url: `/api/data/v9.0/contacts(${c.id})` });
        assert.equal(res.statusCode, 204, res.body);
      }
    }
    const path = `contacts?$select=lastname,jobtitle,numberofchildren&$filter=numberofchildren eq 9 or contactid eq ${targets[15]!.id}&$orderby=contactid`;
    const [a, b] = await onBoth((side) => getAll(side, path));
    assert.equal(JSON.stringify(a).match(/Scaled out/g)?.length, 10, JSON.stringify(a));
    assert.deepEqual(b, a);
    for (const side of both()) {
      assert.equal(await side.readerRecords.count('contact'), data.contacts.length - 10, side.name);
    }
  });

  it('grows with the schema: new columns on the other servers first, then segmentd migrates the coordinator', async () => {
    const grown = schemaFromDocument({
      entities: [
        {
          logicalName: 'contact',
          attributes: [{ logicalName: 'new_tier', type: 'Integer', indexed: true }],
        },
        {
          logicalName: 'new_subscription',
          entitySetName: 'new_subscriptions',
          primaryNameAttribute: 'new_name',
          attributes: [{ logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] }],
        },
      ],
    });
    await runStatements(shardUrl, remoteGrowthSql(schema, grown, 1));
    const tiered = data.contacts.slice(40, 100);
    const results: string[][] = [];
    for (const side of both()) {
      const url = side === single ? singleUrl : coordinatorUrl;
      const { store, migration } = await openStore({ schema: grown, databaseUrl: url });
      try {
        assert.deepEqual(migration, {
          createdTables: ['new_subscription'],
          addedColumns: ['contact.new_tier'],
        });
        const records = new RecordService(store, { now: () => NOW });
        for (const [i, c] of tiered.entries())
          await records.update('contact', c.id, { new_tier: i % 4 }, { upsert: false });
        const prepared = await prepareSegmentQuery(records, 'PROFILE(contact).FILTER(new_tier >= 2)', {
          now: NOW,
        });
        if ('errors' in prepared) assert.fail(prepared.errors.map((e) => e.message).join('\n'));
        results.push(sortedIds((await store.select(prepared.query)).map((r) => String(r.id))));
      } finally {
        await store.close();
      }
    }
    assert.deepEqual(results[0], sortedIds(tiered.filter((_, i) => i % 4 >= 2).map((c) => c.id)));
    assert.deepEqual(results[1], results[0]);
  });
});
