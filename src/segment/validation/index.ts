/**
 * The checker of the segment query language: names resolved against the schema and the stored
 * segments, types of comparisons, and the language's own restrictions, graphql-js style (one rule
 * per file under rules/, `specifiedRules`, `validateSegmentQuery`).
 */
export { ValidationContext, type ResolvedSegment, type SegmentValidationOptions } from './context.ts';
export { HavingAggregateRule } from './rules/having-aggregate.ts';
export { HavingCountRule } from './rules/having-count.ts';
export { InteractionStepsRule } from './rules/interaction-steps.ts';
export { KnownAliasRule } from './rules/known-alias.ts';
export { KnownAttributeRule } from './rules/known-attribute.ts';
export { KnownEntityRule } from './rules/known-entity.ts';
export { KnownRelationshipRule } from './rules/known-relationship.ts';
export { KnownSegmentRule } from './rules/known-segment.ts';
export type { ValidationRule } from './rules/rule.ts';
export { SegmentCycleRule } from './rules/segment-cycle.ts';
export { SetOperandsSameEntityRule } from './rules/set-operands-same-entity.ts';
export { ShapingAttributesRule } from './rules/shaping-attributes.ts';
export { TargetIsContactRule } from './rules/target-is-contact.ts';
export { TypeCompatibilityRule } from './rules/type-compatibility.ts';
export { UniqueAliasRule } from './rules/unique-alias.ts';
export { bindQuery, type QueryBindings, type Scope } from './scope.ts';
export { specifiedRules } from './specified-rules.ts';
export { validateSegmentQuery } from './validate.ts';
