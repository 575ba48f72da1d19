import { scalarTypeOf } from '../../ir/build.ts';
import type { NavigationProperty } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';
import type { NameNode } from './ast.ts';
import { semanticError } from './errors.ts';
import type { WebProperty } from './properties.ts';
import { unknownPropertyMessage, webProperty } from './properties.ts';
import type { BoundProperty, RangeVariable } from './semantic.ts';
import type { Loc } from './source.ts';

/**
 * Resolves property paths (`a/b/c`) against the schema. A path starts at `$it` (the filtered row,
 * also what unprefixed names mean inside a lambda, as in OData) or at a lambda's range variable,
 * walks single-valued navigation properties, and ends in an attribute, a navigation property or
 * (for lambdas) a collection-valued navigation property.
 */

export interface Scope {
  readonly root: RangeVariable;
  readonly variables: ReadonlyMap<string, RangeVariable>;
  /** The innermost lambda's range variable (the root outside lambdas). */
  readonly current: RangeVariable;
}

export interface ResolveOptions {
  /** Where an unprefixed path starts (default: the root, as OData defines). */
  readonly start?: RangeVariable;
  /**
   * Name the final column by its logical name, as query functions' `PropertyName` does
   * (`'ownerid'`, not `'_ownerid_value'`); the Web API name is accepted too.
   */
  readonly logicalNames?: boolean;
  /** Suggest any()/all() when a collection is used like a single value (not in `$orderby`). */
  readonly suggestLambda?: boolean;
}

export type ResolvedPath =
  | BoundProperty
  | {
      readonly kind: 'navigation';
      readonly variable: RangeVariable;
      /** Ends with the single-valued navigation property the path names. */
      readonly navigation: readonly NavigationProperty[];
      readonly loc: Loc;
    }
  | {
      readonly kind: 'collection';
      readonly variable: RangeVariable;
      /** The single-valued steps before `collection`. */
      readonly navigation: readonly NavigationProperty[];
      readonly collection: NavigationProperty;
      readonly loc: Loc;
    }
  | { readonly kind: 'variable'; readonly variable: RangeVariable; readonly loc: Loc };

export function resolvePath(
  schema: Schema,
  scope: Scope,
  segments: readonly NameNode[],
  loc: Loc,
  options: ResolveOptions = {},
): ResolvedPath {
  let variable = options.start ?? scope.root;
  let i = 0;
  const first = segments[0];
  if (first !== undefined) {
    const v = scope.variables.get(first.value);
    if (first.value === '$it') {
      variable = scope.root;
      i = 1;
    } else if (v !== undefined) {
      variable = v;
      i = 1;
    }
  }
  if (i >= segments.length) return { kind: 'variable', variable, loc };
  let entity = schema.requireEntity(variable.entity);
  const navigation: NavigationProperty[] = [];
  for (; i < segments.length; i++) {
    const seg = segments[i]!;
    const next = segments[i + 1];
    const byLogicalName =
      options.logicalNames === true && next === undefined
        ? schema.attribute(entity.logicalName, seg.value)
        : undefined;
    const p: WebProperty | undefined =
      byLogicalName !== undefined
        ? { kind: 'attribute', attribute: byLogicalName }
        : webProperty(schema, entity.logicalName, seg.value);
    if (p === undefined) throw semanticError(seg.loc, unknownPropertyMessage(schema, entity, seg.value));
    if (p.kind === 'attribute') {
      if (next !== undefined) {
        throw semanticError(
          next.loc,
          `The property '${seg.value}' is not a navigation property, so '${next.value}' cannot follow it.`,
        );
      }
      return {
        kind: 'property',
        variable,
        navigation,
        entity: entity.logicalName,
        attribute: p.attribute,
        type: scalarTypeOf(p.attribute),
        loc,
      };
    }
    const nav = p.navigation;
    if (nav.kind === 'collection') {
      if (next !== undefined) {
        throw semanticError(
          next.loc,
          `The parent value for a property access of a property '${next.value}' is not a single value. Property access can only be applied to a single value.${options.suggestLambda === false ? '' : ` Use '${seg.value}/any(x:x/${next.value} …)' to test the related rows.`}`,
        );
      }
      return { kind: 'collection', variable, navigation, collection: nav, loc };
    }
    navigation.push(nav);
    entity = schema.requireEntity(nav.targetEntity);
  }
  return { kind: 'navigation', variable, navigation, loc };
}
