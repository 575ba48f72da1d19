import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { RecordService } from '../../src/engine/records.ts';
import { buildApp } from '../../src/http/app.ts';
import { attrRef, cmp, entitySource, keyRef, lit, select } from '../../src/ir/build.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore, storeTargets, type StoreLocation } from '../support/stores.ts';
import { BASE, json } from './harness.ts';

/**
 * Deep pages of msdyncrm_FetchContactsByQuery over a static segment, which are cut from an
 * ordered member list kept between requests (src/segment/member-order-cache.ts): every write
 * committed after a page was served — a contact renamed through the Web API, members removed
 * through the store, a write by another process on the same PostgreSQL database — shows in the
 * next page. SKIP(1500) and deeper is cut from the list on every store.
 */

const CONTACTS = 1_600;
const DEEP = 1_500;
const schema = schemaFromDocument(undefined);

/** Contact i's last name: its place in name order. */
const lastname = (i: number) => `L${String(i).padStart(5, '0')}`;

for (const target of storeTargets()) {
  describe(`msdyncrm_FetchContactsByQuery deep pages stay current (${target.name})`, () => {
    let store: Store;
    let location: StoreLocation;
    let records: RecordService;
    let app: FastifyInstance;
    let queryName: string;
    let segmentKey: number;
    /** Contact ids by name order (index i: last name L0000i). */
    let ids: string[];

    before(async () => {
      ({ store, location } = await openTestStore(target, schema));
      records = new RecordService(store);
      await records.ensureDefaults();
      app = buildApp({ records, schema });
      ids = await records.createMultiple(
        'contact',
        Array.from({ length: CONTACTS }, (_, i) => ({ lastname: lastname(i) })),
      );
      const segment = await records.create('msdyncrm_segment', {
        msdyncrm_segmentname: 'Deep pages',
        msdyncrm_segmenttype: 192350001,
      });
      queryName = `SEGMENT_CRM_ID_${segment.id.replaceAll('-', '')}`;
      segmentKey = (await records.keyOf('msdyncrm_segment', segment.id)) as number;
      const keys = await contactKeys(ids);
      await store.membership.add(segmentKey, keys, new Date());
    });
    after(async () => {
      await app.close();
      await store.close();
    });

    async function contactKeys(list: readonly string[]): Promise<number[]> {
      const rows = await store.select(
        select(entitySource('contact', 'c'), [
          { expr: keyRef('c'), as: 'k' },
          { expr: attrRef('c', 'contactid'), as: 'id' },
        ]),
      );
      const byId = new Map(rows.map((r) => [String(r.id), Number(r.k)]));
      return list.map((id) => byId.get(id) as number);
    }

    async function idByName(from: Store, fullname: string): Promise<string> {
      const rows = await from.select(
        select(entitySource('contact', 'c'), [{ expr: attrRef('c', 'contactid'), as: 'id' }], {
          where: cmp('=', attrRef('c', 'fullname'), lit(fullname, 'string')),
        }),
      );
      assert.equal(rows.length, 1, fullname);
      return String(rows[0]?.id);
    }

    const page = async (skip: number, fetchXml?: string) => {
      const res = await app.inject({
        method: 'POST',
        url: `${BASE}/msdyncrm_FetchContactsByQuery`,
        payload: {
          Query: `(SEGMENT(${queryName})).ORDERBY(fullname ASC).SKIP(${skip}).TAKE(15).SELECT(contactid, fullname)`,
          ...(fetchXml !== undefined ? { FetchXml: fetchXml } : {}),
        },
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = json(res);
      return {
        names: (body.Contacts as { fullname: string }[]).map((c) => c.fullname),
        total: body.TotalRecordCount as number,
        more: body.MoreRecords as boolean,
      };
    };

    /** What the page at `skip` must be, given the current last names in name order. */
    const expected = (names: readonly string[], skip: number) => [...names].sort().slice(skip, skip + 15);

    it('answers a deep page, and the next one after a contact was renamed through the Web API', async () => {
      const names = Array.from({ length: CONTACTS }, (_, i) => lastname(i));
      const first = await page(DEEP);
      assert.deepEqual(first.names, expected(names, DEEP));
      assert.equal(first.total, CONTACTS);
      assert.equal(first.more, true);
      // Served again from the kept list: the same page.
      assert.deepEqual((await page(DEEP)).names, expected(names, DEEP));

      // Contact 10 moves to the end of the order: every later page shifts by one.
      const renamed = await app.inject({
        method: 'PATCH',
        url: `${BASE}/contacts(${ids[10]})`,
        payload: { lastname: 'Zz moved' },
      });
      assert.equal(renamed.statusCode, 204, renamed.body);
      names[10] = 'Zz moved';
      assert.deepEqual((await page(DEEP)).names, expected(names, DEEP));
      const last = await page(CONTACTS - 15);
      assert.deepEqual(last.names, expected(names, CONTACTS - 15));
      assert.equal(last.names.at(-1), 'Zz moved');
      assert.equal(last.more, false);
    });

    it('shows members removed through the store in the next page and total', async () => {
      const before = await page(DEEP);
      const gone = await contactKeys([ids[DEEP + 1] as string, ids[DEEP + 3] as string]);
      assert.equal(await store.membership.remove(segmentKey, gone), 2);
      try {
        const after = await page(DEEP);
        assert.equal(after.total, before.total - 2);
        const removed = [lastname(DEEP + 1), lastname(DEEP + 3)];
        assert.ok(removed.every((n) => before.names.includes(n)));
        assert.deepEqual(
          after.names.slice(0, 13),
          before.names.filter((n) => !removed.includes(n)),
        );
        assert.equal(after.names.length, 15);
      } finally {
        await store.membership.add(segmentKey, gone, new Date());
      }
      assert.deepEqual((await page(DEEP)).names, before.names);
    });

    it('runs the seed FetchXml on the deep page and follows a rename', async () => {
      const fetchXml =
        '<fetch count="15" page="1" returntotalrecordcount="true"><entity name="contact">' +
        '<attribute name="fullname"/><attribute name="contactid"/>' +
        '<order attribute="fullname" descending="false"/></entity></fetch>';
      const before = await page(DEEP + 15, fetchXml);
      assert.equal(before.names.length, 15);
      assert.equal(before.total, 15, 'the FetchXml counts the contacts of the query’s page');
      // The first contact of that page moves to the end of the order: the page shifts by one.
      const [firstName] = before.names;
      const id = await idByName(store, firstName as string);
      await records.update('contact', id, { lastname: 'Zz last' }, { upsert: false });
      const after = await page(DEEP + 15, fetchXml);
      // Not the renamed contact (now at the very end), but the one after the old page.
      assert.ok(!after.names.includes(firstName as string) && !after.names.includes('Zz last'));
      assert.deepEqual(after.names.slice(0, 14), before.names.slice(1));
      assert.equal(after.names.length, 15);
      await records.update('contact', id, { lastname: firstName as string }, { upsert: false });
      assert.deepEqual((await page(DEEP + 15, fetchXml)).names, before.names);
    });

    if (target.name === 'postgres') {
      it('shows a write by another process on the same database in the next page', async () => {
        const { store: other } = await openStore({ schema, ...location });
        try {
          const otherRecords = new RecordService(other);
          const before = await page(DEEP);
          // The other process renames the page's first contact to the end of the order…
          const moved = await idByName(other, before.names[0] as string);
          await otherRecords.update('contact', moved, { lastname: 'Zzz elsewhere' }, { upsert: false });
          const renamed = await page(DEEP);
          assert.deepEqual(renamed.names.slice(0, 14), before.names.slice(1));
          // … and removes the (new) first member of the page from the segment.
          const [removed] = await contactKeys([await idByName(other, renamed.names[0] as string)]);
          assert.equal(await other.membership.remove(segmentKey, [removed as number]), 1);
          const shrunk = await page(DEEP);
          assert.equal(shrunk.total, renamed.total - 1);
          assert.deepEqual(shrunk.names.slice(0, 14), renamed.names.slice(1));
          await other.membership.add(segmentKey, [removed as number], new Date());
          await otherRecords.update(
            'contact',
            moved,
            { lastname: before.names[0] as string },
            { upsert: false },
          );
          assert.deepEqual((await page(DEEP)).names, before.names);
        } finally {
          await other.close();
        }
      });
    }
  });
}
