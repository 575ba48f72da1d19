import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JobQueue, type JobQueueOptions } from '../../src/jobs/job-queue.ts';
import type { JobFailure } from '../../src/jobs/job-run.ts';
import { LeaseLostError } from '../../src/jobs/job-types.ts';
import type { Store } from '../../src/store/store.ts';
import { storeTargets, withStore } from '../support/stores.ts';
import { runBurst } from './burst.ts';
import { ITEMS_KIND, itemsHandler } from './fixtures/items-job.ts';
import {
  activeTimers,
  gate,
  markerCount,
  markerCounts,
  schema,
  sleep,
  waitFor,
  waitForState,
  writeMarker,
} from './support.ts';

const FAST: JobQueueOptions = {
  pollMs: 20,
  leaseMs: 10_000,
  backoff: { baseMs: 20, jitter: 0 },
  onError: (error) => assert.fail(`unexpected queue error: ${String(error)}`),
};

/** Runs `fn` with a started queue and stops it afterwards, even when `fn` throws. */
async function withQueue<T>(
  store: Store,
  options: JobQueueOptions,
  setup: (queue: JobQueue) => void,
  fn: (queue: JobQueue) => Promise<T>,
): Promise<T> {
  const queue = new JobQueue(store, { ...FAST, ...options });
  setup(queue);
  queue.start();
  try {
    return await fn(queue);
  } finally {
    await queue.stop({ graceMs: 0 });
  }
}

