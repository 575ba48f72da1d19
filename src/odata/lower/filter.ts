import {
  and,
  attrRef,
  cmp,
  entitySource,
  exists,
  isNull,
  keyRef,
  lit,
  not,
  or,
  select,
} from '../../ir/build.ts';
import type { Expr, Join, SelectQuery } from '../../ir/nodes.ts';
import type { NavigationProperty } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';
import type {
  BoundPredicate,
  BoundProperty,
  BoundValue,
  FilterClause,
  RangeVariable,
} from '../language/semantic.ts';
import { lowerDateFunction } from './relative-dates.ts';
import { AliasAllocator, lookupTypeAttribute, relationshipCondition } from './relationships.ts';

/**
 * `$filter` → IR `Expr` over the caller's alias for the filtered entity.
 *
 * Navigation paths become correlated `EXISTS` subqueries: a condition on
 * `parentcustomerid_account/name` holds when the account the lookup points at exists and meets
 * it. A path through a missing row is null in OData, so `path eq null` is lowered as "no related
 * row with a non-null value" (`NOT EXISTS … IS NOT NULL`). Lambdas: `any` is `EXISTS` over the
 * related rows; `all` is `NOT EXISTS` over the related rows where the condition is not true
 * (false or unknown), so rows with no related rows satisfy `all`.
 */

interface Chain {
  readonly variable: RangeVariable;
  readonly navigation: readonly NavigationProperty[];
  /** Alias of each hop's target, in order. */
  readonly aliases: readonly string[];
}

const chainKey = (variable: RangeVariable, navigation: readonly NavigationProperty[]) =>
  `${variable.id}:${navigation.map((n) => `${n.entity}.${n.name}`).join('/')}`;

function propertiesOf(p: BoundPredicate): BoundProperty[] {
  const out: BoundProperty[] = [];
  const visit = (v: BoundValue) => {
    if (v.kind === 'property') out.push(v);
    else if (v.kind === 'arith') {
      visit(v.left);
      visit(v.right);
    } else if (v.kind === 'negate') visit(v.operand);
  };
  switch (p.kind) {
    case 'compare':
      visit(p.left);
      visit(p.right);
      break;
    case 'isNull':
      visit(p.operand);
      break;
    case 'text':
      visit(p.operand);
      visit(p.text);
      break;
    case 'in':
    case 'between':
    case 'date':
      visit(p.operand);
      break;
    default:
      break;
  }
  return out;
}

