/**
 * Scripts of `msdyncrm_SegmentMembersUpdate` operations for one static segment, and what they must
 * do, computed here in TypeScript without segmentd: the counts each operation reports and the
 * members after it, when the operations apply one at a time, in the order given, each once.
 *
 * Contacts belong to numbered bands (their `lastname`), which the by-query operations name, so a
 * query's contacts overlap the ids the by-ids operations send.
 */

export type MemberOperation =
  | {
      readonly operation: 'addByIds' | 'removeByIds';
      /** The entries sent: known and unknown ids, some repeated, some `crm`-prefixed or upper case. */
      readonly sent: readonly string[];
      /** Sent as a plain JSON array rather than a string holding one (both are accepted). */
      readonly asArray: boolean;
    }
  | { readonly operation: 'addByQuery' | 'removeByQuery'; readonly band: number };

/** What one operation must report (the job's result) once it applied. */
export interface Outcome {
  readonly requested: number;
  readonly applied: number;
  readonly ignored: number;
  /** Members it actually added or removed. */
  readonly changed: number;
  /** The segment's size after it. */
  readonly members: number;
}

/** The contacts of the test: id (lower case) → band. */
export type Contacts = ReadonlyMap<string, number>;

export function bandName(band: number): string {
  return `two-servers band ${band}`;
}

export function bandQuery(band: number): string {
  return `PROFILE(contact).FILTER(lastname == '${bandName(band)}')`;
}

/** The action's parameters for an operation on `segmentId`. */
export function requestOf(op: MemberOperation, segmentId: string): Record<string, unknown> {
  if ('band' in op)
    return {
      msdyncrm_segmentid: segmentId,
      msdyncrm_operation: op.operation,
      msdyncrm_query: bandQuery(op.band),
    };
  return {
    msdyncrm_segmentid: segmentId,
    msdyncrm_operation: op.operation,
    msdyncrm_memberids: op.asArray ? [...op.sent] : JSON.stringify(op.sent),
  };
}

/** A GUID from the generator: an id that names no contact. */
function unknownId(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function pick<T>(random: () => number, from: readonly T[]): T {
  return from[Math.floor(random() * from.length)] as T;
}

/**
 * `count` operations over `pool` (ids of contacts): mostly adds and removes by ids of overlapping
 * random subsets of the pool, so ids are added, removed and added again, and a few by query of a
 * band. The members after them depend on their order.
 */
export function generateScript(
  random: () => number,
  pool: readonly string[],
  bands: number,
  count: number,
  maxIds: number,
): MemberOperation[] {
  const ops: MemberOperation[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.07) {
      ops.push({ operation: 'addByQuery', band: Math.floor(random() * bands) });
      continue;
    }
    if (r < 0.12) {
      ops.push({ operation: 'removeByQuery', band: Math.floor(random() * bands) });
      continue;
    }
    const size = 1 + Math.floor(random() * maxIds);
    const sent: string[] = [];
    for (let k = 0; k < size; k++) {
      const id = pick(random, pool);
      const form = random();
      sent.push(form < 0.15 ? `crm${id}` : form < 0.25 ? id.toUpperCase() : id);
    }
    if (random() < 0.3) sent.push(pick(random, sent)); // a repeated entry counts once
    if (random() < 0.3) for (let k = 1 + Math.floor(random() * 3); k > 0; k--) sent.push(unknownId(random));
    ops.push({ operation: r < 0.58 ? 'addByIds' : 'removeByIds', sent, asArray: random() < 0.2 });
  }
  return ops;
}

function normalised(entry: string): string {
  return entry.replace(/^crm/i, '').toLowerCase();
}

/** Applies `ops` in order, each once, to an empty segment: each one's outcome, and the members after all. */
export function simulate(
  ops: readonly MemberOperation[],
  contacts: Contacts,
): { outcomes: Outcome[]; members: Set<string> } {
  const members = new Set<string>();
  const outcomes = ops.map((op): Outcome => {
    let targets: string[];
    let requested: number;
    if ('band' in op) {
      targets = [...contacts].filter(([, band]) => band === op.band).map(([id]) => id);
      requested = targets.length;
    } else {
      const distinct = new Set(op.sent.map(normalised));
      targets = [...distinct].filter((id) => contacts.has(id));
      requested = distinct.size;
    }
    let changed = 0;
    const adding = op.operation === 'addByIds' || op.operation === 'addByQuery';
    for (const id of targets) {
      if (adding && !members.has(id)) {
        members.add(id);
        changed++;
      } else if (!adding && members.delete(id)) {
        changed++;
      }
    }
    return {
      requested,
      applied: targets.length,
      ignored: requested - targets.length,
      changed,
      members: members.size,
    };
  });
  return { outcomes, members };
}
