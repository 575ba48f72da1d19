import { MEMBERSHIP_COLUMNS, MEMBERSHIP_TABLE } from './internal-tables.ts';
import type {
  DatePart,
  DeleteRows,
  Expr,
  InsertRows,
  Mutation,
  OrderItem,
  RelQuery,
  ScalarType,
  SelectQuery,
  SetOperation,
  Source,
  UpdateRows,
  Value,
} from '../ir/nodes.ts';
import { scalarTypeOf } from '../ir/build.ts';
import type { AttributeMetadata, EntityMetadata } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import type { SqlDialect, TruncateUnit } from './dialect.ts';
import { SqlCompileError } from './errors.ts';
import { arithmeticType, attributeOf, columnTypeOf, isNumeric, typeOf } from './expr-type.ts';
import { KEY_COLUMN, quoteIdentifier as q } from './identifiers.ts';
import { escapeLikeText, translateDataversePattern } from './like-pattern.ts';
import { type SqlParam, toSqlParam } from './parameter-value.ts';
import { Scope, checkName } from './scope.ts';
import { asKeySemiJoin } from './semi-join.ts';

export interface CompiledSql {
  /** Statement text with `$1..$n` placeholders, numbered in textual order. */
  sql: string;
  params: SqlParam[];
}

/** Output columns of a compiled query, by name, with their IR types. */
type OutputColumns = Map<string, ScalarType | null>;

interface CompiledQuery {
  sql: string;
  columns: OutputColumns;
}

/**
 * Compiles IR (src/ir/nodes.ts) into one parameterised SQL statement for a dialect. It resolves
 * entities and attributes through the schema (table = entity logical name, column = attribute
 * logical name, `key` = "sd_key"), binds every literal as a parameter cast to its IR type, and
 * writes the semantics both stores must share (null ordering, case-insensitive text, date math)
 * out explicitly so DuckDB and PostgreSQL return the same rows.
 */
/** `IN` lists at least this long of these types are bound as one list parameter. */
const LIST_PARAMETER_THRESHOLD = 32;
const LIST_TYPES: ReadonlySet<ScalarType> = new Set<ScalarType>(['guid', 'integer', 'bigint']);

export class SqlCompiler {
  constructor(
    readonly schema: Schema,
    readonly dialect: SqlDialect,
  ) {}

  compile(node: RelQuery | Mutation): CompiledSql {
    const c = new Compilation(this.schema, this.dialect);
    const sql =
      node.kind === 'select' || node.kind === 'setop' ? c.query(node, undefined).sql : c.mutation(node);
    return c.finish(sql);
  }
}

/**
 * Parameters are first written as markers and numbered at the end, so `$n` follow the text. The
 * marker characters are private-use code points, which names may not hold (see `checkName`).
 */
const MARKER_START = '\uE000';
const MARKER_END = '\uE001';
const MARKER = /\uE000(\d+)\uE001/g;

const ORDERING_OPS = new Set(['<', '<=', '>', '>=']);

class Compilation {
  private readonly params: SqlParam[] = [];

  constructor(
    private readonly schema: Schema,
    private readonly d: SqlDialect,
  ) {}

  finish(sql: string): CompiledSql {
    const params: SqlParam[] = [];
    const text = sql.replace(MARKER, (_m, i: string) => {
      params.push(this.params[Number(i)] as SqlParam);
      return `$${params.length}`;
    });
    return { sql: text, params };
  }

  private param(value: Exclude<Value, null>, type: ScalarType): string {
    this.params.push(toSqlParam(value, type));
    return `CAST(${MARKER_START}${this.params.length - 1}${MARKER_END} AS ${this.d.castType(type)})`;
  }

  /**
   * A long `IN` of GUID or integer literals as one list parameter: parsing and binding a thousand
   * separate parameters costs far more than the lookup itself (lookups by id in batches).
   */
  private listIn(
    operand: Expr,
    values: readonly Expr[],
    negated: boolean,
    ci: boolean,
    scope: Scope,
  ): string | undefined {
    if (ci || values.length < LIST_PARAMETER_THRESHOLD) return undefined;
    const first = values[0];
    if (first?.kind !== 'literal' || !LIST_TYPES.has(first.type)) return undefined;
    const type = first.type;
    const texts: string[] = [];
    for (const v of values) {
      if (v.kind !== 'literal' || v.type !== type || v.value === null) return undefined;
      texts.push(String(toSqlParam(v.value, type)));
    }
    this.params.push(this.d.listText(texts));
    const param = `${MARKER_START}${this.params.length - 1}${MARKER_END}`;
    return this.d.inList(this.expr(operand, scope), param, this.d.castType(type), negated);
  }

