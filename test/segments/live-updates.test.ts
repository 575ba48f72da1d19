import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { formatDateTime } from '../../src/engine/values.ts';
import { writeBatchRequest } from '../../src/odata/batch/batch-request.ts';
import { SegmentStatus as S, SegmentType as T } from '../../src/metadata/builtin/segment.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import {
  SegmentJobKind,
  segmentDependencies,
  startLiveSegmentUpdates,
} from '../../src/segment/engine/index.ts';
import type { ResolvedSegment } from '../../src/segment/validation/index.ts';
import type { JobInfo } from '../../src/jobs/job-types.ts';
import { storeTargets } from '../support/stores.ts';
import { BASE, json } from '../http/harness.ts';
import { openSegmentApi, segmentBody, segmentJobs, waitFor, type SegmentApi } from './harness.ts';

/**
 * Live updates: a live dynamic or compound segment follows the data it depends on, re-evaluated
 * shortly after a write (through every write path) by one coalesced `segment.live-update` job,
 * without touching its periodic refresh; segments that are not live are left alone.
 */

const PARIS = "PROFILE(contact).FILTER(address1_city == 'Paris')";
const LIVE_UPDATE = SegmentJobKind.LiveUpdate;
/** The tests' live update delay: short, so that they wait little. */
const DELAY_MS = 50;

const schema = schemaFromDocument({
  entities: [
    {
      logicalName: 'new_card',
      attributes: [
        { logicalName: 'new_limit', type: 'Integer' },
        {
          logicalName: 'new_holderid',
          type: 'Lookup',
          targets: ['contact'],
          relationshipName: 'HavingCreditCard',
        },
      ],
    },
  ],
});

async function open(target: Parameters<typeof openSegmentApi>[0], delayMs = DELAY_MS): Promise<SegmentApi> {
  return openSegmentApi(target, { schema, engine: { liveUpdates: { delayMs } } });
}

async function goLive(api: SegmentApi, name: string, type: number, query: string): Promise<string> {
  const id = await api.create(
    'msdyncrm_segments',
    segmentBody(name, type, S.GoingLive, { msdyncrm_query: query }),
  );
  await api.waitForStatus(id, S.Live);
  return id;
}

