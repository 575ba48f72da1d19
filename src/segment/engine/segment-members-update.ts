import { invalidArgument, notFound } from '../../engine/errors.ts';
import type { RecordService } from '../../engine/records.ts';
import { formatDateTime, parseGuid } from '../../engine/values.ts';
import type { JobInfo, JsonValue } from '../../jobs/job-types.ts';
import { SegmentType } from '../../metadata/builtin/segment.ts';
import { prepareSegmentQuery } from '../query-runner.ts';
import { MAX_IDS_PER_CALL, parseMemberIds } from './member-ids.ts';
import {
  type MemberOperationName,
  MemberOperationName as Operations,
  operationPayload,
  queuedCounts,
  type StoredMemberOperation,
} from './member-operation.ts';
import { SegmentJobKind, type SegmentJobs, orderingKeyOf } from './segment-jobs.ts';
import { contactKeys, readSegment, SEGMENT_ENTITY, type SegmentRecord } from './segment-record.ts';
import { typeLabel } from './segment-status.ts';

/** The parameters of `msdyncrm_SegmentMembersUpdate`, as sent. */
export interface MembersUpdateRequest {
  readonly segmentId: unknown;
  readonly operation: unknown;
  readonly memberIds?: unknown;
  readonly query?: unknown;
}

/** The answer to an add or remove: the operation is recorded and will apply. */
export interface QueuedOperation {
  readonly OperationId: string;
  readonly State: 'Queued';
}

export type OperationState = 'Queued' | 'Running' | 'Succeeded' | 'Failed';

export interface OperationInfo {
  readonly OperationId: string;
  readonly Operation: string;
  readonly State: OperationState;
  /** Distinct ids sent (by ids), or contacts the query named (by query). */
  readonly Requested: number | null;
  /** Contacts the operation applied to (those that exist). */
  readonly Applied: number | null;
  /** Ids naming no contact. */
  readonly Ignored: number | null;
  readonly Error: string | null;
  readonly CreatedOn: string;
  readonly CompletedOn: string | null;
}

/** The answer to getState: `Pending` while an operation is queued or running. */
export interface OperationsState {
  readonly State: 'Idle' | 'Pending';
  readonly Operations: readonly OperationInfo[];
}

/** Operations getState lists, newest first. */
export const RECENT_OPERATIONS = 50;

const NAMES: readonly MemberOperationName[] = Object.values(Operations);

function absent(v: unknown): boolean {
  return v === undefined || v === null;
}

/**
 * `msdyncrm_SegmentMembersUpdate` without HTTP: add or remove members of a static segment by ids
 * or by query, recorded as a durable operation (a job) that applies later, or the state of the
 * segment's recent operations. Everything is checked before anything is recorded: a bad request
 * is refused and nothing applies.
 */
export class SegmentMembersUpdate {
  constructor(
    private readonly jobs: SegmentJobs,
    /** Wakes the job queue once an operation is committed. */
    private readonly wake: () => void,
  ) {}

  async run(
    records: RecordService,
    request: MembersUpdateRequest,
  ): Promise<QueuedOperation | OperationsState> {
    const segmentId = this.segmentIdOf(request.segmentId);
    const operation = this.operationOf(request.operation);
    if (operation === Operations.GetState) {
      this.unused(request, operation, ['memberIds', 'query']);
      return this.state(records, segmentId);
    }
    if (operation === Operations.AddByIds || operation === Operations.RemoveByIds) {
      this.unused(request, operation, ['query']);
      if (absent(request.memberIds))
        throw invalidArgument(
          `'msdyncrm_memberids' is required for ${operation}: a JSON array of contact ids.`,
        );
      const { ids } = parseMemberIds(request.memberIds, 'msdyncrm_memberids', MAX_IDS_PER_CALL);
      return this.record(records, segmentId, async (segment, tx) => {
        const keys = await contactKeys(tx.session, ids);
        return {
          segmentId: segment.id,
          operation,
          keys,
          requested: ids.length,
          ignored: ids.length - keys.size,
        };
      });
    }
    this.unused(request, operation, ['memberIds']);
    const query = request.query;
    if (typeof query !== 'string' || query.trim() === '') {
      throw invalidArgument(
        `'msdyncrm_query' is required for ${operation}: a segment query that ends at contact.`,
      );
    }
    const prepared = await prepareSegmentQuery(records, query, { requireContact: true });
    if ('errors' in prepared) {
      throw invalidArgument(
        `'msdyncrm_query' is not a valid query: ${prepared.errors.map((e) => `${e.reason}: ${e.message}`).join('; ')}`,
      );
    }
    return this.record(records, segmentId, (segment) =>
      Promise.resolve({ segmentId: segment.id, operation, query }),
    );
  }