  private entity(name: string): EntityMetadata {
    const e = this.schema.entities.get(name);
    if (e === undefined) throw new SqlCompileError(`unknown entity '${name}'`);
    return e;
  }

  // ---- queries ------------------------------------------------------------------------------

  /** `forExists`: the rows only need to exist, so a select may list no columns (`SELECT 1`). */
  query(node: RelQuery, outer: Scope | undefined, forExists = false): CompiledQuery {
    return node.kind === 'select'
      ? this.select(node, outer, forExists)
      : this.setOperation(node, outer, forExists);
  }

  private setOperation(node: SetOperation, outer: Scope | undefined, forExists: boolean): CompiledQuery {
    const left = this.query(node.left, outer, forExists);
    const right = this.query(node.right, outer, forExists);
    if (left.columns.size !== right.columns.size) {
      throw new SqlCompileError(
        `${node.op} of queries with ${left.columns.size} and ${right.columns.size} columns`,
      );
    }
    const rightTypes = [...right.columns.values()];
    const columns: OutputColumns = new Map();
    [...left.columns].forEach(([name, t], i) => columns.set(name, t ?? rightTypes[i] ?? null));
    const op = node.op.toUpperCase();
    return {
      sql: `${this.setOperand(node.left, left.sql)} ${op} ${this.setOperand(node.right, right.sql)}`,
      columns,
    };
  }

  /** Nested set operations and selects with their own order or limit need parentheses. */
  private setOperand(node: RelQuery, sql: string): string {
    const bare =
      node.kind === 'select' &&
      (node.orderBy?.length ?? 0) === 0 &&
      node.limit === undefined &&
      node.offset === undefined;
    return bare ? sql : `(${sql})`;
  }

  private select(node: SelectQuery, outer: Scope | undefined, forExists: boolean): CompiledQuery {
    if (node.columns.length === 0 && !forExists) {
      throw new SqlCompileError('a query needs at least one column (only an exists subquery may have none)');
    }
    const scope = new Scope(outer);
    const parts: string[] = [];
    let from = `FROM ${this.source(node.from, scope, outer)}`;
    for (const j of node.joins) {
      const src = this.source(j.source, scope, outer);
      from += ` ${j.type === 'inner' ? 'INNER JOIN' : 'LEFT JOIN'} ${src} ON ${this.expr(j.on, scope)}`;
    }
    const columns: OutputColumns = new Map();
    const items = node.columns.map((c) => {
      checkName('output column', c.as);
      if (columns.has(c.as)) throw new SqlCompileError(`output column '${c.as}' appears twice`);
      columns.set(c.as, typeOf(c.expr, scope));
      return `${this.expr(c.expr, scope)} AS ${q(c.as)}`;
    });
    parts.push(
      `SELECT ${node.distinct === true ? 'DISTINCT ' : ''}${items.length > 0 ? items.join(', ') : '1'}`,
    );
    parts.push(from);
    if (node.where !== undefined) parts.push(`WHERE ${this.expr(node.where, scope)}`);
    if (node.groupBy !== undefined && node.groupBy.length > 0) {
      parts.push(`GROUP BY ${node.groupBy.map((g) => this.expr(g, scope)).join(', ')}`);
    }
    if (node.having !== undefined) parts.push(`HAVING ${this.expr(node.having, scope)}`);

    const order = node.orderBy ?? [];
    if (node.distinct === true && order.length > 0) {
      // SELECT DISTINCT may only order by selected expressions (PostgreSQL), and strings order
      // by lower(x); so order the distinct rows from outside, by their output columns.
      const inner = parts.join(' ');
      const wrapped = new Scope(outer);
      wrapped.bind({ kind: 'subquery', alias: 'sd_distinct', columns });
      const keys = order.map((o) => {
        const item = node.columns.find((c) => sameExpr(c.expr, o.expr));
        if (item === undefined) {
          throw new SqlCompileError('with distinct, every order key must be one of the selected columns');
        }
        return this.orderKey(
          { expr: { kind: 'column', source: 'sd_distinct', column: item.as }, direction: o.direction },
          wrapped,
        );
      });
      const sql = `SELECT * FROM (${inner}) AS "sd_distinct" ORDER BY ${keys.join(', ')}${this.limitOffset(node)}`;
      return { sql, columns };
    }
    if (order.length > 0) parts.push(`ORDER BY ${order.map((o) => this.orderKey(o, scope)).join(', ')}`);
    return { sql: parts.join(' ') + this.limitOffset(node), columns };
  }

