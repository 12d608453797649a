/**
 * The save pipeline's steps before anything is written: normalized and validated in memory, the
 * references resolved, the entity rules, duplicate ids, the column sets (and, for a batch in
 * parts, the COPY texts). The database is only read. See save.ts for the whole pipeline.
 */
import { randomUUID } from 'node:crypto';
import type { RecordResult } from '../contract/results.js';
import type { Executor } from '../db/database.js';
import { copyTexts } from '../db/bulk.js';
import type { Row } from '../db/records.js';
import { VERSION_FIELD, type Entity } from '../schema/registry.js';
import { turns } from '../schema/turns.js';
import { guidText, normalizeInput } from '../schema/defaults.js';
import { pickWritable, type Validator } from '../schema/validate.js';
import { rulesOf } from './entity-rules.js';
import { existingRows } from './existing.js';
import { resolveReferences } from './references.js';
import type { Failure, Pending, RuleContext, SaveMode } from './rules.js';

export interface SaveOutcome {
  results: RecordResult[];
  /** Why each failed record was refused, by index. */
  failures: Map<number, Failure>;
  /** Stored rows by index, when asked for. */
  rows: Map<number, Row>;
}

export interface SaveOptions {
  mode: SaveMode;
  validator: Validator;
  /** Return the stored rows (single-record routes); a batch only needs ids and statuses. */
  returnRows: boolean;
  /**
   * One record whose failure fails the request: no savepoints and no existence pre-checks (the
   * foreign keys report a missing reference; the request's transaction is rolled back).
   */
  single?: boolean;
  /** The version a single record was read at (If-Match), when its body does not carry one. */
  expectedVersion?: number | undefined;
  /** Records with nested objects written together (the caller undoes it if one is refused). */
  nestedTogether?: boolean;
  /**
   * A single record whose request writes nothing after it: when its write is the last statement
   * of the pipeline, it goes out with the COMMIT (one round trip less).
   */
  commitWithWrite?: boolean;
}

/** Stored rows read per query when rules compare a batch with what is stored. */
const STORED_CHUNK = 1000;

/** A set of records normalized and validated: what goes on to the database. */
export interface Prepared {
  results: RecordResult[];
  failures: Map<number, Failure>;
  pending: Pending[];
}

/** Marks a record failed (its first failure is the one reported). */
function failWith(
  results: RecordResult[],
  failures: Map<number, Failure>,
): (pending: Pending, failure: Failure) => void {
  return (pending, failure) => {
    if (pending.failed) return;
    pending.failed = true;
    results[pending.index]!.errors = failure.errors;
    failures.set(pending.index, failure);
  };
}

/**
 * Steps that need no database: the .NET "no value" defaults (the empty GUID and DateTime.MinValue
 * mean no value, a null flag is false, lists ignore case), then schema validation.
 */
export async function prepare(
  entity: Entity,
  sent: readonly unknown[],
  options: SaveOptions,
  budgetMs?: number,
): Promise<Prepared> {
  const pause = turns(budgetMs);
  const results: RecordResult[] = [];
  const failures = new Map<number, Failure>();
  const fail = failWith(results, failures);
  const pending: Pending[] = [];
  const mode = options.mode === 'update' ? 'update' : 'create';
  for (let index = 0; index < sent.length; index++) {
    await pause();
    const body = normalizeInput(entity, sent[index]);
    const id = (body as Row | null)?.['id'];
    results.push({
      index,
      id: guidText(id) ?? null,
      success: false,
      status: 'failed',
    });
    const errors = options.validator.validate(entity, mode, body);
    const version = (body as Row | null)?.[VERSION_FIELD];
    if (version !== undefined && version !== null && !/^\d{1,18}$/.test(String(version))) {
      errors.push({
        field: VERSION_FIELD,
        code: 'type',
        message: `${VERSION_FIELD} must be a version number given by this server`,
      });
    }
    const item: Pending = { index, input: body as Row, values: {}, failed: false };
    if (errors.length) fail(item, { code: 'validation_failed', errors });
    else pending.push(item);
  }
  return { results, failures, pending };
}

/** What the rules see of the request: the transaction, and the stored rows read once. */
export function contextOf(tx: Executor, entity: Entity, mode: SaveMode, prepared: Prepared): RuleContext {
  const stored = new Map<string, Row | undefined>();
  const pause = turns();
  return {
    tx,
    entity,
    mode,
    fail: failWith(prepared.results, prepared.failures),
    async stored(records) {
      const ids = records.map((p) => String(p.values['id']));
      const missing = ids.filter((id) => !stored.has(id));
      for (let start = 0; start < missing.length; start += STORED_CHUNK) {
        const some = missing.slice(start, start + STORED_CHUNK);
        const found = await existingRows(tx, entity, some);
        for (const id of some) stored.set(id, found.get(id));
        await pause();
      }
      const out = new Map<string, Row>();
      for (const id of ids) {
        const row = stored.get(id);
        if (row) out.set(id, row);
      }
      return out;
    },
  };
}

