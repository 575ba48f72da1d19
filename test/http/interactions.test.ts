import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeBatchRequest } from '../../src/odata/batch/batch-request.ts';
import { parseBatchResponse } from '../../src/odata/batch/batch-response.ts';
import { prepareSegmentQuery } from '../../src/segment/query-runner.ts';
import { storeTargets } from '../support/stores.ts';
import type { TestApi } from './harness.ts';
import { BASE, expectError, json, openTestApi } from './harness.ts';

/**
 * Interactions over the Web API: one append-only entity set for every interaction type, written
 * by POST, CreateMultiple and $batch, checked against the type's properties and links, and what
 * segment queries aggregate.
 */

const JSON_HEADERS = { 'Content-Type': 'application/json' };

for (const target of storeTargets()) {
  describe(`interactions over the Web API (${target.name})`, () => {
    let api: TestApi;
    let ann: string;
    let bob: string;
    before(async () => {
      api = await openTestApi(target);
      ann = await api.create('contacts', { lastname: 'Ann' });
      bob = await api.create('contacts', { lastname: 'Bob' });
    });
    after(async () => {
      await api.close();
    });

    it('creates one with POST, type name matched case-insensitively and stored as declared', async () => {
      const res = await api.request({
        method: 'POST',
        url: 'interactions',
        headers: { Prefer: 'return=representation' },
        payload: {
          interactiontype: 'emailopened',
          'contactid@odata.bind': `/contacts(${ann})`,
          emailid: 'E-1',
          timestamp: '2026-11-01T08:00:00Z',
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = json(res);
      assert.equal(body.interactiontype, 'EmailOpened');
      assert.equal(body._contactid_value, ann);
      assert.equal(body.emailid, 'E-1');
      assert.equal(body.timestamp, '2026-11-01T08:00:00Z');
    });

    it('defaults the timestamp to the time it is stored', async () => {
      const before = Date.now();
      const id = await api.create('interactions', {
        interactiontype: 'EmailSent',
        'contactid@odata.bind': `/contacts(${bob})`,
      });
      const res = await api.request({ url: `interactions(${id})?$select=timestamp` });
      const at = Date.parse(String(json(res).timestamp));
      assert.ok(at >= before - 2000 && at <= Date.now() + 2000, String(json(res).timestamp));
    });

    it('refuses unknown types, properties of another type and interactions without a profile', async () => {
      expectError(
        await api.request({
          method: 'POST',
          url: 'interactions',
          payload: { interactiontype: 'EmailOpend', 'contactid@odata.bind': `/contacts(${ann})` },
        }),
        400,
        '0x80040203',
        /'EmailOpend' is not an interaction type \(declared: EmailSent, /,
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'interactions',
          payload: {
            interactiontype: 'EmailOpened',
            'contactid@odata.bind': `/contacts(${ann})`,
            url: 'https://x',
          },
        }),
        400,
        '0x80040203',
        /'url' is not a property of EmailOpened interactions/,
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'interactions',
          payload: { interactiontype: 'EmailOpened' },
        }),
        400,
        '0x80040203',
        /must link to a profile: set 'contactid' \(EmailOpened_ContactLink\)/,
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'interactions',
          payload: {
            interactiontype: 'EmailOpened',
            'contactid@odata.bind': '/contacts(00000000-0000-4000-8000-000000000009)',
          },
        }),
        404,
        '0x80040217',
      );
    });

    it('is append-only: PATCH, PUT, DELETE and UpsertMultiple are refused and change nothing', async () => {
      const id = await api.create('interactions', {
        interactiontype: 'FormSubmitted',
        'contactid@odata.bind': `/contacts(${ann})`,
        value: 10,
      });
      for (const req of [
        { method: 'PATCH' as const, url: `interactions(${id})`, payload: { value: 11 } },
        { method: 'PUT' as const, url: `interactions(${id})/value`, payload: { value: 12 } },
        { method: 'DELETE' as const, url: `interactions(${id})` },
        {
          method: 'POST' as const,
          url: 'interactions/Microsoft.Dynamics.CRM.UpsertMultiple',
          payload: { Targets: [{ interactionid: id, interactiontype: 'FormSubmitted', value: 13 }] },
        },
      ]) {
        expectError(await api.request(req), 405, '0x80040315', /Interactions are append-only/);
      }
      const res = await api.request({ url: `interactions(${id})?$select=value` });
      assert.equal(json(res).value, 10);
    });

    it('creates many with CreateMultiple, all or nothing', async () => {
      const ok = await api.request({
        method: 'POST',
        url: 'interactions/Microsoft.Dynamics.CRM.CreateMultiple',
        payload: {
          Targets: [
            {
              interactiontype: 'EmailClicked',
              'contactid@odata.bind': `/contacts(${bob})`,
              url: 'https://a',
              timestamp: '2026-11-20T00:00:00Z',
            },
            {
              interactiontype: 'EmailClicked',
              'contactid@odata.bind': `/contacts(${bob})`,
              url: 'https://b',
              timestamp: '2026-11-21T00:00:00Z',
            },
          ],
        },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal((json(ok).Ids as string[]).length, 2);
      const bad = await api.request({
        method: 'POST',
        url: 'interactions/Microsoft.Dynamics.CRM.CreateMultiple',
        payload: {
          Targets: [
            {
              interactiontype: 'EmailClicked',
              'contactid@odata.bind': `/contacts(${bob})`,
              url: 'https://c',
            },
            { interactiontype: 'EmailClicked', 'contactid@odata.bind': `/contacts(${bob})`, value: 3 },
          ],
        },
      });
      expectError(bad, 400, '0x80040203', /^Targets\[1\]: 'value' is not a property of EmailClicked/);
      const count = await api.request({
        url: `interactions/$count?$filter=interactiontype eq 'EmailClicked'`,
      });
      assert.equal(Number(count.body.replace('\uFEFF', '')), 2);
    });

    it('creates them inside $batch change sets', async () => {
      const { contentType, body } = writeBatchRequest([
        {
          kind: 'changeset',
          requests: [1, 2, 3].map((n) => ({
            method: 'POST',
            url: `${BASE}/interactions`,
            headers: JSON_HEADERS,
            body: JSON.stringify({
              interactiontype: 'EventRegistered',
              'contactid@odata.bind': `/contacts(${ann})`,
              name: `Event ${n}`,
              value: n * 10,
            }),
            contentId: String(n),
          })),
        },
      ]);
      const res = await api.request({
        method: 'POST',
        url: '$batch',
        headers: { 'content-type': contentType },
        payload: body,
      });
      assert.equal(res.statusCode, 200, res.body);
      const entries = parseBatchResponse(res.body, String(res.headers['content-type']));
      assert.equal(entries[0]?.kind, 'changeset');
      const list = await api.request({
        url: `interactions?$filter=interactiontype eq 'EventRegistered' and _contactid_value eq ${ann}&$select=name,value&$orderby=value desc`,
      });
      assert.deepEqual(
        (json(list).value as { name: string }[]).map((r) => r.name),
        ['Event 3', 'Event 2', 'Event 1'],
      );
    });

    it('feeds INTERACTION…HAVING in segment queries', async () => {
      const query = 'INTERACTION(EventRegistered, EventRegistered_ContactLink).HAVING(SUM(Value) > 50)';
      const res = await api.request({
        method: 'POST',
        url: 'msdyncrm_ValidateSegment',
        payload: {
          msdyncrm_segmentname: 'registered',
          msdyncrm_segmenttype: 192350000,
          msdyncrm_segmentquery: query,
        },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(JSON.parse(String(json(res).ValidationResult)), []);
      const prepared = await prepareSegmentQuery(api.records, query);
      if ('errors' in prepared) assert.fail(prepared.errors[0]?.message);
      assert.deepEqual(
        (await api.store.select(prepared.query)).map((r) => r.id),
        [ann],
      );
    });

    it('describes the interaction entity in $metadata, with its link to contact', async () => {
      const res = await api.request({ url: '$metadata' });
      assert.match(res.body, /<EntityType Name="interaction" BaseType="mscrm.crmbaseentity">/);
      assert.match(res.body, /<NavigationProperty Name="contactid" Type="mscrm.contact"/);
    });
  });
}
