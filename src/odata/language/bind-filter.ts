import type { CompareOp, ScalarType } from '../../ir/nodes.ts';
import type { Schema } from '../../metadata/schema.ts';
import type {
  AliasNode,
  AliasValueNode,
  BinaryNode,
  CallNode,
  ExprNode,
  FunctionParameterNode,
  InNode,
  LambdaNode,
  ListNode,
  LiteralNode,
  NameNode,
  QueryFunctionNode,
} from './ast.ts';
import type { ResolvedPath, Scope } from './bind-path.ts';
import { resolvePath } from './bind-path.ts';
import { semanticError } from './errors.ts';
import type { CoercionMode, LiteralTarget } from './literal-types.ts';
import { coerceLiteral, edmName, isNumeric, naturalLiteral } from './literal-types.ts';
import { closestNames, describeAttribute, didYouMean, webNameOf } from './properties.ts';
import type { QueryFunctionSpec } from './query-functions.ts';
import {
  MAX_AMOUNT,
  NOT_A_QUERY_FUNCTION,
  QUERY_FUNCTION_NAMESPACES,
  QUERY_FUNCTIONS,
} from './query-functions.ts';
import type {
  BoundLiteral,
  BoundPredicate,
  BoundProperty,
  BoundValue,
  FilterClause,
  RangeVariable,
} from './semantic.ts';
import type { Loc } from './source.ts';

/**
 * Checks a `$filter` syntax tree against the schema and produces its bound form: names resolved,
 * literals converted to the types they meet, query functions validated. Throws `ODataQueryError`
 * (with the position of the offending text) for the first problem found.
 */

/** Resolves `@p1` to the parsed value of the query parameter `@p1`. */
export interface AliasResolver {
  resolve(node: AliasNode): AliasValueNode;
}

/** Who is asking, for EqualUserId / EqualBusinessId. */
export interface CallerIdentity {
  readonly userId?: string;
  readonly businessUnitId?: string;
}

export interface BindContext {
  readonly schema: Schema;
  readonly aliases: AliasResolver;
  readonly caller?: CallerIdentity;
}

/** A bound expression before it is known whether it is used as a value or as a condition. */
type Operand =
  | { readonly kind: 'value'; readonly value: BoundValue; readonly loc: Loc }
  /** A literal not yet converted: its type comes from what it is compared with. */
  | { readonly kind: 'literal'; readonly node: LiteralNode; readonly loc: Loc }
  | { readonly kind: 'predicate'; readonly predicate: BoundPredicate; readonly loc: Loc }
  | { readonly kind: 'path'; readonly path: Exclude<ResolvedPath, BoundProperty>; readonly loc: Loc };

const COMPARE: Record<string, CompareOp> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };
const OPERATOR_KIND: Record<string, string> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
};
const ARITH: Record<string, '+' | '-' | '*' | '/' | '%'> = {
  add: '+',
  sub: '-',
  mul: '*',
  div: '/',
  mod: '%',
};

/** OData functions Dataverse does not allow in `$filter` (it allows contains/startswith/endswith only). */
const UNSUPPORTED_FUNCTIONS = new Set([
  'tolower',
  'toupper',
  'trim',
  'concat',
  'length',
  'indexof',
  'substring',
  'matchesPattern',
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'second',
  'fractionalseconds',
  'totalseconds',
  'date',
  'time',
  'totaloffsetminutes',
  'mindatetime',
  'maxdatetime',
  'now',
  'round',
  'floor',
  'ceiling',
  'cast',
  'isof',
  'hassubset',
  'hassubsequence',
]);
const TEXT_FUNCTIONS: Record<string, 'contains' | 'startsWith' | 'endsWith'> = {
  contains: 'contains',
  startswith: 'startsWith',
  endswith: 'endsWith',
};

