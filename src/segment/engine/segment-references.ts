import type { RecordService } from '../../engine/records.ts';
import { segmentResolver } from '../definition-validation.ts';
import { parseSegmentQuery, visit } from '../language/index.ts';
import { hasQueryMembers } from './segment-status.ts';
import { selectSegments, type SegmentRecord } from './segment-record.ts';

/** The names a query's `SEGMENT(x)` operands use (none when it does not parse). */
export function referencedNames(query: string): string[] {
  const parsed = parseSegmentQuery(query);
  if (parsed.ast === undefined) return [];
  const names: string[] = [];
  visit(parsed.ast, {
    Segment(node) {
      names.push(node.name.value);
    },
  });
  return names;
}

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
    if (referencedNames(s.query).some((name) => resolve(name)?.id === id)) out.push(s);
  }
  return out;
}
