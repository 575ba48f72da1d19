import type { Schema } from '../metadata/schema.ts';

/**
 * The service document at the service root: every entity set, with `@odata.context` pointing at
 * `$metadata` (OData JSON format §5).
 */
export function serviceDocument(schema: Schema, serviceRoot: string): Record<string, unknown> {
  return {
    '@odata.context': `${serviceRoot}/$metadata`,
    value: [...schema.entities.values()].map((e) => ({
      name: e.entitySetName,
      kind: 'EntitySet',
      url: e.entitySetName,
    })),
  };
}
