import type { RecordService } from '../../engine/records.ts';
import type { QueryNode } from '../language/ast.ts';
import { segmentResolver } from '../definition-validation.ts';
import { parsedQuery, segmentDependencies, type SegmentDependencies } from './dependencies.ts';
import type { SegmentRecord } from './segment-record.ts';
import { hasQueryMembers, isLive } from './segment-status.ts';

/** Data that changed: what a live segment may depend on. */
export interface DataChange {
  /** Entities rows of which were created, updated or deleted. */
  readonly entities: ReadonlySet<string>;
  /** Segments whose stored members changed. */
  readonly members: ReadonlySet<string>;
  /** Segments whose query or type changed (or that were deleted). */
  readonly definitions: ReadonlySet<string>;
}

/**
 * The dependencies of every live dynamic and compound segment, computed from their queries and
 * kept until a segment's name, type, status or query changes (any segment's: names and
 * definitions of others are part of a segment's dependencies). Only live segments are in it, so
 * Draft, Stopped and Error segments are never re-evaluated for a change of data.
 */
export class DependencyIndex {
  private fingerprint: string | undefined;
  private readonly live = new Map<string, SegmentDependencies>();
  private parsed = new Map<string, QueryNode | undefined>();

  /** Rebuilds the index when the stored segments (as just read) differ from those it was built from. */
  async update(records: RecordService, segments: readonly SegmentRecord[]): Promise<void> {
    const fingerprint = fingerprintOf(segments);
    if (fingerprint === this.fingerprint) return;
    const resolveSegment = await segmentResolver(records);
    const previous = this.parsed;
    const parsed = new Map<string, QueryNode | undefined>();
    // Unchanged queries keep their syntax tree; a rebuild parses only new ones.
    const parse = (query: string): QueryNode | undefined => {
      if (parsed.has(query)) return parsed.get(query);
      const ast = previous.has(query) ? previous.get(query) : parsedQuery(query);
      parsed.set(query, ast);
      return ast;
    };
    this.live.clear();
    for (const s of segments) {
      if (!isLive(s.status) || !hasQueryMembers(s.type) || s.query === null) continue;
      this.live.set(s.id, segmentDependencies(s.query, { schema: records.schema, resolveSegment, parse }));
    }
    this.parsed = parsed;
    this.fingerprint = fingerprint;
  }

  /** The dependencies of a live dynamic or compound segment (undefined for any other). */
  dependenciesOf(segmentId: string): SegmentDependencies | undefined {
    return this.live.get(segmentId);
  }

  /**
   * The live segments (ids) whose members `change` may change. A segment is never one because of
   * a change of its own members or definition: its own evaluation must not schedule it again.
   */
  dependents(change: DataChange): string[] {
    const out: string[] = [];
    for (const [id, deps] of this.live) {
      if (
        intersects(deps.entities, change.entities) ||
        intersects(deps.members, change.members, id) ||
        intersects(deps.definitions, change.definitions, id)
      )
        out.push(id);
    }
    return out;
  }
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>, except?: string): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (x !== except && large.has(x)) return true;
  return false;
}

/** What the dependencies of the live segments are computed from. */
function fingerprintOf(segments: readonly SegmentRecord[]): string {
  return JSON.stringify(segments.map((s) => [s.id, s.name, s.type, s.status, s.query]));
}