function describeOperand(o: Operand): string {
  switch (o.kind) {
    case 'literal':
      return `the literal ${o.node.raw}`;
    case 'predicate':
      return 'a condition';
    case 'path':
      return o.path.kind === 'variable'
        ? `the range variable '${o.path.variable.name}'`
        : `the navigation property '${o.path.kind === 'collection' ? o.path.collection.name : (o.path.navigation[o.path.navigation.length - 1]?.name ?? '')}'`;
    case 'value':
      return o.value.kind === 'property'
        ? `the property ${describeAttribute(o.value.attribute)}`
        : o.value.kind === 'null'
          ? 'null'
          : `an ${edmName(o.value.type)} value`;
  }
}

const typeOfValue = (v: BoundValue): ScalarType | 'null' => (v.kind === 'null' ? 'null' : v.type);

function compatible(a: ScalarType, b: ScalarType): boolean {
  return a === b || (isNumeric(a) && isNumeric(b));
}

function promote(a: ScalarType, b: ScalarType): ScalarType {
  for (const t of ['double', 'decimal', 'bigint'] as const) if (a === t || b === t) return t;
  return 'integer';
}

export class FilterBinder {
  private nextVariable = 1;

  constructor(private readonly ctx: BindContext) {}

  /** Binds a whole `$filter` over `entity`. */
  bindFilter(entity: string, expression: ExprNode): FilterClause {
    const root: RangeVariable = { name: '$it', entity, id: 0 };
    const scope: Scope = { root, variables: new Map(), current: root };
    return { root, predicate: this.predicate(scope, expression, 'The $filter expression') };
  }

  // ---- conversions between operand kinds ------------------------------------------------------

  private predicate(scope: Scope, node: ExprNode, what: string): BoundPredicate {
    return this.asPredicate(this.bind(scope, node), what);
  }

  private asPredicate(o: Operand, what: string, hint = ''): BoundPredicate {
    if (o.kind === 'predicate') return o.predicate;
    if (o.kind === 'literal' && o.node.type === 'boolean')
      return { kind: 'constant', value: o.node.value as boolean };
    if (o.kind === 'value' && o.value.kind !== 'null' && o.value.type === 'boolean') {
      // A Boolean column used as a condition (`$filter=donotemail`) holds when it is true.
      return {
        kind: 'compare',
        op: '=',
        left: o.value,
        right: { kind: 'literal', value: true, type: 'boolean', loc: o.loc },
        ci: false,
      };
    }
    throw semanticError(
      o.loc,
      `${what} must be a condition that is true or false, but this is ${describeOperand(o)}${hint}.`,
    );
  }

  /** A typed value; literals take their own type. */
  private asValue(o: Operand): BoundValue {
    if (o.kind === 'value') return o.value;
    if (o.kind === 'literal') return naturalLiteral(o.node);
    if (o.kind === 'predicate')
      throw semanticError(
        o.loc,
        'A condition cannot be used as a value here; only comparisons with true or false are allowed.',
      );
    throw semanticError(o.loc, this.pathMisuse(o.path));
  }

  private pathMisuse(p: Exclude<ResolvedPath, BoundProperty>): string {
    if (p.kind === 'variable') {
      return `The range variable '${p.variable.name}' stands for a whole row; use one of its properties, such as '${p.variable.name}/<property>'.`;
    }
    if (p.kind === 'collection') {
      return `The collection-valued navigation property '${p.collection.name}' can only be tested with any() or all(), such as '${p.collection.name}/any(x:x/<property> eq …)'.`;
    }
    const nav = p.navigation[p.navigation.length - 1];
    const lookup = nav?.relationship.referencingAttribute ?? '';
    return `The navigation property '${nav?.name ?? ''}' can only be compared with null; compare one of its properties ('${nav?.name ?? ''}/<property>') or the lookup value ('_${lookup}_value') instead.`;
  }

  private coerce(node: LiteralNode, target: LiteralTarget, mode: CoercionMode = 'expression') {
    return coerceLiteral(node, target, mode);
  }

  // ---- expressions ----------------------------------------------------------------------------

