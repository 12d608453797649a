/**
 * The one save pipeline behind every write route (POST, PUT, Save, SaveMultiple):
 * validate in memory → resolve references for all records at once → entity rules → one bulk write
 * per column set → consequences (save-steps.ts, then save-write.ts). A record that fails never
 * blocks the others; a failure the database finds in a bulk statement is isolated by splitting the
 * set (under savepoints), so the bulk path is kept for every record that is fine. A large batch
 * goes through the steps in parts (batch-parts.ts), the next part made ready while one is written.
 */
import type { Executor } from '../db/database.js';
import type { Row } from '../db/records.js';
import type { Entity } from '../schema/registry.js';
import { turns } from '../schema/turns.js';
import { inParts, mergePart, partsOf } from './batch-parts.js';
import {
  arrange,
  contextOf,
  plan,
  prepare,
  resolve,
  type Plan,
  type Prepared,
  type SaveOptions,
  type SaveOutcome,
} from './save-steps.js';
import { writePlan } from './save-write.js';

export type { SaveOptions, SaveOutcome } from './save-steps.js';

/** Whether a record gives a reference as a nested object that the id or the key does not settle. */
function hasNestedObjects(entity: Entity, input: Row): boolean {
  return entity.refs.some((ref) => {
    const node = ref.spec.embed ? input[ref.spec.embed.field] : undefined;
    if (!node || typeof node !== 'object') return false;
    const key = ref.spec.key ? input[ref.spec.key.field] : undefined;
    return input[ref.idField] == null && (key === undefined || key === null || key === '');
  });
}

export async function saveRecords(
  tx: Executor,
  entity: Entity,
  sent: readonly unknown[],
  options: SaveOptions,
): Promise<SaveOutcome> {
  if (!options.single && !options.nestedTogether && inParts(entity, sent, options.mode))
    return saveInParts(tx, entity, sent, options);
  return finish(tx, entity, await prepare(entity, sent, options), options);
}

/** How long work done ahead (while a part is written) runs before it lets the write go on. */
const AHEAD_BUDGET_MS = 2;

/**
 * A large batch in parts (see batch-parts.ts), in one transaction. On a database server, while a
 * part is written, Node arranges the next part (rules, column sets, COPY text) and validates the
 * one after: the next part's references are read before the part's INSERT is sent, since a read
 * sent after it would wait for it. A rule's read sent while a refused statement of the part left
 * the transaction aborted (until its savepoint is rolled back) fails: that part is then planned
 * again from its records as sent. The embedded database runs on this thread (nothing to overlap)
 * and its COPY briefly changes the role: there the parts go one after another.
 */
async function saveInParts(
  tx: Executor,
  entity: Entity,
  sent: readonly unknown[],
  options: SaveOptions,
): Promise<SaveOutcome> {
  const parts = partsOf(sent);
  const outcome: SaveOutcome = { results: new Array(sent.length), failures: new Map(), rows: new Map() };
  const prepareAt = (k: number, budgetMs?: number): Promise<Prepared> =>
    prepare(
      entity,
      parts[k]!.map((i) => sent[i]),
      options,
      budgetMs,
    );
  const planAt = async (k: number): Promise<Plan> => {
    const prepared = await prepareAt(k);
    const ctx = contextOf(tx, entity, options.mode, prepared);
    return arrange(ctx, await resolve(ctx, prepared, options), new Map(), options, true);
  };
  if (tx.embedded) {
    for (let k = 0; k < parts.length; k++)
      mergePart(outcome, parts[k]!, await writePlan(await planAt(k), options));
    return outcome;
  }
  let planned = await planAt(0);
  const ahead = (k: number, after: Promise<void> = Promise.resolve()): Promise<Prepared> | undefined => {
    if (k >= parts.length) return undefined;
    const prepared = after.then(() => prepareAt(k, AHEAD_BUDGET_MS));
    // Awaited in its turn; a failure before then ends the batch first.
    prepared.catch(() => undefined);
    return prepared;
  };
  let preparing = ahead(1);
  for (let k = 0; k < parts.length; k++) {
    if (!preparing) {
      mergePart(outcome, parts[k]!, await writePlan(planned, options));
      continue;
    }
    const prepared = await preparing;
    const ctx = contextOf(tx, entity, options.mode, prepared);
    const referenced = await resolve(ctx, prepared, options);
    // The next part is arranged once the database is busy with this part's INSERT (before, the
    // work would only delay this part's own short statements).
    let busy = (): void => undefined;
    const inserting = new Promise<void>((done) => (busy = done));
    const writing = writePlan(planned, options, () => busy());
    void writing.then(busy, busy);
    const arranging = inserting.then(() =>
      arrange(ctx, referenced, new Map(), options, true, AHEAD_BUDGET_MS),
    );
    // Awaited in its turn, after this part's write (whose failure ends the batch first).
    arranging.catch(() => undefined);
    preparing = ahead(k + 2, inserting);
    let written: SaveOutcome;
    try {
      written = await writing;
    } catch (err) {
      // Nothing of this request may still use the connection once the transaction ends.
      await arranging.catch(() => undefined);
      throw err;
    }
    mergePart(outcome, parts[k]!, written);
    planned = await arranging.catch(() => planAt(k + 1));
  }
  return outcome;
}

/** The steps that need the database, in the order of the file's heading. */
async function finish(
  tx: Executor,
  entity: Entity,
  prepared: Prepared,
  options: SaveOptions,
): Promise<SaveOutcome> {
  const { results, failures } = prepared;
  let { pending } = prepared;
  const rows = new Map<number, Row>();
  // A large batch gives the event loop a turn every few milliseconds (other requests go on).
  const pause = turns();
  const ctx = contextOf(tx, entity, options.mode, prepared);
  const bodies = results.length;

  // Records carrying nested objects create or update other records. In a batch they are first
  // written together, level by level, under a savepoint; when any of them is refused, that is
  // undone and each goes alone under a savepoint, so that a failure leaves none of its nested
  // records behind.
  if (bodies > 1 && !options.nestedTogether) {
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

  return writePlan(await plan(ctx, { results, failures, pending }, rows, options), options);
}
