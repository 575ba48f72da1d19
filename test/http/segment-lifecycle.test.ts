import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SegmentStatus as S, SegmentType as T } from '../../src/metadata/builtin/segment.ts';
import {
  entryTimes,
  forceStatus,
  openSegmentApi,
  segmentBody,
  segmentJobs,
  type SegmentApi,
  waitFor,
} from '../segments/harness.ts';
import { storeTargets } from '../support/stores.ts';
import { expectError, json } from './harness.ts';

const REFUSED = '0x80040265';
const INVALID = '0x80040203';
const PARIS = "PROFILE(contact).FILTER(address1_city == 'Paris')";

const ALL_STATUSES = Object.values(S);

/** The platform's transition table (reference notes 1.3), written out. */
const TABLE: Record<number, number[]> = {
  [S.Draft]: [S.GoingLive, S.Live, S.Expired],
  [S.Live]: [S.Stopping, S.Stopped, S.GoingLive, S.LiveEditable, S.Error],
  [S.Stopped]: [S.Expired, S.GoingLive],
  [S.LiveEditable]: [S.Live, S.Error, S.GoingLive],
  [S.Expired]: [],
  [S.Error]: [S.GoingLive, S.Stopping],
  [S.GoingLive]: [S.Live, S.Error],
  [S.Stopping]: [S.Stopped, S.Error],
};

const LABEL: Record<number, string> = {
  [S.Draft]: 'Draft',
  [S.Live]: 'Live',
  [S.Stopped]: 'Stopped',
  [S.LiveEditable]: 'Live, editable',
  [S.Expired]: 'Expired',
  [S.Error]: 'Error',
  [S.GoingLive]: 'Going live',
  [S.Stopping]: 'Stopping',
};

async function patch(api: SegmentApi, id: string, body: Record<string, unknown>) {
  return api.request({ method: 'PATCH', url: `msdyncrm_segments(${id})`, payload: body });
}

