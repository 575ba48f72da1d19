import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { RecordService } from '../../src/engine/records.ts';
import { buildApp } from '../../src/http/app.ts';
import { attrRef, cmp, entitySource, keyRef, lit, select } from '../../src/ir/build.ts';
import type { Schema } from '../../src/metadata/schema.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { SegmentEngine, type SegmentEngineOptions } from '../../src/segment/engine/index.ts';
import type { Store, StoreSession } from '../../src/store/store.ts';
import { BASE, idFromUrl, json, type TestApi } from '../http/harness.ts';
import { waitFor } from '../jobs/support.ts';
import type { StoreTarget } from '../support/stores.ts';
import { openTestStore } from '../support/stores.ts';

export { waitFor };

/** A Web API with the segment engine, on a fresh store: jobs poll often and retry fast. */
export interface SegmentApi extends TestApi {
  segments: SegmentEngine;
  /** GET a segment (all columns). */
  segment(id: string): Promise<Record<string, unknown>>;
  /** Waits until the segment has `status`; returns it. */
  waitForStatus(id: string, status: number, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The member contact ids of a segment, sorted. */
  members(segmentId: string): Promise<string[]>;
  /** Creates contacts (lastname, and more) and returns their ids in order. */
  contacts(rows: Record<string, unknown>[]): Promise<string[]>;
}

/** Fast settings for tests: short polls and leases, quick retries. */
export const FAST_ENGINE: SegmentEngineOptions = {
  queue: { pollMs: 20, leaseMs: 5000, heartbeatMs: 500, backoff: { baseMs: 20, maxMs: 100, jitter: 0 } },
  maxAttempts: 3,
};

export async function openSegmentApi(
  target: StoreTarget,
  options: { schema?: Schema; engine?: SegmentEngineOptions; store?: Store } = {},
): Promise<SegmentApi> {
  const schema = options.schema ?? schemaFromDocument(undefined);
  const store = options.store ?? (await openTestStore(target, schema)).store;
  const records = new RecordService(store);
  await records.ensureDefaults();
  const segments = new SegmentEngine(store, records, { ...FAST_ENGINE, ...options.engine });
  const app = buildApp({ records, schema, segments });
  const request = (o: InjectOptions & { url: string }) =>
    app.inject({ ...o, url: o.url.startsWith('/') ? o.url : `${BASE}/${o.url}` });
  const api: SegmentApi = {
    app,
    records,
    store,
    schema,
    segments,
    request,
    async create(set, body) {
      const res = await request({ method: 'POST', url: set, payload: body });
      assert.equal(res.statusCode, 204, res.body);
      return idFromUrl(String(res.headers['odata-entityid']));
    },
    async segment(id) {
      const res = await request({ url: `msdyncrm_segments(${id})` });
      assert.equal(res.statusCode, 200, res.body);
      return json(res);
    },
    async waitForStatus(id, status, timeoutMs = 20_000) {
      return waitFor(
        `segment ${id} to reach status ${status}`,
        async () => {
          const s = await api.segment(id);
          return s.statuscode === status ? s : undefined;
        },
        timeoutMs,
      );
    },
    members: (segmentId) => memberIds(store, segmentId),
    async contacts(rows) {
      const res = await request({
        method: 'POST',
        url: 'contacts/Microsoft.Dynamics.CRM.CreateMultiple',
        payload: { Targets: rows },
      });
      assert.equal(res.statusCode, 200, res.body);
      return (json(res) as { Ids: string[] }).Ids;
    },
    async close() {
      await app.close();
      if (options.store === undefined) await store.close();
    },
  };
  await app.ready();
  return api;
}

/** The member contact ids of a segment (read from the membership table), sorted. */
export async function memberIds(session: StoreSession, segmentId: string): Promise<string[]> {
  const [seg] = await session.select(
    select(entitySource('msdyncrm_segment', 's'), [{ expr: keyRef('s'), as: 'k' }], {
      where: cmp('=', attrRef('s', 'msdyncrm_segmentid'), lit(segmentId, 'guid')),
    }),
  );
  if (seg === undefined) return [];
  const keys = (await session.membership.members(Number(seg.k))).toArray();
  if (keys.length === 0) return [];
  const rows = await session.select(
    select(entitySource('contact', 'c'), [{ expr: attrRef('c', 'contactid'), as: 'id' }], {
      where: { kind: 'in', operand: keyRef('c'), values: keys.map((k) => lit(k, 'integer')), negated: false },
    }),
  );
  return rows.map((r) => String(r.id)).sort();
}

/** A request body for a segment. */
export function segmentBody(
  name: string,
  type: number,
  status: number,
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  return { msdyncrm_segmentname: name, msdyncrm_segmenttype: type, statuscode: status, ...more };
}

/**
 * Puts a segment in `status` the way the server's own jobs write it (no lifecycle rules, no job),
 * so that a test can start from any status.
 */
export async function forceStatus(api: SegmentApi, id: string, status: number): Promise<void> {
  await api.records
    .inSession(api.store, { rules: false })
    .update('msdyncrm_segment', id, { statuscode: status }, { upsert: false });
}

/** The segment's jobs (newest first). */
export function segmentJobs(api: SegmentApi, id: string, kind?: string) {
  return api.store.jobs.list({ orderingKey: `segment:${id}`, ...(kind !== undefined ? { kind } : {}) });
}

/** When each member of a segment entered it (contact id → entered_on). */
export async function entryTimes(session: StoreSession, segmentId: string): Promise<Map<string, string>> {
  const rows = await session.select(
    select(
      { kind: 'segmentMembers', alias: 'm' },
      [
        { expr: attrRef('c', 'contactid'), as: 'id' },
        { expr: { kind: 'column', source: 'm', column: 'entered_on' }, as: 'entered' },
      ],
      {
        joins: [
          {
            type: 'inner',
            source: entitySource('msdyncrm_segment', 's'),
            on: cmp('=', { kind: 'column', source: 'm', column: 'segment_key' }, keyRef('s')),
          },
          {
            type: 'inner',
            source: entitySource('contact', 'c'),
            on: cmp('=', { kind: 'column', source: 'm', column: 'contact_key' }, keyRef('c')),
          },
        ],
        where: cmp('=', attrRef('s', 'msdyncrm_segmentid'), lit(segmentId, 'guid')),
      },
    ),
  );
  return new Map(rows.map((r) => [String(r.id), String(r.entered)]));
}
