import { JsonArraySplitter } from './json-array-splitter.ts';
import type { ReadItem, RecordInput } from './read-item.ts';
import { describeJsonType, isJsonObject } from './read-item.ts';
import { decodeText } from './text-chunks.ts';

export interface JsonArrayReaderOptions {
  /** Elements longer than this many characters are reported, not buffered. */
  maxElementChars?: number;
}

/**
 * Reads a file holding one JSON array of objects, one element at a time (the file is never parsed
 * whole). Each element that is not valid JSON, or not an object, is reported with the line it
 * starts on; damage to the array itself ends the read with one error item.
 */
export async function* readJsonArrayRecords(
  input: RecordInput,
  options: JsonArrayReaderOptions = {},
): AsyncGenerator<ReadItem> {
  const splitter = new JsonArraySplitter(options.maxElementChars);
  for await (const text of decodeText(input)) {
    yield* parseElements(splitter.push(text));
  }
  yield* parseElements(splitter.end());
}

function* parseElements(items: ReturnType<JsonArraySplitter['push']>): Generator<ReadItem> {
  for (const item of items) {
    if ('error' in item) {
      yield item;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(item.text);
    } catch (e) {
      yield { line: item.line, error: `invalid JSON: ${(e as Error).message}` };
      continue;
    }
    if (isJsonObject(value)) yield { line: item.line, record: value };
    else yield { line: item.line, error: `expected a JSON object, found ${describeJsonType(value)}` };
  }
}
