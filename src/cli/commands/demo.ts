import type { Command } from 'commander';
import type { AttributeValues } from '../../engine/record-types.ts';
import type { RecordService } from '../../engine/records.ts';
import { accountPrimaryContacts, generateAccounts, generateContacts } from '../../demo/generator.ts';
import { openConfiguredStore, settingsOf, withStoreOptions, type StoreOptions } from '../context.ts';
import { ProgressReporter } from '../progress.ts';

interface DemoOptions extends StoreOptions {
  contacts: string;
  accounts: string;
  seed: string;
}

const BATCH = 10000;

/** Loads generated rows in batches through the engine's bulk path; returns how many were created. */
export async function loadRows(
  records: RecordService,
  entity: string,
  rows: Iterable<AttributeValues>,
  onBatch?: (done: number) => void,
): Promise<number> {
  let batch: AttributeValues[] = [];
  let done = 0;
  const flush = async () => {
    const r = await records.importBatch(entity, batch, { upsert: true });
    done += r.created + r.updated;
    if (r.rejected.length > 0) throw new Error(`demo ${entity}: ${r.rejected[0]?.reason ?? 'rejected'}`);
    batch = [];
    onBatch?.(done);
  };
  for (const row of rows) {
    batch.push(row);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return done;
}

function count(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got '${text}'`);
  return n;
}

export function registerDemoCommand(program: Command): void {
  withStoreOptions(
    program
      .command('demo')
      .description('load a realistic, deterministic demo dataset of accounts and contacts')
      .option('--contacts <n>', 'number of contacts', '10000')
      .option('--accounts <n>', 'number of accounts', '1000')
      .option('--seed <n>', 'random seed (the same seed gives the same data)', '1'),
  ).action(async (opts: DemoOptions) => {
    const sizes = {
      contacts: count('contacts', opts.contacts),
      accounts: count('accounts', opts.accounts),
      seed: count('seed', opts.seed),
    };
    const opened = await openConfiguredStore(settingsOf(opts));
    try {
      const started = Date.now();
      // Accounts first without their primary contact (it does not exist yet), then contacts, then the links.
      const accounts = await loadRows(
        opened.records,
        'account',
        generateAccounts({ ...sizes, withPrimaryContact: false }),
      );
      const bar = new ProgressReporter('demo contacts', sizes.contacts);
      const contacts = await loadRows(opened.records, 'contact', generateContacts(sizes), (n) =>
        bar.update(n),
      );
      bar.stop();
      let links = 0;
      await opened.records.transaction(async (tx) => {
        for (const link of accountPrimaryContacts(sizes)) {
          await tx.update(
            'account',
            link.accountid,
            { primarycontactid: link.primarycontactid },
            { upsert: false },
          );
          links++;
        }
      });
      await opened.store.refreshStatistics('account');
      await opened.store.refreshStatistics('contact');
      process.stdout.write(
        `Loaded ${accounts} accounts and ${contacts} contacts (${links} primary contacts linked) in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
      );
    } finally {
      await opened.store.close();
    }
  });
}
