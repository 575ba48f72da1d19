import type { Dataset, GenAccount, GenContact, GenInteraction } from './dataset.ts';
import { NOW } from './dataset.ts';

/**
 * Random valid segment queries over the generated dataset, each with its meaning written as plain
 * TypeScript: `members(data)` computes the expected contact ids without the store. Conditions keep
 * SQL's three-valued logic (null = unknown), strings compare case-insensitively.
 *
 * Literals only change the case of ASCII letters of real values, so the expected sets do not
 * depend on how a store lower-cases other letters (PostgreSQL's `lower` follows the database
 * locale).
 */

type Tri = boolean | null;
type Row = Record<string, string | number | boolean | null>;

interface Cond {
  readonly text: string;
  eval(row: Row, outer?: Row): Tri;
}

export interface RandomQuery {
  readonly text: string;
  members(data: Dataset): Set<string>;
}

const and3 = (a: Tri, b: Tri): Tri =>
  a === false || b === false ? false : a === null || b === null ? null : true;
const or3 = (a: Tri, b: Tri): Tri =>
  a === true || b === true ? true : a === null || b === null ? null : false;
const not3 = (a: Tri): Tri => (a === null ? null : !a);

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

const contactRow = (c: GenContact): Row => ({
  firstname: c.firstname,
  lastname: c.lastname,
  address1_city: c.city,
  birthdate: c.birthdate,
  numberofchildren: c.children,
  donotemail: c.donotemail,
  jobtitle: c.jobtitle,
});

const accountRow = (a: GenAccount): Row => ({
  name: a.name,
  address1_city: a.city,
  numberofemployees: a.employees,
});

function compareNumbers(op: string, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '>=':
      return l >= r;
    case '<':
      return l < r;
    default:
      return l <= r;
  }
}

