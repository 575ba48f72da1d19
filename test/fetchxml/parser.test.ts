import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConditionNode, FetchNode, FilterNode, LinkEntityNode } from '../../src/fetchxml/index.ts';
import { FetchXmlError, parseFetchXml } from '../../src/fetchxml/index.ts';

/** The FetchXML parser: a kitchen-sink document read into its typed tree, with positions. */

function parse(text: string): FetchNode {
  const r = parseFetchXml(text);
  if (r instanceof FetchXmlError) assert.fail(r.message);
  return r;
}

const KITCHEN_SINK = `<?xml version="1.0" encoding="utf-8"?>
<!-- a comment -->
<fetch version="1.0" count="25" page="3" paging-cookie="&lt;cookie page=&quot;2&quot;/&gt;" utc-offset="-60"
       aggregate="false" distinct="1" mapping="logical" output-format="xml-platform"
       returntotalrecordcount="True" no-lock="false" useraworderby="0">
  <entity name="contact">
    <all-attributes />
    <attribute name="fullname" alias="name" />
    <order attribute="lastname" descending="true" />
    <order entityname="acc" attribute="name" />
    <link-entity name="account" from="accountid" to="parentcustomerid" alias="acc" link-type="outer" visible="false" intersect="true">
      <attribute name="name" />
      <filter type="or">
        <condition attribute="name" operator="like" value="C%" />
        <condition column="address1_city" operator="null" />
      </filter>
      <link-entity name="account" from="accountid" to="parentaccountid" />
    </link-entity>
    <filter>
      <condition attribute="address1_city" operator="in">
        <value>Paris</value>
        <value uiname="x" uitype="y"><![CDATA[A & B <c>]]></value>
        <value>&amp;&#65;&#x42;</value>
      </condition>
      <condition entityname="acc" attribute="numberofemployees" operator="gt" valueof="acc.revenue" />
      <filter type="and" />
      <link-entity name="contact" from="parentcustomerid" to="contactid" link-type="not any">
        <filter><condition attribute="statecode" operator="eq" value="0" /></filter>
      </link-entity>
    </filter>
  </entity>
</fetch>`;

describe('FetchXML parser', () => {
  it('reads every element and attribute of a kitchen-sink query', () => {
    const f = parse(KITCHEN_SINK);
    assert.deepEqual(
      {
        count: f.count,
        page: f.page,
        pagingCookie: f.pagingCookie,
        utcOffset: f.utcOffset,
        aggregate: f.aggregate,
        distinct: f.distinct,
        mapping: f.mapping,
        outputFormat: f.outputFormat,
        total: f.returnTotalRecordCount,
        noLock: f.noLock,
        raw: f.useRawOrderBy,
        version: f.version,
      },
      {
        count: 25,
        page: 3,
        pagingCookie: '<cookie page="2"/>',
        utcOffset: -60,
        aggregate: false,
        distinct: true,
        mapping: 'logical',
        outputFormat: 'xml-platform',
        total: true,
        noLock: false,
        raw: false,
        version: '1.0',
      },
    );
    const e = f.entity;
    assert.equal(e.name, 'contact');
    assert.equal(e.allAttributes, true);
    assert.deepEqual(
      e.attributes.map((a) => [a.name, a.alias]),
      [['fullname', 'name']],
    );
    assert.deepEqual(
      e.orders.map((o) => [o.attribute, o.entityName, o.descending]),
      [
        ['lastname', undefined, true],
        ['name', 'acc', false],
      ],
    );
    const link = e.links[0] as LinkEntityNode;
    assert.deepEqual(
      [link.name, link.from, link.to, link.alias, link.linkType, link.intersect],
      ['account', 'accountid', 'parentcustomerid', 'acc', 'outer', false],
    );
    assert.equal(link.links[0]?.linkType, 'inner');
    const linkFilter = link.filters[0] as FilterNode;
    assert.equal(linkFilter.type, 'or');
    assert.deepEqual(
      linkFilter.items.map((c) => [
        (c as ConditionNode).attribute,
        (c as ConditionNode).operator,
        (c as ConditionNode).value,
      ]),
      [
        ['name', 'like', 'C%'],
        ['address1_city', 'null', undefined],
      ],
    );
    const filter = e.filters[0] as FilterNode;
    assert.equal(filter.type, 'and');
    const [inCond, valueOf, empty, notAny] = filter.items as [
      ConditionNode,
      ConditionNode,
      FilterNode,
      LinkEntityNode,
    ];
    assert.deepEqual(
      inCond.values.map((v) => v.text),
      ['Paris', 'A & B <c>', '&AB'],
    );
    assert.deepEqual([valueOf.entityName, valueOf.otherColumn], ['acc', 'acc.revenue']);
    assert.deepEqual(empty.items, []);
    assert.equal(notAny.linkType, 'not any');
  });

  it('gives every element the line and column of its <', () => {
    const f = parse(KITCHEN_SINK);
    assert.deepEqual(f.loc, { line: 3, column: 1 });
    assert.deepEqual(f.entity.loc, { line: 6, column: 3 });
    assert.deepEqual(f.entity.links[0]?.loc, { line: 11, column: 5 });
    const filter = f.entity.filters[0] as FilterNode;
    assert.deepEqual(filter.loc, { line: 19, column: 5 });
    const inCond = filter.items[0] as ConditionNode;
    assert.deepEqual(inCond.loc, { line: 20, column: 7 });
    assert.deepEqual(
      inCond.values.map((v) => v.loc),
      [
        { line: 21, column: 9 },
        { line: 22, column: 9 },
        { line: 23, column: 9 },
      ],
    );
    // A name followed by a line break, and Windows line ends.
    const crlf = parse('<fetch\r\n  count="2">\r\n\r\n   <entity\r\nname="contact"/></fetch>');
    assert.deepEqual(crlf.entity.loc, { line: 4, column: 4 });
  });

  it('applies the defaults of the schema', () => {
    const f = parse('<fetch><entity name="account"><link-entity name="contact"/></entity></fetch>');
    assert.deepEqual(
      [f.distinct, f.aggregate, f.returnTotalRecordCount, f.count, f.page, f.top, f.pagingCookie],
      [false, false, false, undefined, undefined, undefined, undefined],
    );
    assert.equal(f.entity.links[0]?.linkType, 'inner');
    assert.equal(f.entity.allAttributes, false);
  });

  it('accepts the boolean spellings true/false/1/0 in any case, and trims names', () => {
    for (const [text, value] of [
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ] as const) {
      assert.equal(parse(`<fetch distinct="${text}"><entity name=" contact "/></fetch>`).distinct, value);
    }
    assert.equal(parse('<fetch><entity name=" contact "/></fetch>').entity.name, 'contact');
  });

  it('returns errors as values, never throws', () => {
    for (const text of ['', '<', '<fetch', '<fetch><entity/></fetch>', '\u0000', '<fetch>&#0;</fetch>']) {
      const r = parseFetchXml(text);
      assert.ok(r instanceof FetchXmlError, text);
    }
  });
});
