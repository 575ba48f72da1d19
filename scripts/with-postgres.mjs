#!/usr/bin/env node
/**
 * Runs a command against throwaway PostgreSQL 15 clusters:
 *
 *   node scripts/with-postgres.mjs npm test
 *   node scripts/with-postgres.mjs --clusters 2 node --import tsx --test test/scale-out/*.test.ts
 *
 * It creates each cluster in a fresh directory under /tmp (as user postgres when run as root,
 * since the server refuses to run as root), starts it on a free port from 55500 on, bound to
 * 127.0.0.1 only and tuned for throwaway data (no fsync), waits until it accepts connections, and
 * runs the command with SEGMENTD_TEST_DATABASE_URL pointing at the first cluster (and
 * SEGMENTD_TEST_DATABASE_URL_2, _3, … at the others: two servers are what the scale-out test
 * partitions its tables across). Whatever happens — the command fails, Ctrl-C, SIGTERM — every
 * server is stopped and its directory removed afterwards. The exit code is the command's
 * (128 + signal number when it was killed by a signal).
 *
 * Options (before the command):
 *   --clusters N            start N independent clusters (default 1, at most 4)
 *
 * Environment:
 *   SEGMENTD_PG_BIN         PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
 *   SEGMENTD_PG_PORT        first port to try (default 55500)
 *   SEGMENTD_PG_KEEP=1      keep the cluster directory afterwards (for looking at the server log)
 *   SEGMENTD_PG_STATE_FILE  file to write the cluster directories into (one a line) while they
 *                           exist, so an outer script (.ci/run) can still stop the servers if this
 *                           process is killed
 */
import { spawn, spawnSync } from 'node:child_process';
import console from 'node:console';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { constants } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const PG_BIN = process.env.SEGMENTD_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const FIRST_PORT = Number(process.env.SEGMENTD_PG_PORT ?? 55500);
const PORT_ATTEMPTS = 100;
const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 30_000;
const URL_VARIABLE = 'SEGMENTD_TEST_DATABASE_URL';
const MAX_CLUSTERS = 4;

/** The variable naming cluster `index` (0-based): the first keeps the name every test reads. */
const urlVariable = (index) => (index === 0 ? URL_VARIABLE : `${URL_VARIABLE}_${index + 1}`);

/** A failure of the harness itself (not of the command it runs). */
class HarnessError extends Error {}

const say = (message) => console.log(`\n=== with-postgres: ${message} ===`);

/** Quotes one word for /bin/sh. */
const shellQuote = (word) => `'${String(word).replaceAll("'", `'\\''`)}'`;

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Runs a PostgreSQL program as the user that owns the cluster: postgres when we are root (through
 * `su`, which also sets postgres's groups), else ourselves. Output is captured and returned.
 */
function runAsOwner(program, args, cwd) {
  const argv = [join(PG_BIN, program), ...args];
  const result = asRoot
    ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', argv.map(shellQuote).join(' ')], {
        cwd,
        encoding: 'utf8',
      })
    : spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8' });
  if (result.error) throw new HarnessError(`could not run ${program}: ${result.error.message}`);
  return { status: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

function postgresIds() {
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) {
    throw new HarnessError(
      'running as root needs a "postgres" user to run the server as (apt-get install postgresql-15 creates it)',
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function findFreePort(from) {
  for (let port = from; port < from + PORT_ATTEMPTS; port++) {
    if (await portIsFree(port)) return port;
  }
  throw new HarnessError(`no free port in ${from}–${from + PORT_ATTEMPTS - 1}`);
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

/** The directories of the clusters that exist, in the state file for .ci/run's EXIT trap. */
const liveDirs = new Set();

function writeState() {
  const file = process.env.SEGMENTD_PG_STATE_FILE;
  if (file) writeFileSync(file, [...liveDirs].map((d) => `${d}\n`).join(''));
}

/** A cluster in a fresh directory; `stop()` is safe to call at any point, and more than once. */
class Cluster {
  constructor() {
    const owner = asRoot ? postgresIds() : undefined;
    this.dir = mkdtempSync('/tmp/segmentd-pg-');
    // The server's user must be able to enter the directory, which also holds its socket.
    chmodSync(this.dir, 0o755);
    if (owner) chownSync(this.dir, owner.uid, owner.gid);
    this.data = join(this.dir, 'data');
    this.log = join(this.dir, 'server.log');
    this.port = undefined;
    this.started = false;
    liveDirs.add(this.dir);
    writeState();
  }

  init() {
    say(`initdb in ${this.data}`);
    const r = runAsOwner(
      'initdb',
      ['-D', this.data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
      this.dir,
    );
    if (r.status !== 0) throw new HarnessError(`initdb failed:\n${r.output}`);
  }

  /** Starts the server on the first free port from `from` on. */
  async start(from = FIRST_PORT) {
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const port = await findFreePort(from);
      say(`starting PostgreSQL on 127.0.0.1:${port}`);
      const options = [
        `-p ${port}`,
        '-c listen_addresses=127.0.0.1',
        `-c unix_socket_directories=${this.dir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
      ].join(' ');
      const r = runAsOwner(
        'pg_ctl',
        ['-D', this.data, '-l', this.log, '-w', '-t', '60', '-o', options, 'start'],
        this.dir,
      );
      if (r.status === 0) {
        this.port = port;
        this.started = true;
        return;
      }
      const log = tail(this.log);
      // Another process may have taken the port since we looked; try the next one.
      if (/could not bind|Address already in use/i.test(log) && attempt < START_ATTEMPTS) {
        from = port + 1;
        continue;
      }
      // pg_ctl may give up waiting while the server is still coming up; make sure it is down.
      this.started = existsSync(join(this.data, 'postmaster.pid'));
      throw new HarnessError(`the server did not start:\n${r.output}\n--- server log ---\n${log}`);
    }
  }

  async waitUntilReady() {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const r = spawnSync(
        join(PG_BIN, 'pg_isready'),
        ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-t', '2'],
        {
          encoding: 'utf8',
        },
      );
      if (r.status === 0) return;
      if (Date.now() > deadline) {
        throw new HarnessError(
          `the server is not accepting connections after ${READY_TIMEOUT_MS / 1000} s:\n${tail(this.log)}`,
        );
      }
      await sleep(200);
    }
  }

  get url() {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  stop() {
    if (this.started) {
      say('stopping PostgreSQL');
      let r = runAsOwner('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', '-t', '30', 'stop'], this.dir);
      if (r.status !== 0) {
        console.error(`pg_ctl stop -m fast failed, stopping immediately:\n${r.output}`);
        r = runAsOwner('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', '-t', '30', 'stop'], this.dir);
        if (r.status !== 0) console.error(`pg_ctl stop -m immediate failed too:\n${r.output}`);
      }
      this.started = false;
    }
    if (process.env.SEGMENTD_PG_KEEP === '1') {
      console.log(`(kept ${this.dir})`);
    } else {
      rmSync(this.dir, { recursive: true, force: true });
    }
    liveDirs.delete(this.dir);
    writeState();
  }
}

