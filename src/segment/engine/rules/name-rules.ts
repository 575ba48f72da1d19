import type { StoreSession } from '../../../store/store.ts';
import { segmentReferences } from '../../language/index.ts';
import { refused } from '../segment-errors.ts';
import { selectSegments, type SegmentRecord } from '../segment-record.ts';
import { hasQueryMembers } from '../segment-status.ts';

/** msdyncrm_segmentqueryname, as the record service writes it. */
const queryNameOf = (id: string) => `SEGMENT_CRM_ID_${id.replaceAll('-', '').toLowerCase()}`;

/** A query of `referrer` naming a segment by its msdyncrm_segmentname (lower case). */
interface NameReference {
  readonly referrer: SegmentRecord;
  readonly name: string;
}

/**
 * `SEGMENT(x)` names a segment by its id or query name — which never change — or by its
 * msdyncrm_segmentname while that is unique. The references by name, of every query.
 */
function referencesByName(segments: readonly SegmentRecord[]): NameReference[] {
  const keys = new Set(segments.flatMap((s) => [s.id.toLowerCase(), queryNameOf(s.id).toLowerCase()]));
  const names = new Set(segments.map((s) => s.name.toLowerCase()));
  const out: NameReference[] = [];
  for (const referrer of segments) {
    if (!hasQueryMembers(referrer.type) || referrer.query === null) continue;
    for (const text of segmentReferences(referrer.query)) {
      const name = text.toLowerCase();
      if (!keys.has(name) && names.has(name)) out.push({ referrer, name });
    }
  }
  return out;
}

function listed(refs: readonly NameReference[]): string {
  const referrers = [...new Map(refs.map((r) => [r.referrer.id, r.referrer])).values()];
  return `${referrers.length === 1 ? 'the query of segment' : 'the queries of segments'} ${referrers
    .map((s) => `'${s.name}' (${s.id})`)
    .join(', ')}`;
}

/**
 * Giving segment `id` (undefined: a new one) the name `name` must not change what a query refers
 * to: renaming a segment that queries name would leave them pointing at nothing, and a second
 * segment with a name queries use would make those references ambiguous. Both are refused,
 * naming the queries; referring to the segment by its query name (SEGMENT_CRM_ID_…) first makes
 * the change possible. A change of letter case only is no rename (names match case-insensitively).
 */
export async function checkSegmentName(
  session: StoreSession,
  id: string | undefined,
  name: string,
): Promise<void> {
  const segments = await selectSegments(session);
  const refs = referencesByName(segments);
  if (refs.length === 0) return;
  const wanted = name.toLowerCase();
  const current = id === undefined ? undefined : segments.find((s) => s.id === id);
  if (current !== undefined && current.name.toLowerCase() !== wanted) {
    const old = current.name.toLowerCase();
    const onOld = refs.filter((r) => r.name === old && r.referrer.id !== current.id);
    if (onOld.length > 0) {
      throw refused(
        `The segment '${current.name}' cannot be renamed to '${name}': ${listed(onOld)} ${onOld.length === 1 ? 'refers' : 'refer'} to it by its name; refer to it as SEGMENT(${queryNameOf(current.id)}) there first.`,
      );
    }
  }
  const namesake = segments.find((s) => s.id !== id && s.name.toLowerCase() === wanted);
  const onNew = refs.filter((r) => r.name === wanted && r.referrer.id !== id);
  if (
    namesake !== undefined &&
    (current === undefined || current.name.toLowerCase() !== wanted) &&
    onNew.length > 0
  ) {
    throw refused(
      `No second segment may be named '${name}': ${listed(onNew)} ${onNew.length === 1 ? 'refers' : 'refer'} to segment '${namesake.name}' (${namesake.id}) by that name, which would become ambiguous; refer to it as SEGMENT(${queryNameOf(namesake.id)}) there first.`,
    );
  }
}
