import type {
  AggregateFunction,
  AttributeNode,
  ConditionNode,
  DateGrouping,
  EntityContent,
  EntityNode,
  FetchNode,
  FilterItem,
  FilterNode,
  LinkEntityNode,
  LinkType,
  OrderNode,
  ValueNode,
} from './ast.ts';
import { FILTER_LINK_TYPES } from './ast.ts';
import { FetchXmlError, fetchXmlError } from './errors.ts';
import { FetchXmlLimits } from './limits.ts';
import type { XmlElement } from './xml-document.ts';
import { readXmlDocument } from './xml-document.ts';

/**
 * FetchXML text → `FetchNode`. The XML must be well-formed (see `readXmlDocument`) and follow the
 * FetchXML schema: known elements in their places, known attributes with values of their types.
 * Names of entities, attributes and operators are checked later, against the metadata.
 */

/** The attributes each element may carry (Fetch.xsd, plus the newer ones Dataverse accepts). */
const ATTRIBUTES: Record<string, readonly string[]> = {
  fetch: [
    'version',
    'count',
    'page',
    'paging-cookie',
    'utc-offset',
    'aggregate',
    'aggregatelimit',
    'distinct',
    'top',
    'mapping',
    'min-active-row-version',
    'output-format',
    'returntotalrecordcount',
    'no-lock',
    'latematerialize',
    'options',
    'datasource',
    'useraworderby',
  ],
  entity: ['name', 'enableprefiltering', 'prefilterparametername'],
  'link-entity': [
    'name',
    'from',
    'to',
    'alias',
    'link-type',
    'visible',
    'intersect',
    'enableprefiltering',
    'prefilterparametername',
  ],
  attribute: [
    'name',
    'alias',
    'aggregate',
    'groupby',
    'dategrouping',
    'usertimezone',
    'distinct',
    'rowaggregate',
    'build',
    'addedby',
  ],
  'all-attributes': [],
  order: ['attribute', 'alias', 'descending', 'entityname'],
  filter: [
    'type',
    'isquickfindfields',
    'overridequickfindrecordlimitenabled',
    'overridequickfindrecordlimitdisabled',
    'hint',
  ],
  condition: [
    'attribute',
    'column',
    'entityname',
    'operator',
    'value',
    'valueof',
    'aggregate',
    'alias',
    'rowaggregate',
    'uiname',
    'uitype',
    'uihidden',
  ],
  value: ['uiname', 'uitype'],
};

/** Child elements each element may hold. */
const CHILDREN: Record<string, readonly string[]> = {
  fetch: ['entity'],
  entity: ['all-attributes', 'attribute', 'order', 'link-entity', 'filter'],
  'link-entity': ['all-attributes', 'attribute', 'order', 'link-entity', 'filter'],
  attribute: [],
  'all-attributes': [],
  order: [],
  filter: ['condition', 'filter', 'link-entity'],
  condition: ['value'],
  value: [],
};

const LINK_TYPES: readonly LinkType[] = [
  'inner',
  'outer',
  'exists',
  'in',
  'any',
  'not any',
  'all',
  'not all',
];
const AGGREGATES: readonly AggregateFunction[] = ['count', 'countcolumn', 'sum', 'avg', 'min', 'max'];
const DATE_GROUPINGS: readonly DateGrouping[] = [
  'day',
  'week',
  'month',
  'quarter',
  'year',
  'fiscal-period',
  'fiscal-year',
];
const OUTPUT_FORMATS = ['xml-ado', 'xml-auto', 'xml-elements', 'xml-raw', 'xml-platform'];

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

function checkAttributes(el: XmlElement): void {
  const allowed = ATTRIBUTES[el.name] ?? [];
  for (const name of el.attributes.keys()) {
    if (!allowed.includes(name)) {
      throw fetchXmlError(
        el.loc,
        `The '${name}' attribute is not declared for the '${el.name}' element. It may have: ${allowed.length === 0 ? 'no attributes' : list(allowed)}.`,
      );
    }
  }
}

/** Typed access to one element's attributes; every failure names the element and attribute. */
class ElementReader {
  constructor(readonly el: XmlElement) {
    checkAttributes(el);
  }

  private fail(name: string, value: string, expected: string): FetchXmlError {
    return fetchXmlError(
      this.el.loc,
      `The '${name}' attribute of the '${this.el.name}' element has the invalid value '${value}'; expected ${expected}.`,
    );
  }

  string(name: string): string | undefined {
    return this.el.attributes.get(name);
  }

  required(name: string): string {
    const v = this.el.attributes.get(name);
    if (v === undefined || v.trim() === '')
      throw fetchXmlError(this.el.loc, `The '${this.el.name}' element needs a '${name}' attribute.`);
    return v;
  }

  /** A name: trimmed, since XML tools sometimes pad attribute values. */
  name(name: string): string | undefined {
    const v = this.el.attributes.get(name);
    if (v === undefined) return undefined;
    const t = v.trim();
    if (t === '') throw this.fail(name, v, 'a name');
    return t;
  }

