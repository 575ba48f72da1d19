/**
 * Lowering of checked segment queries into the relational IR (`src/ir/nodes.ts`), from which
 * `src/sql/compiler.ts` writes SQL for every store.
 */
export { SegmentLoweringError, type SegmentLoweringReason } from './errors.ts';
export {
  ID_COLUMN,
  lowerSegmentQuery,
  type LoweredSegmentQuery,
  type LowerSegmentQueryOptions,
} from './query.ts';
