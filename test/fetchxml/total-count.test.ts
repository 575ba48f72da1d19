import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordService } from '../../src/engine/records.ts';
import { countQuery, FetchXmlError, prepareFetchXml, runFetchXml } from '../../src/fetchxml/index.ts';
import type { FetchXmlReader } from '../../src/fetchxml/index.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { storeTargets, withStore } from '../support/stores.ts';

/**
 * The total (`returntotalrecordcount`) of a page read by position: taken from the page itself
 * when the page shows it (the last page, not past the end), else from the count query — and
 * always equal to what the count query says.
 */

const schema = schemaFromDocument(undefined);

/** Contacts: lastname c1…c7; firstname Ann ×3, Bob ×2, Cy ×2; children 1 for c1…c6. */
const CONTACTS = [1, 2, 3, 4, 5, 6, 7].map((i) => ({
  lastname: `c${i}`,
  firstname: i <= 3 ? 'Ann' : i <= 5 ? 'Bob' : 'Cy',
  numberofchildren: i <= 6 ? 1 : 2,
}));

const fetch = (attributes: string, paging: string, filter = '') =>
  `<fetch ${paging} returntotalrecordcount="true"><entity name="contact">${attributes}${filter}<order attribute="lastname"/></entity></fetch>`;
const LASTNAME = '<attribute name="lastname"/>';
const ONE_CHILD = '<filter><condition attribute="numberofchildren" operator="eq" value="1"/></filter>';

interface Case {
  name: string;
  xml: string;
  rows: number;
  total: number;
  /** Whether the count query has to run. */
  counted: boolean;
}

const CASES: Case[] = [
  {
    name: 'one page holds all',
    xml: fetch(LASTNAME, 'count="10" page="1"'),
    rows: 7,
    total: 7,
    counted: false,
  },
  {
    name: 'a page exactly full',
    xml: fetch(LASTNAME, 'count="7" page="1"'),
    rows: 7,
    total: 7,
    counted: false,
  },
  { name: 'more pages follow', xml: fetch(LASTNAME, 'count="3" page="1"'), rows: 3, total: 7, counted: true },
  { name: 'the last page', xml: fetch(LASTNAME, 'count="3" page="3"'), rows: 1, total: 7, counted: false },
  {
    name: 'the last page, full, filtered',
    xml: fetch(LASTNAME, 'count="3" page="2"', ONE_CHILD),
    rows: 3,
    total: 6,
    counted: false,
  },
  { name: 'past the end', xml: fetch(LASTNAME, 'count="3" page="4"'), rows: 0, total: 7, counted: true },
  {
    name: 'nothing at all',
    xml: fetch(
      LASTNAME,
      'count="3" page="1"',
      '<filter><condition attribute="numberofchildren" operator="eq" value="9"/></filter>',
    ),
    rows: 0,
    total: 0,
    counted: false,
  },
  {
    // FetchXML refuses top with returntotalrecordcount; $count=true with $top counts all rows.
    name: 'top',
    xml: '<fetch top="2"><entity name="contact"><attribute name="lastname"/><order attribute="lastname"/></entity></fetch>',
    rows: 2,
    total: 7,
    counted: true,
  },
  {
    name: 'distinct rows',
    xml: '<fetch distinct="true" count="5" page="1" returntotalrecordcount="true"><entity name="contact"><attribute name="firstname"/><order attribute="firstname"/></entity></fetch>',
    rows: 3,
    total: 3,
    counted: false,
  },
];

for (const target of storeTargets()) {
  describe(`total record count of FetchXML pages (${target.name})`, () => {
    it('comes from the page when it shows it, from the count query otherwise, and always agrees with it', () =>
      withStore(target, schema, async (store) => {
        await new RecordService(store).createMultiple('contact', CONTACTS);
        for (const c of CASES) {
          const q = prepareFetchXml(schema, c.xml);
          assert.ok(!(q instanceof FetchXmlError), c.name);
          let selects = 0;
          const reader: FetchXmlReader = {
            select: (query) => {
              selects++;
              return store.select(query);
            },
          };
          const page = await runFetchXml(reader, q, { count: true });
          const counted = Number((await store.select(countQuery(q)))[0]?.n);
          assert.equal(page.rows.length, c.rows, c.name);
          assert.equal(page.totalCount, c.total, c.name);
          assert.equal(counted, c.total, `${c.name}: the count query`);
          assert.equal(selects, c.counted ? 2 : 1, `${c.name}: queries run`);
        }
      }));
  });
}
