import type { Command } from 'commander';
import { validateSegmentDefinition } from '../../segment/definition-validation.ts';
import { SegmentType } from '../../metadata/builtin/segment.ts';
import { openConfiguredStore, settingsOf, withStoreOptions, type StoreOptions } from '../context.ts';

/**
 * `segmentd validate "<query>"`: checks a segment query against the schema and the stored
 * segments, as msdyncrm_ValidateSegment does for a dynamic segment. Prints every problem with its
 * line and column on stderr and exits 1 when there is one.
 */
export function registerValidateCommand(program: Command): void {
  withStoreOptions(
    program
      .command('validate')
      .description(
        'check a segment query: syntax, names, types and segment references (exit 1 with the errors)',
      )
      .argument('<query>', 'the query, e.g. "PROFILE(contact).FILTER(address1_city == \'Paris\')"')
      .option('--json', 'print the validation result as JSON on stdout'),
  ).action(async (query: string, opts: StoreOptions & { json?: boolean }) => {
    const opened = await openConfiguredStore(settingsOf(opts));
    try {
      const issues = await validateSegmentDefinition(opened.records, {
        name: 'validate',
        type: SegmentType.Dynamic,
        query,
      });
      if (opts.json === true) process.stdout.write(`${JSON.stringify(issues, null, 2)}\n`);
      else if (issues.length === 0) process.stdout.write('valid\n');
      // Query messages end with their line:column already.
      for (const i of issues) process.stderr.write(`${i.Reason ?? i.ErrorCode}: ${i.Message}\n`);
      if (issues.length > 0) process.exitCode = 1;
    } finally {
      await opened.store.close();
    }
  });
}