  private bind(scope: Scope, node: ExprNode): Operand {
    switch (node.kind) {
      case 'Literal':
        return { kind: 'literal', node, loc: node.loc };
      case 'Alias':
        return this.bind(scope, this.aliasExpression(node));
      case 'Path': {
        const p = resolvePath(this.ctx.schema, scope, node.segments, node.loc);
        return p.kind === 'property'
          ? { kind: 'value', value: p, loc: node.loc }
          : { kind: 'path', path: p, loc: node.loc };
      }
      case 'Lambda':
        return { kind: 'predicate', predicate: this.lambda(scope, node), loc: node.loc };
      case 'Binary':
        return this.binary(scope, node);
      case 'Unary': {
        if (node.operator === 'not') {
          // `not` binds more tightly than comparisons in OData, so `not a eq b` negates `a` alone.
          const operand = this.asPredicate(
            this.bind(scope, node.operand),
            "The operand of 'not'",
            " ('not' binds more tightly than comparisons: write not (a eq b))",
          );
          return { kind: 'predicate', predicate: { kind: 'not', operand }, loc: node.loc };
        }
        const v = this.asValue(this.bind(scope, node.operand));
        if (v.kind === 'null' || !isNumeric(v.type)) {
          throw semanticError(
            node.operand.loc,
            `Negation ('-') applies to numbers, not to ${describeOperand({ kind: 'value', value: v, loc: node.loc })}.`,
          );
        }
        return {
          kind: 'value',
          value: { kind: 'negate', operand: v, type: v.type, loc: node.loc },
          loc: node.loc,
        };
      }
      case 'In':
        return { kind: 'predicate', predicate: this.inList(scope, node), loc: node.loc };
      case 'Call':
        return { kind: 'predicate', predicate: this.call(scope, node), loc: node.loc };
      case 'QueryFunction':
        return { kind: 'predicate', predicate: this.queryFunction(scope, node), loc: node.loc };
    }
  }

  private aliasExpression(node: AliasNode): ExprNode {
    const v = this.ctx.aliases.resolve(node);
    if (v.kind === 'List') {
      throw semanticError(
        node.loc,
        `The parameter alias '${node.name}' holds a list, which can only follow 'in' or be given as PropertyValues.`,
      );
    }
    return v;
  }

  private binary(scope: Scope, node: BinaryNode): Operand {
    const op = node.operator;
    if (op === 'and' || op === 'or') {
      // Walk the left spine of `a or b or c …` iteratively: such chains can be thousands long.
      const operands: ExprNode[] = [node.right];
      let left: ExprNode = node.left;
      while (left.kind === 'Binary' && left.operator === op) {
        operands.push(left.right);
        left = left.left;
      }
      operands.push(left);
      operands.reverse();
      const bound: BoundPredicate[] = [];
      operands.forEach((o, i) => {
        const p = this.predicate(scope, o, `The ${i === 0 ? 'left' : 'right'} operand of '${op}'`);
        // `(a or b) or c` is one list: a, b, c.
        if (p.kind === op) bound.push(...p.operands);
        else bound.push(p);
      });
      return { kind: 'predicate', predicate: { kind: op, operands: bound }, loc: node.loc };
    }
    const arith = ARITH[op];
    if (arith !== undefined) {
      const left = this.numeric(this.bind(scope, node.left), op);
      const right = this.numeric(this.bind(scope, node.right), op);
      const type = promote(left.type, right.type);
      return {
        kind: 'value',
        value: { kind: 'arith', op: arith, left, right, type, loc: node.loc },
        loc: node.loc,
      };
    }
    return { kind: 'predicate', predicate: this.comparison(scope, node), loc: node.loc };
  }

  private numeric(o: Operand, op: string): Exclude<BoundValue, { kind: 'null' }> {
    const v = this.asValue(o);
    if (v.kind === 'null' || !isNumeric(v.type)) {
      throw semanticError(o.loc, `The operator '${op}' applies to numbers, not to ${describeOperand(o)}.`);
    }
    return v;
  }

