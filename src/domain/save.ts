/**
 * The one save pipeline behind every write route (POST, PUT, Save, SaveMultiple):
 * validate in memory → resolve references for all records at once → entity rules → one bulk write
 * per column set → consequences. A record that fails never blocks the others; a failure the
 * database finds in a bulk statement is isolated by splitting the set (under savepoints), so the
 * bulk path is kept for every record that is fine.
 */
import { randomUUID } from 'node:crypto';
import { ContractError, isTransient } from '../contract/errors.js';
import type { RecordResult } from '../contract/results.js';
import type { Executor } from '../db/database.js';
import { writeMany, type Written } from '../db/bulk.js';
import { fromDatabaseError } from '../db/errors.js';
import { findById, selectList, updateRow, type Row } from '../db/records.js';
import { q } from '../schema/schema-model.js';
import { VERSION_FIELD, type Entity } from '../schema/registry.js';
import { jsonValue, toRecord } from '../schema/serialize.js';
import { turns } from '../schema/turns.js';
import { normalizeInput } from '../schema/defaults.js';
import { pickWritable, type Validator } from '../schema/validate.js';
import { rulesOf } from './entity-rules.js';
import { existingRows } from './existing.js';
import { resolveReferences } from './references.js';
import type { Failure, Pending, RuleContext, SaveMode, WrittenRecord } from './rules.js';

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

