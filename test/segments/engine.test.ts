import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttributeValues } from '../../src/engine/record-types.ts';
import { RecordService } from '../../src/engine/records.ts';
import { SegmentStatus as S, SegmentType as T } from '../../src/metadata/builtin/segment.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { SegmentEngine } from '../../src/segment/engine/index.ts';
import { openTestStore, storeTargets } from '../support/stores.ts';
import { FAST_ENGINE, memberIds, openSegmentApi, segmentBody, segmentJobs, waitFor } from './harness.ts';

const schema = schemaFromDocument(undefined);
const PARIS = "PROFILE(contact).FILTER(address1_city == 'Paris')";

for (const target of storeTargets()) {
  describe(`segment engine: failures and recovery (${target.name})`, () => {
    it('a go-live that keeps failing is retried with backoff, then the segment is set to Error with the reason', async () => {
      let broken = true;
      const api = await openSegmentApi(target, {
        engine: {
          now: () => {
            if (broken) throw new Error('the evaluation clock is broken');
            return new Date();
          },
        },
      });
      try {
        await api.contacts([{ lastname: 'p', address1_city: 'Paris' }]);
        const id = await api.create(
          'msdyncrm_segments',
          segmentBody('failing', T.Dynamic, S.GoingLive, { msdyncrm_segmentquery: PARIS }),
        );
        const failed = await api.waitForStatus(id, S.Error);
        assert.equal(failed.msdyncrm_islive, false);
        assert.equal(failed.msdyncrm_segmentevaluationstate, 'Failed: the evaluation clock is broken');
        const [job] = await segmentJobs(api, id, 'segment.go-live');
        assert.deepEqual(
          [job?.state, job?.attempts, job?.lastError],
          ['failed', 3, 'the evaluation clock is broken'],
        );
        assert.deepEqual(await api.members(id), []);
        // Error → Going live, once the cause is gone.
        broken = false;
        assert.equal(
          (
            await api.request({
              method: 'PATCH',
              url: `msdyncrm_segments(${id})`,
              payload: { statuscode: S.Live },
            })
          ).statusCode,
          204,
        );
        const live = await api.waitForStatus(id, S.Live);
        assert.equal(live.msdyncrm_segmentsize, 1);
      } finally {
        await api.close();
      }
    });

    it('a definition that can no longer be evaluated sets the segment to Error at once', async () => {
      const api = await openSegmentApi(target);
      try {
        const [c] = await api.contacts([{ lastname: 'member' }]);
        const base = await api.create(
          'msdyncrm_segments',
          segmentBody('base', T.Static, S.Draft, { msdyncrm_segmentmemberids: [c] }),
        );
        const compound = await api.create(
          'msdyncrm_segments',
          segmentBody('of base', T.Compound, S.GoingLive, { msdyncrm_query: "SEGMENT('base')" }),
        );
        await api.waitForStatus(compound, S.Live);
        assert.deepEqual(await api.members(compound), [c]);
        // The rules refuse renaming a segment a query names (test/http/segment-lifecycle.test.ts);
        // data changed behind them (the database edited by hand) leaves the name resolving to nothing.
        await api.records
          .inSession(api.store, { rules: false })
          .update('msdyncrm_segment', base, { msdyncrm_segmentname: 'renamed' }, { upsert: false });
        assert.equal(await api.segments.refresh(compound), true);
        const failed = await api.waitForStatus(compound, S.Error);
        assert.match(
          String(failed.msdyncrm_segmentevaluationstate),
          /^Failed: the query is not valid: UnknownSegment/,
        );
        assert.ok(String(failed.msdyncrm_segmentevaluationstate).length <= 100);
        const refreshes = await segmentJobs(api, compound, 'segment.refresh');
        const ran = refreshes.find((j) => j.state === 'succeeded');
        assert.equal(ran?.attempts, 1);
        assert.match(String((ran?.result as { failed?: string }).failed), /unknown segment 'base'/);
        // The members stay as they were; no refresh is left queued.
        assert.deepEqual(await api.members(compound), [c]);
        assert.deepEqual(
          refreshes.filter((j) => j.state === 'queued'),
          [],
        );
      } finally {
        await api.close();
      }
    });

    it('when it starts, gives every segment waiting for background work its job, and runs refreshes that came due', async () => {
      const { store } = await openTestStore(target, schema);
      try {
        const records = new RecordService(store);
        const server = records.inSession(store, { rules: false });
        const [paris] = (await records.createMultiple('contact', [
          { lastname: 'p', address1_city: 'Paris' },
        ])) as [string];
        const segment = async (name: string, status: number, more: AttributeValues = {}) => {
          const { id } = await server.create('msdyncrm_segment', {
            msdyncrm_segmentname: name,
            msdyncrm_segmenttype: T.Dynamic,
            statuscode: status,
            msdyncrm_segmentquery: PARIS,
            ...more,
          });
          return id;
        };
        // Written without the engine: statuses without their jobs (say, a purge removed them).
        const going = await segment('going', S.GoingLive);
        const stopping = await segment('stopping', S.Stopping);
        const due = await segment('due', S.Live, {
          msdyncrm_islive: true,
          msdyncrm_nextevaluation: '2020-01-01T00:00:00Z',
        });
        const engine = new SegmentEngine(store, records, FAST_ENGINE);
        await engine.start();
        try {
          const status = (id: string) => records.retrieve('msdyncrm_segment', id).then((r) => r?.statuscode);
          await waitFor('going to be Live', async () =>
            (await status(going)) === S.Live ? true : undefined,
          );
          await waitFor('stopping to be Stopped', async () =>
            (await status(stopping)) === S.Stopped ? true : undefined,
          );
          await waitFor('the due refresh', async () => {
            const r = await records.retrieve('msdyncrm_segment', due);
            return r?.msdyncrm_lastevaluationtime !== null ? r : undefined;
          });
          assert.deepEqual(await memberIds(store, going), [paris]);
          assert.deepEqual(await memberIds(store, due), [paris]);
          assert.deepEqual(await memberIds(store, stopping), []);
          const next = (await records.retrieve('msdyncrm_segment', due))?.msdyncrm_nextevaluation;
          assert.ok(Date.parse(String(next)) > Date.now() + 59 * 60_000);
        } finally {
          await engine.stop();
        }
      } finally {
        await store.close();
      }
    });
  });
}
