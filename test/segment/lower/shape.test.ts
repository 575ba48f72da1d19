import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { and, attrRef, cmp, entitySource, exists, lit, select } from '../../../src/ir/build.ts';
import type { Expr } from '../../../src/ir/nodes.ts';
import { schemaFromDocument } from '../../../src/metadata/schema-file.ts';
import { parseSegmentQuery } from '../../../src/segment/language/index.ts';
import { lowerSegmentQuery } from '../../../src/segment/lower/index.ts';

/** The IR the lowering builds: semi-joins and anti-joins, no DISTINCT, no IN over subqueries. */

const schema = schemaFromDocument(undefined);

function lowered(text: string, now?: Date) {
  const parsed = parseSegmentQuery(text);
  assert.equal(parsed.errors, undefined);
  return lowerSegmentQuery(parsed.ast, now === undefined ? { schema } : { schema, now });
}

const idOf = (alias: string, entity: string) => [{ expr: attrRef(alias, `${entity}id`), as: 'id' }];
/** contact `referencing`.parentcustomerid points at account `referenced`. */
const parentAccount = (referencing: string, referenced: string): Expr =>
  and(
    cmp('=', attrRef(referenced, 'accountid'), attrRef(referencing, 'parentcustomerid')),
    cmp('=', attrRef(referencing, 'parentcustomeridtype'), lit('account', 'string')),
  )!;

describe('segment query lowering: IR shape', () => {
  it('a TRAVERSE is the last step with an EXISTS over the earlier one', () => {
    const { query, entity } = lowered(
      'PROFILE(contact, c).TRAVERSE(contact_account_parentcustomerid, a, FILTER(a.name == c.lastname))',
    );
    assert.equal(entity.logicalName, 'account');
    const earlier = select(entitySource('contact', 's1'), [], {
      where: and(
        parentAccount('s1', 's2'),
        cmp('=', attrRef('s2', 'name'), attrRef('s1', 'lastname'), true),
      )!,
    });
    assert.deepEqual(
      query,
      select(entitySource('account', 's2'), idOf('s2', 'account'), { where: exists(earlier) }),
    );
  });

  it('set operations on rows of one entity merge into one condition on one scan', () => {
    const x = (alias: string) => cmp('=', attrRef(alias, 'firstname'), lit('x', 'string'), true);
    const y = (alias: string) => cmp('=', attrRef(alias, 'lastname'), lit('y', 'string'), true);
    const one = (where: Expr) => select(entitySource('contact', 's1'), idOf('s1', 'contact'), { where });
    const no = lit(false, 'boolean');
    assert.deepEqual(
      lowered("PROFILE(contact).FILTER(lastname == 'y') EXCEPT PROFILE(contact).FILTER(firstname == 'x')")
        .query,
      one(and(y('s1'), { kind: 'not', operand: { kind: 'coalesce', operands: [x('s1'), no] } })!),
    );
    assert.deepEqual(
      lowered("PROFILE(contact).FILTER(lastname == 'y') INTERSECT PROFILE(contact).FILTER(firstname == 'x')")
        .query,
      one(and(y('s1'), x('s1'))!),
    );
    assert.deepEqual(
      lowered("PROFILE(contact).FILTER(lastname == 'y') UNION PROFILE(contact).FILTER(firstname == 'x')")
        .query,
      one({ kind: 'or', operands: [y('s1'), x('s1')] }),
    );
  });

  it('EXCEPT of an id set is an anti-join on the id', () => {
    const { query } = lowered(
      "PROFILE(contact) EXCEPT (PROFILE(contact).FILTER(firstname == 'x') UNION PROFILE(contact))",
    );
    const right = {
      kind: 'setop' as const,
      op: 'union' as const,
      left: select(entitySource('contact', 's2'), idOf('s2', 'contact'), {
        where: cmp('=', attrRef('s2', 'firstname'), lit('x', 'string'), true),
      }),
      right: select(entitySource('contact', 's3'), idOf('s3', 'contact')),
    };
    const member = select({ kind: 'subquery', query: right, alias: 's4' }, [], {
      where: cmp('=', { kind: 'column', source: 's4', column: 'id' }, attrRef('s1', 'contactid')),
    });
    assert.deepEqual(
      query,
      select(entitySource('contact', 's1'), idOf('s1', 'contact'), { where: exists(member, true) }),
    );
  });

  it('UNION and INTERSECT are set operations over id queries', () => {
    const { query } = lowered('PROFILE(contact) UNION PROFILE(contact) INTERSECT PROFILE(contact)');
    assert.deepEqual(query, {
      kind: 'setop',
      op: 'intersect',
      left: {
        kind: 'setop',
        op: 'union',
        left: select(entitySource('contact', 's1'), idOf('s1', 'contact')),
        right: select(entitySource('contact', 's2'), idOf('s2', 'contact')),
      },
      right: select(entitySource('contact', 's3'), idOf('s3', 'contact')),
    });
  });

  it('literals take the type of the property they meet', () => {
    const { query } = lowered(
      "PROFILE(contact).FILTER(birthdate > '2017-03-30' && parentcustomerid == '{1CC00A15-37EF-E911-A81D-000D3A6D200C}' && annualincome > 3)",
    );
    assert.equal(query.kind, 'select');
    assert.deepEqual(
      query.kind === 'select' ? query.where : undefined,
      and(
        cmp('>', attrRef('s1', 'birthdate'), lit('2017-03-30', 'date')),
        cmp('=', attrRef('s1', 'parentcustomerid'), lit('1cc00a15-37ef-e911-a81d-000d3a6d200c', 'guid')),
        cmp('>', attrRef('s1', 'annualincome'), lit(3, 'decimal')),
      ),
    );
  });

  it('DATETIMEUTCNOW is the evaluation time truncated to the minute', () => {
    const fixed = lowered(
      'PROFILE(contact).FILTER(createdon < DATETIMEUTCNOW())',
      new Date('2021-06-01T12:34:56Z'),
    );
    const clock = lowered('PROFILE(contact).FILTER(createdon < DATETIMEUTCNOW())');
    const whereOf = (q: typeof fixed.query) => (q.kind === 'select' ? q.where : undefined);
    assert.deepEqual(
      whereOf(fixed.query),
      cmp('<', attrRef('s1', 'createdon'), lit('2021-06-01T12:34:00Z', 'datetime')),
    );
    assert.deepEqual(
      whereOf(clock.query),
      cmp('<', attrRef('s1', 'createdon'), { kind: 'dateTrunc', part: 'minute', operand: { kind: 'now' } }),
    );
  });
});
