import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KnownAttributeRule,
  validateSegmentQuery,
  type SegmentValidationOptions,
} from '../../../src/segment/validation/index.ts';
import { parseValid } from '../support.ts';
import { schema, segmentResolver } from './fixture.ts';

type Expected = readonly [
  reason: string,
  message: string,
  line: number,
  column: number,
  offset: number,
  length: number,
];

const resolveSegment = segmentResolver({ segment1: {}, accounts: { entity: 'account' } });
const OPTIONS: SegmentValidationOptions = { schema, resolveSegment };

function check(text: string, expected: readonly Expected[], options = OPTIONS): void {
  const errors = validateSegmentQuery(parseValid(text), options).map((e) => e.toJSON());
  assert.deepEqual(
    errors,
    expected.map(([reason, message, line, column, offset, length]) => ({
      reason,
      message,
      line,
      column,
      offset,
      length,
    })),
  );
}

const GOLDEN: Record<string, readonly [string, readonly Expected[]]> = {
  'unknown attribute with suggestions': [
    "PROFILE(contact).FILTER(emailadress1 == 'a@b.c')",
    [
      [
        'UnknownAttribute',
        "unknown attribute 'emailadress1' on contact (did you mean 'emailaddress1', 'emailaddress2' or 'emailaddress3'?) at 1:25",
        1,
        25,
        24,
        12,
      ],
    ],
  ],
  'unknown entity with a suggestion': [
    'PROFILE(contcat)',
    [['UnknownEntity', "unknown entity 'contcat' (did you mean 'contact'?) at 1:9", 1, 9, 8, 7]],
  ],
  'unknown alias': [
    "PROFILE(contact, c).FILTER(d.fullname == 'x')",
    [['UnknownAlias', "unknown alias 'd' (did you mean 'c'?) at 1:28", 1, 28, 27, 1]],
  ],
  'unknown relationship with a suggestion': [
    'PROFILE(account).TRAVERSE(contact_account_parentcustomerd).FILTER(fullname == 1)',
    [
      [
        'UnknownRelationship',
        "unknown relationship 'contact_account_parentcustomerd' (did you mean 'contact_account_parentcustomerid'?) at 1:27",
        1,
        27,
        26,
        31,
      ],
    ],
  ],
  'a relationship that does not touch the current entity': [
    'PROFILE(account).TRAVERSE(contact_owning_user)',
    [
      [
        'UnknownRelationship',
        "relationship 'contact_owning_user' links contact to systemuser, not account at 1:27",
        1,
        27,
        26,
        19,
      ],
    ],
  ],
  'a date that does not exist': [
    "PROFILE(contact).FILTER(birthdate > '2017-02-30')",
    [['TypeMismatch', "'2017-02-30' is not a date, as 'birthdate' (date) needs at 1:37", 1, 37, 36, 12]],
  ],
  'text that is not a GUID': [
    "PROFILE(contact).FILTER(contactid == 'not-a-guid')",
    [['TypeMismatch', "'not-a-guid' is not a GUID, as 'contactid' (guid) needs at 1:38", 1, 38, 37, 12]],
  ],
  'a fraction for an integer': [
    'PROFILE(contact).FILTER(numberofchildren == 2.5)',
    [
      [
        'TypeMismatch',
        "2.5 is not a whole number, as 'numberofchildren' (integer) needs at 1:45",
        1,
        45,
        44,
        3,
      ],
    ],
  ],
  'a number that is no option of an option set': [
    'PROFILE(contact).FILTER(gendercode == 7)',
    [
      [
        'TypeMismatch',
        "7 is not an option of 'gendercode' (option set) (1 Male, 2 Female) at 1:39",
        1,
        39,
        38,
        1,
      ],
    ],
  ],
  'two properties of incompatible types': [
    'PROFILE(contact).FILTER(fullname == numberofchildren)',
    [
      [
        'TypeMismatch',
        "cannot compare 'fullname' (string) with 'numberofchildren' (integer) at 1:25",
        1,
        25,
        24,
        28,
      ],
    ],
  ],
  'CONTAINS with a number': [
    'PROFILE(contact).FILTER(fullname CONTAINS 5)',
    [['TypeMismatch', 'CONTAINS needs text, not the number 5 at 1:43', 1, 43, 42, 1]],
  ],
  'STARTSWITH on a number property': [
    "PROFILE(contact).FILTER(numberofchildren STARTSWITH 'a')",
    [['TypeMismatch', "STARTSWITH needs text, not 'numberofchildren' (integer) at 1:25", 1, 25, 24, 16]],
  ],
  'arithmetic on text': [
    'PROFILE(contact).FILTER(fullname + 1 > 2)',
    [['TypeMismatch', "'+' needs numbers, not 'fullname' (string) at 1:25", 1, 25, 24, 8]],
  ],
  'negating text': [
    'PROFILE(contact).FILTER(-fullname > 1)',
    [['TypeMismatch', "'-' needs a number, not 'fullname' (string) at 1:26", 1, 26, 25, 8]],
  ],
  'DATEDIFF on text': [
    'PROFILE(contact).FILTER(DATEDIFF(day, fullname, DATETIMEUTCNOW()) > 2)',
    [['TypeMismatch', "DATEDIFF needs a date, not 'fullname' (string) at 1:39", 1, 39, 38, 8]],
  ],
  'DATEADD by a fraction': [
    'PROFILE(contact).FILTER(DATEADD(day, 1.5, birthdate) > DATETIMEUTCNOW())',
    [['TypeMismatch', 'DATEADD needs a whole number, not 1.5 at 1:38', 1, 38, 37, 3]],
  ],
  'FILTER on a value': [
    'PROFILE(contact).FILTER(fullname)',
    [['TypeMismatch', "FILTER needs a condition, not 'fullname' (string) at 1:25", 1, 25, 24, 8]],
  ],
  'ordering booleans': [
    'PROFILE(contact).FILTER(donotemail > TRUE)',
    [['TypeMismatch', "'>' does not apply to 'donotemail' (boolean) at 1:25", 1, 25, 24, 17]],
  ],
  'set operands of different entities': [
    'PROFILE(contact) UNION PROFILE(account)',
    [['ProfileTypeMismatch', 'UNION combines rows of contact with rows of account at 1:24', 1, 24, 23, 16]],
  ],
  'a mismatch is reported once, not again by the operators after it': [
    '(PROFILE(contact) UNION PROFILE(account)) EXCEPT PROFILE(account)',
    [['ProfileTypeMismatch', 'UNION combines rows of contact with rows of account at 1:25', 1, 25, 24, 16]],
  ],
  'an alias bound twice': [
    'PROFILE(contact, c).TRAVERSE(contact_account_parentcustomerid, c)',
    [['DuplicateAlias', "alias 'c' is already bound in this chain at 1:64", 1, 64, 63, 1]],
  ],
  'ORDERBY and SELECT on the result entity': [
    'PROFILE(contact).ORDERBY(fulname ASC).SELECT(c.fullname, emailaddress1)',
    [
      [
        'UnknownAttribute',
        "unknown attribute 'fulname' on contact in ORDERBY (did you mean 'fullname'?) at 1:26",
        1,
        26,
        25,
        7,
      ],
      ['UnknownAlias', "unknown alias 'c' in SELECT at 1:46", 1, 46, 45, 1],
    ],
  ],
  'ORDERBY and SELECT on a segment': [
    'SEGMENT(segment1).ORDERBY(birthdate DESC).SELECT(fullname, emailaddres1)',
    [
      [
        'UnknownAttribute',
        "unknown attribute 'emailaddres1' on contact in SELECT (did you mean 'emailaddress1', 'emailaddress2' or 'emailaddress3'?) at 1:60",
        1,
        60,
        59,
        12,
      ],
    ],
  ],
  'unknown segment': [
    'SEGMENT(nosuch) UNION segment1',
    [['UnknownSegment', "unknown segment 'nosuch' at 1:9", 1, 9, 8, 6]],
  ],
  'unknown interaction type, and COUNT() >= n': [
    'INTERACTION(EmailOpend, Foo).HAVING(COUNT() >= 3)',
    [
      [
        'UnknownEntity',
        "unknown interaction type 'EmailOpend' (did you mean 'EmailOpened'?) at 1:13",
        1,
        13,
        12,
        10,
      ],
      ['HavingNotAllowed', 'COUNT() >= 3 is not allowed; write COUNT() > 2 at 1:37', 1, 37, 36, 12],
    ],
  ],
  'unknown link, and COUNT() == 0': [
    'INTERACTION(EmailOpened, Foo).HAVING(COUNT() == 0)',
    [
      ['UnknownRelationship', "unknown link 'Foo' of interaction type 'EmailOpened' at 1:26", 1, 26, 25, 3],
      [
        'HavingNotAllowed',
        'COUNT() == 0 is not allowed: a profile without interactions has no group; use EXCEPT at 1:38',
        1,
        38,
        37,
        12,
      ],
    ],
  ],
  'COUNT() != n': [
    'INTERACTION(EmailOpened, EmailOpenedLeadLink).HAVING(COUNT() != 2)',
    [
      [
        'HavingNotAllowed',
        'COUNT() != 2 is not allowed: a profile without interactions has no group at 1:54',
        1,
        54,
        53,
        12,
      ],
    ],
  ],
  'COUNT() with a negative number': [
    'INTERACTION(EmailOpened, EmailOpenedLeadLink).HAVING(COUNT() > -1)',
    [['HavingNotAllowed', 'COUNT() cannot be compared with -1: it is never negative at 1:54', 1, 54, 53, 12]],
  ],
  'COUNT() with a fraction': [
    'INTERACTION(EmailOpened, EmailOpenedLeadLink).HAVING(COUNT() > 1.5, UTCDAYS(7))',
    [
      [
        'HavingNotAllowed',
        'COUNT() cannot be compared with 1.5: it is a whole number at 1:54',
        1,
        54,
        53,
        13,
      ],
    ],
  ],
  'a property of another interaction type': [
    "INTERACTION(EmailOpened, EmailOpenedLeadLink).FILTER(Url == 'x').HAVING(COUNT() > 0)",
    [['UnknownAttribute', "unknown property 'Url' of EmailOpened interactions at 1:54", 1, 54, 53, 3]],
  ],
  'HAVING on profiles': [
    'PROFILE(contact).HAVING(COUNT() > 0)',
    [
      [
        'HavingNotAllowed',
        'HAVING aggregates interactions and can only follow INTERACTION(…), not PROFILE(…) at 1:18',
        1,
        18,
        17,
        19,
      ],
    ],
  ],
  'INTERACTION without HAVING': [
    "INTERACTION(EmailOpened, EmailOpenedLeadLink).FILTER(EmailId == 'x')",
    [
      [
        'HavingNotAllowed',
        'INTERACTION(…) needs a HAVING(…) that says which profiles it selects, e.g. .HAVING(COUNT() > 0) at 1:1',
        1,
        1,
        0,
        45,
      ],
    ],
  ],
  'TRAVERSE before HAVING': [
    'INTERACTION(EmailOpened, EmailOpenedLeadLink).TRAVERSE(contact_account_parentcustomerid).HAVING(COUNT() > 0)',
    [
      [
        'HavingNotAllowed',
        'TRAVERSE cannot follow INTERACTION(…) before its HAVING(…): HAVING says which profiles the interactions select at 1:47',
        1,
        47,
        46,
        42,
      ],
      [
        'HavingNotAllowed',
        'HAVING must come before the first TRAVERSE of an INTERACTION chain at 1:90',
        1,
        90,
        89,
        19,
      ],
    ],
  ],
  'SUM of text, and two HAVINGs': [
    'INTERACTION(FormSubmitted, FormSubmitted_ContactLink).HAVING(SUM(Name) > 3).HAVING(COUNT() > 1)',
    [
      ['TypeMismatch', "SUM(Name) needs a number property, but 'name' is string at 1:66", 1, 66, 65, 4],
      [
        'HavingNotAllowed',
        'an INTERACTION chain has one HAVING (combine conditions in FILTER) at 1:77',
        1,
        77,
        76,
        19,
      ],
    ],
  ],
  'unknown aggregated property': [
    'INTERACTION(FormSubmitted, FormSubmitted_ContactLink).HAVING(AVG(Valu) > 3)',
    [
      [
        'UnknownAttribute',
        "unknown property 'Valu' of FormSubmitted interactions (did you mean 'value'?) at 1:66",
        1,
        66,
        65,
        4,
      ],
    ],
  ],
  'ORDERBY and SELECT on an earlier step': [
    'PROFILE(account, a).TRAVERSE(contact_account_parentcustomerid).ORDERBY(a.name).SELECT(a.name, fullname)',
    [
      [
        'UnknownAlias',
        "ORDERBY takes properties of the rows the query yields (contact); 'a' is bound to an earlier step at 1:72",
        1,
        72,
        71,
        1,
      ],
      [
        'UnknownAlias',
        "SELECT takes properties of the rows the query yields (contact); 'a' is bound to an earlier step at 1:87",
        1,
        87,
        86,
        1,
      ],
    ],
  ],
  'no cascade from an unknown entity': [
    "PROFILE(contcat).FILTER(emailadress1 == 5 && birthdate > 'x')",
    [['UnknownEntity', "unknown entity 'contcat' (did you mean 'contact'?) at 1:9", 1, 9, 8, 7]],
  ],
  'no cascade from an unknown alias': [
    'PROFILE(contact, c).FILTER(x.fullname == 5)',
    [['UnknownAlias', "unknown alias 'x' (did you mean 'c'?) at 1:28", 1, 28, 27, 1]],
  ],
  'no cascade from unknown attributes': [
    "PROFILE(contact).FILTER(nosuch > 5 && nosuch2 CONTAINS 'a' && DATEDIFF(day, nosuch3, DATETIMEUTCNOW()) > 1)",
    [
      ['UnknownAttribute', "unknown attribute 'nosuch' on contact at 1:25", 1, 25, 24, 6],
      ['UnknownAttribute', "unknown attribute 'nosuch2' on contact at 1:39", 1, 39, 38, 7],
      ['UnknownAttribute', "unknown attribute 'nosuch3' on contact at 1:77", 1, 77, 76, 7],
    ],
  ],
  'no cascade from an unknown relationship to the aliases and names after it': [
    "PROFILE(account).TRAVERSE(nope).FILTER(contact.fullname == 1 && account.nme == 'x' && fullname == 2)",
    [
      ['UnknownRelationship', "unknown relationship 'nope' at 1:27", 1, 27, 26, 4],
      ['UnknownAttribute', "unknown attribute 'nme' on account (did you mean 'name'?) at 1:73", 1, 73, 72, 3],
    ],
  ],
  'an alias that no step binds': [
    'PROFILE(account).FILTER(contact.fullname == 1)',
    [['UnknownAlias', "unknown alias 'contact' at 1:25", 1, 25, 24, 7]],
  ],
  'no cascade from an unknown set operand': [
    'PROFILE(contact) UNION PROFILE(acount)',
    [['UnknownEntity', "unknown entity 'acount' (did you mean 'account'?) at 1:32", 1, 32, 31, 6]],
  ],
  'several errors of different rules, in source order': [
    'PROFILE(contact, c).FILTER(fullname == 1 && c.x == 2).TRAVERSE(nope).FILTER(zzz == 1)',
    [
      ['TypeMismatch', "cannot compare 'fullname' (string) with the number 1 at 1:40", 1, 40, 39, 1],
      ['UnknownAttribute', "unknown attribute 'x' on contact at 1:47", 1, 47, 46, 1],
      ['UnknownRelationship', "unknown relationship 'nope' at 1:64", 1, 64, 63, 4],
    ],
  ],
  'one unknown attribute and one bad date in one filter': [
    "PROFILE(contact, c).FILTER(c.emailadress1 == 'x' && c.birthdate > 'yesterday')",
    [
      [
        'UnknownAttribute',
        "unknown attribute 'emailadress1' on contact (did you mean 'emailaddress1', 'emailaddress2' or 'emailaddress3'?) at 1:30",
        1,
        30,
        29,
        12,
      ],
      ['TypeMismatch', "'yesterday' is not a date, as 'birthdate' (date) needs at 1:67", 1, 67, 66, 11],
    ],
  ],
  'positions on later lines': [
    "PROFILE(contact)\n  .FILTER(fullname == 1)\n  .TRAVERSE(contact_account_parentcustomerid)\n  .FILTER(nme == 'x')",
    [
      ['TypeMismatch', "cannot compare 'fullname' (string) with the number 1 at 2:23", 2, 23, 39, 1],
      ['UnknownAttribute', "unknown attribute 'nme' on account (did you mean 'name'?) at 4:11", 4, 11, 98, 3],
    ],
  ],
  'an unparseable date against a date function': [
    "PROFILE(contact).FILTER(DATEADD(month, 1, '2020-01-31') > birthdate && DATE(2020, 1, 1) < 'soon')",
    [['TypeMismatch', "'soon' is not a date, as a date and time needs at 1:91", 1, 91, 90, 6]],
  ],
};

