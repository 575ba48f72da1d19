import type { Command } from 'commander';
import { Option } from 'commander';
import { fetchWhereIn } from '../../engine/fetch-in.ts';
import type { Row } from '../../ir/nodes.ts';
import { writeCsvRows, writeNdjsonRows } from '../../ingest/export-writers.ts';
import { SegmentLoweringError } from '../../segment/lower/index.ts';
import { prepareSegmentQuery } from '../../segment/query-runner.ts';
import { SqlCompiler } from '../../sql/compiler.ts';
import { duckdbDialect } from '../../dialect/duckdb/duckdb-dialect.ts';
import { postgresDialect } from '../../dialect/postgres/postgres-dialect.ts';
import { printSegmentQuery } from '../../segment/language/index.ts';
import {
  openConfiguredStore,
  settingsOf,
  withStoreOptions,
  type OpenedStore,
  type StoreOptions,
} from '../context.ts';

interface QueryOptions extends StoreOptions {
  format: 'ndjson' | 'csv' | 'table';
  select?: string;
  count?: boolean;
}

/** Prepares the query or prints its errors (with positions) and sets exit status 1. */
async function prepare(opened: OpenedStore, text: string) {
  try {
    const prepared = await prepareSegmentQuery(opened.records, text);
    if ('errors' in prepared) {
      for (const e of prepared.errors) process.stderr.write(`${e.reason}: ${e.message}\n`);
      process.exitCode = 1;
      return undefined;
    }
    return prepared;
  } catch (e) {
    if (e instanceof SegmentLoweringError) {
      process.stderr.write(`${e.reason}: ${e.message}\n`);
      process.exitCode = 1;
      return undefined;
    }
    throw e;
  }
}

function table(rows: Row[], columns: string[]): string {
  const text = (v: Row[string] | undefined) => (v === null || v === undefined ? '' : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => text(r[c])))),
  ].join('\n');
}

export function registerQueryCommands(program: Command): void {
  withStoreOptions(
    program
      .command('query')
      .description('evaluate a segment query against the store and print its members')
      .argument('<query>', 'e.g. "PROFILE(contact).FILTER(address1_city == \'Paris\')"')
      .addOption(
        new Option('--format <format>', 'output format')
          .choices(['ndjson', 'csv', 'table'])
          .default('ndjson'),
      )
      .option('--select <attributes>', 'comma-separated attributes to print besides the primary id')
      .option('--count', 'print only the number of members'),
  ).action(async (text: string, opts: QueryOptions) => {
    const opened = await openConfiguredStore(settingsOf(opts));
    try {
      const prepared = await prepare(opened, text);
      if (prepared === undefined) return;
      const members = await opened.store.select(prepared.query);
      if (opts.count === true) {
        process.stdout.write(`${members.length}\n`);
        return;
      }
      const e = prepared.entity;
      const extra = (opts.select ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      for (const a of extra) {
        if (!e.attributes.has(a)) throw new Error(`unknown attribute '${a}' on ${e.logicalName}`);
      }
      let rows: Row[] = members.map((m) => {
        const { id, ...rest } = m;
        return { [e.primaryIdAttribute]: id ?? null, ...rest };
      });
      if (extra.length > 0) {
        const found = await fetchWhereIn(
          opened.records,
          e.logicalName,
          e.primaryIdAttribute,
          rows.map((r) => String(r[e.primaryIdAttribute])),
          { select: extra },
        );
        const byId = new Map(found.map((r) => [String(r[e.primaryIdAttribute]), r]));
        rows = rows.map((r) => {
          const found = byId.get(String(r[e.primaryIdAttribute]));
          const out: Row = { ...r };
          for (const a of extra) out[a] = found?.[a] ?? null;
          return out;
        });
      }
      const columns = rows[0] !== undefined ? Object.keys(rows[0]) : [e.primaryIdAttribute, ...extra];
      if (opts.format === 'csv') await writeCsvRows(rows, columns, process.stdout);
      else if (opts.format === 'table')
        process.stdout.write(`${table(rows, columns)}\n(${rows.length} members)\n`);
      else await writeNdjsonRows(rows, process.stdout);
    } finally {
      await opened.store.close();
    }
  });

  withStoreOptions(
    program
      .command('explain')
      .description(
        'show how a segment query is understood: canonical text, AST, IR and the SQL of each store',
      )
      .argument('<query>', 'the segment query'),
  ).action(async (text: string, opts: StoreOptions) => {
    const opened = await openConfiguredStore(settingsOf(opts));
    try {
      const prepared = await prepare(opened, text);
      if (prepared === undefined) return;
      const schema = opened.store.schema;
      const out = [
        '-- canonical query',
        printSegmentQuery(prepared.ast),
        '',
        '-- AST',
        JSON.stringify(prepared.ast, (k, v: unknown) => (k === 'loc' ? undefined : v), 2),
        '',
        '-- IR',
        JSON.stringify(prepared.query, null, 2),
      ];
      for (const d of [duckdbDialect, postgresDialect]) {
        const compiled = new SqlCompiler(schema, d).compile(prepared.query);
        out.push('', `-- SQL (${d.name})`, compiled.sql, `-- parameters: ${JSON.stringify(compiled.params)}`);
      }
      process.stdout.write(`${out.join('\n')}\n`);
    } finally {
      await opened.store.close();
    }
  });
}
