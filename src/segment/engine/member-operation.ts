import type { RoaringBitmap32 } from 'roaring';
import roaring from 'roaring';
import type { JsonValue } from '../../jobs/job-types.ts';

const { RoaringBitmap32: Bitmap } = roaring;

/**
 * One `msdyncrm_SegmentMembersUpdate` operation as it is stored in its durable job's payload.
 * Ids are resolved to contact keys when the call is made (unknown ids are counted as ignored
 * then), and kept as a compact roaring bitmap, so that 20,000 ids cost a few kilobytes, not a
 * megabyte of GUIDs, in every read of the segment's operations.
 */
export const MemberOperationName = {
  AddByIds: 'addByIds',
  RemoveByIds: 'removeByIds',
  AddByQuery: 'addByQuery',
  RemoveByQuery: 'removeByQuery',
  GetState: 'getState',
} as const;

export type MemberOperationName = (typeof MemberOperationName)[keyof typeof MemberOperationName];
export type MemberChange = Exclude<MemberOperationName, 'getState'>;

export type StoredMemberOperation =
  | {
      readonly segmentId: string;
      readonly operation: 'addByIds' | 'removeByIds';
      /** The contact keys of the ids that name contacts. */
      readonly keys: RoaringBitmap32;
      /** Distinct ids sent. */
      readonly requested: number;
      /** Ids naming no contact. */
      readonly ignored: number;
    }
  | {
      readonly segmentId: string;
      readonly operation: 'addByQuery' | 'removeByQuery';
      readonly query: string;
    };

/** Whether the operation adds members (else it removes them). */
export function adds(operation: MemberChange): boolean {
  return operation === 'addByIds' || operation === 'addByQuery';
}

export function operationPayload(op: StoredMemberOperation): Record<string, JsonValue> {
  if ('keys' in op) {
    op.keys.runOptimize();
    return {
      operation: op.operation,
      keys: Buffer.from(op.keys.serialize('portable')).toString('base64'),
      requested: op.requested,
      ignored: op.ignored,
    };
  }
  return { operation: op.operation, query: op.query };
}

function field(payload: JsonValue, name: string): JsonValue | undefined {
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
    ? payload[name]
    : undefined;
}

/** Reads a stored operation back; throws on a payload this engine did not write. */
export function storedOperation(payload: JsonValue): StoredMemberOperation {
  const segmentId = field(payload, 'segmentId');
  const operation = field(payload, 'operation');
  if (typeof segmentId !== 'string') throw new Error('the member operation names no segment');
  if (operation === 'addByIds' || operation === 'removeByIds') {
    const keys = field(payload, 'keys');
    if (typeof keys !== 'string') throw new Error('the member operation holds no contact keys');
    return {
      segmentId,
      operation,
      keys: Bitmap.deserialize(Buffer.from(keys, 'base64'), 'portable'),
      requested: Number(field(payload, 'requested') ?? 0),
      ignored: Number(field(payload, 'ignored') ?? 0),
    };
  }
  if (operation === 'addByQuery' || operation === 'removeByQuery') {
    const query = field(payload, 'query');
    if (typeof query !== 'string') throw new Error('the member operation holds no query');
    return { segmentId, operation, query };
  }
  throw new Error(`${JSON.stringify(operation)} is not a member operation`);
}

/** What a member operation's payload says before it ran (counts known when it was queued). */
export function queuedCounts(payload: JsonValue): { requested: number | null; ignored: number | null } {
  const requested = field(payload, 'requested');
  const ignored = field(payload, 'ignored');
  return {
    requested: typeof requested === 'number' ? requested : null,
    ignored: typeof ignored === 'number' ? ignored : null,
  };
}
