import type { AttributeValues } from '../../../engine/record-types.ts';
import type { RecordService } from '../../../engine/records.ts';
import { formatDateTime } from '../../../engine/values.ts';
import type { Row } from '../../../ir/nodes.ts';
import { SegmentStatus, SegmentType } from '../../../metadata/builtin/segment.ts';
import { parseMemberIds } from '../member-ids.ts';
import { invalidSegment, refused } from '../segment-errors.ts';
import { DEFAULT_REFRESH_MINUTES, SEGMENT_ENTITY, SEGMENT_ID } from '../segment-record.ts';
import {
  capitalised,
  checkTransition,
  definitionEditable,
  hasQueryMembers,
  isLive,
  statusLabel,
  typeLabel,
} from '../segment-status.ts';
import { checkCanGoLive } from './go-live-check.ts';
import { blank, changes, withoutServerFields } from './server-fields.ts';

/** What updating a segment writes and then does. */
export interface UpdatePlan {
  /** The values to write (status resolved, server fields set, member ids taken out). */
  readonly values: AttributeValues;
  /** The new static members (normalised ids), when `msdyncrm_segmentmemberids` was sent. */
  readonly memberIds?: readonly string[];
  /** The status the segment moves to, when it changes. */
  readonly transition?: number;
  /** The type changed away from static: its stored members go. */
  readonly dropMembers: boolean;
  /** A live segment's refresh interval changed: its next refresh is rescheduled. */
  readonly reschedule: boolean;
}

const QUERY = 'msdyncrm_segmentquery';
const MEMBER_IDS = 'msdyncrm_segmentmemberids';
const TYPE = 'msdyncrm_segmenttype';
const INTERVAL = 'msdyncrm_segmentrefreshrateintervalminutes';

/**
 * Checks an update of `current`: the status change against the transition table (Live and
 * Stopped sent directly mean Going live and Stopping), what may be edited in the current status
 * (the type only in Draft; the query and the static members in Draft, Stopped and Error; anything
 * else, such as the name and description, at any time), the fields a segment must keep, and, when
 * going live, the definition as it will be. Sending a value a field already has is no edit.
 */
export async function planUpdate(
  records: RecordService,
  current: Row,
  sent: AttributeValues,
  now: Date,
): Promise<UpdatePlan> {
  const entity = records.schema.requireEntity(SEGMENT_ENTITY);
  const values = withoutServerFields(entity, sent);
  const status = current.statuscode as number;
  const name = typeof current.msdyncrm_segmentname === 'string' ? current.msdyncrm_segmentname : '';
  const where = `segment '${name}' is ${statusLabel(status)}`;

  let transition: number | undefined;
  if ('statuscode' in values) {
    const requested = values.statuscode;
    if (typeof requested !== 'number') throw invalidSegment("'statuscode' cannot be cleared.");
    const check = checkTransition(status, requested);
    if (check.kind === 'refused') throw refused(check.message);
    if (check.kind === 'unchanged') delete values.statuscode;
    else {
      transition = check.to;
      values.statuscode = check.to;
    }
  }

  if (changes(values, current, TYPE) && status !== SegmentStatus.Draft) {
    throw refused(
      `The type of a segment can only be changed while it is ${statusLabel(SegmentStatus.Draft)}; the ${where}.`,
    );
  }
  if (changes(values, current, QUERY) && !definitionEditable(status)) {
    throw refused(
      `The query of a segment can be changed while it is Draft, Stopped or Error; the ${where} (stop it first).`,
    );
  }
  const sentIds = values[MEMBER_IDS];
  if (sentIds !== undefined && sentIds !== null && !definitionEditable(status)) {
    throw refused(
      `The members of a static segment can be set with '${MEMBER_IDS}' while it is Draft, Stopped or Error; the ${where} (use msdyncrm_SegmentMembersUpdate).`,
    );
  }

  const merged: AttributeValues = { ...current, ...values };
  if ('msdyncrm_segmentname' in values && blank(values.msdyncrm_segmentname)) {
    throw invalidSegment("'msdyncrm_segmentname' is required: a segment keeps a name.");
  }
  if (TYPE in values && blank(values[TYPE]))
    throw invalidSegment(`'${TYPE}' is required: a segment keeps a type.`);
  const type = merged[TYPE];
  if (hasQueryMembers(type) && blank(merged[QUERY])) {
    throw invalidSegment(
      `${capitalised(typeLabel(type as number))} needs 'msdyncrm_segmentquery' (or 'msdyncrm_query'): it cannot be cleared.`,
    );
  }
  let memberIds: readonly string[] | undefined;
  if (sentIds !== undefined && sentIds !== null) {
    if (type !== SegmentType.Static) {
      throw invalidSegment(
        `'${MEMBER_IDS}' lists the members of a static segment; this is ${typeLabel(type as number)}.`,
      );
    }
    memberIds = parseMemberIds(sentIds, MEMBER_IDS).ids;
  }
  if (MEMBER_IDS in values) values[MEMBER_IDS] = null;
  const dropMembers = changes(values, current, TYPE) && current[TYPE] === SegmentType.Static;
  if (dropMembers) values.msdyncrm_segmentsize = 0;

  if (transition === SegmentStatus.GoingLive) {
    await checkCanGoLive(records, {
      id: String(current[SEGMENT_ID]),
      name: merged.msdyncrm_segmentname,
      type,
      query: merged[QUERY],
    });
    values.msdyncrm_segmentevaluationstate = 'Queued';
  }
  if (transition !== undefined) {
    values.msdyncrm_islive = isLive(transition);
    if (!isLive(transition) && transition !== SegmentStatus.GoingLive) values.msdyncrm_nextevaluation = null;
  }
  const reschedule =
    transition === undefined && isLive(status) && hasQueryMembers(type) && changes(values, current, INTERVAL);
  if (reschedule) {
    const minutes = typeof merged[INTERVAL] === 'number' ? merged[INTERVAL] : DEFAULT_REFRESH_MINUTES;
    values.msdyncrm_nextevaluation =
      minutes > 0 ? formatDateTime(new Date(now.getTime() + minutes * 60_000)) : null;
  }
  return {
    values,
    dropMembers,
    reschedule,
    ...(transition !== undefined ? { transition } : {}),
    ...(memberIds !== undefined ? { memberIds } : {}),
  };
}
