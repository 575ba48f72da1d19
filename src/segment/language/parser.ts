import type {
  AggregateNode,
  ChainNode,
  ComparisonOperator,
  DatePartNode,
  ExpressionNode,
  FilterNode,
  HavingNode,
  Loc,
  NameNode,
  NumberNode,
  OrderByNode,
  OrderItemNode,
  PropertyNode,
  QueryNode,
  SelectNode,
  SetExpressionNode,
  SkipNode,
  SourceNode,
  StepNode,
  TakeNode,
  TraverseNode,
  WindowNode,
} from './ast.ts';
import { queryError, SegmentQueryError } from './errors.ts';
import {
  AGGREGATE_FUNCTIONS,
  CONDITION_FUNCTIONS,
  DATE_PARTS,
  RESERVED_CONDITION_WORDS,
  RESERVED_OPERANDS,
  SET_OPERATORS,
  SHAPING_KEYWORDS,
  SOURCE_KEYWORDS,
  STEP_KEYWORDS,
  STRING_TEST_OPERATORS,
  WINDOW_UNITS,
  type AggregateFunction,
  type DatePart,
  type ShapingKeyword,
  type StringTestOperator,
  type WindowUnit,
} from './keywords.ts';
import { tokenize, type Token, type TokenKind } from './lexer.ts';
import { checkLength, checkNesting, checkTreeDepth } from './limits.ts';
import { QuerySource } from './source.ts';

/**
 * A hand-written recursive-descent parser over the lexer's tokens (as graphql-js does), rather
 * than a Chevrotain grammar: keywords are contextual (a word is a keyword or a name depending on
 * where it stands), and error recovery is done at parentheses, which Chevrotain's token-level
 * recovery does not do without cascades.
 *
 * Recovery: before parsing, each `(` is matched with its `)`. When a syntax error occurs inside a
 * matched pair (the arguments of a call or a parenthesised group), the error is recorded, the
 * parser skips to that `)` and goes on, so independent mistakes in different calls are all
 * reported. Errors outside any matched pair (an unbalanced parenthesis, text after the query) end
 * the parse: beyond them the structure is guesswork, and guessing produces cascades. Lexical errors
 * are all reported and the parser does not run, for the same reason (a missing `=` would be
 * followed by "expected an operator").
 */

const COMPARISON_KINDS: ReadonlySet<TokenKind> = new Set(['==', '!=', '>', '>=', '<', '<=']);
const OPERAND_STARTS: ReadonlySet<TokenKind> = new Set(['Name', 'Number', 'String', '(', '-']);
/** Expression kinds that are conditions by their form; anything else is a value. */
const CONDITION_KINDS: ReadonlySet<string> = new Set([
  'Logical',
  'Comparison',
  'StringTest',
  'Not',
  'NullTest',
  'Boolean',
]);

const SEGMENT_EXPRESSION =
  "a segment expression (PROFILE(…), SEGMENT(…), INTERACTION(…), a segment name or '(')";
const VALUE =
  "a value (a property, a string, a number, TRUE, FALSE, '(' or a function such as NOT, ISNULL or DATEDIFF)";
const AFTER_DOT =
  'FILTER, TRAVERSE, HAVING, DISTINCT, a set operator (UNION, INTERSECT, EXCEPT, MINUS) or ORDERBY, SKIP, TAKE, SELECT';

function describe(t: Token): string {
  switch (t.kind) {
    case 'EOF':
      return 'the end of the query';
    case 'String':
      return `the string ${t.image.length > 40 ? `${t.image.slice(0, 37)}…` : t.image}`;
    default:
      return `'${t.image}'`;
  }
}

/** Stands in for a node whose text had a syntax error; the tree is discarded when there are errors. */
const INVALID_LOC: Loc = { start: 0, end: 0, line: 1, column: 1 };
const invalid = <T>(): T => ({ kind: 'Invalid', loc: INVALID_LOC }) as T;

class Parser {
  private pos = 0;
  /** End offset of the last consumed token. */
  private prevEnd = 0;
  readonly errors: SegmentQueryError[] = [];
  /** For each `(` token index, the index of its `)`, when the parentheses balance there. */
  private readonly closing = new Map<number, number>();

