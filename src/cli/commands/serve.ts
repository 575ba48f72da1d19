import type { Command } from 'commander';
import { buildApp } from '../../http/app.ts';
import { SegmentEngine } from '../../segment/engine/index.ts';
import { openConfiguredStore, settingsOf, withStoreOptions, type StoreOptions } from '../context.ts';

export function registerServeCommand(program: Command): void {
  withStoreOptions(
    program
      .command('serve')
      .description('serve the Web API at http://HOST:PORT/api/data/v9.0/')
      .option('--port <port>', 'port to listen on (env PORT; default 5555)')
      .option('--host <host>', 'address to listen on (env HOST; default 127.0.0.1)'),
  ).action(async (opts: StoreOptions & { port?: string; host?: string }) => {
    const settings = settingsOf(opts);
    const opened = await openConfiguredStore(settings);
    const { concurrency, leaseMs, pollMs, maxAttempts, liveUpdateDelayMs, retentionDays } = settings.jobs;
    // The engine logs through the app's logger, which exists by the time jobs run (app ready).
    const segments = new SegmentEngine(opened.store, opened.records, {
      queue: {
        concurrency,
        leaseMs,
        pollMs,
        retainFinishedMs: retentionDays * 24 * 3600_000,
        onError: (err, job) => app.log.warn({ err, job: job?.id, kind: job?.kind }, 'segment job problem'),
      },
      maxAttempts,
      liveUpdates: { delayMs: liveUpdateDelayMs },
      log: (message, details) => app.log.info(details, message),
    });
    const app = buildApp({
      records: opened.records,
      schema: opened.store.schema,
      logger: { level: settings.logLevel },
      bodyLimit: settings.bodyLimit,
      segments,
    });
    const { createdTables, addedColumns } = opened.migration;
    if (createdTables.length > 0 || addedColumns.length > 0) {
      app.log.info({ createdTables, addedColumns }, 'store migrated to the schema');
    }
    let closing = false;
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      app.log.info(`${signal}: shutting down`);
      await app.close();
      await opened.store.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    const address = await app.listen({ host: settings.host, port: settings.port });
    app.log.info(
      `segmentd serving ${address}/api/data/v9.0/ (store: ${opened.store.name}${settings.databaseUrl === undefined ? ` ${settings.db}` : ''})`,
    );
  });
}
