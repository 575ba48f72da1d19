import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { loadRows } from '../../src/cli/commands/demo.ts';
import { generateAccounts, generateContacts } from '../../src/demo/generator.ts';
import type { AttributeValues } from '../../src/engine/record-types.ts';
import { SegmentStatus as S } from '../../src/metadata/builtin/segment.ts';
import { openSegmentApi, type SegmentApi, waitFor } from '../segments/harness.ts';
import { storeTargets } from '../support/stores.ts';
import { expectError, idFromUrl, json } from './harness.ts';

/**
 * Replays every request of the seed document (/work/shared/spec/seed-segmentation-api.md), in its
 * order, against the Web API with the segment engine, on a generated dataset that also holds the
 * records the document names (its contact, account and segment ids). Each step sends one request
 * of the document and checks the answer and, where it changes members, the resulting members
 * (computed here from the generated rows). Steps the lifecycle needs but the document does not
 * send are marked `extra`.
 *
 * To add a step: append to STEPS at its place in the document; `ctx.ids` carries what earlier
 * steps created ({{SegmentId}} of each section).
 */

const SEED = {
  staticMembers: ['1405f4ba-1ee9-e811-a99d-000d3a35f12f', '0604cdd1-1ee9-e811-a99d-000d3a35f12f'],
  updateSegment: '59AC8BBF-57E7-E811-A9A9-000D3A35F403',
  updateMembers: ['B5672BDB-8899-43CB-9FA1-0AE4DC61DAD3', '694E1C8E-F704-4B23-9B07-E65DB1620E47'],
  /** The third id of the document's member requests: no such contact (ignored, and counted). */
  missingMember: 'A4A31E3D-DFCA-4765-8018-3BA7D5E376C7',
  querySegment: 'b5466fbb-2cef-e911-a81d-000d3a6d200c',
  account: '1cc00a15-37ef-e911-a81d-000d3a6d200c',
  fetchSegment: 'e1fa7fdc-5c78-ea11-a811-000d3a8e8fcc',
  deprecatedSegment: 'bfc9d5d6-d6aa-e911-a859-000d3a3159df',
} as const;

const GENERATED_CONTACTS = 2000;
const GENERATED_ACCOUNTS = 100;

/** A contact as the expectations see it. */
interface Person {
  id: string;
  fullname: string | null;
  email: string | null;
  city: string | null;
  account: string | null;
}

interface Dataset {
  people: Person[];
  /** Members of the segments the document refers to without creating them. */
  segment1: string[];
  fetchMembers: string[];
  deprecatedMembers: string[];
}

interface SeedContext {
  api: SegmentApi;
  data: Dataset;
  /** Ids created by earlier steps, by name. */
  ids: Record<string, string>;
}

interface Request {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  payload?: Record<string, unknown>;
}

interface Step {
  section: string;
  title: string;
  /** Not a request of the document: one its flow needs (stopping a live segment before deleting it). */
  extra?: true;
  send(ctx: SeedContext): Request;
  check(res: LightMyRequestResponse, ctx: SeedContext): Promise<void>;
}

const lower = (s: string | null) => s?.toLowerCase() ?? null;
const sorted = (ids: readonly string[]) => [...ids].map((i) => i.toLowerCase()).sort();
const fullname = (first: unknown, last: unknown) => {
  const parts = [first, last].filter((x): x is string => typeof x === 'string' && x !== '');
  return parts.length === 0 ? null : parts.join(' ');
};

const NAME_AND_EMAIL =
  'PROFILE(contact, contact_1).FILTER(ISNOTNULL(contact_1.emailaddress1) && ISNOTNULL(contact_1.fullname))';
const ACCOUNT_QUERY = `PROFILE(account, account_1).FILTER(account_1.accountid == '${SEED.account}').TRAVERSE(contact_account_parentcustomerid, contact_1).FILTER(ISNOTNULL(contact_1.emailaddress1))`;

const nameAndEmail = (d: Dataset) =>
  d.people.filter((p) => p.email !== null && p.fullname !== null).map((p) => p.id);
