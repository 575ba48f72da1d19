import { parseGuid } from '../../engine/values.ts';
import { invalidSegment } from './segment-errors.ts';

/** Ids per `msdyncrm_SegmentMembersUpdate` call (the original service's batch size). */
export const MAX_IDS_PER_CALL = 20_000;

/** A list of contact ids as a request sent it. */
export interface MemberIdList {
  /** The distinct ids, normalised (lower case, hyphenated), in the order first sent. */
  readonly ids: readonly string[];
  /** Entries sent (duplicates included). */
  readonly sent: number;
}

const EXAMPLE = '"[\\"crm1405f4ba-1ee9-e811-a99d-000d3a35f12f\\"]"';

/**
 * Reads a list of contact ids: a string holding a JSON array (what the original service takes)
 * or a plain JSON array, each entry a GUID optionally prefixed `crm` (the legacy id type marker).
 * Anything else is an error naming the field and the first bad entry; more than `limit` entries is
 * an error too, so a request is refused before anything is applied.
 */
export function parseMemberIds(raw: unknown, field: string, limit?: number): MemberIdList {
  let list: unknown = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw);
    } catch {
      throw invalidSegment(
        `'${field}' must hold a JSON array of contact ids, e.g. ${EXAMPLE}; its text is not JSON.`,
      );
    }
  }
  if (!Array.isArray(list)) {
    throw invalidSegment(`'${field}' must hold a JSON array of contact ids, e.g. ${EXAMPLE}.`);
  }
  const entries = list as unknown[];
  if (limit !== undefined && entries.length > limit) {
    throw invalidSegment(
      `'${field}' holds ${entries.length} ids; at most ${limit} are accepted per call (send the rest in further calls).`,
    );
  }
  const ids = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const text = typeof entry === 'string' ? entry.trim().replace(/^crm/i, '') : undefined;
    const id = text === undefined ? undefined : parseGuid(text);
    if (id === undefined) {
      throw invalidSegment(
        `'${field}' entry ${i} (${JSON.stringify(entry)}) is not a contact id: expected a GUID, optionally prefixed 'crm'.`,
      );
    }
    ids.add(id);
  }
  return { ids: [...ids], sent: entries.length };
}