describe('validation errors', () => {
  for (const [name, [text, expected]] of Object.entries(GOLDEN)) {
    it(name, () => check(text, expected));
  }

  it('accepts joins through aliases, self-referencing lookups and literal conversions', () => {
    for (const text of [
      'PROFILE(account, a).TRAVERSE(contact_account_parentcustomerid).FILTER(a.name == fullname && a.revenue > numberofchildren + 1)',
      "PROFILE(account).TRAVERSE(account_parent_account).FILTER(name == 'x')",
      "PROFILE(contact).FILTER(birthdate > createdon && gendercode == 2 && contactid == '1cc00a15-37ef-e911-a81d-000d3a6d200c')",
      "PROFILE(CONTACT).FILTER(FullName ENDSWITH 'son' && NOT(DonotEmail) && ISNULL(birthdate))",
    ]) {
      check(text, []);
    }
  });

  it('requires contact only when asked', () => {
    const requireContact = { ...OPTIONS, requireContact: true };
    check('PROFILE(account)', []);
    check(
      'PROFILE(account)',
      [['TargetNotContact', 'the query must end at contact but ends at account at 1:1', 1, 1, 0, 16]],
      requireContact,
    );
    check(
      'SEGMENT(accounts)',
      [['TargetNotContact', 'the query must end at contact but ends at account at 1:1', 1, 1, 0, 17]],
      requireContact,
    );
    check('PROFILE(account).TRAVERSE(contact_account_parentcustomerid)', [], requireContact);
    check(
      'PROFILE(acount)',
      [['UnknownEntity', "unknown entity 'acount' (did you mean 'account'?) at 1:9", 1, 9, 8, 6]],
      requireContact,
    );
  });

  it('runs only the rules it is given', () => {
    const errors = validateSegmentQuery(
      parseValid('PROFILE(contact).FILTER(fulname == 1 && fullname == 2)'),
      OPTIONS,
      [KnownAttributeRule],
    );
    assert.deepEqual(
      errors.map((e) => e.reason),
      ['UnknownAttribute'],
    );
  });
});
