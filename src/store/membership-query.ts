import { attrRef, cmp, entitySource, exists, keyRef, select } from '../ir/build.ts';
import type { RelQuery, SelectQuery, Source } from '../ir/nodes.ts';
import type { Schema } from '../metadata/schema.ts';
import { SqlCompileError } from '../sql/errors.ts';

/**
 * A query whose rows name members: the set-based write path (`addFromQuery`, `removeFromQuery`,
 * `replaceFromQuery`) runs it inside the database and never ships its keys through JavaScript.
 */
export interface MemberQuery {
  readonly query: RelQuery;
  /** The output column that names the member (default `id`, what segment lowering returns). */
  readonly column?: string;
  /**
   * What the column holds: `id` (default) the primary id (guid) of a row of `entity`, or `key`
   * its surrogate key (`sd_key`), which needs no lookup.
   */
  readonly holds?: 'id' | 'key';
  /** The member entity (default `contact`). */
  readonly entity?: string;
}

/** The column of `memberKeyQuery`'s result. */
export const MEMBER_KEY_COLUMN = 'contact_key';

/**
 * The IR query returning the member keys of `member` as column `contact_key`. A query of ids
 * whose id column is the entity's primary id read straight from an entity source (what segment
 * lowering produces, set operations included) is rewritten to read `sd_key` instead; any other id
 * query is joined to the entity by primary id (a semi-join, so duplicates collapse).
 */
export function memberKeyQuery(schema: Schema, member: MemberQuery): { query: RelQuery; column: string } {
  const column = member.column ?? 'id';
  const entity = schema.entities.get(member.entity ?? 'contact');
  if (entity === undefined) {
    throw new SqlCompileError(`unknown member entity '${member.entity ?? 'contact'}'`);
  }
  if (member.holds === 'key') return { query: member.query, column };
  const rewritten = idsToKeys(member.query, column, entity.logicalName, entity.primaryIdAttribute);
  if (rewritten !== undefined) return { query: rewritten, column };
  const m = 'sd_member';
  const q = 'sd_member_ids';
  const query = select(entitySource(entity.logicalName, m), [{ expr: keyRef(m), as: MEMBER_KEY_COLUMN }], {
    where: exists(
      select({ kind: 'subquery', query: member.query, alias: q }, [], {
        where: cmp('=', { kind: 'column', source: q, column }, attrRef(m, entity.primaryIdAttribute)),
      }),
    ),
  });
  return { query, column: MEMBER_KEY_COLUMN };
}

/** `query` with its id column reading the surrogate key, or undefined when it cannot be rewritten. */
function idsToKeys(query: RelQuery, column: string, entity: string, primaryId: string): RelQuery | undefined {
  if (query.kind === 'setop') {
    const left = idsToKeys(query.left, column, entity, primaryId);
    const right = left && idsToKeys(query.right, column, entity, primaryId);
    return right === undefined || left === undefined ? undefined : { ...query, left, right };
  }
  const index = query.columns.findIndex((c) => c.as === column);
  const item = query.columns[index];
  if (item === undefined || item.expr.kind !== 'attr' || item.expr.attribute !== primaryId) return undefined;
  const source = item.expr.source;
  if (!entitySources(query).some((s) => s.alias === source && s.entity === entity)) return undefined;
  // DISTINCT with ORDER BY orders by selected columns only; changing one would break that.
  if (query.distinct === true && (query.orderBy?.length ?? 0) > 0) return undefined;
  const columns = query.columns.map((c, i) => (i === index ? { expr: keyRef(source), as: column } : c));
  return { ...query, columns } satisfies SelectQuery;
}

function entitySources(query: SelectQuery): Extract<Source, { kind: 'entity' }>[] {
  return [query.from, ...query.joins.map((j) => j.source)].filter(
    (s): s is Extract<Source, { kind: 'entity' }> => s.kind === 'entity',
  );
}