  private comparison(scope: Scope, node: BinaryNode): BoundPredicate {
    const op = COMPARE[node.operator] ?? '=';
    const equality = op === '=' || op === '<>';
    const left = this.bind(scope, node.left);
    const right = this.bind(scope, node.right);
    const isNullLiteral = (o: Operand) => o.kind === 'literal' && o.node.type === 'null';
    const isBoolLiteral = (o: Operand) => o.kind === 'literal' && o.node.type === 'boolean';

    // `contains(name,'x') eq false`: a condition compared with a Boolean literal.
    for (const [p, other] of [
      [left, right],
      [right, left],
    ] as const) {
      if (p.kind !== 'predicate') continue;
      if (!equality || !isBoolLiteral(other)) {
        throw semanticError(
          node.operatorLoc,
          `A condition can only be compared with true or false using 'eq' or 'ne'.`,
        );
      }
      const wantTrue = (other.kind === 'literal' && other.node.value === true) === (op === '=');
      return wantTrue ? p.predicate : { kind: 'not', operand: p.predicate };
    }
    // `parentcustomerid_account eq null`: whether the related row exists.
    for (const [p, other] of [
      [left, right],
      [right, left],
    ] as const) {
      if (p.kind !== 'path') continue;
      if (p.path.kind === 'navigation' && equality && isNullLiteral(other)) {
        return {
          kind: 'related',
          variable: p.path.variable,
          navigation: p.path.navigation,
          negated: op === '=',
        };
      }
      throw semanticError(p.loc, this.pathMisuse(p.path));
    }
    if (isNullLiteral(left) && isNullLiteral(right))
      return { kind: 'constant', value: op === '=' || op === '<=' || op === '>=' };
    for (const [n, other] of [
      [left, right],
      [right, left],
    ] as const) {
      if (!isNullLiteral(n) || !equality) continue;
      return { kind: 'isNull', operand: this.asValue(other), negated: op === '<>' };
    }

    let l: BoundValue;
    let r: BoundValue;
    if (left.kind === 'literal' && right.kind === 'value') {
      r = right.value;
      l = this.coerceAgainst(left.node, r);
    } else if (right.kind === 'literal' && left.kind === 'value') {
      l = left.value;
      r = this.coerceAgainst(right.node, l);
    } else {
      l = this.asValue(left);
      r = this.asValue(right);
    }
    const lt = typeOfValue(l);
    const rt = typeOfValue(r);
    if (lt !== 'null' && rt !== 'null' && !compatible(lt, rt)) {
      throw semanticError(
        node.operatorLoc,
        `A binary operator with incompatible types was detected. Found operand types '${edmName(lt)}' and '${edmName(rt)}' for operator kind '${OPERATOR_KIND[node.operator] ?? node.operator}'.`,
      );
    }
    return { kind: 'compare', op, left: l, right: r, ci: lt === 'string' || rt === 'string' };
  }

  /** Converts a literal to the type of the value it is compared with. */
  private coerceAgainst(node: LiteralNode, other: BoundValue): BoundValue {
    if (other.kind === 'null') return naturalLiteral(node);
    return this.coerce(
      node,
      other.kind === 'property' ? { type: other.type, attribute: other.attribute } : { type: other.type },
    );
  }

  // ---- in, functions, lambdas -----------------------------------------------------------------

  private listOf(node: ListNode | AliasNode): ListNode {
    if (node.kind === 'List') return node;
    const v = this.ctx.aliases.resolve(node);
    if (v.kind !== 'List') {
      throw semanticError(
        node.loc,
        `The parameter alias '${node.name}' must hold a list such as ['a','b'] here.`,
      );
    }
    return v;
  }

  private literalItems(list: ListNode, what: string): LiteralNode[] {
    return list.items.map((item) => {
      const resolved = item.kind === 'Alias' ? this.aliasExpression(item) : item;
      if (resolved.kind !== 'Literal') throw semanticError(item.loc, `${what} may only hold literal values.`);
      return resolved;
    });
  }

