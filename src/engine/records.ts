import { randomUUID } from 'node:crypto';
import {
  and,
  attrRef,
  cmp,
  entitySource,
  isNull,
  keyRef,
  lit,
  or,
  scalarTypeOf,
  select,
} from '../ir/build.ts';
import type { Expr, Join, OrderItem, RelQuery, Row, ScalarType, SelectItem, Value } from '../ir/nodes.ts';
import type { AttributeMetadata, EntityMetadata } from '../metadata/model.ts';
import { isLookupType } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import { INTERACTION_ENTITY } from '../metadata/interactions.ts';
import { EntityRuleSet, type EntityRules, type RuleContext } from './entity-rules.ts';
import { appendOnlyError, checkInteraction } from './interaction-rules.ts';
import type { Store, StoreSession } from '../store/store.ts';
import { DuplicateKeyError, TransactionConflictError } from '../store/store.ts';
import { DataverseError, ErrorCodes, badPayload, invalidArgument, notFound } from './errors.ts';
import type {
  AttributeValues,
  ConditionalOptions,
  RecordPage,
  RecordQuery,
  UpdateOptions,
  WriteResult,
} from './record-types.ts';
import { ROOT } from './record-types.ts';
import { decodeSkipToken, encodeSkipToken } from './skip-token.ts';
import { VersionClock } from './version-clock.ts';
import { CreateColumns } from './create-columns.ts';
import { formatDateTime } from './values.ts';

export const MAX_PAGE_SIZE = 5000;

/** How often a write refused for a concurrent write to the same rows runs again. */
const CONFLICT_ATTEMPTS = 8;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function concurrentWrite(): DataverseError {
  return new DataverseError(
    'PreconditionFailed',
    ErrorCodes.ConcurrencyVersionMismatch,
    'The record was changed by another request at the same time; read it again and retry.',
  );
}

/** Ids per existence check: one list parameter each, so a whole import batch fits in one. */
const ID_CHECK_CHUNK = 20000;
/** Rows an import works out between two looks at the store's answers (see importBatch). */
const PREPARE_SLICE = 2000;

/** Hidden columns a page query adds to build its continuation token. */
const KEY_COLUMN = 'sd_key';
const orderColumn = (i: number) => `sd_o${i}`;

export interface RecordServiceOptions {
  /** The current time (tests pin it). */
  now?: () => Date;
  /** Rules of entities with behaviour of their own (default: an empty set to register into). */
  rules?: EntityRuleSet;
}

interface Defaults {
  businessUnitId: string;
  userId: string;
}

/** What the services of one store share: the transaction copies and `inSession` views. */
interface Shared {
  clock: VersionClock;
  defaults: Defaults | undefined;
  rules: EntityRuleSet;
  /** False for the server's own writes (`inSession(tx, { rules: false })`). */
  applyRules: boolean;
  /** Callbacks to run once the transaction of this service commits (transaction copies only). */
  commitHooks: (() => void)[] | undefined;
  /** Entities the transaction of this service wrote, for the write observers (transaction copies only). */
  written: Set<string> | undefined;
}

/**
 * Create, read, update, delete and query records of any entity. This is the engine behind the
 * Web API's entity sets, the importer and the segment service: it maintains the attributes
 * Dataverse maintains (ids, fullname, statecode from statuscode, owner, timestamps, version
 * numbers) and enforces optimistic concurrency. It knows nothing of HTTP.
 */
export class RecordService {
  readonly schema: Schema;
  private readonly now: () => Date;
  private readonly clock: VersionClock;
  private defaults: Defaults | undefined;
  private readonly ruleSet: EntityRuleSet;
  private readonly applyRules: boolean;
  private readonly commitHooks: (() => void)[] | undefined;
  private readonly written: Set<string> | undefined;

  constructor(
    private readonly store: Store,
    options: RecordServiceOptions = {},
    /** Where this service reads and writes: the store, or one of its transactions. */
    readonly session: StoreSession = store,
    shared?: Shared,
  ) {
    this.schema = store.schema;
    this.now = options.now ?? (() => new Date());
    this.clock = shared?.clock ?? new VersionClock();
    this.defaults = shared?.defaults;
    this.ruleSet = shared?.rules ?? options.rules ?? new EntityRuleSet();
    this.applyRules = shared?.applyRules ?? true;
    this.commitHooks = shared?.commitHooks;
    this.written = shared?.written;
  }

  /** The entity rules this service (and its transactions) run; register rules here. */
  get rules(): EntityRuleSet {
    return this.ruleSet;
  }

  /**
   * A service over `session`, a transaction of the same store that the caller runs (a job's
   * step, say), sharing this service's clock, defaults and rules. With `rules: false` its writes
   * skip the entity rules: the server's own writes (a job setting a segment Live).
   */
  inSession(session: StoreSession, options: { rules?: boolean } = {}): RecordService {
    return new RecordService(this.store, { now: this.now }, session, {
      ...this.shared(),
      applyRules: options.rules ?? this.applyRules,
      commitHooks: undefined,
      written: undefined,
    });
  }

  /**
   * Runs `fn` once the current transaction commits (at once when this service is not in a
   * transaction it started; soon after, for a session the caller runs).
   */
  afterCommit(fn: () => void): void {
    if (this.commitHooks !== undefined) this.commitHooks.push(fn);
    else setImmediate(fn);
  }

  private shared(): Shared {
    return {
      clock: this.clock,
      defaults: this.defaults,
      rules: this.ruleSet,
      applyRules: this.applyRules,
      commitHooks: this.commitHooks,
      written: this.written,
    };
  }

  /**
   * Notes that rows of `e` were written, for the write observers: told once this service's
   * transaction commits (soon after, for a session the caller runs). Not for the server's own
   * writes (`rules: false`).
   */
  private noteWrite(e: EntityMetadata): void {
    if (!this.applyRules || !this.ruleSet.observed) return;
    if (this.written !== undefined) {
      this.written.add(e.logicalName);
      return;
    }
    const entities = new Set([e.logicalName]);
    setImmediate(() => this.ruleSet.notifyWrites(entities));
  }

