import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseSegmentQuery,
  printSegmentQuery,
  type ChainNode,
  type ExpressionNode,
  type QueryNode,
} from '../../src/segment/language/index.ts';
import { DOCUMENTED_QUERIES, SEED_QUERIES } from './corpus.ts';
import { parseValid, withoutLocs } from './support.ts';

function assertRoundTrip(text: string): void {
  const ast = parseValid(text);
  const printed = printSegmentQuery(ast);
  const again = parseValid(printed);
  assert.deepEqual(withoutLocs(again), withoutLocs(ast), `round trip of ${text} via ${printed}`);
  assert.equal(printSegmentQuery(again), printed, 'printing is idempotent');
}

/** The condition of the first FILTER step of a single-chain query. */
function firstCondition(ast: QueryNode): ExpressionNode {
  const chain = ast.body as ChainNode;
  const filter = chain.steps.find((s) => s.kind === 'Filter');
  assert.ok(filter?.kind === 'Filter');
  return filter.condition;
}

describe('segment query parser: documented and seed queries', () => {
  for (const [name, text] of Object.entries(DOCUMENTED_QUERIES)) {
    it(`example ${name} parses and round-trips`, () => assertRoundTrip(text));
  }
  for (const text of SEED_QUERIES) {
    it(`seed ${text.slice(0, 60)} parses and round-trips`, () => assertRoundTrip(text));
  }

  it('prints the documented queries canonically', () => {
    const canonical = (t: string) => printSegmentQuery(parseValid(t));
    assert.equal(
      canonical(DOCUMENTED_QUERIES['4']!),
      'PROFILE(CreditCard).FILTER(DATEDIFF(DAY, ExpirationDate, DATETIMEUTCNOW()) < 30).TRAVERSE(HavingCreditCard)',
    );
    assert.equal(
      canonical(DOCUMENTED_QUERIES['2 result']!),
      'SEGMENT(SegmentOnProfilesInCampaign) EXCEPT SEGMENT(SegmentOnProfilesWithoutRegistration)',
    );
    assert.equal(
      canonical(DOCUMENTED_QUERIES['6 SegmentOnClicked']!),
      "INTERACTION(RedirectLinkClicked, RedirectLinkClicked_ContactLink).HAVING(COUNT() > 0, UTCDAYS(7)).FILTER(EmailId == '12345')",
    );
    assert.equal(
      canonical(DOCUMENTED_QUERIES['7']!),
      "PROFILE(Activity).FILTER(ActivityType == 'Football').TRAVERSE('SubscribedToActivity').FILTER(Age > 20 && Age < 35)",
    );
    assert.equal(
      canonical(DOCUMENTED_QUERIES['11 result']!),
      'SEGMENT(SegmentOnProfile) UNION SEGMENT(SegmentOnReceivedEmail) EXCEPT SEGMENT(SegmentRegisteredInEvent)',
    );
    assert.equal(
      canonical(SEED_QUERIES[4]!),
      'SEGMENT(SEGMENT_CRM_ID_e1fa7fdc5c78ea11a811000d3a8e8fcc).ORDERBY(fullname ASC).SKIP(0).TAKE(15).SELECT(contactid)',
    );
    assert.equal(
      canonical(SEED_QUERIES[3]!),
      "PROFILE(account, account_1).FILTER(account_1.accountid == '1cc00a15-37ef-e911-a81d-000d3a6d200c').TRAVERSE(contact_account_parentcustomerid, contact_1).FILTER(ISNOTNULL(contact_1.emailaddress1))",
    );
  });
});

