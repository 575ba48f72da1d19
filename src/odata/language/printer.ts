import type {
  ExpandItemNode,
  ExpandOptionNode,
  ExprNode,
  ListNode,
  LiteralNode,
  OrderByItemNode,
  PathNode,
  SelectItemNode,
} from './ast.ts';

/**
 * Syntax trees back to canonical query-option text: single spaces around operators, parentheses
 * only where precedence needs them, strings in single quotes. Parsing printed text gives the
 * same tree, which the tests use to check the parser.
 */

const PRECEDENCE: Record<string, number> = {
  or: 1,
  and: 2,
  eq: 3,
  ne: 3,
  gt: 3,
  ge: 3,
  lt: 3,
  le: 3,
  add: 4,
  sub: 4,
  mul: 5,
  div: 5,
  mod: 5,
};
const IN = 3;
const UNARY = 6;
const PRIMARY = 7;

function precedenceOf(node: ExprNode): number {
  switch (node.kind) {
    case 'Binary':
      return PRECEDENCE[node.operator] ?? PRIMARY;
    case 'In':
      return IN;
    case 'Unary':
      return UNARY;
    case 'Literal':
      // A negative literal prints with its sign, like a negation.
      return node.raw.startsWith('-') ? UNARY : PRIMARY;
    default:
      return PRIMARY;
  }
}

function literal(node: LiteralNode): string {
  // JSON strings (`"a"`, only inside `[...]`) print as written; others in canonical single quotes.
  if (node.type === 'string' && !node.raw.startsWith('"'))
    return `'${(node.value as string).replaceAll("'", "''")}'`;
  return node.raw;
}

const path = (p: PathNode): string => p.segments.map((s) => s.value).join('/');

function list(l: ListNode): string {
  const items = l.items.map((i) => printExpression(i)).join(',');
  return l.bracket === 'paren' ? `(${items})` : `[${items}]`;
}

/** Prints `node`, parenthesised when its precedence is below `min`. */
function expr(node: ExprNode, min: number): string {
  const text = bare(node);
  return precedenceOf(node) < min ? `(${text})` : text;
}

function bare(node: ExprNode): string {
  switch (node.kind) {
    case 'Literal':
      return literal(node);
    case 'Alias':
      return node.name;
    case 'Path':
      return path(node);
    case 'Lambda':
      return node.variable !== undefined && node.predicate !== undefined
        ? `${path(node.collection)}/${node.operator}(${node.variable.value}:${printExpression(node.predicate)})`
        : `${path(node.collection)}/${node.operator}()`;
    case 'Binary': {
      const p = PRECEDENCE[node.operator] ?? PRIMARY;
      // Left-associative: an equal-precedence right operand needs parentheses. The left spine of
      // a long chain (`a or b or c …`) is walked iteratively.
      const rights: string[] = [];
      let left: ExprNode = node;
      while (left.kind === 'Binary' && left.operator === node.operator) {
        rights.push(`${node.operator} ${expr(left.right, p + 1)}`);
        left = left.left;
      }
      return [expr(left, p), ...rights.reverse()].join(' ');
    }
    case 'Unary':
      return node.operator === 'not' ? `not ${expr(node.operand, UNARY)}` : `-${expr(node.operand, PRIMARY)}`;
    case 'In':
      return `${expr(node.operand, IN + 1)} in ${node.list.kind === 'Alias' ? node.list.name : list(node.list)}`;
    case 'Call':
      return `${node.name.value}(${node.args.map((a) => printExpression(a)).join(',')})`;
    case 'QueryFunction': {
      const params = node.parameters.map(
        (p) => `${p.name.value}=${p.value.kind === 'List' ? list(p.value) : printExpression(p.value)}`,
      );
      const binding = node.binding !== undefined ? `${path(node.binding)}/` : '';
      return `${binding}${node.qualifiedName}(${params.join(',')})`;
    }
  }
}

export function printExpression(node: ExprNode): string {
  return expr(node, 0);
}

export function printOrderBy(items: readonly OrderByItemNode[]): string {
  return items
    .map((i) => {
      const e = i.expression.kind === 'Alias' ? i.expression.name : path(i.expression);
      return i.explicit ? `${e} ${i.direction}` : e;
    })
    .join(',');
}

export function printSelect(items: readonly SelectItemNode[]): string {
  return items.map((i) => i.name.value).join(',');
}

function expandOption(o: ExpandOptionNode): string {
  switch (o.kind) {
    case 'select':
      return `$select=${printSelect(o.items)}`;
    case 'filter':
      return `$filter=${printExpression(o.expression)}`;
    case 'orderby':
      return `$orderby=${printOrderBy(o.items)}`;
    case 'top':
      return `$top=${o.value.raw}`;
    case 'expand':
      return `$expand=${printExpand(o.items)}`;
  }
}

export function printExpand(items: readonly ExpandItemNode[]): string {
  return items
    .map((i) => {
      const ref = i.ref ? '/$ref' : '';
      const options = i.options.length > 0 ? `(${i.options.map(expandOption).join(';')})` : '';
      return `${i.property.value}${ref}${options}`;
    })
    .join(',');
}
