import { attr, bool, dt, entity, lookup, str } from './define.ts';

export const systemuser = entity(
  {
    logicalName: 'systemuser',
    entitySetName: 'systemusers',
    displayName: 'User',
    displayCollectionName: 'Users',
    primaryIdAttribute: 'systemuserid',
    primaryNameAttribute: 'fullname',
  },
  [
    attr('systemuserid', 'Uniqueidentifier', 'User', { required: 'SystemRequired', createOnly: true }),
    str('fullname', 'Full Name', 200, { computed: 'fullname' }),
    str('firstname', 'First Name', 64),
    str('lastname', 'Last Name', 64, { required: 'ApplicationRequired' }),
    str('domainname', 'User Name', 1024),
    str('internalemailaddress', 'Primary Email', 100),
    str('title', 'Title', 128),
    lookup('businessunitid', 'Business Unit', ['businessunit'], { required: 'SystemRequired' }),
    lookup('parentsystemuserid', 'Manager', ['systemuser']),
    bool('isdisabled', 'Status'),
    dt('createdon', 'Created On', 'UserLocal', { computed: 'system' }),
    dt('modifiedon', 'Modified On', 'UserLocal', { computed: 'system' }),
    attr('versionnumber', 'BigInt', 'Version Number', { computed: 'system' }),
  ],
);
