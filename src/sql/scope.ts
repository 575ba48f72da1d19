import type { ScalarType } from '../ir/nodes.ts';
import type { EntityMetadata } from '../metadata/model.ts';
import { SqlCompileError } from './errors.ts';

/** What an alias stands for inside one query: an entity's table or a subquery's output. */
export type Binding =
  | { readonly kind: 'entity'; readonly alias: string; readonly entity: EntityMetadata }
  | {
      readonly kind: 'subquery';
      readonly alias: string;
      /** Output columns and their IR types (null: only ever NULL, type unknown). */
      readonly columns: ReadonlyMap<string, ScalarType | null>;
    };

/**
 * The aliases visible at one query level. Correlated subqueries (EXISTS) see the levels around
 * them through `parent`; the innermost binding of a name wins, as in SQL.
 */
export class Scope {
  private readonly bindings = new Map<string, Binding>();

  constructor(readonly parent?: Scope) {}

  bind(binding: Binding): void {
    checkName('alias', binding.alias);
    if (this.bindings.has(binding.alias)) {
      throw new SqlCompileError(`alias '${binding.alias}' is bound twice in one query`);
    }
    this.bindings.set(binding.alias, binding);
  }

  resolve(alias: string): Binding {
    const b = this.bindings.get(alias);
    if (b !== undefined) return b;
    if (this.parent !== undefined) return this.parent.resolve(alias);
    throw new SqlCompileError(`unknown alias '${alias}'`);
  }
}

/** Characters no name may hold: NUL (no store accepts it) and the compiler's parameter markers. */
const FORBIDDEN = ['\u0000', '\uE000', '\uE001'];

/** Aliases and output names become quoted identifiers and may hold any other character. */
export function checkName(what: string, name: string): void {
  if (name === '' || FORBIDDEN.some((c) => name.includes(c))) {
    throw new SqlCompileError(`${what} ${JSON.stringify(name)} is empty or holds a reserved character`);
  }
}
