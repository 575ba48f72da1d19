import type { IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from 'chevrotain';
import { EmbeddedActionsParser, EOF } from './chevrotain.ts';
import type {
  AliasNode,
  AliasValueNode,
  BinaryOperator,
  ExpandItemNode,
  ExpandOptionNode,
  ExprNode,
  FunctionParameterNode,
  LambdaNode,
  ListNode,
  LiteralNode,
  NameNode,
  OrderByItemNode,
  PathNode,
  QueryFunctionNode,
  SelectItemNode,
} from './ast.ts';
import { syntaxError } from './errors.ts';
import * as T from './lexer.ts';
import { checkDepth, checkNesting } from './limits.ts';
import { parseDate, parseDateTime } from './literals.ts';
import type { Loc, Source } from './source.ts';

/**
 * Recursive-descent parser (Chevrotain, embedded actions) for `$filter`, `$orderby`, `$select`,
 * `$expand` and parameter-alias values. Precedence follows OData's ABNF, lowest first:
 * `or`, `and`, comparisons and `in`, `add`/`sub`, `mul`/`div`/`mod`, unary `not` and `-`, primary.
 * Note that `not` binds tighter than `eq`, as in OData: write `not (a eq b)`.
 */

function describeToken(t: IToken): string {
  if (t.tokenType === EOF) return 'end of input';
  if (t.tokenType === T.StringLiteral || t.tokenType === T.JsonString) return `the string ${t.image}`;
  return `'${t.image}'`;
}

const label = (t: TokenType): string => t.LABEL ?? t.name;

function describeAlternatives(paths: TokenType[][][]): string {
  const firsts = new Set<string>();
  for (const alt of paths) for (const path of alt) if (path[0] !== undefined) firsts.add(label(path[0]));
  const xs = [...firsts];
  if (xs.length <= 1) return xs[0] ?? 'something else';
  return `one of ${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) =>
    `expected ${label(expected)} but found ${describeToken(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant, ruleName }) => {
    if (firstRedundant.tokenType === T.RParen) return `found ')' without a matching '('`;
    if (ruleName === 'filterOption' || ruleName === 'aliasValueOption') {
      return `expected an operator or the end of the expression but found ${describeToken(firstRedundant)}`;
    }
    return `expected ',' or the end of the list but found ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual, customUserDescription }) =>
    `expected ${customUserDescription ?? describeAlternatives(expectedPathsPerAlt)} but found ${describeToken(actual[0] ?? ({ tokenType: EOF } as IToken))}`,
  buildEarlyExitMessage: ({ expectedIterationPaths, actual, customUserDescription }) =>
    `expected ${customUserDescription ?? describeAlternatives([expectedIterationPaths])} but found ${describeToken(actual[0] ?? ({ tokenType: EOF } as IToken))}`,
};

/** `$skip`, `$count`, … are real OData options that Dataverse does not allow inside `$expand`. */
const UNSUPPORTED_EXPAND_OPTIONS = new Set([
  '$skip',
  '$count',
  '$levels',
  '$search',
  '$apply',
  '$compute',
  '$format',
  '$skiptoken',
]);

const BINARY: Record<string, BinaryOperator> = {
  eq: 'eq',
  ne: 'ne',
  gt: 'gt',
  ge: 'ge',
  lt: 'lt',
  le: 'le',
  add: 'add',
  sub: 'sub',
  mul: 'mul',
  div: 'div',
  mod: 'mod',
};

class ODataParser extends EmbeddedActionsParser {
  src: Source = { name: '', body: '' };

  constructor() {
    super(T.allTokens, { maxLookahead: 3, recoveryEnabled: false, errorMessageProvider: messages });
    this.performSelfAnalysis();
  }

  /** The lexer tracks start offsets only; a token ends where its image does. */
  private tokenLoc(first: IToken, last: IToken = first): Loc {
    return { start: first.startOffset, end: last.startOffset + last.image.length, source: this.src };
  }

  private span(first: { loc: Loc }, last: { loc: Loc }): Loc {
    return { start: first.loc.start, end: last.loc.end, source: this.src };
  }

  private nameNode(t: IToken): NameNode {
    return { kind: 'Name', value: t.image, loc: this.tokenLoc(t) };
  }

  private literalNode(t: IToken): LiteralNode {
    const loc = this.tokenLoc(t);
    const raw = t.image;
    const lit = (type: LiteralNode['type'], value: LiteralNode['value']): LiteralNode => ({
      kind: 'Literal',
      type,
      value,
      raw,
      loc,
    });
    switch (t.tokenType) {
      case T.Null:
        return lit('null', null);
      case T.True:
        return lit('boolean', true);
      case T.False:
        return lit('boolean', false);
      case T.StringLiteral:
        return lit('string', raw.slice(1, -1).replaceAll("''", "'"));
      case T.JsonString:
        return lit('string', JSON.parse(raw) as string);
      case T.GuidLiteral:
        return lit('guid', raw.toLowerCase());
      case T.DateLiteral:
        return lit('date', parseDate(raw) ?? raw);
      case T.DateTimeLiteral:
        return lit('datetime', parseDateTime(raw) ?? raw);
      default: {
        const digits = raw.replace(/[mMdDfFlL]$/, '');
        const type = /[eE]/.test(digits) ? 'double' : digits.includes('.') ? 'decimal' : 'integer';
        return lit(type, Number(digits));
      }
    }
  }

  private binary(operator: BinaryOperator, left: ExprNode, right: ExprNode, op: IToken): ExprNode {
    return {
      kind: 'Binary',
      operator,
      left,
      right,
      operatorLoc: this.tokenLoc(op),
      loc: this.span(left, right),
    };
  }

  /** `-5` becomes a negative literal; `-x` a negation. */
  private negate(minus: IToken, operand: ExprNode): ExprNode {
    const loc = { start: minus.startOffset, end: operand.loc.end, source: this.src };
    if (operand.kind === 'Literal' && typeof operand.value === 'number') {
      return { ...operand, value: -operand.value, raw: `-${operand.raw}`, loc };
    }
    return { kind: 'Unary', operator: 'negate', operand, loc };
  }

  // ---- $filter ---------------------------------------------------------------------------------

  filterOption = this.RULE('filterOption', (): ExprNode => this.SUBRULE(this.expression));

  aliasValueOption = this.RULE('aliasValueOption', (): AliasValueNode =>
    this.OR<AliasValueNode>([
      { ALT: () => this.SUBRULE(this.squareList) },
      { ALT: () => this.SUBRULE(this.expression) },
    ]),
  );

  expression = this.RULE('expression', (): ExprNode => {
    let left = this.SUBRULE(this.andExpression);
    this.MANY(() => {
      const op = this.CONSUME(T.Or);
      const right = this.SUBRULE2(this.andExpression);
      this.ACTION(() => (left = this.binary('or', left, right, op)));
    });
    return left;
  });

  andExpression = this.RULE('andExpression', (): ExprNode => {
    let left = this.SUBRULE(this.comparison);
    this.MANY(() => {
      const op = this.CONSUME(T.And);
      const right = this.SUBRULE2(this.comparison);
      this.ACTION(() => (left = this.binary('and', left, right, op)));
    });
    return left;
  });

  comparison = this.RULE('comparison', (): ExprNode => {
    let left = this.SUBRULE(this.additive);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const op = this.CONSUME(T.ComparisonOperator);
            const right = this.SUBRULE2(this.additive);
            this.ACTION(() => (left = this.binary(BINARY[op.image] ?? 'eq', left, right, op)));
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.In);
            const list = this.SUBRULE(this.inList);
            this.ACTION(() => (left = { kind: 'In', operand: left, list, loc: this.span(left, list) }));
          },
        },
      ]);
    });
    return left;
  });

  inList = this.RULE('inList', (): ListNode | AliasNode =>
    this.OR<ListNode | AliasNode>([
      { ALT: () => this.SUBRULE(this.parenList) },
      { ALT: () => this.SUBRULE(this.squareList) },
      { ALT: () => this.SUBRULE(this.alias) },
    ]),
  );

  parenList = this.RULE('parenList', (): ListNode => {
    const open = this.CONSUME(T.LParen);
    const items: ExprNode[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const item = this.SUBRULE(this.expression);
        this.ACTION(() => items.push(item));
      },
      ERR_MSG: 'a value',
    });
    const close = this.CONSUME(T.RParen);
    return this.ACTION(() => ({ kind: 'List', bracket: 'paren', items, loc: this.tokenLoc(open, close) }));
  });

  /** `['a','b']` or `["a","b"]` (JSON strings allowed, as Dataverse documents for PropertyValues). */
  squareList = this.RULE('squareList', (): ListNode => {
    const open = this.CONSUME(T.LBracket);
    const items: ExprNode[] = [];
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        const item = this.OR([
          {
            ALT: () => {
              const t = this.CONSUME(T.JsonString);
              return this.ACTION(() => this.literalNode(t));
            },
          },
          { ALT: () => this.SUBRULE(this.expression) },
        ]);
        this.ACTION(() => items.push(item));
      },
    });
    const close = this.CONSUME(T.RBracket);
    return this.ACTION(() => ({ kind: 'List', bracket: 'square', items, loc: this.tokenLoc(open, close) }));
  });

  additive = this.RULE('additive', (): ExprNode => {
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.CONSUME(T.AdditiveOperator);
      const right = this.SUBRULE2(this.multiplicative);
      this.ACTION(() => (left = this.binary(BINARY[op.image] ?? 'add', left, right, op)));
    });
    return left;
  });

  multiplicative = this.RULE('multiplicative', (): ExprNode => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.CONSUME(T.MultiplicativeOperator);
      const right = this.SUBRULE2(this.unary);
      this.ACTION(() => (left = this.binary(BINARY[op.image] ?? 'mul', left, right, op)));
    });
    return left;
  });

  unary = this.RULE('unary', (): ExprNode =>
    this.OR({
      DEF: [
        {
          ALT: () => {
            const minus = this.CONSUME(T.Minus);
            const operand = this.SUBRULE(this.unary);
            return this.ACTION(() => this.negate(minus, operand));
          },
        },
        {
          ALT: () => {
            const not = this.CONSUME(T.Not);
            const operand = this.SUBRULE2(this.unary);
            return this.ACTION((): ExprNode => ({
              kind: 'Unary',
              operator: 'not',
              operand,
              loc: { start: not.startOffset, end: operand.loc.end, source: this.src },
            }));
          },
        },
        { ALT: () => this.SUBRULE(this.primary) },
      ],
      ERR_MSG: 'an expression',
    }),
  );

  primary = this.RULE('primary', (): ExprNode =>
    this.OR({
      DEF: [
        {
          ALT: () => {
            const t = this.CONSUME(T.Literal);
            return this.ACTION(() => this.literalNode(t));
          },
        },
        { ALT: () => this.SUBRULE(this.alias) },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            const inner = this.SUBRULE(this.expression);
            this.CONSUME(T.RParen);
            return inner;
          },
        },
        { ALT: () => this.SUBRULE(this.queryFunction) },
        { ALT: () => this.SUBRULE(this.call) },
        { ALT: () => this.SUBRULE(this.member) },
      ],
      ERR_MSG: 'an expression',
    }),
  );

  alias = this.RULE('alias', (): AliasNode => {
    const t = this.CONSUME(T.AliasName);
    return this.ACTION(() => ({ kind: 'Alias', name: t.image, loc: this.tokenLoc(t) }));
  });

  call = this.RULE('call', (): ExprNode => {
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    const args: ExprNode[] = [];
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        const arg = this.SUBRULE(this.expression);
        this.ACTION(() => args.push(arg));
      },
    });
    const close = this.CONSUME(T.RParen);
    return this.ACTION(() => ({
      kind: 'Call',
      name: this.nameNode(name),
      args,
      loc: this.tokenLoc(name, close),
    }));
  });

  queryFunction = this.RULE('queryFunction', (): QueryFunctionNode => {
    const name = this.CONSUME(T.QualifiedName);
    this.CONSUME(T.LParen);
    const parameters: FunctionParameterNode[] = [];
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        const p = this.SUBRULE(this.functionParameter);
        this.ACTION(() => parameters.push(p));
      },
    });
    const close = this.CONSUME(T.RParen);
    return this.ACTION(() => ({
      kind: 'QueryFunction',
      qualifiedName: name.image,
      nameLoc: this.tokenLoc(name),
      parameters,
      loc: this.tokenLoc(name, close),
    }));
  });

  functionParameter = this.RULE('functionParameter', (): FunctionParameterNode => {
    const name = this.CONSUME(T.Name);
    this.CONSUME(T.Equals);
    const value = this.OR<ListNode | ExprNode>([
      { ALT: () => this.SUBRULE(this.squareList) },
      { ALT: () => this.SUBRULE(this.expression) },
    ]);
    return this.ACTION(() => ({
      name: this.nameNode(name),
      value,
      loc: { start: name.startOffset, end: value.loc.end, source: this.src },
    }));
  });

  /**
   * A property path, optionally ending in a lambda (`a/b/any(x:x/c eq 1)`) or a query function
   * bound to it (`x/Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid')`).
   */
  member = this.RULE('member', (): ExprNode => {
    const head = this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.DollarIt) },
    ]);
    const segments: NameNode[] = [];
    /** Builds the node that ends the path, given the path before it. */
    let terminal: ((path: PathNode) => ExprNode) | undefined;
    const mustEnd = (slash: IToken) => {
      if (terminal !== undefined)
        throw syntaxError(
          this.src,
          slash.startOffset,
          'a path cannot continue after a lambda or function call',
        );
    };
    this.ACTION(() => segments.push(this.nameNode(head)));
    this.MANY(() => {
      const slash = this.CONSUME(T.Slash);
      this.OR2({
        DEF: [
          {
            ALT: () => {
              const op = this.OR3([{ ALT: () => this.CONSUME(T.Any) }, { ALT: () => this.CONSUME(T.All) }]);
              this.CONSUME(T.LParen);
              let variable: NameNode | undefined;
              let predicate: ExprNode | undefined;
              this.OPTION(() => {
                const v = this.CONSUME2(T.Identifier);
                this.CONSUME(T.Colon);
                const p = this.SUBRULE(this.expression);
                this.ACTION(() => {
                  variable = this.nameNode(v);
                  predicate = p;
                });
              });
              const close = this.CONSUME(T.RParen);
              this.ACTION(() => {
                mustEnd(slash);
                terminal = (collection): LambdaNode => ({
                  kind: 'Lambda',
                  operator: op.image === 'all' ? 'all' : 'any',
                  collection,
                  ...(variable !== undefined ? { variable } : {}),
                  ...(predicate !== undefined ? { predicate } : {}),
                  loc: this.tokenLoc(head, close),
                });
              });
            },
          },
          {
            ALT: () => {
              const fn = this.SUBRULE(this.queryFunction);
              this.ACTION(() => {
                mustEnd(slash);
                terminal = (binding) => ({
                  ...fn,
                  binding,
                  loc: { start: head.startOffset, end: fn.loc.end, source: this.src },
                });
              });
            },
          },
          {
            ALT: () => {
              const seg = this.CONSUME(T.Name);
              this.ACTION(() => {
                mustEnd(slash);
                segments.push(this.nameNode(seg));
              });
            },
          },
        ],
        IGNORE_AMBIGUITIES: true,
      });
    });
    return this.ACTION((): ExprNode => {
      const last = segments[segments.length - 1] ?? this.nameNode(head);
      const path: PathNode = {
        kind: 'Path',
        segments,
        loc: { start: head.startOffset, end: last.loc.end, source: this.src },
      };
      return terminal === undefined ? path : terminal(path);
    });
  });

  // ---- $orderby, $select, $expand -----------------------------------------------------------

  orderByOption = this.RULE('orderByOption', (): OrderByItemNode[] => this.SUBRULE(this.orderByList));
  selectOption = this.RULE('selectOption', (): SelectItemNode[] => this.SUBRULE(this.selectList));
  expandOption = this.RULE('expandOption', (): ExpandItemNode[] => this.SUBRULE(this.expandList));

  orderByList = this.RULE('orderByList', (): OrderByItemNode[] => {
    const items: OrderByItemNode[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const item = this.SUBRULE(this.orderByItem);
        this.ACTION(() => items.push(item));
      },
      ERR_MSG: 'a property name',
    });
    return items;
  });

  orderByItem = this.RULE('orderByItem', (): OrderByItemNode => {
    const expression = this.OR<AliasNode | PathNode>([
      { ALT: () => this.SUBRULE(this.alias) },
      { ALT: () => this.SUBRULE(this.plainPath) },
    ]);
    const dir = this.OPTION(() =>
      this.OR2([{ ALT: () => this.CONSUME(T.Asc) }, { ALT: () => this.CONSUME(T.Desc) }]),
    );
    return this.ACTION(() => ({
      kind: 'OrderByItem',
      expression,
      direction: dir?.image === 'desc' ? 'desc' : 'asc',
      explicit: dir !== undefined,
      loc:
        dir === undefined
          ? expression.loc
          : { start: expression.loc.start, end: dir.startOffset + dir.image.length, source: this.src },
    }));
  });

  /** A property path without lambdas; names may be keywords (`$orderby=name desc`). */
  plainPath = this.RULE('plainPath', (): PathNode => {
    const segments: NameNode[] = [];
    const head = this.OR([{ ALT: () => this.CONSUME(T.Name) }, { ALT: () => this.CONSUME(T.DollarIt) }]);
    this.ACTION(() => segments.push(this.nameNode(head)));
    this.MANY(() => {
      this.CONSUME(T.Slash);
      const seg = this.CONSUME2(T.Name);
      this.ACTION(() => segments.push(this.nameNode(seg)));
    });
    return this.ACTION(() => ({
      kind: 'Path',
      segments,
      loc: { start: head.startOffset, end: segments[segments.length - 1]!.loc.end, source: this.src },
    }));
  });

  selectList = this.RULE('selectList', (): SelectItemNode[] => {
    const items: SelectItemNode[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const t = this.CONSUME(T.Name);
        this.ACTION(() => items.push({ kind: 'SelectItem', name: this.nameNode(t), loc: this.tokenLoc(t) }));
      },
      ERR_MSG: 'a property name',
    });
    return items;
  });

  expandList = this.RULE('expandList', (): ExpandItemNode[] => {
    const items: ExpandItemNode[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const item = this.SUBRULE(this.expandItem);
        this.ACTION(() => items.push(item));
      },
      ERR_MSG: 'a navigation property name',
    });
    return items;
  });

  expandItem = this.RULE('expandItem', (): ExpandItemNode => {
    const name = this.CONSUME(T.Name);
    let last = name;
    let ref = false;
    const options: ExpandOptionNode[] = [];
    this.OPTION(() => {
      this.CONSUME(T.Slash);
      last = this.CONSUME(T.DollarRef);
      ref = true;
    });
    this.OPTION2(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({
        SEP: T.Semicolon,
        DEF: () => {
          const o = this.SUBRULE(this.expandSubOption);
          this.ACTION(() => options.push(o));
        },
      });
      last = this.CONSUME(T.RParen);
    });
    return this.ACTION(() => ({
      kind: 'ExpandItem',
      property: this.nameNode(name),
      ref,
      options,
      loc: this.tokenLoc(name, last),
    }));
  });

  expandSubOption = this.RULE('expandSubOption', (): ExpandOptionNode =>
    this.OR<ExpandOptionNode>({
      DEF: [
        {
          ALT: () => {
            const t = this.CONSUME(T.DollarSelect);
            this.CONSUME(T.Equals);
            const items = this.SUBRULE(this.selectList);
            return this.ACTION(() => ({
              kind: 'select' as const,
              items,
              loc: this.optionLoc(t, items[items.length - 1]),
            }));
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(T.DollarFilter);
            this.CONSUME2(T.Equals);
            const expression = this.SUBRULE(this.expression);
            return this.ACTION(() => ({
              kind: 'filter' as const,
              expression,
              loc: this.optionLoc(t, expression),
            }));
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(T.DollarOrderBy);
            this.CONSUME3(T.Equals);
            const items = this.SUBRULE(this.orderByList);
            return this.ACTION(() => ({
              kind: 'orderby' as const,
              items,
              loc: this.optionLoc(t, items[items.length - 1]),
            }));
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(T.DollarTop);
            this.CONSUME4(T.Equals);
            const n = this.CONSUME(T.NumberLiteral);
            return this.ACTION(() => {
              const value = this.literalNode(n);
              return { kind: 'top' as const, value, loc: this.optionLoc(t, value) };
            });
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(T.DollarExpand);
            this.CONSUME5(T.Equals);
            const items = this.SUBRULE(this.expandList);
            return this.ACTION(() => ({
              kind: 'expand' as const,
              items,
              loc: this.optionLoc(t, items[items.length - 1]),
            }));
          },
        },
      ],
      ERR_MSG: 'an expand option ($select, $filter, $orderby, $top or $expand)',
    }),
  );

  private optionLoc(t: IToken, last: { loc: Loc } | undefined): Loc {
    return { start: t.startOffset, end: last?.loc.end ?? t.startOffset + t.image.length, source: this.src };
  }
}

