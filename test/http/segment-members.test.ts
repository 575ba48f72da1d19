import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SegmentStatus as S, SegmentType as T } from '../../src/metadata/builtin/segment.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { openSegmentApi, segmentBody, segmentJobs, type SegmentApi, waitFor } from '../segments/harness.ts';
import { openTestStore, storeTargets } from '../support/stores.ts';
import { expectError, json } from './harness.ts';

const INVALID = '0x80040203';
const ACTION = 'msdyncrm_SegmentMembersUpdate';
const CONTEXT =
  'http://localhost:80/api/data/v9.0/$metadata#Microsoft.Dynamics.CRM.msdyncrm_SegmentMembersUpdateResponse';

interface Operation {
  OperationId: string;
  Operation: string;
  State: string;
  Requested: number | null;
  Applied: number | null;
  Ignored: number | null;
  Error: string | null;
  CreatedOn: string;
  CompletedOn: string | null;
}

async function call(api: SegmentApi, payload: unknown) {
  return api.request({ method: 'POST', url: ACTION, payload: payload as Record<string, unknown> });
}

/** Sends an operation, expects it queued, returns its id. */
async function queue(api: SegmentApi, payload: Record<string, unknown>): Promise<string> {
  const res = await call(api, payload);
  assert.equal(res.statusCode, 200, res.body);
  const body = json(res);
  assert.deepEqual(Object.keys(body), ['@odata.context', 'OperationId', 'State']);
  assert.equal(body['@odata.context'], CONTEXT);
  assert.equal(body.State, 'Queued');
  assert.match(String(body.OperationId), /^[0-9a-f-]{36}$/);
  return String(body.OperationId);
}

async function state(
  api: SegmentApi,
  segmentId: string,
): Promise<{ State: string; Operations: Operation[] }> {
  const res = await call(api, { msdyncrm_segmentid: segmentId, msdyncrm_operation: 'getState' });
  assert.equal(res.statusCode, 200, res.body);
  const body = json(res);
  assert.deepEqual(Object.keys(body), ['@odata.context', 'State', 'Operations']);
  assert.equal(body['@odata.context'], CONTEXT);
  return body as unknown as { State: string; Operations: Operation[] };
}

/** Waits until no operation of the segment is pending; returns its operations (newest first). */
async function settled(api: SegmentApi, segmentId: string): Promise<Operation[]> {
  return waitFor(`the operations of ${segmentId}`, async () => {
    const s = await state(api, segmentId);
    return s.State === 'Idle' ? s.Operations : undefined;
  });
}

