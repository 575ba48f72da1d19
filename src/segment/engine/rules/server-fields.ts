import type { AttributeValues } from '../../../engine/record-types.ts';
import type { EntityMetadata } from '../../../metadata/model.ts';

/**
 * The values without the attributes the server maintains (size, evaluation times and state,
 * statecode, …): a client's values for them are ignored, never an error, so that it can send back
 * a record it read. Web API bodies are already without them; this covers every other caller.
 */
export function withoutServerFields(entity: EntityMetadata, values: AttributeValues): AttributeValues {
  const out: AttributeValues = {};
  for (const [k, v] of Object.entries(values)) {
    if (entity.attributes.get(k)?.computed === undefined) out[k] = v;
  }
  return out;
}

/** Whether a write changes an attribute: it is sent and differs from the current value. */
export function changes(values: AttributeValues, current: AttributeValues, attribute: string): boolean {
  if (!(attribute in values)) return false;
  return (values[attribute] ?? null) !== (current[attribute] ?? null);
}

/** True for a value that holds no text (absent, null, or only spaces). */
export function blank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
