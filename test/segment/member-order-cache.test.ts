import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attrRef, cmp, entitySource, keyRef, lit, select } from '../../src/ir/build.ts';
import type { SelectQuery } from '../../src/ir/nodes.ts';
import { MemberOrderCache } from '../../src/segment/member-order-cache.ts';
import { memberOrderPlan } from '../../src/segment/member-order.ts';

/**
 * The ordered member lists kept between FetchContactsByQuery pages: a list is served only at the
 * exact change versions it was read under, reads of one list at one version are shared, a list
 * read before a later one never replaces it, and the bounds hold. And which page queries have a
 * list at all (the plan).
 */

const list = (...keys: number[]) => Int32Array.from(keys);

describe('MemberOrderCache', () => {
  it('serves a list only at the versions it was read under', async () => {
    const cache = new MemberOrderCache();
    let reads = 0;
    const read = (keys: Int32Array) => () => {
      reads++;
      return Promise.resolve(keys);
    };
    assert.deepEqual(await cache.get('q', [1, 1], read(list(3, 1, 2))), list(3, 1, 2));
    assert.deepEqual(await cache.get('q', [1, 1], read(list(9))), list(3, 1, 2));
    assert.equal(reads, 1);
    // A write raised the second table's version: the list is read again.
    assert.deepEqual(await cache.get('q', [1, 2], read(list(1, 2))), list(1, 2));
    assert.equal(reads, 2);
    assert.equal(cache.peek('q', [1, 1]), undefined);
    assert.deepEqual(await cache.peek('q', [1, 2]), list(1, 2));
    assert.equal(cache.peek('other', [1, 2]), undefined);
  });

  it('shares one read between concurrent requests, and forgets a failed one', async () => {
    const cache = new MemberOrderCache();
    let reads = 0;
    let release: (keys: Int32Array) => void = () => undefined;
    const pending = new Promise<Int32Array>((resolve) => (release = resolve));
    const read = () => {
      reads++;
      return pending;
    };
    const a = cache.get('q', [4], read);
    const b = cache.get('q', [4], read);
    release(list(7, 8));
    assert.deepEqual(await a, list(7, 8));
    assert.deepEqual(await b, list(7, 8));
    assert.equal(reads, 1);

    await assert.rejects(
      cache.get('f', [1], () => Promise.reject(new Error('store closed'))),
      /store closed/,
    );
    await Promise.resolve();
    assert.equal(cache.peek('f', [1]), undefined);
  });

  it('keeps the list of later versions when an earlier reader comes back', async () => {
    const cache = new MemberOrderCache();
    await cache.get('q', [5], () => Promise.resolve(list(1)));
    // A request that read version 4 before the write still gets a fresh read, not kept.
    assert.deepEqual(await cache.get('q', [4], () => Promise.resolve(list(2))), list(2));
    assert.deepEqual(await cache.peek('q', [5]), list(1));
    assert.equal(cache.peek('q', [4]), undefined);
  });

  it('drops the least recently used lists beyond its bounds, and never keeps one beyond the budget', async () => {
    const cache = new MemberOrderCache({ maxLists: 2, maxKeys: 5 });
    await cache.get('a', [1], () => Promise.resolve(list(1, 2)));
    await cache.get('b', [1], () => Promise.resolve(list(1, 2)));
    assert.ok(cache.peek('a', [1]) !== undefined); // a is now the most recently used
    await cache.get('c', [1], () => Promise.resolve(list(1)));
    assert.equal(cache.peek('b', [1]), undefined);
    assert.deepEqual(cache.stats, { lists: 2, keys: 3 });
    assert.deepEqual(
      await cache.get('big', [1], () => Promise.resolve(list(1, 2, 3, 4, 5, 6))),
      list(1, 2, 3, 4, 5, 6),
    );
    await Promise.resolve();
    assert.equal(cache.peek('big', [1]), undefined);
    assert.ok(cache.stats.keys <= 5);
  });
});

describe('memberOrderPlan', () => {
  const page = (extra: Partial<SelectQuery> = {}): SelectQuery => ({
    ...select(entitySource('contact', 's1'), [{ expr: attrRef('s1', 'contactid'), as: 'id' }], {
      where: {
        kind: 'exists',
        negated: false,
        query: select({ kind: 'segmentMembers', alias: 's2' }, [], {
          where: cmp('=', { kind: 'column', source: 's2', column: 'contact_key' }, keyRef('s1')),
        }),
      },
      orderBy: [
        { expr: attrRef('s1', 'fullname'), direction: 'asc' },
        { expr: attrRef('s1', 'contactid'), direction: 'asc' },
      ],
      offset: 30,
      limit: 15,
    }),
    ...extra,
  });

  it('reads every member key in the page order, without SKIP/TAKE, from the tables it names', () => {
    const plan = memberOrderPlan(page());
    assert.ok(plan !== undefined);
    assert.equal(plan.keysQuery.offset, undefined);
    assert.equal(plan.keysQuery.limit, undefined);
    assert.deepEqual(plan.keysQuery.columns, [{ expr: keyRef('s1'), as: 'k' }]);
    assert.deepEqual(plan.keysQuery.orderBy, page().orderBy);
    assert.deepEqual(plan.tables, ['contact', 'sd_segment_member']);
    // Pages at other depths share the list; another condition has another one.
    assert.equal(memberOrderPlan(page({ offset: 90_000 }))?.text, plan.text);
    const other = page({ where: cmp('=', attrRef('s1', 'firstname'), lit('Ann', 'string')) });
    assert.notEqual(memberOrderPlan(other)?.text, plan.text);
  });

  it('has no list for unordered queries or queries that depend on the time', () => {
    assert.equal(memberOrderPlan(page({ orderBy: [] })), undefined);
    assert.equal(
      memberOrderPlan(page({ where: cmp('<', attrRef('s1', 'createdon'), { kind: 'now' }) })),
      undefined,
    );
    assert.equal(memberOrderPlan(page({ distinct: true })), undefined);
  });
});