  boolean(name: string, dflt = false): boolean {
    const v = this.el.attributes.get(name);
    if (v === undefined) return dflt;
    switch (v.trim().toLowerCase()) {
      case 'true':
      case '1':
        return true;
      case 'false':
      case '0':
        return false;
      default:
        throw this.fail(name, v, "'true', 'false', '1' or '0'");
    }
  }

  integer(name: string, min: number, max: number): number | undefined {
    const v = this.el.attributes.get(name);
    if (v === undefined) return undefined;
    const t = v.trim();
    const n = /^[+-]?\d{1,10}$/.test(t) ? Number(t) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw this.fail(name, v, `a whole number from ${min} to ${max}`);
    return n;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.el.attributes.get(name);
    if (v === undefined) return undefined;
    const t = v.trim();
    const found = values.find((x) => x === t) ?? values.find((x) => x === t.toLowerCase());
    if (found === undefined) throw this.fail(name, v, `one of ${list(values)}`);
    return found;
  }
}

function checkContent(el: XmlElement): void {
  const allowed = CHILDREN[el.name] ?? [];
  for (const child of el.children) {
    if (!allowed.includes(child.name)) {
      throw fetchXmlError(
        child.loc,
        allowed.length === 0
          ? `The '${el.name}' element cannot contain elements, but holds '${child.name}'.`
          : `The '${child.name}' element is not allowed inside '${el.name}'; it may hold: ${list(allowed)}.`,
      );
    }
  }
  if (el.name !== 'value' && el.text.trim() !== '') {
    throw fetchXmlError(el.loc, `The '${el.name}' element cannot contain text.`);
  }
}

function readAttribute(el: XmlElement): AttributeNode {
  checkContent(el);
  const r = new ElementReader(el);
  const alias = r.name('alias');
  const aggregate = r.oneOf('aggregate', AGGREGATES);
  const dateGrouping = r.oneOf('dategrouping', DATE_GROUPINGS);
  const rowAggregate = r.string('rowaggregate');
  return {
    kind: 'attribute',
    loc: el.loc,
    name: r.required('name').trim(),
    ...(alias !== undefined ? { alias } : {}),
    ...(aggregate !== undefined ? { aggregate } : {}),
    groupBy: r.boolean('groupby'),
    ...(dateGrouping !== undefined ? { dateGrouping } : {}),
    distinct: r.boolean('distinct'),
    ...(rowAggregate !== undefined ? { rowAggregate } : {}),
  };
}

function readOrder(el: XmlElement): OrderNode {
  checkContent(el);
  const r = new ElementReader(el);
  const attribute = r.name('attribute');
  const alias = r.name('alias');
  const entityName = r.name('entityname');
  if (attribute === undefined && alias === undefined)
    throw fetchXmlError(el.loc, "The 'order' element needs an 'attribute' or an 'alias' attribute.");
  if (attribute !== undefined && alias !== undefined)
    throw fetchXmlError(
      el.loc,
      "The 'order' element takes an 'attribute' or an 'alias' attribute, not both.",
    );
  return {
    kind: 'order',
    loc: el.loc,
    ...(attribute !== undefined ? { attribute } : {}),
    ...(alias !== undefined ? { alias } : {}),
    ...(entityName !== undefined ? { entityName } : {}),
    descending: r.boolean('descending'),
  };
}

function readValue(el: XmlElement): ValueNode {
  checkContent(el);
  checkAttributes(el);
  return { loc: el.loc, text: el.text };
}

function readCondition(el: XmlElement): ConditionNode {
  checkContent(el);
  const r = new ElementReader(el);
  const attribute = r.name('attribute');
  const column = r.name('column');
  if (attribute !== undefined && column !== undefined && attribute !== column)
    throw fetchXmlError(
      el.loc,
      "The 'condition' element takes an 'attribute' or a 'column' attribute, not both.",
    );
  const name = attribute ?? column;
  const aggregateFilter = ['aggregate', 'alias', 'rowaggregate'].find((a) => el.attributes.has(a));
  if (name === undefined && aggregateFilter === undefined)
    throw fetchXmlError(el.loc, "The 'condition' element needs an 'attribute' attribute.");
  const operator = r.required('operator').trim();
  const value = r.string('value');
  const values = el.children.map(readValue);
  if (value !== undefined && values.length > 0) {
    throw fetchXmlError(
      el.loc,
      `The condition on '${name ?? ''}' has both a 'value' attribute and <value> elements; use one of them.`,
    );
  }
  if (values.length > FetchXmlLimits.maxValues)
    throw fetchXmlError(el.loc, `The condition has more than ${FetchXmlLimits.maxValues} values.`);
  const entityName = r.name('entityname');
  const valueOf = r.name('valueof');
  return {
    kind: 'condition',
    loc: el.loc,
    attribute: name ?? '',
    ...(entityName !== undefined ? { entityName } : {}),
    operator,
    ...(value !== undefined ? { value } : {}),
    values,
    ...(valueOf !== undefined ? { otherColumn: valueOf } : {}),
    ...(aggregateFilter !== undefined ? { aggregateFilter } : {}),
  };
}