describe('segment query parser: structure', () => {
  it('builds the seed alias query with names, aliases and locations', () => {
    const ast = parseValid(SEED_QUERIES[3]!);
    const chain = ast.body as ChainNode;
    assert.equal(chain.kind, 'Chain');
    assert.deepEqual(withoutLocs(chain.source), {
      kind: 'Profile',
      entity: { kind: 'Name', value: 'account', quoted: false },
      alias: { kind: 'Name', value: 'account_1', quoted: false },
    });
    assert.deepEqual(
      chain.steps.map((s) => s.kind),
      ['Filter', 'Traverse', 'Filter'],
    );
    const traverse = chain.steps[1]!;
    assert.ok(traverse.kind === 'Traverse');
    assert.equal(traverse.relationship.value, 'contact_account_parentcustomerid');
    assert.equal(traverse.alias?.value, 'contact_1');
    assert.deepEqual(traverse.loc, { start: 98, end: 151, line: 1, column: 99 });
    assert.deepEqual(ast.loc, { start: 0, end: SEED_QUERIES[3]!.length, line: 1, column: 1 });
  });

  it('gives precedence: || < && < comparison < + - < * / < unary minus', () => {
    const c = firstCondition(parseValid('PROFILE(c).FILTER(a == 1 || b == 2 && c + 2 * -d > 3 - 4 - 5)'));
    assert.deepEqual(withoutLocs(c), {
      kind: 'Logical',
      operator: '||',
      operands: [
        {
          kind: 'Comparison',
          operator: '==',
          left: { kind: 'Property', name: { kind: 'Name', value: 'a', quoted: false } },
          right: { kind: 'Number', text: '1' },
        },
        {
          kind: 'Logical',
          operator: '&&',
          operands: [
            {
              kind: 'Comparison',
              operator: '==',
              left: { kind: 'Property', name: { kind: 'Name', value: 'b', quoted: false } },
              right: { kind: 'Number', text: '2' },
            },
            {
              kind: 'Comparison',
              operator: '>',
              left: {
                kind: 'Arithmetic',
                operator: '+',
                left: { kind: 'Property', name: { kind: 'Name', value: 'c', quoted: false } },
                right: {
                  kind: 'Arithmetic',
                  operator: '*',
                  left: { kind: 'Number', text: '2' },
                  right: {
                    kind: 'Negate',
                    operand: { kind: 'Property', name: { kind: 'Name', value: 'd', quoted: false } },
                  },
                },
              },
              right: {
                kind: 'Arithmetic',
                operator: '-',
                left: {
                  kind: 'Arithmetic',
                  operator: '-',
                  left: { kind: 'Number', text: '3' },
                  right: { kind: 'Number', text: '4' },
                },
                right: { kind: 'Number', text: '5' },
              },
            },
          ],
        },
      ],
    });
  });

  it('reads AND/OR words, any keyword case, and whitespace around dots', () => {
    const a = parseValid(
      "profile ( contact , c ) \n . filter ( c . fullname startswith 'A' and not(isnull(c.city)) or TRUE ) . Distinct()",
    );
    const b = parseValid(
      "PROFILE(contact, c).FILTER(c.fullname STARTSWITH 'A' && NOT(ISNULL(c.city)) || true).DISTINCT()",
    );
    assert.deepEqual(withoutLocs(a), withoutLocs(b));
    assert.equal(
      printSegmentQuery(a),
      "PROFILE(contact, c).FILTER(c.fullname STARTSWITH 'A' && NOT(ISNULL(c.city)) || TRUE).DISTINCT()",
    );
  });

  it('keeps numbers exact and folds a leading minus into the literal', () => {
    const c = firstCondition(
      parseValid('PROFILE(c).FILTER(revenue > 123456789012345678901234567890.50 && x == -7)'),
    );
    assert.ok(c.kind === 'Logical');
    assert.deepEqual(withoutLocs((c.operands[0] as { right: unknown }).right), {
      kind: 'Number',
      text: '123456789012345678901234567890.50',
    });
    assert.deepEqual(withoutLocs((c.operands[1] as { right: unknown }).right), {
      kind: 'Number',
      text: '-7',
    });
  });

  it("decodes '' and \\' escapes and keeps any Unicode", () => {
    const c = firstCondition(
      parseValid("PROFILE(c).FILTER(n == 'it''s \\'quoted\\' \\\\ 日本語 🙂 C:\\temp')"),
    );
    assert.ok(c.kind === 'Comparison');
    assert.deepEqual(withoutLocs(c.right), { kind: 'String', value: "it's 'quoted' \\ 日本語 🙂 C:\\temp" });
    assert.equal(
      printSegmentQuery(parseValid("PROFILE(c).FILTER(n == 'it''s \\'quoted\\'')")),
      "PROFILE(c).FILTER(n == 'it''s ''quoted''')",
    );
  });

  it('reads MINUS as EXCEPT, bare names as segments, and set operators left to right', () => {
    const infix = parseValid('a UNION SEGMENT(b) MINUS c INTERSECT d');
    assert.equal(
      printSegmentQuery(infix),
      'SEGMENT(a) UNION SEGMENT(b) EXCEPT SEGMENT(c) INTERSECT SEGMENT(d)',
    );
    const method = parseValid('SEGMENT(a).UNION(b).EXCEPT(c).INTERSECT(d)');
    assert.deepEqual(withoutLocs(method), withoutLocs(infix));
    const grouped = parseValid('a UNION (b EXCEPT c)');
    assert.equal(printSegmentQuery(grouped), 'SEGMENT(a) UNION (SEGMENT(b) EXCEPT SEGMENT(c))');
    // The method form applies to the operand it is called on.
    assert.deepEqual(withoutLocs(parseValid('a UNION b.EXCEPT(c)')), withoutLocs(grouped));
  });

  it('accepts shaping after any set expression and prints it outside parentheses', () => {
    const ast = parseValid(
      'SEGMENT(a) UNION SEGMENT(b).ORDERBY(c.fullname, createdon DESC).TAKE(10).SELECT(fullname, c.x)',
    );
    assert.equal(ast.body.kind, 'SetOperation');
    assert.deepEqual(
      ast.orderBy?.items.map((i) => i.direction),
      ['ASC', 'DESC'],
    );
    assert.equal(ast.skip, undefined);
    assert.equal(ast.take?.count.text, '10');
    assert.equal(
      printSegmentQuery(ast),
      '(SEGMENT(a) UNION SEGMENT(b)).ORDERBY(c.fullname ASC, createdon DESC).TAKE(10).SELECT(fullname, c.x)',
    );
  });

  it('parses every function and the TRAVERSE forms', () => {
    const text =
      "PROFILE(contact, c).TRAVERSE('contact_account_parentcustomerid', a, FILTER(a.revenue >= 10 / 4)).TRAVERSE(r2, FILTER(ISNOTNULL(x)))" +
      '.FILTER(birthdate < DATE(2000, 1, 2, 3, 4, 5, 6) && DATEADD(month, -3, DATETIMEUTCNOW()) > createdon' +
      " && DATEDIFF(YEAR, DATE(2020, 12, 31), DATE(2021, 1, 1)) == 1 && NOT(flag == FALSE) && name ENDSWITH 'x' && name CONTAINS 'y')";
    const ast = parseValid(text);
    assert.equal(
      printSegmentQuery(ast),
      "PROFILE(contact, c).TRAVERSE('contact_account_parentcustomerid', a, FILTER(a.revenue >= 10 / 4)).TRAVERSE(r2, FILTER(ISNOTNULL(x)))" +
        '.FILTER(birthdate < DATE(2000, 1, 2, 3, 4, 5, 6) && DATEADD(MONTH, -3, DATETIMEUTCNOW()) > createdon' +
        " && DATEDIFF(YEAR, DATE(2020, 12, 31), DATE(2021, 1, 1)) == 1 && NOT(flag == FALSE) && name ENDSWITH 'x' && name CONTAINS 'y')",
    );
    assertRoundTrip(text);
    assertRoundTrip(
      'INTERACTION(EmailClicked, link).FILTER(x == 1).HAVING(SUM(amount) >= -2.5, UTCYEARS(2)).DISTINCT()',
    );
    assertRoundTrip(
      "SEGMENT('My segment (2024)').FILTER(a == 1) EXCEPT SEGMENT('1cc00a15-37ef-e911-a81d-000d3a6d200c')",
    );
  });

  it('keeps explicit grouping of the same operator and parenthesised arithmetic', () => {
    for (const [text, printed] of [
      ['PROFILE(c).FILTER((a || b) || c)', 'PROFILE(c).FILTER((a || b) || c)'],
      ['PROFILE(c).FILTER(((a && b)))', 'PROFILE(c).FILTER(a && b)'],
      ['PROFILE(c).FILTER(x == 1 - (2 - 3))', 'PROFILE(c).FILTER(x == 1 - (2 - 3))'],
      ['PROFILE(c).FILTER(x == -(a + 1) * - -2)', 'PROFILE(c).FILTER(x == -(a + 1) * -(-2))'],
      ['PROFILE(c).FILTER((a == b) == (c < d))', 'PROFILE(c).FILTER((a == b) == (c < d))'],
    ] as const) {
      assert.equal(printSegmentQuery(parseValid(text)), printed);
      assertRoundTrip(text);
    }
  });

  it('never throws for a non-string argument', () => {
    const result = parseSegmentQuery(42 as unknown as string);
    assert.equal(result.errors?.[0]?.message, 'the query must be a string at 1:1');
  });
});