/** Literal text as a Dataverse LIKE pattern: contains/startswith/endswith treat `%`, `_`, `[` as wildcards. */
const WILDCARD = /[%_[]/;

class FilterLowering {
  private readonly variables = new Map<number, string>();
  private readonly aliases: AliasAllocator;

  constructor(
    private readonly schema: Schema,
    root: RangeVariable,
    rootAlias: string,
  ) {
    this.variables.set(root.id, rootAlias);
    this.aliases = new AliasAllocator(`${rootAlias}_f`);
  }

  private aliasOf(v: RangeVariable): string {
    const a = this.variables.get(v.id);
    if (a === undefined) throw new Error(`range variable '${v.name}' used outside its lambda`);
    return a;
  }

  lower(p: BoundPredicate): Expr {
    switch (p.kind) {
      case 'constant':
        return lit(p.value, 'boolean');
      case 'and':
        return and(...p.operands.map((o) => this.lower(o))) ?? lit(true, 'boolean');
      case 'or':
        return or(...p.operands.map((o) => this.lower(o)));
      case 'not':
        return not(this.lower(p.operand));
      case 'related':
        return this.related(p.variable, p.navigation, p.negated);
      case 'lambda':
        return this.lambda(p);
      default:
        return this.atomic(p);
    }
  }

  // ---- conditions on columns, lifted through navigation paths --------------------------------

  private atomic(p: BoundPredicate): Expr {
    const props = propertiesOf(p);
    const chains = new Map<string, Chain>();
    for (const prop of props) {
      if (prop.navigation.length === 0) continue;
      const key = chainKey(prop.variable, prop.navigation);
      if (!chains.has(key)) {
        chains.set(key, {
          variable: prop.variable,
          navigation: prop.navigation,
          aliases: prop.navigation.map(() => this.aliases.next()),
        });
      }
    }
    const ref = (prop: BoundProperty): Expr => {
      if (prop.navigation.length === 0)
        return attrRef(this.aliasOf(prop.variable), prop.attribute.logicalName);
      const chain = chains.get(chainKey(prop.variable, prop.navigation))!;
      return attrRef(chain.aliases[chain.aliases.length - 1]!, prop.attribute.logicalName);
    };
    const [only] = chains.values();
    if (
      p.kind === 'isNull' &&
      !p.negated &&
      chains.size === 1 &&
      only !== undefined &&
      p.operand.kind === 'property'
    ) {
      // A missing related row makes the path null, so `eq null` holds unless a related row has a value.
      return exists(this.chainQuery(only, isNull(ref(p.operand), true)), true);
    }
    let condition = this.column(p, ref);
    for (const chain of [...chains.values()].reverse()) condition = exists(this.chainQuery(chain, condition));
    return condition;
  }

  /** `SELECT FROM hop1 JOIN hop2 … WHERE hop1 is the row the variable's lookup points at AND condition`. */
  private chainQuery(chain: Chain, condition: Expr | undefined): SelectQuery {
    const from = this.aliasOf(chain.variable);
    const [first, ...rest] = chain.navigation;
    const firstAlias = chain.aliases[0]!;
    const joins: Join[] = rest.map((nav, i) => ({
      type: 'inner',
      source: entitySource(nav.targetEntity, chain.aliases[i + 1]!),
      on: relationshipCondition(this.schema, nav.relationship, chain.aliases[i]!, chain.aliases[i + 1]!),
    }));
    const correlation = relationshipCondition(this.schema, first!.relationship, from, firstAlias);
    const where = and(correlation, condition);
    return select(entitySource(first!.targetEntity, firstAlias), [{ expr: keyRef(firstAlias), as: 'k' }], {
      joins,
      ...(where !== undefined ? { where } : {}),
    });
  }

  private value(v: BoundValue, ref: (p: BoundProperty) => Expr): Expr {
    switch (v.kind) {
      case 'property':
        return ref(v);
      case 'literal':
        return lit(v.value, v.type);
      case 'null':
        return { kind: 'null' };
      case 'arith':
        return { kind: 'arith', op: v.op, left: this.value(v.left, ref), right: this.value(v.right, ref) };
      case 'negate':
        return { kind: 'negate', operand: this.value(v.operand, ref) };
    }
  }

  private column(p: BoundPredicate, ref: (p: BoundProperty) => Expr): Expr {
    const val = (v: BoundValue) => this.value(v, ref);
    switch (p.kind) {
      case 'compare':
        return cmp(p.op, val(p.left), val(p.right), p.ci);
      case 'isNull':
        return isNull(val(p.operand), p.negated);
      case 'text': {
        const operand = val(p.operand);
        if (p.text.kind === 'literal' && typeof p.text.value === 'string' && WILDCARD.test(p.text.value)) {
          const t = p.text.value;
          const pattern = p.op === 'contains' ? `%${t}%` : p.op === 'startsWith' ? `${t}%` : `%${t}`;
          return { kind: 'text', op: 'like', operand, pattern: lit(pattern, 'string'), negated: false };
        }
        return { kind: 'text', op: p.op, operand, pattern: val(p.text), negated: false };
      }
      case 'in': {
        const operand = val(p.operand);
        const values = p.values.map((v) => lit(v.value, v.type));
        const test: Expr = p.ci
          ? { kind: 'in', operand, values, negated: p.negated, ci: true }
          : { kind: 'in', operand, values, negated: p.negated };
        if (!p.matchesNull) return test;
        // `in (…, null)` also matches nulls; `NotIn([…, null])` excludes them.
        return p.negated ? (and(test, isNull(operand, true)) ?? test) : or(test, isNull(operand));
      }
      case 'between': {
        const operand = val(p.operand);
        const ci = p.operand.kind !== 'null' && p.operand.type === 'string';
        const low = lit(p.low.value, p.low.type);
        const high = lit(p.high.value, p.high.type);
        if (p.negated) return or(cmp('<', operand, low, ci), cmp('>', operand, high, ci));
        return and(cmp('>=', operand, low, ci), cmp('<=', operand, high, ci)) ?? lit(true, 'boolean');
      }
      case 'date': {
        const type = p.operand.type === 'date' ? 'date' : 'datetime';
        return lowerDateFunction(p.fn, val(p.operand), type, p.amount ?? 0, p.date ?? '');
      }
      default:
        throw new Error(`not a column condition: ${p.kind}`);
    }
  }

  // ---- existence of related rows -------------------------------------------------------------

  private related(
    variable: RangeVariable,
    navigation: readonly NavigationProperty[],
    negated: boolean,
  ): Expr {
    const from = this.aliasOf(variable);
    const [first] = navigation;
    if (navigation.length === 1 && first !== undefined) {
      // One hop: the lookup column answers it without a subquery.
      const rel = first.relationship;
      const typeAttribute = lookupTypeAttribute(this.schema, rel);
      const present =
        and(
          isNull(attrRef(from, rel.referencingAttribute), true),
          typeAttribute !== undefined
            ? cmp('=', attrRef(from, typeAttribute), lit(rel.referencedEntity, 'string'))
            : undefined,
        ) ?? lit(true, 'boolean');
      return negated ? not(present) : present;
    }
    const chain: Chain = { variable, navigation, aliases: navigation.map(() => this.aliases.next()) };
    return exists(this.chainQuery(chain, undefined), negated);
  }

  private lambda(p: Extract<BoundPredicate, { kind: 'lambda' }>): Expr {
    const outer = this.aliasOf(p.variable);
    const prefix = p.navigation.map(() => this.aliases.next());
    const child = this.aliases.next();
    this.variables.set(p.rangeVariable.id, child);
    const inner = p.predicate !== undefined ? this.lower(p.predicate) : undefined;
    // Rows where the condition is not true: false or unknown (null), hence the coalesce.
    const condition =
      p.operator === 'all' && inner !== undefined
        ? not({ kind: 'coalesce', operands: [inner, lit(false, 'boolean')] })
        : inner;
    const childJoin = (parent: string): Expr =>
      relationshipCondition(this.schema, p.collection.relationship, child, parent);
    let query: SelectQuery;
    if (prefix.length === 0) {
      const where = and(childJoin(outer), condition);
      query = select(
        entitySource(p.collection.targetEntity, child),
        [{ expr: keyRef(child), as: 'k' }],
        where !== undefined ? { where } : {},
      );
    } else {
      const chain: Chain = { variable: p.variable, navigation: p.navigation, aliases: prefix };
      const base = this.chainQuery(chain, condition);
      query = {
        ...base,
        joins: [
          ...base.joins,
          {
            type: 'inner',
            source: entitySource(p.collection.targetEntity, child),
            on: childJoin(prefix[prefix.length - 1]!),
          },
        ],
      };
    }
    return exists(query, p.operator === 'all');
  }
}

/**
 * Lowers a checked `$filter` to an IR condition over `alias` (the alias the caller binds the
 * filtered entity to). Subqueries use aliases `<alias>_f1`, `<alias>_f2`, …
 */
export function lowerFilter(schema: Schema, filter: FilterClause, alias: string): Expr {
  return new FilterLowering(schema, filter.root, alias).lower(filter.predicate);
}