  /** The segment's recent operations, newest first, and whether any is still to apply. */
  async state(records: RecordService, segmentId: string): Promise<OperationsState> {
    await this.staticSegment(records, segmentId);
    const jobs = await records.session.jobs.list({
      orderingKey: orderingKeyOf(segmentId),
      kind: SegmentJobKind.Members,
      limit: RECENT_OPERATIONS,
    });
    const operations = jobs.map(operationInfo);
    const pending = operations.some((o) => o.State === 'Queued' || o.State === 'Running');
    return { State: pending ? 'Pending' : 'Idle', Operations: operations };
  }

  /** Records the operation in one transaction that first reads the segment it applies to. */
  private async record(
    records: RecordService,
    segmentId: string,
    build: (segment: SegmentRecord, tx: RecordService) => Promise<StoredMemberOperation>,
  ): Promise<QueuedOperation> {
    const id = await records.atomically(async (tx) => {
      const segment = await this.staticSegment(tx, segmentId);
      const op = await build(segment, tx);
      const jobId = await this.jobs.memberOperation(tx.session, segment.id, operationPayload(op));
      tx.afterCommit(this.wake);
      return jobId;
    });
    return { OperationId: id, State: 'Queued' };
  }

  private async staticSegment(records: RecordService, segmentId: string): Promise<SegmentRecord> {
    const segment = await readSegment(records.session, segmentId);
    if (segment === undefined) throw notFound(SEGMENT_ENTITY, segmentId);
    if (segment.type !== SegmentType.Static) {
      throw invalidArgument(
        `msdyncrm_SegmentMembersUpdate works on static segments; '${segment.name}' is ${typeLabel(segment.type)}.`,
      );
    }
    return segment;
  }

  private segmentIdOf(raw: unknown): string {
    const id = typeof raw === 'string' ? parseGuid(raw) : undefined;
    if (id === undefined) {
      throw invalidArgument(
        `'msdyncrm_segmentid' must be the id of a segment (a GUID), got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}.`,
      );
    }
    return id;
  }

  private operationOf(raw: unknown): MemberOperationName {
    const name =
      typeof raw === 'string' ? NAMES.find((n) => n.toLowerCase() === raw.trim().toLowerCase()) : undefined;
    if (name === undefined) {
      throw invalidArgument(
        `'msdyncrm_operation' must be one of ${NAMES.join(', ')}, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}.`,
      );
    }
    return name;
  }

  /** Parameters an operation does not use must not hold a value (it would be silently dropped). */
  private unused(
    request: MembersUpdateRequest,
    operation: string,
    names: readonly ('memberIds' | 'query')[],
  ): void {
    for (const n of names) {
      if (!absent(request[n])) {
        const param = n === 'memberIds' ? 'msdyncrm_memberids' : 'msdyncrm_query';
        throw invalidArgument(`'${param}' is not a parameter of ${operation}; leave it out or null.`);
      }
    }
  }
}

function field(v: JsonValue | null, name: string): JsonValue | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v[name] : undefined;
}

function count(v: JsonValue | undefined): number | null {
  return typeof v === 'number' ? v : null;
}

/** A member operation's job as getState shows it. */
function operationInfo(job: JobInfo): OperationInfo {
  const failedResult = field(job.result, 'failed');
  const queued = queuedCounts(job.payload);
  let state: OperationState;
  let error: string | null = null;
  switch (job.state) {
    case 'queued':
      state = 'Queued';
      break;
    case 'running':
      state = 'Running';
      break;
    case 'succeeded':
      state = typeof failedResult === 'string' ? 'Failed' : 'Succeeded';
      if (typeof failedResult === 'string') error = failedResult;
      break;
    case 'failed':
      state = 'Failed';
      error = job.lastError ?? 'the operation failed';
      break;
    case 'cancelled':
      state = 'Failed';
      error = 'the operation was cancelled';
      break;
  }
  const operation = field(job.payload, 'operation');
  return {
    OperationId: job.id,
    Operation: typeof operation === 'string' ? operation : job.kind,
    State: state,
    Requested: count(field(job.result, 'requested')) ?? queued.requested,
    Applied: count(field(job.result, 'applied')),
    Ignored: count(field(job.result, 'ignored')) ?? queued.ignored,
    Error: error,
    CreatedOn: formatDateTime(job.createdOn),
    CompletedOn: job.completedOn === null ? null : formatDateTime(job.completedOn),
  };
}
