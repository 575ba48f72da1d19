import type { OpenAPIV3 } from 'openapi-types';
import type { TSchema } from 'typebox';
import { Type } from 'typebox';
import type { AttributeMetadata, EntityMetadata } from '../metadata/model.ts';
import { isLookupType, isOptionSetType } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import type { ActionDefinition } from '../odata/csdl.ts';
import { NAMESPACE } from '../odata/resource-path.ts';
import { webApiProperties } from '../odata/representation.ts';

/**
 * An OpenAPI 3 description of the Web API generated from the metadata: per entity set the
 * collection (GET with query options, POST), `$count`, the record (GET/PATCH/DELETE), and the
 * registered actions; request and response schemas per entity.
 */

export interface OpenApiDocumentParts {
  paths: OpenAPIV3.PathsObject;
  components: { schemas: Record<string, OpenAPIV3.SchemaObject> };
}

const ref = (name: string) => Type.Ref(`#/components/schemas/${name}`);

function attributeSchema(a: AttributeMetadata, nullable: boolean): TSchema {
  const o: Record<string, unknown> = { description: a.displayName, ...(nullable ? { nullable: true } : {}) };
  if (isOptionSetType(a.type)) {
    const labels = (a.options ?? []).map((x) => `${x.value} = ${x.label}`).join(', ');
    return Type.Integer({
      ...o,
      format: 'int32',
      ...(a.options !== undefined ? { enum: a.options.map((x) => x.value) } : {}),
      description: `${a.displayName}${labels === '' ? '' : ` (${labels})`}`,
    });
  }
  switch (a.type) {
    case 'String':
    case 'Memo':
    case 'EntityName':
      return Type.String({ ...o, ...(a.maxLength !== undefined ? { maxLength: a.maxLength } : {}) });
    case 'Integer':
      return Type.Integer({
        ...o,
        format: 'int32',
        ...(a.minValue !== undefined ? { minimum: a.minValue } : {}),
        ...(a.maxValue !== undefined ? { maximum: a.maxValue } : {}),
      });
    case 'BigInt':
      return Type.Integer({ ...o, format: 'int64' });
    case 'Decimal':
    case 'Money':
      return Type.Number({ ...o, format: 'decimal' });
    case 'Double':
      return Type.Number({ ...o, format: 'double' });
    case 'Boolean':
      return Type.Boolean(o);
    case 'DateTime':
      return Type.String({ ...o, format: a.dateTimeBehavior === 'DateOnly' ? 'date' : 'date-time' });
    default:
      return Type.String({ ...o, format: 'uuid' });
  }
}

/** The record as returned by GET. */
function readSchema(e: EntityMetadata): TSchema {
  const props: Record<string, TSchema> = { '@odata.etag': Type.String() };
  for (const p of webApiProperties(e))
    props[p.name] = attributeSchema(p.attribute, p.attribute.isPrimaryId !== true);
  return Type.Object(props, { description: `${e.displayName} (Microsoft.Dynamics.CRM.${e.logicalName})` });
}

/** The body of POST (mode 'create') or PATCH (mode 'update'). */
function writeSchema(schema: Schema, e: EntityMetadata, mode: 'create' | 'update'): TSchema {
  const props: Record<string, TSchema> = {};
  for (const a of e.attributes.values()) {
    if (a.computed !== undefined || isLookupType(a.type)) continue;
    if (mode === 'create' ? !a.validForCreate : !a.validForUpdate && a.isPrimaryId !== true) continue;
    props[a.logicalName] = Type.Optional(attributeSchema(a, a.isPrimaryId !== true));
  }
  for (const nav of schema.navigationProperties(e.logicalName).values()) {
    const lookup = e.attributes.get(nav.relationship.referencingAttribute);
    if (nav.kind !== 'single' || lookup === undefined || lookup.computed !== undefined) continue;
    const target = schema.requireEntity(nav.targetEntity);
    props[`${nav.name}@odata.bind`] = Type.Optional(
      Type.String({
        nullable: true,
        description: `The related ${target.logicalName}, as "/${target.entitySetName}(<guid>)".`,
      }),
    );
  }
  return Type.Object(props);
}

const errorResponse = {
  description: 'Dataverse error',
  content: { 'application/json': { schema: ref('ODataError') } },
};
const json = (schema: unknown) => ({ 'application/json': { schema } });

