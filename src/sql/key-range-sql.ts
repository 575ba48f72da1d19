/**
 * The smallest and largest key a dialect's `allocateKeysSql` draws (columns `lo`, `hi`): when they
 * are `count` apart the keys are that range, which costs one row to read instead of `count`.
 */
export function allocatedKeyRangeSql(allocateKeysSql: string): string {
  return `SELECT min(k) AS "lo", max(k) AS "hi" FROM (${allocateKeysSql}) AS "keys"`;
}
