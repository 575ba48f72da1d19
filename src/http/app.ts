import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import Fastify from 'fastify';
import { ErrorCodes } from '../engine/errors.ts';
import type { RecordService } from '../engine/records.ts';
import type { Schema } from '../metadata/schema.ts';
import type { SegmentEngine } from '../segment/engine/index.ts';
import type { ActionRegistry } from './actions.ts';
import { defaultActions, registerSegmentEngineActions } from './default-actions.ts';
import { defaultQueryParameters } from './fetchxml-query.ts';
import { WebApi } from './dispatcher.ts';
import { errorBody, fastifyErrorResponse, knownErrorResponse, unexpectedErrorResponse } from './errors.ts';
import { parseJsonBody } from './json-body.ts';
import type { CustomQueryHandler } from './query-parameters.ts';
import { buildOpenApi } from './openapi.ts';
import { parseServicePath, serviceRootOf, splitQuery } from './service-root.ts';
import type { WebRequest, WebResponse } from './web-request.ts';
import { jsonResponse } from './web-request.ts';

export { defaultActions };

/** Dataverse serves URLs up to 32 KB; longer ones answer 414. */
export const MAX_URL_LENGTH = 32 * 1024;
/** Default request body limit: large `$batch` and CreateMultiple payloads fit. */
export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;
/** Node's header limit must exceed the URL limit so long URLs reach the 414 check (and are not cut at 16 KB). */
const MAX_HEADER_SIZE = 64 * 1024;

export interface BuildAppOptions {
  records: RecordService;
  schema: Schema;
  /** Fastify's logger option: false (default), true, or pino options. */
  logger?: FastifyServerOptions['logger'];
  /** Largest request body in bytes (default 64 MiB); larger bodies answer 413. */
  bodyLimit?: number;
  /**
   * The actions the API serves and `$metadata` declares. Defaults to the bulk actions
   * (CreateMultiple, UpdateMultiple, UpsertMultiple); pass a registry built with
   * `defaultActions()` plus your own to add more.
   */
  actions?: ActionRegistry;
  /** Handlers of non-OData query parameters on entity sets, by parameter name (default: `fetchXml`). */
  queryParameters?: ReadonlyMap<string, CustomQueryHandler>;
  /**
   * The segment engine over the same store and record service: its actions are served
   * (msdyncrm_SegmentMembersUpdate), it starts running segment jobs when the app is ready
   * (listen, inject) and stops when the app closes. Without one, segment records are plain
   * records: no lifecycle rules, no background evaluation.
   */
  segments?: SegmentEngine;
}

function send(reply: FastifyReply, res: WebResponse): FastifyReply {
  reply.code(res.status).headers(res.headers);
  if (res.body === undefined) return reply.send();
  // A Buffer keeps Fastify from rewriting the Content-Type (it would quote odata.metadata and add a charset).
  return reply.send(Buffer.from(typeof res.body === 'string' ? res.body : JSON.stringify(res.body), 'utf8'));
}

function headersOf(request: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(request.headers))
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function firstSegment(url: string): string {
  const { pathname } = splitQuery(url);
  const segment = pathname.split('/').find((s) => s !== '') ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function notFoundResponse(segment: string): WebResponse {
  return jsonResponse(
    404,
    errorBody(ErrorCodes.ResourceNotFound, `Resource not found for the segment '${segment}'.`),
  );
}

/**
 * The Fastify application serving the Web API at `/api/data/v9.x/` and its OpenAPI description at
 * `/openapi.json`. Routing only: every request becomes a `WebRequest` for the `WebApi` dispatcher.
 */
export function buildApp(options: BuildAppOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    http: { maxHeaderSize: MAX_HEADER_SIZE },
    // Malformed percent-encoding in the path: answer in Dataverse's error format too.
    frameworkErrors: (err, _request, reply) => {
      void send(
        reply,
        fastifyErrorResponse(err) ?? jsonResponse(400, errorBody(ErrorCodes.InvalidArgument, err.message)),
      );
    },
  });
  const segments = options.segments;
  const actions = options.actions ?? defaultActions();
  if (segments !== undefined && !actions.has('msdyncrm_SegmentMembersUpdate'))
    registerSegmentEngineActions(actions, segments);
  if (segments !== undefined) {
    app.addHook('onReady', async () => {
      await segments.start();
    });
    app.addHook('onClose', async () => {
      await segments.stop();
    });
  }
  const api = new WebApi({
    schema: options.schema,
    records: options.records,
    actions,
    queryParameters: options.queryParameters ?? defaultQueryParameters(options.records),
    onUnexpectedError: (err, req) =>
      app.log.error({ err, method: req.method, path: req.path }, 'unexpected error in a $batch request'),
  });

  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  // `$batch` bodies and raw `…/$value` writes are read as text.
  app.addContentTypeParser(['multipart/mixed', 'text/plain'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.length > MAX_URL_LENGTH) {
      return send(
        reply,
        jsonResponse(
          414,
          errorBody(
            ErrorCodes.InvalidArgument,
            `The request URL is ${request.url.length} characters long; at most ${MAX_URL_LENGTH} are allowed. Send long queries inside a $batch request.`,
          ),
        ),
      );
    }
    return undefined;
  });

  app.setErrorHandler((err, request, reply) => {
    const known =
      knownErrorResponse(err) ??
      fastifyErrorResponse(err as { code?: string; statusCode?: number; message: string });
    if (known !== undefined) return send(reply, known);
    request.log.error({ err }, 'unexpected error');
    return send(reply, unexpectedErrorResponse());
  });

  app.setNotFoundHandler((request, reply) => send(reply, notFoundResponse(firstSegment(request.url))));

  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'segmentd Web API',
        description: 'A Dataverse-style OData v4 Web API. Any v9.x version segment is served the same.',
        version: '9.0',
      },
      ...buildOpenApi(options.schema, actions.definitions()),
    },
  });

  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/json').send(JSON.stringify(app.swagger())),
  );

  app.route({
    method: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
    url: '/api/data/*',
    schema: { hide: true },
    handler: async (request, reply) => {
      const { pathname, query } = splitQuery(request.url);
      const service = parseServicePath(pathname);
      if (service === undefined) return send(reply, notFoundResponse(pathname.split('/')[3] ?? ''));
      const req: WebRequest = {
        method: request.method.toUpperCase(),
        path: service.resourcePath,
        query,
        headers: headersOf(request),
        body: request.body,
        serviceRoot: serviceRootOf(request.protocol, request.host, service.version),
      };
      return send(reply, await api.handle(req));
    },
  });

  return app;
}
