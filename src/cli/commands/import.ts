import type { Command } from 'commander';
import { Option } from 'commander';
import { convertImportRecord } from '../../engine/import-values.ts';
import { describeImportReport, importRecords } from '../../ingest/importer.ts';
import { SegmentEngine } from '../../segment/engine/index.ts';
import { RECORD_FORMATS, readRecordFile, type RecordFormat } from '../../ingest/record-file.ts';
import { openConfiguredStore, settingsOf, withStoreOptions, type StoreOptions } from '../context.ts';
import { ProgressReporter } from '../progress.ts';

interface ImportOptions extends StoreOptions {
  format?: RecordFormat;
  upsert?: boolean;
  batchSize: string;
}

export function registerImportCommand(program: Command): void {
  withStoreOptions(
    program
      .command('import')
      .description(
        'import records of an entity from a CSV (header = logical names), NDJSON or JSON-array file',
      )
      .argument('<entity>', 'entity logical name or entity set name, e.g. contact or interactions')
      .argument('<file>', 'the file to import')
      .addOption(
        new Option('--format <format>', 'file format (default: from the extension)').choices(RECORD_FORMATS),
      )
      .option('--upsert', 'update records whose primary id already exists instead of rejecting them')
      .option('--batch-size <n>', 'records per transaction', '5000'),
  ).action(async (entityName: string, file: string, opts: ImportOptions) => {
    const settings = settingsOf(opts);
    const opened = await openConfiguredStore(settings);
    // Imported segment records follow the same rules as through the Web API: their jobs (going
    // live, stopping) are queued for the servers' job queues, which run them; this process runs no
    // job. Live segments depending on what is imported are re-evaluated the same way.
    const segments = new SegmentEngine(opened.store, opened.records, {
      liveUpdates: { delayMs: settings.jobs.liveUpdateDelayMs },
      maxAttempts: settings.jobs.maxAttempts,
    });
    const live = segments.liveUpdates;
    live?.start();
    try {
      const schema = opened.store.schema;
      const entity = schema.entity(entityName) ?? schema.entityBySetName(entityName);
      if (entity === undefined) {
        throw new Error(
          `unknown entity '${entityName}' (known: ${[...opened.store.schema.entities.keys()].join(', ')})`,
        );
      }
      const batchSize = Number(opts.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100000) {
        throw new Error('--batch-size must be a whole number from 1 to 100000');
      }
      const format = opts.format;
      const source = readRecordFile(file, format);
      const fromText = (format ?? file.toLowerCase().split('.').pop()) === 'csv';
      const progress = new ProgressReporter(`import ${entity.logicalName}`);
      const started = Date.now();
      const report = await importRecords({
        source,
        batchSize,
        convert: (record) => convertImportRecord(opened.store.schema, entity.logicalName, record, fromText),
        write: (batch) =>
          opened.records.importBatch(entity.logicalName, batch, { upsert: opts.upsert === true }),
        onProgress: (c) => progress.update(c.imported, c.rejected),
      });
      progress.stop();
      if (report.imported > 0) await opened.store.refreshStatistics(entity.logicalName);
      process.stdout.write(`${describeImportReport(report)}\n`);
      process.stdout.write(`Took ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
      if (!report.complete || report.rejected > 0) process.exitCode = 2;
    } finally {
      await live?.close();
      await opened.store.close();
    }
  });
}
