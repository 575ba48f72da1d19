/**
 * The text of one query option and where a node came from in it. Every AST node carries a `Loc`
 * so that any later stage (binding, type checking) can point at the exact characters it rejects.
 */

/** One query option's text: `name` is the option (`$filter`, `$expand`, `@p1`), `body` its value. */
export interface Source {
  readonly name: string;
  readonly body: string;
}

/** A half-open character range `[start, end)` in `source.body` (0-based offsets). */
export interface Loc {
  readonly start: number;
  readonly end: number;
  readonly source: Source;
}

export const source = (name: string, body: string): Source => ({ name, body });
