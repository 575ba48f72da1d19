import type { EntityMetadata } from '../../metadata/model.ts';
import type { LinkEntityNode } from '../ast.ts';

/**
 * The entities a FetchXML condition or order can refer to, by the names the query gives them:
 * the root entity and the aliases of link-entities. Each query level (the main query, the
 * subquery of an `exists`/`any`/… link) has its own scope that also sees the levels around it.
 * SQL aliases are segmentd's own (`r`, `l1`, `l2`, …): names from the query never reach SQL.
 */

export interface BoundEntity {
  /** The alias the IR uses. */
  readonly sqlAlias: string;
  readonly entity: EntityMetadata;
  /** The alias as written (or generated, `account1`) for link-entities; '' for the root. */
  readonly name: string;
  /** True when the rows of this entity are one per parent row at most (it cannot repeat parents). */
  readonly single: boolean;
}

/** A link-entity joined into the main query (its columns and orders are the query's). */
export interface JoinedLink {
  readonly node: LinkEntityNode;
  readonly bound: BoundEntity;
}

export class AliasScope {
  private readonly entries: BoundEntity[];

  constructor(
    readonly parent?: AliasScope,
    entries: readonly BoundEntity[] = [],
  ) {
    this.entries = [...entries];
  }

  bind(b: BoundEntity): void {
    this.entries.push(b);
  }

  /** The entity bound to a link-entity alias here or in an enclosing level. */
  lookup(name: string): BoundEntity | undefined {
    return this.entries.find((e) => e.name === name && name !== '') ?? this.parent?.lookup(name);
  }

  /**
   * The scope as it is now. Conditions in a join's ON clause see only the entities joined before
   * it (SQL binds aliases in order), so they are lowered in a snapshot.
   */
  snapshot(): AliasScope {
    return new AliasScope(this.parent, this.entries);
  }

  /** Every alias name visible, innermost first (for error hints). */
  names(): string[] {
    return [...this.entries.map((e) => e.name).filter((n) => n !== ''), ...(this.parent?.names() ?? [])];
  }
}
