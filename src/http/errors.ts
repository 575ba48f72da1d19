import { DataverseError, ErrorCodes, type ErrorKind } from '../engine/errors.ts';
import { BatchFormatError } from '../odata/batch/multipart.ts';
import type { WebResponse } from './web-request.ts';
import { jsonResponse } from './web-request.ts';

/**
 * Every failure leaves the Web API as `{"error":{"code","message"}}`. Engine errors carry a
 * kind that maps to a status; HTTP-level failures (415, 414, 405 …) are HttpErrors.
 */

/** Unexpected failures: Dataverse's generic "unexpected error" code. */
export const UNEXPECTED_ERROR_CODE = '0x80040216';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  BadRequest: 400,
  NotFound: 404,
  MethodNotAllowed: 405,
  PreconditionFailed: 412,
  Conflict: 412,
  PayloadTooLarge: 413,
};

export function methodNotAllowed(method: string, allowed: readonly string[]): HttpError {
  return new HttpError(
    405,
    ErrorCodes.QueryError,
    `The requested resource does not support http method '${method}'.`,
    {
      Allow: allowed.join(', '),
    },
  );
}

export function errorBody(code: string, message: string): Record<string, unknown> {
  return { error: { code, message } };
}

/** The response for a known error, or undefined for anything unexpected (a bug: the caller logs it). */
export function knownErrorResponse(err: unknown): WebResponse | undefined {
  if (err instanceof DataverseError)
    return jsonResponse(STATUS_OF_KIND[err.kind], errorBody(err.code, err.message));
  if (err instanceof HttpError)
    return jsonResponse(err.status, errorBody(err.code, err.message), err.headers);
  if (err instanceof BatchFormatError)
    return jsonResponse(400, errorBody(ErrorCodes.InvalidArgument, err.message));
  return undefined;
}

export function unexpectedErrorResponse(): WebResponse {
  return jsonResponse(500, errorBody(UNEXPECTED_ERROR_CODE, 'An unexpected error occurred.'));
}

/** Fastify's own errors (body parsing, limits) as Dataverse errors. */
export function fastifyErrorResponse(err: {
  code?: string;
  statusCode?: number;
  message: string;
}): WebResponse | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return jsonResponse(
        400,
        errorBody(ErrorCodes.PayloadError, `The request body is not valid JSON: ${err.message}`),
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return jsonResponse(
        413,
        errorBody(ErrorCodes.RequestTooLarge, 'The request body is larger than the server accepts.'),
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return jsonResponse(
        415,
        errorBody(
          ErrorCodes.PayloadError,
          'The request Content-Type is not supported; send application/json (or multipart/mixed for $batch).',
        ),
      );
    default:
      break;
  }
  // Other client errors Fastify raises before a handler runs (bad headers, aborted bodies…).
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return jsonResponse(err.statusCode, errorBody(ErrorCodes.InvalidArgument, err.message));
  }
  return undefined;
}