  /** Strings order by lower(x) byte-wise; nulls first ascending and last descending (Dataverse). */
  private orderKey(o: OrderItem, scope: Scope): string {
    let sql = this.expr(o.expr, scope);
    if (typeOf(o.expr, scope) === 'string') sql = this.d.byteOrder(`lower(${sql})`);
    // The surrogate key is never null: plain ASC/DESC lets PostgreSQL read it in index order.
    if (o.expr.kind === 'key') return `${sql} ${o.direction === 'asc' ? 'ASC' : 'DESC'}`;
    return o.direction === 'asc' ? `${sql} ASC NULLS FIRST` : `${sql} DESC NULLS LAST`;
  }

  private limitOffset(node: SelectQuery): string {
    let sql = '';
    if (node.limit !== undefined) sql += ` LIMIT ${count('limit', node.limit)}`;
    if (node.offset !== undefined) sql += ` OFFSET ${count('offset', node.offset)}`;
    return sql;
  }

  private source(s: Source, scope: Scope, outer: Scope | undefined): string {
    if (s.kind === 'entity') {
      const entity = this.entity(s.entity);
      scope.bind({ kind: 'entity', alias: s.alias, entity });
      return `${q(entity.logicalName)} AS ${q(s.alias)}`;
    }
    if (s.kind === 'segmentMembers') {
      scope.bind({ kind: 'subquery', alias: s.alias, columns: MEMBERSHIP_COLUMNS });
      return `${q(MEMBERSHIP_TABLE)} AS ${q(s.alias)}`;
    }
    if (s.kind === 'hierarchy') return this.hierarchy(s, scope, outer);
    // A derived table sees the enclosing query levels but not its siblings (no LATERAL).
    const sub = this.query(s.query, outer);
    scope.bind({ kind: 'subquery', alias: s.alias, columns: sub.columns });
    return `(${sub.sql}) AS ${q(s.alias)}`;
  }

  /**
   * A walk along a self-referencing lookup as a derived table over a recursive CTE. UNION (not
   * UNION ALL) drops rows already found, so a cycle in the data ends the recursion on both stores.
   */
  private hierarchy(
    s: Extract<Source, { kind: 'hierarchy' }>,
    scope: Scope,
    outer: Scope | undefined,
  ): string {
    const entity = this.entity(s.entity);
    const parent = entity.attributes.get(s.parentAttribute);
    const idAttribute = entity.attributes.get(entity.primaryIdAttribute);
    if (parent === undefined || parent.targets?.length !== 1 || parent.targets[0] !== entity.logicalName) {
      throw new SqlCompileError(
        `'${s.parentAttribute}' is not a lookup of '${entity.logicalName}' to itself`,
      );
    }
    if (idAttribute === undefined) throw new SqlCompileError(`'${entity.logicalName}' has no primary id`);
    const table = q(entity.logicalName);
    const [id, up] = [q(idAttribute.logicalName), q(parent.logicalName)];
    const [start, cte, step] = [q(s.alias), q(`${s.alias}_h`), q(`${s.alias}_s`)];
    const anchor = new Scope(outer);
    anchor.bind({ kind: 'entity', alias: s.alias, entity });
    const where = this.expr(s.start, anchor);
    const follow = s.direction === 'down' ? `${step}.${up} = ${cte}."id"` : `${step}.${id} = ${cte}."parent"`;
    scope.bind({ kind: 'subquery', alias: s.alias, columns: new Map([['id', scalarTypeOf(idAttribute)]]) });
    return (
      `(WITH RECURSIVE ${cte}("id", "parent") AS (` +
      `SELECT ${start}.${id}, ${start}.${up} FROM ${table} AS ${start} WHERE ${where} ` +
      `UNION SELECT ${step}.${id}, ${step}.${up} FROM ${table} AS ${step} INNER JOIN ${cte} ON ${follow}` +
      `) SELECT ${cte}."id" AS "id" FROM ${cte}) AS ${start}`
    );
  }

