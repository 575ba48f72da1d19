import type { ScalarType } from '../../ir/nodes.ts';
import type { AttributeMetadata } from '../../metadata/model.ts';
import { isOptionSetType } from '../../metadata/model.ts';
import type { LiteralNode } from './ast.ts';
import { semanticError } from './errors.ts';
import { datePartOf, parseDate, parseDateTime, parseGuid } from './literals.ts';
import { describeAttribute } from './properties.ts';
import type { BoundLiteral, BoundNull } from './semantic.ts';

/**
 * Converting literals to the type of what they are compared with. `expression` mode is for
 * literals written in an expression (`statecode eq 0`): the literal's own form must fit.
 * `text` mode is for query-function parameters, which Dataverse declares as strings
 * (`PropertyValues=["5","2000"]`): quoted text is parsed as the target type.
 */

export type CoercionMode = 'expression' | 'text';

/** What a literal must fit: a type, and the attribute it is compared with when there is one. */
export interface LiteralTarget {
  readonly type: ScalarType;
  readonly attribute?: AttributeMetadata;
}

const EDM: Record<ScalarType, string> = {
  string: 'Edm.String',
  integer: 'Edm.Int32',
  bigint: 'Edm.Int64',
  decimal: 'Edm.Decimal',
  double: 'Edm.Double',
  boolean: 'Edm.Boolean',
  datetime: 'Edm.DateTimeOffset',
  date: 'Edm.Date',
  guid: 'Edm.Guid',
};

export const edmName = (t: ScalarType): string => EDM[t];

export const isNumeric = (t: ScalarType): boolean =>
  t === 'integer' || t === 'bigint' || t === 'decimal' || t === 'double';

/** The type a literal has on its own (when nothing typed is compared with it). */
export function naturalLiteral(node: LiteralNode): BoundLiteral | BoundNull {
  const loc = node.loc;
  const v = node.value;
  switch (node.type) {
    case 'null':
      return { kind: 'null', loc };
    case 'integer': {
      const n = v as number;
      const type: ScalarType =
        n >= -2147483648 && n <= 2147483647 ? 'integer' : Number.isSafeInteger(n) ? 'bigint' : 'decimal';
      return { kind: 'literal', value: n, type, loc };
    }
    case 'boolean':
      return { kind: 'literal', value: v as boolean, type: 'boolean', loc };
    case 'decimal':
    case 'double':
    case 'string':
    case 'guid':
    case 'date':
    case 'datetime':
      return { kind: 'literal', value: v as string | number, type: node.type, loc };
  }
}

function optionExamples(a: AttributeMetadata): string {
  const opts = (a.options ?? []).slice(0, 3).map((o) => `${o.value} (${o.label})`);
  return opts.length === 0 ? 'an integer choice value' : `an integer choice value such as ${opts.join(', ')}`;
}

function expectation(target: LiteralTarget): string {
  switch (target.type) {
    case 'string':
      return "a string in single quotes, such as 'text'";
    case 'integer':
    case 'bigint':
      return target.attribute !== undefined && isOptionSetType(target.attribute.type)
        ? optionExamples(target.attribute)
        : 'a whole number';
    case 'decimal':
    case 'double':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'datetime':
      return 'a date-time such as 2020-01-01T00:00:00Z';
    case 'date':
      return 'a date such as 2020-01-01';
    case 'guid':
      return 'a GUID such as 00000000-0000-0000-0000-000000000000';
  }
}

function mismatch(node: LiteralNode, target: LiteralTarget, detail?: string) {
  const what =
    target.attribute !== undefined
      ? `the property ${describeAttribute(target.attribute)}`
      : `an ${edmName(target.type)} value`;
  return semanticError(
    node.loc,
    `The literal ${node.raw} does not match ${what}: expected ${detail ?? expectation(target)}.`,
  );
}

const NUMBER_TEXT = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Converts `node` to the target's type or throws an `ODataQueryError` naming both. */
export function coerceLiteral(
  node: LiteralNode,
  target: LiteralTarget,
  mode: CoercionMode,
): BoundLiteral | BoundNull {
  const loc = node.loc;
  if (node.type === 'null') return { kind: 'null', loc };
  const ok = (value: string | number | boolean, type: ScalarType = target.type): BoundLiteral => ({
    kind: 'literal',
    value,
    type,
    loc,
  });
  const text = node.type === 'string' ? (node.value as string) : undefined;
  const optionSet = target.attribute !== undefined && isOptionSetType(target.attribute.type);
  switch (target.type) {
    case 'string':
      if (text !== undefined) return ok(text);
      if (mode === 'text' && (node.type === 'integer' || node.type === 'decimal' || node.type === 'double'))
        return ok(node.raw);
      throw mismatch(node, target);
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'double': {
      let n: number | undefined;
      let integral = false;
      if (node.type === 'integer' || node.type === 'decimal' || node.type === 'double') {
        n = node.value as number;
        integral = node.type === 'integer';
      } else if (mode === 'text' && text !== undefined && NUMBER_TEXT.test(text.trim())) {
        n = Number(text.trim());
        integral = /^-?\d+$/.test(text.trim());
      }
      if (n === undefined || !Number.isFinite(n)) throw mismatch(node, target);
      if (target.type === 'integer' || target.type === 'bigint') {
        if (!integral) {
          // Comparing a whole-number column with 2.5 is meaningful; a choice value is not.
          if (optionSet || mode === 'text') throw mismatch(node, target);
          return ok(n, 'decimal');
        }
        if (target.type === 'integer' && (n < -2147483648 || n > 2147483647)) {
          if (optionSet) throw mismatch(node, target, `${expectation(target)} (${node.raw} is out of range)`);
          return ok(n, Number.isSafeInteger(n) ? 'bigint' : 'decimal');
        }
        if (!Number.isSafeInteger(n))
          throw mismatch(node, target, `a whole number between -9007199254740991 and 9007199254740991`);
      }
      return ok(n);
    }
    case 'boolean':
      if (node.type === 'boolean') return ok(node.value as boolean);
      if (mode === 'text' && text !== undefined && /^(true|false)$/i.test(text.trim()))
        return ok(text.trim().toLowerCase() === 'true');
      throw mismatch(node, target);
    case 'datetime': {
      if (node.type === 'datetime') return ok(node.value as string);
      if (node.type === 'date') return ok(`${node.value as string}T00:00:00Z`);
      if (mode === 'text' && text !== undefined) {
        const dt =
          parseDateTime(text.trim()) ??
          (parseDate(text.trim()) !== undefined ? `${text.trim()}T00:00:00Z` : undefined);
        if (dt !== undefined) return ok(dt);
      }
      throw mismatch(node, target);
    }
    case 'date': {
      if (node.type === 'date') return ok(node.value as string);
      if (mode === 'text' && text !== undefined) {
        const d =
          parseDate(text.trim()) ??
          (parseDateTime(text.trim()) !== undefined
            ? datePartOf(parseDateTime(text.trim()) ?? '')
            : undefined);
        if (d !== undefined) return ok(d);
      }
      if (mode === 'text' && node.type === 'datetime') return ok(datePartOf(node.value as string));
      throw mismatch(node, target);
    }
    case 'guid': {
      if (node.type === 'guid') return ok(node.value as string);
      // Dataverse's own examples quote GUIDs (`_owninguser_value eq '<id>'`), so quoted ones are accepted.
      const g = text !== undefined ? parseGuid(text.trim()) : undefined;
      if (g !== undefined) return ok(g);
      throw mismatch(node, target);
    }
  }
}
