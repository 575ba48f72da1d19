import type {
  ChainNode,
  ExpressionNode,
  NameNode,
  PropertyNode,
  QueryNode,
  SetExpressionNode,
  SourceNode,
  StepNode,
} from './ast.ts';

/**
 * Prints a syntax tree as canonical text: upper-case keywords, `&&`/`||` for AND/OR, `EXCEPT` for
 * MINUS, `DATETIMEUTCNOW()`, infix set operators, one space around binary operators and after
 * commas, and only the parentheses the structure needs. Names keep their spelling. Parsing the
 * printed text gives back the same tree (locations aside).
 */
export function printSegmentQuery(ast: QueryNode): string {
  let text = printSetExpression(ast.body);
  // `A UNION B.ORDERBY(…)` would read as if ORDERBY applied to B.
  if (ast.body.kind === 'SetOperation' && (ast.orderBy ?? ast.skip ?? ast.take ?? ast.select) !== undefined) {
    text = `(${text})`;
  }
  if (ast.orderBy !== undefined) {
    text += `.ORDERBY(${ast.orderBy.items.map((i) => `${printProperty(i.property)} ${i.direction}`).join(', ')})`;
  }
  if (ast.skip !== undefined) text += `.SKIP(${ast.skip.count.text})`;
  if (ast.take !== undefined) text += `.TAKE(${ast.take.count.text})`;
  if (ast.select !== undefined) text += `.SELECT(${ast.select.properties.map(printProperty).join(', ')})`;
  return text;
}

/** Set operators are all equal and associate to the left, so only a right operand needs parentheses. */
export function printSetExpression(node: SetExpressionNode): string {
  if (node.kind === 'Chain') return printChain(node);
  const right = printSetExpression(node.right);
  return `${printSetExpression(node.left)} ${node.operator} ${node.right.kind === 'SetOperation' ? `(${right})` : right}`;
}

function printChain(chain: ChainNode): string {
  return [printSource(chain.source), ...chain.steps.map(printStep)].join('.');
}

function printSource(source: SourceNode): string {
  switch (source.kind) {
    case 'Profile':
      return `PROFILE(${printName(source.entity)}${source.alias !== undefined ? `, ${printName(source.alias)}` : ''})`;
    case 'Segment':
      return `SEGMENT(${printName(source.name)})`;
    case 'Interaction':
      return `INTERACTION(${printName(source.interactionType)}, ${printName(source.link)})`;
  }
}

function printStep(step: StepNode): string {
  switch (step.kind) {
    case 'Filter':
      return `FILTER(${printExpression(step.condition)})`;
    case 'Traverse': {
      const args = [printName(step.relationship)];
      if (step.alias !== undefined) args.push(printName(step.alias));
      if (step.filter !== undefined) args.push(printStep(step.filter));
      return `TRAVERSE(${args.join(', ')})`;
    }
    case 'Having': {
      const agg = step.aggregate;
      const aggregate = `${agg.function}(${agg.property !== undefined ? printProperty(agg.property) : ''})`;
      const window = step.window !== undefined ? `, ${step.window.unit}(${step.window.count.text})` : '';
      return `HAVING(${aggregate} ${step.operator} ${step.value.text}${window})`;
    }
    case 'Distinct':
      return 'DISTINCT()';
  }
}

/** A string literal: quotes doubled, backslashes doubled (so `\'` in the value cannot read as an escape). */
export function printString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

function printName(name: NameNode): string {
  return name.quoted ? printString(name.value) : name.value;
}

function printProperty(p: PropertyNode): string {
  return p.alias !== undefined ? `${printName(p.alias)}.${printName(p.name)}` : printName(p.name);
}

/** Binding strength, loosest first, as the parser reads it. */
function precedence(node: ExpressionNode): number {
  switch (node.kind) {
    case 'Logical':
      return node.operator === '||' ? 1 : 2;
    case 'Comparison':
    case 'StringTest':
      return 3;
    case 'Arithmetic':
      return node.operator === '+' || node.operator === '-' ? 4 : 5;
    case 'Negate':
      return 6;
    default:
      return 7;
  }
}

/** `node` printed where its parent needs at least precedence `min`. */
function operand(node: ExpressionNode, min: number): string {
  const text = printExpression(node);
  return precedence(node) < min ? `(${text})` : text;
}

export function printExpression(node: ExpressionNode): string {
  switch (node.kind) {
    case 'Logical': {
      const p = precedence(node);
      // A nested run of the same operator was written in parentheses; keep them (p + 1).
      return node.operands.map((o) => operand(o, p + 1)).join(` ${node.operator} `);
    }
    case 'Comparison':
    case 'StringTest':
      // Comparisons do not chain, so both sides must bind tighter.
      return `${operand(node.left, 4)} ${node.operator} ${operand(node.right, 4)}`;
    case 'Arithmetic': {
      const p = precedence(node);
      return `${operand(node.left, p)} ${node.operator} ${operand(node.right, p + 1)}`;
    }
    case 'Negate': {
      const inner = operand(node.operand, 6);
      return inner.startsWith('-') ? `-(${inner})` : `-${inner}`;
    }
    case 'Not':
      return `NOT(${printExpression(node.condition)})`;
    case 'NullTest':
      return `${node.operator}(${printProperty(node.property)})`;
    case 'Date':
      return `DATE(${node.parts.map((p) => p.text).join(', ')})`;
    case 'DateAdd':
      return `DATEADD(${node.part.part}, ${node.amount.text}, ${printExpression(node.value)})`;
    case 'DateDiff':
      return `DATEDIFF(${node.part.part}, ${printExpression(node.start)}, ${printExpression(node.end)})`;
    case 'Now':
      return 'DATETIMEUTCNOW()';
    case 'Property':
      return printProperty(node);
    case 'String':
      return printString(node.value);
    case 'Number':
      return node.text;
    case 'Boolean':
      return node.value ? 'TRUE' : 'FALSE';
  }
}
