#!/usr/bin/env node
/* global fetch */
/**
 * Runs examples/segments.postman_collection.json with newman against a segmentd server started
 * for the purpose (as `npm start` would, on a fresh DuckDB file in a temp folder; with `--postgres`
 * on the PostgreSQL database at SEGMENTD_TEST_DATABASE_URL, e.g. under scripts/with-postgres.mjs),
 * then stops the server. Exit code 1 when any request or test fails.
 *
 *   node scripts/run-postman.mjs [--postgres] [collection]
 */
import { spawn } from 'node:child_process';
import console from 'node:console';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import newman from 'newman';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const postgres = args.includes('--postgres');
const collection =
  args.find((a) => !a.startsWith('--')) ?? join(root, 'examples', 'segments.postman_collection.json');
const databaseUrl = process.env.SEGMENTD_TEST_DATABASE_URL ?? '';
if (postgres && databaseUrl === '') {
  console.error('--postgres needs SEGMENTD_TEST_DATABASE_URL (run it under scripts/with-postgres.mjs)');
  process.exit(1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before serving`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the server did not answer ${url} within ${timeoutMs / 1000} s`);
}

const dir = mkdtempSync(join(tmpdir(), 'segmentd-postman-'));
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const child = spawn(
  process.execPath,
  [
    join(root, 'bin', 'segmentd.js'),
    'serve',
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    ...(postgres ? ['--database-url', databaseUrl] : ['--db', join(dir, 'postman.duckdb')]),
  ],
  {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, SEGMENTD_DATABASE_URL: '', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  },
);
let status = 1;
try {
  await waitUntilServing(`${baseUrl}/api/data/v9.0/`, child);
  console.log(`segmentd serves ${baseUrl}; running ${collection}`);
  const summary = await new Promise((resolve, reject) => {
    newman.run(
      {
        collection,
        reporters: ['cli'],
        envVar: [{ key: 'baseUrl', value: baseUrl }],
        timeoutRequest: 30_000,
      },
      (error, s) => (error ? reject(error) : resolve(s)),
    );
  });
  const failures = summary.run.failures.length;
  status = failures === 0 && !summary.run.error ? 0 : 1;
  console.log(failures === 0 ? 'newman: every test passed' : `newman: ${failures} failure(s)`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
  rmSync(dir, { recursive: true, force: true });
}
process.exit(status);
