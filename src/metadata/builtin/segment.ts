import { attr, bool, dt, entity, int, memo, opts, pick, str, systemAttributes } from './define.ts';

export const SegmentType = { Dynamic: 192350000, Static: 192350001, Compound: 192350002 } as const;

export const SegmentStatus = {
  Draft: 192350000,
  Live: 192350001,
  Stopped: 192350002,
  LiveEditable: 192350003,
  Expired: 192350004,
  Error: 192350005,
  GoingLive: 192350006,
  Stopping: 192350007,
} as const;

export const msdyncrm_segment = entity(
  {
    logicalName: 'msdyncrm_segment',
    entitySetName: 'msdyncrm_segments',
    displayName: 'Segment',
    displayCollectionName: 'Segments',
    primaryIdAttribute: 'msdyncrm_segmentid',
    primaryNameAttribute: 'msdyncrm_segmentname',
  },
  [
    attr('msdyncrm_segmentid', 'Uniqueidentifier', 'Segment', {
      required: 'SystemRequired',
      createOnly: true,
    }),
    str('msdyncrm_segmentname', 'Name', 100, { required: 'ApplicationRequired' }),
    pick(
      'msdyncrm_segmenttype',
      'Segment Type',
      opts(
        [SegmentType.Dynamic, 'Dynamic segment'],
        [SegmentType.Static, 'Static segment'],
        [SegmentType.Compound, 'Compound segment'],
      ),
      { required: 'ApplicationRequired', defaultValue: SegmentType.Dynamic },
    ),
    memo('msdyncrm_description', 'Description', 2000, { required: 'Recommended' }),
    memo('msdyncrm_segmentquery', 'Query definition', 4000, { aliases: ['msdyncrm_query'] }),
    memo('msdyncrm_segmentfilterquery', 'Filter query', 4000),
    memo('msdyncrm_segmentmemberids', 'Static segment member IDs', 1000000, { jsonText: 'array' }),
    str('msdyncrm_segmentqueryname', 'Segment query name', 100, { computed: 'segmentQueryName' }),
    int('msdyncrm_segmentsize', 'Members', { minValue: 0, computed: 'system' }),
    str('msdyncrm_segmentprovisioningstate', 'Provisioning state', 100, { computed: 'system' }),
    str('msdyncrm_segmentevaluationstate', 'State of segment evaluation', 100, { computed: 'system' }),
    str('msdyncrm_segmentevaluationtype', 'Type of segment evaluation', 100, { computed: 'system' }),
    int('msdyncrm_segmentevaluationdurationinminutes', 'Evaluation duration in minutes', {
      minValue: 0,
      computed: 'system',
    }),
    int('msdyncrm_segmentrefreshrateintervalminutes', 'Segment refresh rate in minutes', {
      minValue: 0,
      defaultValue: 60,
    }),
    int('msdyncrm_segmenttimezone', 'Effective time zone for this segment', {
      minValue: -1500,
      maxValue: 1500,
    }),
    str('msdyncrm_segmenttargetprofiletypename', "Target profile type of segment's members", 1000),
    dt('msdyncrm_lastevaluationtime', 'Last evaluation', 'UserLocal', { computed: 'system' }),
    dt('msdyncrm_lastupdatedtime', 'Last update', 'UserLocal', { computed: 'system' }),
    dt('msdyncrm_nextevaluation', 'Next evaluation', 'UserLocal', { computed: 'system' }),
    pick(
      'msdyncrm_querytype',
      'Query type',
      opts([192350000, 'Interaction based'], [192350001, 'Profile based']),
    ),
    pick('msdyncrm_scope', 'Scope', opts([270100000, 'Organization'], [270100001, 'Business unit']), {
      defaultValue: 270100000,
    }),
    pick(
      'msdyncrm_segmentactivationstatus',
      'Activation status',
      opts([192350000, 'Active'], [192350001, 'Disabled']),
      {
        defaultValue: 192350000,
      },
    ),
    bool('msdyncrm_islive', 'Is live', false, { computed: 'system' }),
    pick('msdyncrm_externalsource', 'External source', opts([192350000, 'Customer Insight'])),
    str('msdyncrm_externalsegmenturl', 'External segment URL', 2000),
    attr('statecode', 'State', 'Status', {
      options: [
        { value: 0, label: 'Active', defaultStatus: SegmentStatus.Draft },
        { value: 1, label: 'Inactive', defaultStatus: SegmentStatus.Expired },
      ],
      defaultValue: 0,
      computed: 'system',
    }),
    attr('statuscode', 'Status', 'Status Reason', {
      required: 'ApplicationRequired',
      defaultValue: SegmentStatus.Draft,
      options: [
        { value: SegmentStatus.Draft, label: 'Draft', state: 0 },
        { value: SegmentStatus.Live, label: 'Live', state: 0 },
        { value: SegmentStatus.Stopped, label: 'Stopped', state: 0 },
        { value: SegmentStatus.LiveEditable, label: 'Live, editable', state: 0 },
        { value: SegmentStatus.Expired, label: 'Expired', state: 1 },
        { value: SegmentStatus.Error, label: 'Error', state: 0 },
        { value: SegmentStatus.GoingLive, label: 'Going live', state: 0 },
        { value: SegmentStatus.Stopping, label: 'Stopping', state: 0 },
      ],
    }),
    ...systemAttributes('msdyncrm_segment'),
  ],
);
