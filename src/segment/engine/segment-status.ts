import { SegmentStatus, SegmentType } from '../../metadata/builtin/segment.ts';

/**
 * The status lifecycle of a segment (docs/spec: segments-api.md "Status lifecycle"): the
 * platform's transition table, what a client's requested status means, and which statuses are
 * live. Pure functions; the segment rules and jobs apply them.
 */

export type StatusCode = (typeof SegmentStatus)[keyof typeof SegmentStatus];
export type TypeCode = (typeof SegmentType)[keyof typeof SegmentType];

const LABELS: ReadonlyMap<number, string> = new Map([
  [SegmentStatus.Draft, 'Draft'],
  [SegmentStatus.Live, 'Live'],
  [SegmentStatus.Stopped, 'Stopped'],
  [SegmentStatus.LiveEditable, 'Live, editable'],
  [SegmentStatus.Expired, 'Expired'],
  [SegmentStatus.Error, 'Error'],
  [SegmentStatus.GoingLive, 'Going live'],
  [SegmentStatus.Stopping, 'Stopping'],
]);

const TYPE_LABELS: ReadonlyMap<number, string> = new Map([
  [SegmentType.Dynamic, 'dynamic'],
  [SegmentType.Static, 'static'],
  [SegmentType.Compound, 'compound'],
]);

/** `Live (192350001)`. */
export function statusLabel(status: number | null | undefined): string {
  if (status === null || status === undefined) return 'no status';
  return `${LABELS.get(status) ?? 'unknown status'} (${status})`;
}

/** `a static segment (192350001)`. */
export function typeLabel(type: number | null | undefined): string {
  if (type === null || type === undefined) return 'a segment of no type';
  return `a ${TYPE_LABELS.get(type) ?? 'unknown'} segment (${type})`;
}

/** The platform's TransitionData for msdyncrm_segment (reference notes 1.3). */
const TRANSITIONS: ReadonlyMap<number, readonly number[]> = new Map([
  [SegmentStatus.Draft, [SegmentStatus.GoingLive, SegmentStatus.Live, SegmentStatus.Expired]],
  [
    SegmentStatus.Live,
    [
      SegmentStatus.Stopping,
      SegmentStatus.Stopped,
      SegmentStatus.GoingLive,
      SegmentStatus.LiveEditable,
      SegmentStatus.Error,
    ],
  ],
  [SegmentStatus.Stopped, [SegmentStatus.Expired, SegmentStatus.GoingLive]],
  [SegmentStatus.LiveEditable, [SegmentStatus.Live, SegmentStatus.Error, SegmentStatus.GoingLive]],
  [SegmentStatus.Expired, []],
  [SegmentStatus.Error, [SegmentStatus.GoingLive, SegmentStatus.Stopping]],
  [SegmentStatus.GoingLive, [SegmentStatus.Live, SegmentStatus.Error]],
  [SegmentStatus.Stopping, [SegmentStatus.Stopped, SegmentStatus.Error]],
]);

export function allowedTransitions(from: number): readonly number[] {
  return TRANSITIONS.get(from) ?? [];
}

/**
 * What a client asking for `requested` gets: Live is reached only through Going live, and Stopped
 * only through Stopping, so a client sending either directly asks for the step that leads there.
 */
export function effectiveRequest(requested: number): number {
  if (requested === SegmentStatus.Live) return SegmentStatus.GoingLive;
  if (requested === SegmentStatus.Stopped) return SegmentStatus.Stopping;
  return requested;
}

/** The statuses a segment may be created in (after `effectiveRequest`). */
export const CREATE_STATUSES: readonly number[] = [SegmentStatus.Draft, SegmentStatus.GoingLive];

export type TransitionCheck =
  /** Nothing changes: the segment already is in (or on its way to) the requested status. */
  { kind: 'unchanged' } | { kind: 'allowed'; to: number } | { kind: 'refused'; to: number; message: string };

/**
 * Checks a client's status change of a segment in `current`. Sending the current status again is
 * no change (a client may send back a record it read); otherwise the effective request must be
 * an allowed transition of the table.
 */
export function checkTransition(current: number, requested: number): TransitionCheck {
  if (requested === current) return { kind: 'unchanged' };
  const to = effectiveRequest(requested);
  if (to === current) return { kind: 'unchanged' };
  const allowed = allowedTransitions(current);
  if (allowed.includes(to)) return { kind: 'allowed', to };
  const asked =
    to === requested ? statusLabel(requested) : `${statusLabel(requested)} (which means ${statusLabel(to)})`;
  const next = allowed.map((s) => statusLabel(s)).join(', ');
  return {
    kind: 'refused',
    to,
    message: `The segment is ${statusLabel(current)} and cannot be set to ${asked}; ${
      allowed.length === 0
        ? `a segment that is ${LABELS.get(current) ?? 'in this status'} cannot change its status.`
        : `from ${LABELS.get(current) ?? 'this status'} it can go to ${next}.`
    }`,
  };
}

/** Statuses whose members the server maintains (refreshes). */
export function isLive(status: unknown): boolean {
  return status === SegmentStatus.Live || status === SegmentStatus.LiveEditable;
}

/** Statuses in which a segment cannot be deleted (spec: Going live, Live, Stopping). */
export function blocksDelete(status: unknown): boolean {
  return (
    status === SegmentStatus.GoingLive || status === SegmentStatus.Live || status === SegmentStatus.Stopping
  );
}

/** Statuses in which the query and the static members may be edited. */
export function definitionEditable(status: unknown): boolean {
  return status === SegmentStatus.Draft || status === SegmentStatus.Stopped || status === SegmentStatus.Error;
}

/** Whether members come from a query (dynamic, compound) rather than being stored (static). */
export function hasQueryMembers(type: unknown): boolean {
  return type === SegmentType.Dynamic || type === SegmentType.Compound;
}

/** The text with its first letter in upper case (to start a sentence with a label). */
export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
