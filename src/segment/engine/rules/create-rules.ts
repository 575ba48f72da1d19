import type { AttributeValues } from '../../../engine/record-types.ts';
import type { RecordService } from '../../../engine/records.ts';
import { SegmentStatus, SegmentType } from '../../../metadata/builtin/segment.ts';
import { parseMemberIds } from '../member-ids.ts';
import { invalidSegment, refused } from '../segment-errors.ts';
import { SEGMENT_ENTITY, SEGMENT_ID } from '../segment-record.ts';
import {
  capitalised,
  CREATE_STATUSES,
  effectiveRequest,
  hasQueryMembers,
  statusLabel,
  typeLabel,
} from '../segment-status.ts';
import { checkCanGoLive } from './go-live-check.ts';
import { blank, withoutServerFields } from './server-fields.ts';

/** What creating a segment writes and then does. */
export interface CreatePlan {
  /** The values to write (status resolved, server fields set, member ids taken out). */
  readonly values: AttributeValues;
  /** The static members given in `msdyncrm_segmentmemberids` (normalised ids), if any. */
  readonly memberIds?: readonly string[];
  /** The segment is created Going live: its evaluation is queued. */
  readonly goLive: boolean;
}

const REQUIRED: readonly [string, string][] = [
  ['msdyncrm_segmentname', 'its name'],
  [
    'msdyncrm_segmenttype',
    `${SegmentType.Dynamic} dynamic, ${SegmentType.Static} static or ${SegmentType.Compound} compound`,
  ],
  ['statuscode', `${SegmentStatus.Draft} Draft or ${SegmentStatus.GoingLive} Going live`],
];

/**
 * Checks a new segment: the required fields (name, type, status; the query of dynamic and
 * compound segments), member ids only for static segments, a status to start in (Draft, or Going
 * live, which Live sent directly means) and, when going live, a valid definition. Created in Draft,
 * the query is not checked (the original service skips validation there too).
 */
export async function planCreate(records: RecordService, sent: AttributeValues): Promise<CreatePlan> {
  const entity = records.schema.requireEntity(SEGMENT_ENTITY);
  const values = withoutServerFields(entity, sent);
  const missing = REQUIRED.filter(([field]) => blank(values[field]));
  if (missing.length > 0) {
    throw invalidSegment(
      `A segment needs ${missing.map(([f, what]) => `'${f}' (${what})`).join(', ')}: ${missing.length === 1 ? 'it is' : 'they are'} missing.`,
    );
  }
  const type = values.msdyncrm_segmenttype;
  if (hasQueryMembers(type) && blank(values.msdyncrm_segmentquery)) {
    throw invalidSegment(
      `${capitalised(typeLabel(type as number))} needs 'msdyncrm_segmentquery' (or 'msdyncrm_query'): the query that selects its members.`,
    );
  }
  let memberIds: readonly string[] | undefined;
  const sentIds = values.msdyncrm_segmentmemberids;
  if (sentIds !== undefined && sentIds !== null) {
    if (type !== SegmentType.Static) {
      throw invalidSegment(
        `'msdyncrm_segmentmemberids' lists the members of a static segment; this is ${typeLabel(type as number)}.`,
      );
    }
    memberIds = parseMemberIds(sentIds, 'msdyncrm_segmentmemberids').ids;
  }
  // Members are stored in the membership table and read through the actions, not this field.
  if ('msdyncrm_segmentmemberids' in values) values.msdyncrm_segmentmemberids = null;

  const requested = values.statuscode as number;
  const status = effectiveRequest(requested);
  if (!CREATE_STATUSES.includes(status)) {
    throw refused(
      `A segment is created in ${statusLabel(SegmentStatus.Draft)} or ${statusLabel(SegmentStatus.GoingLive)} (Live sent directly means going live), not ${statusLabel(requested)}.`,
    );
  }
  const goLive = status === SegmentStatus.GoingLive;
  if (goLive) {
    const id = values[SEGMENT_ID];
    await checkCanGoLive(records, {
      ...(typeof id === 'string' ? { id } : {}),
      name: values.msdyncrm_segmentname,
      type,
      query: values.msdyncrm_segmentquery,
    });
  }
  values.statuscode = status;
  values.msdyncrm_islive = false;
  values.msdyncrm_segmentsize = 0;
  values.msdyncrm_segmentevaluationstate = goLive ? 'Queued' : null;
  return { values, goLive, ...(memberIds !== undefined ? { memberIds } : {}) };
}
