import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSegmentApi, segmentBody, waitFor } from '../segments/harness.ts';
import { prng } from '../support/prng.ts';
import { storeTargets } from '../support/stores.ts';

/**
 * Seeded random segment writes and member operations against the Web API with the segment engine:
 * whatever the body, status or order, the answer is a success or a client error in Dataverse's
 * format, never a 500, and no segment is left Going live or Stopping once the jobs have run.
 */

const GOOD_QUERIES = [
  "PROFILE(contact).FILTER(address1_city == 'Paris')",
  'PROFILE(contact)',
  "SEGMENT('fuzz static')",
  "SEGMENT('fuzz dynamic') UNION SEGMENT('fuzz static')",
];
const BAD_QUERIES = ['PROFILE(account)', 'PROFILE(contact).FILTER(', "SEGMENT('nope')", '', null, 42];
const GOOD_STATUSES = [
  192350000, 192350001, 192350002, 192350003, 192350004, 192350005, 192350006, 192350007,
];
const BAD_STATUSES = [1, null, '192350006'];
const GOOD_TYPES = [192350000, 192350001, 192350002];
const BAD_TYPES = [7, null, 'static'];
const GOOD_OPERATIONS = ['addByIds', 'removeByIds', 'addByQuery', 'removeByQuery', 'getState'];
const BAD_OPERATIONS = ['nope', null, 3];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

/** Mostly a valid value, sometimes a bad one. */
function some<T>(r: () => number, good: readonly T[], bad: readonly T[]): T {
  return r() < 0.85 ? pick(r, good) : pick(r, bad);
}

for (const target of storeTargets()) {
  describe(`random segment requests never give a 500 (${target.name})`, () => {
    it('answers 600 seeded random segment writes and member operations with successes or client errors', async () => {
      const api = await openSegmentApi(target);
      try {
        const contacts = await api.contacts(
          Array.from({ length: 5 }, (_, i) => ({
            lastname: `f${i}`,
            address1_city: i % 2 === 0 ? 'Paris' : 'Rome',
          })),
        );
        const segments = [
          await api.create('msdyncrm_segments', segmentBody('fuzz static', 192350001, 192350000)),
          await api.create(
            'msdyncrm_segments',
            segmentBody('fuzz dynamic', 192350000, 192350000, { msdyncrm_segmentquery: 'PROFILE(contact)' }),
          ),
        ];
        const ids = () => [...segments, 'not-a-guid', '00000000-0000-0000-0000-000000000009'];
        const goodIds: unknown[] = [
          JSON.stringify(contacts.map((c) => `crm${c}`)),
          contacts.slice(0, 2),
          '[]',
        ];
        const badIds: unknown[] = ['[', '["x"]', [1], 'null', null];
        const r = prng(20261129);
        for (let i = 0; i < 600; i++) {
          const kind = r();
          let method: string;
          let url: string;
          let payload: unknown;
          if (kind < 0.3) {
            method = 'POST';
            url = 'msdyncrm_segments';
            payload = {
              ...(r() < 0.9 ? { msdyncrm_segmentname: `fuzz ${i}` } : {}),
              ...(r() < 0.9 ? { msdyncrm_segmenttype: some(r, GOOD_TYPES, BAD_TYPES) } : {}),
              ...(r() < 0.9
                ? {
                    statuscode:
                      r() < 0.7
                        ? pick(r, [192350000, 192350006, 192350001])
                        : some(r, GOOD_STATUSES, BAD_STATUSES),
                  }
                : {}),
              ...(r() < 0.8
                ? {
                    [r() < 0.5 ? 'msdyncrm_query' : 'msdyncrm_segmentquery']: some(
                      r,
                      GOOD_QUERIES,
                      BAD_QUERIES,
                    ),
                  }
                : {}),
              ...(r() < 0.3 ? { msdyncrm_segmentmemberids: some(r, goodIds, badIds) } : {}),
            };
          } else if (kind < 0.6) {
            method = 'PATCH';
            url = `msdyncrm_segments(${pick(r, ids())})`;
            payload = {
              ...(r() < 0.6 ? { statuscode: some(r, GOOD_STATUSES, BAD_STATUSES) } : {}),
              ...(r() < 0.3 ? { msdyncrm_segmentquery: some(r, GOOD_QUERIES, BAD_QUERIES) } : {}),
              ...(r() < 0.2 ? { msdyncrm_segmenttype: some(r, GOOD_TYPES, BAD_TYPES) } : {}),
              ...(r() < 0.2 ? { msdyncrm_segmentmemberids: some(r, goodIds, badIds) } : {}),
              ...(r() < 0.2 ? { msdyncrm_segmentrefreshrateintervalminutes: pick(r, [0, 5, -1, 'x']) } : {}),
              ...(r() < 0.1 ? { msdyncrm_segmentname: pick(r, ['', null, 'renamed']) } : {}),
            };
          } else if (kind < 0.7) {
            method = 'DELETE';
            // The two first segments stay: the member operations and references use them.
            url = `msdyncrm_segments(${pick(r, ids().slice(2))})`;
          } else {
            method = 'POST';
            url = 'msdyncrm_SegmentMembersUpdate';
            const operation = some(r, GOOD_OPERATIONS, BAD_OPERATIONS);
            payload = {
              msdyncrm_segmentid: r() < 0.6 ? segments[0] : pick(r, ids()),
              msdyncrm_operation: operation,
              ...((operation?.toString().endsWith('ByIds') ?? false) || r() < 0.1
                ? { msdyncrm_memberids: some(r, goodIds, badIds) }
                : {}),
              ...((operation?.toString().endsWith('ByQuery') ?? false) || r() < 0.1
                ? { msdyncrm_query: some(r, GOOD_QUERIES, BAD_QUERIES) }
                : {}),
            };
          }
          const res = await api.request({
            method,
            url,
            ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
          });
          assert.ok(
            res.statusCode < 500,
            `${method} ${url} ${JSON.stringify(payload)} → ${res.statusCode} ${res.body}`,
          );
          if (res.statusCode >= 400) {
            const err = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
            assert.equal(typeof err.error?.code, 'string', res.body);
            assert.equal(typeof err.error?.message, 'string', res.body);
          }
          const made = /\(([0-9a-f-]{36})\)$/.exec(String(res.headers['odata-entityid'] ?? ''));
          if (method === 'POST' && made !== null && segments.length < 30) segments.push(made[1]!);
        }
        // Every background job runs: nothing stays on its way to another status.
        await waitFor('the background jobs', async () => {
          const open = await api.store.jobs.list({ states: ['queued', 'running'], limit: 1000 });
          return open.some((j) => j.state === 'running' || j.runAfter.getTime() <= Date.now())
            ? undefined
            : true;
        });
        const waiting = await api.request({
          url: 'msdyncrm_segments?$filter=statuscode eq 192350006 or statuscode eq 192350007&$select=msdyncrm_segmentname',
        });
        assert.deepEqual((JSON.parse(waiting.body) as { value: unknown[] }).value, []);
      } finally {
        await api.close();
      }
    });
  });
}