/** Adds months as the stores do: the day is clamped to the end of the target month. */
export function addMonthsUtc(d: Date, months: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const target = new Date(Date.UTC(y, m, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return target;
}

export class QueryGenerator {
  constructor(
    private readonly r: () => number,
    private readonly data: Dataset,
  ) {}

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }

  /** A real value with the case of some ASCII letters flipped. */
  private variant(s: string): string {
    return [...s]
      .map((ch) =>
        /[a-zA-Z]/.test(ch) && this.r() < 0.3
          ? ch === ch.toLowerCase()
            ? ch.toUpperCase()
            : ch.toLowerCase()
          : ch,
      )
      .join('');
  }

  private textOf(values: readonly (string | null)[]): string {
    const real = values.filter((v): v is string => v !== null);
    return this.variant(this.pick(real));
  }

  // ---- conditions -----------------------------------------------------------------------------

  private stringAtom(attr: string, values: readonly (string | null)[]): Cond {
    const kind = this.int(0, 4);
    const whole = this.textOf(values);
    if (kind <= 1) {
      const op = kind === 0 ? '==' : '!=';
      const lit = this.r() < 0.1 ? 'nobody' : whole;
      return {
        text: `${attr} ${op} ${quote(lit)}`,
        eval: (row) => {
          const v = row[attr];
          if (v === null || v === undefined) return null;
          const eq = String(v).toLowerCase() === lit.toLowerCase();
          return op === '==' ? eq : !eq;
        },
      };
    }
    const op = (['CONTAINS', 'STARTSWITH', 'ENDSWITH'] as const)[kind - 2]!;
    const start = this.int(0, Math.max(0, whole.length - 1));
    const part =
      op === 'STARTSWITH'
        ? whole.slice(0, this.int(1, whole.length))
        : op === 'ENDSWITH'
          ? whole.slice(start)
          : whole.slice(start, start + this.int(1, 4));
    return {
      text: `${attr} ${op} ${quote(part)}`,
      eval: (row) => {
        const v = row[attr];
        if (v === null || v === undefined) return null;
        const s = String(v).toLowerCase();
        const p = part.toLowerCase();
        return op === 'CONTAINS' ? s.includes(p) : op === 'STARTSWITH' ? s.startsWith(p) : s.endsWith(p);
      },
    };
  }

  private numberAtom(attr: string, lo: number, hi: number): Cond {
    const op = this.pick(['==', '!=', '>', '>=', '<', '<='] as const);
    const k = this.int(lo, hi);
    const form = this.int(0, 2);
    const expr = form === 0 ? attr : form === 1 ? `${attr} + 1` : `${attr} * 2`;
    const value = (v: number) => (form === 0 ? v : form === 1 ? v + 1 : v * 2);
    return {
      text: `${expr} ${op} ${k}`,
      eval: (row) => {
        const v = row[attr];
        return typeof v === 'number' ? compareNumbers(op, value(v), k) : null;
      },
    };
  }

  private nullAtom(attr: string): Cond {
    const isNull = this.r() < 0.5;
    return {
      text: `${isNull ? 'ISNULL' : 'ISNOTNULL'}(${attr})`,
      eval: (row) => (row[attr] === null) === isNull,
    };
  }

  private dateAtom(): Cond {
    const year = this.int(1950, 2006);
    const form = this.int(0, 2);
    if (form === 2) {
      const n = this.int(20, 70);
      const op = this.pick(['>', '<=', '=='] as const);
      return {
        text: `DATEDIFF(YEAR, birthdate, DATETIMEUTCNOW()) ${op} ${n}`,
        eval: (row) => {
          const b = row.birthdate;
          if (typeof b !== 'string') return null;
          return compareNumbers(op, NOW.getUTCFullYear() - Number(b.slice(0, 4)), n);
        },
      };
    }
    const op = this.pick(['<', '>=', '>'] as const);
    const bound = `${year}-0${this.int(1, 9)}-1${this.int(0, 9)}`;
    const literal =
      form === 0
        ? quote(bound)
        : `DATE(${bound.slice(0, 4)}, ${Number(bound.slice(5, 7))}, ${Number(bound.slice(8, 10))})`;
    return {
      text: `birthdate ${op} ${literal}`,
      eval: (row) => {
        const b = row.birthdate;
        if (typeof b !== 'string') return null;
        return op === '<' ? b < bound : op === '>=' ? b >= bound : b > bound;
      },
    };
  }

  private contactAtom(): Cond {
    const cs = this.data.contacts;
    switch (this.int(0, 7)) {
      case 0:
        return this.stringAtom(
          'lastname',
          cs.map((c) => c.lastname),
        );
      case 1:
        return this.stringAtom(
          'address1_city',
          cs.map((c) => c.city),
        );
      case 2:
        return this.stringAtom(
          'jobtitle',
          cs.map((c) => c.jobtitle),
        );
      case 3:
        return this.stringAtom(
          'firstname',
          cs.map((c) => c.firstname),
        );
      case 4:
        return this.numberAtom('numberofchildren', -1, 8);
      case 5:
        return this.dateAtom();
      case 6: {
        const v = this.r() < 0.5;
        return { text: `donotemail == ${v ? 'TRUE' : 'FALSE'}`, eval: (row) => row.donotemail === v };
      }
      default:
        return this.nullAtom(
          this.pick(['address1_city', 'birthdate', 'numberofchildren', 'jobtitle', 'firstname']),
        );
    }
  }

  private accountAtom(): Cond {
    const as = this.data.accounts;
    switch (this.int(0, 3)) {
      case 0:
        return this.stringAtom(
          'name',
          as.map((a) => a.name),
        );
      case 1:
        return this.stringAtom(
          'address1_city',
          as.map((a) => a.city),
        );
      case 2:
        return this.numberAtom('numberofemployees', 0, 2000);
      default:
        return this.nullAtom(this.pick(['address1_city', 'numberofemployees']));
    }
  }

  condition(atom: () => Cond, depth = 0): Cond {
    const roll = this.r();
    if (depth >= 2 || roll < 0.45) return atom();
    if (roll < 0.6) {
      const c = this.condition(atom, depth + 1);
      return { text: `NOT(${c.text})`, eval: (row, o) => not3(c.eval(row, o)) };
    }
    const l = this.condition(atom, depth + 1);
    const r = this.condition(atom, depth + 1);
    const isAnd = roll < 0.8;
    const op = isAnd ? this.pick(['&&', 'AND']) : this.pick(['||', 'OR']);
    return {
      text: `(${l.text} ${op} ${r.text})`,
      eval: (row, o) => (isAnd ? and3 : or3)(l.eval(row, o), r.eval(row, o)),
    };
  }

  // ---- operands --------------------------------------------------------------------------------

  private accountsById(): Map<string, GenAccount> {
    return new Map(this.data.accounts.map((a) => [a.id, a]));
  }

  operand(): RandomQuery {
    switch (this.int(0, 6)) {
      case 0:
      case 1: {
        const c = this.condition(() => this.contactAtom());
        return {
          text: `PROFILE(contact).FILTER(${c.text})`,
          members: (d) => new Set(d.contacts.filter((x) => c.eval(contactRow(x)) === true).map((x) => x.id)),
        };
      }
      case 2: {
        const ca = this.condition(() => this.accountAtom());
        const cc = this.r() < 0.5 ? this.condition(() => this.contactAtom()) : undefined;
        const inline = this.r() < 0.5;
        const tail =
          cc === undefined
            ? '.TRAVERSE(contact_account_parentcustomerid)'
            : inline
              ? `.TRAVERSE(contact_account_parentcustomerid, FILTER(${cc.text}))`
              : `.TRAVERSE(contact_account_parentcustomerid).FILTER(${cc.text})`;
        return {
          text: `PROFILE(account).FILTER(${ca.text})${tail}`,
          members: (d) => {
            const byId = this.accountsById();
            return new Set(
              d.contacts
                .filter((x) => {
                  if (x.parent?.entity !== 'account') return false;
                  const a = byId.get(x.parent.id)!;
                  return (
                    ca.eval(accountRow(a)) === true && (cc === undefined || cc.eval(contactRow(x)) === true)
                  );
                })
                .map((x) => x.id),
            );
          },
        };
      }
      case 3: {
        // An earlier step's alias inside a later FILTER: a join condition across the traversal.
        const ca = this.condition(() => this.accountAtom());
        const op = this.pick(['<', '>=', '==']);
        return {
          text: `PROFILE(account, acc).FILTER(${ca.text}).TRAVERSE(contact_account_parentcustomerid).FILTER(numberofchildren * 10 ${op} acc.numberofemployees)`,
          members: (d) => {
            const byId = this.accountsById();
            return new Set(
              d.contacts
                .filter((x) => {
                  if (x.parent?.entity !== 'account') return false;
                  const a = byId.get(x.parent.id)!;
                  if (ca.eval(accountRow(a)) !== true) return false;
                  if (x.children === null || a.employees === null) return false;
                  return compareNumbers(op, x.children * 10, a.employees);
                })
                .map((x) => x.id),
            );
          },
        };
      }
      case 4: {
        // Two levels: accounts → their parent accounts → those parents' contacts.
        const ca = this.condition(() => this.accountAtom());
        return {
          text: `PROFILE(account).FILTER(${ca.text}).TRAVERSE(account_account_parentaccountid).TRAVERSE(contact_account_parentcustomerid)`,
          members: (d) => {
            const parents = new Set(
              d.accounts
                .filter((a) => a.parent !== null && ca.eval(accountRow(a)) === true)
                .map((a) => a.parent!),
            );
            return new Set(
              d.contacts
                .filter((x) => x.parent?.entity === 'account' && parents.has(x.parent.id))
                .map((x) => x.id),
            );
          },
        };
      }
      case 5: {
        // contact → the contact its parentcustomerid points at.
        const cc = this.condition(() => this.contactAtom());
        return {
          text: `PROFILE(contact).FILTER(${cc.text}).TRAVERSE(contact_contact_parentcustomerid)`,
          members: (d) =>
            new Set(
              d.contacts
                .filter((x) => x.parent?.entity === 'contact' && cc.eval(contactRow(x)) === true)
                .map((x) => x.parent!.id),
            ),
        };
      }
      default:
        return this.interactionOperand();
    }
  }

  private interactionOperand(): RandomQuery {
    const type = this.pick(['EmailOpened', 'EmailClicked', 'FormSubmitted'] as const);
    const filterEmail =
      type !== 'FormSubmitted' && this.r() < 0.4 ? this.variant(this.pick(['E1', 'E2', 'E3'])) : undefined;
    const windowKind = this.int(0, 3);
    const windowN = windowKind === 1 ? this.int(1, 400) : windowKind === 2 ? this.int(1, 18) : 1;
    const windowText = ['', `, UTCDAYS(${windowN})`, `, UTCMONTHS(${windowN})`, `, UTCYEARS(${windowN})`][
      windowKind
    ]!;
    const minute = new Date(NOW.getTime());
    minute.setUTCSeconds(0, 0);
    const start =
      windowKind === 0
        ? undefined
        : windowKind === 1
          ? new Date(minute.getTime() - windowN * 86400_000)
          : addMonthsUtc(minute, -(windowKind === 2 ? windowN : 12 * windowN));
    let agg: { text: string; fold(xs: GenInteraction[]): number | null };
    if (type === 'FormSubmitted' && this.r() < 0.6) {
      const fn = this.pick(['SUM', 'MIN', 'MAX', 'AVG'] as const);
      agg = {
        text: `${fn}(Value)`,
        fold: (xs) => {
          const vs = xs.map((x) => x.value).filter((v): v is number => v !== null);
          if (vs.length === 0) return null;
          const sum = vs.reduce((a, b) => a + b, 0);
          return fn === 'SUM'
            ? sum
            : fn === 'MIN'
              ? Math.min(...vs)
              : fn === 'MAX'
                ? Math.max(...vs)
                : sum / vs.length;
        },
      };
    } else {
      agg = { text: 'COUNT()', fold: (xs) => xs.length };
    }
    const isCount = agg.text === 'COUNT()';
    const op = isCount ? this.pick(['>', '>', '<', '<=', '=='] as const) : this.pick(['>', '<'] as const);
    const n = isCount
      ? op === '>'
        ? this.pick([0, 0, 1, 2, 5])
        : this.int(1, 4)
      : Number((Math.round(this.r() * 30000) / 100 + 0.0037).toFixed(4));
    const filter = filterEmail === undefined ? '' : `.FILTER(EmailId == ${quote(filterEmail)})`;
    const having = `.HAVING(${agg.text} ${op} ${n}${windowText})`;
    // FILTER may stand before or after HAVING.
    const steps = this.r() < 0.5 ? filter + having : having + filter;
    return {
      text: `INTERACTION(${type}, ${type}_ContactLink)${steps}`,
      members: (d) => {
        const groups = new Map<string, GenInteraction[]>();
        for (const x of d.interactions) {
          if (x.type !== type) continue;
          if (
            filterEmail !== undefined &&
            (x.emailid === null || x.emailid.toLowerCase() !== filterEmail.toLowerCase())
          )
            continue;
          if (start !== undefined && new Date(x.timestamp) < start) continue;
          groups.set(x.contact, [...(groups.get(x.contact) ?? []), x]);
        }
        const out = new Set<string>();
        for (const [contact, xs] of groups) {
          const v = agg.fold(xs);
          if (v !== null && compareNumbers(op, v, n)) out.add(contact);
        }
        return out;
      },
    };
  }

  /** A set expression of up to `depth` levels of set operators, in infix or method form. */
  setExpression(depth = 0): RandomQuery {
    if (depth >= 2 || this.r() < 0.4) return this.operand();
    const left = this.setExpression(depth + 1);
    const right = this.setExpression(depth + 1);
    const op = this.pick(['UNION', 'INTERSECT', 'EXCEPT', 'MINUS'] as const);
    const text =
      this.r() < 0.3 ? `(${left.text}).${op}(${right.text})` : `(${left.text}) ${op} (${right.text})`;
    return {
      text,
      members: (d) => {
        const l = left.members(d);
        const r = right.members(d);
        if (op === 'UNION') return new Set([...l, ...r]);
        if (op === 'INTERSECT') return new Set([...l].filter((x) => r.has(x)));
        return new Set([...l].filter((x) => !r.has(x)));
      },
    };
  }
}