function queryParameter(name: string, description: string, schema: TSchema = Type.String()) {
  return { name, in: 'query', required: false, description, schema };
}

const PREFER = {
  name: 'Prefer',
  in: 'header',
  required: false,
  description: 'return=representation, odata.maxpagesize=N, odata.include-annotations="*"',
  schema: Type.String(),
};

function operationBodySchema(a: ActionDefinition): TSchema {
  const props: Record<string, TSchema> = {};
  for (const p of a.parameters) {
    const s = edmSchema(p.type);
    props[p.name] = p.nullable === false ? s : Type.Optional(s);
  }
  return Type.Object(props);
}

function edmSchema(type: string): TSchema {
  const collection = /^Collection\((.+)\)$/.exec(type);
  if (collection !== null) return Type.Array(edmSchema(collection[1] ?? ''));
  switch (type) {
    case 'Edm.String':
      return Type.String();
    case 'Edm.Int32':
      return Type.Integer({ format: 'int32' });
    case 'Edm.Int64':
      return Type.Integer({ format: 'int64' });
    case 'Edm.Boolean':
      return Type.Boolean();
    case 'Edm.Guid':
      return Type.String({ format: 'uuid' });
    case 'Edm.Decimal':
    case 'Edm.Double':
      return Type.Number();
    case 'Edm.DateTimeOffset':
      return Type.String({ format: 'date-time' });
    case 'Edm.Date':
      return Type.String({ format: 'date' });
    default: {
      const name = type.replace(/^(?:mscrm|Microsoft\.Dynamics\.CRM)\./, '');
      return name === 'crmbaseentity' ? Type.Object({}, { additionalProperties: true }) : ref(name);
    }
  }
}

function actionOperation(a: ActionDefinition, boundTo?: EntityMetadata) {
  const returnName = a.returnType?.replace(/^(?:mscrm|Microsoft\.Dynamics\.CRM)\./, '');
  return {
    post: {
      tags: [boundTo?.entitySetName ?? 'actions'],
      operationId: boundTo === undefined ? a.name : `${boundTo.entitySetName}.${a.name}`,
      requestBody: { required: a.parameters.length > 0, content: json(operationBodySchema(a)) },
      responses: {
        ...(returnName !== undefined
          ? { 200: { description: `${returnName}`, content: json(ref(returnName)) } }
          : {}),
        204: { description: 'Done' },
        default: errorResponse,
      },
    },
  };
}

