import type { Loc } from '../language/ast.ts';

/**
 * Why a segment query could not be lowered to the IR. `NotSupported`: a construct whose meaning
 * needs data this lowering does not have yet (segment membership tables, the interaction schema).
 * `Invalid`: the query would have failed validation (lowering expects a checked query).
 */
export type SegmentLoweringReason = 'NotSupported' | 'Invalid';

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

export const notSupported = (what: string, loc?: Loc): SegmentLoweringError =>
  new SegmentLoweringError('NotSupported', `${what} is not supported yet`, loc);

export const invalid = (message: string, loc?: Loc): SegmentLoweringError =>
  new SegmentLoweringError('Invalid', `${message} (validate the query before lowering it)`, loc);