const newYorkOrJersey = (d: Dataset) =>
  d.people.filter((p) => lower(p.city) === 'newyork' || lower(p.city) === 'newjersey').map((p) => p.id);
const segment2 = (d: Dataset) => d.people.filter((p) => lower(p.city) === 'newjersey').map((p) => p.id);
const accountWithEmail = (d: Dataset) =>
  d.people.filter((p) => p.account === SEED.account && p.email !== null).map((p) => p.id);

/** Creates the dataset: generated accounts and contacts, plus the records the document names. */
async function loadDataset(api: SegmentApi): Promise<Dataset> {
  const accounts = [
    ...generateAccounts({
      accounts: GENERATED_ACCOUNTS,
      contacts: GENERATED_CONTACTS,
      withPrimaryContact: false,
    }),
  ];
  await loadRows(api.records, 'account', accounts);
  const generated: AttributeValues[] = [
    ...generateContacts({ accounts: GENERATED_ACCOUNTS, contacts: GENERATED_CONTACTS }),
  ];
  const fixtures: AttributeValues[] = [
    {
      contactid: SEED.staticMembers[0],
      firstname: 'Static',
      lastname: 'One',
      emailaddress1: 's1@example.com',
    },
    { contactid: SEED.staticMembers[1], firstname: 'Static', lastname: 'Two' },
    {
      contactid: SEED.updateMembers[0].toLowerCase(),
      lastname: 'Update One',
      emailaddress1: 'u1@example.com',
    },
    { contactid: SEED.updateMembers[1].toLowerCase(), lastname: 'Update Two' },
    ...['NewYork', 'NEWJERSEY', 'NewJersey', 'New York'].map((city, i) => ({
      lastname: `City ${i}`,
      address1_city: city,
      emailaddress1: i % 2 === 0 ? `city${i}@example.com` : null,
    })),
  ];
  await loadRows(api.records, 'account', [{ accountid: SEED.account, name: 'Seed account' }]);
  const ofAccount: AttributeValues[] = Array.from({ length: 5 }, (_, i) => ({
    lastname: `Account contact ${i}`,
    emailaddress1: i < 3 ? `a${i}@example.com` : null,
    parentcustomerid: SEED.account,
    parentcustomeridtype: 'account',
  }));
  const rows = [...generated, ...fixtures, ...ofAccount];
  await loadRows(api.records, 'contact', rows);
  const found = await api.records.query({
    entity: 'contact',
    select: ['contactid', 'fullname', 'emailaddress1', 'address1_city', 'parentcustomerid'],
    pageSize: 5000,
  });
  assert.equal(found.skipToken, undefined);
  const people: Person[] = found.rows.map((r) => ({
    id: String(r.contactid),
    fullname: typeof r.fullname === 'string' ? r.fullname : null,
    email: typeof r.emailaddress1 === 'string' ? r.emailaddress1 : null,
    city: typeof r.address1_city === 'string' ? r.address1_city : null,
    account: typeof r.parentcustomerid === 'string' ? r.parentcustomerid : null,
  }));
  assert.equal(people.length, rows.length);
  for (const r of rows) {
    const p = people.find((x) => x.id === r.contactid);
    if (p !== undefined) assert.equal(p.fullname, fullname(r.firstname, r.lastname));
  }

  const ids = people.map((p) => p.id).sort();
  const inSegment2 = new Set(segment2({ people } as Dataset));
  const data: Dataset = {
    people,
    // Apart from segment2's members, so that their union is 14 whatever ids the contacts drew.
    segment1: ids.filter((id) => !inSegment2.has(id)).slice(0, 12),
    fetchMembers: ids.slice(100, 140),
    deprecatedMembers: ids.slice(200, 207),
  };
  // The segments the document names but does not create: created as Draft static segments.
  const staticSegment = async (id: string | undefined, name: string, members: string[]) =>
    api.create('msdyncrm_segments', {
      ...(id !== undefined ? { msdyncrm_segmentid: id } : {}),
      msdyncrm_segmentname: name,
      msdyncrm_segmenttype: 192350001,
      statuscode: 192350000,
      msdyncrm_segmentmemberids: JSON.stringify(members.map((m) => `crm${m}`)),
    });
  await staticSegment(undefined, 'segment1', data.segment1);
  await api.create('msdyncrm_segments', {
    msdyncrm_segmentname: 'segment2',
    msdyncrm_segmenttype: 192350000,
    statuscode: 192350000,
    msdyncrm_segmentquery: "PROFILE(contact).FILTER(address1_city == 'NewJersey')",
  });
  await staticSegment(SEED.updateSegment, 'Seed update segment', []);
  await staticSegment(SEED.querySegment, 'Seed query segment', []);
  await staticSegment(SEED.fetchSegment, 'Seed fetch segment', data.fetchMembers);
  await staticSegment(SEED.deprecatedSegment, 'Seed deprecated segment', data.deprecatedMembers);
  return data;
}

