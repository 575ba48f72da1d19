import { invalidArgument } from '../engine/errors.ts';
import type { SegmentMembersUpdate } from '../segment/engine/index.ts';
import type { RegisteredAction } from './actions.ts';

const PARAMETERS = ['msdyncrm_segmentid', 'msdyncrm_operation', 'msdyncrm_memberids', 'msdyncrm_query'];

/**
 * `msdyncrm_SegmentMembersUpdate` (unbound): add or remove members of a static segment by ids or
 * by query — recorded as a durable operation, answered with its `OperationId` and `State: Queued`
 * — or `getState`: the segment's recent operations, newest first (see
 * /work/shared/spec/segments-api.md). Unknown parameters are refused, as Dataverse does.
 */
export function segmentMembersUpdateAction(membersUpdate: SegmentMembersUpdate): RegisteredAction {
  return {
    name: 'msdyncrm_SegmentMembersUpdate',
    parameters: [
      { name: 'msdyncrm_segmentid', type: 'Edm.String', nullable: false },
      { name: 'msdyncrm_operation', type: 'Edm.String', nullable: false },
      { name: 'msdyncrm_memberids', type: 'Edm.String' },
      { name: 'msdyncrm_query', type: 'Edm.String' },
    ],
    returnType: 'mscrm.msdyncrm_SegmentMembersUpdateResponse',
    complexTypes: [
      {
        name: 'msdyncrm_SegmentMemberOperation',
        properties: [
          { name: 'OperationId', type: 'Edm.Guid', nullable: false },
          { name: 'Operation', type: 'Edm.String', nullable: false },
          { name: 'State', type: 'Edm.String', nullable: false },
          { name: 'Requested', type: 'Edm.Int32' },
          { name: 'Applied', type: 'Edm.Int32' },
          { name: 'Ignored', type: 'Edm.Int32' },
          { name: 'Error', type: 'Edm.String' },
          { name: 'CreatedOn', type: 'Edm.DateTimeOffset', nullable: false },
          { name: 'CompletedOn', type: 'Edm.DateTimeOffset' },
        ],
      },
      {
        name: 'msdyncrm_SegmentMembersUpdateResponse',
        properties: [
          { name: 'OperationId', type: 'Edm.Guid' },
          { name: 'State', type: 'Edm.String', nullable: false },
          { name: 'Operations', type: 'Collection(mscrm.msdyncrm_SegmentMemberOperation)' },
        ],
      },
    ],
    handler: async (inv) => {
      const p = inv.parameters;
      for (const key of Object.keys(p)) {
        if (!key.startsWith('@') && !PARAMETERS.includes(key))
          throw invalidArgument(
            `The parameter '${key}' is not a parameter of msdyncrm_SegmentMembersUpdate (its parameters: ${PARAMETERS.join(', ')}).`,
          );
      }
      const answer = await membersUpdate.run(inv.records, {
        segmentId: p.msdyncrm_segmentid,
        operation: p.msdyncrm_operation,
        memberIds: p.msdyncrm_memberids,
        query: p.msdyncrm_query,
      });
      return { kind: 'value', value: { ...answer } };
    },
  };
}
