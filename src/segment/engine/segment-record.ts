import type { RoaringBitmap32 } from 'roaring';
import roaring from 'roaring';
import { attrRef, cmp, entitySource, keyRef, lit, select } from '../../ir/build.ts';
import type { Expr, Row } from '../../ir/nodes.ts';
import type { StoreSession } from '../../store/store.ts';

const { RoaringBitmap32: Bitmap } = roaring;

export const SEGMENT_ENTITY = 'msdyncrm_segment';
export const SEGMENT_ID = 'msdyncrm_segmentid';

/** Minutes between full re-evaluations of a live segment when it does not say. */
export const DEFAULT_REFRESH_MINUTES = 60;

/** What the engine needs of a stored segment. */
export interface SegmentRecord {
  readonly id: string;
  /** The row's surrogate key: the membership table's segment key. */
  readonly key: number;
  readonly name: string;
  readonly type: number | null;
  readonly status: number | null;
  readonly query: string | null;
  /** Minutes between full re-evaluations; 0 turns them off. */
  readonly refreshMinutes: number;
  /** When the next periodic re-evaluation is due, if one is scheduled. */
  readonly nextEvaluation: Date | null;
  /** The row's version number: it changes with every write of the record. */
  readonly version: string;
}

const COLUMNS = [
  'msdyncrm_segmentname',
  'msdyncrm_segmenttype',
  'statuscode',
  'msdyncrm_segmentquery',
  'msdyncrm_segmentrefreshrateintervalminutes',
  'msdyncrm_nextevaluation',
  'versionnumber',
] as const;

const S = 's';

function segmentOf(row: Row): SegmentRecord {
  const minutes = row.msdyncrm_segmentrefreshrateintervalminutes;
  return {
    id: String(row.id),
    key: Number(row.k),
    name: typeof row.msdyncrm_segmentname === 'string' ? row.msdyncrm_segmentname : '',
    type: typeof row.msdyncrm_segmenttype === 'number' ? row.msdyncrm_segmenttype : null,
    status: typeof row.statuscode === 'number' ? row.statuscode : null,
    query: typeof row.msdyncrm_segmentquery === 'string' ? row.msdyncrm_segmentquery : null,
    refreshMinutes: typeof minutes === 'number' && minutes >= 0 ? minutes : DEFAULT_REFRESH_MINUTES,
    nextEvaluation:
      typeof row.msdyncrm_nextevaluation === 'string' ? new Date(row.msdyncrm_nextevaluation) : null,
    version: String(row.versionnumber ?? ''),
  };
}

/** Segments matching `where` (over alias `s`), with their keys. */
export async function selectSegments(session: StoreSession, where?: Expr): Promise<SegmentRecord[]> {
  const rows = await session.select(
    select(
      entitySource(SEGMENT_ENTITY, S),
      [
        { expr: attrRef(S, SEGMENT_ID), as: 'id' },
        { expr: keyRef(S), as: 'k' },
        ...COLUMNS.map((c) => ({ expr: attrRef(S, c), as: c })),
      ],
      { ...(where !== undefined ? { where } : {}), orderBy: [{ expr: keyRef(S), direction: 'asc' }] },
    ),
  );
  return rows.map(segmentOf);
}

/** The segment with this id (normalised GUID), or undefined. */
export async function readSegment(session: StoreSession, id: string): Promise<SegmentRecord | undefined> {
  const [found] = await selectSegments(session, cmp('=', attrRef(S, SEGMENT_ID), lit(id, 'guid')));
  return found;
}

/** Ids per lookup statement. */
const IDS_PER_LOOKUP = 20_000;

/** The surrogate keys of the contacts with these ids (ids naming no contact have none). */
export async function contactKeys(session: StoreSession, ids: readonly string[]): Promise<RoaringBitmap32> {
  if (ids.length <= IDS_PER_LOOKUP) return session.membership.keysOfIds(ids);
  const keys = new Bitmap();
  for (let i = 0; i < ids.length; i += IDS_PER_LOOKUP)
    keys.orInPlace(await session.membership.keysOfIds(ids.slice(i, i + IDS_PER_LOOKUP)));
  return keys;
}
