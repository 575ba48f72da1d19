import { ROOT } from '../engine/record-types.ts';
import type { RecordService } from '../engine/records.ts';
import { attrRef, entitySource, keyRef, select } from '../ir/build.ts';
import { SegmentStatus, SegmentType } from '../metadata/builtin/segment.ts';
import { parseSegmentQuery } from './language/index.ts';
import type { SegmentQueryError } from './language/index.ts';
import type { ResolvedSegment } from './validation/index.ts';
import { validateSegmentQuery } from './validation/index.ts';

/**
 * Validation of a segment definition (name, type, query) as `msdyncrm_ValidateSegment` reports it
 * and as going live will check it: every problem at once, in the shape clients of the original
 * service read (`ErrorCode`, `FieldName`) plus segmentd's `Reason`, `Message` and, for query
 * errors, `Line`, `Column` and `Length`.
 */
export interface SegmentValidationIssue {
  ErrorCode: string;
  FieldName: string;
  Reason?: string;
  Message: string;
  Line?: number;
  Column?: number;
  Length?: number;
}

export const ValidationErrorCodes = {
  FieldRequired: 'SegmentDciValidator_FieldRequired',
  FieldInvalid: 'SegmentDciValidator_FieldInvalid',
  SegmentInvalid: 'SegmentDciValidator_SegmentInvalid',
} as const;

/** The field query errors are reported on: the name existing clients test for. */
const QUERY_FIELD = 'msdyncrm_query';

export interface SegmentDefinition {
  /** Fields the caller sent that a definition does not have (reported, never ignored). */
  unknownFields?: readonly string[];
  name?: unknown;
  type?: unknown;
  query?: unknown;
  /** `statuscode`, when sent: it must be one of the segment's status reasons. */
  status?: unknown;
  /** The segment being edited, so that a query referring back to it is a cycle. */
  segmentId?: string;
}

const SEGMENT_TYPES: readonly number[] = Object.values(SegmentType);

function required(field: string): SegmentValidationIssue {
  return {
    ErrorCode: ValidationErrorCodes.FieldRequired,
    FieldName: field,
    Reason: 'FieldRequired',
    Message: `'${field}' is required.`,
  };
}

function invalid(field: string, message: string): SegmentValidationIssue {
  return {
    ErrorCode: ValidationErrorCodes.FieldInvalid,
    FieldName: field,
    Reason: 'FieldInvalid',
    Message: message,
  };
}

function queryIssue(e: SegmentQueryError): SegmentValidationIssue {
  return {
    ErrorCode: ValidationErrorCodes.SegmentInvalid,
    FieldName: QUERY_FIELD,
    Reason: e.reason,
    Message: e.message,
    Line: e.line,
    Column: e.column,
    Length: e.length,
  };
}

/**
 * The stored segments a query may name, by `msdyncrm_segmentqueryname`, id, or name where the name
 * is unique (the language's rule), all case-insensitively.
 */