/** Whether a record gives a reference as a nested object that the id or the key does not settle. */
function hasNestedObjects(entity: Entity, input: Row): boolean {
  return entity.refs.some((ref) => {
    const node = ref.spec.embed ? input[ref.spec.embed.field] : undefined;
    if (!node || typeof node !== 'object') return false;
    const key = ref.spec.key ? input[ref.spec.key.field] : undefined;
    return input[ref.idField] == null && (key === undefined || key === null || key === '');
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Stored rows read per query when rules compare a batch with what is stored. */
const STORED_CHUNK = 1000;

export async function saveRecords(
  tx: Executor,
  entity: Entity,
  sent: readonly unknown[],
  options: SaveOptions,
): Promise<SaveOutcome> {
  // The empty GUID and DateTime.MinValue mean no value, a null flag is false, lists ignore case.
  const bodies = sent.map((body) => normalizeInput(entity, body));
  const results: RecordResult[] = bodies.map((body, index) => {
    const id = (body as Row | null)?.['id'];
    return {
      index,
      id: typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : null,
      success: false,
      status: 'failed',
    };
  });
  const failures = new Map<number, Failure>();
  const rows = new Map<number, Row>();
  const stored = new Map<string, Row | undefined>();
  // A large batch gives the event loop a turn every few milliseconds (other requests go on).
  const pause = turns();
  const ctx: RuleContext = {
    tx,
    entity,
    mode: options.mode,
    fail(pending, failure) {
      if (pending.failed) return;
      pending.failed = true;
      results[pending.index]!.errors = failure.errors;
      failures.set(pending.index, failure);
    },
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

  // 1. Schema validation, in memory.
  let pending: Pending[] = [];
  for (let index = 0; index < bodies.length; index++) {
    const body = bodies[index];
    await pause();
    const errors = options.validator.validate(entity, options.mode === 'update' ? 'update' : 'create', body);
    const version = (body as Row | null)?.[VERSION_FIELD];
    if (version !== undefined && version !== null && !/^\d{1,18}$/.test(String(version))) {
      errors.push({
        field: VERSION_FIELD,
        code: 'type',
        message: `${VERSION_FIELD} must be a version number given by this server`,
      });
    }
    const item: Pending = { index, input: body as Row, values: {}, failed: false };
    if (errors.length) ctx.fail(item, { code: 'validation_failed', errors });
    else pending.push(item);
  }

  // Records carrying nested objects create or update other records. In a batch they are first
  // written together, level by level, under a savepoint; when any of them is refused, that is
  // undone and each goes alone under a savepoint, so that a failure leaves none of its nested
  // records behind.
  if (bodies.length > 1 && !options.nestedTogether) {
    let nested = pending.filter((p) => hasNestedObjects(entity, p.input));
    if (nested.length > 1) {
      await tx.query('SAVEPOINT fs_nested');
      const together = await saveRecords(
        tx,
        entity,
        nested.map((p) => p.input),
        { ...options, single: false, nestedTogether: true },
      );
      if (together.results.every((r) => r.success)) {
        await tx.query('RELEASE SAVEPOINT fs_nested');
        together.results.forEach((result, i) => {
          const p = nested[i]!;
          const winner = result.superseded_by;
          Object.assign(results[p.index]!, {
            ...result,
            index: p.index,
            ...(winner === undefined ? {} : { superseded_by: nested[winner]!.index }),
          });
          const row = together.rows.get(i);
          if (row) rows.set(p.index, row);
        });
        pending = pending.filter((p) => !nested.includes(p));
        nested = [];
      } else {
        await tx.query('ROLLBACK TO SAVEPOINT fs_nested');
        await tx.query('RELEASE SAVEPOINT fs_nested');
      }
    }
    for (const p of nested) {
      await tx.query('SAVEPOINT fs_record');
      const one = await saveRecords(tx, entity, [p.input], { ...options, single: false });
      const result = one.results[0]!;
      if (result.success) await tx.query('RELEASE SAVEPOINT fs_record');
      else await tx.query('ROLLBACK TO SAVEPOINT fs_record');
      Object.assign(results[p.index]!, { ...result, index: p.index });
      const failure = one.failures.get(0);
      if (failure) failures.set(p.index, failure);
      const row = one.rows.get(0);
      if (row) rows.set(p.index, row);
      await pause();
    }
    pending = pending.filter((p) => !nested.includes(p));
  }

  // 2. References (ERP keys, nested objects, existence of given ids), for all records at once.
  await resolveReferences(ctx, pending, { checkIds: !options.single });
  pending = pending.filter((p) => !p.failed);
  for (const p of pending) {
    await pause();
    p.values = pickWritable(entity, p.values);
    if (options.mode !== 'update') p.values['id'] = String(p.values['id'] ?? randomUUID()).toLowerCase();
    results[p.index]!.id = String(p.values['id']);
  }

  // 3. Entity rules, in their order; a record failed by one is not seen by the next.
  const rules = rulesOf(entity.name);
  for (const rule of rules) {
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

  // 5. Optimistic concurrency: records sent with the version they were based on.
  await checkVersions(ctx, survivors, options, results);
  survivors.splice(0, survivors.length, ...survivors.filter((p) => !p.failed));
  await pause();

  // 6. Write, one statement per column set, the rows in the order of their ids: batches that
  // overlap take their row locks in one order and never deadlock one another.
  const written: WrittenRecord[] = [];
  const groups = new Map<string, Pending[]>();
  const byId = (a: Pending, b: Pending): number => {
    const [x, y] = [String(a.values['id']), String(b.values['id'])];
    return x < y ? -1 : x > y ? 1 : 0;
  };
  for (const p of [...survivors].sort(byId)) {
    // The column set, in the registry's order of the writable fields.
    let key = '';
    let known = 0;
    for (const name of ctx.entity.writable) {
      const given = name in p.values;
      key += given ? '1' : '0';
      if (given) known++;
    }
    let all = 0;
    for (const name in p.values) if (Object.hasOwn(p.values, name)) all++;
    if (all !== known) key += `|${Object.keys(p.values).sort().join(',')}`;
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  for (const group of groups.values()) {
    const outcome = await writeIsolated(ctx, group, options);
    for (const [p, w] of outcome) {
      Object.assign(results[p.index]!, { success: true, status: w.status });
      if (w.row) rows.set(p.index, w.row);
      written.push({ pending: p, status: w.status });
    }
  }

  // A record superseded by a later one of its id that was refused stored nothing either: it is
  // reported with the refusal, not as done.
  for (const p of pending) {
    const winner = last.get(String(p.values['id']))!;
    if (winner === p || !winner.failed) continue;
    const refusal = failures.get(winner.index);
    const result = results[p.index]!;
    delete result.superseded_by;
    Object.assign(result, { success: false, status: 'failed', errors: results[winner.index]!.errors });
    if (refusal) failures.set(p.index, refusal);
  }

  // 7. Consequences in other entities.
  for (const rule of rules) {
    if (!('afterWrite' in rule) || !written.length) continue;
    await rule.afterWrite(ctx, written);
    await pause();
  }
  if (options.returnRows) {
    for (const w of written) {
      // An unchanged row is not returned by the write.
      if (rows.has(w.pending.index)) continue;
      const row = await findById(tx, entity, String(w.pending.values['id']));
      if (row) rows.set(w.pending.index, row);
    }
  }
  return { results, failures, rows };
}

/**
 * Writes a group in one statement; when the database refuses it, splits the group in halves under
 * savepoints until each failing record is alone, and reports it with the mapped error.
 */
async function writeIsolated(
  ctx: RuleContext,
  group: Pending[],
  options: SaveOptions,
  depth = 0,
): Promise<Map<Pending, Written>> {
  const out = new Map<Pending, Written>();
  if (options.single) return writeGroup(ctx, group, options, out);
  const savepoint = `fs_write_${depth}`;
  await ctx.tx.query(`SAVEPOINT ${savepoint}`);
  try {
    await writeGroup(ctx, group, options, out);
    await ctx.tx.query(`RELEASE SAVEPOINT ${savepoint}`);
    return out;
  } catch (err) {
    await ctx.tx.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    const mapped = err instanceof ContractError ? err : fromDatabaseError(err);
    if (!mapped || isTransient(mapped.code)) throw err;
    if (group.length === 1) {
      const errors = mapped.errors ?? [{ field: '(record)', code: mapped.code, message: mapped.message }];
      ctx.fail(group[0]!, { code: mapped.code, errors, message: mapped.message });
      return new Map();
    }
    const half = Math.ceil(group.length / 2);
    const first = await writeIsolated(ctx, group.slice(0, half), options, depth + 1);
    const second = await writeIsolated(ctx, group.slice(half), options, depth + 1);
    return new Map([...first, ...second]);
  }
}

async function writeGroup(
  ctx: RuleContext,
  group: Pending[],
  options: SaveOptions,
  out: Map<Pending, Written>,
): Promise<Map<Pending, Written>> {
  if (options.mode === 'update') {
    for (const p of group) {
      const id = String(p.values['id']);
      const row = await updateRow(ctx.tx, ctx.entity, id, p.values);
      if (row) out.set(p, { status: 'updated', row });
      else {
        const message = `${ctx.entity.name} ${id} was not found`;
        ctx.fail(p, { code: 'not_found', errors: [{ field: 'id', code: 'not_found', message }], message });
      }
    }
    return out;
  }
  const columns = Object.keys(group[0]!.values);
  const values = group.map((p) => p.values);
  // Nothing is written after a single record's statement unless a rule has consequences.
  const last =
    options.single === true &&
    options.commitWithWrite === true &&
    !rulesOf(ctx.entity.name).some((rule) => 'afterWrite' in rule);
  const byId = await writeMany(ctx.tx, {
    entity: ctx.entity,
    columns,
    values,
    mode: options.mode,
    returnRows: options.returnRows,
    commit: last,
  });
  for (const p of group) out.set(p, byId.get(String(p.values['id']))!);
  return out;
}

/**
 * Refuses records whose version is not the stored one (status `conflict`, with the stored copy).
 * The rows are locked until the end of the transaction, so nothing changes between check and write.
 */
async function checkVersions(
  ctx: RuleContext,
  records: Pending[],
  options: SaveOptions,
  results: RecordResult[],
): Promise<void> {
  const expected = new Map<Pending, number>();
  for (const p of records) {
    const given = p.input[VERSION_FIELD] ?? (options.single ? options.expectedVersion : undefined);
    if (given !== undefined && given !== null) expected.set(p, Number(given));
  }
  if (!expected.size) return;
  const ids = [...expected.keys()].map((p) => String(p.values['id']));
  const r = await ctx.tx.query(
    `SELECT ${selectList(ctx.entity)} FROM ${q(ctx.entity.name)} t WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE OF t`,
    [ids],
  );
  const stored = new Map(r.rows.map((row) => [String(row['id']), row]));
  for (const [p, version] of expected) {
    const row = stored.get(String(p.values['id']));
    if (row && Number(row[VERSION_FIELD]) === version) continue;
    const message = row
      ? `The record was changed since version ${version} (now ${String(row[VERSION_FIELD])}): read it again and reapply the change`
      : `The record no longer exists (version ${version} was given)`;
    ctx.fail(p, {
      code: 'version_conflict',
      errors: [{ field: VERSION_FIELD, code: 'version_conflict', message }],
      message,
    });
    // The copy as a JSON value: decimals as numbers in the bodies built with JSON.stringify.
    const current = row ? jsonValue(ctx.entity, toRecord(ctx.entity, row)) : null;
    Object.assign(results[p.index]!, { status: 'conflict', current });
  }
}