for (const target of storeTargets()) {
  describe(`msdyncrm_SegmentMembersUpdate (${target.name})`, () => {
    let api: SegmentApi;
    let contacts: string[];
    let account: string;
    let withEmail: string[];
    before(async () => {
      api = await openSegmentApi(target);
      contacts = await api.contacts(Array.from({ length: 6 }, (_, i) => ({ lastname: `member ${i}` })));
      account = await api.create('accounts', { name: 'Account with contacts' });
      withEmail = await api.contacts([
        {
          lastname: 'e1',
          emailaddress1: 'e1@example.com',
          'parentcustomerid_account@odata.bind': `/accounts(${account})`,
        },
        {
          lastname: 'e2',
          emailaddress1: 'e2@example.com',
          'parentcustomerid_account@odata.bind': `/accounts(${account})`,
        },
      ]);
      await api.contacts([
        { lastname: 'no email', 'parentcustomerid_account@odata.bind': `/accounts(${account})` },
      ]);
    });
    after(() => api.close());

    it('adds and removes members by ids (string or array, crm prefix optional); unknown ids are ignored and counted', async () => {
      const id = await api.create('msdyncrm_segments', segmentBody('by ids', T.Static, S.Draft));
      const unknown = randomUUID();
      const add = await queue(api, {
        msdyncrm_segmentid: id.toUpperCase(),
        msdyncrm_operation: 'addByIds',
        msdyncrm_memberids: JSON.stringify([
          contacts[0]!.toUpperCase(),
          `crm${contacts[1]!}`,
          unknown,
          contacts[0],
        ]),
      });
      const remove = await queue(api, {
        msdyncrm_segmentid: id,
        msdyncrm_operation: 'removeByIds',
        msdyncrm_memberids: [`crm${contacts[1]!}`, contacts[2]],
      });
      const ops = await settled(api, id);
      assert.deepEqual(
        ops.map((o) => [o.OperationId, o.Operation, o.State, o.Requested, o.Applied, o.Ignored, o.Error]),
        [
          [remove, 'removeByIds', 'Succeeded', 2, 2, 0, null],
          [add, 'addByIds', 'Succeeded', 3, 2, 1, null],
        ],
      );
      for (const o of ops) {
        assert.match(o.CreatedOn, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.ok(o.CompletedOn !== null && o.CompletedOn >= o.CreatedOn);
      }
      assert.deepEqual(await api.members(id), [contacts[0]!]);
      const s = await api.segment(id);
      assert.equal(s.msdyncrm_segmentsize, 1);
      assert.notEqual(s.msdyncrm_lastupdatedtime, null);
      // Live static segments take operations too.
      assert.equal(
        (
          await api.request({
            method: 'PATCH',
            url: `msdyncrm_segments(${id})`,
            payload: { statuscode: S.GoingLive },
          })
        ).statusCode,
        204,
      );
      await api.waitForStatus(id, S.Live);
      await queue(api, {
        msdyncrm_segmentid: id,
        msdyncrm_operation: 'addByIds',
        msdyncrm_memberids: [contacts[3]],
      });
      await settled(api, id);
      assert.deepEqual(await api.members(id), [contacts[0]!, contacts[3]!].sort());
      assert.equal((await api.segment(id)).msdyncrm_segmentsize, 2);
    });

    it('adds and removes the contacts a query names (the seed’s account query)', async () => {
      const id = await api.create('msdyncrm_segments', segmentBody('by query', T.Static, S.Draft));
      const query = `PROFILE(account, account_1).FILTER(account_1.accountid == '${account}').TRAVERSE(contact_account_parentcustomerid, contact_1).FILTER(ISNOTNULL(contact_1.emailaddress1))`;
      await queue(api, { msdyncrm_segmentid: id, msdyncrm_operation: 'addByQuery', msdyncrm_query: query });
      let ops = await settled(api, id);
      assert.deepEqual(
        [ops[0]?.State, ops[0]?.Requested, ops[0]?.Applied, ops[0]?.Ignored],
        ['Succeeded', 2, 2, 0],
      );
      assert.deepEqual(await api.members(id), [...withEmail].sort());
      await queue(api, {
        msdyncrm_segmentid: id,
        msdyncrm_operation: 'removeByQuery',
        msdyncrm_query: `PROFILE(contact).FILTER(lastname == 'e1')`,
        msdyncrm_memberids: null,
      });
      ops = await settled(api, id);
      assert.equal(ops[0]?.Operation, 'removeByQuery');
      assert.deepEqual(await api.members(id), [withEmail[1]!]);
    });

    it('refuses bad requests with 400 (404 for an unknown segment) and applies nothing', async () => {
      const id = await api.create('msdyncrm_segments', segmentBody('refusals', T.Static, S.Draft));
      const dynamic = await api.create(
        'msdyncrm_segments',
        segmentBody('not static', T.Dynamic, S.Draft, { msdyncrm_segmentquery: 'PROFILE(contact)' }),
      );
      const op = (operation: string, more: Record<string, unknown> = {}) => ({
        msdyncrm_segmentid: id,
        msdyncrm_operation: operation,
        ...more,
      });
      const tooMany = Array.from({ length: 20_001 }, () => randomUUID());
      const cases: [unknown, number, string, RegExp][] = [
        [
          op('addByIds', { msdyncrm_memberids: JSON.stringify(tooMany) }),
          400,
          INVALID,
          /holds 20001 ids; at most 20000/,
        ],
        [
          op('addByIds', { msdyncrm_memberids: `["${contacts[0]!}", "nope"]` }),
          400,
          INVALID,
          /entry 1 \("nope"\) is not a contact id/,
        ],
        [op('removeByIds', { msdyncrm_memberids: '[' }), 400, INVALID, /its text is not JSON/],
        [op('addByIds'), 400, INVALID, /'msdyncrm_memberids' is required for addByIds/],
        [
          op('addByIds', { msdyncrm_memberids: '[]', msdyncrm_query: 'PROFILE(contact)' }),
          400,
          INVALID,
          /'msdyncrm_query' is not a parameter of addByIds/,
        ],
        [op('addByQuery', { msdyncrm_query: 'PROFILE(account)' }), 400, INVALID, /TargetNotContact/],
        [op('addByQuery', { msdyncrm_query: 'PROFILE(contact).FILTER(' }), 400, INVALID, /Syntax: /],
        [op('removeByQuery'), 400, INVALID, /'msdyncrm_query' is required for removeByQuery/],
        [
          op('addByQuery', { msdyncrm_query: 'PROFILE(contact)', msdyncrm_memberids: '[]' }),
          400,
          INVALID,
          /'msdyncrm_memberids' is not a parameter of addByQuery/,
        ],
        [op('getState', { msdyncrm_memberids: '[]' }), 400, INVALID, /not a parameter of getState/],
        [
          op('replaceByIds'),
          400,
          INVALID,
          /'msdyncrm_operation' must be one of addByIds, removeByIds, addByQuery, removeByQuery, getState, got "replaceByIds"/,
        ],
        [
          op('addByIds', { msdyncrm_memberids: '[]', msdyncrm_extra: 1 }),
          400,
          INVALID,
          /'msdyncrm_extra' is not a parameter/,
        ],
        [
          { msdyncrm_segmentid: 'abc', msdyncrm_operation: 'getState' },
          400,
          INVALID,
          /'msdyncrm_segmentid' must be the id of a segment/,
        ],
        [{ msdyncrm_operation: 'getState' }, 400, INVALID, /got nothing/],
        [
          { msdyncrm_segmentid: randomUUID(), msdyncrm_operation: 'getState' },
          404,
          '0x80040217',
          /msdyncrm_segment With Id = .* Does Not Exist/,
        ],
        [
          { msdyncrm_segmentid: dynamic, msdyncrm_operation: 'addByIds', msdyncrm_memberids: '[]' },
          400,
          INVALID,
          /works on static segments; 'not static' is a dynamic segment/,
        ],
        [{ msdyncrm_segmentid: dynamic, msdyncrm_operation: 'getState' }, 400, INVALID, /static segments/],
      ];
      for (const [payload, status, code, message] of cases) {
        expectError(await call(api, payload), status, code, message);
      }
      const notJson = await api.request({
        method: 'POST',
        url: ACTION,
        payload: '{"msdyncrm_segmentid": ',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(notJson.statusCode, 400);
      assert.deepEqual((await state(api, id)).Operations, []);
      assert.deepEqual(await segmentJobs(api, id), []);
    });

    it('is declared in $metadata and OpenAPI with its parameters and response types', async () => {
      const doc = (await api.request({ url: '$metadata' })).body;
      assert.match(
        doc,
        /<Action Name="msdyncrm_SegmentMembersUpdate">\s*<Parameter Name="msdyncrm_segmentid" Type="Edm.String" Nullable="false"\s*\/>\s*<Parameter Name="msdyncrm_operation" Type="Edm.String" Nullable="false"\s*\/>\s*<Parameter Name="msdyncrm_memberids" Type="Edm.String"\s*\/>\s*<Parameter Name="msdyncrm_query" Type="Edm.String"\s*\/>\s*<ReturnType Type="mscrm.msdyncrm_SegmentMembersUpdateResponse"/,
      );
      assert.match(doc, /<ComplexType Name="msdyncrm_SegmentMembersUpdateResponse">/);
      assert.match(
        doc,
        /<Property Name="Operations" Type="Collection\(mscrm.msdyncrm_SegmentMemberOperation\)"/,
      );
      assert.match(
        doc,
        /<ComplexType Name="msdyncrm_SegmentMemberOperation">[\s\S]*<Property Name="Ignored" Type="Edm.Int32"/,
      );
      assert.match(
        doc,
        /<ActionImport Name="msdyncrm_SegmentMembersUpdate" Action="Microsoft.Dynamics.CRM.msdyncrm_SegmentMembersUpdate"/,
      );
      const openapi = json(await api.request({ url: '/openapi.json' })) as {
        paths: Record<string, { post?: unknown }>;
        components: { schemas: Record<string, unknown> };
      };
      assert.ok(openapi.paths['/api/data/v9.0/msdyncrm_SegmentMembersUpdate']?.post);
      assert.ok(openapi.components.schemas.msdyncrm_SegmentMembersUpdateResponse);
      assert.ok(openapi.components.schemas.msdyncrm_SegmentMemberOperation);
    });

    it('a failing operation retries with backoff, then reads Failed with its error and changes nothing', async () => {
      let failing = true;
      const { store } = await openTestStore(target, schemaFromDocument(undefined));
      const flaky = await openSegmentApi(target, {
        store,
        engine: {
          now: () => {
            if (failing) throw new Error('the clock is broken');
            return new Date();
          },
        },
      });
      try {
        const [c] = await flaky.contacts([{ lastname: 'flaky' }]);
        const id = await flaky.create('msdyncrm_segments', segmentBody('flaky', T.Static, S.Draft));
        const op = await queue(flaky, {
          msdyncrm_segmentid: id,
          msdyncrm_operation: 'addByIds',
          msdyncrm_memberids: [c],
        });
        const [failed] = await settled(flaky, id);
        assert.equal(failed?.OperationId, op);
        assert.equal(failed?.State, 'Failed');
        assert.match(String(failed?.Error), /the clock is broken/);
        assert.equal((await flaky.store.jobs.get(op))?.attempts, 3);
        assert.deepEqual(await flaky.members(id), []);
        failing = false;
        await queue(flaky, {
          msdyncrm_segmentid: id,
          msdyncrm_operation: 'addByIds',
          msdyncrm_memberids: [c],
        });
        assert.deepEqual(
          (await settled(flaky, id)).map((o) => o.State),
          ['Succeeded', 'Failed'],
        );
        assert.deepEqual(await flaky.members(id), [c]);
      } finally {
        await flaky.close();
        await store.close();
      }
    });

    it('operations are durable and apply in the order received, each all or nothing', async () => {
      const { store } = await openTestStore(target, schemaFromDocument(undefined));
      // The first server records the operations but never runs them (its engine is stopped).
      const first = await openSegmentApi(target, { store });
      await first.segments.stop();
      const cs = await first.contacts(Array.from({ length: 4 }, (_, i) => ({ lastname: `ordered ${i}` })));
      const helper = await first.create(
        'msdyncrm_segments',
        segmentBody('order helper', T.Dynamic, S.Draft, {
          msdyncrm_segmentquery: `PROFILE(contact).FILTER(lastname == 'ordered 3')`,
        }),
      );
      const id = await first.create('msdyncrm_segments', segmentBody('ordered', T.Static, S.Draft));
      const ids = (list: string[]) => ({ msdyncrm_segmentid: id, msdyncrm_memberids: list });
      const sent = [
        await queue(first, { ...ids([cs[0]!, cs[1]!]), msdyncrm_operation: 'addByIds' }),
        await queue(first, { ...ids([cs[0]!]), msdyncrm_operation: 'removeByIds' }),
        await queue(first, { ...ids([cs[0]!, cs[2]!]), msdyncrm_operation: 'addByIds' }),
        await queue(first, { ...ids([cs[2]!]), msdyncrm_operation: 'removeByIds' }),
        await queue(first, {
          msdyncrm_segmentid: id,
          msdyncrm_operation: 'addByQuery',
          msdyncrm_query: "SEGMENT('order helper')",
        }),
        await queue(first, { ...ids([cs[1]!]), msdyncrm_operation: 'removeByIds' }),
      ];
      const pending = await state(first, id);
      assert.equal(pending.State, 'Pending');
      assert.deepEqual(
        pending.Operations.map((o) => [o.State, o.Requested, o.Ignored, o.Applied]),
        [
          ['Queued', 1, 0, null],
          ['Queued', null, null, null],
          ['Queued', 1, 0, null],
          ['Queued', 2, 0, null],
          ['Queued', 1, 0, null],
          ['Queued', 2, 0, null],
        ],
      );
      // The query's segment changes name before the operation applies: it can no longer apply.
      assert.equal(
        (
          await first.request({
            method: 'PATCH',
            url: `msdyncrm_segments(${helper})`,
            payload: { msdyncrm_segmentname: 'renamed helper' },
          })
        ).statusCode,
        204,
      );
      await first.close();

      // The next server finds them in the store and applies them, in order.
      const second = await openSegmentApi(target, { store });
      try {
        const ops = await settled(second, id);
        assert.deepEqual(
          ops.map((o) => o.OperationId),
          [...sent].reverse(),
        );
        assert.deepEqual(
          ops.map((o) => o.State),
          ['Succeeded', 'Failed', 'Succeeded', 'Succeeded', 'Succeeded', 'Succeeded'],
        );
        assert.match(String(ops[1]?.Error), /unknown segment 'order helper'/);
        const completed = [...ops].reverse().map((o) => Date.parse(String(o.CompletedOn)));
        assert.deepEqual(
          completed,
          [...completed].sort((a, b) => a - b),
        );
        // {0,1} → {1} → {0,1,2} → {0,1} → (failed: unchanged) → {0}
        assert.deepEqual(await second.members(id), [cs[0]!]);
      } finally {
        await second.close();
        await store.close();
      }
    });

    it('applies 20,000 ids in one operation (throughput logged)', async () => {
      const many = Array.from({ length: 20_000 }, (_, i) => ({
        contactid: randomUUID(),
        lastname: `bulk ${i}`,
      }));
      const created = await api.request({
        method: 'POST',
        url: 'contacts/Microsoft.Dynamics.CRM.CreateMultiple',
        payload: { Targets: many },
      });
      assert.equal(created.statusCode, 200);
      const id = await api.create('msdyncrm_segments', segmentBody('twenty thousand', T.Static, S.Draft));
      const t0 = performance.now();
      const op = await queue(api, {
        msdyncrm_segmentid: id,
        msdyncrm_operation: 'addByIds',
        msdyncrm_memberids: JSON.stringify(many.map((c) => `crm${c.contactid}`)),
      });
      const queuedMs = performance.now() - t0;
      const [done] = await settled(api, id);
      const totalMs = performance.now() - t0;
      assert.deepEqual(
        [done?.OperationId, done?.State, done?.Applied, done?.Ignored],
        [op, 'Succeeded', 20_000, 0],
      );
      assert.equal((await api.segment(id)).msdyncrm_segmentsize, 20_000);
      const job = await api.store.jobs.get(op);
      const applyMs = (job?.completedOn?.getTime() ?? 0) - (job?.startedOn?.getTime() ?? 0);
      process.stdout.write(
        `# ${target.name}: addByIds 20,000 ids: request ${queuedMs.toFixed(0)} ms, apply ${applyMs} ms (${Math.round((20_000 / Math.max(applyMs, 1)) * 1000)} ids/s), request→applied ${totalMs.toFixed(0)} ms\n`,
      );
      const remove = await queue(api, {
        msdyncrm_segmentid: id,
        msdyncrm_operation: 'removeByIds',
        msdyncrm_memberids: many.slice(0, 10_000).map((c) => c.contactid),
      });
      const [removed] = await settled(api, id);
      assert.deepEqual([removed?.OperationId, removed?.Applied], [remove, 10_000]);
      assert.equal((await api.segment(id)).msdyncrm_segmentsize, 10_000);
    });
  });
}
