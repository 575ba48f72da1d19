import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { attrRef, cmp, entitySource, keyRef, lit, select } from '../../src/ir/build.ts';
import { storeTargets } from '../support/stores.ts';
import type { TestApi } from './harness.ts';
import { expectError, json, openTestApi } from './harness.ts';

/**
 * msdyncrm_FetchContactsByQuery over HTTP on every store: the query's page with its SELECT
 * columns, or a FetchXML query restricted to the query's contacts, the business-unit scope, and
 * every error case; expected contacts computed from the inserted rows.
 */

interface Person {
  firstname: string | null;
  lastname: string;
  city: string;
  email: string | null;
}

const PEOPLE: Person[] = Array.from({ length: 24 }, (_, i) => ({
  firstname: i % 5 === 0 ? null : `F${String(i).padStart(2, '0')}`,
  lastname: `L${String((i * 7) % 24).padStart(2, '0')}`,
  city: i % 3 === 0 ? 'Paris' : i % 3 === 1 ? 'paris' : 'Rome',
  email: i % 4 === 0 ? null : `p${i}@example.com`,
}));

const fullname = (p: Person) => (p.firstname === null ? p.lastname : `${p.firstname} ${p.lastname}`);

for (const target of storeTargets()) {
  describe(`msdyncrm_FetchContactsByQuery (${target.name})`, () => {
    let api: TestApi;
    const ids = new Map<Person, string>();
    let segmentId: string;
    let staticMembers: Person[];
    before(async () => {
      api = await openTestApi(target);
      for (const p of PEOPLE) {
        ids.set(
          p,
          await api.create('contacts', {
            firstname: p.firstname,
            lastname: p.lastname,
            address1_city: p.city,
            emailaddress1: p.email,
          }),
        );
      }
      // A static segment whose members are stored in the membership table.
      segmentId = (
        await api.records.create('msdyncrm_segment', {
          msdyncrm_segmentname: 'Static members',
          msdyncrm_segmenttype: 192350001,
        })
      ).id;
      staticMembers = PEOPLE.filter((_, i) => i % 2 === 0);
      const keyOf = async (entity: string, idAttr: string, id: string) =>
        Number(
          (
            await api.store.select(
              select(entitySource(entity, 'r'), [{ expr: keyRef('r'), as: 'k' }], {
                where: cmp('=', attrRef('r', idAttr), lit(id, 'guid')),
              }),
            )
          )[0]?.k,
        );
      const segmentKey = await keyOf('msdyncrm_segment', 'msdyncrm_segmentid', segmentId);
      const keys: number[] = [];
      for (const p of staticMembers) keys.push(await keyOf('contact', 'contactid', ids.get(p)!));
      await api.store.membership.add(segmentKey, keys, new Date());
    });
    after(async () => {
      await api.close();
    });

    const call = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      api.request({ method: 'POST', url: 'msdyncrm_FetchContactsByQuery', payload: body, headers });

    const queryName = () => `SEGMENT_CRM_ID_${segmentId.replaceAll('-', '')}`;

    it('answers the page of the query with its SELECT columns, ordered, with the total', async () => {
      const res = await call({
        Query:
          "(PROFILE(contact).FILTER(address1_city == 'PARIS')).ORDERBY(fullname ASC).SKIP(2).TAKE(5).SELECT(fullname, contactid)",
        FetchXml: null,
        OwningBusinessUnit: null,
        Scope: 270100000,
        TimeZone: null,
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = json(res);
      assert.equal(
        body['@odata.context'],
        'http://localhost:80/api/data/v9.0/$metadata#Microsoft.Dynamics.CRM.msdyncrm_FetchContactsByQueryResponse',
      );
      const paris = PEOPLE.filter((p) => p.city.toLowerCase() === 'paris').sort((a, b) =>
        fullname(a).toLowerCase() < fullname(b).toLowerCase() ? -1 : 1,
      );
      const contacts = body.Contacts as Record<string, unknown>[];
      assert.deepEqual(
        contacts.map((c) => c.fullname),
        paris.slice(2, 7).map(fullname),
      );
      assert.deepEqual(
        contacts.map((c) => c.contactid),
        paris.slice(2, 7).map((p) => ids.get(p)),
      );
      assert.equal(contacts[0]?.emailaddress1, undefined, 'only the SELECT columns');
      assert.equal(body.TotalRecordCount, paris.length);
      assert.equal(body.MoreRecords, true);
      assert.equal(body.PagingCookie, null);
    });

    it('reads a static segment by its query name, as the original UI asks', async () => {
      const res = await call({
        Query: `(SEGMENT(${queryName()})).ORDERBY(fullname ASC).SKIP(0).TAKE(15).SELECT(contactid)`,
        Scope: 270100000,
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = json(res);
      const expected = [...staticMembers]
        .sort((a, b) => (fullname(a).toLowerCase() < fullname(b).toLowerCase() ? -1 : 1))
        .slice(0, 12)
        .map((p) => ids.get(p));
      assert.deepEqual(
        (body.Contacts as { contactid: string }[]).map((c) => c.contactid),
        expected,
      );
      assert.equal(body.TotalRecordCount, staticMembers.length);
      assert.equal(body.MoreRecords, false);
    });

    it('runs the FetchXml on the query’s contacts: columns, filters, orders, paging and the count', async () => {
      const fetch = (page: number) =>
        `<fetch count="4" page="${page}" returntotalrecordcount="true"><entity name="contact">` +
        '<attribute name="fullname"/><attribute name="emailaddress1"/><attribute name="contactid"/>' +
        '<filter><condition attribute="emailaddress1" operator="not-null"/></filter>' +
        '<order attribute="fullname" descending="true"/></entity></fetch>';
      const members = staticMembers
        .filter((p) => p.email !== null)
        .sort((a, b) => (fullname(a).toLowerCase() < fullname(b).toLowerCase() ? 1 : -1));
      const first = json(await call({ Query: `SEGMENT(${queryName()})`, FetchXml: fetch(1) }));
      const contacts = first.Contacts as Record<string, unknown>[];
      assert.deepEqual(
        contacts.map((c) => c.fullname),
        members.slice(0, 4).map(fullname),
      );
      assert.equal(contacts[0]?.emailaddress1, members[0]?.email);
      assert.equal(first.TotalRecordCount, members.length);
      assert.equal(first.MoreRecords, true);
      assert.match(String(first.PagingCookie), /pagingcookie/);
      const second = json(await call({ Query: `SEGMENT(${queryName()})`, FetchXml: fetch(2) }));
      assert.deepEqual(
        (second.Contacts as Record<string, unknown>[]).map((c) => c.fullname),
        members.slice(4, 8).map(fullname),
      );
    });

    it('limits the contacts to a business unit when Scope says so', async () => {
      const { businessUnitId } = await api.records.ensureDefaults();
      const query = "PROFILE(contact).FILTER(address1_city == 'Rome')";
      const rome = PEOPLE.filter((p) => p.city === 'Rome').length;
      const mine = json(await call({ Query: query, Scope: 270100001, OwningBusinessUnit: businessUnitId }));
      assert.equal(mine.TotalRecordCount, rome);
      const other = json(
        await call({
          Query: query,
          Scope: 270100001,
          OwningBusinessUnit: '{0B4B85CC-7F6C-EA11-A811-000D3A54D359}',
        }),
      );
      assert.equal(other.TotalRecordCount, 0);
      assert.deepEqual(other.Contacts, []);
    });

    it('refuses bad input with a clear 400', async () => {
      expectError(await call({}), 400, '0x80040203', /'Query' is required/);
      expectError(
        await call({ Query: 'PROFILE(contact).FILTER(emailadress1 == 1)' }),
        400,
        '0x80040203',
        /UnknownAttribute: unknown attribute 'emailadress1' on contact \(did you mean 'emailaddress1'.*\) at 1:25/,
      );
      expectError(await call({ Query: 'PROFILE(account)' }), 400, '0x80040203', /TargetNotContact/);
      expectError(await call({ Query: 'PROFILE(contact)', Scope: 5 }), 400, '0x80040203', /'Scope' must be/);
      expectError(
        await call({ Query: 'PROFILE(contact)', Scope: 270100001 }),
        400,
        '0x80040203',
        /needs 'OwningBusinessUnit'/,
      );
      expectError(
        await call({ Query: 'PROFILE(contact)', TimeZone: 'UTC' }),
        400,
        '0x80040203',
        /'TimeZone' must be/,
      );
      expectError(await call({ Query: 'PROFILE(contact)', Top: 3 }), 400, '0x80040203', /no parameter 'Top'/);
      expectError(
        await call({ Query: 'PROFILE(contact)', FetchXml: '<fetch><entity name="account"/></fetch>' }),
        400,
        '0x80040303',
      );
      expectError(
        await call({ Query: 'PROFILE(contact).TAKE(6000)' }),
        400,
        '0x80040203',
        /TAKE\(6000\) is more than the 5000/,
      );
    });

    it('is declared in $metadata with its parameters and response type', async () => {
      const res = await api.request({ url: '$metadata' });
      assert.match(res.body, /<Action Name="msdyncrm_FetchContactsByQuery"/);
      assert.match(res.body, /<ComplexType Name="msdyncrm_FetchContactsByQueryResponse"/);
      assert.match(res.body, /<Property Name="Contacts" Type="Collection\(mscrm.contact\)"/);
    });
  });
}
