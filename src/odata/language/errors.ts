import { DataverseError, ErrorCodes } from '../../engine/errors.ts';
import type { Loc, Source } from './source.ts';

/**
 * A query option that cannot be used: bad syntax, an unknown name, a literal of the wrong type or
 * an unsupported option. It is a `DataverseError` (400, code 0x80060888) so the Web API's single
 * error handler can answer it as Dataverse does; `option`, `text` and `position` say where the
 * problem is (`position` is a 0-based offset into `text`, the option's value).
 */
export class ODataQueryError extends DataverseError {
  override name = 'ODataQueryError';

  constructor(
    /** The query option the error is in: `$filter`, `$orderby`, `$expand`, `$top`, `@p1`, … */
    readonly option: string,
    /** The option's value as received. */
    readonly text: string,
    /** 0-based offset into `text` (equal to `text.length` for "end of input"). */
    readonly position: number,
    message: string,
  ) {
    super('BadRequest', ErrorCodes.QueryError, message);
  }
}

/** `Syntax error at position 20 in $filter 'statecode eq 0 and (': expected an expression but found end of input.` */
export function syntaxError(src: Source, position: number, detail: string): ODataQueryError {
  return new ODataQueryError(
    src.name,
    src.body,
    position,
    `Syntax error at position ${position} in ${src.name} '${src.body}': ${detail}.`,
  );
}

/** Dataverse's own wording; the position is where the lexer ran out of input, as Dataverse reports it. */
export function unterminatedLiteral(src: Source, position: number): ODataQueryError {
  return new ODataQueryError(
    src.name,
    src.body,
    position,
    `There is an unterminated literal at position ${position} in '${src.body}'.`,
  );
}

/**
 * An error about a well-formed piece of text (unknown name, wrong type, unsupported construct).
 * `sentence` is a full sentence (Dataverse's wording where there is one); the position follows it.
 */
export function semanticError(loc: Loc, sentence: string): ODataQueryError {
  const src = loc.source;
  return new ODataQueryError(
    src.name,
    src.body,
    loc.start,
    `${sentence} (at position ${loc.start} in ${src.name} '${src.body}')`,
  );
}

/** An error about a whole query option (unsupported, repeated, bad value) rather than a place in it. */
export function optionError(option: string, text: string, message: string): ODataQueryError {
  return new ODataQueryError(option, text, 0, message);
}