async function expectMembers(
  ctx: SeedContext,
  segmentId: string,
  expected: readonly string[],
): Promise<void> {
  assert.deepEqual(await ctx.api.members(segmentId.toLowerCase()), sorted(expected));
}

function created(res: LightMyRequestResponse): string {
  assert.equal(res.statusCode, 204, res.body);
  assert.match(
    String(res.headers['odata-entityid']),
    /\/api\/data\/v9\.0\/msdyncrm_segments\([0-9a-f-]{36}\)$/,
  );
  return idFromUrl(String(res.headers['odata-entityid']));
}

function collection(res: LightMyRequestResponse): Record<string, unknown>[] {
  assert.equal(res.statusCode, 200, res.body);
  return json(res).value as Record<string, unknown>[];
}

async function settledOperations(ctx: SeedContext, segmentId: string) {
  return waitFor('the member operations', async () => {
    const res = await ctx.api.request({
      method: 'POST',
      url: 'msdyncrm_SegmentMembersUpdate',
      payload: { msdyncrm_segmentid: segmentId, msdyncrm_operation: 'getState' },
    });
    const body = json(res) as { State: string; Operations: Record<string, unknown>[] };
    return body.State === 'Idle' ? body.Operations : undefined;
  });
}

function queued(res: LightMyRequestResponse): string {
  assert.equal(res.statusCode, 200, res.body);
  const body = json(res);
  assert.equal(
    body['@odata.context'],
    'http://localhost:80/api/data/v9.0/$metadata#Microsoft.Dynamics.CRM.msdyncrm_SegmentMembersUpdateResponse',
  );
  assert.equal(body.State, 'Queued');
  return String(body.OperationId);
}

