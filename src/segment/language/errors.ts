import type { QuerySource } from './source.ts';

/**
 * Why a query was rejected, stable for clients (ValidateSegment's `Reason`). The parser produces
 * `Syntax`, `QueryTooLong` and `QueryTooDeep`; later stages (name resolution, type checking) add
 * their own reasons.
 */
export type SegmentQueryReason =
  | 'Syntax'
  | 'QueryTooLong'
  | 'QueryTooDeep'
  // The checker's reasons (src/segment/validation/).
  | 'UnknownEntity'
  | 'UnknownAttribute'
  | 'UnknownRelationship'
  | 'UnknownAlias'
  | 'DuplicateAlias'
  | 'UnknownSegment'
  | 'SegmentCycle'
  | 'TypeMismatch'
  | 'TargetNotContact'
  | 'ProfileTypeMismatch'
  | 'HavingNotAllowed';

/**
 * One problem in a segment query, with the exact text it concerns. Errors are values: the parser
 * returns a list of them and never throws them.
 */
export class SegmentQueryError extends Error {
  override name = 'SegmentQueryError';

  constructor(
    readonly reason: SegmentQueryReason,
    /** What is wrong, for a person, without the location (`message` adds ` at line:column`). */
    readonly detail: string,
    /** 0-based offset of the offending text (`text.length` for "end of the query"). */
    readonly offset: number,
    /** Length of the offending text (0 at the end of the query). */
    readonly length: number,
    /** 1-based line of `offset`. */
    readonly line: number,
    /** 1-based column of `offset`. */
    readonly column: number,
  ) {
    super(`${detail} at ${line}:${column}`);
  }

  toJSON(): {
    reason: SegmentQueryReason;
    message: string;
    line: number;
    column: number;
    offset: number;
    length: number;
  } {
    const { reason, message, line, column, offset, length } = this;
    return { reason, message, line, column, offset, length };
  }
}

/** An error about `length` characters of the source starting at `offset`. */
export function queryError(
  src: QuerySource,
  reason: SegmentQueryReason,
  offset: number,
  length: number,
  detail: string,
): SegmentQueryError {
  const { line, column } = src.position(offset);
  return new SegmentQueryError(reason, detail, offset, length, line, column);
}
