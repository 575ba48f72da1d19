import { segmentReferences } from '../../language/references.ts';
import type { ResolvedSegment } from '../context.ts';
import type { ValidationRule } from './rule.ts';

/**
 * Following `SEGMENT(x)` references never comes back to a segment already on the path (nor to the
 * segment being validated). Each referenced segment's query is parsed once per run.
 */
export const SegmentCycleRule: ValidationRule = (context) => {
  const resolve = context.options.resolveSegment;
  const self = context.options.segmentId;
  const refs = new Map<string, ResolvedSegment[]>();
  const referencesOf = (s: ResolvedSegment): ResolvedSegment[] => {
    let out = refs.get(s.id);
    if (out === undefined) {
      out = [];
      for (const n of s.query === undefined ? [] : segmentReferences(s.query)) {
        const r = resolve?.(n);
        if (r !== undefined) out.push(r);
      }
      refs.set(s.id, out);
    }
    return out;
  };
  /** The path from `start` back to a segment on it, or undefined; depth-first with an explicit stack. */
  const findCycle = (start: ResolvedSegment): string[] | undefined => {
    const onPath = new Set<string>(self === undefined ? [] : [self]);
    const done = new Set<string>();
    const path: ResolvedSegment[] = [];
    const stack: { seg: ResolvedSegment; next: number }[] = [];
    const enter = (s: ResolvedSegment): boolean => {
      if (onPath.has(s.id)) {
        path.push(s);
        return true;
      }
      if (done.has(s.id)) return false;
      onPath.add(s.id);
      path.push(s);
      stack.push({ seg: s, next: 0 });
      return false;
    };
    if (enter(start)) return path.map((s) => s.id);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const children = referencesOf(top.seg);
      if (top.next < children.length) {
        if (enter(children[top.next++]!)) return path.map((s) => s.id);
      } else {
        stack.pop();
        path.pop();
        onPath.delete(top.seg.id);
        done.add(top.seg.id);
      }
    }
    return undefined;
  };
  return {
    Segment(node) {
      const target = resolve?.(node.name.value);
      if (target === undefined) return;
      const cycle = findCycle(target);
      if (cycle === undefined) return;
      const shown = self !== undefined && cycle[cycle.length - 1] === self ? [self, ...cycle] : cycle;
      context.report(
        'SegmentCycle',
        node.name,
        `segment '${node.name.value}' leads to a reference cycle: ${shown.join(' → ')}`,
      );
    },
  };
};
