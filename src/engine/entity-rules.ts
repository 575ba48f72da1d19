import type { Row } from '../ir/nodes.ts';
import type { StoreSession } from '../store/store.ts';
import type { AttributeValues } from './record-types.ts';
import type { RecordService } from './records.ts';

/**
 * Per-entity rules the record service runs around its writes, in the write's transaction (the
 * way Dataverse runs plug-ins in the pipeline of a message): checks that refuse a write with a
 * DataverseError, transformations of the values written, and effects that must commit together
 * with the write (membership rows, background jobs). The record service stays generic; an entity
 * with behaviour of its own (segments) registers its rules in the service's `EntityRuleSet`.
 *
 * Writes made through a service from `RecordService.inSession(tx, { rules: false })` skip the
 * rules: that is how the server's own work (a background job setting a segment Live) writes.
 */
export interface RuleContext {
  /** The record service of the write's transaction (its writes run the rules too). */
  readonly records: RecordService;
  /** The write's transaction: membership, jobs and IR queries commit with the write. */
  readonly session: StoreSession;
  /** The time of the write. */
  readonly now: Date;
  /** Runs `fn` once the write's transaction has committed (e.g. to wake a job queue). */
  afterCommit(fn: () => void): void;
}

/** A record as it was just created. */
export interface CreatedRecord {
  readonly id: string;
  /** Its surrogate key (`sd_key`). */
  readonly key: number;
  /** What was written. */
  readonly values: AttributeValues;
}

/** A record as it was just updated. */
export interface UpdatedRecord {
  readonly id: string;
  /** The record before the update (every attribute). */
  readonly before: Row;
  /** What the update wrote (server-maintained attributes included). */
  readonly changes: AttributeValues;
}

/** A record as it was just deleted. */
export interface DeletedRecord {
  readonly id: string;
  readonly key: number;
  readonly before: Row;
}

export interface EntityRules {
  /** Checks and transforms the values of a create; returns the values to write. */
  beforeCreate?(ctx: RuleContext, values: AttributeValues): Promise<AttributeValues>;
  /** Runs after the row is written, in the same transaction. */
  afterCreate?(ctx: RuleContext, record: CreatedRecord): Promise<void>;
  /** Checks and transforms the changes of an update of `current`; returns the changes to write. */
  beforeUpdate?(ctx: RuleContext, current: Row, changes: AttributeValues): Promise<AttributeValues>;
  afterUpdate?(ctx: RuleContext, record: UpdatedRecord): Promise<void>;
  /** Refuses a delete by throwing. */
  beforeDelete?(ctx: RuleContext, current: Row): Promise<void>;
  /** Runs after the row is deleted, in the same transaction (cleans up what the record owned). */
  afterDelete?(ctx: RuleContext, record: DeletedRecord): Promise<void>;
}

/**
 * Told, once a write has committed, which entities it created, updated or deleted rows of (each
 * transaction once, with every entity it wrote). Writes skipping the rules (the server's own) are
 * not told. Observers only take note: they run after the commit and must not throw or block.
 */
export type WriteObserver = (entities: ReadonlySet<string>) => void;

/** The rules of each entity that has some, by logical name, and the observers of every write. */
export class EntityRuleSet {
  private readonly rules = new Map<string, EntityRules>();
  private readonly observers = new Set<WriteObserver>();

  /** Sets the rules of `entity` (replacing earlier ones). */
  register(entity: string, rules: EntityRules): this {
    this.rules.set(entity, rules);
    return this;
  }

  get(entity: string): EntityRules | undefined {
    return this.rules.get(entity);
  }

  has(entity: string): boolean {
    return this.rules.has(entity);
  }

  /**
   * Calls `observer` after every committed write through the record services sharing this set
   * (Web API, $batch, bulk actions, import, rules' own writes), e.g. to keep derived data current
   * without running per-entity rules (which would take the bulk paths away). Returns a function
   * that stops it.
   */
  observeWrites(observer: WriteObserver): () => void {
    this.observers.add(observer);
    return () => {
      this.observers.delete(observer);
    };
  }

  /** Whether anyone observes writes (so that writes skip the bookkeeping when nobody does). */
  get observed(): boolean {
    return this.observers.size > 0;
  }

  /** Tells the observers about a committed write; an observer that throws is reported, not rethrown. */
  notifyWrites(entities: ReadonlySet<string>): void {
    for (const observer of this.observers) {
      try {
        observer(entities);
      } catch (err) {
        process.emitWarning(`a write observer failed: ${String(err)}`, 'RecordServiceWarning');
      }
    }
  }
}