  private inList(scope: Scope, node: InNode): BoundPredicate {
    const operand = this.asValue(this.bind(scope, node.operand));
    const list = this.listOf(node.list);
    const items = this.literalItems(list, "An 'in' list");
    if (items.length === 0) throw semanticError(list.loc, "An 'in' list must hold at least one value.");
    if (operand.kind === 'null')
      throw semanticError(node.operand.loc, "The left operand of 'in' cannot be null.");
    const target: LiteralTarget =
      operand.kind === 'property'
        ? { type: operand.type, attribute: operand.attribute }
        : { type: operand.type };
    return this.membership(operand, items, target, false, 'expression');
  }

  private membership(
    operand: Exclude<BoundValue, { kind: 'null' }>,
    items: LiteralNode[],
    target: LiteralTarget,
    negated: boolean,
    mode: CoercionMode,
  ): BoundPredicate {
    const values: BoundLiteral[] = [];
    let matchesNull = false;
    for (const item of items) {
      const v = this.coerce(item, target, mode);
      if (v.kind === 'null') matchesNull = true;
      else values.push(v);
    }
    if (values.length === 0) return { kind: 'isNull', operand, negated };
    return { kind: 'in', operand, values, negated, matchesNull, ci: operand.type === 'string' };
  }

  private call(scope: Scope, node: CallNode): BoundPredicate {
    const name = node.name.value;
    const op = TEXT_FUNCTIONS[name];
    if (op === undefined) {
      if (UNSUPPORTED_FUNCTIONS.has(name)) {
        throw semanticError(
          node.name.loc,
          `The function '${name}' is not supported; Dataverse supports only contains, startswith and endswith in $filter.`,
        );
      }
      const hint =
        name === 'substringof'
          ? " OData v4 has no 'substringof'; use contains(property,'text')."
          : didYouMean(closestNames(name, Object.keys(TEXT_FUNCTIONS)));
      throw semanticError(node.name.loc, `An unknown function with name '${name}' was found.${hint}`);
    }
    if (node.args.length !== 2) {
      throw semanticError(
        node.loc,
        `The function '${name}' takes two arguments, such as ${name}(name,'text'), but ${node.args.length} were given.`,
      );
    }
    const [a, b] = node.args as [ExprNode, ExprNode];
    const operand = this.stringValue(this.bind(scope, a), name);
    const text = this.stringValue(this.bind(scope, b), name);
    return { kind: 'text', op, operand, text };
  }

  private stringValue(o: Operand, fn: string): BoundValue {
    if (o.kind === 'literal') {
      if (o.node.type === 'string') return this.coerce(o.node, { type: 'string' });
    } else if (o.kind === 'value' && o.value.kind !== 'null' && o.value.type === 'string') return o.value;
    throw semanticError(o.loc, `The function '${fn}' needs text arguments, not ${describeOperand(o)}.`);
  }

  private lambda(scope: Scope, node: LambdaNode): BoundPredicate {
    const p = resolvePath(this.ctx.schema, scope, node.collection.segments, node.collection.loc);
    if (p.kind !== 'collection') {
      const what =
        p.kind === 'property'
          ? `'${webNameOf(p.attribute)}' is a property`
          : p.kind === 'variable'
            ? `'${p.variable.name}' is a range variable`
            : `'${p.navigation[p.navigation.length - 1]?.name ?? ''}' is single-valued`;
      throw semanticError(
        node.collection.loc,
        `The '${node.operator}' operator applies to collection-valued navigation properties, but ${what}.`,
      );
    }
    const entity = p.collection.targetEntity;
    if (node.variable === undefined || node.predicate === undefined) {
      if (node.operator === 'all')
        throw semanticError(
          node.loc,
          "The 'all' operator needs a condition, such as all(x:x/<property> eq …).",
        );
      return {
        kind: 'lambda',
        operator: 'any',
        variable: p.variable,
        navigation: p.navigation,
        collection: p.collection,
        rangeVariable: { name: `$${node.operator}`, entity, id: this.nextVariable++ },
      };
    }
    const name = node.variable.value;
    if (scope.variables.has(name))
      throw semanticError(node.variable.loc, `The range variable '${name}' has already been declared.`);
    const rangeVariable: RangeVariable = { name, entity, id: this.nextVariable++ };
    const inner: Scope = {
      root: scope.root,
      variables: new Map([...scope.variables, [name, rangeVariable]]),
      current: rangeVariable,
    };
    const predicate = this.predicate(inner, node.predicate, `The condition of '${node.operator}'`);
    return {
      kind: 'lambda',
      operator: node.operator,
      variable: p.variable,
      navigation: p.navigation,
      collection: p.collection,
      rangeVariable,
      predicate,
    };
  }

