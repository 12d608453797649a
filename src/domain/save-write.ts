/**
 * The save pipeline's writing steps: versions checked (the rows locked), one bulk write per
 * column set with each failing record isolated under savepoints, then the consequences.
 */
import { ContractError, isTransient } from '../contract/errors.js';
import type { RecordResult } from '../contract/results.js';
import { writeMany, type Written } from '../db/bulk.js';
import { fromDatabaseError } from '../db/errors.js';
import { findById, selectList, updateRow } from '../db/records.js';
import { q } from '../schema/schema-model.js';
import { VERSION_FIELD } from '../schema/registry.js';
import { jsonValue, toRecord } from '../schema/serialize.js';
import { turns } from '../schema/turns.js';
import { rulesOf } from './entity-rules.js';
import type { Pending, RuleContext, WrittenRecord } from './rules.js';
import type { Plan, SaveOptions, SaveOutcome } from './save-steps.js';

/** Steps 5 to 7: versions checked (the rows locked), the writes, their consequences. */
export async function writePlan(
  planned: Plan,
  options: SaveOptions,
  onInsert?: () => void,
): Promise<SaveOutcome> {
  const { ctx, results, failures, rows, pending, last, survivors } = planned;
  const { tx, entity } = ctx;
  const pause = turns();
  // 5. Optimistic concurrency: records sent with the version they were based on.
  await checkVersions(ctx, survivors, options, results);
  await pause();

  // 6. Write.
  const written: WrittenRecord[] = [];
  for (const { records, texts: made } of planned.groups) {
    const group = records.filter((p) => !p.failed);
    if (!group.length) continue;
    // Texts made ahead hold every row of the group: only when none was refused since.
    const texts = group.length === records.length ? made : undefined;
    const outcome = await writeIsolated(ctx, group, options, { texts, onInsert });
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
  for (const rule of rulesOf(entity.name)) {
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

/** What a write is given from the work done ahead of it (see saveInParts). */
interface Ahead {
  /** The group's COPY texts, made beforehand. */
  texts?: readonly string[] | undefined;
  /** Told when the database is busy with the group's INSERT. */
  onInsert?: (() => void) | undefined;
}

/**
 * Writes a group in one statement; when the database refuses it, splits the group in halves under
 * savepoints until each failing record is alone, and reports it with the mapped error.
 */
async function writeIsolated(
  ctx: RuleContext,
  group: Pending[],
  options: SaveOptions,
  ahead: Ahead = {},
  depth = 0,
): Promise<Map<Pending, Written>> {
  const out = new Map<Pending, Written>();
  if (options.single) return writeGroup(ctx, group, options, out);
  const savepoint = `fs_write_${depth}`;
  await ctx.tx.query(`SAVEPOINT ${savepoint}`);
  try {
    await writeGroup(ctx, group, options, out, ahead);
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
    const first = await writeIsolated(ctx, group.slice(0, half), options, {}, depth + 1);
    const second = await writeIsolated(ctx, group.slice(half), options, {}, depth + 1);
    return new Map([...first, ...second]);
  }
}

async function writeGroup(
  ctx: RuleContext,
  group: Pending[],
  options: SaveOptions,
  out: Map<Pending, Written>,
  ahead: Ahead = {},
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
    ...(ahead.texts ? { texts: ahead.texts } : {}),
    ...(ahead.onInsert ? { onInsert: ahead.onInsert } : {}),
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
