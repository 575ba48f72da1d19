import type { Command } from 'commander';
import type { Schema } from '../../metadata/schema.ts';
import { loadSchema } from '../../metadata/schema-file.ts';
import { edmTypeOf } from '../../engine/values.ts';
import { settingsOf, type StoreOptions } from '../context.ts';

/** The effective schema as a JSON document (built-ins plus the schema file). */
export function describeSchema(schema: Schema): unknown {
  return {
    entities: [...schema.entities.values()].map((e) => ({
      logicalName: e.logicalName,
      entitySetName: e.entitySetName,
      primaryIdAttribute: e.primaryIdAttribute,
      primaryNameAttribute: e.primaryNameAttribute,
      isCustom: e.isCustom,
      attributes: [...e.attributes.values()].map((a) => ({
        logicalName: a.logicalName,
        type: a.type,
        edmType: edmTypeOf(a),
        ...(a.dateTimeBehavior !== undefined ? { dateTimeBehavior: a.dateTimeBehavior } : {}),
        ...(a.maxLength !== undefined ? { maxLength: a.maxLength } : {}),
        ...(a.targets !== undefined ? { targets: a.targets } : {}),
        ...(a.options !== undefined ? { options: a.options } : {}),
        ...(a.computed !== undefined ? { readOnly: true } : {}),
        ...(a.isCustom === true ? { isCustom: true } : {}),
      })),
      navigationProperties: [...schema.navigationProperties(e.logicalName).values()].map((n) => ({
        name: n.name,
        kind: n.kind,
        target: n.targetEntity,
        relationship: n.relationship.schemaName,
      })),
    })),
    relationships: schema.relationships.map((r) => ({
      schemaName: r.schemaName,
      segmentName: r.segmentName,
      referencing: `${r.referencingEntity}.${r.referencingAttribute}`,
      referenced: `${r.referencedEntity}.${r.referencedAttribute}`,
    })),
  };
}

function describeText(schema: Schema): string {
  const lines: string[] = [];
  for (const e of schema.entities.values()) {
    lines.push(
      `${e.logicalName} (${e.entitySetName}; id ${e.primaryIdAttribute}, name ${e.primaryNameAttribute})${e.isCustom ? ' [custom]' : ''}`,
    );
    for (const a of e.attributes.values()) {
      const extra = [
        a.targets !== undefined ? `-> ${a.targets.join('|')}` : '',
        a.dateTimeBehavior === 'DateOnly' ? 'DateOnly' : '',
        a.computed !== undefined ? 'read-only' : '',
        a.isCustom === true ? 'custom' : '',
      ].filter((x) => x !== '');
      lines.push(`  ${a.logicalName.padEnd(44)} ${a.type.padEnd(16)} ${extra.join(', ')}`.trimEnd());
    }
    for (const n of schema.navigationProperties(e.logicalName).values()) {
      lines.push(`  nav ${n.name.padEnd(40)} ${n.kind.padEnd(16)} -> ${n.targetEntity}`);
    }
  }
  return lines.join('\n');
}

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('print the effective schema: built-in entities plus the schema file')
    .option('--schema <file>', 'schema file with custom attributes and entities (env SEGMENTD_SCHEMA)')
    .option('--json', 'print JSON instead of a readable listing')
    .action((opts: StoreOptions & { json?: boolean }) => {
      const schema = loadSchema(settingsOf(opts).schemaFile);
      process.stdout.write(
        opts.json === true
          ? `${JSON.stringify(describeSchema(schema), null, 2)}\n`
          : `${describeText(schema)}\n`,
      );
    });
}
