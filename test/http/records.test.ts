import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeTargets } from '../support/stores.ts';
import type { TestApi } from './harness.ts';
import { BASE, ROOT_URL, expectError, idFromUrl, json, openTestApi } from './harness.ts';

const MISSING = '00000000-0000-0000-0000-0000000000aa';

for (const target of storeTargets()) {
  describe(`Web API records (${target.name})`, () => {
    let api: TestApi;
    before(async () => {
      api = await openTestApi(target);
    });
    after(async () => {
      await api.close();
    });

    it('creates with 204 and OData-EntityId, or 201 with the record for return=representation', async () => {
      const res = await api.request({ method: 'POST', url: 'accounts', payload: { name: 'Contoso' } });
      assert.equal(res.statusCode, 204);
      assert.equal(res.body, '');
      assert.equal(res.headers['odata-version'], '4.0');
      const url = String(res.headers['odata-entityid']);
      assert.match(url, /^http:\/\/localhost:80\/api\/data\/v9\.0\/accounts\([0-9a-f-]{36}\)$/);
      const rep = await api.request({
        method: 'POST',
        url: 'contacts?$select=firstname,lastname,fullname',
        headers: { prefer: 'return=representation' },
        payload: {
          firstname: 'Ada',
          lastname: 'Lovelace',
          'parentcustomerid_account@odata.bind': `/accounts(${idFromUrl(url)})`,
        },
      });
      assert.equal(rep.statusCode, 201, rep.body);
      assert.equal(rep.headers['content-type'], 'application/json; odata.metadata=minimal');
      assert.equal(rep.headers['preference-applied'], 'return=representation');
      const body = json(rep);
      assert.deepEqual(Object.keys(body), [
        '@odata.context',
        '@odata.etag',
        'firstname',
        'lastname',
        'fullname',
        'contactid',
      ]);
      assert.equal(
        body['@odata.context'],
        `${ROOT_URL}/$metadata#contacts(firstname,lastname,fullname)/$entity`,
      );
      assert.equal(body.fullname, 'Ada Lovelace');
      assert.match(String(body['@odata.etag']), /^W\/"\d+"$/);
      assert.equal(rep.headers.location, `${ROOT_URL}/contacts(${String(body.contactid)})`);
    });

    it('keeps a client-supplied id and serves every v9.x version the same', async () => {
      const id = '6b1e6c4a-1111-4222-8333-944445555666';
      await api.create('contacts', { contactid: id, lastname: 'Versioned' });
      for (const v of ['v9.0', 'v9.1', 'v9.2']) {
        const res = await api.request({
          url: `/api/data/${v}/contacts(${id.toUpperCase()})?$select=lastname`,
        });
        assert.equal(res.statusCode, 200, `${v}: ${res.body}`);
        assert.equal(
          json(res)['@odata.context'],
          `http://localhost:80/api/data/${v}/$metadata#contacts(lastname)/$entity`,
        );
      }
      expectError(
        await api.request({ url: `/api/data/v8.2/contacts(${id})` }),
        404,
        '0x8006088a',
        /segment 'v8\.2'/,
      );
    });

    it('reads a record with every property, lookups as _x_value and nulls included', async () => {
      const account = await api.create('accounts', { name: 'Fabrikam', revenue: 1000 });
      const id = await api.create('contacts', {
        lastname: 'Hopper',
        birthdate: '1906-12-09',
        'parentcustomerid_account@odata.bind': `accounts(${account})`,
      });
      const res = await api.request({ url: `contacts(${id})` });
      assert.equal(res.statusCode, 200);
      const body = json(res);
      assert.equal(body['@odata.context'], `${ROOT_URL}/$metadata#contacts/$entity`);
      assert.equal(Object.keys(body)[1], '@odata.etag');
      assert.equal(res.headers.etag, body['@odata.etag']);
      assert.equal(body.contactid, id);
      assert.equal(body._parentcustomerid_value, account);
      assert.equal(body.birthdate, '1906-12-09');
      assert.equal(body.firstname, null);
      assert.equal(body.statecode, 0);
      assert.ok('emailaddress1' in body);
      for (const k of Object.keys(body)) {
        assert.ok(!k.startsWith('sd_'), k);
        assert.notEqual(k, 'parentcustomerid');
        assert.notEqual(k, 'parentcustomeridtype');
      }
    });

    it('answers 404 for a missing record and 400 for a malformed key', async () => {
      expectError(
        await api.request({ url: `contacts(${MISSING})` }),
        404,
        '0x80040217',
        new RegExp(`contact With Id = ${MISSING} Does Not Exist`),
      );
      expectError(await api.request({ url: 'contacts(not-a-guid)' }), 400, '0x80060888', /Edm\.Guid/);
      expectError(await api.request({ url: `contacts(guid'${MISSING}')` }), 400, '0x80060888', /Edm\.Guid/);
    });

    it('answers 304 to If-None-Match with the current ETag, except with $expand or annotations', async () => {
      const id = await api.create('contacts', { lastname: 'Cached' });
      const first = await api.request({ url: `contacts(${id})?$select=lastname` });
      const etag = String(json(first)['@odata.etag']);
      const again = await api.request({
        url: `contacts(${id})?$select=lastname`,
        headers: { 'if-none-match': etag },
      });
      assert.equal(again.statusCode, 304);
      assert.equal(again.body, '');
      const nullTag = await api.request({
        url: `contacts(${id})?$select=lastname`,
        headers: { 'if-none-match': 'null' },
      });
      assert.equal(nullTag.statusCode, 200);
      const annotated = await api.request({
        url: `contacts(${id})?$select=lastname`,
        headers: { 'if-none-match': etag, prefer: 'odata.include-annotations="*"' },
      });
      assert.equal(annotated.statusCode, 200);
      const expanded = await api.request({
        url: `contacts(${id})?$select=lastname&$expand=parentcustomerid_account`,
        headers: { 'if-none-match': etag },
      });
      assert.equal(expanded.statusCode, 200);
    });

    it('updates with PATCH (204, or 200 with the record) and upserts a missing id', async () => {
      const id = await api.create('contacts', { firstname: 'Grace', lastname: 'Brewster' });
      const patched = await api.request({
        method: 'PATCH',
        url: `contacts(${id})`,
        payload: { lastname: 'Hopper' },
      });
      assert.equal(patched.statusCode, 204, patched.body);
      assert.equal(patched.headers['odata-entityid'], `${ROOT_URL}/contacts(${id})`);
      const rep = await api.request({
        method: 'PATCH',
        url: `contacts(${id})?$select=fullname`,
        headers: { prefer: 'return=representation' },
        payload: { jobtitle: 'Rear Admiral' },
      });
      assert.equal(rep.statusCode, 200, rep.body);
      assert.deepEqual(Object.keys(json(rep)), ['@odata.context', '@odata.etag', 'fullname', 'contactid']);
      assert.equal(json(rep).fullname, 'Grace Hopper');
      const newId = '1c0ffee0-0000-4000-8000-000000000001';
      const upsert = await api.request({
        method: 'PATCH',
        url: `contacts(${newId})`,
        payload: { lastname: 'Upserted' },
      });
      assert.equal(upsert.statusCode, 204);
      const read = await api.request({ url: `contacts(${newId})/lastname` });
      assert.equal(json(read).value, 'Upserted');
    });

    it('honours If-Match and If-None-Match on PATCH and DELETE', async () => {
      const id = await api.create('contacts', { lastname: 'Concurrent' });
      const etag = String(
        json(await api.request({ url: `contacts(${id})?$select=lastname` }))['@odata.etag'],
      );
      expectError(
        await api.request({
          method: 'PATCH',
          url: `contacts(${id})`,
          headers: { 'if-match': 'W/"1"' },
          payload: { lastname: 'x' },
        }),
        412,
        '0x80060882',
        /doesn't match the RowVersion/,
      );
      const ok = await api.request({
        method: 'PATCH',
        url: `contacts(${id})`,
        headers: { 'if-match': etag },
        payload: { lastname: 'y' },
      });
      assert.equal(ok.statusCode, 204);
      expectError(
        await api.request({
          method: 'PATCH',
          url: `contacts(${id})`,
          headers: { 'if-none-match': '*' },
          payload: { lastname: 'z' },
        }),
        412,
        '0x80040237',
        /already exists/,
      );
      expectError(
        await api.request({
          method: 'PATCH',
          url: `contacts(${MISSING})`,
          headers: { 'if-match': '*' },
          payload: { lastname: 'z' },
        }),
        404,
        '0x80040217',
      );
      expectError(
        await api.request({ method: 'DELETE', url: `contacts(${id})`, headers: { 'if-match': etag } }),
        412,
        '0x80060882',
      );
      assert.equal((await api.request({ method: 'DELETE', url: `contacts(${id})` })).statusCode, 204);
      expectError(await api.request({ method: 'DELETE', url: `contacts(${id})` }), 404, '0x80040217');
    });

    it('reads, writes and clears single properties', async () => {
      const id = await api.create('contacts', { firstname: 'Alan', lastname: 'Turing', numberofchildren: 0 });
      const res = await api.request({ url: `contacts(${id})/firstname` });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(json(res), {
        '@odata.context': `${ROOT_URL}/$metadata#contacts(${id})/firstname`,
        value: 'Alan',
      });
      const raw = await api.request({ url: `contacts(${id})/numberofchildren/$value` });
      assert.equal(raw.statusCode, 200);
      assert.equal(raw.body, '0');
      assert.match(String(raw.headers['content-type']), /^text\/plain/);
      const put = await api.request({
        method: 'PUT',
        url: `contacts(${id})/firstname`,
        payload: { value: 'Alonzo' },
      });
      assert.equal(put.statusCode, 204, put.body);
      assert.equal(json(await api.request({ url: `contacts(${id})/fullname` })).value, 'Alonzo Turing');
      const cleared = await api.request({ method: 'DELETE', url: `contacts(${id})/firstname` });
      assert.equal(cleared.statusCode, 204);
      // A null property has no content.
      const empty = await api.request({ url: `contacts(${id})/firstname` });
      assert.equal(empty.statusCode, 204);
      assert.equal(empty.body, '');
      expectError(
        await api.request({ method: 'PUT', url: `contacts(${id})/firstname`, payload: { nope: 1 } }),
        400,
        '0x80048d19',
        /\{"value"/,
      );
      expectError(
        await api.request({
          method: 'PUT',
          url: `contacts(${id})/numberofchildren`,
          payload: { value: 'many' },
        }),
        400,
        '0x80048d19',
        /Edm\.Int32/,
      );
      expectError(
        await api.request({ method: 'PUT', url: `contacts(${id})/fullname`, payload: { value: 'x' } }),
        400,
        '0x80048d19',
        /cannot be changed/,
      );
      expectError(
        await api.request({ method: 'DELETE', url: `contacts(${id})/contactid` }),
        400,
        '0x80048d19',
      );
      expectError(await api.request({ url: `contacts(${MISSING})/firstname` }), 404, '0x80040217');
      expectError(
        await api.request({ url: `contacts(${id})/nosuchproperty` }),
        404,
        '0x8006088a',
        /segment 'nosuchproperty'/,
      );
    });

    it('follows single- and collection-valued navigation properties', async () => {
      const account = await api.create('accounts', { name: 'Northwind' });
      const a = await api.create('contacts', {
        lastname: 'One',
        'parentcustomerid_account@odata.bind': `/accounts(${account})`,
      });
      await api.create('contacts', {
        lastname: 'Two',
        'parentcustomerid_account@odata.bind': `/accounts(${account})`,
      });
      const orphan = await api.create('contacts', { lastname: 'Orphan' });
      const single = await api.request({ url: `contacts(${a})/parentcustomerid_account?$select=name` });
      assert.equal(single.statusCode, 200, single.body);
      assert.equal(json(single)['@odata.context'], `${ROOT_URL}/$metadata#accounts(name)/$entity`);
      assert.equal(json(single).name, 'Northwind');
      assert.equal(
        (await api.request({ url: `contacts(${orphan})/parentcustomerid_account` })).statusCode,
        204,
      );
      const many = await api.request({
        url: `accounts(${account})/contact_customer_accounts?$select=lastname&$orderby=lastname desc`,
      });
      assert.equal(many.statusCode, 200, many.body);
      assert.equal(json(many)['@odata.context'], `${ROOT_URL}/$metadata#contacts(lastname)`);
      assert.deepEqual(
        (json(many).value as { lastname: string }[]).map((c) => c.lastname),
        ['Two', 'One'],
      );
      const count = await api.request({ url: `accounts(${account})/contact_customer_accounts/$count` });
      assert.equal(count.body, '\uFEFF2');
      expectError(
        await api.request({ url: `accounts(${MISSING})/contact_customer_accounts` }),
        404,
        '0x80040217',
      );
    });

    it('reads and writes $ref links', async () => {
      const account = await api.create('accounts', { name: 'Linked' });
      const c = await api.create('contacts', { lastname: 'Linker' });
      const put = await api.request({
        method: 'PUT',
        url: `contacts(${c})/parentcustomerid_account/$ref`,
        payload: { '@odata.id': `${ROOT_URL}/accounts(${account})` },
      });
      assert.equal(put.statusCode, 204, put.body);
      const ref = await api.request({ url: `contacts(${c})/parentcustomerid_account/$ref` });
      assert.deepEqual(json(ref), {
        '@odata.context': `${ROOT_URL}/$metadata#$ref`,
        '@odata.id': `${ROOT_URL}/accounts(${account})`,
      });
      const refs = await api.request({ url: `accounts(${account})/contact_customer_accounts/$ref` });
      assert.deepEqual(json(refs), {
        '@odata.context': `${ROOT_URL}/$metadata#Collection($ref)`,
        value: [{ '@odata.id': `${ROOT_URL}/contacts(${c})` }],
      });
      const other = await api.create('contacts', { lastname: 'Added' });
      const post = await api.request({
        method: 'POST',
        url: `accounts(${account})/contact_customer_accounts/$ref`,
        payload: { '@odata.id': `contacts(${other})` },
      });
      assert.equal(post.statusCode, 204, post.body);
      assert.equal(
        (await api.request({ url: `accounts(${account})/contact_customer_accounts/$count` })).body,
        '\uFEFF2',
      );
      const detach = await api.request({
        method: 'DELETE',
        url: `accounts(${account})/contact_customer_accounts/$ref?$id=${ROOT_URL}/contacts(${other})`,
      });
      assert.equal(detach.statusCode, 204, detach.body);
      const clear = await api.request({
        method: 'DELETE',
        url: `contacts(${c})/parentcustomerid_account/$ref`,
      });
      assert.equal(clear.statusCode, 204);
      assert.equal(
        (await api.request({ url: `accounts(${account})/contact_customer_accounts/$count` })).body,
        '\uFEFF0',
      );
      expectError(
        await api.request({
          method: 'PUT',
          url: `contacts(${c})/parentcustomerid_account/$ref`,
          payload: { '@odata.id': `contacts(${c})` },
        }),
        400,
        '0x80048d19',
        /must name a 'account' record/,
      );
    });

    it('counts with $count as text/plain after a BOM', async () => {
      const res = await api.request({ url: 'accounts/$count' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/plain/);
      assert.equal(res.rawPayload[0], 0xef);
      assert.equal(res.rawPayload[1], 0xbb);
      assert.equal(res.rawPayload[2], 0xbf);
      assert.match(res.body, /^\uFEFF\d+$/);
      const filtered = await api.request({ url: "accounts/$count?$filter=name eq 'Contoso'" });
      assert.equal(filtered.body, '\uFEFF1');
    });

    it('rejects bad bodies with 400 (never 500)', async () => {
      expectError(
        await api.request({
          method: 'POST',
          url: 'contacts',
          payload: { lastname: 'X', emailadress1: 'typo' },
        }),
        400,
        '0x80048d19',
        /'emailadress1' does not exist/,
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'contacts',
          headers: { 'content-type': 'application/json' },
          payload: '{"lastname": "X",',
        }),
        400,
        '0x80048d19',
        /not valid JSON/,
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'contacts',
          headers: { 'content-type': 'application/json' },
          payload: '[1,2]',
        }),
        400,
        '0x80048d19',
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'contacts',
          headers: { 'content-type': 'application/json' },
          payload: '',
        }),
        400,
        '0x80048d19',
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'contacts',
          headers: { 'content-type': 'application/json' },
          payload: '{"__proto__": {"x": 1}}',
        }),
        400,
        '0x80048d19',
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'contacts',
          headers: { 'content-type': 'application/xml' },
          payload: '<x/>',
        }),
        415,
        '0x80048d19',
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'contacts',
          payload: { lastname: 'X', 'parentcustomerid_account@odata.bind': `/accounts(${MISSING})` },
        }),
        404,
        '0x80040217',
      );
    });

    it('answers 404 for unknown resources and 405 for wrong methods', async () => {
      expectError(
        await api.request({ url: 'widgets' }),
        404,
        '0x8006088a',
        /^Resource not found for the segment 'widgets'\.$/,
      );
      expectError(
        await api.request({ method: 'POST', url: 'DoesNotExist', payload: {} }),
        404,
        '0x8006088a',
        /segment 'DoesNotExist'/,
      );
      expectError(await api.request({ url: '/nothing/here' }), 404, '0x8006088a', /segment 'nothing'/);
      const patchSet = await api.request({ method: 'PATCH', url: 'contacts', payload: {} });
      expectError(patchSet, 405, '0x80060888', /does not support http method 'PATCH'/);
      assert.equal(patchSet.headers.allow, 'GET, POST');
      expectError(
        await api.request({ method: 'PUT', url: `contacts(${MISSING})`, payload: {} }),
        405,
        '0x80060888',
      );
      expectError(await api.request({ method: 'DELETE', url: 'contacts/$count' }), 405, '0x80060888');
      expectError(await api.request({ method: 'POST', url: '$metadata' }), 405, '0x80060888');
      expectError(await api.request({ method: 'GET', url: '$batch' }), 405, '0x80060888');
    });

    it('serves the service document and $metadata', async () => {
      const doc = await api.request({ url: `${BASE}/` });
      assert.equal(doc.statusCode, 200);
      assert.equal(json(doc)['@odata.context'], `${ROOT_URL}/$metadata`);
      assert.ok((json(doc).value as { name: string }[]).some((v) => v.name === 'msdyncrm_segments'));
      const noSlash = await api.request({ url: BASE });
      assert.equal(noSlash.statusCode, 200);
      const md = await api.request({ url: '$metadata' });
      assert.equal(md.statusCode, 200);
      assert.match(String(md.headers['content-type']), /^application\/xml/);
      assert.match(md.body, /<Schema Namespace="Microsoft\.Dynamics\.CRM" Alias="mscrm"/);
    });
  });
}
