import { Schema } from '../../src/metadata/schema.ts';
import { builtinEntities } from '../../src/metadata/schema-file.ts';
import type { Value } from '../../src/ir/nodes.ts';
import type { Store } from '../../src/store/store.ts';

/**
 * A small data set whose rows exercise the edges the stores must agree on: nulls, mixed case,
 * accents, LIKE wildcards inside values, month ends, leap days and week boundaries. Contacts get
 * keys 1..6 and accounts 1..3 in a fresh store (the order below).
 */
export const schema = new Schema(builtinEntities());

export const ACCOUNT = {
  contoso: 'a0000000-0000-0000-0000-000000000001',
  fabrikam: 'a0000000-0000-0000-0000-000000000002',
  northwind: 'a0000000-0000-0000-0000-000000000003',
};

export const contactId = (n: number) => `c0000000-0000-0000-0000-00000000000${n}`;

const CONTACT_ATTRIBUTES = [
  'contactid',
  'firstname',
  'lastname',
  'emailaddress1',
  'address1_city',
  'birthdate',
  'createdon',
  'modifiedon',
  'numberofchildren',
  'annualincome',
  'parentcustomerid',
  'parentcustomeridtype',
  'statecode',
  'address1_latitude',
];

const CONTACT_ROWS: Value[][] = [
  // 1: Ann Smith. createdon/modifiedon straddle New Year.
  [
    contactId(1),
    'Ann',
    'Smith',
    'ann@contoso.com',
    'Paris',
    '1990-02-28',
    '2020-12-31T23:00:00Z',
    '2021-01-01T01:00:00Z',
    2,
    1000.5,
    ACCOUNT.contoso,
    'account',
    0,
    48.85,
  ],
  // 2: bob jones. A `_` and a `%` inside the e-mail address.
  [
    contactId(2),
    'bob',
    'jones',
    'BOB_50%@fabrikam.com',
    'paris',
    null,
    '2021-03-01T00:00:00Z',
    '2021-03-31T12:30:00Z',
    0,
    null,
    ACCOUNT.contoso,
    'account',
    0,
    null,
  ],
  // 3: Émile Zola, inactive. Saturday noon → Sunday 11:59:59.
  [
    contactId(3),
    'Émile',
    'Zola',
    null,
    'Rome',
    '2000-01-01',
    '2019-06-15T12:00:00Z',
    '2019-06-16T11:59:59Z',
    null,
    250,
    ACCOUNT.fabrikam,
    'account',
    1,
    41.9,
  ],
  // 4: zoe Adams. A whole Sunday-to-Saturday week; no city, no parent.
  [
    contactId(4),
    'zoe',
    'Adams',
    'zoe@contoso.com',
    null,
    '1985-12-31',
    '2022-01-02T00:00:00Z',
    '2022-01-08T23:59:59Z',
    5,
    99999.9999,
    null,
    null,
    0,
    -33.5,
  ],
  // 5: Carl smith (lower-case last name). Leap day to the next year's end of February.
  [
    contactId(5),
    'Carl',
    'smith',
    'carl.smith@example.org',
    'London',
    '1975-06-15',
    '2020-02-29T10:00:00Z',
    '2021-02-28T10:00:00Z',
    1,
    0,
    ACCOUNT.fabrikam,
    'account',
    0,
    51.5,
  ],
  // 6: no first name; modified before it was created (negative differences).
  [
    contactId(6),
    null,
    "O'Brien",
    'x_y@z.com',
    'Berlin',
    null,
    '2023-07-01T00:00:00Z',
    '2023-06-30T00:00:00Z',
    null,
    null,
    ACCOUNT.contoso,
    'account',
    0,
    52.5,
  ],
];

const ACCOUNT_ROWS: Value[][] = [
  [ACCOUNT.contoso, 'Contoso'],
  [ACCOUNT.fabrikam, 'Fabrikam'],
  [ACCOUNT.northwind, 'Northwind'],
];

/** Writes the data set: accounts through INSERT, contacts through INSERT or the bulk path. */
export async function seed(store: Store, via: 'insert' | 'bulk' = 'insert'): Promise<void> {
  const accountKeys = await store.allocateKeys('account', ACCOUNT_ROWS.length);
  await store.mutate({
    kind: 'insert',
    entity: 'account',
    attributes: ['accountid', 'name'],
    rows: ACCOUNT_ROWS,
    keys: accountKeys,
  });
  if (via === 'bulk') {
    await store.bulkInsert('contact', CONTACT_ATTRIBUTES, CONTACT_ROWS);
  } else {
    const keys = await store.allocateKeys('contact', CONTACT_ROWS.length);
    await store.mutate({
      kind: 'insert',
      entity: 'contact',
      attributes: CONTACT_ATTRIBUTES,
      rows: CONTACT_ROWS,
      keys,
    });
  }
}
