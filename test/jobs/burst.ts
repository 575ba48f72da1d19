import assert from 'node:assert/strict';
import { JobQueue } from '../../src/jobs/job-queue.ts';
import type { Store } from '../../src/store/store.ts';
import { markerCount, markerCounts, sleep, waitFor, writeMarker } from './support.ts';

/**
 * Jobs over ten ordering keys spread across queues on `stores` (one queue each): every job runs
 * exactly once (its marker written once, committed with its completion), and each key's jobs run
 * one at a time in enqueue order.
 */
export async function runBurst(stores: Store[], jobs: number): Promise<void> {
  const log: { queue: number; key: string; n: number; start: number; end: number }[] = [];
  const queues = stores.map((store, i) => {
    const q = new JobQueue(store, {
      pollMs: 20,
      leaseMs: 5000,
      concurrency: 4,
      workerId: `q${i}`,
      onError: (error) => assert.fail(`unexpected queue error: ${String(error)}`),
    });
    q.register('burst', async (ctx) => {
      const { key, n } = ctx.job.payload as { key: string; n: number };
      const start = performance.now();
      await sleep(2);
      // Before the commit: the key's next job cannot start before this point.
      const end = performance.now();
      await ctx.finish((tx) => writeMarker(tx, `burst-${n}`));
      log.push({ queue: i, key, n, start, end });
    });
    return q;
  });
  for (const q of queues) q.start();
  try {
    const store = stores[0]!;
    const ids = await store.transaction(async (tx) => {
      const out: string[] = [];
      for (let n = 0; n < jobs; n++) {
        out.push(
          await tx.jobs.enqueue({
            kind: 'burst',
            orderingKey: `k${n % 10}`,
            payload: { key: `k${n % 10}`, n },
          }),
        );
      }
      return out;
    });
    for (const q of queues) q.notify();
    await waitFor(
      'the burst to finish',
      async () =>
        (await store.jobs.list({ states: ['succeeded'], limit: 1000 })).length === jobs ? true : undefined,
      60_000,
    );
    assert.equal(ids.length, jobs);
  } finally {
    for (const q of queues) await q.stop({ graceMs: 1000 });
  }
  assert.equal(log.length, jobs, 'every job ran once');
  assert.equal(new Set(log.map((r) => r.n)).size, jobs);
  const counts = await markerCounts(stores[0]!, 'burst-');
  assert.equal(counts.size, jobs);
  for (const [name, n] of counts) assert.equal(n, 1, name);
  for (const q of queues.keys())
    assert.ok(
      log.some((r) => r.queue === q),
      `queue ${q} ran no job`,
    );
  for (let k = 0; k < Math.min(10, jobs); k++) {
    const runs = log.filter((r) => r.key === `k${k}`).sort((a, b) => a.start - b.start);
    assert.deepEqual(
      runs.map((r) => r.n),
      runs.map((r) => r.n).sort((a, b) => a - b),
      `key k${k} out of order`,
    );
    for (let i = 1; i < runs.length; i++)
      assert.ok(runs[i]!.start >= runs[i - 1]!.end, `key k${k} overlapped`);
  }
  assert.equal(await markerCount(stores[0]!, 'burst-0'), 1);
}
