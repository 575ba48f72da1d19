import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { attrRef, cmp, entitySource, lit, select } from '../../src/ir/build.ts';
import type { JobInfo, JobState } from '../../src/jobs/job-types.ts';
import { Schema } from '../../src/metadata/schema.ts';
import { builtinEntities } from '../../src/metadata/schema-file.ts';
import type { StoreSession } from '../../src/store/store.ts';

export const schema = new Schema(builtinEntities());

export { sleep };

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Waits until the job is in one of `states`; returns it. */
export function waitForState(
  session: StoreSession,
  id: string,
  states: readonly JobState[],
  timeoutMs = 10_000,
): Promise<JobInfo> {
  return waitFor(
    `job ${id} to be ${states.join(' or ')}`,
    async () => {
      const job = await session.jobs.get(id);
      return job !== undefined && states.includes(job.state) ? job : undefined;
    },
    timeoutMs,
  );
}

/**
 * A write that is NOT idempotent: a new contact row named `name`. Counting the rows of a name
 * shows how many times a step's effect was applied.
 */
export async function writeMarker(tx: StoreSession, name: string): Promise<void> {
  const keys = await tx.allocateKeys('contact', 1);
  await tx.mutate({
    kind: 'insert',
    entity: 'contact',
    attributes: ['contactid', 'lastname'],
    rows: [[randomUUID(), name]],
    keys,
  });
}

/** How many times each marker name was written. */
export async function markerCounts(session: StoreSession, prefix: string): Promise<Map<string, number>> {
  const rows = await session.select(
    select(entitySource('contact', 'c'), [{ expr: attrRef('c', 'lastname'), as: 'name' }], {
      where: {
        kind: 'text',
        op: 'startsWith',
        operand: attrRef('c', 'lastname'),
        pattern: lit(prefix, 'string'),
        negated: false,
      },
    }),
  );
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(String(r.name), (counts.get(String(r.name)) ?? 0) + 1);
  return counts;
}

export async function markerCount(session: StoreSession, name: string): Promise<number> {
  const rows = await session.select(
    select(entitySource('contact', 'c'), [{ expr: { kind: 'aggregate', fn: 'count' }, as: 'n' }], {
      where: cmp('=', attrRef('c', 'lastname'), lit(name, 'string')),
    }),
  );
  return Number(rows[0]?.n ?? 0);
}

/** A promise and the function that resolves it. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Active timers of this process (to check that a stopped queue left none). */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}
