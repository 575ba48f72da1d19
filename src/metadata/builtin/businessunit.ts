import { attr, bool, dt, entity, lookup, memo, str } from './define.ts';

export const businessunit = entity(
  {
    logicalName: 'businessunit',
    entitySetName: 'businessunits',
    displayName: 'Business Unit',
    displayCollectionName: 'Business Units',
    primaryIdAttribute: 'businessunitid',
    primaryNameAttribute: 'name',
  },
  [
    attr('businessunitid', 'Uniqueidentifier', 'Business Unit', {
      required: 'SystemRequired',
      createOnly: true,
    }),
    str('name', 'Name', 160, { required: 'SystemRequired' }),
    lookup('parentbusinessunitid', 'Parent Business', ['businessunit']),
    str('divisionname', 'Division', 100),
    str('emailaddress', 'Email', 100),
    str('websiteurl', 'Website', 200),
    str('address1_city', 'City', 80),
    str('address1_country', 'Country/Region', 80),
    memo('description', 'Description', 2000),
    bool('isdisabled', 'Is Disabled'),
    dt('createdon', 'Created On', 'UserLocal', { computed: 'system' }),
    dt('modifiedon', 'Modified On', 'UserLocal', { computed: 'system' }),
    attr('versionnumber', 'BigInt', 'Version Number', { computed: 'system' }),
  ],
);
