import type { Command } from 'commander';
import { buildApp } from '../../http/app.ts';
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
    const app = buildApp({
      records: opened.records,
      schema: opened.store.schema,
      logger: { level: settings.logLevel },
      bodyLimit: settings.bodyLimit,
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
