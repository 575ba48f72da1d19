import { describe, test } from 'node:test';
import { openTestStore, storeTargets } from '../support/stores.ts';
import { runBurst } from './burst.ts';
import { schema } from './support.ts';

/**
 * PostgreSQL lets several server processes share one database: two stores (two connection pools,
 * as two processes would have) each with its own queue split a burst of 200 jobs between them,
 * each job exactly once, each ordering key in order.
 */
for (const target of storeTargets().filter((t) => t.name === 'postgres')) {
  describe(`queues of independent stores (${target.name})`, () => {
    test('two stores on one database process a burst of 200 jobs exactly once each', async () => {
      const first = await openTestStore(target, schema);
      const second = await openTestStore(target, schema, first.location);
      try {
        await runBurst([first.store, second.store], 200);
      } finally {
        await first.store.close();
        await second.store.close();
      }
    });
  });
}
