import type {
  AttributeMetadata,
  AttributeType,
  DateTimeBehavior,
  EntityMetadata,
  OptionMetadata,
  RequiredLevel,
} from '../model.ts';

/** A compact way to declare the built-in attributes; defaults match Dataverse's. */
export interface AttrOptions {
  required?: RequiredLevel;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  precision?: number;
  behavior?: DateTimeBehavior;
  options?: OptionMetadata[];
  targets?: string[];
  defaultValue?: string | number | boolean;
  readOnly?: boolean;
  createOnly?: boolean;
  computed?: AttributeMetadata['computed'];
  indexed?: boolean;
  aliases?: readonly string[];
  jsonText?: AttributeMetadata['jsonText'];
}

export function attr(
  logicalName: string,
  type: AttributeType,
  displayName: string,
  o: AttrOptions = {},
): AttributeMetadata {
  const readOnly = o.readOnly === true || o.computed !== undefined;
  const a: AttributeMetadata = {
    logicalName,
    type,
    displayName,
    required: o.required ?? 'None',
    validForCreate: !readOnly,
    validForUpdate: !readOnly && o.createOnly !== true,
  };
  if (o.maxLength !== undefined) a.maxLength = o.maxLength;
  if (o.minValue !== undefined) a.minValue = o.minValue;
  if (o.maxValue !== undefined) a.maxValue = o.maxValue;
  if (o.precision !== undefined) a.precision = o.precision;
  if (type === 'DateTime') a.dateTimeBehavior = o.behavior ?? 'UserLocal';
  if (o.options !== undefined) a.options = o.options;
  if (o.targets !== undefined) a.targets = o.targets;
  if (o.defaultValue !== undefined) a.defaultValue = o.defaultValue;
  if (o.computed !== undefined) a.computed = o.computed;
  if (o.indexed === true) a.indexed = true;
  if (o.aliases !== undefined) a.aliases = o.aliases;
  if (o.jsonText !== undefined) a.jsonText = o.jsonText;
  return a;
}

export const str = (n: string, d: string, maxLength = 100, o: AttrOptions = {}) =>
  attr(n, 'String', d, { maxLength, ...o });
export const memo = (n: string, d: string, maxLength = 2000, o: AttrOptions = {}) =>
  attr(n, 'Memo', d, { maxLength, ...o });
export const int = (n: string, d: string, o: AttrOptions = {}) =>
  attr(n, 'Integer', d, { minValue: -2147483648, maxValue: 2147483647, ...o });
export const dbl = (n: string, d: string, o: AttrOptions = {}) => attr(n, 'Double', d, o);
export const money = (n: string, d: string, o: AttrOptions = {}) =>
  attr(n, 'Money', d, { precision: 4, minValue: -922337203685477, maxValue: 922337203685477, ...o });
export const bool = (n: string, d: string, defaultValue = false, o: AttrOptions = {}) =>
  attr(n, 'Boolean', d, { defaultValue, ...o });
export const dt = (n: string, d: string, behavior: DateTimeBehavior = 'UserLocal', o: AttrOptions = {}) =>
  attr(n, 'DateTime', d, { behavior, ...o });
export const pick = (n: string, d: string, options: OptionMetadata[], o: AttrOptions = {}) =>
  attr(n, 'Picklist', d, { options, ...o });
export const lookup = (n: string, d: string, targets: string[], o: AttrOptions = {}) =>
  attr(n, targets.length > 1 ? 'Customer' : 'Lookup', d, { targets, ...o });

/** `[1, 'Male'], [2, 'Female']` → option metadata. */
export function opts(...pairs: [number, string][]): OptionMetadata[] {
  return pairs.map(([value, label]) => ({ value, label }));
}

/** The attributes every user-owned Dataverse table has. */
export function systemAttributes(entity: string): AttributeMetadata[] {
  return [
    dt('createdon', 'Created On', 'UserLocal', { computed: 'system', indexed: true }),
    dt('modifiedon', 'Modified On', 'UserLocal', { computed: 'system', indexed: true }),
    lookup('createdby', 'Created By', ['systemuser'], { computed: 'system' }),
    lookup('modifiedby', 'Modified By', ['systemuser'], { computed: 'system' }),
    attr('ownerid', 'Owner', 'Owner', { targets: ['systemuser'], required: 'SystemRequired' }),
    lookup('owningbusinessunit', 'Owning Business Unit', ['businessunit'], { computed: 'system' }),
    lookup('owninguser', 'Owning User', ['systemuser'], { computed: 'system' }),
    attr('versionnumber', 'BigInt', 'Version Number', { computed: 'system' }),
    int('importsequencenumber', 'Import Sequence Number', { createOnly: true }),
    dt('overriddencreatedon', 'Record Created On', 'UserLocal', { createOnly: true }),
    int('timezoneruleversionnumber', 'Time Zone Rule Version Number', { minValue: -1 }),
    int('utcconversiontimezonecode', 'UTC Conversion Time Zone Code', { minValue: -1 }),
  ].filter((a) => !(entity === 'systemuser' && a.logicalName === 'owningbusinessunit'));
}

/** The Active/Inactive statecode and statuscode pair of ordinary tables. */
export function activeInactiveState(): AttributeMetadata[] {
  return [
    attr('statecode', 'State', 'Status', {
      options: [
        { value: 0, label: 'Active', defaultStatus: 1 },
        { value: 1, label: 'Inactive', defaultStatus: 2 },
      ],
      defaultValue: 0,
      computed: 'system',
    }),
    attr('statuscode', 'Status', 'Status Reason', {
      options: [
        { value: 1, label: 'Active', state: 0 },
        { value: 2, label: 'Inactive', state: 1 },
      ],
      defaultValue: 1,
    }),
  ];
}

export function entity(
  e: Omit<EntityMetadata, 'attributes' | 'isCustom'> & { isCustom?: boolean },
  attributes: AttributeMetadata[],
): EntityMetadata {
  const map = new Map<string, AttributeMetadata>();
  const withTypes: AttributeMetadata[] = [];
  for (const a of attributes) {
    withTypes.push(a);
    // Dataverse pairs every polymorphic lookup with an EntityName attribute naming the target's entity.
    const companion = `${a.logicalName}type`;
    if ((a.targets?.length ?? 0) > 1 && !attributes.some((b) => b.logicalName === companion)) {
      withTypes.push(attr(companion, 'EntityName', `${a.displayName} Type`, { computed: 'system' }));
    }
  }
  for (const a of withTypes) {
    if (map.has(a.logicalName)) throw new Error(`duplicate attribute ${e.logicalName}.${a.logicalName}`);
    if (a.logicalName === e.primaryIdAttribute) a.isPrimaryId = true;
    if (a.logicalName === e.primaryNameAttribute) a.isPrimaryName = true;
    map.set(a.logicalName, a);
  }
  return { ...e, isCustom: e.isCustom ?? false, attributes: map };
}
