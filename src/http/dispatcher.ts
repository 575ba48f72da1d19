import type { RecordService } from '../engine/records.ts';
import type { EntityMetadata } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import { buildCsdl } from '../odata/csdl.ts';
import { parsePrefer } from '../odata/prefer.ts';
import type { ResourcePath } from '../odata/resource-path.ts';
import { parseResourcePath } from '../odata/resource-path.ts';
import { serviceDocument } from '../odata/service-document.ts';
import type { ActionRegistry } from './actions.ts';
import { executeBatch } from './batch.ts';
import { knownErrorResponse, methodNotAllowed } from './errors.ts';
import { countRecords, createRecord, readCollection } from './handlers/collection.ts';
import type { HandlerContext } from './handlers/context.ts';
import { getNavigation, writeNavigationRef } from './handlers/navigation.ts';
import { invokeOperation } from './handlers/operation.ts';
import { deleteProperty, getProperty, putProperty } from './handlers/property.ts';
import { deleteRecord, getRecord, patchRecord } from './handlers/record.ts';
import type { CustomQueryHandler } from './query-parameters.ts';
import type { QueryPlan } from './query-plan.ts';
import { planQuery } from './query-plan.ts';
import type { WebRequest, WebResponse } from './web-request.ts';
import { jsonResponse, textResponse } from './web-request.ts';

export interface WebApiOptions {
  schema: Schema;
  records: RecordService;
  actions: ActionRegistry;
  /** Handlers of non-OData query parameters on entity sets (`fetchXml`, …), by parameter name. */
  queryParameters?: ReadonlyMap<string, CustomQueryHandler>;
  /** Told about failures that are bugs (the request answers 500); the app logs them. */
  onUnexpectedError?: (err: unknown, req: WebRequest) => void;
}

/**
 * The Web API without HTTP: resolves a request's resource path and runs the handler for it.
 * Fastify routes every `/api/data/v9.x/…` request here, and `$batch` runs its sub-requests
 * through the same `handle`, inside a change set with the change set's transaction.
 */
export class WebApi {
  readonly schema: Schema;
  readonly records: RecordService;
  readonly actions: ActionRegistry;
  readonly queryParameters: ReadonlyMap<string, CustomQueryHandler>;
  private csdlText: string | undefined;
  private readonly onUnexpectedError: (err: unknown, req: WebRequest) => void;

  constructor(options: WebApiOptions) {
    this.schema = options.schema;
    this.records = options.records;
    this.actions = options.actions;
    this.queryParameters = options.queryParameters ?? new Map();
    this.onUnexpectedError = options.onUnexpectedError ?? (() => {});
  }

  /** Reports a failure that is a bug (used by `$batch` for sub-requests, which answer 500 in place). */
  reportUnexpected(err: unknown, req: WebRequest): void {
    this.onUnexpectedError(err, req);
  }

  /** The `$metadata` document, built on first use (actions are registered by then). */
  csdl(): string {
    this.csdlText ??= buildCsdl(this.schema, this.actions.definitions());
    return this.csdlText;
  }

  /**
   * Answers a request. Known failures (bad input, missing records, conflicts) become Dataverse
   * error responses; anything else is a bug and is thrown for the caller to log and answer 500.
   */
  async handle(
    req: WebRequest,
    records: RecordService = this.records,
    inBatch = false,
  ): Promise<WebResponse> {
    try {
      const path = parseResourcePath(this.schema, req.path);
      return await this.route(path, this.contextFor(req, records), inBatch);
    } catch (err) {
      const known = knownErrorResponse(err);
      if (known !== undefined) return known;
      throw err;
    }
  }

  private contextFor(req: WebRequest, records: RecordService): HandlerContext {
    const plans = new Map<string, QueryPlan>();
    return {
      schema: this.schema,
      records,
      actions: this.actions,
      queryParameters: this.queryParameters,
      req,
      prefs: parsePrefer(req.headers.prefer),
      plan: (entity: EntityMetadata, target: 'collection' | 'entity') => {
        const key = `${entity.logicalName}:${target}`;
        let plan = plans.get(key);
        if (plan === undefined) {
          plan = planQuery(this.schema, entity, req.query, target);
          plans.set(key, plan);
        }
        return plan;
      },
      csdl: () => this.csdl(),
    };
  }

  private async route(path: ResourcePath, h: HandlerContext, inBatch: boolean): Promise<WebResponse> {
    const method = h.req.method;
    const only = (allowed: readonly string[]) => {
      if (!allowed.includes(method) && !(method === 'HEAD' && allowed.includes('GET')))
        throw methodNotAllowed(method, allowed);
    };
    switch (path.kind) {
      case 'serviceDocument':
        only(['GET']);
        return jsonResponse(200, serviceDocument(this.schema, h.req.serviceRoot));
      case 'metadata':
        only(['GET']);
        return textResponse(200, 'application/xml', h.csdl());
      case 'batch':
        only(['POST']);
        return executeBatch(this, h.req, inBatch);
      case 'entitySet':
        only(['GET', 'POST']);
        return method === 'POST' ? createRecord(h, path.entity) : readCollection(h, path.entity);
      case 'entitySetCount':
        only(['GET']);
        return countRecords(h, path.entity);
      case 'entity':
        only(['GET', 'PATCH', 'DELETE']);
        if (method === 'PATCH') return patchRecord(h, path.entity, path.id);
        if (method === 'DELETE') return deleteRecord(h, path.entity, path.id);
        return getRecord(h, path.entity, path.id);
      case 'property':
        only(['GET', 'PUT', 'DELETE']);
        if (method === 'PUT')
          return putProperty(h, path.entity, path.id, path.attribute, path.propertyName, path.rawValue);
        if (method === 'DELETE') {
          if (path.rawValue) throw methodNotAllowed(method, ['GET', 'PUT']);
          return deleteProperty(h, path.entity, path.id, path.attribute, path.propertyName);
        }
        return getProperty(h, path.entity, path.id, path.attribute, path.propertyName, path.rawValue);
      case 'navigation':
        if (path.ref) {
          only(['GET', 'PUT', 'POST', 'DELETE']);
          if (method !== 'GET' && method !== 'HEAD') {
            return writeNavigationRef(
              h,
              path.entity,
              path.id,
              path.navigation,
              method as 'PUT' | 'POST' | 'DELETE',
            );
          }
        } else {
          only(['GET']);
        }
        return getNavigation(h, path.entity, path.id, path.navigation, path.count, path.ref);
      case 'operation':
        return invokeOperation(h, path);
    }
  }
}
