import type { AttributeMetadata } from '../model.ts';
import {
  activeInactiveState,
  attr,
  bool,
  dbl,
  dt,
  entity,
  int,
  lookup,
  memo,
  money,
  opts,
  pick,
  str,
  systemAttributes,
} from './define.ts';

/** The address1_/address2_/address3_ block that contact and account share. */
export function addressAttributes(n: 1 | 2 | 3): AttributeMetadata[] {
  const p = `address${n}_`;
  const label = `Address ${n}`;
  return [
    str(`${p}line1`, `${label}: Street 1`, 250),
    str(`${p}line2`, `${label}: Street 2`, 250),
    str(`${p}line3`, `${label}: Street 3`, 250),
    str(`${p}city`, `${label}: City`, 80, { indexed: n === 1 }),
    str(`${p}stateorprovince`, `${label}: State/Province`, 50),
    str(`${p}county`, `${label}: County`, 50),
    str(`${p}country`, `${label}: Country/Region`, 80, { indexed: n === 1 }),
    str(`${p}postalcode`, `${label}: ZIP/Postal Code`, 20),
    str(`${p}telephone1`, `${label}: Telephone 1`, 50),
    dbl(`${p}latitude`, `${label}: Latitude`, { minValue: -90, maxValue: 90 }),
    dbl(`${p}longitude`, `${label}: Longitude`, { minValue: -180, maxValue: 180 }),
    memo(`${p}composite`, `${label}`, 1000, { readOnly: true }),
  ];
}

/** The do-not-contact flags that contact and account share. */
export function contactPreferenceAttributes(): AttributeMetadata[] {
  return [
    bool('donotbulkemail', 'Do not allow Bulk Emails'),
    bool('donotemail', 'Do not allow Emails'),
    bool('donotphone', 'Do not allow Phone Calls'),
    bool('donotfax', 'Do not allow Faxes'),
    bool('donotpostalmail', 'Do not allow Mails'),
    bool('donotbulkpostalmail', 'Do not allow Bulk Mails'),
    bool('donotsendmm', 'Send Marketing Materials'),
    bool('followemail', 'Follow Email Activity', true),
    bool('participatesinworkflow', 'Participates in Workflow'),
    bool('creditonhold', 'Credit Hold'),
    pick(
      'preferredcontactmethodcode',
      'Preferred Method of Contact',
      opts([1, 'Any'], [2, 'Email'], [3, 'Phone'], [4, 'Fax'], [5, 'Mail']),
      { defaultValue: 1 },
    ),
  ];
}

export const contact = entity(
  {
    logicalName: 'contact',
    entitySetName: 'contacts',
    displayName: 'Contact',
    displayCollectionName: 'Contacts',
    primaryIdAttribute: 'contactid',
    primaryNameAttribute: 'fullname',
  },
  [
    attr('contactid', 'Uniqueidentifier', 'Contact', { required: 'SystemRequired', createOnly: true }),
    str('fullname', 'Full Name', 160, { computed: 'fullname', indexed: true }),
    str('firstname', 'First Name', 50, { required: 'Recommended', indexed: true }),
    str('lastname', 'Last Name', 50, { required: 'ApplicationRequired', indexed: true }),
    str('middlename', 'Middle Name', 50),
    str('nickname', 'Nickname', 100),
    str('salutation', 'Salutation', 100),
    str('suffix', 'Suffix', 10),
    str('jobtitle', 'Job Title', 100),
    str('department', 'Department', 100),
    str('emailaddress1', 'Email', 100, { indexed: true }),
    str('emailaddress2', 'Email Address 2', 100),
    str('emailaddress3', 'Email Address 3', 100),
    str('telephone1', 'Business Phone', 50),
    str('telephone2', 'Home Phone', 50),
    str('telephone3', 'Telephone 3', 50),
    str('mobilephone', 'Mobile Phone', 50),
    str('fax', 'Fax', 50),
    str('company', 'Company Phone', 50),
    ...addressAttributes(1),
    ...addressAttributes(2),
    ...addressAttributes(3),
    dt('birthdate', 'Birthday', 'DateOnly', { indexed: true }),
    dt('anniversary', 'Anniversary', 'DateOnly'),
    pick('gendercode', 'Gender', opts([1, 'Male'], [2, 'Female'])),
    pick(
      'familystatuscode',
      'Marital Status',
      opts([1, 'Single'], [2, 'Married'], [3, 'Divorced'], [4, 'Widowed']),
    ),
    pick('accountrolecode', 'Role', opts([1, 'Decision Maker'], [2, 'Employee'], [3, 'Influencer'])),
    pick('customertypecode', 'Relationship Type', opts([1, 'Default Value'])),
    pick('educationcode', 'Education', opts([1, 'Default Value'])),
    pick('leadsourcecode', 'Lead Source', opts([1, 'Default Value'])),
    money('annualincome', 'Annual Income'),
    money('creditlimit', 'Credit Limit'),
    int('numberofchildren', 'No. of Children', { minValue: 0, maxValue: 1000000000 }),
    str('spousesname', 'Spouse/Partner Name', 100),
    lookup('parentcustomerid', 'Company Name', ['account', 'contact']),
    lookup('accountid', 'Account', ['account'], { computed: 'parentAccount' }),
    lookup('msdyncrm_segmentmemberid', 'Segment Member', ['msdyncrm_segment']),
    ...contactPreferenceAttributes(),
    bool('marketingonly', 'Marketing Only'),
    bool('isbackofficecustomer', 'Back Office Customer'),
    memo('description', 'Description', 2000),
    str('websiteurl', 'Website', 200),
    ...activeInactiveState(),
    ...systemAttributes('contact'),
  ],
);
