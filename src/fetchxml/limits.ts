/**
 * Bounds on the size of a FetchXML query, so that no input can make the parser, the lowering or
 * the SQL compiler recurse or work without limit. They are far above what real queries use
 * (Dataverse itself allows 15 link-entity elements and 500 conditions per filter).
 */
export const FetchXmlLimits = {
  /** Nesting depth of elements (fetch > entity > filter > filter > …). */
  maxDepth: 48,
  /** Elements in one document. */
  maxElements: 5000,
  /** link-entity elements in one query (Dataverse's own limit). */
  maxLinkEntities: 15,
  /** Values of one condition (`in`, `not-in`). */
  maxValues: 5000,
  /** The largest `count` (page size) and `top`, as in Dataverse. */
  maxPageSize: 5000,
  /** `page` numbers beyond this would skip more rows than any store should scan. */
  maxPage: 1_000_000,
} as const;
