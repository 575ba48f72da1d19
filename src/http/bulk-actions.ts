import { DataverseError, badPayload } from '../engine/errors.ts';
import { parseEntityBody } from '../engine/payload.ts';
import type { AttributeValues } from '../engine/record-types.ts';
import type { EntityMetadata } from '../metadata/model.ts';
import { NAMESPACE } from '../odata/resource-path.ts';
import type { ActionInvocation, RegisteredAction } from './actions.ts';
import { ActionRegistry } from './actions.ts';

/**
 * Dataverse's bulk operation messages, bound to every entity set:
 * `POST /{set}/Microsoft.Dynamics.CRM.CreateMultiple | UpdateMultiple | UpsertMultiple` with
 * `{"Targets": [...]}`. Each runs in one transaction: all records are written or none.
 */

const TARGETS = { name: 'Targets', type: 'Collection(mscrm.crmbaseentity)', nullable: false } as const;

function boundEntity(inv: ActionInvocation): EntityMetadata {
  if (inv.binding === undefined) throw new Error('bulk actions are registered as collection-bound');
  return inv.binding.entity;
}

/** The Targets array, each member checked against the bound entity and converted. */
function targetValues(inv: ActionInvocation, mode: 'create' | 'update'): AttributeValues[] {
  const entity = boundEntity(inv);
  const targets = inv.parameters.Targets;
  if (!Array.isArray(targets)) {
    throw badPayload(
      `The 'Targets' parameter is required and must be an array of '${entity.logicalName}' records.`,
    );
  }
  for (const key of Object.keys(inv.parameters)) {
    if (key !== 'Targets' && !key.startsWith('@'))
      throw badPayload(`The parameter '${key}' is not a parameter of this action.`);
  }
  return targets.map((t: unknown, i) => {
    const type =
      typeof t === 'object' && t !== null ? (t as Record<string, unknown>)['@odata.type'] : undefined;
    if (
      type !== undefined &&
      type !== `${NAMESPACE}.${entity.logicalName}` &&
      type !== `#${NAMESPACE}.${entity.logicalName}`
    ) {
      throw badPayload(
        `Targets[${i}] has '@odata.type' ${JSON.stringify(type)}, but this action is bound to '${NAMESPACE}.${entity.logicalName}'.`,
      );
    }
    try {
      return parseEntityBody(inv.schema, entity.logicalName, t, mode);
    } catch (err) {
      if (err instanceof DataverseError)
        throw new DataverseError(err.kind, err.code, `Targets[${i}]: ${err.message}`);
      throw err;
    }
  });
}

export const createMultiple: RegisteredAction = {
  name: 'CreateMultiple',
  binding: { kind: 'collection' },
  parameters: [TARGETS],
  returnType: 'mscrm.CreateMultipleResponse',
  complexTypes: [
    {
      name: 'CreateMultipleResponse',
      properties: [{ name: 'Ids', type: 'Collection(Edm.Guid)', nullable: false }],
    },
  ],
  handler: async (inv) => {
    const entity = boundEntity(inv);
    const ids = await inv.records.createMultiple(entity.logicalName, targetValues(inv, 'create'));
    return { kind: 'value', value: { Ids: ids } };
  },
};

export const updateMultiple: RegisteredAction = {
  name: 'UpdateMultiple',
  binding: { kind: 'collection' },
  parameters: [TARGETS],
  handler: async (inv) => {
    const entity = boundEntity(inv);
    await inv.records.updateMultiple(entity.logicalName, targetValues(inv, 'update'));
    return { kind: 'none' };
  },
};

/**
 * Dataverse answers UpsertMultiple with 204 and no body. With `Prefer: return=representation`
 * segmentd also reports what happened to each target, in the shape of the SDK's
 * UpsertMultipleResponse: `Results: [{RecordCreated, Id}]`, in the order of `Targets`.
 */
export const upsertMultiple: RegisteredAction = {
  name: 'UpsertMultiple',
  binding: { kind: 'collection' },
  parameters: [TARGETS],
  returnType: 'mscrm.UpsertMultipleResponse',
  complexTypes: [
    {
      name: 'UpsertMultipleResult',
      properties: [
        { name: 'RecordCreated', type: 'Edm.Boolean', nullable: false },
        { name: 'Id', type: 'Edm.Guid', nullable: false },
      ],
    },
    {
      name: 'UpsertMultipleResponse',
      properties: [{ name: 'Results', type: 'Collection(mscrm.UpsertMultipleResult)', nullable: false }],
    },
  ],
  handler: async (inv) => {
    const entity = boundEntity(inv);
    const results = await inv.records.upsertMultiple(entity.logicalName, targetValues(inv, 'update'));
    if (!inv.preferences.returnRepresentation) return { kind: 'none' };
    return {
      kind: 'value',
      value: { Results: results.map((r) => ({ RecordCreated: r.created, Id: r.id })) },
      headers: { 'Preference-Applied': 'return=representation' },
    };
  },
};

/** Registers CreateMultiple, UpdateMultiple and UpsertMultiple. */
export function registerBulkActions(registry: ActionRegistry): ActionRegistry {
  return registry.register(createMultiple).register(updateMultiple).register(upsertMultiple);
}