for (const target of storeTargets()) {
  describe(`segment records and their lifecycle (${target.name})`, () => {
    let api: SegmentApi;
    let paris: string[];
    let rome: string[];
    before(async () => {
      api = await openSegmentApi(target);
      paris = await api.contacts([
        { lastname: 'Paris 1', address1_city: 'Paris', emailaddress1: 'p1@example.com' },
        { lastname: 'Paris 2', address1_city: 'PARIS' },
      ]);
      rome = await api.contacts([{ lastname: 'Rome 1', address1_city: 'Rome' }]);
    });
    after(() => api.close());

    it('checks the required fields on create and names each missing one', async () => {
      expectError(
        await api.request({ method: 'POST', url: 'msdyncrm_segments', payload: {} }),
        400,
        INVALID,
        /'msdyncrm_segmentname' \(its name\), 'msdyncrm_segmenttype' .*, 'statuscode' .*: they are missing/,
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'msdyncrm_segments',
          payload: { msdyncrm_segmentname: 'x', msdyncrm_segmenttype: T.Static },
        }),
        400,
        INVALID,
        /'statuscode' .*: it is missing/,
      );
      for (const type of [T.Dynamic, T.Compound]) {
        expectError(
          await api.request({
            method: 'POST',
            url: 'msdyncrm_segments',
            payload: segmentBody('x', type, S.Draft),
          }),
          400,
          INVALID,
          /needs 'msdyncrm_segmentquery' \(or 'msdyncrm_query'\)/,
        );
      }
      expectError(
        await api.request({
          method: 'POST',
          url: 'msdyncrm_segments',
          payload: segmentBody('x'.repeat(101), T.Static, S.Draft),
        }),
        400,
        '0x80048d19',
        /maximum allowed length of '100'/,
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'msdyncrm_segments',
          payload: segmentBody('x', 7, S.Draft),
        }),
        400,
        '0x80048d19',
        /msdyncrm_segmenttype/,
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'msdyncrm_segments',
          payload: segmentBody('x', T.Static, S.Draft, { msdyncrm_members: '[]' }),
        }),
        400,
        '0x80048d19',
        /The property 'msdyncrm_members' does not exist/,
      );
      const found = await api.request({ url: "msdyncrm_segments?$filter=msdyncrm_segmentname eq 'x'" });
      assert.deepEqual(json(found).value, []);
    });

    it('maintains the server fields and ignores client values for them', async () => {
      const id = await api.create(
        'msdyncrm_segments',
        segmentBody('maintained', T.Dynamic, S.Draft, {
          msdyncrm_segmentquery: PARIS,
          msdyncrm_segmentsize: 99,
          msdyncrm_segmentqueryname: 'mine',
          msdyncrm_lastevaluationtime: '2020-01-01T00:00:00Z',
          msdyncrm_segmentevaluationstate: 'x',
          msdyncrm_islive: true,
          statecode: 1,
        }),
      );
      const s = await api.segment(id);
      assert.equal(s.msdyncrm_segmentqueryname, `SEGMENT_CRM_ID_${id.replaceAll('-', '')}`);
      assert.equal(s.msdyncrm_segmentsize, 0);
      assert.equal(s.msdyncrm_lastevaluationtime, null);
      assert.equal(s.msdyncrm_segmentevaluationstate, null);
      assert.equal(s.msdyncrm_islive, false);
      assert.equal(s.statecode, 0);
      assert.equal(s.statuscode, S.Draft);
      // A client can send back the record it read.
      const { '@odata.context': _c, '@odata.etag': _e, ...back } = s;
      const keep = Object.fromEntries(
        Object.entries(back).filter(
          ([k]) => !k.startsWith('_') && k !== 'importsequencenumber' && k !== 'overriddencreatedon',
        ),
      );
      const sentBack = await patch(api, id, keep);
      assert.equal(sentBack.statusCode, 204, sentBack.body);
      assert.equal((await api.segment(id)).statuscode, S.Draft);
    });

    it('accepts msdyncrm_query as another name of msdyncrm_segmentquery, on create and update', async () => {
      const id = await api.create(
        'msdyncrm_segments',
        segmentBody('alias', T.Dynamic, S.Draft, { msdyncrm_query: PARIS }),
      );
      assert.equal((await api.segment(id)).msdyncrm_segmentquery, PARIS);
      assert.equal((await patch(api, id, { msdyncrm_query: 'PROFILE(contact)' })).statusCode, 204);
      assert.equal((await api.segment(id)).msdyncrm_segmentquery, 'PROFILE(contact)');
      expectError(
        await patch(api, id, { msdyncrm_query: PARIS, msdyncrm_segmentquery: PARIS }),
        400,
        '0x80048d19',
        /'msdyncrm_query' is another name of 'msdyncrm_segmentquery'/,
      );
      const selected = await api.request({ url: `msdyncrm_segments(${id})?$select=msdyncrm_segmentquery` });
      assert.equal(json(selected).msdyncrm_query, undefined);
    });

    it('creates segments in Draft or Going live only (Live sent directly means Going live)', async () => {
      for (const status of [S.Stopped, S.Stopping, S.Error, S.Expired, S.LiveEditable]) {
        expectError(
          await api.request({
            method: 'POST',
            url: 'msdyncrm_segments',
            payload: segmentBody('wrong start', T.Dynamic, status, { msdyncrm_segmentquery: PARIS }),
          }),
          400,
          REFUSED,
          new RegExp(`created in Draft \\(192350000\\) or Going live \\(192350006\\).*not ${LABEL[status]}`),
        );
      }
      const id = await api.create(
        'msdyncrm_segments',
        segmentBody('live at once', T.Dynamic, S.Live, { msdyncrm_segmentquery: PARIS }),
      );
      const s = await api.waitForStatus(id, S.Live);
      assert.equal(s.msdyncrm_segmentsize, 2);
      assert.deepEqual(await api.members(id), [...paris].sort());
    });

    it('going live validates at once: 400 with the validation errors, nothing changed', async () => {
      const bad = await api.request({
        method: 'POST',
        url: 'msdyncrm_segments',
        payload: segmentBody('invalid', T.Dynamic, S.GoingLive, {
          msdyncrm_segmentquery: 'PROFILE(UnknownEntity)',
        }),
      });
      expectError(
        bad,
        400,
        INVALID,
        /cannot go live: msdyncrm_query: unknown entity 'UnknownEntity'.* at 1:9 \[SegmentDciValidator_SegmentInvalid\]/,
      );
      const none = await api.request({ url: "msdyncrm_segments?$filter=msdyncrm_segmentname eq 'invalid'" });
      assert.deepEqual(json(none).value, []);

      // Draft skips validation; going live later checks, and refuses without changing anything.
      const id = await api.create(
        'msdyncrm_segments',
        segmentBody('invalid draft', T.Dynamic, S.Draft, {
          msdyncrm_segmentquery: "PROFILE(contact).FILTER(emailadress1 == 'x')",
        }),
      );
      const before = await api.segment(id);
      expectError(
        await patch(api, id, { statuscode: S.GoingLive, msdyncrm_description: 'changed?' }),
        400,
        INVALID,
        /unknown attribute 'emailadress1' on contact \(did you mean 'emailaddress1'/,
      );
      const unchanged = await api.segment(id);
      assert.equal(unchanged.versionnumber, before.versionnumber);
      assert.equal(unchanged.statuscode, S.Draft);
      assert.equal(unchanged.msdyncrm_description, null);
      assert.deepEqual(await segmentJobs(api, id), []);

      // Fixing the query in the same request that goes live: checked as it will be.
      assert.equal(
        (await patch(api, id, { statuscode: S.GoingLive, msdyncrm_segmentquery: PARIS })).statusCode,
        204,
      );
      await api.waitForStatus(id, S.Live);
      assert.deepEqual(await api.members(id), [...paris].sort());
    });

    it('dynamic segments: members are the query’s, the evaluation is recorded, the refresh scheduled', async () => {
      const started = Date.now();
      const id = await api.create(
        'msdyncrm_segments',
        segmentBody('paris', T.Dynamic, S.GoingLive, { msdyncrm_segmentquery: PARIS }),
      );
      const going = await api.segment(id);
      assert.ok(going.statuscode === S.GoingLive || going.statuscode === S.Live);
      const s = await api.waitForStatus(id, S.Live);
      assert.equal(s.msdyncrm_islive, true);
      assert.equal(s.statecode, 0);
      assert.equal(s.msdyncrm_segmentsize, 2);
      assert.match(String(s.msdyncrm_segmentevaluationstate), /^Evaluated: 2 members \(\+2, -0\) in \d+ ms$/);
      assert.equal(s.msdyncrm_segmentevaluationdurationinminutes, 0);
      const evaluated = Date.parse(String(s.msdyncrm_lastevaluationtime));
      assert.ok(evaluated >= Math.floor(started / 1000) * 1000, String(s.msdyncrm_lastevaluationtime));
      const next = Date.parse(String(s.msdyncrm_nextevaluation));
      assert.equal(next - evaluated, 60 * 60_000);
      const refresh = (await segmentJobs(api, id, 'segment.refresh')).filter((j) => j.state === 'queued');
      assert.equal(refresh.length, 1);
      assert.equal(Math.floor(refresh[0]!.runAfter.getTime() / 1000) * 1000, next);
      assert.deepEqual(await api.members(id), [...paris].sort());

      // A refresh interval of 0: re-evaluated on demand only.
      const manual = await api.create(
        'msdyncrm_segments',
        segmentBody('manual', T.Dynamic, S.GoingLive, {
          msdyncrm_segmentquery: PARIS,
          msdyncrm_segmentrefreshrateintervalminutes: 0,
        }),
      );
      const m = await api.waitForStatus(manual, S.Live);
      assert.equal(m.msdyncrm_nextevaluation, null);
      assert.deepEqual(
        (await segmentJobs(api, manual, 'segment.refresh')).filter((j) => j.state === 'queued'),
        [],
      );
      // Changing the interval of a live segment reschedules its refresh.
      assert.equal(
        (await patch(api, manual, { msdyncrm_segmentrefreshrateintervalminutes: 5 })).statusCode,
        204,
      );
      const rescheduled = await api.segment(manual);
      assert.notEqual(rescheduled.msdyncrm_nextevaluation, null);
      const queued = (await segmentJobs(api, manual, 'segment.refresh')).filter((j) => j.state === 'queued');
      assert.equal(queued.length, 1);
      assert.ok(queued[0]!.runAfter.getTime() - Date.now() <= 5 * 60_000);
    });

    it('re-evaluates on demand and writes only the change: members that stay keep their entry time', async () => {
      const [a, b, c] = await api.contacts([
        { lastname: 'Refresh A', address1_city: 'Lyon', jobtitle: 'refresh' },
        { lastname: 'Refresh B', address1_city: 'Lyon', jobtitle: 'refresh' },
        { lastname: 'Refresh C', address1_city: 'Nice', jobtitle: 'refresh' },
      ]);
      const query = "PROFILE(contact).FILTER(jobtitle == 'refresh' && address1_city == 'Lyon')";
      const id = await api.create(
        'msdyncrm_segments',
        segmentBody('lyon', T.Dynamic, S.GoingLive, { msdyncrm_segmentquery: query }),
      );
      const first = await api.waitForStatus(id, S.Live);
      assert.deepEqual(await api.members(id), [a, b].sort());
      const entered = await entryTimes(api.store, id);

      await api.request({ method: 'PATCH', url: `contacts(${a})`, payload: { address1_city: 'Nice' } });
      await api.request({ method: 'PATCH', url: `contacts(${c})`, payload: { address1_city: 'Lyon' } });
      assert.equal(await api.segments.refresh(id), true);
      const second = await waitFor('the refresh', async () => {
        const s = await api.segment(id);
        return s.msdyncrm_segmentevaluationstate !== first.msdyncrm_segmentevaluationstate ? s : undefined;
      });
      assert.match(String(second.msdyncrm_segmentevaluationstate), /^Evaluated: 2 members \(\+1, -1\)/);
      assert.equal(second.statuscode, S.Live);
      assert.deepEqual(await api.members(id), [b, c].sort());
      assert.equal((await entryTimes(api.store, id)).get(b!), entered.get(b!));

      // Going live again from Live is a re-evaluation too.
      await api.request({ method: 'PATCH', url: `contacts(${b})`, payload: { address1_city: 'Nice' } });
      assert.equal((await patch(api, id, { statuscode: S.GoingLive })).statusCode, 204);
      await waitFor('the re-evaluation', async () =>
        (await api.members(id)).length === 1 ? true : undefined,
      );
      const third = await api.waitForStatus(id, S.Live);
      assert.equal(third.msdyncrm_segmentsize, 1);
      assert.deepEqual(await api.members(id), [c]);
      // A static or stopped segment is not refreshed.
      assert.equal(await api.segments.refresh('00000000-0000-0000-0000-000000000000'), false);
    });

    it('Stopping → Stopped: members are kept, refreshes end; Stopped sent directly means Stopping', async () => {
      const id = await api.create(
        'msdyncrm_segments',
        segmentBody('to stop', T.Dynamic, S.GoingLive, { msdyncrm_segmentquery: PARIS }),
      );
      await api.waitForStatus(id, S.Live);
      assert.equal((await patch(api, id, { statuscode: S.Stopped })).statusCode, 204);
      const s = await api.waitForStatus(id, S.Stopped);
      assert.equal(s.msdyncrm_islive, false);
      assert.equal(s.msdyncrm_nextevaluation, null);
      assert.deepEqual(await api.members(id), [...paris].sort());
      assert.deepEqual(
        (await segmentJobs(api, id, 'segment.refresh')).map((j) => j.state),
        ['cancelled'],
      );
      assert.equal(await api.segments.refresh(id), false);
      // Stopped segments go live again.
      assert.equal((await patch(api, id, { statuscode: S.Live })).statusCode, 204);
      await api.waitForStatus(id, S.Live);
    });

    it('static segments: members from msdyncrm_segmentmemberids, replaced while editable', async () => {
      const unknown = '00000000-0000-0000-0000-0000000000aa';
      const id = await api.create(
        'msdyncrm_segments',
        segmentBody('static', T.Static, S.Draft, {
          msdyncrm_segmentmemberids: JSON.stringify([`crm${paris[0]!}`, rome[0]!.toUpperCase(), unknown]),
        }),
      );
      const s = await api.segment(id);
      assert.equal(s.msdyncrm_segmentmemberids, null);
      assert.equal(s.msdyncrm_segmentsize, 2);
      assert.deepEqual(await api.members(id), [paris[0]!, rome[0]!].sort());

      assert.equal((await patch(api, id, { msdyncrm_segmentmemberids: [paris[1]] })).statusCode, 204);
      assert.deepEqual(await api.members(id), [paris[1]!]);
      assert.equal((await api.segment(id)).msdyncrm_segmentsize, 1);

      assert.equal((await patch(api, id, { statuscode: S.GoingLive })).statusCode, 204);
      const live = await api.waitForStatus(id, S.Live);
      assert.equal(live.msdyncrm_segmentsize, 1);
      expectError(
        await patch(api, id, { msdyncrm_segmentmemberids: [paris[0]] }),
        400,
        REFUSED,
        /members of a static segment can be set .* while it is Draft, Stopped or Error; the segment 'static' is Live \(192350001\)/,
      );
      expectError(
        await patch(api, id, { msdyncrm_segmentmemberids: 'crm-not-a-guid' }),
        400,
        REFUSED,
        /is Live/,
      );
      assert.deepEqual(await api.members(id), [paris[1]!]);

      expectError(
        await api.request({
          method: 'POST',
          url: 'msdyncrm_segments',
          payload: segmentBody('dynamic with ids', T.Dynamic, S.Draft, {
            msdyncrm_segmentquery: PARIS,
            msdyncrm_segmentmemberids: '[]',
          }),
        }),
        400,
        INVALID,
        /lists the members of a static segment; this is a dynamic segment \(192350000\)/,
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'msdyncrm_segments',
          payload: segmentBody('bad ids', T.Static, S.Draft, { msdyncrm_segmentmemberids: '[1,2]' }),
        }),
        400,
        INVALID,
        /entry 0 \(1\) is not a contact id/,
      );

      // A type change (Draft only) away from static drops the stored members.
      const draft = await api.create(
        'msdyncrm_segments',
        segmentBody('static then dynamic', T.Static, S.Draft, { msdyncrm_segmentmemberids: [rome[0]] }),
      );
      assert.equal((await patch(api, draft, { msdyncrm_segmenttype: T.Dynamic })).statusCode === 400, true);
      assert.equal(
        (await patch(api, draft, { msdyncrm_segmenttype: T.Dynamic, msdyncrm_segmentquery: PARIS }))
          .statusCode,
        204,
      );
      assert.deepEqual(await api.members(draft), []);
      assert.equal((await api.segment(draft)).msdyncrm_segmentsize, 0);
    });

    it('compound segments: set operations over stored members (static) and definitions (dynamic, compound)', async () => {
      const stat = await api.create(
        'msdyncrm_segments',
        segmentBody('cmp static', T.Static, S.Draft, { msdyncrm_segmentmemberids: [paris[0], rome[0]] }),
      );
      // A Draft dynamic segment: its definition counts, whatever its status.
      const dyn = await api.create(
        'msdyncrm_segments',
        segmentBody('cmp dynamic', T.Dynamic, S.Draft, { msdyncrm_segmentquery: PARIS }),
      );
      const staticName = `SEGMENT_CRM_ID_${stat.replaceAll('-', '')}`;
      const cases: [string, string[]][] = [
        [`SEGMENT(${staticName}) UNION SEGMENT('cmp dynamic')`, [...paris, rome[0]!]],
        [`SEGMENT('${dyn}') EXCEPT SEGMENT(${staticName})`, [paris[1]!]],
        [`SEGMENT(${staticName}).INTERSECT(SEGMENT('${dyn.toUpperCase()}'))`, [paris[0]!]],
      ];
      const compounds: string[] = [];
      for (const [i, [query, expected]] of cases.entries()) {
        const id = await api.create(
          'msdyncrm_segments',
          segmentBody(`compound ${i}`, T.Compound, S.GoingLive, { msdyncrm_query: query }),
        );
        compounds.push(id);
        const s = await api.waitForStatus(id, S.Live);
        assert.equal(s.msdyncrm_segmentsize, expected.length, query);
        assert.deepEqual(await api.members(id), [...expected].sort(), query);
      }
      // A compound of a compound follows its definition.
      const nested = await api.create(
        'msdyncrm_segments',
        segmentBody('nested', T.Compound, S.GoingLive, {
          msdyncrm_query: `SEGMENT('compound 0') EXCEPT SEGMENT(${staticName})`,
        }),
      );
      await api.waitForStatus(nested, S.Live);
      assert.deepEqual(await api.members(nested), [paris[1]!]);
    });

    it('refuses reference cycles when going live', async () => {
      const x = await api.create(
        'msdyncrm_segments',
        segmentBody('cycle x', T.Compound, S.Draft, { msdyncrm_query: "SEGMENT('cycle y')" }),
      );
      const y = await api.create(
        'msdyncrm_segments',
        segmentBody('cycle y', T.Compound, S.Draft, { msdyncrm_query: "SEGMENT('cycle x')" }),
      );
      for (const id of [x, y]) {
        expectError(
          await patch(api, id, { statuscode: S.GoingLive }),
          400,
          INVALID,
          /leads to a reference cycle/,
        );
      }
      const self = await api.create(
        'msdyncrm_segments',
        segmentBody('self', T.Dynamic, S.Draft, {
          msdyncrm_query: "PROFILE(contact) EXCEPT SEGMENT('self')",
        }),
      );
      expectError(await patch(api, self, { statuscode: S.GoingLive }), 400, INVALID, /reference cycle/);
      assert.equal((await api.segment(self)).statuscode, S.Draft);
    });

    it('serves the OData query options on the set (the seed filters on statuscode and selects columns)', async () => {
      const live = await api.request({
        url: `msdyncrm_segments?$filter=statuscode eq ${S.Live}&$select=msdyncrm_segmentname,statuscode&$orderby=msdyncrm_segmentname&$count=true`,
      });
      assert.equal(live.statusCode, 200, live.body);
      const body = json(live) as { value: Record<string, unknown>[]; '@odata.count': number };
      assert.ok(body.value.length > 0);
      assert.equal(body['@odata.count'], body.value.length);
      for (const row of body.value) {
        assert.equal(row.statuscode, S.Live);
        assert.deepEqual(Object.keys(row).sort(), [
          '@odata.etag',
          'msdyncrm_segmentid',
          'msdyncrm_segmentname',
          'statuscode',
        ]);
      }
      const names = body.value.map((r) => String(r.msdyncrm_segmentname));
      assert.deepEqual(
        names,
        [...names].sort((p, q) => (p.toLowerCase() < q.toLowerCase() ? -1 : 1)),
      );
      const selected = await api.request({
        url: 'msdyncrm_segments?$select=msdyncrm_segmentid,msdyncrm_segmentname,msdyncrm_segmentquery,msdyncrm_description&$top=2',
      });
      assert.equal((json(selected).value as unknown[]).length, 2);
    });
  });

  describe(`segment transitions, edits and deletes (${target.name})`, () => {
    let api: SegmentApi;
    before(async () => {
      api = await openSegmentApi(target);
      // No background work: statuses stay where the requests put them.
      await api.segments.stop();
    });
    after(() => api.close());

    async function segmentIn(status: number, type: number = T.Dynamic, name = 'matrix'): Promise<string> {
      const id = await api.create(
        'msdyncrm_segments',
        segmentBody(name, type, S.Draft, type === T.Static ? {} : { msdyncrm_segmentquery: PARIS }),
      );
      if (status !== S.Draft) await forceStatus(api, id, status);
      return id;
    }

    it('allows exactly the transitions of the table, and refuses the others naming both statuses', async () => {
      for (const from of ALL_STATUSES) {
        for (const requested of ALL_STATUSES) {
          const id = await segmentIn(from);
          const before = await api.segment(id);
          const res = await patch(api, id, { statuscode: requested });
          const to = requested === S.Live ? S.GoingLive : requested === S.Stopped ? S.Stopping : requested;
          const what = `${LABEL[from]} → ${LABEL[requested]}`;
          if (requested === from || to === from) {
            assert.equal(res.statusCode, 204, `${what}: ${res.body}`);
            assert.equal((await api.segment(id)).statuscode, from, what);
          } else if (TABLE[from]?.includes(to) === true) {
            assert.equal(res.statusCode, 204, `${what}: ${res.body}`);
            const after = await api.segment(id);
            assert.equal(after.statuscode, to, what);
            assert.equal(after.statecode, to === S.Expired ? 1 : 0, what);
            const kinds = (await segmentJobs(api, id)).map((j) => j.kind);
            assert.deepEqual(
              kinds,
              to === S.GoingLive ? ['segment.go-live'] : to === S.Stopping ? ['segment.stop'] : [],
              what,
            );
          } else {
            const message = expectError(res, 400, REFUSED, undefined);
            assert.ok(
              message.startsWith(
                `The segment is ${LABEL[from]} (${from}) and cannot be set to ${LABEL[requested]} (${requested})`,
              ),
              `${what}: ${message}`,
            );
            const after = await api.segment(id);
            assert.equal(after.versionnumber, before.versionnumber, what);
          }
          await forceStatus(api, id, S.Draft);
          assert.equal(
            (await api.request({ method: 'DELETE', url: `msdyncrm_segments(${id})` })).statusCode,
            204,
          );
        }
      }
    });

    it('refuses edits the status forbids, naming the status and the reason; allows the others', async () => {
      for (const status of ALL_STATUSES) {
        const dyn = await segmentIn(status, T.Dynamic, 'edits');
        const stat = await segmentIn(status, T.Static, 'edits static');
        const label = `${LABEL[status]} \\(${status}\\)`;
        // Name, description and other settings: at any time.
        assert.equal(
          (await patch(api, dyn, { msdyncrm_segmentname: 'renamed', msdyncrm_description: 'd' })).statusCode,
          204,
          LABEL[status],
        );
        assert.equal((await patch(api, dyn, { msdyncrm_segmentname: 'edits' })).statusCode, 204);
        // Sending the value a field has is no edit.
        assert.equal(
          (await patch(api, dyn, { msdyncrm_segmenttype: T.Dynamic, msdyncrm_segmentquery: PARIS }))
            .statusCode,
          204,
        );

        const type = await patch(api, dyn, { msdyncrm_segmenttype: T.Compound });
        if (status === S.Draft) assert.equal(type.statusCode, 204);
        else
          expectError(
            type,
            400,
            REFUSED,
            new RegExp(`type of a segment can only be changed while it is Draft.*is ${label}`),
          );

        const query = await patch(api, dyn, { msdyncrm_segmentquery: 'PROFILE(contact)' });
        const members = await patch(api, stat, { msdyncrm_segmentmemberids: '[]' });
        if (status === S.Draft || status === S.Stopped || status === S.Error) {
          assert.equal(query.statusCode, 204, LABEL[status]);
          assert.equal(members.statusCode, 204, LABEL[status]);
        } else {
          expectError(
            query,
            400,
            REFUSED,
            new RegExp(
              `query of a segment can be changed while it is Draft, Stopped or Error; the segment 'edits' is ${label}`,
            ),
          );
          expectError(members, 400, REFUSED, new RegExp(`is ${label}`));
        }
        for (const id of [dyn, stat]) {
          await forceStatus(api, id, S.Draft);
          await api.request({ method: 'DELETE', url: `msdyncrm_segments(${id})` });
        }
      }
    });

    it('refuses to delete a segment that is Going live, Live or Stopping, or that another segment refers to', async () => {
      for (const status of ALL_STATUSES) {
        const id = await segmentIn(status, T.Static, 'to delete');
        const res = await api.request({ method: 'DELETE', url: `msdyncrm_segments(${id})` });
        if (status === S.GoingLive || status === S.Live || status === S.Stopping) {
          expectError(
            res,
            400,
            REFUSED,
            new RegExp(`'to delete' cannot be deleted: it is ${LABEL[status]} \\(${status}\\)`),
          );
          assert.equal((await api.request({ url: `msdyncrm_segments(${id})` })).statusCode, 200);
        } else {
          assert.equal(res.statusCode, 204, `${LABEL[status]}: ${res.body}`);
        }
      }

      const base = await segmentIn(S.Live, T.Static, 'referenced');
      const byName = await api.create(
        'msdyncrm_segments',
        segmentBody('refers by name', T.Compound, S.Draft, { msdyncrm_query: "SEGMENT('referenced')" }),
      );
      const byQueryName = await api.create(
        'msdyncrm_segments',
        segmentBody('refers by query name', T.Dynamic, S.Draft, {
          msdyncrm_query: `PROFILE(contact) EXCEPT SEGMENT(SEGMENT_CRM_ID_${base.replaceAll('-', '')})`,
        }),
      );
      const message = expectError(
        await api.request({ method: 'DELETE', url: `msdyncrm_segments(${base})` }),
        400,
        REFUSED,
      );
      assert.equal(
        message,
        `The segment 'referenced' cannot be deleted: it is Live (192350001): stop it first (statuscode 192350007) and delete it once it is Stopped; and the queries of segments 'refers by name' (${byName}), 'refers by query name' (${byQueryName}) refer to it.`,
      );
      await forceStatus(api, base, S.Stopped);
      expectError(
        await api.request({ method: 'DELETE', url: `msdyncrm_segments(${base})` }),
        400,
        REFUSED,
        /cannot be deleted: the queries of segments 'refers by name'/,
      );
      await api.request({ method: 'DELETE', url: `msdyncrm_segments(${byName})` });
      await api.request({ method: 'DELETE', url: `msdyncrm_segments(${byQueryName})` });
      assert.equal(
        (await api.request({ method: 'DELETE', url: `msdyncrm_segments(${base})` })).statusCode,
        204,
      );
    });

    it('refuses a rename, or a namesake, that would change what a query names', async () => {
      const base = await segmentIn(S.Draft, T.Static, 'named in a query');
      const other = await segmentIn(S.Draft, T.Static, 'not named anywhere');
      const referrer = await api.create(
        'msdyncrm_segments',
        segmentBody('names it', T.Compound, S.Draft, { msdyncrm_query: "SEGMENT('Named In A Query')" }),
      );
      const queryName = `SEGMENT_CRM_ID_${base.replaceAll('-', '')}`;
      const renamed = expectError(await patch(api, base, { msdyncrm_segmentname: 'renamed' }), 400, REFUSED);
      assert.equal(
        renamed,
        `The segment 'named in a query' cannot be renamed to 'renamed': the query of segment 'names it' (${referrer}) refers to it by its name; refer to it as SEGMENT(${queryName}) there first.`,
      );
      const namesake = expectError(
        await api.request({
          method: 'POST',
          url: 'msdyncrm_segments',
          payload: segmentBody('NAMED in a query', T.Static, S.Draft),
        }),
        400,
        REFUSED,
      );
      assert.match(
        namesake,
        /No second segment may be named 'NAMED in a query': the query of segment 'names it'/,
      );
      expectError(
        await patch(api, other, { msdyncrm_segmentname: 'named in a query' }),
        400,
        REFUSED,
        /ambiguous/,
      );
      // A change of case keeps the reference; other segments rename freely; nothing was written.
      assert.equal((await patch(api, base, { msdyncrm_segmentname: 'Named in a Query' })).statusCode, 204);
      assert.equal((await patch(api, other, { msdyncrm_segmentname: 'still free' })).statusCode, 204);
      const names = json(
        await api.request({
          url: `msdyncrm_segments?$select=msdyncrm_segmentname&$orderby=msdyncrm_segmentname`,
        }),
      );
      assert.ok(
        !(names.value as { msdyncrm_segmentname: string }[]).some(
          (r) => r.msdyncrm_segmentname === 'renamed',
        ),
      );
      // Once the query names it by its query name, the rename is possible.
      assert.equal((await patch(api, referrer, { msdyncrm_query: `SEGMENT(${queryName})` })).statusCode, 204);
      assert.equal((await patch(api, base, { msdyncrm_segmentname: 'renamed' })).statusCode, 204);
      for (const id of [referrer, base, other])
        assert.equal(
          (await api.request({ method: 'DELETE', url: `msdyncrm_segments(${id})` })).statusCode,
          204,
        );
    });

    it('deleting a segment removes its members and cancels its queued jobs', async () => {
      const [c] = await api.contacts([{ lastname: 'deleted member' }]);
      const id = await api.create(
        'msdyncrm_segments',
        segmentBody('with members', T.Static, S.Draft, { msdyncrm_segmentmemberids: [c] }),
      );
      const op = await api.request({
        method: 'POST',
        url: 'msdyncrm_SegmentMembersUpdate',
        payload: { msdyncrm_segmentid: id, msdyncrm_operation: 'removeByIds', msdyncrm_memberids: [c] },
      });
      assert.equal(op.statusCode, 200, op.body);
      assert.deepEqual(await api.members(id), [c]);
      const key = await api.records.keyOf('msdyncrm_segment', id);
      assert.equal(await api.store.membership.count(key!), 1);
      assert.equal(
        (await api.request({ method: 'DELETE', url: `msdyncrm_segments(${id})` })).statusCode,
        204,
      );
      assert.equal(await api.store.membership.count(key!), 0);
      assert.deepEqual(
        (await segmentJobs(api, id)).map((j) => j.state),
        ['cancelled'],
      );
    });
  });
}