for (const target of storeTargets()) {
  describe(`job queue (${target.name})`, () => {
    test('runs a job: steps commit with their checkpoints; the result is kept', () =>
      withStore(target, schema, async (store) => {
        const progress: unknown[] = [];
        await withQueue(
          store,
          {},
          (q) =>
            q.register('sum', async (ctx) => {
              const { values } = ctx.job.payload as { values: number[] };
              let total = 0;
              for (const [i, v] of values.entries()) {
                total += v;
                await ctx.checkpoint({ done: i + 1, total });
                progress.push(ctx.progress);
              }
              return { total };
            }),
          async (queue) => {
            const id = await queue.enqueue(store, { kind: 'sum', payload: { values: [1, 2, 3] } });
            const job = await waitForState(store, id, ['succeeded']);
            assert.deepEqual(job.result, { total: 6 });
            assert.deepEqual(job.progress, { done: 3, total: 6 });
            assert.equal(job.attempts, 1);
            assert.equal(job.lastError, null);
            assert.equal(job.lockedBy, null);
            assert.ok(job.startedOn !== null && job.completedOn !== null);
            assert.deepEqual(progress, [
              { done: 1, total: 1 },
              { done: 2, total: 3 },
              { done: 3, total: 6 },
            ]);
          },
        );
      }));

    test('jobs of one ordering key run one at a time in enqueue order; keys run side by side', () =>
      withStore(target, schema, async (store) => {
        const log: { key: string; n: number; start: number; end: number }[] = [];
        let active = 0;
        let most = 0;
        await withQueue(
          store,
          { concurrency: 4 },
          (q) =>
            q.register('ordered', async (ctx) => {
              const { key, n } = ctx.job.payload as { key: string; n: number };
              active++;
              most = Math.max(most, active);
              const start = performance.now();
              await sleep(15);
              log.push({ key, n, start, end: performance.now() });
              active--;
            }),
          async (queue) => {
            const ids: string[] = [];
            // Enqueued in one transaction so that the queue sees them all at once.
            await store.transaction(async (tx) => {
              for (let n = 0; n < 6; n++) {
                for (const key of ['a', 'b']) {
                  ids.push(await tx.jobs.enqueue({ kind: 'ordered', orderingKey: key, payload: { key, n } }));
                }
              }
            });
            queue.notify();
            for (const id of ids) await waitForState(store, id, ['succeeded']);
          },
        );
        for (const key of ['a', 'b']) {
          const runs = log.filter((r) => r.key === key);
          assert.deepEqual(
            runs.map((r) => r.n),
            [0, 1, 2, 3, 4, 5],
          );
          for (let i = 1; i < runs.length; i++)
            assert.ok(runs[i]!.start >= runs[i - 1]!.end, `${key} overlapped`);
        }
        assert.equal(most, 2);
      }));

    test('concurrency is bounded', () =>
      withStore(target, schema, async (store) => {
        let active = 0;
        let most = 0;
        await withQueue(
          store,
          { concurrency: 3 },
          (q) =>
            q.register('work', async () => {
              active++;
              most = Math.max(most, active);
              await sleep(30);
              active--;
            }),
          async (queue) => {
            const ids = await store.transaction(async (tx) => {
              const out: string[] = [];
              for (let i = 0; i < 10; i++) out.push(await tx.jobs.enqueue({ kind: 'work' }));
              return out;
            });
            queue.notify();
            for (const id of ids) await waitForState(store, id, ['succeeded']);
          },
        );
        assert.equal(most, 3);
      }));

    test('failed attempts retry with exponential backoff, then the failure handler runs once, in the same transaction', () =>
      withStore(target, schema, async (store) => {
        const attempts: number[] = [];
        const failures: JobFailure[] = [];
        await withQueue(
          store,
          { backoff: { baseMs: 60, factor: 2, jitter: 0 } },
          (q) =>
            q.register(
              'flaky',
              async () => {
                attempts.push(performance.now());
                await sleep(1);
                throw new Error(`boom ${attempts.length}`);
              },
              {
                onFailure: async (failure, tx) => {
                  failures.push(failure);
                  await tx.membership.add(9, [42], new Date());
                },
              },
            ),
          async (queue) => {
            const id = await queue.enqueue(store, { kind: 'flaky', maxAttempts: 3, orderingKey: 'seg' });
            const job = await waitForState(store, id, ['failed']);
            assert.equal(job.attempts, 3);
            assert.equal(job.lastError, 'boom 3');
            assert.ok(job.completedOn !== null);
            await sleep(50);
          },
        );
        assert.equal(attempts.length, 3);
        assert.ok(attempts[1]! - attempts[0]! >= 55, `first wait ${attempts[1]! - attempts[0]!} ms`);
        assert.ok(attempts[2]! - attempts[1]! >= 115, `second wait ${attempts[2]! - attempts[1]!} ms`);
        assert.equal(failures.length, 1);
        assert.equal(failures[0]?.reason, 'boom 3');
        assert.equal(failures[0]?.job.kind, 'flaky');
        assert.equal(await store.membership.has(9, 42), true);
      }));

    test('a retry that succeeds keeps the last error; a failure handler that throws still ends the job failed', () =>
      withStore(target, schema, async (store) => {
        let calls = 0;
        const errors: unknown[] = [];
        await withQueue(
          store,
          { onError: (e) => errors.push(e) },
          (q) => {
            q.register('second-time', () =>
              ++calls === 1 ? Promise.reject(new TypeError('first try')) : Promise.resolve('ok'),
            );
            q.register('doomed', () => Promise.reject(new Error('no')), {
              onFailure: async (_failure, tx) => {
                await tx.membership.add(9, [1], new Date());
                throw new Error('handler broken');
              },
            });
          },
          async (queue) => {
            const a = await queue.enqueue(store, { kind: 'second-time' });
            const b = await queue.enqueue(store, { kind: 'doomed', maxAttempts: 1 });
            const ok = await waitForState(store, a, ['succeeded']);
            assert.equal(ok.result, 'ok');
            assert.equal(ok.attempts, 2);
            assert.equal(ok.lastError, 'TypeError: first try');
            const failed = await waitForState(store, b, ['failed']);
            assert.equal(failed.lastError, 'no; the failure handler failed: handler broken');
          },
        );
        // The failure handler's writes rolled back with each of its failed tries.
        assert.equal(await store.membership.count(9), 0);
        assert.equal(errors.length, 3);
      }));

    test('an attempt that exceeds its timeout fails, so no job stays running forever', () =>
      withStore(target, schema, async (store) => {
        const failures: string[] = [];
        const stuck = gate();
        await withQueue(
          store,
          {},
          (q) =>
            q.register('stuck', () => stuck.opened, {
              timeoutMs: 80,
              onFailure: (f) => {
                failures.push(f.reason);
                return Promise.resolve();
              },
            }),
          async (queue) => {
            const id = await queue.enqueue(store, { kind: 'stuck', maxAttempts: 2 });
            const job = await waitForState(store, id, ['failed']);
            assert.equal(job.attempts, 2);
            assert.match(
              job.lastError ?? '',
              /JobTimeoutError: the job ran longer than its timeout of 80 ms/,
            );
            // The slot is given back just after the failure is recorded.
            await waitFor('the timed-out slot to be free', () =>
              Promise.resolve(queue.running === 0 ? true : undefined),
            );
          },
        );
        stuck.open();
        assert.equal(failures.length, 1);
      }));

    test('lease expiry: another worker takes the job over from its checkpoint; the first can no longer commit', () =>
      withStore(target, schema, async (store) => {
        const resume = gate();
        let firstError: unknown;
        let firstSignal: AbortSignal | undefined;
        // Worker A (one slot, which the job keeps busy) takes its lease for 150 ms and never renews
        // it in time, like a frozen process.
        const a = new JobQueue(store, { ...FAST, concurrency: 1, leaseMs: 150, heartbeatMs: 60_000 });
        a.register('handover', async (ctx) => {
          await ctx.step((tx) => tx.membership.add(1, [1], new Date()).then(() => undefined), { done: 1 });
          await resume.opened;
          firstSignal = ctx.signal;
          try {
            await ctx.step((tx) => tx.membership.add(1, [999], new Date()).then(() => undefined), {
              done: 2,
            });
          } catch (error) {
            firstError = error;
            throw error;
          }
          return 'from A';
        });
        const b = new JobQueue(store, FAST);
        const seen: unknown[] = [];
        b.register('handover', async (ctx) => {
          seen.push(ctx.progress);
          await ctx.step((tx) => tx.membership.add(1, [2], new Date()).then(() => undefined), { done: 2 });
          return 'from B';
        });
        a.start();
        try {
          const id = await a.enqueue(store, { kind: 'handover' });
          await waitFor('the first step', async () =>
            (await store.jobs.get(id))?.progress !== null ? true : undefined,
          );
          b.start();
          const job = await waitForState(store, id, ['succeeded']);
          assert.equal(job.result, 'from B');
          assert.equal(job.attempts, 2);
          assert.deepEqual(seen, [{ done: 1 }]);
          resume.open();
          await waitFor('worker A to be refused', () => Promise.resolve(firstError));
          assert.ok(firstError instanceof LeaseLostError);
          assert.ok(firstSignal?.aborted);
          assert.deepEqual(Array.from((await store.membership.members(1)).toUint32Array()), [1, 2]);
          assert.equal((await store.jobs.get(id))?.result, 'from B');
        } finally {
          resume.open();
          await a.stop({ graceMs: 0 });
          await b.stop({ graceMs: 0 });
        }
      }));

    test('a worker stopped in the middle gives the job back; the next one resumes and completes it exactly once', () =>
      withStore(target, schema, async (store) => {
        const stepped = gate();
        const first = new JobQueue(store, FAST);
        first.register(
          ITEMS_KIND,
          itemsHandler({
            pauseInStepMs: 5,
            onStep: (done) => {
              if (done === 3) stepped.open();
            },
          }),
        );
        first.start();
        const id = await first.enqueue(store, { kind: ITEMS_KIND, payload: { prefix: 'stop-', count: 8 } });
        await stepped.opened;
        await first.stop({ graceMs: 0 });
        const given = await store.jobs.get(id);
        assert.ok(given?.state === 'queued' || given?.state === 'succeeded', given?.state);
        if (given.state === 'queued') assert.equal(given.attempts, 0);

        await withQueue(
          store,
          {},
          (q) => q.register(ITEMS_KIND, itemsHandler()),
          async () => {
            const job = await waitForState(store, id, ['succeeded']);
            assert.deepEqual(job.result, { processed: 8 });
          },
        );
        const counts = await markerCounts(store, 'stop-');
        assert.equal(counts.size, 8);
        for (const [name, n] of counts) assert.equal(n, 1, name);
      }));

    test('a job whose attempts all died without an outcome ends failed instead of running forever', () =>
      withStore(target, schema, async (store) => {
        const id = await store.jobs.enqueue({ kind: 'dies', maxAttempts: 2 });
        // Two workers claim it and vanish (their leases expire).
        for (let i = 0; i < 2; i++) {
          const [c] = await store.jobs.claim({ kinds: ['dies'], limit: 1, leaseMs: 10, owner: `ghost-${i}` });
          assert.equal(c?.job.id, id);
          await sleep(20);
        }
        const reasons: string[] = [];
        let ran = false;
        await withQueue(
          store,
          {},
          (q) =>
            q.register(
              'dies',
              () => {
                ran = true;
                return Promise.resolve();
              },
              {
                onFailure: (f) => {
                  reasons.push(f.reason);
                  return Promise.resolve();
                },
              },
            ),
          async () => {
            const job = await waitForState(store, id, ['failed']);
            assert.match(job.lastError ?? '', /gave up after 2 attempts/);
          },
        );
        assert.equal(ran, false);
        assert.equal(reasons.length, 1);
      }));

    test('scheduled jobs run when due; ensure keeps one pending per key', () =>
      withStore(target, schema, async (store) => {
        const ran: number[] = [];
        await withQueue(
          store,
          {},
          (q) =>
            q.register('tick', () => {
              ran.push(Date.now());
              return Promise.resolve();
            }),
          async (queue) => {
            const due = Date.now() + 150;
            const { id } = await store.jobs.ensure({
              kind: 'tick',
              orderingKey: 'seg',
              runAfter: new Date(due),
            });
            assert.equal(
              (await store.jobs.ensure({ kind: 'tick', orderingKey: 'seg', runAfter: new Date(due + 1000) }))
                .id,
              id,
            );
            queue.notify();
            await waitForState(store, id, ['succeeded']);
            assert.equal(ran.length, 1);
            assert.ok(ran[0]! >= due, 'ran before it was due');
          },
        );
      }));

    test('stop leaves no timers behind and waits for running handlers within the grace period', () =>
      withStore(target, schema, async (store) => {
        const baseline = activeTimers();
        const queue = new JobQueue(store, { ...FAST, heartbeatMs: 10 });
        let finished = false;
        queue.register('slow', async (ctx) => {
          await sleep(60);
          await ctx.checkpoint({ half: true });
          finished = true;
        });
        queue.start();
        const id = await queue.enqueue(store, { kind: 'slow' });
        await waitForState(store, id, ['running']);
        await queue.stop({ graceMs: 5000 });
        assert.equal(finished, true);
        assert.equal((await store.jobs.get(id))?.state, 'succeeded');
        // PostgreSQL's pool keeps idle-connection timers of its own.
        if (target.name === 'duckdb') assert.equal(activeTimers(), baseline);
        assert.throws(() => queue.start(), /cannot start again/);
      }));

    test('a step that outlasts the lease still commits: the fence holds the job until then', () =>
      withStore(target, schema, async (store) => {
        await withQueue(
          store,
          { leaseMs: 200, heartbeatMs: 50 },
          (q) =>
            q.register('long', async (ctx) => {
              await ctx.finish(async (tx) => {
                await sleep(700);
                await writeMarker(tx, 'long-step');
              });
            }),
          async (queue) => {
            const id = await queue.enqueue(store, { kind: 'long' });
            const job = await waitForState(store, id, ['succeeded', 'failed'], 10_000);
            assert.equal(job.state, 'succeeded', String(job.lastError));
            assert.equal(job.attempts, 1);
            assert.equal(await markerCount(store, 'long-step'), 1);
          },
        );
      }));

    test('finished jobs older than the retention are purged by the queue; 0 keeps them', () =>
      withStore(target, schema, async (store) => {
        const register = (q: JobQueue) => q.register('noop', () => Promise.resolve());
        const old: string[] = [];
        await withQueue(store, {}, register, async (queue) => {
          for (let i = 0; i < 2; i++) old.push(await queue.enqueue(store, { kind: 'noop' }));
          for (const id of old) await waitForState(store, id, ['succeeded']);
        });
        await sleep(1200);
        await withQueue(store, { retainFinishedMs: 0 }, register, () => sleep(100));
        for (const id of old) assert.ok(await store.jobs.get(id), 'retention 0 purged a job');
        await withQueue(store, { retainFinishedMs: 1000 }, register, async (queue) => {
          const recent = await queue.enqueue(store, { kind: 'noop' });
          await waitForState(store, recent, ['succeeded']);
          await waitFor('the purge', async () =>
            (await store.jobs.get(old[0]!)) === undefined ? true : undefined,
          );
          for (const id of old) assert.equal(await store.jobs.get(id), undefined);
          assert.ok(await store.jobs.get(recent), 'a job finished within the retention was purged');
        });
        assert.throws(() => new JobQueue(store, { retainFinishedMs: 10 }), /retainFinishedMs/);
      }));

    test('two queues on one store run a burst of jobs once each, keys in order', () =>
      withStore(target, schema, async (store) => {
        await runBurst([store, store], 60);
      }));
  });
}
