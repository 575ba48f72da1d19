import { edmTypeOf } from '../engine/values.ts';
import type { EntityMetadata, NavigationProperty } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import { NAMESPACE } from './resource-path.ts';
import { webApiProperties } from './representation.ts';

/**
 * `$metadata`: the CSDL XML document describing the service, generated from the schema and the
 * registered operations, in the shape Dataverse publishes (namespace `Microsoft.Dynamics.CRM`,
 * alias `mscrm`, every entity type deriving from the abstract `crmbaseentity`).
 */

export const ALIAS = 'mscrm';

export interface OperationParameter {
  name: string;
  /** An Edm or `mscrm.` type, e.g. `Edm.String`, `Collection(mscrm.crmbaseentity)`. */
  type: string;
  nullable?: boolean;
}

export interface ComplexTypeDefinition {
  name: string;
  properties: readonly OperationParameter[];
}

/** An action as `$metadata` declares it (the handler lives with the Web API's action registry). */
export interface ActionDefinition {
  /** The name clients call, without namespace (`CreateMultiple`, `msdyncrm_SegmentMembersUpdate`). */
  name: string;
  /**
   * Absent for unbound actions (declared with an ActionImport). `entity` names the entity type
   * (logical name); absent means any (`crmbaseentity`).
   */
  binding?: { kind: 'entity' | 'collection'; entity?: string };
  /** Parameters of the request body (the binding parameter is added for bound actions). */
  parameters: readonly OperationParameter[];
  /** The response type; absent for actions that answer 204. */
  returnType?: string;
  /** Complex types the action introduces (its response type and nested types). */
  complexTypes?: readonly ComplexTypeDefinition[];
}

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(pairs: Record<string, string | undefined>): string {
  return Object.entries(pairs)
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(v)}"`)
    .join('');
}

function partnerOf(schema: Schema, nav: NavigationProperty): string | undefined {
  const r = nav.relationship;
  const name = nav.kind === 'single' ? r.referencedNavigationProperty : r.referencingNavigationProperty;
  const other = schema.navigationProperty(nav.targetEntity, name);
  // Self-referencing relationships whose two names coincide have no distinct partner.
  return other !== undefined && other.relationship === r && other.kind !== nav.kind ? name : undefined;
}

function entityTypeXml(schema: Schema, e: EntityMetadata, lines: string[]): void {
  lines.push(`      <EntityType${attrs({ Name: e.logicalName, BaseType: `${ALIAS}.crmbaseentity` })}>`);
  lines.push(`        <Key><PropertyRef${attrs({ Name: e.primaryIdAttribute })} /></Key>`);
  for (const p of webApiProperties(e)) {
    const type = edmTypeOf(p.attribute);
    lines.push(
      `        <Property${attrs({
        Name: p.name,
        Type: type,
        Nullable: p.attribute.isPrimaryId === true ? 'false' : undefined,
        Unicode: type === 'Edm.String' ? 'false' : undefined,
        Scale: type === 'Edm.Decimal' ? 'Variable' : undefined,
      })} />`,
    );
  }
  for (const nav of schema.navigationProperties(e.logicalName).values()) {
    const target = schema.requireEntity(nav.targetEntity);
    const partner = partnerOf(schema, nav);
    if (nav.kind === 'single') {
      lines.push(
        `        <NavigationProperty${attrs({ Name: nav.name, Type: `${ALIAS}.${target.logicalName}`, Partner: partner })}>`,
      );
      lines.push(
        `          <ReferentialConstraint${attrs({
          Property: `_${nav.relationship.referencingAttribute}_value`,
          ReferencedProperty: target.primaryIdAttribute,
        })} />`,
      );
      lines.push('        </NavigationProperty>');
    } else {
      lines.push(
        `        <NavigationProperty${attrs({ Name: nav.name, Type: `Collection(${ALIAS}.${target.logicalName})`, Partner: partner })} />`,
      );
    }
  }
  lines.push('      </EntityType>');
}

function parameterXml(p: OperationParameter, indent: string, element = 'Parameter'): string {
  return `${indent}<${element}${attrs({ Name: p.name, Type: p.type, Nullable: p.nullable === false ? 'false' : undefined })} />`;
}

function actionXml(a: ActionDefinition, lines: string[]): void {
  lines.push(
    `      <Action${attrs({ Name: a.name, IsBound: a.binding !== undefined ? 'true' : undefined })}>`,
  );
  if (a.binding !== undefined) {
    const type = `${ALIAS}.${a.binding.entity ?? 'crmbaseentity'}`;
    lines.push(
      a.binding.kind === 'collection'
        ? parameterXml({ name: 'entityset', type: `Collection(${type})`, nullable: false }, '        ')
        : parameterXml({ name: 'entity', type, nullable: false }, '        '),
    );
  }
  for (const p of a.parameters) lines.push(parameterXml(p, '        '));
  if (a.returnType !== undefined)
    lines.push(`        <ReturnType${attrs({ Type: a.returnType, Nullable: 'false' })} />`);
  lines.push('      </Action>');
}

/** The CSDL document for `GET $metadata`. */
export function buildCsdl(schema: Schema, actions: readonly ActionDefinition[] = []): string {
  const lines: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '  <edmx:DataServices>',
    `    <Schema${attrs({ Namespace: NAMESPACE, Alias: ALIAS, xmlns: 'http://docs.oasis-open.org/odata/ns/edm' })}>`,
    '      <EntityType Name="crmbaseentity" Abstract="true" />',
  ];
  const entities = [...schema.entities.values()];
  for (const e of entities) entityTypeXml(schema, e, lines);
  const complexTypes = new Map<string, ComplexTypeDefinition>();
  for (const a of actions) for (const c of a.complexTypes ?? []) complexTypes.set(c.name, c);
  for (const c of complexTypes.values()) {
    lines.push(`      <ComplexType${attrs({ Name: c.name })}>`);
    for (const p of c.properties) lines.push(parameterXml(p, '        ', 'Property'));
    lines.push('      </ComplexType>');
  }
  for (const a of actions) actionXml(a, lines);
  lines.push('      <EntityContainer Name="System">');
  for (const e of entities) {
    const navs = [...schema.navigationProperties(e.logicalName).values()];
    if (navs.length === 0) {
      lines.push(
        `        <EntitySet${attrs({ Name: e.entitySetName, EntityType: `${NAMESPACE}.${e.logicalName}` })} />`,
      );
      continue;
    }
    lines.push(
      `        <EntitySet${attrs({ Name: e.entitySetName, EntityType: `${NAMESPACE}.${e.logicalName}` })}>`,
    );
    for (const n of navs) {
      const target = schema.requireEntity(n.targetEntity);
      lines.push(
        `          <NavigationPropertyBinding${attrs({ Path: n.name, Target: target.entitySetName })} />`,
      );
    }
    lines.push('        </EntitySet>');
  }
  for (const a of actions) {
    if (a.binding === undefined)
      lines.push(`        <ActionImport${attrs({ Name: a.name, Action: `${NAMESPACE}.${a.name}` })} />`);
  }
  lines.push('      </EntityContainer>', '    </Schema>', '  </edmx:DataServices>', '</edmx:Edmx>', '');
  return lines.join('\n');
}