const parser = new ODataParser();

function toQueryError(src: Source, e: IRecognitionException) {
  const t = e.token;
  const position = Number.isNaN(t.startOffset) || t.tokenType === EOF ? src.body.length : t.startOffset;
  if (e.context.ruleStack.includes('expandItem') && t.image.startsWith('$')) {
    if (UNSUPPORTED_EXPAND_OPTIONS.has(t.image))
      return syntaxError(src, position, `the option ${t.image} is not supported inside $expand`);
    if (t.tokenType === T.DollarName) {
      return syntaxError(
        src,
        position,
        `'${t.image}' is not an expand option; expected $select, $filter, $orderby, $top or $expand`,
      );
    }
  }
  return syntaxError(src, position, e.message);
}

function run<R>(src: Source, rule: () => R): R {
  parser.src = src;
  const tokens = T.tokenize(src);
  checkNesting(src, tokens);
  parser.input = tokens;
  if (parser.input.length === 0)
    throw syntaxError(
      src,
      src.body.length,
      `expected ${emptyExpectation.get(src.name) ?? 'a value'} but found end of input`,
    );
  const result = rule();
  const error = parser.errors[0];
  if (error !== undefined) throw toQueryError(src, error);
  checkDepth(src, result);
  return result;
}

const emptyExpectation = new Map([
  ['$filter', 'an expression'],
  ['$orderby', 'a property name'],
  ['$select', 'a property name'],
  ['$expand', 'a navigation property name'],
]);

/**
 * Each function parses one option's text and throws `ODataQueryError` (with a position) for
 * anything that is not well-formed. The source's `name` is the option name used in messages.
 */
export const parseFilterText = (src: Source): ExprNode => run(src, () => parser.filterOption());
export const parseOrderByText = (src: Source): OrderByItemNode[] => run(src, () => parser.orderByOption());
export const parseSelectText = (src: Source): SelectItemNode[] => run(src, () => parser.selectOption());
export const parseExpandText = (src: Source): ExpandItemNode[] => run(src, () => parser.expandOption());
export const parseAliasValueText = (src: Source): AliasValueNode => run(src, () => parser.aliasValueOption());