  // ---- Microsoft.Dynamics.CRM query functions -----------------------------------------------

  private queryFunction(scope: Scope, node: QueryFunctionNode): BoundPredicate {
    const q = node.qualifiedName;
    const dot = q.lastIndexOf('.');
    const namespace = q.slice(0, dot);
    const fn = q.slice(dot + 1);
    const spec = QUERY_FUNCTIONS.get(fn);
    if (!QUERY_FUNCTION_NAMESPACES.includes(namespace)) {
      const hint = spec !== undefined ? ` Did you mean 'Microsoft.Dynamics.CRM.${fn}'?` : '';
      throw semanticError(
        node.nameLoc,
        `An unknown function with name '${q}' was found. Query functions are qualified with 'Microsoft.Dynamics.CRM'.${hint}`,
      );
    }
    if (spec === undefined) {
      const instead = NOT_A_QUERY_FUNCTION.get(fn);
      const hint =
        instead !== undefined
          ? ` Dataverse has no such function: ${instead}.`
          : didYouMean(closestNames(fn, QUERY_FUNCTIONS.keys()).map((n) => `${namespace}.${n}`));
      throw semanticError(node.nameLoc, `An unknown function with name '${q}' was found.${hint}`);
    }
    if (spec.kind === 'unsupported')
      throw semanticError(node.nameLoc, `The query function '${q}' is not supported: ${spec.reason}.`);
    const params = this.functionParameters(node, spec);
    const property = this.propertyNameParameter(
      scope,
      this.functionSubject(scope, node),
      params.get('PropertyName')!,
      q,
    );
    const target: LiteralTarget = { type: property.type, attribute: property.attribute };
    switch (spec.kind) {
      case 'in':
      case 'notIn': {
        const items = this.valuesParameter(params.get('PropertyValues')!, q);
        if (items.length === 0)
          throw semanticError(
            params.get('PropertyValues')!.value.loc,
            `PropertyValues of '${q}' must hold at least one value.`,
          );
        return this.membership(property, items, target, spec.kind === 'notIn', 'text');
      }
      case 'between':
      case 'notBetween': {
        const param = params.get('PropertyValues')!;
        const items = this.valuesParameter(param, q);
        if (items.length !== 2)
          throw semanticError(
            param.value.loc,
            `PropertyValues of '${q}' must hold exactly two values (the low and the high end), but it holds ${items.length}.`,
          );
        const [low, high] = items.map((i) => {
          const v = this.coerce(i, target, 'text');
          if (v.kind === 'null') throw semanticError(i.loc, `The ends of '${q}' cannot be null.`);
          return v;
        }) as [BoundLiteral, BoundLiteral];
        return { kind: 'between', operand: property, low, high, negated: spec.kind === 'notBetween' };
      }
      case 'contains': {
        if (property.type !== 'string')
          throw semanticError(
            property.loc,
            `The query function '${q}' applies to text columns, but PropertyName names ${describeAttribute(property.attribute)}.`,
          );
        const text = this.coerce(
          this.valueParameter(params.get('PropertyValue')!, q),
          { type: 'string' },
          'text',
        );
        if (text.kind === 'null')
          throw semanticError(
            params.get('PropertyValue')!.value.loc,
            `PropertyValue of '${q}' cannot be null.`,
          );
        return { kind: 'text', op: 'contains', operand: property, text };
      }
      case 'caller':
        return this.callerCondition(node, spec.of, spec.negated, property);
      case 'multiSelect':
        throw semanticError(
          property.loc,
          `The query function '${q}' applies to choices (multi-select) columns, but PropertyName names ${describeAttribute(property.attribute)}.`,
        );
      case 'date':
        return this.dateCondition(node, spec, property, params.get('PropertyValue'));
    }
  }

