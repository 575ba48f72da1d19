import type { RecordService } from '../../../engine/records.ts';
import { validateSegmentDefinition } from '../../definition-validation.ts';
import { definitionInvalid } from '../segment-errors.ts';

/** A segment definition as it will be once the write is applied. */
export interface DefinitionToCheck {
  readonly id?: string;
  readonly name: unknown;
  readonly type: unknown;
  readonly query: unknown;
}

/**
 * Going live checks the definition at once (stored segments included, for `SEGMENT(x)`): a
 * definition with problems is refused with all of them, as `msdyncrm_ValidateSegment` reports
 * them, and nothing is written.
 */
export async function checkCanGoLive(records: RecordService, definition: DefinitionToCheck): Promise<void> {
  const issues = await validateSegmentDefinition(records, {
    name: definition.name,
    type: definition.type,
    query: definition.query,
    ...(definition.id !== undefined ? { segmentId: definition.id } : {}),
  });
  if (issues.length > 0) throw definitionInvalid(issues);
}