function readFilter(el: XmlElement): FilterNode {
  checkContent(el);
  const r = new ElementReader(el);
  const items: FilterItem[] = el.children.map((c): FilterItem => {
    if (c.name === 'condition') return readCondition(c);
    if (c.name === 'filter') return readFilter(c);
    return readLinkEntity(c, true);
  });
  return { kind: 'filter', loc: el.loc, type: r.oneOf('type', ['and', 'or'] as const) ?? 'and', items };
}

function readAllAttributes(el: XmlElement): true {
  checkContent(el);
  checkAttributes(el);
  return true;
}

/** The children shared by `entity` and `link-entity`. */
function readEntityContent(el: XmlElement, r: ElementReader): EntityContent {
  checkContent(el);
  return {
    name: r.required('name').trim(),
    loc: el.loc,
    allAttributes: el.children.filter((c) => c.name === 'all-attributes').map(readAllAttributes).length > 0,
    attributes: el.children.filter((c) => c.name === 'attribute').map(readAttribute),
    orders: el.children.filter((c) => c.name === 'order').map(readOrder),
    links: el.children.filter((c) => c.name === 'link-entity').map((c) => readLinkEntity(c, false)),
    filters: el.children.filter((c) => c.name === 'filter').map(readFilter),
  };
}

function readLinkEntity(el: XmlElement, inFilter: boolean): LinkEntityNode {
  const r = new ElementReader(el);
  const linkType = r.oneOf('link-type', LINK_TYPES) ?? 'inner';
  const filterLink = FILTER_LINK_TYPES.includes(linkType);
  if (inFilter && !filterLink) {
    throw fetchXmlError(
      el.loc,
      `A link-entity inside a filter needs link-type ${list(FILTER_LINK_TYPES)}; '${linkType}' joins and belongs directly in an entity or link-entity.`,
    );
  }
  if (!inFilter && filterLink) {
    throw fetchXmlError(
      el.loc,
      `The link-type '${linkType}' only filters: put this link-entity inside a filter element.`,
    );
  }
  const content = readEntityContent(el, r);
  const from = r.name('from');
  const to = r.name('to');
  const alias = r.name('alias');
  return {
    kind: 'link-entity',
    ...content,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(alias !== undefined ? { alias } : {}),
    linkType,
    intersect: r.boolean('intersect') && r.boolean('visible', true),
  };
}

function readEntity(el: XmlElement): EntityNode {
  return { kind: 'entity', ...readEntityContent(el, new ElementReader(el)) };
}

function readFetch(el: XmlElement): FetchNode {
  if (el.name !== 'fetch') throw fetchXmlError(el.loc, `The root element must be 'fetch', not '${el.name}'.`);
  checkContent(el);
  const r = new ElementReader(el);
  const entities = el.children.filter((c) => c.name === 'entity');
  const [entityEl, second] = entities;
  if (entityEl === undefined) throw fetchXmlError(el.loc, "The 'fetch' element needs one 'entity' element.");
  if (second !== undefined)
    throw fetchXmlError(second.loc, "The 'fetch' element holds exactly one 'entity' element.");
  const max = FetchXmlLimits.maxPageSize;
  const top = r.integer('top', 0, max);
  const count = r.integer('count', 1, max);
  const page = r.integer('page', 1, FetchXmlLimits.maxPage);
  const pagingCookie = r.string('paging-cookie');
  const aggregateLimit = r.integer('aggregatelimit', 1, 50000);
  const mapping = r.oneOf('mapping', ['internal', 'logical'] as const);
  const outputFormat = r.oneOf('output-format', OUTPUT_FORMATS);
  const version = r.string('version');
  const utcOffset = r.integer('utc-offset', -1440, 1440);
  return {
    kind: 'fetch',
    loc: el.loc,
    entity: readEntity(entityEl),
    ...(top !== undefined ? { top } : {}),
    ...(count !== undefined ? { count } : {}),
    ...(page !== undefined ? { page } : {}),
    ...(pagingCookie !== undefined && pagingCookie.trim() !== '' ? { pagingCookie } : {}),
    distinct: r.boolean('distinct'),
    aggregate: r.boolean('aggregate'),
    ...(aggregateLimit !== undefined ? { aggregateLimit } : {}),
    returnTotalRecordCount: r.boolean('returntotalrecordcount'),
    noLock: r.boolean('no-lock'),
    ...(mapping !== undefined ? { mapping } : {}),
    ...(outputFormat !== undefined ? { outputFormat } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(utcOffset !== undefined ? { utcOffset } : {}),
    useRawOrderBy: r.boolean('useraworderby'),
  };
}

/**
 * Parses FetchXML text into its syntax tree. Errors are values: a `FetchXmlError` (400,
 * 0x80040303) with the line and column of the problem, never an exception.
 */
export function parseFetchXml(text: string): FetchNode | FetchXmlError {
  try {
    return readFetch(readXmlDocument(text));
  } catch (err) {
    if (err instanceof FetchXmlError) return err;
    throw err;
  }
}