  // ---- expressions --------------------------------------------------------------------------

  private expr(e: Expr, scope: Scope): string {
    switch (e.kind) {
      case 'attr': {
        const a = attributeOf(scope.resolve(e.source), e.attribute);
        return `${q(e.source)}.${q(a.logicalName)}`;
      }
      case 'key': {
        const b = scope.resolve(e.source);
        if (b.kind !== 'entity')
          throw new SqlCompileError(`alias '${e.source}' is a subquery and has no surrogate key`);
        return `${q(e.source)}.${q(KEY_COLUMN)}`;
      }
      case 'column':
        columnTypeOf(scope.resolve(e.source), e.column);
        return `${q(e.source)}.${q(e.column)}`;
      case 'literal':
        if (e.value === null) return 'NULL';
        return this.param(e.value, e.type);
      case 'null':
        return 'NULL';
      case 'compare':
        return this.compare(e, scope);
      case 'and':
        return e.operands.length === 0
          ? 'TRUE'
          : `(${e.operands.map((o) => this.expr(o, scope)).join(' AND ')})`;
      case 'or':
        return e.operands.length === 0
          ? 'FALSE'
          : `(${e.operands.map((o) => this.expr(o, scope)).join(' OR ')})`;
      case 'not':
        return `(NOT ${this.expr(e.operand, scope)})`;
      case 'isNull':
        return `(${this.expr(e.operand, scope)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
      case 'text':
        return this.text(e, scope);
      case 'in': {
        if (e.values.length === 0) return e.negated ? 'TRUE' : 'FALSE';
        const list = this.listIn(e.operand, e.values, e.negated, e.ci === true, scope);
        if (list !== undefined) return list;
        const ci = e.ci === true;
        const side = (x: Expr) => this.ciSide(x, scope, ci);
        return `(${side(e.operand)} ${e.negated ? 'NOT IN' : 'IN'} (${e.values.map(side).join(', ')}))`;
      }
      case 'arith':
        return this.arithmetic(e, scope);
      case 'negate': {
        if (!isNumeric(typeOf(e.operand, scope)))
          throw new SqlCompileError('negation needs a numeric operand');
        return `(- ${this.expr(e.operand, scope)})`;
      }
      case 'exists': {
        const semi = this.d.semiJoinsAsIn ? asKeySemiJoin(e.query) : undefined;
        if (semi !== undefined) {
          const test = [
            ...semi.outerConditions.map((c) => `COALESCE(${this.expr(c, scope)}, FALSE)`),
            `COALESCE(${this.expr(semi.outer, scope)} IN (${this.query(semi.inner, scope).sql}), FALSE)`,
          ].join(' AND ');
          return e.negated ? `(NOT (${test}))` : `(${test})`;
        }
        return `(${e.negated ? 'NOT ' : ''}EXISTS (${this.query(e.query, scope, true).sql}))`;
      }
      case 'now':
        return this.d.now();
      case 'dateAdd':
        return this.dateAdd(e.part, e.amount, e.operand, scope);
      case 'dateDiff':
        return this.dateDiff(e.part, e.start, e.end, scope);
      case 'datePart':
        return this.datePart(e.part, e.operand, scope);
      case 'dateTrunc':
        return this.dateTrunc(e.part, e.operand, scope);
      case 'cast':
        return `CAST(${this.expr(e.operand, scope)} AS ${this.d.castType(e.type)})`;
      case 'lower':
        return `lower(${this.expr(e.operand, scope)})`;
      case 'coalesce':
        if (e.operands.length === 0) throw new SqlCompileError('coalesce needs at least one operand');
        return `COALESCE(${e.operands.map((o) => this.expr(o, scope)).join(', ')})`;
      case 'aggregate':
        return this.aggregate(e, scope);
    }
  }

  /** One side of a comparison: lower-cased for case-insensitive string comparison. */
  private ciSide(e: Expr, scope: Scope, ci: boolean): string {
    const sql = this.expr(e, scope);
    return ci && typeOf(e, scope) === 'string' ? `lower(${sql})` : sql;
  }

  private compare(e: Extract<Expr, { kind: 'compare' }>, scope: Scope): string {
    const ci = e.ci === true;
    let left = this.ciSide(e.left, scope, ci);
    const right = this.ciSide(e.right, scope, ci);
    const stringy = typeOf(e.left, scope) === 'string' || typeOf(e.right, scope) === 'string';
    if (stringy && ORDERING_OPS.has(e.op)) left = this.d.byteOrder(left);
    return `(${left} ${e.op} ${right})`;
  }

  private text(e: Extract<Expr, { kind: 'text' }>, scope: Scope): string {
    const t = typeOf(e.operand, scope);
    if (t !== null && t !== 'string')
      throw new SqlCompileError(`text operator '${e.op}' needs a string operand, got ${t}`);
    const subject = `lower(${this.expr(e.operand, scope)})`;
    let test: string;
    const p = e.pattern;
    if (e.op === 'like') {
      if (p.kind !== 'literal' || typeof p.value !== 'string') {
        throw new SqlCompileError('like needs a literal string pattern');
      }
      const translated = translateDataversePattern(p.value);
      test =
        translated.kind === 'like'
          ? `(${subject} LIKE lower(${this.param(translated.pattern, 'string')}) ESCAPE '\\')`
          : this.d.regexMatch(
              subject,
              `lower(${this.param(this.d.regexParameter(translated.source), 'string')})`,
            );
    } else {
      const before = e.op === 'startsWith' ? '' : '%';
      const after = e.op === 'endsWith' ? '' : '%';
      let pattern: string;
      if (p.kind === 'literal' && typeof p.value === 'string') {
        pattern = this.param(`${before}${escapeLikeText(p.value)}${after}`, 'string');
      } else {
        const pt = typeOf(p, scope);
        if (pt !== null && pt !== 'string')
          throw new SqlCompileError(`text operator '${e.op}' needs a string pattern`);
        const escaped = `replace(replace(replace(${this.expr(p, scope)}, '\\', '\\\\'), '%', '\\%'), '_', '\\_')`;
        pattern = [before === '' ? '' : `'%' || `, escaped, after === '' ? '' : ` || '%'`].join('');
      }
      test = `(${subject} LIKE lower(${pattern}) ESCAPE '\\')`;
    }
    return e.negated ? `(NOT ${test})` : test;
  }

  private arithmetic(e: Extract<Expr, { kind: 'arith' }>, scope: Scope): string {
    const lt = typeOf(e.left, scope);
    const rt = typeOf(e.right, scope);
    const type = arithmeticType(e.op, lt, rt);
    const left = this.expr(e.left, scope);
    const right = this.expr(e.right, scope);
    switch (e.op) {
      case '/':
        // Division by zero is NULL on both stores (PostgreSQL would raise, DuckDB returns NULL).
        if (type === 'integer' || type === 'bigint') return this.d.intDivide(left, `NULLIF(${right}, 0)`);
        return `(CAST(${left} AS ${this.d.castType('double')}) / NULLIF(CAST(${right} AS ${this.d.castType('double')}), 0))`;
      case '%':
        if (type === 'double') throw new SqlCompileError("'%' needs integer or decimal operands");
        return `(${left} % NULLIF(${right}, 0))`;
      default:
        return `(${left} ${e.op} ${right})`;
    }
  }

  private aggregate(e: Extract<Expr, { kind: 'aggregate' }>, scope: Scope): string {
    if (e.operand === undefined) {
      if (e.fn !== 'count') throw new SqlCompileError(`aggregate '${e.fn}' needs an operand`);
      return 'count(*)';
    }
    const operand = this.expr(e.operand, scope);
    const t = typeOf(e.operand, scope);
    switch (e.fn) {
      case 'count':
        return `count(${operand})`;
      case 'countDistinct':
        return `count(DISTINCT ${operand})`;
      case 'sum':
        if (!isNumeric(t)) throw new SqlCompileError(`sum needs a numeric operand, got ${t}`);
        return `sum(${operand})`;
      case 'avg':
        // One result type on both stores (PostgreSQL averages into numeric, DuckDB into double).
        if (!isNumeric(t)) throw new SqlCompileError(`avg needs a numeric operand, got ${t}`);
        return `CAST(avg(${operand}) AS ${this.d.castType('double')})`;
      case 'min':
      case 'max':
        return `${e.fn}(${t === 'string' ? this.d.byteOrder(operand) : operand})`;
    }
  }

  // ---- dates --------------------------------------------------------------------------------

  private temporal(e: Expr, scope: Scope, what: string): { sql: string; type: 'date' | 'datetime' | null } {
    const t = typeOf(e, scope);
    if (t !== null && t !== 'date' && t !== 'datetime')
      throw new SqlCompileError(`${what} needs a date or datetime, got ${t}`);
    return { sql: this.expr(e, scope), type: t };
  }

  /** Date arithmetic runs on timestamps, so a date never meets the session time zone. */
  private timestamp(sql: string, type: 'date' | 'datetime' | null): string {
    return type === 'date' ? `CAST(${sql} AS ${this.d.castType('datetime')})` : sql;
  }

  /** Keeps date math type-preserving: a date in, a date out. */
  private like(sql: string, type: 'date' | 'datetime' | null): string {
    return type === 'date' ? `CAST(${sql} AS ${this.d.castType('date')})` : sql;
  }

  private dateAdd(part: DatePart, amountExpr: Expr, operand: Expr, scope: Scope): string {
    const v = this.temporal(operand, scope, 'dateAdd');
    const at = typeOf(amountExpr, scope);
    if (at !== null && at !== 'integer' && at !== 'bigint')
      throw new SqlCompileError(`dateAdd needs a whole-number amount, got ${at}`);
    const amount = this.expr(amountExpr, scope);
    const ts = this.timestamp(v.sql, v.type);
    let sql: string;
    if (part === 'quarter') sql = this.d.addInterval('month', `(${amount} * 3)`, ts);
    else if (part === 'week') sql = this.d.addInterval('day', `(${amount} * 7)`, ts);
    else sql = this.d.addInterval(part, amount, ts);
    return this.like(sql, v.type);
  }

  /** The start of the Sunday-based week of a timestamp. */
  private weekStart(ts: string): string {
    return this.d.addInterval('day', `(- ${this.d.extract('dayOfWeek', ts)})`, this.d.truncate('day', ts));
  }

  private dateDiff(part: DatePart, startExpr: Expr, endExpr: Expr, scope: Scope): string {
    const s = this.temporal(startExpr, scope, 'dateDiff');
    const e = this.temporal(endExpr, scope, 'dateDiff');
    const start = this.timestamp(s.sql, s.type);
    const end = this.timestamp(e.sql, e.type);
    const x = (field: 'year' | 'quarter' | 'month', ts: string) => this.d.extract(field, ts);
    const bigint = this.d.castType('bigint');
    const days = (a: string, b: string) =>
      `(CAST(${b} AS ${this.d.castType('date')}) - CAST(${a} AS ${this.d.castType('date')}))`;
    let sql: string;
    switch (part) {
      case 'year':
        sql = `(${x('year', end)} - ${x('year', start)})`;
        break;
      case 'quarter':
        sql = `((${x('year', end)} * 4 + ${x('quarter', end)}) - (${x('year', start)} * 4 + ${x('quarter', start)}))`;
        break;
      case 'month':
        sql = `((${x('year', end)} * 12 + ${x('month', end)}) - (${x('year', start)} * 12 + ${x('month', start)}))`;
        break;
      case 'week':
        sql = this.d.intDivide(`CAST(${days(this.weekStart(start), this.weekStart(end))} AS ${bigint})`, '7');
        break;
      case 'day':
        sql = days(start, end);
        break;
      case 'millisecond':
        sql = `(${this.d.epochMilliseconds(end)} - ${this.d.epochMilliseconds(start)})`;
        break;
      default: {
        const unit = { hour: 3600000, minute: 60000, second: 1000 }[part];
        const ms = (ts: string) => this.d.epochMilliseconds(this.d.truncate(part, ts));
        sql = this.d.intDivide(`(${ms(end)} - ${ms(start)})`, String(unit));
      }
    }
    return `CAST(${sql} AS ${bigint})`;
  }

  private datePart(part: DatePart, operand: Expr, scope: Scope): string {
    const v = this.temporal(operand, scope, 'datePart');
    const ts = this.timestamp(v.sql, v.type);
    if (part === 'week') {
      // Week 1 holds January 1st and weeks start on Sunday (SQL Server's DATEPART(week)).
      const jan1 = this.d.extract('dayOfWeek', this.d.truncate('year', ts));
      return `(${this.d.intDivide(`(${this.d.extract('dayOfYear', ts)} - 1 + ${jan1})`, '7')} + 1)`;
    }
    return this.d.extract(part, ts);
  }

  private dateTrunc(part: DatePart, operand: Expr, scope: Scope): string {
    const v = this.temporal(operand, scope, 'dateTrunc');
    const ts = this.timestamp(v.sql, v.type);
    const sql = part === 'week' ? this.weekStart(ts) : this.d.truncate(part satisfies TruncateUnit, ts);
    return this.like(sql, v.type);
  }

  // ---- mutations ----------------------------------------------------------------------------

  mutation(m: Mutation): string {
    switch (m.kind) {
      case 'insert':
        return this.insert(m);
      case 'update':
        return this.update(m);
      case 'delete':
        return this.delete(m);
    }
  }

  private attributes(entity: EntityMetadata, names: readonly string[]): AttributeMetadata[] {
    const seen = new Set<string>();
    return names.map((n) => {
      const a = entity.attributes.get(n);
      if (a === undefined)
        throw new SqlCompileError(`entity '${entity.logicalName}' has no attribute '${n}'`);
      if (seen.has(n)) throw new SqlCompileError(`attribute '${n}' is written twice`);
      seen.add(n);
      return a;
    });
  }

  private insert(m: InsertRows): string {
    const entity = this.entity(m.entity);
    const attrs = this.attributes(entity, m.attributes);
    if (m.rows.length === 0) throw new SqlCompileError('insert needs at least one row');
    if (m.keys.length !== m.rows.length) {
      throw new SqlCompileError(`insert has ${m.rows.length} rows but ${m.keys.length} keys`);
    }
    const types = attrs.map(scalarTypeOf);
    const rows = m.rows.map((row, i) => {
      if (row.length !== attrs.length) {
        throw new SqlCompileError(`insert row ${i} has ${row.length} values for ${attrs.length} attributes`);
      }
      const values = row.map((v, j) => (v === null ? 'NULL' : this.param(v, types[j] as ScalarType)));
      return `(${[this.param(m.keys[i] as number, 'integer'), ...values].join(', ')})`;
    });
    const columns = [KEY_COLUMN, ...attrs.map((a) => a.logicalName)].map(q).join(', ');
    return `INSERT INTO ${q(entity.logicalName)} (${columns}) VALUES ${rows.join(', ')}`;
  }

  private update(m: UpdateRows): string {
    const entity = this.entity(m.entity);
    const scope = new Scope();
    scope.bind({ kind: 'entity', alias: m.alias, entity });
    if (m.set.length === 0) throw new SqlCompileError('update needs at least one attribute to set');
    const attrs = this.attributes(
      entity,
      m.set.map((s) => s.attribute),
    );
    const sets = m.set.map(
      (s, i) => `${q((attrs[i] as AttributeMetadata).logicalName)} = ${this.expr(s.value, scope)}`,
    );
    return `UPDATE ${q(entity.logicalName)} AS ${q(m.alias)} SET ${sets.join(', ')} WHERE ${this.expr(m.where, scope)}`;
  }

  private delete(m: DeleteRows): string {
    const entity = this.entity(m.entity);
    const scope = new Scope();
    scope.bind({ kind: 'entity', alias: m.alias, entity });
    return `DELETE FROM ${q(entity.logicalName)} AS ${q(m.alias)} WHERE ${this.expr(m.where, scope)}`;
  }
}

function count(what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new SqlCompileError(`${what} must be a whole number >= 0, got ${n}`);
  return n;
}

/** Structural equality of two expressions (key order does not matter). */
function sameExpr(a: Expr, b: Expr): boolean {
  return canonical(a) === canonical(b);
}

function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (typeof x === 'object' && x !== null) {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(x);
}