  constructor(
    private readonly src: QuerySource,
    private readonly tokens: readonly Token[],
  ) {
    const open: number[] = [];
    tokens.forEach((t, i) => {
      if (t.kind === '(') open.push(i);
      else if (t.kind === ')') {
        const o = open.pop();
        if (o !== undefined) this.closing.set(o, i);
      }
    });
  }

  // ---- token helpers -------------------------------------------------------------------------

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'EOF') this.pos++;
    this.prevEnd = t.end;
    return t;
  }

  private isWord(t: Token, words: ReadonlySet<string> | ReadonlyMap<string, unknown>): boolean {
    return t.kind === 'Name' && words.has(t.value);
  }

  /** `.KEYWORD` ahead, with the keyword in `words`. */
  private dotWord(words: ReadonlySet<string> | ReadonlyMap<string, unknown>): boolean {
    return this.peek().kind === '.' && this.isWord(this.peek(1), words);
  }

  private loc(start: number, end = this.prevEnd): Loc {
    const { line, column } = this.src.position(start);
    return { start, end, line, column };
  }

  /** Records an error about `t` (or `[start, end)`) and abandons the current construct. */
  private fail(t: Token | { start: number; end: number }, detail: string): never {
    const error = queryError(this.src, 'Syntax', t.start, t.end - t.start, detail);
    this.errors.push(error);
    throw error;
  }

  private expect(kind: TokenKind, what = `'${kind}'`): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(t, `expected ${what} but found ${describe(t)}`);
    return this.next();
  }

  /**
   * `name( … )`: parses the contents with `body`, then the `)`. On a syntax error inside a
   * balanced pair, skips to its `)` and returns a placeholder (see the file comment).
   */
  private call<T>(name: string, body: () => T): { value: T; close: Token } {
    const openIndex = this.pos;
    const open = this.expect('(', `'(' after ${name}`);
    try {
      const value = body();
      const t = this.peek();
      if (t.kind !== ')') {
        const at = this.src.position(open.start);
        this.fail(
          t,
          `expected ')' to close ${name === "'('" ? "the '('" : `${name}(`} at ${at.line}:${at.column} but found ${describe(t)}`,
        );
      }
      return { value, close: this.next() };
    } catch (e) {
      const close = this.closing.get(openIndex);
      if (!(e instanceof SegmentQueryError) || close === undefined) throw e;
      this.pos = close + 1;
      this.prevEnd = this.tokens[close]!.end;
      return { value: invalid<T>(), close: this.tokens[close]! };
    }
  }

  private name(t: Token): NameNode {
    return {
      kind: 'Name',
      value: t.kind === 'String' ? t.value : t.image,
      quoted: t.kind === 'String',
      loc: this.loc(t.start, t.end),
    };
  }

  private expectName(what: string, quotedAllowed = false): NameNode {
    const t = this.peek();
    if (t.kind !== 'Name' && !(quotedAllowed && t.kind === 'String')) {
      this.fail(t, `expected ${what} but found ${describe(t)}`);
    }
    return this.name(this.next());
  }

  /** A number, optionally negative: `42`, `-7`, `3.5`. */
  private signedNumber(what = 'a number'): NumberNode {
    const start = this.peek().start;
    const minus = this.peek().kind === '-' ? this.next() : undefined;
    const t = this.peek();
    if (t.kind !== 'Number') this.fail(t, `expected ${what} but found ${describe(t)}`);
    this.next();
    return { kind: 'Number', text: minus === undefined ? t.image : `-${t.image}`, loc: this.loc(start) };
  }

  /** A whole number of zero or more (SKIP, TAKE, windows). */
  private wholeNumber(): NumberNode {
    const t = this.peek();
    if (t.kind !== 'Number' || t.image.includes('.')) {
      this.fail(t, `expected a whole number (0 or more) but found ${describe(t)}`);
    }
    this.next();
    return { kind: 'Number', text: t.image, loc: this.loc(t.start) };
  }

  // ---- set expressions -----------------------------------------------------------------------

  parseQuery(): QueryNode {
    const start = this.peek().start;
    const body = this.parseSetExpression();
    const shaping: {
      orderBy?: OrderByNode;
      skip?: SkipNode;
      take?: TakeNode;
      select?: SelectNode;
    } = {};
    let stage = 0;
    while (this.peek().kind === '.') {
      const kw = this.peek(1);
      const index = kw.kind === 'Name' ? SHAPING_KEYWORDS.indexOf(kw.value as ShapingKeyword) : -1;
      const last = SHAPING_KEYWORDS[stage - 1];
      if (index < 0) {
        if (last !== undefined && this.isWord(kw, new Set([...STEP_KEYWORDS, ...SET_OPERATORS.keys()]))) {
          this.fail(kw, `${kw.image} cannot follow ${last}: ORDERBY, SKIP, TAKE and SELECT end the query`);
        }
        this.fail(kw, `expected ORDERBY, SKIP, TAKE or SELECT after '.' but found ${describe(kw)}`);
      }
      if (index < stage) {
        const keyword = SHAPING_KEYWORDS[index]!;
        this.fail(
          kw,
          index === stage - 1
            ? `${keyword} appears twice`
            : `${keyword} must come before ${last}: the order is ORDERBY, SKIP, TAKE, SELECT`,
        );
      }
      this.next();
      this.next();
      switch (SHAPING_KEYWORDS[index]) {
        case 'ORDERBY':
          shaping.orderBy = this.parseOrderBy(kw);
          break;
        case 'SKIP': {
          const { value, close } = this.call('SKIP', () => this.wholeNumber());
          shaping.skip = { kind: 'Skip', count: value, loc: this.loc(kw.start, close.end) };
          break;
        }
        case 'TAKE': {
          const { value, close } = this.call('TAKE', () => this.wholeNumber());
          shaping.take = { kind: 'Take', count: value, loc: this.loc(kw.start, close.end) };
          break;
        }
        default: {
          const { value, close } = this.call('SELECT', () => this.propertyList());
          shaping.select = { kind: 'Select', properties: value, loc: this.loc(kw.start, close.end) };
        }
      }
      stage = index + 1;
    }
    const t = this.peek();
    if (t.kind !== 'EOF') {
      if (t.kind === ')') this.fail(t, "found ')' without a matching '('");
      this.fail(
        t,
        stage > 0
          ? `expected '.' or the end of the query but found ${describe(t)}`
          : `expected '.', a set operator (UNION, INTERSECT, EXCEPT, MINUS) or the end of the query but found ${describe(t)}`,
      );
    }
    return { kind: 'Query', body, ...shaping, loc: this.loc(start) };
  }

  private parseOrderBy(kw: Token): OrderByNode {
    const { value, close } = this.call('ORDERBY', () => {
      const items: OrderItemNode[] = [];
      do {
        const property = this.parseProperty();
        let direction: 'ASC' | 'DESC' = 'ASC';
        const d = this.peek();
        if (d.kind === 'Name' && (d.value === 'ASC' || d.value === 'DESC')) {
          this.next();
          direction = d.value;
        } else if (d.kind !== ',' && d.kind !== ')') {
          this.fail(d, `expected ASC, DESC, ',' or ')' but found ${describe(d)}`);
        }
        items.push({ kind: 'OrderItem', property, direction, loc: this.loc(property.loc.start) });
      } while (this.peek().kind === ',' && this.next());
      return items;
    });
    return { kind: 'OrderBy', items: value, loc: this.loc(kw.start, close.end) };
  }

  private propertyList(): PropertyNode[] {
    const properties = [this.parseProperty()];
    while (this.peek().kind === ',') {
      this.next();
      properties.push(this.parseProperty());
    }
    return properties;
  }

  private parseSetExpression(): SetExpressionNode {
    let left = this.parseSetOperand();
    while (this.isWord(this.peek(), SET_OPERATORS)) {
      const operator = SET_OPERATORS.get(this.next().value)!;
      const right = this.parseSetOperand();
      left = { kind: 'SetOperation', operator, left, right, loc: this.loc(left.loc.start) };
    }
    return left;
  }

  /** A set expression inside parentheses: the shaping calls may only end the whole query. */
  private parenthesisedSetExpression(): SetExpressionNode {
    const inner = this.parseSetExpression();
    if (this.dotWord(new Set(SHAPING_KEYWORDS))) {
      const kw = this.peek(1);
      this.fail(kw, `${kw.value} applies to the whole query and must stand at its end, outside parentheses`);
    }
    return inner;
  }

  /** A chain or a parenthesised set expression, then any method-form set operations. */
  private parseSetOperand(): SetExpressionNode {
    const start = this.peek().start;
    let operand: SetExpressionNode;
    if (this.peek().kind === '(') {
      operand = this.call("'('", () => this.parenthesisedSetExpression()).value;
      if (this.dotWord(STEP_KEYWORDS)) {
        const kw = this.peek(1);
        this.fail(
          kw,
          `${kw.value} cannot follow a parenthesised set expression; apply it to the operands inside the parentheses`,
        );
      }
    } else {
      operand = this.parseChain();
    }
    let method: Token | undefined;
    while (this.dotWord(SET_OPERATORS)) {
      this.next();
      method = this.next();
      const { value: right, close } = this.call(method.value, () => this.parenthesisedSetExpression());
      operand = {
        kind: 'SetOperation',
        operator: SET_OPERATORS.get(method.value)!,
        left: operand,
        right,
        loc: this.loc(start, close.end),
      };
    }
    if (method !== undefined && this.dotWord(STEP_KEYWORDS)) {
      const kw = this.peek(1);
      this.fail(
        kw,
        `${kw.value} cannot be applied to the result of ${method.value}(…); apply it to the operands instead`,
      );
    }
    return operand;
  }

  private parseChain(): ChainNode {
    const t = this.peek();
    if (t.kind !== 'Name') this.fail(t, `expected ${SEGMENT_EXPRESSION} but found ${describe(t)}`);
    let source: SourceNode;
    if (SOURCE_KEYWORDS.has(t.value) && this.peek(1).kind === '(') {
      source = this.parseSource();
    } else if (RESERVED_OPERANDS.has(t.value)) {
      if (SOURCE_KEYWORDS.has(t.value)) {
        this.fail(this.peek(1), `expected '(' after ${t.value} but found ${describe(this.peek(1))}`);
      }
      this.fail(t, `expected ${SEGMENT_EXPRESSION} but found ${describe(t)}`);
    } else {
      // A bare name is a segment: `A EXCEPT B` means `SEGMENT(A) EXCEPT SEGMENT(B)`.
      const name = this.name(this.next());
      source = { kind: 'Segment', name, loc: name.loc };
    }
    const steps: StepNode[] = [];
    while (this.dotWord(STEP_KEYWORDS)) {
      this.next();
      steps.push(this.parseStep(this.next()));
    }
    if (
      this.peek().kind === '.' &&
      !this.dotWord(SET_OPERATORS) &&
      !this.dotWord(new Set(SHAPING_KEYWORDS))
    ) {
      const after = this.peek(1);
      this.fail(after, `expected ${AFTER_DOT} after '.' but found ${describe(after)}`);
    }
    return { kind: 'Chain', source, steps, loc: this.loc(t.start) };
  }

  private parseSource(): SourceNode {
    const kw = this.next();
    switch (kw.value) {
      case 'PROFILE': {
        const { value, close } = this.call('PROFILE', () => {
          const entity = this.expectName('an entity name');
          const alias = this.peek().kind === ',' && this.next() ? this.expectName('an alias') : undefined;
          return { entity, alias };
        });
        return {
          kind: 'Profile',
          entity: value.entity,
          ...(value.alias !== undefined ? { alias: value.alias } : {}),
          loc: this.loc(kw.start, close.end),
        };
      }
      case 'SEGMENT': {
        const { value, close } = this.call('SEGMENT', () => this.expectName('a segment name', true));
        return { kind: 'Segment', name: value, loc: this.loc(kw.start, close.end) };
      }
      default: {
        const { value, close } = this.call('INTERACTION', () => {
          const interactionType = this.expectName('an interaction type');
          this.expect(',', "',' and a link type");
          const link = this.expectName('a link type');
          return { interactionType, link };
        });
        return { kind: 'Interaction', ...value, loc: this.loc(kw.start, close.end) };
      }
    }
  }

  private parseStep(kw: Token): StepNode {
    switch (kw.value) {
      case 'FILTER':
        return this.parseFilter(kw);
      case 'TRAVERSE':
        return this.parseTraverse(kw);
      case 'HAVING':
        return this.parseHaving(kw);
      default: {
        const { close } = this.call('DISTINCT', () => this.noArguments('DISTINCT'));
        return { kind: 'Distinct', loc: this.loc(kw.start, close.end) };
      }
    }
  }

  private noArguments(name: string): void {
    const t = this.peek();
    if (t.kind !== ')') this.fail(t, `${name}() takes no arguments; expected ')' but found ${describe(t)}`);
  }

  /** `FILTER(condition)`; `kw` is the already consumed FILTER. */
  private parseFilter(kw: Token): FilterNode {
    const { value, close } = this.call('FILTER', () => this.condition());
    return { kind: 'Filter', condition: value, loc: this.loc(kw.start, close.end) };
  }

  private parseTraverse(kw: Token): TraverseNode {
    const { value, close } = this.call('TRAVERSE', () => {
      const relationship = this.expectName('a relationship name', true);
      let alias: NameNode | undefined;
      let filter: FilterNode | undefined;
      if (this.peek().kind === ',') {
        this.next();
        if (!this.atFilterCall()) {
          alias = this.expectName('an alias or FILTER(…)');
          if (this.peek().kind === ',') {
            this.next();
            if (!this.atFilterCall())
              this.fail(this.peek(), `expected FILTER(…) but found ${describe(this.peek())}`);
          }
        }
        if (this.atFilterCall()) filter = this.parseFilter(this.next());
      }
      return { relationship, alias, filter };
    });
    return {
      kind: 'Traverse',
      relationship: value.relationship,
      ...(value.alias !== undefined ? { alias: value.alias } : {}),
      ...(value.filter !== undefined ? { filter: value.filter } : {}),
      loc: this.loc(kw.start, close.end),
    };
  }

  private atFilterCall(): boolean {
    const t = this.peek();
    return t.kind === 'Name' && t.value === 'FILTER' && this.peek(1).kind === '(';
  }

  private parseHaving(kw: Token): HavingNode {
    const { value, close } = this.call('HAVING', () => {
      const aggregate = this.parseAggregate();
      const op = this.peek();
      if (!COMPARISON_KINDS.has(op.kind)) {
        this.fail(op, `expected a comparison operator (==, !=, >, >=, <, <=) but found ${describe(op)}`);
      }
      this.next();
      const number = this.signedNumber();
      const window = this.peek().kind === ',' && this.next() ? this.parseWindow() : undefined;
      return { aggregate, operator: op.kind as ComparisonOperator, value: number, window };
    });
    return {
      kind: 'Having',
      aggregate: value.aggregate,
      operator: value.operator,
      value: value.value,
      ...(value.window !== undefined ? { window: value.window } : {}),
      loc: this.loc(kw.start, close.end),
    };
  }

  private parseAggregate(): AggregateNode {
    const t = this.peek();
    if (!this.isWord(t, AGGREGATE_FUNCTIONS) || this.peek(1).kind !== '(') {
      this.fail(
        t,
        `expected an aggregate (COUNT(), SUM(…), AVG(…), MIN(…) or MAX(…)) but found ${describe(t)}`,
      );
    }
    this.next();
    const fn = t.value as AggregateFunction;
    if (fn === 'COUNT') {
      const { close } = this.call('COUNT', () => this.noArguments('COUNT'));
      return { kind: 'Aggregate', function: fn, loc: this.loc(t.start, close.end) };
    }
    const { value, close } = this.call(fn, () => this.parseProperty());
    return { kind: 'Aggregate', function: fn, property: value, loc: this.loc(t.start, close.end) };
  }

  private parseWindow(): WindowNode {
    const t = this.peek();
    if (!this.isWord(t, WINDOW_UNITS) || this.peek(1).kind !== '(') {
      this.fail(
        t,
        `expected a time window (UTCDAYS(n), UTCMONTHS(n) or UTCYEARS(n)) but found ${describe(t)}`,
      );
    }
    this.next();
    const { value, close } = this.call(t.value, () => this.wholeNumber());
    return { kind: 'Window', unit: t.value as WindowUnit, count: value, loc: this.loc(t.start, close.end) };
  }

  // ---- conditions and values -----------------------------------------------------------------

  /** A whole condition that must be followed by `)`, with a precise message when it is not. */
  private condition(): ExpressionNode {
    const expr = this.parseExpression();
    const t = this.peek();
    if (t.kind === ')' || !OPERAND_STARTS.has(t.kind)) return expr;
    if (CONDITION_KINDS.has(expr.kind)) this.fail(t, `expected &&, || or ')' but found ${describe(t)}`);
    this.fail(t, `expected a comparison operator (==, !=, >, >=, <, <=) or ')' but found ${describe(t)}`);
  }

  private parseExpression(): ExpressionNode {
    return this.parseLogical('||', 'OR', () => this.parseLogical('&&', 'AND', () => this.parseComparison()));
  }

  private parseLogical(symbol: '&&' | '||', word: string, operand: () => ExpressionNode): ExpressionNode {
    const first = operand();
    const operands = [first];
    for (;;) {
      const t = this.peek();
      if (t.kind !== symbol && !(t.kind === 'Name' && t.value === word)) break;
      this.next();
      operands.push(operand());
    }
    if (operands.length === 1) return first;
    return { kind: 'Logical', operator: symbol, operands, loc: this.loc(first.loc.start) };
  }

  private parseComparison(): ExpressionNode {
    const left = this.parseAdditive();
    const op = this.peek();
    let result: ExpressionNode;
    if (COMPARISON_KINDS.has(op.kind)) {
      this.next();
      const right = this.parseAdditive();
      result = {
        kind: 'Comparison',
        operator: op.kind as ComparisonOperator,
        left,
        right,
        loc: this.loc(left.loc.start),
      };
    } else if (this.isWord(op, STRING_TEST_OPERATORS)) {
      this.next();
      const right = this.parseAdditive();
      result = {
        kind: 'StringTest',
        operator: op.value as StringTestOperator,
        left,
        right,
        loc: this.loc(left.loc.start),
      };
    } else {
      return left;
    }
    const again = this.peek();
    if (COMPARISON_KINDS.has(again.kind) || this.isWord(again, STRING_TEST_OPERATORS)) {
      this.fail(again, `comparisons cannot be chained (${describe(again)}); combine them with && or ||`);
    }
    return result;
  }

  private parseAdditive(): ExpressionNode {
    let left = this.parseMultiplicative();
    for (let t = this.peek(); t.kind === '+' || t.kind === '-'; t = this.peek()) {
      this.next();
      const right = this.parseMultiplicative();
      left = { kind: 'Arithmetic', operator: t.kind, left, right, loc: this.loc(left.loc.start) };
    }
    return left;
  }

  private parseMultiplicative(): ExpressionNode {
    let left = this.parseUnary();
    for (let t = this.peek(); t.kind === '*' || t.kind === '/'; t = this.peek()) {
      this.next();
      const right = this.parseUnary();
      left = { kind: 'Arithmetic', operator: t.kind, left, right, loc: this.loc(left.loc.start) };
    }
    return left;
  }

  /** `-5` is the number -5 (exact text kept); `-x` negates. */
  private parseUnary(): ExpressionNode {
    if (this.peek().kind !== '-') return this.parsePrimary();
    const minus = this.next();
    const operand = this.parseUnary();
    if (operand.kind === 'Number' && !operand.text.startsWith('-')) {
      return { kind: 'Number', text: `-${operand.text}`, loc: this.loc(minus.start) };
    }
    return { kind: 'Negate', operand, loc: this.loc(minus.start) };
  }

  private parsePrimary(): ExpressionNode {
    const t = this.peek();
    switch (t.kind) {
      case 'Number':
        this.next();
        return { kind: 'Number', text: t.image, loc: this.loc(t.start) };
      case 'String':
        this.next();
        return { kind: 'String', value: t.value, loc: this.loc(t.start) };
      case '(':
        return this.call("'('", () => this.condition()).value;
      case 'Name':
        if (this.peek(1).kind === '(') return this.parseFunction();
        if (t.value === 'TRUE' || t.value === 'FALSE') {
          this.next();
          return { kind: 'Boolean', value: t.value === 'TRUE', loc: this.loc(t.start) };
        }
        if (t.value === 'NOT')
          this.fail(this.peek(1), `expected '(' after NOT but found ${describe(this.peek(1))}`);
        if (RESERVED_CONDITION_WORDS.has(t.value)) this.fail(t, `expected ${VALUE} but found ${describe(t)}`);
        return this.parseProperty();
      default:
        return this.fail(t, `expected ${VALUE} but found ${describe(t)}`);
    }
  }

  /** `name` or `alias.name`. */
  private parseProperty(): PropertyNode {
    const first = this.expectName('a property name');
    if (this.peek().kind !== '.') return { kind: 'Property', name: first, loc: first.loc };
    this.next();
    const name = this.expectName(`a property name after '${first.value}.'`);
    return { kind: 'Property', alias: first, name, loc: this.loc(first.loc.start) };
  }

  private parseFunction(): ExpressionNode {
    const t = this.next();
    const fn = CONDITION_FUNCTIONS.get(t.value);
    if (fn === undefined) {
      if (AGGREGATE_FUNCTIONS.has(t.value)) this.fail(t, `${t.image}() can only be used inside HAVING(…)`);
      this.fail(
        t,
        `unknown function '${t.image}'; expected NOT, ISNULL, ISNOTNULL, DATE, DATEADD, DATEDIFF or DATETIMEUTCNOW`,
      );
    }
    switch (fn) {
      case 'NOT': {
        const { value, close } = this.call('NOT', () => this.condition());
        return { kind: 'Not', condition: value, loc: this.loc(t.start, close.end) };
      }
      case 'ISNULL':
      case 'ISNOTNULL': {
        const { value, close } = this.call(fn, () => this.parseProperty());
        return { kind: 'NullTest', operator: fn, property: value, loc: this.loc(t.start, close.end) };
      }
      case 'DATE': {
        const { value, close } = this.call('DATE', () => {
          const parts = [this.signedNumber()];
          while (this.peek().kind === ',') {
            this.next();
            parts.push(this.signedNumber());
          }
          if (parts.length < 3 || parts.length > 7) {
            this.fail(
              { start: t.start, end: this.peek().end },
              `DATE takes 3 to 7 numbers (year, month, day[, hour[, minute[, second[, millisecond]]]]) but has ${parts.length}`,
            );
          }
          return parts;
        });
        return { kind: 'Date', parts: value, loc: this.loc(t.start, close.end) };
      }
      case 'DATEADD': {
        const { value, close } = this.call('DATEADD', () => {
          const part = this.parseDatePart();
          this.expect(',', "',' and a number");
          const amount = this.signedNumber();
          this.expect(',', "',' and a date");
          return { part, amount, value: this.parseExpression() };
        });
        return { kind: 'DateAdd', ...value, loc: this.loc(t.start, close.end) };
      }
      case 'DATEDIFF': {
        const { value, close } = this.call('DATEDIFF', () => {
          const part = this.parseDatePart();
          this.expect(',', "',' and the start date");
          const start = this.parseExpression();
          this.expect(',', "',' and the end date");
          return { part, start, end: this.parseExpression() };
        });
        return { kind: 'DateDiff', ...value, loc: this.loc(t.start, close.end) };
      }
      default: {
        const { close } = this.call(t.image, () => this.noArguments(t.image));
        return { kind: 'Now', loc: this.loc(t.start, close.end) };
      }
    }
  }

  private parseDatePart(): DatePartNode {
    const t = this.peek();
    if (!this.isWord(t, DATE_PARTS)) {
      this.fail(
        t,
        `expected a date part (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND or MILLISECOND) but found ${describe(t)}`,
      );
    }
    this.next();
    return { kind: 'DatePart', part: t.value as DatePart, loc: this.loc(t.start) };
  }
}