/** Paths and component schemas for every entity set and action, under `/api/data/v9.0`. */
export function buildOpenApi(
  schema: Schema,
  actions: readonly ActionDefinition[],
  base = '/api/data/v9.0',
): OpenApiDocumentParts {
  const schemas: Record<string, unknown> = {
    ODataError: Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) }),
  };
  const paths: Record<string, unknown> = {
    [`${base}/`]: {
      get: {
        tags: ['service'],
        summary: 'Service document',
        responses: { 200: { description: 'Entity sets' } },
      },
    },
    [`${base}/$metadata`]: {
      get: {
        tags: ['service'],
        summary: 'CSDL metadata',
        responses: { 200: { description: 'CSDL', content: { 'application/xml': {} } } },
      },
    },
    [`${base}/$batch`]: {
      post: {
        tags: ['service'],
        summary: 'Batch requests (multipart/mixed, change sets atomic, at most 1000 requests)',
        requestBody: { required: true, content: { 'multipart/mixed': { schema: Type.String() } } },
        responses: { 200: { description: 'multipart/mixed responses' }, default: errorResponse },
      },
    },
  };
  for (const e of schema.entities.values()) {
    const set = e.entitySetName;
    schemas[e.logicalName] = readSchema(e);
    schemas[`${e.logicalName}.create`] = writeSchema(schema, e, 'create');
    schemas[`${e.logicalName}.update`] = writeSchema(schema, e, 'update');
    const key = {
      name: e.primaryIdAttribute,
      in: 'path',
      required: true,
      schema: Type.String({ format: 'uuid' }),
    };
    const selectExpand = [
      queryParameter('$select', 'Comma-separated properties to return'),
      queryParameter('$expand', 'Navigation properties to expand, with nested options in parentheses'),
    ];
    const tags = [set];
    paths[`${base}/${set}`] = {
      get: {
        tags,
        operationId: `${set}.list`,
        parameters: [
          ...selectExpand,
          queryParameter('$filter', 'Filter expression'),
          queryParameter('$orderby', 'Order, e.g. "createdon desc"'),
          queryParameter(
            '$top',
            'At most this many records (ignored with odata.maxpagesize)',
            Type.Integer({ minimum: 0 }),
          ),
          queryParameter('$count', 'Include @odata.count', Type.Boolean()),
          queryParameter('$skiptoken', 'Continuation from @odata.nextLink'),
          PREFER,
        ],
        responses: {
          200: {
            description: `A page of ${e.displayCollectionName}`,
            content: json(
              Type.Object({
                '@odata.context': Type.String(),
                '@odata.count': Type.Optional(Type.Integer()),
                value: Type.Array(ref(e.logicalName)),
                '@odata.nextLink': Type.Optional(Type.String()),
              }),
            ),
          },
          default: errorResponse,
        },
      },
      post: {
        tags,
        operationId: `${set}.create`,
        parameters: [...selectExpand, PREFER],
        requestBody: { required: true, content: json(ref(`${e.logicalName}.create`)) },
        responses: {
          201: { description: 'Created (Prefer: return=representation)', content: json(ref(e.logicalName)) },
          204: { description: 'Created; the URL is in OData-EntityId' },
          default: errorResponse,
        },
      },
    };
    paths[`${base}/${set}/$count`] = {
      get: {
        tags,
        operationId: `${set}.count`,
        parameters: [queryParameter('$filter', 'Filter expression')],
        responses: {
          200: {
            description: 'The number of records (text/plain)',
            content: { 'text/plain': { schema: Type.String() } },
          },
          default: errorResponse,
        },
      },
    };
    const conditional = (name: string) => ({ name, in: 'header', required: false, schema: Type.String() });
    paths[`${base}/${set}({${e.primaryIdAttribute}})`] = {
      get: {
        tags,
        operationId: `${set}.get`,
        parameters: [key, ...selectExpand, PREFER, conditional('If-None-Match')],
        responses: {
          200: { description: e.displayName, content: json(ref(e.logicalName)) },
          304: { description: 'Not modified' },
          default: errorResponse,
        },
      },
      patch: {
        tags,
        operationId: `${set}.update`,
        parameters: [
          key,
          queryParameter('$select', 'Properties to return with Prefer: return=representation'),
          PREFER,
          conditional('If-Match'),
          conditional('If-None-Match'),
        ],
        requestBody: { required: true, content: json(ref(`${e.logicalName}.update`)) },
        responses: {
          200: { description: 'Updated (Prefer: return=representation)', content: json(ref(e.logicalName)) },
          204: { description: 'Updated or created (upsert)' },
          default: errorResponse,
        },
      },
      delete: {
        tags,
        operationId: `${set}.delete`,
        parameters: [key, conditional('If-Match')],
        responses: { 204: { description: 'Deleted' }, default: errorResponse },
      },
    };
  }
  const complexTypes = new Map<string, unknown>();
  for (const a of actions) {
    for (const c of a.complexTypes ?? []) {
      const props: Record<string, TSchema> = {};
      for (const p of c.properties) props[p.name] = edmSchema(p.type);
      complexTypes.set(c.name, Type.Object(props, { description: `${NAMESPACE}.${c.name}` }));
    }
    const b = a.binding;
    if (b === undefined) {
      paths[`${base}/${a.name}`] = actionOperation(a);
      continue;
    }
    const entities =
      b.entity === undefined
        ? [...schema.entities.values()]
        : [schema.entity(b.entity)].filter((x): x is EntityMetadata => x !== undefined);
    for (const e of entities) {
      const p =
        b.kind === 'collection'
          ? `${base}/${e.entitySetName}/${NAMESPACE}.${a.name}`
          : `${base}/${e.entitySetName}({${e.primaryIdAttribute}})/${NAMESPACE}.${a.name}`;
      const op = actionOperation(a, e);
      if (b.kind === 'entity') {
        (op.post as Record<string, unknown>).parameters = [
          { name: e.primaryIdAttribute, in: 'path', required: true, schema: Type.String({ format: 'uuid' }) },
        ];
      }
      paths[p] = op;
    }
  }
  for (const [name, s] of complexTypes) schemas[name] = s;
  // TypeBox builds plain JSON Schema objects; OpenAPI's types describe the same objects.
  return {
    paths: paths as unknown as OpenAPIV3.PathsObject,
    components: { schemas: schemas as unknown as Record<string, OpenAPIV3.SchemaObject> },
  };
}
