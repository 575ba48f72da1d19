import type { Loc } from '../language/ast.ts';

/**
 * Why a segment query could not be lowered to the IR: `Invalid`, the query would have failed
 * validation (lowering expects a checked query, and says so rather than guessing).
 */
export type SegmentLoweringReason = 'Invalid';

export class SegmentLoweringError extends Error {
  override name = 'SegmentLoweringError';

  constructor(
    readonly reason: SegmentLoweringReason,
    message: string,
    /** Where in the query text the construct is. */
    readonly loc?: Loc,
  ) {
    super(message);
  }
}

export const invalid = (message: string, loc?: Loc): SegmentLoweringError =>
  new SegmentLoweringError('Invalid', `${message} (validate the query before lowering it)`, loc);
