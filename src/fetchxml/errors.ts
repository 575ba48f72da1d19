import { DataverseError, ErrorCodes } from '../engine/errors.ts';

/** A place in the FetchXML text: 1-based line and column (columns count UTF-16 code units). */
export interface Loc {
  readonly line: number;
  readonly column: number;
}

/**
 * A FetchXML query that cannot be run: malformed XML, an element or attribute FetchXML does not
 * have, an unknown entity, attribute or operator, a value of the wrong type or count, or a
 * construct segmentd does not support. It is a `DataverseError` (400, InvalidFetchXml 0x80040303)
 * so the Web API answers it like any other engine error; `line` and `column` point at the element
 * (or, for malformed XML, the character) the problem is in, and the message ends with them.
 */
export class FetchXmlError extends DataverseError {
  override name = 'FetchXmlError';

  constructor(
    /** What is wrong, as a full sentence without the position. */
    readonly detail: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(
      'BadRequest',
      ErrorCodes.InvalidFetchXml,
      `${withoutStop(detail)} (line ${line}, column ${column}).`,
    );
  }
}

function withoutStop(sentence: string): string {
  return sentence.endsWith('.') ? sentence.slice(0, -1) : sentence;
}

/** An error at `loc`. */
export function fetchXmlError(loc: Loc, detail: string): FetchXmlError {
  return new FetchXmlError(detail, loc.line, loc.column);
}
