import type { AttributeValues } from '../../engine/record-types.ts';
import type { RecordService } from '../../engine/records.ts';
import { formatDateTime } from '../../engine/values.ts';
import { SegmentLoweringError } from '../lower/index.ts';
import { prepareSegmentQuery } from '../query-runner.ts';
import type { SegmentRecord } from './segment-record.ts';
import { hasQueryMembers } from './segment-status.ts';

/**
 * The segment's definition cannot be evaluated (its query no longer checks: a segment it names was
 * deleted or renamed, a cycle appeared). Trying again would fail the same way, so the segment is
 * set to Error at once rather than after the retries meant for passing failures.
 */
export class SegmentDefinitionError extends Error {
  override name = 'SegmentDefinitionError';
}

/** What one evaluation did. */
export interface Evaluation {
  /** Members afterwards. */
  readonly count: number;
  readonly added: number;
  readonly removed: number;
  readonly durationMs: number;
  readonly evaluatedOn: Date;
}

/** Limit of msdyncrm_segmentevaluationstate. */
const STATE_LENGTH = 100;

/** Text that fits msdyncrm_segmentevaluationstate (100 characters). */
export function evaluationState(text: string): string {
  const chars = [...text];
  return chars.length <= STATE_LENGTH ? text : `${chars.slice(0, STATE_LENGTH - 1).join('')}…`;
}

/**
 * Brings a segment's stored members up to date, in the caller's transaction (`records` runs in
 * it). Dynamic and compound segments: the query runs inside the database and only the difference
 * to the stored members is written (`replaceFromQuery`); members that stay keep their entry time.
 * Static segments: their stored members are the definition; they are counted.
 */
export async function evaluateSegment(
  records: RecordService,
  segment: SegmentRecord,
  now: Date,
): Promise<Evaluation> {
  const started = performance.now();
  const membership = records.session.membership;
  if (!hasQueryMembers(segment.type)) {
    const count = await membership.count(segment.key);
    return { count, added: 0, removed: 0, durationMs: performance.now() - started, evaluatedOn: now };
  }
  if (segment.query === null || segment.query.trim() === '')
    throw new SegmentDefinitionError('the segment has no query');
  let prepared;
  try {
    prepared = await prepareSegmentQuery(records, segment.query, {
      requireContact: true,
      now,
      segmentId: segment.id,
    });
  } catch (err) {
    if (err instanceof SegmentLoweringError) throw new SegmentDefinitionError(err.message);
    throw err;
  }
  if ('errors' in prepared) {
    throw new SegmentDefinitionError(
      `the query is not valid: ${prepared.errors.map((e) => `${e.reason}: ${e.message}`).join('; ')}`,
    );
  }
  const change = await membership.replaceFromQuery(segment.key, { query: prepared.query }, now);
  return { ...change, durationMs: performance.now() - started, evaluatedOn: now };
}

/** The segment fields an evaluation maintains. */
export function evaluatedFields(evaluation: Evaluation): AttributeValues {
  const ms = Math.round(evaluation.durationMs);
  return {
    msdyncrm_segmentsize: evaluation.count,
    msdyncrm_lastevaluationtime: formatDateTime(evaluation.evaluatedOn),
    msdyncrm_segmentevaluationdurationinminutes: Math.round(ms / 60_000),
    msdyncrm_segmentevaluationstate: evaluationState(
      `Evaluated: ${evaluation.count} members (+${evaluation.added}, -${evaluation.removed}) in ${ms} ms`,
    ),
  };
}
