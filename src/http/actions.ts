import type { RecordService } from '../engine/records.ts';
import type { EntityMetadata } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import type { ActionDefinition } from '../odata/csdl.ts';
import type { Preferences } from '../odata/prefer.ts';
import type { WebRequest } from './web-request.ts';

/**
 * The registry of OData actions: each entry is its `$metadata` declaration plus the handler that
 * runs it. The Web API routes `POST /{Action}` (unbound), `POST /{set}/Microsoft.Dynamics.CRM.{Action}`
 * (collection-bound) and `POST /{set}(<id>)/Microsoft.Dynamics.CRM.{Action}` (entity-bound) here,
 * and `$metadata` lists every registered action. Register actions before building the app.
 */

export interface ActionInvocation {
  /** The records to work on: inside a `$batch` change set, the change set's transaction. */
  records: RecordService;
  schema: Schema;
  /** The JSON body (`{}` when the request had none). */
  parameters: Record<string, unknown>;
  /** The set or record the action was invoked on (absent for unbound actions). */
  binding?: { entity: EntityMetadata; id?: string };
  preferences: Preferences;
  request: WebRequest;
}

export type ActionOutcome =
  /** 204 No Content. */
  | { kind: 'none'; headers?: Record<string, string> }
  /**
   * 200 with the response's properties; `@odata.context` is added from the declared return type
   * (`…/$metadata#Microsoft.Dynamics.CRM.<ReturnType>`).
   */
  | { kind: 'value'; value: Record<string, unknown>; headers?: Record<string, string> };

export interface RegisteredAction extends ActionDefinition {
  handler: (invocation: ActionInvocation) => Promise<ActionOutcome>;
}

export type BindingKind = 'none' | 'entity' | 'collection';

export class ActionRegistry {
  private readonly actions = new Map<string, RegisteredAction[]>();

  /** Adds an action; a second action with the same name and binding replaces the first. */
  register(action: RegisteredAction): this {
    const list = (this.actions.get(action.name) ?? []).filter(
      (a) => !(a.binding?.kind === action.binding?.kind && a.binding?.entity === action.binding?.entity),
    );
    list.push(action);
    this.actions.set(action.name, list);
    return this;
  }

  /** The action named `name` that can be invoked with this binding (entity-specific bindings first). */
  find(name: string, binding: BindingKind, entity?: string): RegisteredAction | undefined {
    const list = this.actions.get(name) ?? [];
    const kindOf = (a: RegisteredAction): BindingKind => a.binding?.kind ?? 'none';
    const candidates = list.filter((a) => kindOf(a) === binding);
    if (binding === 'none') return candidates[0];
    return (
      candidates.find((a) => a.binding?.entity === entity) ??
      candidates.find((a) => a.binding?.entity === undefined)
    );
  }

  /** True when some action of this name exists (with any binding). */
  has(name: string): boolean {
    return (this.actions.get(name)?.length ?? 0) > 0;
  }

  /** The declarations for `$metadata` and the OpenAPI document. */
  definitions(): RegisteredAction[] {
    return [...this.actions.values()].flat();
  }
}

/** The response type's name for `@odata.context` (`mscrm.X` or `Microsoft.Dynamics.CRM.X` → `X`). */
export function returnTypeName(action: ActionDefinition): string | undefined {
  return action.returnType?.replace(/^(?:mscrm|Microsoft\.Dynamics\.CRM)\./, '');
}