/**
 * Runs the command with the database URLs in `urls`; resolves to its exit code. URL variables of
 * clusters not started here are removed, so the command never sees a server from an outer run.
 */
function runCommand(argv, urls, onChild) {
  const env = { ...process.env };
  for (let i = 0; i < MAX_CLUSTERS; i++) delete env[urlVariable(i)];
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      stdio: 'inherit',
      env: { ...env, ...urls },
    });
    onChild(child);
    child.once('error', (e) => {
      console.error(`with-postgres: could not run ${argv[0]}: ${e.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)));
  });
}

/** `[--clusters N] command...` → { clusters, argv }, or a usage error message. */
function parseArguments(args) {
  let clusters = 1;
  let rest = args;
  if (rest[0] === '--clusters' || rest[0]?.startsWith('--clusters=')) {
    const text = rest[0] === '--clusters' ? rest[1] : rest[0].slice('--clusters='.length);
    clusters = Number(text);
    if (!Number.isInteger(clusters) || clusters < 1 || clusters > MAX_CLUSTERS) {
      return { error: `--clusters takes a whole number from 1 to ${MAX_CLUSTERS}, got '${text ?? ''}'` };
    }
    rest = rest.slice(rest[0] === '--clusters' ? 2 : 1);
  }
  if (rest.length === 0) return { error: 'no command given' };
  return { clusters, argv: rest };
}

async function main() {
  const parsed = parseArguments(process.argv.slice(2));
  if (parsed.error !== undefined) {
    console.error(`with-postgres: ${parsed.error}`);
    console.error('usage: node scripts/with-postgres.mjs [--clusters N] <command> [args...]');
    return 2;
  }
  const { argv } = parsed;
  if (!existsSync(join(PG_BIN, 'initdb'))) {
    console.error(
      `with-postgres: PostgreSQL 15 is not installed (no ${join(PG_BIN, 'initdb')}).\n` +
        'Install it with: apt-get install -y postgresql-15 (or point SEGMENTD_PG_BIN at its bin directory).',
    );
    return 1;
  }

  let interrupted;
  let child;
  const onSignal = (signal) => {
    interrupted ??= signal;
    // The command usually shares our terminal and got the signal too; pass it on in case it did not.
    if (child && child.exitCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);
  const signalled = () => (interrupted ? 128 + (constants.signals[interrupted] ?? 0) : undefined);

  const clusters = [];
  try {
    const env = {};
    let port = FIRST_PORT;
    for (let i = 0; i < parsed.clusters; i++) {
      const cluster = new Cluster();
      clusters.push(cluster);
      cluster.init();
      if (signalled()) return signalled();
      await cluster.start(port);
      if (signalled()) return signalled();
      await cluster.waitUntilReady();
      if (signalled()) return signalled();
      env[urlVariable(i)] = cluster.url;
      port = cluster.port + 1;
    }
    const urls = Object.entries(env).map(([name, url]) => `${name}=${url}`);
    say(`running ${argv.join(' ')} with ${urls.join(' ')}`);
    const code = await runCommand(argv, env, (c) => (child = c));
    say(`${argv[0]} exited with ${code}`);
    return signalled() ?? code;
  } catch (e) {
    if (!(e instanceof HarnessError)) throw e;
    console.error(`with-postgres: ${e.message}`);
    return 1;
  } finally {
    // Every cluster is stopped even when stopping another one throws.
    for (const cluster of clusters.reverse()) {
      try {
        cluster.stop();
      } catch (e) {
        console.error(`with-postgres: could not stop the cluster in ${cluster.dir}: ${e.message}`);
      }
    }
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
