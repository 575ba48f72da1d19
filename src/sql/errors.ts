import type { ScalarType } from '../ir/nodes.ts';

/**
 * IR the compiler cannot turn into SQL: an unknown entity, attribute or alias, or a node used
 * where it makes no sense. Front ends validate user input first, so this names an internal bug.
 */
export class SqlCompileError extends Error {
  override name = 'SqlCompileError';
}

/** A value that does not fit the type it is bound as (a literal, an inserted or appended value). */
export class InvalidValueError extends Error {
  override name = 'InvalidValueError';
  constructor(
    readonly type: ScalarType,
    readonly value: unknown,
    /** What is wrong, without the value (the message adds it). */
    readonly detail: string,
  ) {
    super(`invalid ${type} value ${describe(value)}: ${detail}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return typeof value;
}
