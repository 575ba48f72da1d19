import type { Schema } from '../../metadata/schema.ts';
import type { Loc, NameNode, QueryNode } from '../language/ast.ts';
import { SegmentQueryError, type SegmentQueryReason } from '../language/errors.ts';
import { bindQuery, type QueryBindings } from './scope.ts';

/** A segment that `SEGMENT(name)` refers to, as the caller's store knows it. */
export interface ResolvedSegment {
  readonly id: string;
  /**
   * The segment row's surrogate key (the membership table's segment key), when the caller read
   * it: stored members are then read by key, with no join to the segment row.
   */
  readonly key?: number;
  /** Logical name of the entity its members are rows of. */
  readonly entity: string;
  /** Its query text, for dynamic and compound segments (followed to find reference cycles). */
  readonly query?: string;
}

/** What the checker needs to know beyond the query itself. */
export interface SegmentValidationOptions {
  readonly schema: Schema;
  /** By `msdyncrm_segmentqueryname`, id or unique segment name; absent means no segment exists. */
  readonly resolveSegment?: (name: string) => ResolvedSegment | undefined;
  /** Dynamic and compound segments and `msdyncrm_query` must end at contact. */
  readonly requireContact?: boolean;
  /** Id of the segment being validated, so that a reference back to it is a cycle. */
  readonly segmentId?: string;
}

/** Shared state of one validation run: the options, the bindings and the errors reported so far. */
export class ValidationContext {
  readonly errors: SegmentQueryError[] = [];
  readonly bindings: QueryBindings;

  constructor(
    readonly ast: QueryNode,
    readonly options: SegmentValidationOptions,
  ) {
    this.bindings = bindQuery(ast, options);
  }

  get schema(): Schema {
    return this.options.schema;
  }

  /** Reports `detail` about the text of `at` (a node or a name). */
  report(reason: SegmentQueryReason, at: { readonly loc: Loc } | NameNode, detail: string): void {
    const { start, end, line, column } = at.loc;
    this.errors.push(new SegmentQueryError(reason, detail, start, end - start, line, column));
  }
}