  /** The rules to run for writes of `e` through this service, if any. */
  private rulesOf(e: EntityMetadata): EntityRules | undefined {
    return this.applyRules ? this.ruleSet.get(e.logicalName) : undefined;
  }

  private ruleContext(): RuleContext {
    return {
      records: this,
      session: this.session,
      now: this.now(),
      afterCommit: (fn) => this.afterCommit(fn),
    };
  }

  private get inTransaction(): boolean {
    return this.session !== this.store;
  }

  /** Runs `fn` atomically: every write through the given service commits together or not at all. */
  async transaction<T>(fn: (records: RecordService) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    try {
      return await this.inStoreTransaction(fn);
    } catch (err) {
      throw err instanceof TransactionConflictError ? concurrentWrite() : err;
    }
  }

  /**
   * A transaction of the engine's own: when the store refuses it because another transaction
   * wrote the same rows at the same moment, it runs again (it re-reads everything it checks), a
   * few times with a short random pause, before the caller is told to retry. `fn` must be safe to
   * run again (read what it checks inside).
   */
  async atomically<T>(fn: (records: RecordService) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.inStoreTransaction(fn);
      } catch (err) {
        if (!(err instanceof TransactionConflictError)) throw err;
        if (attempt >= CONFLICT_ATTEMPTS) throw concurrentWrite();
        await sleep(Math.random() * 5 * attempt);
      }
    }
  }

  /**
   * Runs `fn` with a service bound to one new store transaction (sharing clock, defaults and
   * rules); the callbacks its writes registered with `afterCommit` run once it has committed.
   */
  private async inStoreTransaction<T>(fn: (records: RecordService) => Promise<T>): Promise<T> {
    const defaults = await this.ensureDefaults();
    const hooks: (() => void)[] = [];
    const written = new Set<string>();
    const result = await this.store.transaction((tx) =>
      fn(
        new RecordService(this.store, { now: this.now }, tx, {
          ...this.shared(),
          defaults,
          commitHooks: hooks,
          written,
        }),
      ),
    );
    if (written.size > 0) this.ruleSet.notifyWrites(written);
    for (const hook of hooks) {
      try {
        hook();
      } catch (err) {
        // The write has committed; a failing notification must not turn it into an error.
        process.emitWarning(`an after-commit callback failed: ${String(err)}`, 'RecordServiceWarning');
      }
    }
    return result;
  }

  /**
   * Every row of a query, page after page (keyset continuation), so callers read any number of
   * rows in constant memory without handling skip tokens themselves.
   */
  async *queryAll(q: Omit<RecordQuery, 'skipToken' | 'top' | 'count'>): AsyncGenerator<Row> {
    let skipToken: string | undefined;
    do {
      const page = await this.query({ ...q, ...(skipToken !== undefined ? { skipToken } : {}) });
      yield* page.rows;
      skipToken = page.skipToken;
    } while (skipToken !== undefined);
  }

  /**
   * The root business unit and the system user that own records created without an owner.
   * Created on first use, found again afterwards.
   */
  async ensureDefaults(): Promise<Defaults> {
    if (this.defaults !== undefined) return this.defaults;
    const bu = await this.session.select(
      select(entitySource('businessunit', ROOT), [{ expr: attrRef(ROOT, 'businessunitid'), as: 'id' }], {
        where: isNull(attrRef(ROOT, 'parentbusinessunitid')),
        orderBy: [{ expr: keyRef(ROOT), direction: 'asc' }],
        limit: 1,
      }),
    );
    let businessUnitId = bu[0]?.id as string | undefined;
    if (businessUnitId === undefined) {
      businessUnitId = randomUUID();
      await this.insertRow(this.session, this.schema.requireEntity('businessunit'), {
        businessunitid: businessUnitId,
        name: 'segmentd',
        isdisabled: false,
      });
    }
    const user = await this.session.select(
      select(entitySource('systemuser', ROOT), [{ expr: attrRef(ROOT, 'systemuserid'), as: 'id' }], {
        where: cmp('=', attrRef(ROOT, 'domainname'), lit('SYSTEM', 'string')),
        orderBy: [{ expr: keyRef(ROOT), direction: 'asc' }],
        limit: 1,
      }),
    );
    let userId = user[0]?.id as string | undefined;
    if (userId === undefined) {
      userId = randomUUID();
      await this.insertRow(this.session, this.schema.requireEntity('systemuser'), {
        systemuserid: userId,
        firstname: null,
        lastname: 'SYSTEM',
        fullname: 'SYSTEM',
        domainname: 'SYSTEM',
        businessunitid: businessUnitId,
        isdisabled: false,
      });
    }
    this.defaults = { businessUnitId, userId };
    return this.defaults;
  }

  private entity(name: string): EntityMetadata {
    const e = this.schema.entity(name);
    if (e === undefined)
      throw new DataverseError(
        'NotFound',
        ErrorCodes.ResourceNotFound,
        `Resource not found for the segment '${name}'.`,
      );
    return e;
  }

  /** Creates a record and returns its id. A client-supplied primary id is kept. */
  async create(entityName: string, values: AttributeValues): Promise<WriteResult> {
    const e = this.entity(entityName);
    const rules = this.rulesOf(e);
    if (rules !== undefined) return this.atomically((records) => records.createWithRules(e, rules, values));
    values = this.checkedForCreate(e, values);
    const row = await this.prepareCreate(e, values);
    await this.checkLookupTargets(e, values);
    await this.insertRow(this.session, e, row);
    return { id: row[e.primaryIdAttribute] as string, created: true };
  }

  /** A create that runs the entity's rules, inside a transaction. */
  private async createWithRules(
    e: EntityMetadata,
    rules: EntityRules,
    values: AttributeValues,
  ): Promise<WriteResult> {
    const ctx = this.ruleContext();
    if (rules.beforeCreate !== undefined) values = await rules.beforeCreate(ctx, values);
    values = this.checkedForCreate(e, values);
    const row = await this.prepareCreate(e, values);
    await this.checkLookupTargets(e, values);
    const key = await this.insertRow(this.session, e, row);
    const id = row[e.primaryIdAttribute] as string;
    if (rules.afterCreate !== undefined) await rules.afterCreate(ctx, { id, key, values: row });
    return { id, created: true };
  }

  /** Creates many records in one transaction through the store's bulk path; all or nothing. */
  async createMultiple(entityName: string, list: AttributeValues[]): Promise<string[]> {
    const e = this.entity(entityName);
    // Entities with rules are created one by one (the rules see each record), still all or nothing.
    if (this.rulesOf(e) !== undefined) {
      return this.atomically(async (records) => {
        const ids: string[] = [];
        for (const [i, values] of list.entries()) {
          try {
            ids.push((await records.create(e.logicalName, values)).id);
          } catch (err) {
            if (err instanceof DataverseError)
              throw new DataverseError(err.kind, err.code, `Targets[${i}]: ${err.message}`);
            throw err;
          }
        }
        return ids;
      });
    }
    const rows: AttributeValues[] = [];
    const ids = new Set<string>();
    list = list.map((values, i) => this.checkedForCreate(e, values, `Targets[${i}]: `));
    for (const [i, values] of list.entries()) {
      const row = await this.prepareCreate(e, values);
      const id = row[e.primaryIdAttribute] as string;
      if (ids.has(id))
        throw invalidArgument(`Targets[${i}]: the id ${id} appears more than once in the request.`);
      ids.add(id);
      rows.push(row);
    }
    if (rows.length === 0) return [];
    const attributes = writtenAttributes(e, rows);
    return this.atomically(async (records) => {
      await records.checkLookupTargets(e, ...list);
      await records.checkIdsFree(e, [...ids]);
      try {
        await records.session.bulkInsert(
          e.logicalName,
          attributes,
          rows.map((r) => attributes.map((a) => r[a] ?? null)),
        );
      } catch (err) {
        throw mapStoreError(err, e);
      }
      records.noteWrite(e);
      return rows.map((r) => r[e.primaryIdAttribute] as string);
    });
  }

  /**
   * Writes one batch of imported records through the bulk path. Rows that cannot be written
   * (an existing id without `upsert`, a lookup to a missing record) are returned as rejected with
   * the reason; every other row is written, all in one transaction.
   */
  async importBatch(
    entityName: string,
    list: AttributeValues[],
    opts: { upsert: boolean },
  ): Promise<{ created: number; updated: number; rejected: { index: number; reason: string }[] }> {
    const e = this.entity(entityName);
    const plan = createPlan(e);
    const rejected: { index: number; reason: string }[] = [];
    return this.atomically(async (records) => {
      const defaults = await records.ensureDefaults();
      // One creation time for the batch: it is written in one transaction.
      const now = formatDateTime(records.now());
      const ids: string[] = [];
      for (const v of list) {
        const id = v[e.primaryIdAttribute];
        if (typeof id === 'string') ids.push(id);
      }
      const withRules = records.rulesOf(e) !== undefined;
      const interactions = e.logicalName === INTERACTION_ENTITY;
      // The store looks up the existing ids and lookup targets while the rows are worked out (each
      // row's values do not depend on the answers, only whether the row is written does); with
      // rules or interaction checks the rows are worked out one by one afterwards, as they pass.
      const checks = Promise.all([
        records.existingIds(e, ids),
        records.missingLookupTargets(e, list, plan.lookups),
      ]);
      const toCreate = new CreateColumns(e, list.length);
      const early = !withRules && !interactions;
      if (early) {
        try {
          for (let index = 0; index < list.length; index++) {
            records.prepareCreateInto(
              e,
              plan,
              list[index] as AttributeValues,
              defaults,
              now,
              toCreate,
              index,
            );
            // Let the store's answers arrive and its next query start.
            if (index % PREPARE_SLICE === PREPARE_SLICE - 1) await new Promise(setImmediate);
          }
        } catch (err) {
          await checks.catch(() => undefined);
          throw err;
        }
      }
      const [existing, missingTargets] = await checks;
      const created = new Uint8Array(list.length);
      const seen = new Set<string>();
      let createdWithRules = 0;
      let updated = 0;
      for (let index = 0; index < list.length; index++) {
        let values = list[index] as AttributeValues;
        if (interactions) {
          const checked = checkInteraction(records.schema, values, now);
          if ('problem' in checked) {
            rejected.push({ index, reason: checked.problem });
            continue;
          }
          values = checked.values;
        }
        const bad = missingTargets.size === 0 ? undefined : missingLookupOf(plan, values, missingTargets);
        if (bad !== undefined) {
          rejected.push({ index, reason: `'${bad}' points at ${String(values[bad])}, which does not exist` });
          continue;
        }
        const id = values[e.primaryIdAttribute];
        if (typeof id === 'string' && (existing.has(id) || seen.has(id))) {
          if (!opts.upsert) {
            rejected.push({
              index,
              reason: `a ${e.logicalName} with id ${id} already exists (use --upsert to update it)`,
            });
            continue;
          }
          if (existing.has(id)) {
            if (e.appendOnly === true) {
              rejected.push({
                index,
                reason: `${e.displayCollectionName} are append-only: ${id} exists already`,
              });
              continue;
            }
            await records.update(e.logicalName, id, values, { upsert: false });
            updated++;
            continue;
          }
        }
        if (typeof id === 'string') seen.add(id);
        if (withRules) {
          // The entity's rules see each record; a record they refuse is rejected with their reason.
          try {
            await records.create(e.logicalName, values);
            createdWithRules++;
          } catch (err) {
            if (!(err instanceof DataverseError)) throw err;
            rejected.push({ index, reason: err.message });
          }
          continue;
        }
        if (!early) records.prepareCreateInto(e, plan, values, defaults, now, toCreate, index);
        // Version numbers in row order, interleaved with the updates', as record by record.
        if (plan.system.versionnumber) toCreate.set(index, 'versionnumber', records.clock.next());
        created[index] = 1;
      }
      const { attributes, columns, count } = toCreate.finish(created);
      if (count > 0) {
        try {
          await records.session.bulkInsertColumns(e.logicalName, attributes, columns, count);
        } catch (err) {
          throw mapStoreError(err, e);
        }
        records.noteWrite(e);
      }
      return { created: count + createdWithRules, updated, rejected };
    });
  }

  private async existingIds(e: EntityMetadata, ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += ID_CHECK_CHUNK) {
      const chunk = ids.slice(i, i + ID_CHECK_CHUNK);
      const rows = await this.session.select(
        select(entitySource(e.logicalName, ROOT), [{ expr: attrRef(ROOT, e.primaryIdAttribute), as: 'id' }], {
          where: {
            kind: 'in',
            operand: attrRef(ROOT, e.primaryIdAttribute),
            values: chunk.map((id) => lit(id, 'guid')),
            negated: false,
          },
        }),
      );
      for (const r of rows) found.add(String(r.id));
    }
    return found;
  }

  /**
   * `<lookup>:<id>` for every lookup value in `list` whose target record does not exist. `lookups`
   * (the entity's lookup attributes) spares looking at every value of every record; without it the
   * values are visited in their own order, which decides which missing target is named first.
   */
  private async missingLookupTargets(
    e: EntityMetadata,
    list: AttributeValues[],
    lookups?: readonly AttributeMetadata[],
  ): Promise<Set<string>> {
    const wanted = new Map<string, Map<string, string[]>>();
    const want = (values: AttributeValues, name: string, v: Value | undefined) => {
      const a = e.attributes.get(name);
      if (a === undefined || !isLookupType(a.type) || typeof v !== 'string') return;
      const target =
        (a.targets?.length ?? 0) > 1 ? (values[`${name}type`] as string | undefined) : a.targets?.[0];
      if (target === undefined) return;
      let byId = wanted.get(target);
      if (byId === undefined) wanted.set(target, (byId = new Map<string, string[]>()));
      const names = byId.get(v);
      if (names === undefined) byId.set(v, [name]);
      else if (!names.includes(name)) names.push(name);
    };
    for (const values of list) {
      if (lookups === undefined) for (const [name, v] of Object.entries(values)) want(values, name, v);
      else for (const a of lookups) want(values, a.logicalName, values[a.logicalName]);
    }
    const missing = new Set<string>();
    for (const [target, byId] of wanted) {
      const t = this.schema.requireEntity(target);
      for (const id of await this.missingIds(t, [...byId.keys()])) {
        for (const n of byId.get(id) ?? []) missing.add(`${n}:${id}`);
      }
    }
    return missing;
  }

  /**
   * Which of `ids` (distinct, canonical) name no record of `e`. Usually every one exists (an
   * import's lookup targets), so the store counts them first and lists the found ones only when
   * some are missing: reading back 20,000 found ids costs more than the query.
   */
  private async missingIds(e: EntityMetadata, ids: string[]): Promise<string[]> {
    const missing: string[] = [];
    for (let i = 0; i < ids.length; i += ID_CHECK_CHUNK) {
      const chunk = ids.slice(i, i + ID_CHECK_CHUNK);
      const rows = await this.session.select(
        select(entitySource(e.logicalName, ROOT), [{ expr: { kind: 'aggregate', fn: 'count' }, as: 'n' }], {
          where: {
            kind: 'in',
            operand: attrRef(ROOT, e.primaryIdAttribute),
            values: chunk.map((id) => lit(id, 'guid')),
            negated: false,
          },
        }),
      );
      if (Number(rows[0]?.n ?? 0) === chunk.length) continue;
      const found = await this.existingIds(e, chunk);
      for (const id of chunk) if (!found.has(id)) missing.push(id);
    }
    return missing;
  }

  /** Reads one record; `select` limits the attributes (the primary id and version are always read). */
  async retrieve(entityName: string, id: string, selectAttrs?: string[]): Promise<Row | undefined> {
    const e = this.entity(entityName);
    const rows = await this.session.select(
      select(entitySource(e.logicalName, ROOT), this.columnsFor(e, selectAttrs), {
        where: this.idEquals(e, id),
      }),
    );
    return rows[0];
  }

  /** Updates a record (PATCH); with `upsert` a missing record is created with the given id. */
  async update(
    entityName: string,
    id: string,
    values: AttributeValues,
    opts: UpdateOptions,
  ): Promise<WriteResult> {
    const e = this.entity(entityName);
    if (e.appendOnly === true) throw appendOnlyError(e, opts.upsert ? 'updated or upserted' : 'updated');
    return this.atomically(async (records) => {
      const current = await records.retrieve(e.logicalName, id);
      if (current === undefined) {
        if (!opts.upsert || opts.ifMatch !== undefined) throw notFound(e.logicalName, id);
        const created = await records.create(e.logicalName, { ...values, [e.primaryIdAttribute]: id });
        return created;
      }
      checkPreconditions(current, opts);
      const sent = values[e.primaryIdAttribute];
      if (sent !== undefined && sent !== id) {
        throw badPayload(
          `The primary id in the body (${String(sent)}) does not match the id in the URL (${id}).`,
        );
      }
      const rules = records.rulesOf(e);
      const ctx = rules === undefined ? undefined : records.ruleContext();
      // A local copy: when a conflict runs this again, the rules see the caller's values again.
      let written = values;
      if (ctx !== undefined && rules?.beforeUpdate !== undefined)
        written = await rules.beforeUpdate(ctx, current, values);
      await records.checkLookupTargets(e, written);
      const changes = await records.prepareUpdate(e, current, written);
      const updated = await records.session.mutate({
        kind: 'update',
        entity: e.logicalName,
        alias: ROOT,
        set: Object.entries(changes).map(([attribute, v]) => ({
          attribute,
          value: literalFor(e, attribute, v),
        })),
        where: records.idEquals(e, id),
      });
      // Deleted by a concurrent request between the read and the write.
      if (updated === 0) throw notFound(e.logicalName, id);
      records.noteWrite(e);
      if (ctx !== undefined && rules?.afterUpdate !== undefined)
        await rules.afterUpdate(ctx, { id, before: current, changes });
      return { id, created: false };
    });
  }

  /** Updates many existing records in one transaction; each must carry its primary id. */
  async updateMultiple(entityName: string, list: AttributeValues[]): Promise<void> {
    const e = this.entity(entityName);
    if (e.appendOnly === true) throw appendOnlyError(e, 'updated');
    await this.atomically(async (records) => {
      for (const [i, values] of list.entries()) {
        const id = values[e.primaryIdAttribute];
        if (typeof id !== 'string') throw badPayload(`Targets[${i}] has no '${e.primaryIdAttribute}'.`);
        await records.update(e.logicalName, id, values, { upsert: false });
      }
    });
  }

  /** Creates or updates many records in one transaction; records without an id are created. */
  async upsertMultiple(entityName: string, list: AttributeValues[]): Promise<WriteResult[]> {
    const e = this.entity(entityName);
    if (e.appendOnly === true) throw appendOnlyError(e, 'upserted (use CreateMultiple)');
    return this.atomically(async (records) => {
      const results: WriteResult[] = [];
      for (const values of list) {
        const id = values[e.primaryIdAttribute];
        results.push(
          typeof id === 'string'
            ? await records.update(e.logicalName, id, values, { upsert: true })
            : await records.create(e.logicalName, values),
        );
      }
      return results;
    });
  }

  async delete(entityName: string, id: string, opts: ConditionalOptions = {}): Promise<void> {
    const e = this.entity(entityName);
    if (e.appendOnly === true) throw appendOnlyError(e, 'deleted');
    await this.atomically(async (records) => {
      const rules = records.rulesOf(e);
      const current = await records.retrieve(
        e.logicalName,
        id,
        rules === undefined ? [e.primaryIdAttribute] : undefined,
      );
      if (current === undefined) throw notFound(e.logicalName, id);
      checkPreconditions(current, opts);
      const ctx = rules === undefined ? undefined : records.ruleContext();
      if (ctx !== undefined && rules?.beforeDelete !== undefined) await rules.beforeDelete(ctx, current);
      const key = rules?.afterDelete === undefined ? undefined : await records.keyOf(e, id);
      const deleted = await records.session.mutate({
        kind: 'delete',
        entity: e.logicalName,
        alias: ROOT,
        where: records.idEquals(e, id),
      });
      // Deleted by a concurrent request between the read and the write.
      if (deleted === 0) throw notFound(e.logicalName, id);
      records.noteWrite(e);
      if (ctx !== undefined && key !== undefined && rules?.afterDelete !== undefined)
        await rules.afterDelete(ctx, { id, key, before: current });
    });
  }

  /**
   * Runs an IR query as it is, in this service's session (inside `transaction`, its transaction):
   * for front ends that build their own queries (FetchXML, segment queries).
   */
  async select(query: RelQuery): Promise<Row[]> {
    return this.session.select(query);
  }

  async count(entityName: string, where?: Expr): Promise<number> {
    const e = this.entity(entityName);
    const rows = await this.session.select(
      select(entitySource(e.logicalName, ROOT), [{ expr: { kind: 'aggregate', fn: 'count' }, as: 'n' }], {
        ...(where !== undefined ? { where } : {}),
      }),
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * One page of a query. Pages continue by keyset (the order keys and the surrogate key of the
   * last row), so following every token returns each row exactly once even while rows are inserted.
   */
  async query(q: RecordQuery): Promise<RecordPage> {
    const e = this.entity(q.entity);
    const pageSize = Math.min(Math.max(1, q.pageSize), MAX_PAGE_SIZE);
    const order: OrderItem[] = [...(q.orderBy ?? [])];
    const columns: SelectItem[] = [
      ...this.columnsFor(e, q.select),
      ...order.map((o, i) => ({ expr: o.expr, as: orderColumn(i) })),
      { expr: keyRef(ROOT), as: KEY_COLUMN },
    ];
    let where = q.where;
    if (q.skipToken !== undefined && q.top === undefined) {
      const token = decodeSkipToken(q.skipToken, order.length);
      where = and(where, afterPredicate(order, token.values, token.types, token.key));
    }
    const limit = q.top !== undefined ? Math.min(q.top, MAX_PAGE_SIZE) : pageSize + 1;
    const rows = await this.session.select(
      select(entitySource(e.logicalName, ROOT), columns, {
        joins: q.joins ?? [],
        ...(where !== undefined ? { where } : {}),
        orderBy: [...order, { expr: keyRef(ROOT), direction: 'asc' }],
        limit,
      }),
    );
    const page: RecordPage = { rows: [] };
    const more = q.top === undefined && rows.length > pageSize;
    const visible = more ? rows.slice(0, pageSize) : rows;
    const last = visible[visible.length - 1];
    if (more && last !== undefined) {
      const types = order.map((o) => this.typeOf(e, q.joins ?? [], o.expr));
      page.skipToken = encodeSkipToken(
        order.map((_, i) => last[orderColumn(i)] ?? null),
        types,
        Number(last[KEY_COLUMN]),
        q.skipToken === undefined ? 2 : decodeSkipToken(q.skipToken, order.length).page + 1,
      );
    }
    page.rows = visible.map((r) => {
      const out: Row = {};
      for (const [k, v] of Object.entries(r)) if (!k.startsWith('sd_')) out[k] = v;
      return out;
    });
    if (q.count === true) page.count = await this.count(e.logicalName, q.where);
    return page;
  }

  /** The weak ETag Dataverse sends for a row: `W/"<versionnumber>"`. */
  etagOf(row: Row): string {
    return `W/"${String(row.versionnumber)}"`;
  }

  // ---------------------------------------------------------------------------------------------

  /** The type of an order key, so its value in a token is bound with the right type. */
  private typeOf(e: EntityMetadata, joins: readonly Join[], expr: Expr): ScalarType | undefined {
    if (expr.kind !== 'attr') return undefined;
    let entity: EntityMetadata | undefined = expr.source === ROOT ? e : undefined;
    for (const j of joins) {
      if (j.source.kind === 'entity' && j.source.alias === expr.source)
        entity = this.schema.entity(j.source.entity);
    }
    const a = entity?.attributes.get(expr.attribute);
    return a === undefined ? undefined : scalarTypeOf(a);
  }

  private idEquals(e: EntityMetadata, id: string): Expr {
    return cmp('=', attrRef(ROOT, e.primaryIdAttribute), lit(id, 'guid'));
  }

  /** Attributes stored as columns, in declaration order. */
  private storedAttributes(e: EntityMetadata): string[] {
    return [...e.attributes.keys()];
  }

  private columnsFor(e: EntityMetadata, selectAttrs?: string[]): SelectItem[] {
    let names: string[];
    if (selectAttrs === undefined) {
      names = this.storedAttributes(e);
    } else {
      const set = new Set<string>([e.primaryIdAttribute, 'versionnumber']);
      for (const s of selectAttrs) {
        const a = e.attributes.get(s);
        if (a === undefined) {
          throw new DataverseError(
            'BadRequest',
            ErrorCodes.QueryError,
            `Could not find a property named '${s}' on type 'Microsoft.Dynamics.CRM.${e.logicalName}'.`,
          );
        }
        set.add(s);
        if (e.attributes.has(`${s}type`) && isLookupType(a.type)) set.add(`${s}type`);
      }
      names = [...set].filter((n) => e.attributes.has(n));
    }
    return names.map((n) => ({ expr: attrRef(ROOT, n), as: n }));
  }

  /** Entity rules that apply before a record is created (interactions: type, properties, links). */
  private checkedForCreate(e: EntityMetadata, values: AttributeValues, where = ''): AttributeValues {
    if (e.logicalName !== INTERACTION_ENTITY) return values;
    const checked = checkInteraction(this.schema, values, formatDateTime(this.now()));
    if ('problem' in checked) throw invalidArgument(`${where}${checked.problem}`);
    return checked.values;
  }

  private async prepareCreate(e: EntityMetadata, values: AttributeValues): Promise<AttributeValues> {
    const defaults = await this.ensureDefaults();
    return this.prepareCreateWith(e, createPlan(e), values, defaults, formatDateTime(this.now()));
  }

  /** The row a create writes: defaults, the given values, then what the server maintains. */
  private prepareCreateWith(
    e: EntityMetadata,
    plan: CreatePlan,
    values: AttributeValues,
    defaults: Defaults,
    now: string,
  ): AttributeValues {
    const row: AttributeValues = Object.assign({}, plan.defaults, values);
    row[e.primaryIdAttribute] = (values[e.primaryIdAttribute] as string | null | undefined) ?? randomUUID();
    this.applyComputed(e, row, row);
    this.applyState(e, row);
    // Migrated records keep their original creation date, as Dataverse does with overriddencreatedon.
    const overridden = values.overriddencreatedon;
    const ownerid = (values.ownerid as string | null | undefined) ?? defaults.userId;
    const versionnumber = this.clock.next();
    const has = plan.system;
    if (has.createdon) {
      row.createdon =
        typeof overridden === 'string'
          ? overridden.length === 10
            ? `${overridden}T00:00:00Z`
            : overridden
          : now;
    }
    if (has.modifiedon) row.modifiedon = now;
    if (has.createdby) row.createdby = defaults.userId;
    if (has.modifiedby) row.modifiedby = defaults.userId;
    if (has.ownerid) row.ownerid = ownerid;
    if (has.owningbusinessunit) row.owningbusinessunit = defaults.businessUnitId;
    if (has.versionnumber) row.versionnumber = versionnumber;
    if (has.owninguser) row.owninguser = ownerid;
    return row;
  }

  /**
   * `prepareCreateWith` for the bulk path: the same row, written into row `row` of the batch's
   * columns instead of a row object (an import creates up to a million of them), all but the
   * version number, which the caller sets in write order. Keep the two in step.
   */
  private prepareCreateInto(
    e: EntityMetadata,
    plan: CreatePlan,
    values: AttributeValues,
    defaults: Defaults,
    now: string,
    out: CreateColumns,
    row: number,
  ): void {
    const merged = (name: string) => givenOrDefault(values, plan.defaults, name);
    for (const name of plan.defaultNames)
      if (!Object.hasOwn(values, name)) out.set(row, name, plan.defaults[name]);
    for (const name in values) out.set(row, name, values[name]);
    const id = (values[e.primaryIdAttribute] as string | null | undefined) ?? randomUUID();
    out.set(row, e.primaryIdAttribute, id);
    for (const a of plan.computed) {
      switch (a.computed) {
        case 'fullname': {
          const first = merged('firstname');
          const last = merged('lastname');
          const hasFirst = typeof first === 'string' && first !== '';
          const hasLast = typeof last === 'string' && last !== '';
          out.set(
            row,
            a.logicalName,
            hasFirst && hasLast ? `${first} ${last}` : hasFirst ? first : hasLast ? last : null,
          );
          break;
        }
        case 'parentAccount':
          out.set(
            row,
            a.logicalName,
            merged('parentcustomeridtype') === 'account' ? (merged('parentcustomerid') ?? null) : null,
          );
          break;
        case 'segmentQueryName':
          out.set(
            row,
            a.logicalName,
            typeof id === 'string' ? `SEGMENT_CRM_ID_${id.replaceAll('-', '').toLowerCase()}` : null,
          );
          break;
        default:
          break;
      }
    }
    if (plan.state !== undefined) {
      const code = merged('statuscode');
      if (typeof code !== 'number') {
        out.set(row, 'statuscode', plan.state.defaultStatus ?? null);
        out.set(row, 'statecode', 0);
      } else {
        out.set(row, 'statecode', plan.state.stateOf.get(code) ?? 0);
      }
    }
    const overridden = values.overriddencreatedon;
    const ownerid = (values.ownerid as string | null | undefined) ?? defaults.userId;
    const has = plan.system;
    if (has.createdon) {
      out.set(
        row,
        'createdon',
        typeof overridden === 'string'
          ? overridden.length === 10
            ? `${overridden}T00:00:00Z`
            : overridden
          : now,
      );
    }
    if (has.modifiedon) out.set(row, 'modifiedon', now);
    if (has.createdby) out.set(row, 'createdby', defaults.userId);
    if (has.modifiedby) out.set(row, 'modifiedby', defaults.userId);
    if (has.ownerid) out.set(row, 'ownerid', ownerid);
    if (has.owningbusinessunit) out.set(row, 'owningbusinessunit', defaults.businessUnitId);
    if (has.owninguser) out.set(row, 'owninguser', ownerid);
  }

  private async prepareUpdate(
    e: EntityMetadata,
    current: Row,
    values: AttributeValues,
  ): Promise<AttributeValues> {
    const defaults = await this.ensureDefaults();
    const changes: AttributeValues = { ...values };
    delete changes[e.primaryIdAttribute];
    const merged: AttributeValues = { ...current, ...changes };
    this.applyComputed(e, merged, changes);
    if ('statuscode' in changes) this.applyState(e, changes);
    const system: AttributeValues = {
      modifiedon: formatDateTime(this.now()),
      modifiedby: defaults.userId,
      versionnumber: this.clock.next(),
    };
    if ('ownerid' in changes) system.owninguser = changes.ownerid ?? null;
    for (const [k, v] of Object.entries(system)) if (e.attributes.has(k)) changes[k] = v;
    return changes;
  }

  /** Fills the computed attributes of `merged` (the record after the write) into `target`. */
  private applyComputed(e: EntityMetadata, merged: AttributeValues, target: AttributeValues): void {
    for (const a of createPlan(e).computed) {
      switch (a.computed) {
        case 'fullname': {
          const parts = [merged.firstname, merged.lastname].filter(
            (x): x is string => typeof x === 'string' && x !== '',
          );
          target[a.logicalName] = parts.length === 0 ? null : parts.join(' ');
          break;
        }
        case 'parentAccount':
          target[a.logicalName] =
            merged.parentcustomeridtype === 'account' ? (merged.parentcustomerid ?? null) : null;
          break;
        case 'segmentQueryName': {
          const id = merged[e.primaryIdAttribute];
          target[a.logicalName] =
            typeof id === 'string' ? `SEGMENT_CRM_ID_${id.replaceAll('-', '').toLowerCase()}` : null;
          break;
        }
        default:
          break;
      }
    }
  }

  /** statecode follows statuscode (each status reason belongs to one state), as in Dataverse. */
  private applyState(e: EntityMetadata, row: AttributeValues): void {
    const status = e.attributes.get('statuscode');
    const state = e.attributes.get('statecode');
    if (status === undefined || state === undefined) return;
    const code = row.statuscode;
    if (typeof code !== 'number') {
      const dflt =
        state.options?.find((o) => o.value === 0)?.defaultStatus ??
        (status.defaultValue as number | undefined);
      row.statuscode = dflt ?? null;
      row.statecode = 0;
      return;
    }
    const option = status.options?.find((o) => o.value === code);
    row.statecode = option?.state ?? 0;
  }

  /** Every lookup value must name an existing record of its target entity. */
  private async checkLookupTargets(e: EntityMetadata, ...list: AttributeValues[]): Promise<void> {
    for (const values of list) {
      for (const [name, v] of Object.entries(values)) {
        const a = e.attributes.get(name);
        if (a === undefined || !isLookupType(a.type) || typeof v !== 'string' || (a.targets?.length ?? 0) < 2)
          continue;
        const target = values[`${name}type`];
        if (typeof target !== 'string' || !(a.targets ?? []).includes(target)) {
          throw badPayload(
            `The lookup '${name}' needs '${name}type' naming one of: ${(a.targets ?? []).join(', ')}.`,
          );
        }
      }
    }
    const missing = [...(await this.missingLookupTargets(e, list))][0];
    if (missing !== undefined) {
      const [name, id] = missing.split(':') as [string, string];
      const a = e.attributes.get(name);
      const target =
        (a?.targets?.length ?? 0) > 1
          ? (list.find((v) => v[name] === id)?.[`${name}type`] as string)
          : (a?.targets?.[0] ?? name);
      throw notFound(target, id);
    }
  }

  private async checkIdsFree(e: EntityMetadata, ids: string[]): Promise<void> {
    const existing = [...(await this.existingIds(e, ids))][0];
    if (existing !== undefined) throw duplicate(e, existing);
  }

  /** Inserts one row; returns its surrogate key. */
  private async insertRow(session: StoreSession, e: EntityMetadata, row: AttributeValues): Promise<number> {
    const attributes = Object.keys(row).filter((k) => e.attributes.has(k));
    const [key = 0] = await session.allocateKeys(e.logicalName, 1);
    try {
      await session.mutate({
        kind: 'insert',
        entity: e.logicalName,
        attributes,
        rows: [attributes.map((a) => row[a] ?? null)],
        keys: [key],
      });
    } catch (err) {
      throw mapStoreError(err, e, row[e.primaryIdAttribute] as string);
    }
    this.noteWrite(e);
    return key;
  }

  /** The surrogate key of a record, or undefined when it does not exist. */
  async keyOf(entityName: string | EntityMetadata, id: string): Promise<number | undefined> {
    const e = typeof entityName === 'string' ? this.entity(entityName) : entityName;
    const rows = await this.session.select(
      select(entitySource(e.logicalName, ROOT), [{ expr: keyRef(ROOT), as: 'k' }], {
        where: this.idEquals(e, id),
      }),
    );
    const k = rows[0]?.k;
    return k === undefined || k === null ? undefined : Number(k);
  }
}

/**
 * The attributes that hold a value in at least one row: the bulk path writes only those (the
 * others stay null), which matters for wide tables where an import fills a third of the columns.
 */
function writtenAttributes(e: EntityMetadata, rows: readonly AttributeValues[]): string[] {
  const written = new Set<string>();
  for (const r of rows) {
    for (const k in r) {
      if (written.has(k)) continue;
      const v = r[k];
      if (v !== null && v !== undefined) written.add(k);
    }
  }
  return [...e.attributes.keys()].filter((a) => written.has(a));
}

/** Server-maintained attributes a create fills when the entity has them. */
const SYSTEM_ATTRIBUTES = [
  'createdon',
  'modifiedon',
  'createdby',
  'modifiedby',
  'ownerid',
  'owningbusinessunit',
  'versionnumber',
  'owninguser',
] as const;

/** What creating records of an entity needs, worked out once per entity rather than per record. */
interface CreatePlan {
  /** Default values of the stored (not computed) attributes that have one, in declaration order. */
  defaults: AttributeValues;
  /** Computed attributes, in declaration order. */
  computed: AttributeMetadata[];
  /** Lookup attributes, in declaration order. */
  lookups: AttributeMetadata[];
  /** The names in `defaults`. */
  defaultNames: string[];
  /**
   * statecode following statuscode (see applyState), when the entity has both: the status a
   * record without one gets, and each status reason's state.
   */
  state?: { defaultStatus: number | undefined; stateOf: Map<number, number | undefined> };
  /** Which server-maintained attributes the entity has. */
  system: Record<(typeof SYSTEM_ATTRIBUTES)[number], boolean>;
}

const createPlans = new WeakMap<EntityMetadata, CreatePlan>();

function createPlan(e: EntityMetadata): CreatePlan {
  let plan = createPlans.get(e);
  if (plan !== undefined) return plan;
  const defaults: AttributeValues = {};
  const computed: AttributeMetadata[] = [];
  const lookups: AttributeMetadata[] = [];
  for (const a of e.attributes.values()) {
    if (a.computed === undefined && a.defaultValue !== undefined) defaults[a.logicalName] = a.defaultValue;
    if (a.computed !== undefined) computed.push(a);
    if (isLookupType(a.type)) lookups.push(a);
  }
  const system = Object.fromEntries(
    SYSTEM_ATTRIBUTES.map((n) => [n, e.attributes.has(n)]),
  ) as CreatePlan['system'];
  const status = e.attributes.get('statuscode');
  const stateAttribute = e.attributes.get('statecode');
  const state =
    status === undefined || stateAttribute === undefined
      ? undefined
      : {
          defaultStatus:
            stateAttribute.options?.find((o) => o.value === 0)?.defaultStatus ??
            (status.defaultValue as number | undefined),
          // The first option of a value wins, as `find` does in applyState.
          stateOf: new Map((status.options ?? []).toReversed().map((o) => [o.value, o.state])),
        };
  plan = { defaults, defaultNames: Object.keys(defaults), computed, lookups, state, system };
  createPlans.set(e, plan);
  return plan;
}

/** A value of a record being created: the given one over the default (a given null wins). */
function givenOrDefault(values: AttributeValues, defaults: AttributeValues, name: string): Value | undefined {
  return Object.hasOwn(values, name) ? values[name] : defaults[name];
}

/** The first lookup of `values` whose target is in `missing` (`<lookup>:<id>`), if any. */
function missingLookupOf(
  plan: CreatePlan,
  values: AttributeValues,
  missing: ReadonlySet<string>,
): string | undefined {
  for (const a of plan.lookups) {
    const v = values[a.logicalName];
    if (typeof v === 'string' && missing.has(`${a.logicalName}:${v}`)) return a.logicalName;
  }
  return undefined;
}

function duplicate(e: EntityMetadata, id: string): DataverseError {
  return new DataverseError(
    'Conflict',
    ErrorCodes.DuplicateRecord,
    `A record with matching key values already exists: ${e.logicalName} With Id = ${id}.`,
  );
}

function mapStoreError(err: unknown, e: EntityMetadata, id?: string): unknown {
  if (err instanceof DuplicateKeyError) return duplicate(e, id ?? 'in the request');
  return err;
}

function checkPreconditions(current: Row, opts: ConditionalOptions): void {
  const etag = `W/"${String(current.versionnumber)}"`;
  if (opts.ifNoneMatch !== undefined && opts.ifNoneMatch !== 'null') {
    if (opts.ifNoneMatch === '*' || sameEtag(opts.ifNoneMatch, etag)) {
      throw new DataverseError(
        'PreconditionFailed',
        ErrorCodes.DuplicateRecord,
        'A record with matching key values already exists.',
      );
    }
  }
  if (opts.ifMatch !== undefined && opts.ifMatch !== '*' && !sameEtag(opts.ifMatch, etag)) {
    throw new DataverseError(
      'PreconditionFailed',
      ErrorCodes.ConcurrencyVersionMismatch,
      "The version of the existing record doesn't match the RowVersion property provided.",
    );
  }
}

/** ETags compare by their version number; `W/` and quoting vary between clients. */
function sameEtag(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/^W\//i, '').replace(/^"|"$/g, '');
  return a
    .split(',')
    .map(norm)
    .some((x) => x === norm(b));
}

function literalFor(e: EntityMetadata, attribute: string, v: Value): Expr {
  const a: AttributeMetadata | undefined = e.attributes.get(attribute);
  return a === undefined ? lit(v, 'string') : lit(v, scalarTypeOf(a));
}

/** Rows strictly after the given order values and key, in the order's direction and null placement. */
function afterPredicate(
  order: OrderItem[],
  values: Value[],
  types: (ScalarType | undefined)[],
  key: number,
): Expr {
  const literal = (v: Value, i: number): Expr => lit(v, types[i] ?? guessType(v));
  const ci = (i: number) => (types[i] ?? guessType(values[i] ?? null)) === 'string';
  const equal = (i: number): Expr => {
    const v = values[i] ?? null;
    const o = order[i];
    if (o === undefined) throw new Error('order/token length mismatch');
    return v === null ? isNull(o.expr) : cmp('=', o.expr, literal(v, i), ci(i));
  };
  const after = (i: number): Expr | undefined => {
    const v = values[i] ?? null;
    const o = order[i];
    if (o === undefined) throw new Error('order/token length mismatch');
    if (o.direction === 'asc')
      return v === null ? isNull(o.expr, true) : cmp('>', o.expr, literal(v, i), ci(i));
    return v === null ? undefined : or(cmp('<', o.expr, literal(v, i), ci(i)), isNull(o.expr));
  };
  const terms: Expr[] = [];
  for (let i = 0; i <= order.length; i++) {
    const prefix = Array.from({ length: i }, (_, j) => equal(j));
    const last = i === order.length ? cmp('>', keyRef(ROOT), lit(key, 'integer')) : after(i);
    if (last === undefined) continue;
    terms.push(and(...prefix, last) as Expr);
  }
  return or(...terms);
}

function guessType(v: Value): ScalarType {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'bigint' : 'double';
  return 'string';
}