const STEPS: Step[] = [
  // ---- CRUD operations on static segments ---------------------------------------------------
  {
    section: 'static',
    title: 'create a static segment with two contacts, in Draft',
    send: () => ({
      method: 'POST',
      url: 'msdyncrm_segments',
      payload: {
        msdyncrm_segmentname: 'StaticSegmentApi1',
        msdyncrm_segmenttype: 192350001,
        msdyncrm_segmentmemberids:
          '["crm1405f4ba-1ee9-e811-a99d-000d3a35f12f","crm0604cdd1-1ee9-e811-a99d-000d3a35f12f"]',
        statuscode: 192350000,
      },
    }),
    async check(res, ctx) {
      ctx.ids.static = created(res);
      const s = await ctx.api.segment(ctx.ids.static);
      assert.equal(s.statuscode, S.Draft);
      assert.equal(s.msdyncrm_segmentsize, 2);
      await expectMembers(ctx, ctx.ids.static, SEED.staticMembers);
    },
  },
  {
    section: 'static',
    title: 'update its statuscode to Going live; it becomes Live',
    send: (ctx) => ({
      method: 'PATCH',
      url: `msdyncrm_segments(${ctx.ids.static})`,
      payload: { statuscode: 192350006 },
    }),
    async check(res, ctx) {
      assert.equal(res.statusCode, 204, res.body);
      const s = await ctx.api.waitForStatus(ctx.ids.static!, S.Live);
      assert.equal(s.msdyncrm_islive, true);
      await expectMembers(ctx, ctx.ids.static!, SEED.staticMembers);
    },
  },
  {
    section: 'static',
    title: 'retrieve the Live segments',
    send: () => ({ method: 'GET', url: 'msdyncrm_segments?$filter=statuscode eq 192350001' }),
    async check(res, ctx) {
      const rows = collection(res);
      assert.deepEqual(
        rows.map((r) => r.msdyncrm_segmentid),
        [ctx.ids.static],
      );
      assert.equal(rows[0]?.msdyncrm_segmentname, 'StaticSegmentApi1');
      assert.equal(rows[0]?.msdyncrm_segmentsize, 2);
      await Promise.resolve();
    },
  },
  {
    section: 'static',
    title: 'retrieve segments with specific properties',
    send: () => ({
      method: 'GET',
      url: 'msdyncrm_segments?$select=msdyncrm_segmentid,msdyncrm_segmentname,msdyncrm_segmentquery,msdyncrm_description',
    }),
    async check(res) {
      const rows = collection(res);
      assert.equal(rows.length, 7);
      for (const r of rows) {
        assert.deepEqual(Object.keys(r).sort(), [
          '@odata.etag',
          'msdyncrm_description',
          'msdyncrm_segmentid',
          'msdyncrm_segmentname',
          'msdyncrm_segmentquery',
        ]);
      }
      assert.ok(rows.some((r) => r.msdyncrm_segmentname === 'StaticSegmentApi1'));
      await Promise.resolve();
    },
  },
  {
    section: 'static',
    title: 'delete the static segment: it is Live, so 400 naming why (the project’s decision)',
    send: (ctx) => ({ method: 'DELETE', url: `msdyncrm_segments(${ctx.ids.static})` }),
    async check(res, ctx) {
      expectError(
        res,
        400,
        '0x80040265',
        /'StaticSegmentApi1' cannot be deleted: it is Live \(192350001\): stop it first/,
      );
      await expectMembers(ctx, ctx.ids.static!, SEED.staticMembers);
    },
  },
  {
    section: 'static',
    title: 'stop it',
    extra: true,
    send: (ctx) => ({
      method: 'PATCH',
      url: `msdyncrm_segments(${ctx.ids.static})`,
      payload: { statuscode: 192350007 },
    }),
    async check(res, ctx) {
      assert.equal(res.statusCode, 204, res.body);
      await ctx.api.waitForStatus(ctx.ids.static!, S.Stopped);
    },
  },
  {
    section: 'static',
    title: 'delete it once Stopped',
    extra: true,
    send: (ctx) => ({ method: 'DELETE', url: `msdyncrm_segments(${ctx.ids.static})` }),
    async check(res, ctx) {
      assert.equal(res.statusCode, 204, res.body);
      assert.equal((await ctx.api.request({ url: `msdyncrm_segments(${ctx.ids.static})` })).statusCode, 404);
    },
  },

  // ---- CRUD operations on dynamic segments --------------------------------------------------
  {
    section: 'dynamic',
    title: 'create a dynamic segment in Draft',
    send: () => ({
      method: 'POST',
      url: 'msdyncrm_segments',
      payload: {
        msdyncrm_segmentname: 'Customers with name and email',
        msdyncrm_segmentquery: NAME_AND_EMAIL,
        msdyncrm_segmenttype: 192350000,
        statuscode: 192350000,
      },
    }),
    async check(res, ctx) {
      ctx.ids.dynamic = created(res);
      const s = await ctx.api.segment(ctx.ids.dynamic);
      assert.equal(s.statuscode, S.Draft);
      await expectMembers(ctx, ctx.ids.dynamic, []);
    },
  },
  {
    section: 'dynamic',
    title: 'create a dynamic segment of NewYork or NewJersey contacts, Going live',
    send: () => ({
      method: 'POST',
      url: 'msdyncrm_segments',
      payload: {
        msdyncrm_segmentname: 'MySegment2',
        msdyncrm_segmentquery:
          "PROFILE(contact).FILTER((address1_city == 'NewYork' || address1_city == 'NewJersey'))",
        msdyncrm_segmenttype: 192350000,
        statuscode: 192350006,
      },
    }),
    async check(res, ctx) {
      ctx.ids.mySegment2 = created(res);
      const s = await ctx.api.waitForStatus(ctx.ids.mySegment2, S.Live);
      const expected = newYorkOrJersey(ctx.data);
      assert.equal(expected.length, 3);
      assert.equal(s.msdyncrm_segmentsize, expected.length);
      await expectMembers(ctx, ctx.ids.mySegment2, expected);
    },
  },
  {
    section: 'dynamic',
    title: 'create a dynamic segment Going live',
    send: () => ({
      method: 'POST',
      url: '/api/data/v9.0/msdyncrm_segments',
      payload: {
        msdyncrm_segmentname: 'Customers with name and email',
        msdyncrm_segmenttype: 192350000,
        msdyncrm_segmentquery: NAME_AND_EMAIL,
        statuscode: 192350006,
      },
    }),
    async check(res, ctx) {
      ctx.ids.dynamicLive = created(res);
      const s = await ctx.api.waitForStatus(ctx.ids.dynamicLive, S.Live);
      const expected = nameAndEmail(ctx.data);
      assert.ok(expected.length > 100 && expected.length < ctx.data.people.length);
      assert.equal(s.msdyncrm_segmentsize, expected.length);
      await expectMembers(ctx, ctx.ids.dynamicLive, expected);
    },
  },
  {
    section: 'dynamic',
    title: 'update the Draft dynamic segment to Going live',
    send: (ctx) => ({
      method: 'PATCH',
      url: `msdyncrm_segments(${ctx.ids.dynamic})`,
      payload: { statuscode: 192350006 },
    }),
    async check(res, ctx) {
      assert.equal(res.statusCode, 204, res.body);
      await ctx.api.waitForStatus(ctx.ids.dynamic!, S.Live);
      await expectMembers(ctx, ctx.ids.dynamic!, nameAndEmail(ctx.data));
    },
  },
  {
    section: 'dynamic',
    title: 'retrieve the Stopped segments (none yet)',
    send: () => ({ method: 'GET', url: 'msdyncrm_segments?$filter=statuscode eq 192350002' }),
    async check(res) {
      assert.deepEqual(collection(res), []);
      await Promise.resolve();
    },
  },
  {
    section: 'dynamic',
    title: 'delete the dynamic segment: it is Live, so 400 naming why',
    send: (ctx) => ({ method: 'DELETE', url: `msdyncrm_segments(${ctx.ids.dynamic})` }),
    async check(res) {
      expectError(res, 400, '0x80040265', /'Customers with name and email' cannot be deleted: it is Live/);
      await Promise.resolve();
    },
  },
  {
    section: 'dynamic',
    title: 'stop it (Stopped sent directly means Stopping)',
    extra: true,
    send: (ctx) => ({
      method: 'PATCH',
      url: `msdyncrm_segments(${ctx.ids.dynamic})`,
      payload: { statuscode: 192350002 },
    }),
    async check(res, ctx) {
      assert.equal(res.statusCode, 204, res.body);
      await ctx.api.waitForStatus(ctx.ids.dynamic!, S.Stopped);
    },
  },
  {
    section: 'dynamic',
    title: 'delete it once Stopped',
    extra: true,
    send: (ctx) => ({ method: 'DELETE', url: `msdyncrm_segments(${ctx.ids.dynamic})` }),
    async check(res) {
      assert.equal(res.statusCode, 204, res.body);
      await Promise.resolve();
    },
  },

  // ---- CRUD operations on compound segments -------------------------------------------------
  {
    section: 'compound',
    title: 'create a compound segment Going live (the query sent as msdyncrm_query)',
    send: () => ({
      method: 'POST',
      url: 'msdyncrm_segments',
      payload: {
        msdyncrm_segmentname: 'my_compound_segment1',
        msdyncrm_segmenttype: 192350002,
        msdyncrm_query: 'SEGMENT(segment1) UNION SEGMENT(segment2)',
        statuscode: 192350006,
      },
    }),
    async check(res, ctx) {
      ctx.ids.compound = created(res);
      const s = await ctx.api.waitForStatus(ctx.ids.compound, S.Live);
      assert.equal(s.msdyncrm_segmentquery, 'SEGMENT(segment1) UNION SEGMENT(segment2)');
      const expected = [...new Set([...ctx.data.segment1, ...segment2(ctx.data)])];
      assert.equal(expected.length, ctx.data.segment1.length + 2);
      await expectMembers(ctx, ctx.ids.compound, expected);
    },
  },
  {
    section: 'compound',
    title: 'update its status to Stopping; it becomes Stopped',
    send: (ctx) => ({
      method: 'PATCH',
      url: `msdyncrm_segments(${ctx.ids.compound})`,
      payload: { statuscode: 192350007 },
    }),
    async check(res, ctx) {
      assert.equal(res.statusCode, 204, res.body);
      await ctx.api.waitForStatus(ctx.ids.compound!, S.Stopped);
    },
  },
  {
    section: 'compound',
    title: 'retrieve the Stopped segments',
    send: () => ({ method: 'GET', url: 'msdyncrm_segments?$filter=statuscode eq 192350002' }),
    async check(res, ctx) {
      assert.deepEqual(
        collection(res).map((r) => r.msdyncrm_segmentid),
        [ctx.ids.compound],
      );
      await Promise.resolve();
    },
  },
  {
    section: 'compound',
    title: 'delete the compound segment',
    send: (ctx) => ({ method: 'DELETE', url: `msdyncrm_segments(${ctx.ids.compound})` }),
    async check(res, ctx) {
      assert.equal(res.statusCode, 204, res.body);
      assert.equal(
        (await ctx.api.request({ url: `msdyncrm_segments(${ctx.ids.compound})` })).statusCode,
        404,
      );
    },
  },

  // ---- Add/Remove contacts to static segments -----------------------------------------------
  {
    section: 'members',
    title: 'add segment members by providing ids',
    send: () => ({
      method: 'POST',
      url: 'msdyncrm_SegmentMembersUpdate',
      payload: {
        msdyncrm_segmentid: '59AC8BBF-57E7-E811-A9A9-000D3A35F403',
        msdyncrm_operation: 'addByIds',
        msdyncrm_memberids:
          '["B5672BDB-8899-43CB-9FA1-0AE4DC61DAD3", "694E1C8E-F704-4B23-9B07-E65DB1620E47", "A4A31E3D-DFCA-4765-8018-3BA7D5E376C7"]',
      },
    }),
    async check(res, ctx) {
      const op = queued(res);
      const [done] = await settledOperations(ctx, SEED.updateSegment);
      assert.deepEqual(
        [done?.OperationId, done?.State, done?.Requested, done?.Applied, done?.Ignored],
        [op, 'Succeeded', 3, 2, 1],
      );
      await expectMembers(ctx, SEED.updateSegment, SEED.updateMembers);
    },
  },
  {
    section: 'members',
    title: 'remove segment members by providing ids',
    send: () => ({
      method: 'POST',
      url: 'msdyncrm_SegmentMembersUpdate',
      payload: {
        msdyncrm_segmentid: '59AC8BBF-57E7-E811-A9A9-000D3A35F403',
        msdyncrm_operation: 'removeByIds',
        msdyncrm_memberids:
          '["B5672BDB-8899-43CB-9FA1-0AE4DC61DAD3", "694E1C8E-F704-4B23-9B07-E65DB1620E47", "A4A31E3D-DFCA-4765-8018-3BA7D5E376C7"]',
      },
    }),
    async check(res, ctx) {
      const op = queued(res);
      const [done] = await settledOperations(ctx, SEED.updateSegment);
      assert.deepEqual(
        [done?.OperationId, done?.State, done?.Applied, done?.Ignored],
        [op, 'Succeeded', 2, 1],
      );
      await expectMembers(ctx, SEED.updateSegment, []);
    },
  },
  {
    section: 'members',
    title: 'add segment members by providing a query',
    send: () => ({
      method: 'POST',
      url: 'msdyncrm_SegmentMembersUpdate',
      payload: {
        msdyncrm_segmentid: SEED.querySegment,
        msdyncrm_operation: 'addByQuery',
        msdyncrm_query: ACCOUNT_QUERY,
      },
    }),
    async check(res, ctx) {
      queued(res);
      await settledOperations(ctx, SEED.querySegment);
      const expected = accountWithEmail(ctx.data);
      assert.equal(expected.length, 3);
      await expectMembers(ctx, SEED.querySegment, expected);
    },
  },
  {
    section: 'members',
    title: 'remove segment members by providing a query',
    send: () => ({
      method: 'POST',
      url: 'msdyncrm_SegmentMembersUpdate',
      payload: {
        msdyncrm_segmentid: SEED.querySegment,
        msdyncrm_operation: 'removeByQuery',
        msdyncrm_query: ACCOUNT_QUERY,
      },
    }),
    async check(res, ctx) {
      queued(res);
      await settledOperations(ctx, SEED.querySegment);
      await expectMembers(ctx, SEED.querySegment, []);
    },
  },
  {
    section: 'members',
    title: 'get the status of pending operations',
    send: () => ({
      method: 'POST',
      url: 'msdyncrm_SegmentMembersUpdate',
      payload: { msdyncrm_segmentid: 'b5466fbb-2cef-e911-a81d-000d3a6d200c', msdyncrm_operation: 'getState' },
    }),
    async check(res) {
      assert.equal(res.statusCode, 200, res.body);
      const body = json(res) as { State: string; Operations: Record<string, unknown>[] };
      assert.equal(body.State, 'Idle');
      assert.deepEqual(
        body.Operations.map((o) => [o.Operation, o.State, o.Requested, o.Applied, o.Ignored, o.Error]),
        [
          ['removeByQuery', 'Succeeded', 3, 3, 0, null],
          ['addByQuery', 'Succeeded', 3, 3, 0, null],
        ],
      );
      await Promise.resolve();
    },
  },
  {
    section: 'members',
    title: 'retrieve segment members (recommended): msdyncrm_FetchContactsByQuery',
    send: () => ({
      method: 'POST',
      url: 'msdyncrm_FetchContactsByQuery',
      payload: {
        Query:
          '(SEGMENT(SEGMENT_CRM_ID_e1fa7fdc5c78ea11a811000d3a8e8fcc)).ORDERBY(fullname ASC).SKIP(0).TAKE(15).SELECT(contactid)',
        FetchXml:
          '<fetch version="1.0" output-format="xml-platform" mapping="logical" count="15" page="1" returntotalrecordcount="true"><entity name="contact"><attribute name="fullname"/><attribute name="emailaddress1"/><attribute name="company"/><attribute name="parentcustomerid"/><attribute name="contactid"/><order attribute="fullname" descending="false"/></entity></fetch>',
        OwningBusinessUnit: '0b4b85cc-7f6c-ea11-a811-000d3a54d359',
        Scope: 270100000,
        TimeZone: null,
      },
    }),
    async check(res, ctx) {
      assert.equal(res.statusCode, 200, res.body);
      const body = json(res) as {
        Contacts: Record<string, unknown>[];
        TotalRecordCount: number;
        MoreRecords: boolean;
      };
      const members = ctx.data.people.filter((p) => ctx.data.fetchMembers.includes(p.id));
      const firstPage = members
        .map((p) => lower(p.fullname) ?? '')
        .sort()
        .slice(0, 15);
      assert.equal(body.Contacts.length, 15);
      for (const c of body.Contacts) assert.ok(ctx.data.fetchMembers.includes(String(c.contactid)));
      assert.deepEqual(
        body.Contacts.map((c) => lower(typeof c.fullname === 'string' ? c.fullname : null) ?? ''),
        firstPage,
      );
      assert.equal(typeof body.TotalRecordCount, 'number');
      assert.equal(body.MoreRecords, body.TotalRecordCount > 15);
      await Promise.resolve();
    },
  },
  {
    section: 'members',
    title: 'retrieve segment members (deprecated): FetchXML through contacts',
    send: () => ({
      method: 'GET',
      // The document's sample, encoded and with the `<` its first tag lost.
      url: `contacts?fetchXml=${encodeURIComponent(`<fetch version="1.0" output-format="xml-platform" mapping="logical" returntotalrecordcount="true" page="1" count="5" no-lock="false">
    <entity name="contact">
        <attribute name="fullname"/>
        <attribute name="contactid"/>
        <order attribute="fullname" descending="false"/>
        <link-entity name="msdyncrm_segment" from="msdyncrm_segmentid" to="msdyncrm_segmentmemberid" alias="bb">
            <filter type="and">
                <condition attribute="msdyncrm_segmentid" operator="eq" uitype="msdyncrm_segment" value="bfc9d5d6-d6aa-e911-a859-000d3a3159df"/>
            </filter>
        </link-entity>
    </entity>
</fetch>`)}`,
    }),
    async check(res, ctx) {
      const rows = collection(res);
      assert.equal(rows.length, 5);
      const members = ctx.data.people
        .filter((p) => ctx.data.deprecatedMembers.includes(p.id))
        .map((p) => lower(p.fullname) ?? '')
        .sort();
      assert.deepEqual(
        rows.map((r) => lower(String(r.fullname))),
        members.slice(0, 5),
      );
      for (const r of rows) assert.ok(ctx.data.deprecatedMembers.includes(String(r.contactid)));
      await Promise.resolve();
    },
  },

  // ---- Validating segments ------------------------------------------------------------------
  {
    section: 'validate',
    title: 'validate a valid segment definition',
    send: () => ({
      method: 'POST',
      url: 'msdyncrm_ValidateSegment',
      payload: {
        msdyncrm_segmentname: 'NewSegment',
        msdyncrm_segmentquery: 'PROFILE(contact)',
        msdyncrm_segmenttype: 192350000,
        statuscode: 192350000,
      },
    }),
    async check(res) {
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(json(res).ValidationResult, '[]');
      await Promise.resolve();
    },
  },
  {
    section: 'validate',
    title: 'validate an invalid segment definition',
    send: () => ({
      method: 'POST',
      url: 'msdyncrm_ValidateSegment',
      payload: {
        msdyncrm_segmentname: 'NewSegment',
        msdyncrm_segmentquery: 'PROFILE(UnknownEntity)',
        msdyncrm_segmenttype: 192350000,
        statuscode: 192350006,
      },
    }),
    async check(res) {
      assert.equal(res.statusCode, 200, res.body);
      const issues = JSON.parse(String(json(res).ValidationResult)) as Record<string, unknown>[];
      assert.deepEqual(
        issues.map((i) => [i.ErrorCode, i.FieldName]),
        [['SegmentDciValidator_SegmentInvalid', 'msdyncrm_query']],
      );
      await Promise.resolve();
    },
  },
];

for (const target of storeTargets()) {
  describe(`the seed document, request by request (${target.name})`, () => {
    let ctx: SeedContext;
    before(async () => {
      const api = await openSegmentApi(target);
      ctx = { api, data: await loadDataset(api), ids: {} };
    });
    after(() => ctx.api.close());

    it('answers every request of the document in order, with the members it implies', async () => {
      for (const [i, step] of STEPS.entries()) {
        const r = step.send(ctx);
        const res = await ctx.api.request({
          method: r.method,
          url: r.url,
          ...(r.payload !== undefined ? { payload: r.payload } : {}),
        });
        try {
          await step.check(res, ctx);
        } catch (err) {
          const where = `step ${i + 1} (${step.section}${step.extra === true ? ', extra' : ''}): ${step.title}`;
          if (err instanceof Error) err.message = `${where}\n${err.message}`;
          throw err;
        }
      }
    });
  });
}
