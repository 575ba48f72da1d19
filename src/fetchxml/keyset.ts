import { and, cmp, isNull, lit, or } from '../ir/build.ts';
import type { Expr, OrderItem, Value } from '../ir/nodes.ts';
import { scalarTypeOf } from '../ir/build.ts';
import type { KeysetItem } from './lower/plan.ts';

/**
 * The rows after (or before) a row in a keyset order, given that row's key values: what paging
 * cookies continue from. It follows the IR's order semantics exactly: strings compare
 * case-insensitively, nulls come first ascending and last descending, and the last key (the
 * primary id) is never null, so the order is total.
 */

const flip = (d: 'asc' | 'desc'): 'asc' | 'desc' => (d === 'asc' ? 'desc' : 'asc');

/** The keyset order, reversed when reading backwards (the previous page). */
export function keysetOrder(keyset: readonly KeysetItem[], backwards: boolean): OrderItem[] {
  return keyset.map((k) => ({ expr: k.expr, direction: backwards ? flip(k.direction) : k.direction }));
}

/** Rows strictly beyond the row with key `values`, going forwards or backwards through the order. */
export function beyond(keyset: readonly KeysetItem[], values: readonly Value[], backwards: boolean): Expr {
  const literal = (i: number): Expr => {
    const k = keyset[i] as KeysetItem;
    return lit(values[i] ?? null, scalarTypeOf(k.attribute));
  };
  const ci = (i: number) => scalarTypeOf((keyset[i] as KeysetItem).attribute) === 'string';
  const equal = (i: number): Expr => {
    const k = keyset[i] as KeysetItem;
    return (values[i] ?? null) === null ? isNull(k.expr) : cmp('=', k.expr, literal(i), ci(i));
  };
  const after = (i: number): Expr | undefined => {
    const k = keyset[i] as KeysetItem;
    const direction = backwards ? flip(k.direction) : k.direction;
    const v = values[i] ?? null;
    if (direction === 'asc') return v === null ? isNull(k.expr, true) : cmp('>', k.expr, literal(i), ci(i));
    // Descending puts nulls last: after a null there is nothing in this key.
    return v === null ? undefined : or(cmp('<', k.expr, literal(i), ci(i)), isNull(k.expr));
  };
  const terms: Expr[] = [];
  for (let i = 0; i < keyset.length; i++) {
    const last = after(i);
    if (last === undefined) continue;
    const prefix = Array.from({ length: i }, (_, j) => equal(j));
    terms.push(and(...prefix, last) ?? last);
  }
  return terms.length === 0 ? lit(false, 'boolean') : or(...terms);
}