export async function segmentResolver(
  records: RecordService,
): Promise<(name: string) => ResolvedSegment | undefined> {
  const byKey = new Map<string, ResolvedSegment>();
  const byName = new Map<string, ResolvedSegment[]>();
  // With their surrogate keys: the evaluation reads a static segment's stored members by key.
  const rows = await records.select(
    select(
      entitySource('msdyncrm_segment', ROOT),
      [
        ...[
          'msdyncrm_segmentid',
          'msdyncrm_segmentname',
          'msdyncrm_segmentqueryname',
          'msdyncrm_segmentquery',
          'msdyncrm_segmenttype',
        ].map((a) => ({ expr: attrRef(ROOT, a), as: a })),
        { expr: keyRef(ROOT), as: 'sd_key' },
      ],
      { orderBy: [{ expr: attrRef(ROOT, 'msdyncrm_segmentid'), direction: 'asc' }] },
    ),
  );
  for (const row of rows) {
    const id = String(row.msdyncrm_segmentid);
    const query = typeof row.msdyncrm_segmentquery === 'string' ? row.msdyncrm_segmentquery : undefined;
    const segment: ResolvedSegment = {
      id,
      key: Number(row.sd_key),
      entity: 'contact',
      ...(row.msdyncrm_segmenttype !== SegmentType.Static && query !== undefined ? { query } : {}),
    };
    byKey.set(id, segment);
    if (typeof row.msdyncrm_segmentqueryname === 'string')
      byKey.set(row.msdyncrm_segmentqueryname.toLowerCase(), segment);
    if (typeof row.msdyncrm_segmentname === 'string') {
      const name = row.msdyncrm_segmentname.toLowerCase();
      byName.set(name, [...(byName.get(name) ?? []), segment]);
    }
  }
  return (name) => {
    const key = name.toLowerCase();
    const found = byKey.get(key);
    if (found !== undefined) return found;
    const named = byName.get(key);
    return named?.length === 1 ? named[0] : undefined;
  };
}

/** Every problem of a segment definition; an empty list means it is valid. */
export async function validateSegmentDefinition(
  records: RecordService,
  definition: SegmentDefinition,
): Promise<SegmentValidationIssue[]> {
  const issues: SegmentValidationIssue[] = [];
  const { name, type, query } = definition;
  for (const field of definition.unknownFields ?? []) {
    issues.push(invalid(field, `'${field}' is not a field of a segment definition.`));
  }
  if (name === undefined || name === null || (typeof name === 'string' && name.trim() === '')) {
    issues.push(required('msdyncrm_segmentname'));
  } else if (typeof name !== 'string') {
    issues.push(invalid('msdyncrm_segmentname', "'msdyncrm_segmentname' must be a string."));
  } else if ([...name].length > 100) {
    issues.push(invalid('msdyncrm_segmentname', "'msdyncrm_segmentname' is longer than 100 characters."));
  }
  let segmentType: number | undefined;
  if (type === undefined || type === null) {
    issues.push(required('msdyncrm_segmenttype'));
  } else if (typeof type !== 'number' || !SEGMENT_TYPES.includes(type)) {
    issues.push(
      invalid(
        'msdyncrm_segmenttype',
        `'msdyncrm_segmenttype' must be ${SegmentType.Dynamic} (dynamic), ${SegmentType.Static} (static) or ${SegmentType.Compound} (compound), got ${JSON.stringify(type)}.`,
      ),
    );
  } else {
    segmentType = type;
  }
  const status = definition.status;
  if (
    status !== undefined &&
    status !== null &&
    !(Object.values(SegmentStatus) as unknown[]).includes(status)
  ) {
    issues.push(
      invalid(
        'statuscode',
        `'statuscode' must be one of ${Object.values(SegmentStatus).join(', ')}, got ${JSON.stringify(status)}.`,
      ),
    );
  }
  const needsQuery = segmentType === SegmentType.Dynamic || segmentType === SegmentType.Compound;
  const hasQuery = typeof query === 'string' && query.trim() !== '';
  if (query !== undefined && query !== null && typeof query !== 'string') {
    issues.push(invalid(QUERY_FIELD, `'${QUERY_FIELD}' must be a string holding a segment query.`));
  } else if (!hasQuery) {
    if (needsQuery) issues.push(required(QUERY_FIELD));
  } else if (segmentType !== SegmentType.Static) {
    const parsed = parseSegmentQuery(query);
    if (parsed.ast === undefined) {
      issues.push(...parsed.errors.map(queryIssue));
    } else {
      const errors = validateSegmentQuery(parsed.ast, {
        schema: records.schema,
        resolveSegment: await segmentResolver(records),
        requireContact: true,
        ...(definition.segmentId !== undefined ? { segmentId: definition.segmentId } : {}),
      });
      issues.push(...errors.map(queryIssue));
    }
  }
  return issues;
}