  private functionParameters(
    node: QueryFunctionNode,
    spec: QueryFunctionSpec,
  ): Map<string, FunctionParameterNode> {
    const expected = [
      'PropertyName',
      ...(spec.parameters === 'value'
        ? ['PropertyValue']
        : spec.parameters === 'values'
          ? ['PropertyValues']
          : []),
    ];
    const list = expected.join(' and ');
    const params = new Map<string, FunctionParameterNode>();
    for (const p of node.parameters) {
      const name = p.name.value;
      if (!expected.includes(name)) {
        throw semanticError(
          p.name.loc,
          `The query function '${node.qualifiedName}' has no parameter '${name}'; it takes ${list}.${didYouMean(closestNames(name, expected))}`,
        );
      }
      if (params.has(name)) throw semanticError(p.name.loc, `The parameter '${name}' is given twice.`);
      params.set(name, p);
    }
    for (const name of expected) {
      if (!params.has(name))
        throw semanticError(
          node.nameLoc,
          `The query function '${node.qualifiedName}' needs the parameter ${name}; it takes ${list}.`,
        );
    }
    return params;
  }

  /**
   * The row a query function's PropertyName is read from: the range variable it is bound to
   * (`o/Microsoft.Dynamics.CRM.EqualUserId(…)`), else the innermost lambda's variable, else the root.
   */
  private functionSubject(scope: Scope, node: QueryFunctionNode): RangeVariable {
    if (node.binding === undefined) return scope.current;
    const p = resolvePath(this.ctx.schema, scope, node.binding.segments, node.binding.loc);
    if (p.kind !== 'variable') {
      throw semanticError(
        node.binding.loc,
        `A query function can only follow a lambda's range variable or $it, such as 'x/${node.qualifiedName}(…)'.`,
      );
    }
    return p.variable;
  }

  /**
   * `PropertyName='createdon'` (or an alias holding it): a column's logical name (`'ownerid'`;
   * `'_ownerid_value'` is accepted too), optionally after single-valued navigation properties.
   */
  private propertyNameParameter(
    scope: Scope,
    subject: RangeVariable,
    param: FunctionParameterNode,
    fn: string,
  ): BoundProperty {
    const v = param.value.kind === 'Alias' ? this.ctx.aliases.resolve(param.value) : param.value;
    if (v.kind !== 'Literal' || v.type !== 'string') {
      throw semanticError(
        param.value.loc,
        `PropertyName of '${fn}' must be a property name in single quotes, such as PropertyName='createdon'.`,
      );
    }
    const text = v.value as string;
    // Point into the quoted text when it has no escapes, so errors land on the offending segment.
    const exact = v.raw === `'${text}'`;
    let offset = v.loc.start + 1;
    const segments: NameNode[] = text.split('/').map((value) => {
      const loc: Loc = exact ? { start: offset, end: offset + value.length, source: v.loc.source } : v.loc;
      offset += value.length + 1;
      return { kind: 'Name', value, loc };
    });
    const p = resolvePath(this.ctx.schema, scope, segments, v.loc, { start: subject, logicalNames: true });
    if (p.kind !== 'property')
      throw semanticError(v.loc, `PropertyName of '${fn}' must name a column; '${text}' is not one.`);
    return p;
  }

