import type { SegmentQueryVisitor } from '../../language/visitor.ts';
import type { ValidationContext } from '../context.ts';

/** A validation rule, graphql-js style: a visitor built for one run, reporting through the context. */
export type ValidationRule = (context: ValidationContext) => SegmentQueryVisitor;
