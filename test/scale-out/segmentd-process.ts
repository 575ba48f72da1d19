import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * `bin/segmentd.js serve` as a child process on a PostgreSQL database, as a deployment runs it:
 * its own Node process, pool and job workers, listening on a free loopback port. Its pino log
 * (JSON lines on stdout) is kept, so a test can see which process ran which job. A process left
 * running when the test process exits is killed, so a failed test leaves no server behind.
 */

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'segmentd.js');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export interface SegmentdProcess {
  readonly pid: number;
  /** The service root, http://127.0.0.1:<port>/api/data/v9.0 */
  readonly root: string;
  /** The log lines written so far, parsed (lines that are not JSON are left out). */
  logs(): Record<string, unknown>[];
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** A request to the Web API; `path` is relative to the service root. */
  api(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  /** SIGTERM (a clean shutdown: running jobs are given back); resolves with how the process ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL unless it has exited; resolves once it has. */
  kill(): Promise<void>;
}

function exitOf(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `segmentd serve --database-url <url>` with `env` added; resolves once it is serving. */
export async function startSegmentd(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<SegmentdProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--database-url', databaseUrl, '--host', '127.0.0.1', '--port', '0'],
    {
      // The URL is given on the command line; an inherited SEGMENTD_DATABASE_URL must not matter.
      env: { ...process.env, SEGMENTD_DATABASE_URL: '', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = exitOf(child).then(() => {
    process.removeListener('exit', killOnExit);
  });

  let text = '';
  let pending = '';
  const lines: Record<string, unknown>[] = [];
  let serving: ((root: string) => void) | undefined;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    pending += chunk;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof parsed !== 'object' || parsed === null) continue;
      const entry = parsed as Record<string, unknown>;
      lines.push(entry);
      const m = /^segmentd serving (http:\/\/\S+?)\/api\/data\/v9\.0\//.exec(String(entry.msg));
      if (m !== null) serving?.(`${m[1]}/api/data/v9.0`);
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));

  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };

  let timer: NodeJS.Timeout | undefined;
  let root: string;
  try {
    root = await Promise.race([
      new Promise<string>((resolve) => (serving = resolve)),
      exited.then(() => {
        throw new Error(`segmentd exited before serving:\n${text}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`segmentd did not serve within ${START_TIMEOUT_MS} ms:\n${text}`)),
          START_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    await kill();
    throw error;
  } finally {
    clearTimeout(timer);
  }

  return {
    pid: child.pid ?? -1,
    root,
    logs: () => [...lines],
    output: () => text,
    async api(method, path, body) {
      const res = await fetch(`${root}/${path}`, {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const raw = await res.text();
      let parsed: Record<string, unknown> = {};
      if (raw !== '') {
        try {
          parsed = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          parsed = { text: raw };
        }
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      if (!stopped) {
        await kill();
        throw new Error(`segmentd did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM:\n${text}`);
      }
      return { code: child.exitCode, signal: child.signalCode };
    },
    kill,
  };
}
