import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Row } from '../../ir/nodes.ts';
import { ROOT } from '../../engine/record-types.ts';
import type { RecordService } from '../../engine/records.ts';
import { writeCsvRows, writeNdjsonRows } from '../../ingest/export-writers.ts';
import { lowerQueryOptions } from '../../odata/lower/query.ts';
import { ODataQueryError, parseQueryOptions, type QueryOptions } from '../../odata/query-options.ts';
import { openConfiguredStore, settingsOf, withStoreOptions, type StoreOptions } from '../context.ts';

interface ExportOptions extends StoreOptions {
  format: 'csv' | 'ndjson';
  select?: string;
  filter?: string;
  orderby?: string;
  out?: string;
}

/** Every row the options select, page by page (constant memory whatever the entity's size). */
function allRows(records: RecordService, options: QueryOptions): AsyncGenerator<Row> {
  const lowered = lowerQueryOptions(records.schema, options, ROOT);
  return records.queryAll({
    entity: options.entity.logicalName,
    ...(lowered.where !== undefined ? { where: lowered.where } : {}),
    joins: [...lowered.joins],
    orderBy: [...lowered.orderBy],
    select: [...lowered.attributes],
    pageSize: 5000,
  });
}

export function registerExportCommand(program: Command): void {
  withStoreOptions(
    program
      .command('export')
      .description('stream the records of an entity as CSV or NDJSON')
      .argument('<entity>', 'entity logical name, e.g. contact')
      .addOption(new Option('--format <format>', 'output format').choices(['csv', 'ndjson']).default('csv'))
      .option('--select <attributes>', 'comma-separated attributes (OData $select syntax)')
      .option('--filter <filter>', 'OData $filter, e.g. "address1_city eq \'Paris\'"')
      .option('--orderby <orderby>', 'OData $orderby, e.g. "lastname asc"')
      .option('--out <file>', 'write to a file instead of standard output'),
  ).action(async (entityName: string, opts: ExportOptions) => {
    const opened = await openConfiguredStore(settingsOf(opts));
    try {
      const entity = opened.store.schema.entity(entityName);
      if (entity === undefined) {
        throw new Error(
          `unknown entity '${entityName}' (known: ${[...opened.store.schema.entities.keys()].join(', ')})`,
        );
      }
      const params: Record<string, string> = {};
      if (opts.select !== undefined) params.$select = opts.select;
      if (opts.filter !== undefined) params.$filter = opts.filter;
      if (opts.orderby !== undefined) params.$orderby = opts.orderby;
      const options = parseQueryOptions(opened.store.schema, entity.logicalName, params);
      if (options instanceof ODataQueryError) throw new Error(options.message);
      const columns =
        opts.select !== undefined
          ? lowerQueryOptions(opened.store.schema, options, ROOT).attributes
          : [...entity.attributes.keys()];
      const out: Writable = opts.out !== undefined ? createWriteStream(opts.out) : process.stdout;
      const rows = allRows(opened.records, options);
      const n =
        opts.format === 'csv'
          ? await writeCsvRows(rows, columns, out)
          : await writeNdjsonRows(rows, out, { columns });
      if (opts.out !== undefined) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`${n} record(s) written to ${opts.out}\n`);
      }
    } finally {
      await opened.store.close();
    }
  });
}
