/** Physical names. Every identifier is double-quoted, so names never clash with keywords. */

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The surrogate-key column every entity table has. */
export const KEY_COLUMN = 'sd_key';

/** Tables and sequences segmentd keeps for itself start with this; user schemas may not use it. */
export const INTERNAL_PREFIX = 'sd_';

export function keySequenceName(entity: string): string {
  return `sd_seq_${entity}`;
}

/** A sequence's quoted name inside a string literal, as nextval() takes it. */
export function sequenceNameLiteral(name: string): string {
  return `'${quoteIdentifier(name).replace(/'/g, "''")}'`;
}
