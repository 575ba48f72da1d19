import type { AttributeMetadata, EntityMetadata } from '../../metadata/model.ts';
import { closestNames } from '../../odata/language/properties.ts';

/** ` (did you mean 'a' or 'b'?)`, or '' when no candidate is close to `name`. */
export function suggestion(name: string, candidates: Iterable<string>): string {
  const close = closestNames(name, candidates).map((c) => `'${c}'`);
  if (close.length === 0) return '';
  const list =
    close.length === 1 ? close[0] : `${close.slice(0, -1).join(', ')} or ${close[close.length - 1]}`;
  return ` (did you mean ${list}?)`;
}

/** The attribute `name` of `entity`, matched case-insensitively as the language requires. */
export function findAttribute(entity: EntityMetadata, name: string): AttributeMetadata | undefined {
  const exact = entity.attributes.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const a of entity.attributes.values()) if (a.logicalName.toLowerCase() === lower) return a;
  return undefined;
}
