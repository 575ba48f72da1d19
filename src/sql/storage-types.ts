import type { AttributeMetadata } from '../metadata/model.ts';

/**
 * Digits after the point that a decimal column keeps. Fixed per attribute type (not taken from
 * the attribute's display precision) so that changing the precision in a schema file is not a
 * column type change: Money keeps 4 digits, Decimal 10.
 */
export function decimalScale(attribute: AttributeMetadata): number {
  return attribute.type === 'Money' ? 4 : 10;
}

/** Total digits of every decimal column; 38 is the widest both stores support. */
export const DECIMAL_PRECISION = 38;
