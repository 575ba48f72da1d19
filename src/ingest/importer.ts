import type { AttributeValues } from '../engine/record-types.ts';
import type { ReadItem } from './read-item.ts';

/** A record that was not imported because it was malformed or its values were invalid. */
export interface RejectedRecord {
  /** 1-based line where the record starts. */
  line: number;
  reason: string;
}

/** A batch whose write failed: none of its records were imported, and the import stopped there. */
export interface FailedBatch {
  /** Line of the batch's first and last record. */
  firstLine: number;
  lastLine: number;
  /** Valid records in the batch (all of them not imported). */
  records: number;
  reason: string;
}

export interface ImportCounts {
  /** Items taken from the source: records plus malformed pieces. */
  read: number;
  imported: number;
  rejected: number;
}

export interface ImportReport extends ImportCounts {
  /** The first `keepRejections` rejected records, in input order (`rejected` counts them all). */
  rejections: RejectedRecord[];
  /** Set when a batch write failed; the import stopped after it. */
  failedBatch?: FailedBatch;
  /** Set when reading the source failed (an I/O error); the import stopped there. */
  sourceError?: string;
  /**
   * Set when the import stopped before the end of the input: the last line it read. Nothing after
   * it was read; records up to it are imported, rejected, or in `failedBatch`.
   */
  stoppedAfterLine?: number;
  /** True when the whole source was read and every valid record written. */
  complete: boolean;
}

export interface ImportOptions {
  source: AsyncIterable<ReadItem>;
  /** Turns one record into attribute values; throws (a DataverseError naming the property) to reject it. */
  convert: (record: Record<string, unknown>) => AttributeValues;
  /**
   * Writes one batch, all or nothing (one transaction): a batch whose write fails is reported as
   * not imported as a whole.
   */
  write: (batch: AttributeValues[]) => Promise<BatchWriteResult | void>;
  /** Records per write (default 5000). */
  batchSize?: number;
  /** How many rejected records the report lists (default 1000); the rest are only counted. */
  keepRejections?: number;
  /** Called after each batch is written, every `batchSize` items read, and once at the end. */
  onProgress?: (counts: ImportCounts) => void;
}

/**
 * What a batch write may report: records of the batch (by index) that the store refused one by one
 * (an existing id, a lookup to a missing record) while the rest of the batch was written.
 */
export interface BatchWriteResult {
  rejected: { index: number; reason: string }[];
}

export const DEFAULT_BATCH_SIZE = 5000;
export const DEFAULT_KEEP_REJECTIONS = 1000;

/**
 * Converts the records of a source, rejecting the bad ones with their line and reason, and writes
 * the good ones in batches, one batch at a time (so reading waits for the store). When a batch
 * write fails the import stops: the report says what was imported (every earlier batch), which
 * batch failed, and the line after which nothing was read. An error reading the source stops the
 * import the same way, after writing the valid records read before it.
 */
export async function importRecords(options: ImportOptions): Promise<ImportReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const keepRejections = options.keepRejections ?? DEFAULT_KEEP_REJECTIONS;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(keepRejections) || keepRejections < 0) {
    throw new RangeError(`keepRejections must be a non-negative integer, got ${keepRejections}`);
  }

  const report: ImportReport = { read: 0, imported: 0, rejected: 0, rejections: [], complete: false };
  const progress = () =>
    options.onProgress?.({ read: report.read, imported: report.imported, rejected: report.rejected });
  let batch: AttributeValues[] = [];
  let batchLines: number[] = [];
  let batchFirstLine = 0;
  let batchLastLine = 0;
  let lastLine = 0;

  const reject = (line: number, reason: string) => {
    report.rejected++;
    if (report.rejections.length < keepRejections) report.rejections.push({ line, reason });
  };

  /** Writes the pending batch; false (with the report updated) when the write failed. */
  const flush = async (): Promise<boolean> => {
    if (batch.length === 0) return true;
    const records = batch;
    const lines = batchLines;
    batch = [];
    batchLines = [];
    let refused = 0;
    try {
      const result = await options.write(records);
      for (const r of result?.rejected ?? []) {
        reject(lines[r.index] ?? batchFirstLine, r.reason);
        refused++;
      }
    } catch (e) {
      report.failedBatch = {
        firstLine: batchFirstLine,
        lastLine: batchLastLine,
        records: records.length,
        reason: messageOf(e),
      };
      return false;
    }
    report.imported += records.length - refused;
    progress();
    return true;
  };

  try {
    for await (const item of options.source) {
      report.read++;
      lastLine = item.line;
      if ('error' in item) {
        reject(item.line, item.error);
      } else {
        let values: AttributeValues | undefined;
        try {
          values = options.convert(item.record);
        } catch (e) {
          reject(item.line, messageOf(e));
        }
        if (values !== undefined) {
          if (batch.length === 0) batchFirstLine = item.line;
          batchLastLine = item.line;
          batch.push(values);
          batchLines.push(item.line);
          if (batch.length >= batchSize && !(await flush())) {
            report.stoppedAfterLine = lastLine;
            return report;
          }
        }
      }
      if (report.read % batchSize === 0) progress();
    }
  } catch (e) {
    report.sourceError = messageOf(e);
    report.stoppedAfterLine = lastLine;
    await flush();
    progress();
    return report;
  }
  // The whole input was read, so a failure of this last write leaves nothing unread.
  if (!(await flush())) return report;
  report.complete = true;
  progress();
  return report;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A plain-language account of an import, for the command line. */
export function describeImportReport(report: ImportReport): string {
  const lines = [`${report.imported} record(s) imported, ${report.rejected} rejected, ${report.read} read.`];
  for (const r of report.rejections) lines.push(`  line ${r.line}: ${r.reason}`);
  const unlisted = report.rejected - report.rejections.length;
  if (unlisted > 0) lines.push(`  … and ${unlisted} more rejected record(s) not listed.`);
  if (report.failedBatch !== undefined) {
    const b = report.failedBatch;
    lines.push(
      `Writing the batch of lines ${b.firstLine}–${b.lastLine} failed, so its ${b.records} valid record(s) were not imported: ${b.reason}`,
    );
  }
  if (report.sourceError !== undefined) lines.push(`Reading the input failed: ${report.sourceError}`);
  if (report.stoppedAfterLine !== undefined) {
    lines.push(`The import stopped there: nothing after line ${report.stoppedAfterLine} was read.`);
  }
  return lines.join('\n');
}