async function send(api: SegmentApi, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  const res = await api.request({
    method,
    url,
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
  assert.ok(res.statusCode >= 200 && res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
  return res;
}

/**
 * Waits until an evaluation made the segment's members `expected`: the stored members and the
 * size the evaluation wrote (a deleted contact is no member at once, but counts until then).
 */
async function waitForMembers(api: SegmentApi, id: string, expected: string[]): Promise<void> {
  const want = [...expected].sort();
  let last: string[] = [];
  try {
    await waitFor(
      `the members of ${id}`,
      async () => {
        last = await api.members(id);
        if (JSON.stringify(last) !== JSON.stringify(want)) return undefined;
        return (await api.segment(id)).msdyncrm_segmentsize === want.length ? true : undefined;
      },
      15_000,
    );
  } catch (err) {
    assert.deepEqual(last, want, String(err));
  }
}

/** The live updates of a segment, newest first. */
async function liveUpdates(api: SegmentApi, id: string): Promise<JobInfo[]> {
  return api.store.jobs.list({ orderingKey: `segment:${id}`, kind: LIVE_UPDATE, limit: 1000 });
}

/**
 * Waits until every live update the writes so far caused has run: the tracker has queued them
 * and none of `ids` has one queued or running.
 */
async function settle(api: SegmentApi, ...ids: string[]): Promise<void> {
  await api.segments.liveUpdates?.flush();
  await waitFor(
    'the live updates to finish',
    async () => {
      for (const id of ids) {
        if ((await liveUpdates(api, id)).some((j) => j.state === 'queued' || j.state === 'running'))
          return undefined;
      }
      return true;
    },
    15_000,
  );
}

const succeeded = (jobs: JobInfo[]) => jobs.filter((j) => j.state === 'succeeded').length;

describe('segment dependencies', () => {
  const stored: Record<string, ResolvedSegment> = {
    list: { id: 'static-id', entity: 'contact' },
    paris: { id: 'paris-id', entity: 'contact', query: PARIS },
    'of list': { id: 'of-list-id', entity: 'contact', query: "SEGMENT('list').TRAVERSE(HavingCreditCard)" },
    loop: { id: 'loop-id', entity: 'contact', query: "SEGMENT('loop') UNION SEGMENT('paris')" },
  };
  const deps = (query: string) => {
    const d = segmentDependencies(query, { schema, resolveSegment: (name) => stored[name] });
    return {
      entities: [...d.entities].sort(),
      members: [...d.members].sort(),
      definitions: [...d.definitions].sort(),
    };
  };

  it('reads the entities of PROFILE sources and of both ends of each TRAVERSE', () => {
    assert.deepEqual(deps(PARIS), { entities: ['contact'], members: [], definitions: [] });
    assert.deepEqual(
      deps("PROFILE(account).FILTER(name == 'a').TRAVERSE(contact_account_parentcustomerid)"),
      { entities: ['account', 'contact'], members: [], definitions: [] },
    );
    // From contact, the same relationship leads to the account.
    assert.deepEqual(
      deps(
        'PROFILE(contact).TRAVERSE(contact_account_parentcustomerid).TRAVERSE(contact_account_parentcustomerid)',
      ),
      { entities: ['account', 'contact'], members: [], definitions: [] },
    );
    assert.deepEqual(deps('PROFILE(new_card).TRAVERSE(HavingCreditCard)'), {
      entities: ['contact', 'new_card'],
      members: [],
      definitions: [],
    });
  });

  it('reads the interaction table and the linked profile for INTERACTION', () => {
    assert.deepEqual(deps('INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() > 2)'), {
      entities: ['contact', 'interaction'],
      members: [],
      definitions: [],
    });
  });

  it("follows SEGMENT(…): a static segment's members, a query segment's dependencies, transitively", () => {
    assert.deepEqual(deps("SEGMENT('list')"), {
      entities: ['contact'],
      members: ['static-id'],
      definitions: [],
    });
    assert.deepEqual(deps("SEGMENT('of list') EXCEPT SEGMENT('paris')"), {
      entities: ['contact', 'new_card'],
      members: ['static-id'],
      definitions: ['of-list-id', 'paris-id'],
    });
    // A reference cycle (refused when going live) is followed once.
    assert.deepEqual(deps("SEGMENT('loop')"), {
      entities: ['contact'],
      members: [],
      definitions: ['loop-id', 'paris-id'],
    });
  });

  it('adds nothing for names that resolve to nothing, or a query that does not parse', () => {
    assert.deepEqual(deps("SEGMENT('nowhere') UNION PROFILE(nothing).TRAVERSE(nowhere)"), {
      entities: [],
      members: [],
      definitions: [],
    });
    assert.deepEqual(deps('PROFILE(contact'), { entities: [], members: [], definitions: [] });
  });
});

for (const target of storeTargets()) {
  describe(`segment live updates (${target.name})`, () => {
    it('a live dynamic segment follows creates, updates and deletes of contacts over every write path', async () => {
      const api = await open(target);
      try {
        const [lyon] = await api.contacts([{ lastname: 'lyon', address1_city: 'Lyon' }]);
        const id = await goLive(api, 'paris', T.Dynamic, PARIS);
        const live = await api.segment(id);
        const [periodic] = await segmentJobs(api, id, SegmentJobKind.Refresh);
        assert.equal(periodic?.state, 'queued');
        assert.deepEqual(await api.members(id), []);

        // POST
        const ann = await api.create('contacts', { lastname: 'ann', address1_city: 'Paris' });
        await waitForMembers(api, id, [ann]);
        // PATCH in and out
        await send(api, 'PATCH', `contacts(${lyon})`, { address1_city: 'Paris' });
        await waitForMembers(api, id, [ann, String(lyon)]);
        await send(api, 'PATCH', `contacts(${lyon})`, { address1_city: 'Lyon' });
        await waitForMembers(api, id, [ann]);
        // DELETE
        await send(api, 'DELETE', `contacts(${ann})`);
        await waitForMembers(api, id, []);
        // CreateMultiple, UpdateMultiple, UpsertMultiple
        const created = await api.contacts([
          { lastname: 'b', address1_city: 'Paris' },
          { lastname: 'c', address1_city: 'Paris' },
        ]);
        await waitForMembers(api, id, created);
        await send(api, 'POST', 'contacts/Microsoft.Dynamics.CRM.UpdateMultiple', {
          Targets: [{ contactid: created[0], address1_city: 'Rome' }],
        });
        await waitForMembers(api, id, [String(created[1])]);
        await send(api, 'POST', 'contacts/Microsoft.Dynamics.CRM.UpsertMultiple', {
          Targets: [{ contactid: created[0], address1_city: 'Paris' }],
        });
        await waitForMembers(api, id, created);
        // $batch (a change set)
        const { body, contentType } = writeBatchRequest([
          {
            kind: 'changeset',
            requests: [
              {
                method: 'PATCH',
                url: `${BASE}/contacts(${created[0]})`,
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ address1_city: 'Nice' }),
                contentId: '1',
              },
            ],
          },
        ]);
        const batch = await api.request({
          method: 'POST',
          url: '$batch',
          headers: { 'content-type': contentType },
          payload: body,
        });
        assert.equal(batch.statusCode, 200, batch.body);
        await waitForMembers(api, id, [String(created[1])]);
        // Import (what `segmentd import` writes through)
        const importedId = randomUUID();
        const imported = await api.records.importBatch(
          'contact',
          [{ contactid: importedId, lastname: 'i', address1_city: 'Paris' }],
          { upsert: false },
        );
        assert.equal(imported.created, 1);
        await waitForMembers(api, id, [String(created[1]), importedId]);

        // The evaluations wrote what a refresh writes, and left the periodic refresh as it was.
        await settle(api, id);
        const after = await api.segment(id);
        const [last] = await liveUpdates(api, id);
        assert.equal(after.msdyncrm_segmentsize, 2);
        assert.equal(
          after.msdyncrm_lastevaluationtime,
          formatDateTime(new Date(String((last?.result as { evaluatedOn: string }).evaluatedOn))),
        );
        assert.match(String(after.msdyncrm_segmentevaluationstate), /^Evaluated: 2 members/);
        assert.equal(after.msdyncrm_nextevaluation, live.msdyncrm_nextevaluation);
        assert.equal(after.statuscode, S.Live);
        const refreshes = await segmentJobs(api, id, SegmentJobKind.Refresh);
        assert.deepEqual(
          refreshes.map((j) => [j.id, j.state, j.runAfter.getTime()]),
          [[periodic?.id, 'queued', periodic?.runAfter.getTime()]],
        );
        const all = await liveUpdates(api, id);
        assert.ok(succeeded(all) >= 9, JSON.stringify(all.map((j) => [j.state, j.result])));
      } finally {
        await api.close();
      }
    });

    it('follows the accounts it traverses to, and custom entities', async () => {
      const api = await open(target);
      try {
        const acme = await api.create('accounts', { name: 'Acme' });
        const other = await api.create('accounts', { name: 'Other' });
        const [a, b, c] = await api.contacts([
          { lastname: 'a', 'parentcustomerid_account@odata.bind': `/accounts(${acme})` },
          { lastname: 'b', 'parentcustomerid_account@odata.bind': `/accounts(${other})` },
          { lastname: 'c' },
        ]);
        const byAccount = await goLive(
          api,
          'acme staff',
          T.Dynamic,
          "PROFILE(account).FILTER(name == 'Acme').TRAVERSE(contact_account_parentcustomerid)",
        );
        const byCard = await goLive(
          api,
          'big cards',
          T.Dynamic,
          'PROFILE(new_card).FILTER(new_limit > 1000).TRAVERSE(HavingCreditCard)',
        );
        assert.deepEqual(await api.members(byAccount), [a]);
        assert.deepEqual(await api.members(byCard), []);

        await send(api, 'PATCH', `accounts(${other})`, { name: 'Acme' });
        await waitForMembers(api, byAccount, [String(a), String(b)]);
        await send(api, 'PATCH', `accounts(${acme})`, { name: 'Gone' });
        await waitForMembers(api, byAccount, [String(b)]);

        const card = await api.create('new_cards', {
          new_limit: 5000,
          'new_holderid@odata.bind': `/contacts(${c})`,
        });
        await waitForMembers(api, byCard, [String(c)]);
        await send(api, 'PATCH', `new_cards(${card})`, { new_limit: 10 });
        await waitForMembers(api, byCard, []);
      } finally {
        await api.close();
      }
    });

    it('follows interactions appended (INTERACTION … HAVING)', async () => {
      const api = await open(target);
      try {
        const [ann, bob] = await api.contacts([{ lastname: 'ann' }, { lastname: 'bob' }]);
        const id = await goLive(
          api,
          'registered',
          T.Dynamic,
          'INTERACTION(EventRegistered, EventRegistered_ContactLink).HAVING(SUM(Value) > 50)',
        );
        assert.deepEqual(await api.members(id), []);
        const register = (contact: string | undefined, value: number) =>
          api.create('interactions', {
            interactiontype: 'EventRegistered',
            'contactid@odata.bind': `/contacts(${contact})`,
            value,
          });
        await register(ann, 40);
        await settle(api, id);
        assert.deepEqual(await api.members(id), []);
        await register(ann, 20);
        await waitForMembers(api, id, [String(ann)]);
        await send(api, 'POST', 'interactions/Microsoft.Dynamics.CRM.CreateMultiple', {
          Targets: [
            { interactiontype: 'EventRegistered', 'contactid@odata.bind': `/contacts(${bob})`, value: 60 },
          ],
        });
        await waitForMembers(api, id, [String(ann), String(bob)]);
      } finally {
        await api.close();
      }
    });

    it("a compound segment over a static one follows the static one's member operations", async () => {
      const api = await open(target);
      try {
        const contacts = await api.contacts([{ lastname: 'a' }, { lastname: 'b' }, { lastname: 'c' }]);
        const base = await api.create(
          'msdyncrm_segments',
          segmentBody('base list', T.Static, S.Draft, { msdyncrm_segmentmemberids: [contacts[0]] }),
        );
        const compound = await goLive(api, 'of base list', T.Compound, "SEGMENT('base list')");
        assert.deepEqual(await api.members(compound), [contacts[0]]);

        const operate = async (operation: string, ids: (string | undefined)[]) => {
          const res = await send(api, 'POST', 'msdyncrm_SegmentMembersUpdate', {
            msdyncrm_segmentid: base,
            msdyncrm_operation: operation,
            msdyncrm_memberids: JSON.stringify(ids),
          });
          return String(json(res).OperationId);
        };
        await operate('addByIds', [contacts[1], contacts[2]]);
        await waitForMembers(api, compound, contacts);
        await operate('removeByIds', [contacts[0]]);
        await waitForMembers(api, compound, [String(contacts[1]), String(contacts[2])]);
        // Members set on the record (the static segment is Draft, so its member ids may be edited).
        await send(api, 'PATCH', `msdyncrm_segments(${base})`, { msdyncrm_segmentmemberids: [contacts[2]] });
        await waitForMembers(api, compound, [String(contacts[2])]);
      } finally {
        await api.close();
      }
    });

    it('an evaluation that changes a segment triggers the segments reading it, never the segment itself', async () => {
      const api = await open(target);
      try {
        const paris = await goLive(api, 'paris', T.Dynamic, PARIS);
        const named = await goLive(
          api,
          'paris named x',
          T.Compound,
          "SEGMENT('paris').FILTER(lastname STARTSWITH 'x')",
        );
        const viaAccounts = await goLive(
          api,
          'accounts',
          T.Dynamic,
          "PROFILE(account).FILTER(name == 'a').TRAVERSE(contact_account_parentcustomerid)",
        );
        const [x] = await api.contacts([{ lastname: 'xavier', address1_city: 'Paris' }]);
        await waitForMembers(api, named, [String(x)]);
        await settle(api, paris, named, viaAccounts);
        assert.deepEqual(await api.members(paris), [x]);
        // One write: one evaluation of each segment depending on contacts, none after.
        assert.equal(succeeded(await liveUpdates(api, paris)), 1);
        assert.equal(succeeded(await liveUpdates(api, named)), 1);
        // The account segment traverses to contacts too: it follows them as well.
        assert.equal(succeeded(await liveUpdates(api, viaAccounts)), 1);
        await api.segments.liveUpdates?.flush();
        for (const id of [paris, named, viaAccounts]) {
          assert.deepEqual(
            (await liveUpdates(api, id)).filter((j) => j.state !== 'succeeded'),
            [],
          );
        }
        // A write no live segment reads re-evaluates none.
        await api.create(
          'msdyncrm_segments',
          segmentBody('draft', T.Dynamic, S.Draft, { msdyncrm_query: PARIS }),
        );
        await api.segments.liveUpdates?.flush();
        for (const id of [paris, named, viaAccounts]) assert.equal((await liveUpdates(api, id)).length, 1);
      } finally {
        await api.close();
      }
    });

    it('a compound segment follows a change of the definition it names', async () => {
      const api = await open(target);
      try {
        const [p, l] = await api.contacts([
          { lastname: 'p', address1_city: 'Paris' },
          { lastname: 'l', address1_city: 'Lyon' },
        ]);
        const city = await goLive(api, 'city', T.Dynamic, PARIS);
        const compound = await goLive(api, 'of city', T.Compound, "SEGMENT('city')");
        assert.deepEqual(await api.members(compound), [p]);
        await send(api, 'PATCH', `msdyncrm_segments(${city})`, { statuscode: S.Stopped });
        await api.waitForStatus(city, S.Stopped);
        await send(api, 'PATCH', `msdyncrm_segments(${city})`, {
          msdyncrm_segmentquery: "PROFILE(contact).FILTER(address1_city == 'Lyon')",
        });
        await waitForMembers(api, compound, [String(l)]);
        // The stopped segment itself keeps its members.
        assert.deepEqual(await api.members(city), [p]);
      } finally {
        await api.close();
      }
    });

    it('a burst of writes leads to a few evaluations', async () => {
      const delayMs = 400;
      const api = await open(target, delayMs);
      try {
        const id = await goLive(api, 'paris', T.Dynamic, PARIS);
        const ids = await api.contacts(Array.from({ length: 50 }, (_, i) => ({ lastname: `c${i}` })));
        await settle(api, id);
        const before = succeeded(await liveUpdates(api, id));
        const started = Date.now();
        for (const [i, c] of ids.entries()) {
          await send(api, 'PATCH', `contacts(${c})`, { address1_city: i % 2 === 0 ? 'Paris' : 'Lyon' });
        }
        const elapsed = Date.now() - started;
        await settle(api, id);
        await waitForMembers(
          api,
          id,
          ids.filter((_, i) => i % 2 === 0),
        );
        const evaluations = succeeded(await liveUpdates(api, id)) - before;
        // At most one evaluation per delay during the burst, and the one after it.
        assert.ok(evaluations >= 1, `${evaluations} evaluations`);
        assert.ok(
          evaluations <= Math.ceil(elapsed / delayMs) + 1,
          `${evaluations} evaluations for 50 writes in ${elapsed} ms`,
        );
        assert.ok(evaluations < 50 / 4, `${evaluations} evaluations for 50 writes`);
        const segment = await api.segment(id);
        assert.equal(segment.msdyncrm_segmentsize, 25);
      } finally {
        await api.close();
      }
    });

    it('never re-evaluates a Draft or Stopped segment', async () => {
      const api = await open(target);
      try {
        const draft = await api.create(
          'msdyncrm_segments',
          segmentBody('draft', T.Dynamic, S.Draft, { msdyncrm_query: PARIS }),
        );
        const stopped = await goLive(api, 'stopped', T.Dynamic, PARIS);
        await send(api, 'PATCH', `msdyncrm_segments(${stopped})`, { statuscode: S.Stopped });
        await api.waitForStatus(stopped, S.Stopped);
        const live = await goLive(api, 'live', T.Dynamic, PARIS);
        const [c] = await api.contacts([{ lastname: 'p', address1_city: 'Paris' }]);
        await waitForMembers(api, live, [String(c)]);
        await settle(api, live);
        assert.deepEqual(await liveUpdates(api, draft), []);
        assert.deepEqual(await liveUpdates(api, stopped), []);
        assert.deepEqual(await api.members(stopped), []);
        // Started again, it follows the data again.
        await send(api, 'PATCH', `msdyncrm_segments(${stopped})`, { statuscode: S.Live });
        await api.waitForStatus(stopped, S.Live);
        assert.deepEqual(await api.members(stopped), [c]);
        await send(api, 'PATCH', `contacts(${c})`, { address1_city: 'Lyon' });
        await waitForMembers(api, stopped, []);
      } finally {
        await api.close();
      }
    });

    it('a process without an engine (the importer) queues the live updates of its writes, and retries when the store fails', async () => {
      const api = await openSegmentApi(target, { schema, engine: { liveUpdates: false } });
      let failing = false;
      const errors: string[] = [];
      // The store as the tracker sees it: reads fail while `failing`.
      const flaky = new Proxy(api.store, {
        get(store, name) {
          if (name === 'select' && failing)
            return () => Promise.reject(new Error('the store is unreachable'));
          const value: unknown = Reflect.get(store, name, store);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(store) : value;
        },
      });
      const live = startLiveSegmentUpdates(flaky, api.records, {
        delayMs: DELAY_MS,
        onError: (err) => {
          errors.push(String(err));
          failing = false;
        },
      });
      try {
        const id = await goLive(api, 'paris', T.Dynamic, PARIS);
        failing = true;
        const [c] = await api.contacts([{ lastname: 'p', address1_city: 'Paris' }]);
        // Queued after the failed look is tried again; the engine's queue runs it.
        await waitForMembers(api, id, [String(c)]);
        assert.deepEqual(errors, ['Error: the store is unreachable']);
        assert.equal(succeeded(await liveUpdates(api, id)), 1);
      } finally {
        await live.close();
        await api.close();
      }
    });

    it('several servers on one database share one queued live update per segment', async () => {
      const first = await open(target, 60_000);
      const second = await openSegmentApi(target, {
        schema,
        store: first.store,
        engine: { liveUpdates: { delayMs: 60_000 } },
      });
      try {
        const id = await goLive(first, 'paris', T.Dynamic, PARIS);
        await first.contacts([{ lastname: 'a', address1_city: 'Paris' }]);
        await second.contacts([{ lastname: 'b', address1_city: 'Paris' }]);
        await first.segments.liveUpdates?.flush();
        await second.segments.liveUpdates?.flush();
        await first.contacts([{ lastname: 'c' }]);
        await first.segments.liveUpdates?.flush();
        const queued = (await liveUpdates(first, id)).filter((j) => j.state === 'queued');
        assert.equal(queued.length, 1);
      } finally {
        await second.close();
        await first.close();
      }
    });
  });
}
