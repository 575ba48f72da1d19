import type { RecordService } from '../engine/records.ts';
import type { EntityMetadata } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import type { Preferences } from '../odata/prefer.ts';
import type { WebRequest } from './web-request.ts';

/**
 * Hooks for the non-OData query parameters Dataverse serves on an entity set
 * (`GET /contacts?fetchXml=…`): a handler registered under the parameter's name answers the
 * request instead of the OData query path. Such parameters without a handler answer 400 rather
 * than being ignored (ignoring them would return unfiltered records).
 */

export interface CustomQueryInvocation {
  records: RecordService;
  schema: Schema;
  entity: EntityMetadata;
  /** The parameter's value, decoded. */
  value: string;
  /** Every non-OData parameter of the request, decoded. */
  parameters: ReadonlyMap<string, string>;
  preferences: Preferences;
  request: WebRequest;
}

export interface CustomQueryResult {
  /** Sent as the JSON body with status 200 (add `@odata.context` yourself). */
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export type CustomQueryHandler = (invocation: CustomQueryInvocation) => Promise<CustomQueryResult>;

/** Query parameters that select records in Dataverse; without a handler they are refused. */
export const RECORD_SELECTING_PARAMETERS: readonly string[] = ['fetchXml', 'savedQuery', 'userQuery'];