  private valueParameter(param: FunctionParameterNode, fn: string): LiteralNode {
    const v = param.value.kind === 'Alias' ? this.ctx.aliases.resolve(param.value) : param.value;
    if (v.kind !== 'Literal')
      throw semanticError(param.value.loc, `PropertyValue of '${fn}' must be a single literal value.`);
    return v;
  }

  private valuesParameter(param: FunctionParameterNode, fn: string): LiteralNode[] {
    const v = param.value.kind === 'Alias' ? this.ctx.aliases.resolve(param.value) : param.value;
    if (v.kind !== 'List')
      throw semanticError(
        param.value.loc,
        `PropertyValues of '${fn}' must be a list in square brackets, such as PropertyValues=['a','b'].`,
      );
    return this.literalItems(v, `PropertyValues of '${fn}'`);
  }

  private callerCondition(
    node: QueryFunctionNode,
    of: 'user' | 'businessUnit',
    negated: boolean,
    property: BoundProperty,
  ): BoundPredicate {
    if (property.type !== 'guid') {
      throw semanticError(
        property.loc,
        `The query function '${node.qualifiedName}' applies to lookup and id columns, but PropertyName names ${describeAttribute(property.attribute)}.`,
      );
    }
    const id = of === 'user' ? this.ctx.caller?.userId : this.ctx.caller?.businessUnitId;
    if (id === undefined) {
      throw semanticError(
        node.nameLoc,
        `The query function '${node.qualifiedName}' needs the calling ${of === 'user' ? 'user' : "user's business unit"}, which this request does not identify.`,
      );
    }
    return {
      kind: 'compare',
      op: negated ? '<>' : '=',
      left: property,
      right: { kind: 'literal', value: id.toLowerCase(), type: 'guid', loc: node.nameLoc },
      ci: false,
    };
  }

  private dateCondition(
    node: QueryFunctionNode,
    spec: Extract<QueryFunctionSpec, { kind: 'date' }>,
    property: BoundProperty,
    param: FunctionParameterNode | undefined,
  ): BoundPredicate {
    const q = node.qualifiedName;
    if (property.type !== 'datetime' && property.type !== 'date') {
      throw semanticError(
        property.loc,
        `The query function '${q}' applies to date and time columns, but PropertyName names ${describeAttribute(property.attribute)}.`,
      );
    }
    if (property.type === 'date' && (spec.unit === 'minute' || spec.unit === 'hour')) {
      throw semanticError(
        property.loc,
        `The query function '${q}' counts ${spec.unit}s and cannot be used with the date-only column '${property.attribute.logicalName}'.`,
      );
    }
    if (param === undefined) return { kind: 'date', fn: spec.fn, operand: property };
    const lit = this.valueParameter(param, q);
    if (spec.unit !== undefined) {
      const max = MAX_AMOUNT[spec.unit];
      const text = lit.type === 'string' ? (lit.value as string).trim() : lit.raw;
      if ((lit.type !== 'integer' && lit.type !== 'string') || !/^\d+$/.test(text) || Number(text) > max) {
        throw semanticError(
          lit.loc,
          `PropertyValue of '${q}' must be a whole number of ${spec.unit}s from 0 to ${max}, not ${lit.raw}.`,
        );
      }
      return { kind: 'date', fn: spec.fn, operand: property, amount: Number(text) };
    }
    const d = this.coerce(lit, { type: 'date' }, 'text');
    if (d.kind === 'null')
      throw semanticError(lit.loc, `PropertyValue of '${q}' must be a date such as '2020-01-01', not null.`);
    return { kind: 'date', fn: spec.fn, operand: property, date: d.value as string };
  }
}

/** Binds a `$filter` syntax tree over `entity` (see `FilterBinder`). */
export function bindFilter(ctx: BindContext, entity: string, expression: ExprNode): FilterClause {
  return new FilterBinder(ctx).bindFilter(entity, expression);
}
