import { validateSegmentDefinition } from '../segment/definition-validation.ts';
import type { ActionRegistry, RegisteredAction } from './actions.ts';
import { fetchContactsByQueryAction } from './fetch-contacts-action.ts';

const VALIDATE_PARAMETERS = [
  'msdyncrm_segmentname',
  'msdyncrm_segmentquery',
  'msdyncrm_query',
  'msdyncrm_segmenttype',
  'statuscode',
  'msdyncrm_segmentid',
] as const;

/**
 * `msdyncrm_ValidateSegment`: validates a segment definition without storing it. It always
 * answers 200 (a body that is not JSON is still 400): `ValidationResult` is a string holding a
 * JSON array of the problems, `"[]"` when the definition is valid.
 */
export const validateSegment: RegisteredAction = {
  name: 'msdyncrm_ValidateSegment',
  parameters: [
    { name: 'msdyncrm_segmentname', type: 'Edm.String' },
    { name: 'msdyncrm_segmentquery', type: 'Edm.String' },
    { name: 'msdyncrm_query', type: 'Edm.String' },
    { name: 'msdyncrm_segmenttype', type: 'Edm.Int32' },
    { name: 'statuscode', type: 'Edm.Int32' },
    { name: 'msdyncrm_segmentid', type: 'Edm.Guid' },
  ],
  returnType: 'mscrm.msdyncrm_ValidateSegmentResponse',
  complexTypes: [
    {
      name: 'msdyncrm_ValidateSegmentResponse',
      properties: [{ name: 'ValidationResult', type: 'Edm.String', nullable: false }],
    },
  ],
  handler: async (inv) => {
    const p = inv.parameters;
    const unknown = Object.keys(p).filter(
      (k) => !k.startsWith('@') && !(VALIDATE_PARAMETERS as readonly string[]).includes(k),
    );
    const issues = await validateSegmentDefinition(inv.records, {
      unknownFields: unknown,
      name: p.msdyncrm_segmentname,
      type: p.msdyncrm_segmenttype,
      status: p.statuscode,
      // The original service's own examples send the query as msdyncrm_query.
      query: p.msdyncrm_segmentquery ?? p.msdyncrm_query,
      ...(typeof p.msdyncrm_segmentid === 'string' ? { segmentId: p.msdyncrm_segmentid.toLowerCase() } : {}),
    });
    return { kind: 'value', value: { ValidationResult: JSON.stringify(issues) } };
  },
};

/** Registers the segmentation actions. */
export function registerSegmentActions(registry: ActionRegistry): ActionRegistry {
  return registry.register(validateSegment).register(fetchContactsByQueryAction);
}
