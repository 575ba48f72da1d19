import { DataverseError, ErrorCodes } from '../../engine/errors.ts';
import type { SegmentValidationIssue } from '../definition-validation.ts';

/**
 * The code Dataverse answers when a plug-in of the pipeline refuses an operation
 * (InvalidPluginExecutionException): what the segment rules are, on the original service.
 */
export const REFUSED_BY_RULES = '0x80040265';

/** A segment write the lifecycle rules refuse (transition, edit, delete): 400. */
export function refused(message: string): DataverseError {
  return new DataverseError('BadRequest', REFUSED_BY_RULES, message);
}

/** A segment write with a missing or malformed value: 400. */
export function invalidSegment(message: string): DataverseError {
  return new DataverseError('BadRequest', ErrorCodes.InvalidArgument, message);
}

/** One line per problem: `msdyncrm_query: unknown entity 'x' at 1:9 [SegmentDciValidator_SegmentInvalid]`. */
export function issuesText(issues: readonly SegmentValidationIssue[]): string {
  return issues.map((i) => `${i.FieldName}: ${i.Message} [${i.ErrorCode}]`).join('; ');
}

/**
 * Going live refused because the definition is not valid: 400 with every problem (as
 * `msdyncrm_ValidateSegment` reports them), nothing changed.
 */
export function definitionInvalid(issues: readonly SegmentValidationIssue[]): DataverseError {
  return new DataverseError(
    'BadRequest',
    ErrorCodes.InvalidArgument,
    `The segment definition is not valid, so the segment cannot go live: ${issuesText(issues)}`,
  );
}
