import { parseSegmentQuery } from './parser.ts';
import { visit } from './visitor.ts';

/** The names a query's `SEGMENT(x)` operands use, in source order (none when it does not parse). */
export function segmentReferences(query: string): string[] {
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
