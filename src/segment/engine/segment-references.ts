import type { RecordService } from '../../engine/records.ts';
import { segmentResolver } from '../definition-validation.ts';
import { segmentReferences } from '../language/index.ts';
import { hasQueryMembers } from './segment-status.ts';
import { selectSegments, type SegmentRecord } from './segment-record.ts';

/**
 * The dynamic and compound segments whose query refers to segment `id` (by query name, id or
 * unique name, as `SEGMENT(x)` resolves), in creation order. Static segments have no query that
 * counts.
 */
export async function referencingSegments(records: RecordService, id: string): Promise<SegmentRecord[]> {
  const resolve = await segmentResolver(records);
  const out: SegmentRecord[] = [];
  for (const s of await selectSegments(records.session)) {
    if (s.id === id || !hasQueryMembers(s.type) || s.query === null) continue;
    if (segmentReferences(s.query).some((name) => resolve(name)?.id === id)) out.push(s);
  }
  return out;
}
