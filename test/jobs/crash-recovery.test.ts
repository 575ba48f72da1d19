import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { JobQueue } from '../../src/jobs/job-queue.ts';
import { openStore } from '../../src/store/open.ts';
import { storeTargets } from '../support/stores.ts';
import { ITEMS_KIND, itemsHandler } from './fixtures/items-job.ts';
import { markerCounts, schema, waitForState } from './support.ts';

const WORKER = fileURLToPath(new URL('./fixtures/sigkill-worker.ts', import.meta.url));
const ITEMS = 12;

/** Starts the worker process; resolves once it reports `step <n>` for n ≥ `killAfter`. */
function startWorker(location: unknown, killAfter: number): { child: ChildProcess; reached: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(location)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const reached = new Promise<void>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const steps = [...out.matchAll(/step (\d+)/g)].map((m) => Number(m[1]));
      if (steps.some((s) => s >= killAfter)) resolve();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('exit', (code, signal) =>
      reject(new Error(`the worker exited early (${code ?? signal}) after:\n${out}\n${err}`)),
    );
  });
  return { child, reached };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

for (const target of storeTargets()) {
  describe(`crash recovery (${target.name})`, () => {
    test('a worker killed with SIGKILL in the middle of a job: the job resumes after restart and completes exactly once', async () => {
      const location = await target.freshLocation({ persistent: true });
      // Enqueue, then close: a DuckDB file belongs to one process at a time.
      const opened = await openStore({ schema, ...location });
      const id = await opened.store.jobs.enqueue({
        kind: ITEMS_KIND,
        payload: { prefix: 'kill-', count: ITEMS },
        orderingKey: 'segment-1',
      });
      await opened.store.close();

      const { child, reached } = startWorker(location, 4);
      try {
        await reached;
      } finally {
        child.kill('SIGKILL');
        await killed(child);
      }
      assert.equal(child.signalCode, 'SIGKILL');

      const { store } = await openStore({ schema, ...location });
      try {
        const interrupted = await store.jobs.get(id);
        assert.equal(interrupted?.state, 'running');
        const done = (interrupted?.progress as { done: number } | null)?.done ?? 0;
        assert.ok(done >= 4 && done < ITEMS, `checkpoint at ${done}`);

        const queue = new JobQueue(store, { pollMs: 20, leaseMs: 2000 });
        queue.register(ITEMS_KIND, itemsHandler());
        queue.start();
        try {
          // Claimed again once the dead worker's lease (800 ms) has expired.
          const job = await waitForState(store, id, ['succeeded'], 20_000);
          assert.deepEqual(job.result, { processed: ITEMS });
          assert.equal(job.attempts, 2);
          assert.deepEqual(job.progress, { done: ITEMS });
        } finally {
          await queue.stop();
        }
        const counts = await markerCounts(store, 'kill-');
        assert.deepEqual(
          [...counts.keys()].sort(),
          Array.from({ length: ITEMS }, (_, i) => `kill-${i}`).sort(),
        );
        for (const [name, n] of counts) assert.equal(n, 1, `${name} written ${n} times`);
      } finally {
        await store.close();
      }
    });
  });
}
