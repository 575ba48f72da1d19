import { HavingAggregateRule } from './rules/having-aggregate.ts';
import { HavingCountRule } from './rules/having-count.ts';
import { InteractionStepsRule } from './rules/interaction-steps.ts';
import { KnownAliasRule } from './rules/known-alias.ts';
import { KnownAttributeRule } from './rules/known-attribute.ts';
import { KnownEntityRule } from './rules/known-entity.ts';
import { KnownRelationshipRule } from './rules/known-relationship.ts';
import { KnownSegmentRule } from './rules/known-segment.ts';
import type { ValidationRule } from './rules/rule.ts';
import { SegmentCycleRule } from './rules/segment-cycle.ts';
import { SetOperandsSameEntityRule } from './rules/set-operands-same-entity.ts';
import { ShapingAttributesRule } from './rules/shaping-attributes.ts';
import { TargetIsContactRule } from './rules/target-is-contact.ts';
import { TypeCompatibilityRule } from './rules/type-compatibility.ts';
import { UniqueAliasRule } from './rules/unique-alias.ts';

/** Every rule of the language, run by `validateSegmentQuery` unless the caller gives its own list. */
export const specifiedRules: readonly ValidationRule[] = [
  KnownEntityRule,
  KnownSegmentRule,
  SegmentCycleRule,
  KnownRelationshipRule,
  UniqueAliasRule,
  KnownAliasRule,
  KnownAttributeRule,
  TypeCompatibilityRule,
  InteractionStepsRule,
  HavingAggregateRule,
  HavingCountRule,
  SetOperandsSameEntityRule,
  TargetIsContactRule,
  ShapingAttributesRule,
];