/** A set of records ready to be written: what the database was only read for. */
export interface Plan {
  ctx: RuleContext;
  results: RecordResult[];
  failures: Map<number, Failure>;
  rows: Map<number, Row>;
  /** Every record that passed the rules (superseded ones too). */
  pending: Pending[];
  /** The record saved for each id (the last one sent). */
  last: Map<string, Pending>;
  survivors: Pending[];
  /** One group a column set, the rows in the order of their ids. */
  groups: Group[];
}

/** The records of one column set, and the COPY text of their chunks when made ahead (saveInParts). */
export interface Group {
  records: Pending[];
  texts?: string[] | undefined;
}

/** Steps 2 to 4, and the column sets of step 6: nothing is written, nothing locked. */
export async function plan(
  ctx: RuleContext,
  prepared: Prepared,
  rows: Map<number, Row>,
  options: SaveOptions,
): Promise<Plan> {
  return arrange(ctx, await resolve(ctx, prepared, options), rows, options);
}

/** 2. References (ERP keys, nested objects, existence of given ids), for all records at once. */
export async function resolve(ctx: RuleContext, prepared: Prepared, options: SaveOptions): Promise<Prepared> {
  await resolveReferences(ctx, prepared.pending, { checkIds: !options.single });
  return { ...prepared, pending: prepared.pending.filter((p) => !p.failed) };
}

/**
 * Steps 3 and 4 and the column sets of step 6, once the references are resolved. With
 * `textsAhead`, the COPY texts of the writes are made too; `budgetMs` is how long it works before
 * giving the event loop a turn.
 */
export async function arrange(
  ctx: RuleContext,
  referenced: Prepared,
  rows: Map<number, Row>,
  options: SaveOptions,
  textsAhead = false,
  budgetMs?: number,
): Promise<Plan> {
  const { tx, entity } = ctx;
  const { results, failures } = referenced;
  let { pending } = referenced;
  const pause = turns(budgetMs);
  for (const p of pending) {
    await pause();
    p.values = pickWritable(entity, p.values);
    if (options.mode !== 'update') p.values['id'] = String(p.values['id'] ?? randomUUID()).toLowerCase();
    results[p.index]!.id = String(p.values['id']);
  }

  // 3. Entity rules, in their order; a record failed by one is not seen by the next.
  for (const rule of rulesOf(entity.name)) {
    if (!('beforeWrite' in rule) || !pending.length) continue;
    await rule.beforeWrite(ctx, pending);
    pending = pending.filter((p) => !p.failed);
    await pause();
  }

  // 4. Duplicate ids: the later record wins; earlier ones are reported as superseded.
  const last = new Map<string, Pending>();
  for (const p of pending) last.set(String(p.values['id']), p);
  const survivors = [...last.values()];
  for (const p of pending) {
    const winner = last.get(String(p.values['id']))!;
    if (winner !== p)
      Object.assign(results[p.index]!, { success: true, status: 'unchanged', superseded_by: winner.index });
  }

  // 6. (prepared) One statement per column set, the rows in the order of their ids: batches that
  // overlap take their row locks in one order and never deadlock one another.
  const byColumns = new Map<string, Pending[]>();
  const byId = (a: Pending, b: Pending): number => {
    const [x, y] = [String(a.values['id']), String(b.values['id'])];
    return x < y ? -1 : x > y ? 1 : 0;
  };
  for (const p of [...survivors].sort(byId)) {
    // The column set, in the registry's order of the writable fields.
    let key = '';
    let known = 0;
    for (const name of entity.writable) {
      const given = name in p.values;
      key += given ? '1' : '0';
      if (given) known++;
    }
    let all = 0;
    for (const name in p.values) if (Object.hasOwn(p.values, name)) all++;
    if (all !== known) key += `|${Object.keys(p.values).sort().join(',')}`;
    const group = byColumns.get(key);
    if (group) group.push(p);
    else byColumns.set(key, [p]);
  }
  const groups: Group[] = [];
  for (const records of byColumns.values()) {
    const columns = Object.keys(records[0]!.values);
    const values = records.map((p) => p.values);
    const ahead = textsAhead && options.mode !== 'update';
    groups.push({
      records,
      texts: ahead ? await copyTexts(tx, entity, columns, values, budgetMs) : undefined,
    });
  }
  return { ctx, results, failures, rows, pending, last, survivors, groups };
}
