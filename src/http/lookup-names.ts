import type { RecordService } from '../engine/records.ts';
import type { Schema } from '../metadata/schema.ts';
import { lookupNameKey } from '../odata/representation.ts';
import { fetchWhereIn } from '../engine/fetch-in.ts';

/**
 * The primary names of the records lookups point at, for their FormattedValue annotations: one
 * query per target entity for a whole response page.
 */
export async function resolveLookupNames(
  records: RecordService,
  schema: Schema,
  references: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<Map<string, string | null>> {
  const names = new Map<string, string | null>();
  for (const [entityName, ids] of references) {
    const target = schema.entity(entityName);
    if (target === undefined || ids.size === 0) continue;
    const nameAttr = target.primaryNameAttribute;
    const rows = await fetchWhereIn(records, target.logicalName, target.primaryIdAttribute, ids, {
      select: [nameAttr],
    });
    for (const r of rows) {
      const id = r[target.primaryIdAttribute];
      const name = r[nameAttr];
      if (typeof id === 'string')
        names.set(lookupNameKey(target.logicalName, id), typeof name === 'string' ? name : null);
    }
  }
  return names;
}