export type ParseResult =
  | { readonly ast: QueryNode; readonly errors?: undefined }
  | { readonly ast?: undefined; readonly errors: readonly SegmentQueryError[] };

/**
 * Parses a segment query. Never throws for bad input: a query that is not well-formed gives its
 * errors (at least one, in source order), each with its position.
 */
export function parseSegmentQuery(text: string): ParseResult {
  if (typeof text !== 'string') {
    return { errors: [new SegmentQueryError('Syntax', 'the query must be a string', 0, 0, 1, 1)] };
  }
  const src = new QuerySource(text);
  const tooLong = checkLength(src);
  if (tooLong !== undefined) return { errors: [tooLong] };
  const { tokens, errors } = tokenize(src);
  if (errors.length > 0) return { errors };
  if (tokens.length === 1)
    return { errors: [queryError(src, 'Syntax', 0, text.length, 'the query is empty')] };
  const tooDeep = checkNesting(src, tokens);
  if (tooDeep !== undefined) return { errors: [tooDeep] };
  const parser = new Parser(src, tokens);
  let ast: QueryNode | undefined;
  try {
    ast = parser.parseQuery();
  } catch (e) {
    if (!(e instanceof SegmentQueryError)) throw e;
  }
  if (parser.errors.length > 0 || ast === undefined) {
    return { errors: [...parser.errors].sort((a, b) => a.offset - b.offset) };
  }
  const treeTooDeep = checkTreeDepth(src, ast);
  if (treeTooDeep !== undefined) return { errors: [treeTooDeep] };
  return { ast };
}
