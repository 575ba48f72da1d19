/**
 * Errors of the engine, in Dataverse's vocabulary. The engine knows nothing of HTTP: each error
 * carries a Dataverse error code and a kind; the Web API maps the kind to a status code.
 */
export type ErrorKind =
  | 'BadRequest' // 400
  | 'NotFound' // 404
  | 'MethodNotAllowed' // 405
  | 'PreconditionFailed' // 412
  | 'PayloadTooLarge' // 413
  | 'Conflict'; // 412 for duplicate keys, as Dataverse answers

export const ErrorCodes = {
  ObjectDoesNotExist: '0x80040217',
  InvalidArgument: '0x80040203',
  QueryError: '0x80060888',
  PayloadError: '0x80048d19',
  ConcurrencyVersionMismatch: '0x80060882',
  ResourceNotFound: '0x8006088a',
  DuplicateRecord: '0x80040237',
  InvalidAttribute: '0x8005E009',
  NotSupported: '0x80040315',
  InvalidFetchXml: '0x80040303',
  RequestTooLarge: '0x80072322',
} as const;

export class DataverseError extends Error {
  override name = 'DataverseError';
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (entity: string, id: string) =>
  new DataverseError('NotFound', ErrorCodes.ObjectDoesNotExist, `${entity} With Id = ${id} Does Not Exist`);

export const badPayload = (message: string) =>
  new DataverseError('BadRequest', ErrorCodes.PayloadError, message);

export const invalidArgument = (message: string) =>
  new DataverseError('BadRequest', ErrorCodes.InvalidArgument, message);
