import type { ReadItem, RecordInput } from './read-item.ts';
import { describeJsonType, isJsonObject } from './read-item.ts';
import { splitLines } from './text-chunks.ts';

/**
 * Reads NDJSON (JSON Lines): one JSON object per line. Blank lines are skipped; a line that is not
 * valid JSON, or not an object, is reported with its line number and reading goes on.
 */
export async function* readNdjsonRecords(input: RecordInput): AsyncGenerator<ReadItem> {
  for await (const { line, text } of splitLines(input)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      yield { line, error: `invalid JSON: ${(e as Error).message}` };
      continue;
    }
    if (isJsonObject(value)) yield { line, record: value };
    else yield { line, error: `expected a JSON object, found ${describeJsonType(value)}` };
  }
}
