import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataverseError } from '../../src/engine/errors.ts';
import { ROOT } from '../../src/engine/record-types.ts';
import { RecordService } from '../../src/engine/records.ts';
import { attrRef, cmp, lit } from '../../src/ir/build.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { storeTargets, withStore } from '../support/stores.ts';

const schema = schemaFromDocument(undefined);
const fixedNow = () => new Date('2026-01-02T03:04:05.678Z');

const fails = async (p: Promise<unknown>, code: string, re: RegExp) =>
  assert.rejects(p, (e: unknown) => e instanceof DataverseError && e.code === code && re.test(e.message));

for (const target of storeTargets()) {
  describe(`record service (${target.name})`, () => {
    it('maintains the attributes Dataverse maintains', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store, { now: fixedNow });
        const account = await records.create('account', { name: 'Contoso' });
        const { id } = await records.create('contact', {
          firstname: 'Ada',
          lastname: 'Lovelace',
          parentcustomerid: account.id,
          parentcustomeridtype: 'account',
        });
        const row = await records.retrieve('contact', id);
        assert.ok(row);
        assert.equal(row.fullname, 'Ada Lovelace');
        assert.equal(row.accountid, account.id);
        assert.equal(row.statecode, 0);
        assert.equal(row.statuscode, 1);
        assert.equal(row.createdon, '2026-01-02T03:04:05Z');
        assert.equal(row.followemail, true);
        assert.equal(row.preferredcontactmethodcode, 1);
        const defaults = await records.ensureDefaults();
        assert.equal(row.ownerid, defaults.userId);
        assert.equal(row.owningbusinessunit, defaults.businessUnitId);
        assert.equal(typeof row.versionnumber, 'number');

        await records.update('contact', id, { firstname: null, statuscode: 2 }, { upsert: false });
        const after = await records.retrieve('contact', id, ['fullname', 'statecode', 'statuscode']);
        assert.equal(after?.fullname, 'Lovelace');
        assert.equal(after?.statecode, 1);
        assert.ok(Number(after?.versionnumber) > Number(row.versionnumber));
      }));

    it('keeps client ids, refuses duplicates and dangling lookups', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        const id = '0b4b85cc-7f6c-ea11-a811-000d3a54d359';
        assert.deepEqual(await records.create('account', { accountid: id, name: 'A' }), {
          id,
          created: true,
        });
        await fails(records.create('account', { accountid: id, name: 'B' }), '0x80040237', /already exists/);
        await fails(
          records.create('account', { name: 'C', primarycontactid: '11111111-2222-3333-4444-555555555555' }),
          '0x80040217',
          /contact With Id = 11111111-2222-3333-4444-555555555555 Does Not Exist/,
        );
        assert.equal(await records.count('account'), 1);
      }));

    it('enforces ETags and upserts on PATCH', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        const { id } = await records.create('contact', { lastname: 'X' });
        const row = await records.retrieve('contact', id);
        assert.ok(row);
        const etag = records.etagOf(row);
        await records.update('contact', id, { jobtitle: 'A' }, { upsert: true, ifMatch: etag });
        await fails(
          records.update('contact', id, { jobtitle: 'B' }, { upsert: true, ifMatch: etag }),
          '0x80060882',
          /doesn't match/,
        );
        await fails(records.delete('contact', id, { ifMatch: etag }), '0x80060882', /doesn't match/);
        await fails(
          records.update('contact', id, { jobtitle: 'C' }, { upsert: true, ifNoneMatch: '*' }),
          '0x80040237',
          /already exists/,
        );
        const fresh = '21111111-2222-3333-4444-555555555555';
        await fails(
          records.update('contact', fresh, { lastname: 'Y' }, { upsert: true, ifMatch: '*' }),
          '0x80040217',
          /Does Not Exist/,
        );
        assert.deepEqual(await records.update('contact', fresh, { lastname: 'Y' }, { upsert: true }), {
          id: fresh,
          created: true,
        });
        await records.delete('contact', fresh);
        await fails(records.delete('contact', fresh), '0x80040217', /Does Not Exist/);
      }));

    it('pages by keyset: every row exactly once even while rows are inserted', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        const names = ['b', 'A', null, 'a', 'C', null, 'c', 'B'];
        const seeded = await records.createMultiple(
          'contact',
          Array.from({ length: 40 }, (_, i) => ({
            lastname: names[i % names.length] ?? null,
            firstname: `f${i}`,
          })),
        );
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await records.query({
            entity: 'contact',
            orderBy: [{ expr: attrRef(ROOT, 'lastname'), direction: 'desc' }],
            select: ['lastname'],
            pageSize: 6,
            count: pages === 0,
            ...(token !== undefined ? { skipToken: token } : {}),
          });
          if (pages === 0) assert.equal(page.count, 40);
          seen.push(...page.rows.map((r) => String(r.contactid)));
          // Rows written between pages must not make earlier rows repeat or vanish.
          await records.create('contact', { lastname: 'zz' });
          await records.create('contact', { lastname: null });
          token = page.skipToken;
          pages++;
        } while (token !== undefined && pages < 100);
        const fromSeed = seen.filter((id) => seeded.includes(id));
        assert.equal(new Set(fromSeed).size, 40);
        assert.equal(fromSeed.length, 40);
        assert.equal(new Set(seen).size, seen.length);
      }));

    it('orders strings case-insensitively with nulls last when descending', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        await records.createMultiple(
          'contact',
          ['b', null, 'A', 'c'].map((lastname) => ({ lastname })),
        );
        const page = await records.query({
          entity: 'contact',
          orderBy: [{ expr: attrRef(ROOT, 'lastname'), direction: 'desc' }],
          pageSize: 10,
        });
        assert.deepEqual(
          page.rows.map((r) => r.lastname),
          ['c', 'b', 'A', null],
        );
        const filtered = await records.query({
          entity: 'contact',
          where: cmp('=', attrRef(ROOT, 'lastname'), lit('a', 'string'), true),
          pageSize: 10,
        });
        assert.equal(filtered.rows.length, 1);
      }));

    it('rejects tampered skip tokens', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        const bad = Buffer.from(JSON.stringify({ v: ['x'], t: ['guid'], k: 1 })).toString('base64url');
        for (const skipToken of [
          'nonsense',
          `<cookie pagenumber="2" pagingcookie="${bad}" istracking="False" />`,
        ]) {
          await fails(
            records.query({
              entity: 'contact',
              orderBy: [{ expr: attrRef(ROOT, 'contactid'), direction: 'asc' }],
              pageSize: 5,
              skipToken,
            }),
            '0x80060888',
            /\$skiptoken is not valid/,
          );
        }
      }));

    it('writes CreateMultiple all or nothing', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        await fails(
          records.createMultiple('contact', [
            { lastname: 'ok' },
            {
              lastname: 'dangling',
              parentcustomerid: '31111111-2222-3333-4444-555555555555',
              parentcustomeridtype: 'account',
            },
          ]),
          '0x80040217',
          /account With Id/,
        );
        assert.equal(await records.count('contact'), 0);
      }));

    it('imports batches, rejecting rows one by one', () =>
      withStore(target, schema, async (store) => {
        const records = new RecordService(store);
        const existing = await records.create('contact', { lastname: 'old' });
        const r = await records.importBatch(
          'contact',
          [
            { lastname: 'new1' },
            { contactid: existing.id, lastname: 'again' },
            {
              lastname: 'bad',
              parentcustomerid: '41111111-2222-3333-4444-555555555555',
              parentcustomeridtype: 'account',
            },
            { lastname: 'new2', overriddencreatedon: '2021-05-06T00:00:00Z' },
          ],
          { upsert: false },
        );
        assert.equal(r.created, 2);
        assert.deepEqual(
          r.rejected.map((x) => x.index),
          [1, 2],
        );
        const up = await records.importBatch('contact', [{ contactid: existing.id, lastname: 'updated' }], {
          upsert: true,
        });
        assert.equal(up.updated, 1);
        assert.equal((await records.retrieve('contact', existing.id, ['lastname']))?.lastname, 'updated');
        const page = await records.query({
          entity: 'contact',
          where: cmp('=', attrRef(ROOT, 'lastname'), lit('new2', 'string')),
          pageSize: 5,
        });
        assert.equal(page.rows[0]?.createdon, '2021-05-06T00:00:00Z');
      }));
  });
}
