import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JobRequestError } from '../../src/jobs/job-types.ts';
import { storeTargets, withStore } from '../support/stores.ts';
import { schema, sleep } from './support.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const claimAll = { kinds: ['k'], limit: 10, leaseMs: 10_000, owner: 'w' };

for (const target of storeTargets()) {
  describe(`job table (${target.name})`, () => {
    test('enqueue, get and list', () =>
      withStore(target, schema, async (store) => {
        const before = Date.now();
        const a = await store.jobs.enqueue({
          kind: 'k',
          payload: { n: 1, list: ['x', null] },
          orderingKey: 'seg-1',
        });
        const b = await store.jobs.enqueue({ kind: 'other', orderingKey: 'seg-1', maxAttempts: 2 });
        const c = await store.jobs.enqueue({ kind: 'k', payload: 'plain' });
        assert.match(a, GUID);
        const job = await store.jobs.get(a);
        assert.ok(job !== undefined);
        assert.equal(job.state, 'queued');
        assert.equal(job.kind, 'k');
        assert.equal(job.orderingKey, 'seg-1');
        assert.deepEqual(job.payload, { n: 1, list: ['x', null] });
        assert.equal(job.progress, null);
        assert.equal(job.attempts, 0);
        assert.equal(job.maxAttempts, 5);
        assert.ok(job.createdOn.getTime() >= before && job.runAfter.getTime() >= before);
        assert.equal(job.lockedUntil, null);
        assert.equal((await store.jobs.get(c))?.orderingKey, null);
        assert.equal((await store.jobs.get(b))?.payload, null);
        assert.equal((await store.jobs.get(a.toUpperCase()))?.id, a);
        assert.equal(await store.jobs.get('00000000-0000-0000-0000-000000000000'), undefined);

        assert.deepEqual(
          (await store.jobs.list({ orderingKey: 'seg-1' })).map((j) => j.id),
          [b, a],
        );
        assert.deepEqual(
          (await store.jobs.list({ orderingKey: 'seg-1', kind: 'k' })).map((j) => j.id),
          [a],
        );
        assert.deepEqual(
          (await store.jobs.list({ states: ['queued'], limit: 2 })).map((j) => j.id),
          [c, b],
        );
        assert.deepEqual(await store.jobs.list({ states: ['running'] }), []);
      }));

    test('concurrent enqueues of one ordering key all succeed', () =>
      withStore(target, schema, async (store) => {
        const ids = await Promise.all(
          Array.from({ length: 10 }, (_, n) =>
            store.jobs.enqueue({ kind: 'k', orderingKey: 'seg', payload: n }),
          ),
        );
        assert.equal(new Set(ids).size, 10);
        assert.equal((await store.jobs.list({ orderingKey: 'seg' })).length, 10);
      }));

    test('bad requests are refused with JobRequestError and write nothing', () =>
      withStore(target, schema, async (store) => {
        const bad = async (p: Promise<unknown>, message: RegExp) => {
          await assert.rejects(p, (e: unknown) => e instanceof JobRequestError && message.test(e.message));
        };
        await bad(store.jobs.enqueue({ kind: '' }), /job kind/);
        await bad(store.jobs.enqueue({ kind: 'has space' }), /job kind/);
        await bad(store.jobs.enqueue({ kind: 'k', orderingKey: '' }), /ordering key/);
        await bad(store.jobs.enqueue({ kind: 'k', maxAttempts: 0 }), /maxAttempts/);
        await bad(store.jobs.enqueue({ kind: 'k', maxAttempts: 1.5 }), /maxAttempts/);
        await bad(store.jobs.enqueue({ kind: 'k', runAfter: new Date('x') }), /runAfter/);
        await bad(store.jobs.enqueue({ kind: 'k', payload: { n: 1n } as never }), /not JSON/);
        await bad(store.jobs.get('nope'), /not a job id/);
        await bad(store.jobs.list({ limit: 0 }), /limit/);
        await bad(store.jobs.list({ states: ['done' as never] }), /not a job state/);
        await bad(store.jobs.cancel({ id: '42' }), /not a job id/);
        assert.deepEqual(await store.jobs.list(), []);
      }));

    test('an enqueue inside a transaction commits or rolls back with it', () =>
      withStore(target, schema, async (store) => {
        await assert.rejects(
          store.transaction(async (tx) => {
            const id = await tx.jobs.enqueue({ kind: 'k', orderingKey: 's' });
            assert.equal((await tx.jobs.get(id))?.state, 'queued');
            throw new Error('abandon');
          }),
          /abandon/,
        );
        assert.deepEqual(await store.jobs.list(), []);
        const id = await store.transaction((tx) => tx.jobs.enqueue({ kind: 'k', orderingKey: 's' }));
        assert.equal((await store.jobs.get(id))?.state, 'queued');
        await assert.rejects(
          store.transaction((tx) => tx.jobs.claim(claimAll)),
          /claimed through the store/,
        );
      }));

    test('claims: due jobs in enqueue order, one per ordering key, scheduled jobs do not block', () =>
      withStore(target, schema, async (store) => {
        const later = new Date(Date.now() + 60_000);
        const a1 = await store.jobs.enqueue({ kind: 'k', orderingKey: 'a' });
        const a2 = await store.jobs.enqueue({ kind: 'k', orderingKey: 'a' });
        const s = await store.jobs.enqueue({ kind: 'k', orderingKey: 'b', runAfter: later });
        const b2 = await store.jobs.enqueue({ kind: 'k', orderingKey: 'b' });
        const free = await store.jobs.enqueue({ kind: 'k' });
        await store.jobs.enqueue({ kind: 'unregistered' });
        const first = await store.jobs.claim(claimAll);
        // a2 waits for a1; the scheduled job s does not hold back b2.
        assert.deepEqual(
          first.map((c) => c.job.id),
          [a1, b2, free],
        );
        assert.ok(
          first.every((c) => c.job.state === 'running' && c.job.attempts === 1 && c.job.lockedBy === 'w'),
        );
        // While a1 runs, nothing more of key a; b2 is running, so b is blocked too.
        assert.deepEqual(await store.jobs.claim(claimAll), []);
        const lease = first[0]!;
        assert.equal(await store.jobs.succeed({ id: a1, token: lease.token }, { ok: true }), true);
        assert.deepEqual(
          (await store.jobs.claim(claimAll)).map((c) => c.job.id),
          [a2],
        );
        const done = await store.jobs.get(a1);
        assert.equal(done?.state, 'succeeded');
        assert.deepEqual(done?.result, { ok: true });
        assert.ok(done?.completedOn !== null && done?.lockedUntil === null);
        assert.equal((await store.jobs.get(s))?.state, 'queued');
      }));

    test('a retrying job holds back the later jobs of its key', () =>
      withStore(target, schema, async (store) => {
        const a1 = await store.jobs.enqueue({ kind: 'k', orderingKey: 'a' });
        await store.jobs.enqueue({ kind: 'k', orderingKey: 'a' });
        const [c] = await store.jobs.claim(claimAll);
        assert.equal(c?.job.id, a1);
        assert.equal(
          await store.jobs.retry({ id: a1, token: c.token }, 'boom', new Date(Date.now() + 60_000)),
          true,
        );
        assert.deepEqual(await store.jobs.claim(claimAll), []);
        const j = await store.jobs.get(a1);
        assert.equal(j?.state, 'queued');
        assert.equal(j?.lastError, 'boom');
      }));

    test('fencing: an expired lease cannot commit, and another claim takes the job over', () =>
      withStore(target, schema, async (store) => {
        const id = await store.jobs.enqueue({ kind: 'k' });
        const [first] = await store.jobs.claim({ ...claimAll, leaseMs: 40 });
        assert.ok(first !== undefined);
        const old = { id, token: first.token };
        assert.equal(await store.transaction((tx) => tx.jobs.fence(old, 40)), true);
        await sleep(80);
        // Expired, not yet taken: still no commit.
        assert.equal(await store.transaction((tx) => tx.jobs.fence(old, 40)), false);
        assert.equal(await store.jobs.succeed(old, null), false);
        const [second] = await store.jobs.claim(claimAll);
        assert.equal(second?.job.id, id);
        assert.equal(second.job.attempts, 2);
        assert.notEqual(second.token, first.token);
        // The old holder can neither renew, checkpoint, fail nor release it any more.
        assert.equal(await store.jobs.renew(old, 10_000), false);
        assert.equal(await store.jobs.checkpoint(old, { x: 1 }), false);
        assert.equal(await store.jobs.fail(old, 'late'), false);
        assert.equal(await store.jobs.release(old), false);
        const now = { id, token: second.token };
        assert.equal(await store.jobs.checkpoint(now, { x: 2 }), true);
        assert.equal(await store.jobs.succeed(now, 'done'), true);
        const job = await store.jobs.get(id);
        assert.equal(job?.state, 'succeeded');
        assert.deepEqual(job?.progress, { x: 2 });
        assert.equal(job?.result, 'done');
      }));

    test('release gives a job back without counting the attempt', () =>
      withStore(target, schema, async (store) => {
        const id = await store.jobs.enqueue({ kind: 'k' });
        const [c] = await store.jobs.claim(claimAll);
        assert.equal(await store.jobs.release({ id, token: c!.token }), true);
        const job = await store.jobs.get(id);
        assert.equal(job?.state, 'queued');
        assert.equal(job?.attempts, 0);
        assert.equal((await store.jobs.claim(claimAll))[0]?.job.id, id);
      }));

    test('ensure keeps one queued job per kind and key, moved earlier when asked', () =>
      withStore(target, schema, async (store) => {
        const in1h = new Date(Date.now() + 3_600_000);
        const in2h = new Date(Date.now() + 7_200_000);
        const a = await store.jobs.ensure({ kind: 'refresh', orderingKey: 'seg', runAfter: in1h });
        assert.equal(a.created, true);
        assert.deepEqual(await store.jobs.ensure({ kind: 'refresh', orderingKey: 'seg', runAfter: in2h }), {
          id: a.id,
          created: false,
        });
        assert.equal((await store.jobs.get(a.id))?.runAfter.getTime(), in1h.getTime());
        await store.jobs.ensure({ kind: 'refresh', orderingKey: 'seg' });
        const job = await store.jobs.get(a.id);
        assert.ok(job !== undefined && job.runAfter.getTime() <= Date.now());
        // Another key or kind is another job; a running job does not count.
        assert.equal((await store.jobs.ensure({ kind: 'refresh', orderingKey: 'other' })).created, true);
        assert.equal((await store.jobs.ensure({ kind: 'evaluate', orderingKey: 'seg' })).created, true);
        await store.jobs.claim({ ...claimAll, kinds: ['refresh'] });
        const next = await store.jobs.ensure({ kind: 'refresh', orderingKey: 'seg', runAfter: in1h });
        assert.equal(next.created, true);
        assert.notEqual(next.id, a.id);
        await assert.rejects(store.jobs.ensure({ kind: 'refresh' } as never), JobRequestError);
      }));

    test('cancel queued jobs; purge finished ones', () =>
      withStore(target, schema, async (store) => {
        const a = await store.jobs.enqueue({ kind: 'k', orderingKey: 's' });
        const b = await store.jobs.enqueue({ kind: 'other', orderingKey: 's' });
        const c = await store.jobs.enqueue({ kind: 'k', orderingKey: 's' });
        const d = await store.jobs.enqueue({ kind: 'k' });
        assert.equal(await store.jobs.cancel({ id: b }), 1);
        assert.equal(await store.jobs.cancel({ id: b }), 0);
        const [running] = await store.jobs.claim({ ...claimAll, limit: 1 });
        assert.equal(running?.job.id, a);
        assert.equal(await store.jobs.cancel({ orderingKey: 's', kind: 'k' }), 1);
        assert.equal((await store.jobs.get(a))?.state, 'running');
        assert.equal((await store.jobs.get(c))?.state, 'cancelled');
        assert.equal((await store.jobs.get(d))?.state, 'queued');
        assert.equal(await store.jobs.purge(new Date(Date.now() - 60_000)), 0);
        assert.equal(await store.jobs.purge(new Date(Date.now() + 1000)), 2);
        assert.equal(await store.jobs.get(b), undefined);
        assert.equal((await store.jobs.list()).length, 2);
      }));
  });
}
