import type { FastifyInstance } from 'fastify';
import type { BuildAppOptions } from './app.ts';
import { buildApp } from './app.ts';

export interface StartServerOptions extends BuildAppOptions {
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 5555; 0 picks a free one). */
  port?: number;
}

export interface RunningServer {
  app: FastifyInstance;
  /** `http://host:port`. */
  address: string;
  /** `http://host:port/api/data/v9.0`. */
  serviceRoot: string;
  close(): Promise<void>;
}

/** Builds the app and listens; `close()` stops listening (the store stays open: it is the caller's). */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const app = buildApp(options);
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 5555 });
  return {
    app,
    address,
    serviceRoot: `${address}/api/data/v9.0`,
    close: () => app.close(),
  };
}
