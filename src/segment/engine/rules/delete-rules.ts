import type { RecordService } from '../../../engine/records.ts';
import type { Row } from '../../../ir/nodes.ts';
import { SegmentStatus } from '../../../metadata/builtin/segment.ts';
import { refused } from '../segment-errors.ts';
import { SEGMENT_ID } from '../segment-record.ts';
import { referencingSegments } from '../segment-references.ts';
import { blocksDelete, statusLabel } from '../segment-status.ts';

/**
 * A segment cannot be deleted while it is Going live, Live or Stopping, nor while the query of
 * another segment refers to it; the refusal names every reason (and the referring segments).
 */
export async function checkDelete(records: RecordService, current: Row): Promise<void> {
  const id = String(current[SEGMENT_ID]);
  const status = current.statuscode as number;
  const reasons: string[] = [];
  if (blocksDelete(status)) {
    reasons.push(
      status === SegmentStatus.Live
        ? `it is ${statusLabel(status)}: stop it first (statuscode ${SegmentStatus.Stopping}) and delete it once it is Stopped`
        : `it is ${statusLabel(status)}: wait until its background work ends`,
    );
  }
  const referring = await referencingSegments(records, id);
  if (referring.length > 0) {
    reasons.push(
      `the ${referring.length === 1 ? 'query of segment' : 'queries of segments'} ${referring
        .map((s) => `'${s.name}' (${s.id})`)
        .join(', ')} ${referring.length === 1 ? 'refers' : 'refer'} to it`,
    );
  }
  if (reasons.length > 0) {
    const name = typeof current.msdyncrm_segmentname === 'string' ? current.msdyncrm_segmentname : id;
    throw refused(`The segment '${name}' cannot be deleted: ${reasons.join('; and ')}.`);
  }
}
