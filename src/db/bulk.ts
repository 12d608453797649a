/**
 * Writing many records of one entity in few statements: multi-row VALUES for small sets, COPY into
 * a temporary table then `INSERT .. SELECT` for large ones (the fastest path PostgreSQL offers),
 * COPY_CHUNK records per statement so that no statement holds the embedded database (which runs on
 * the event loop) for long. Upserts leave rows whose given columns already hold the given values
 * untouched, so a replay reports `unchanged` and does not move `modified_dateutc`.
 */
import type { Executor } from './database.js';
import { param, placeholder, selectList, type Row } from './records.js';
import { CURRENT_TENANT, firstVersion, q, sqlType } from '../schema/schema-model.js';
import { isList, VERSION_FIELD, type Entity } from '../schema/registry.js';
import { turns } from '../schema/turns.js';

export type WriteMode = 'insert' | 'upsert';
export type WriteStatus = 'created' | 'updated' | 'unchanged';

export interface Written {
  status: WriteStatus;
  /** The stored row (when asked for), computed fields included. */
  row?: Row;
}

/** Up to this many records go through VALUES; beyond, through COPY. */
const VALUES_MAX = 64;
/**
 * Records per COPY and per `INSERT .. SELECT` from the staging table: few statements on a database
 * server (each costs a round trip and a truncation of the staging table); on the embedded database,
 * which runs on the event loop, statements short enough to give other requests their turns.
 */
const COPY_CHUNK = { server: 5000, embedded: 1000 };
let stageCounter = 0;

function conflictClause(entity: Entity, columns: readonly string[], mode: WriteMode): string {
  if (mode === 'insert') return '';
  const changing = columns.filter((c) => c !== 'id');
  if (changing.length === 0) return 'ON CONFLICT (tenant_id, id) DO NOTHING';
  const set = changing.map((c) => `${q(c)} = EXCLUDED.${q(c)}`).join(', ');
  const mine = changing.map((c) => `t.${q(c)}`).join(', ');
  const theirs = changing.map((c) => `EXCLUDED.${q(c)}`).join(', ');
  return `ON CONFLICT (tenant_id, id) DO UPDATE SET ${set} WHERE (${mine}) IS DISTINCT FROM (${theirs})`;
}

/** Characters COPY's text format escapes. */
const SPECIAL = /[\\\n\r\t]/;

/** COPY text format of one value. */
function copyValue(entity: Entity, column: string, value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const field = entity.spec.fields[column]!;
  let text: string;
  if (isList(field)) text = JSON.stringify(value);
  else if (typeof value === 'boolean') text = value ? 't' : 'f';
  else text = String(value);
  return SPECIAL.test(text)
    ? text.replace(/[\\\n\r\t]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
      )
    : text;
}

/**
 * Writes `rows` (all with exactly `columns`, distinct ids) and returns the outcome per id. Throws
 * the database error when the statement fails; the caller isolates the failing record.
 */
export interface WriteManyInput {
  entity: Entity;
  /** The columns every row gives, in order. */
  columns: readonly string[];
  values: readonly Row[];
  mode: WriteMode;
  /** Return the stored rows, not only ids and statuses. */
  returnRows: boolean;
  /** The write ends the transaction (it is sent with COMMIT), when it is one statement. */
  commit?: boolean;
  /** The COPY text of each chunk of `values`, made beforehand by `copyTexts`. */
  texts?: readonly string[];
  /** Called when the first INSERT of the staged rows has been sent (the database is busy with it). */
  onInsert?: () => void;
}

/**
 * The statements of multi-row VALUES writes, by entity, mode, columns and number of rows: the text
 * of a single-record write is built once. A client chooses the columns: the texts kept are bounded.
 */
const valuesStatements = new Map<string, string>();
const VALUES_STATEMENTS_MAX = 512;

function valuesStatement(
  entity: Entity,
  columns: readonly string[],
  count: number,
  mode: WriteMode,
  returnRows: boolean,
): string {
  const key = `${entity.name}|${mode}|${returnRows}|${count}|${columns.join(',')}`;
  let sql = valuesStatements.get(key);
  if (sql !== undefined) return sql;
  let n = 0;
  const tuples = Array.from({ length: count }, () => {
    const marks = columns.map((c) => {
      const field = entity.spec.fields[c]!;
      n++;
      // The base type: a cast to varchar(n) would silently truncate.
      return isList(field)
        ? placeholder(entity, c, n)
        : `$${n}::${sqlType(field).replace(/^varchar\(\d+\)$/, 'text')}`;
    });
    return `(${marks.join(', ')})`;
  });
  sql =
    `INSERT INTO ${q(entity.name)} AS t (${columns.map(q).join(', ')}) VALUES ${tuples.join(', ')} ` +
    `${conflictClause(entity, columns, mode)} ${returningClause(entity, returnRows)}`;
  if (valuesStatements.size < VALUES_STATEMENTS_MAX) valuesStatements.set(key, sql);
  return sql;
}

const returningClause = (entity: Entity, returnRows: boolean): string =>
  `RETURNING ${returnRows ? `${selectList(entity)}, ` : 't.id, '}(t.xmax = 0) AS fs_inserted`;

/** The COPY text of one chunk of rows, a slice at a time: the event loop gets its turns meanwhile. */
async function copyText(
  entity: Entity,
  columns: readonly string[],
  rows: readonly Row[],
  start: number,
  end: number,
  pause: () => Promise<void> | undefined,
): Promise<string> {
  let text = '';
  for (let i = start; i < end; i++) {
    if (i % 256 === 0) await pause();
    const row = rows[i]!;
    for (let c = 0; c < columns.length; c++) {
      if (c > 0) text += '\t';
      text += copyValue(entity, columns[c]!, row[columns[c]!]);
    }
    text += '\n';
  }
  return text;
}

const chunkOf = (tx: Executor): number => (tx.embedded ? COPY_CHUNK.embedded : COPY_CHUNK.server);

/**
 * The COPY texts `writeMany` would send for these rows (one a chunk), made ahead of the write, or
 * undefined when the rows go through VALUES.
 */
export async function copyTexts(
  tx: Executor,
  entity: Entity,
  columns: readonly string[],
  rows: readonly Row[],
  budgetMs?: number,
): Promise<string[] | undefined> {
  if (rows.length <= VALUES_MAX) return undefined;
  const pause = turns(budgetMs);
  const chunk = chunkOf(tx);
  const texts: string[] = [];
  for (let start = 0; start < rows.length; start += chunk)
    texts.push(await copyText(entity, columns, rows, start, Math.min(start + chunk, rows.length), pause));
  return texts;
}

export async function writeMany(tx: Executor, input: WriteManyInput): Promise<Map<string, Written>> {
  const { entity, columns, values: rows, mode, returnRows, commit, texts, onInsert } = input;
  let result: { rows: Array<Row & { fs_inserted: boolean }> };
  if (rows.length <= VALUES_MAX) {
    const params: unknown[] = [];
    for (const row of rows) for (const c of columns) params.push(param(entity, c, row[c]));
    result = await tx.query(
      valuesStatement(entity, columns, rows.length, mode, returnRows),
      params,
      commit ? { commit } : undefined,
    );
  } else {
    const t = q(entity.name);
    const cols = columns.map(q).join(', ');
    const conflict = conflictClause(entity, columns, mode);
    const returning = returningClause(entity, returnRows);
    const stage = q(`fs_stage_${++stageCounter}`);
    const defs = columns.map((c) => `${q(c)} ${sqlType(entity.spec.fields[c]!)}`).join(', ');
    await tx.query(`CREATE TEMP TABLE ${stage} (${defs}) ON COMMIT DROP`);
    const pause = turns();
    const chunk = chunkOf(tx);
    result = { rows: [] };
    const textAt = (start: number): Promise<string> =>
      texts
        ? Promise.resolve(texts[start / chunk] ?? '')
        : copyText(entity, columns, rows, start, Math.min(start + chunk, rows.length), pause);
    // Each new record's first version, looked up by the statement for all its rows at once (the
    // row trigger would look it up row by row); an update's is counted by the trigger.
    const insert =
      `INSERT INTO ${t} AS t (${cols}, ${q(VERSION_FIELD)}) ` +
      `SELECT ${cols}, ${firstVersion(entity, 's.id', CURRENT_TENANT)} FROM ${stage} s ${conflict} ${returning}`;
    let text = await textAt(0);
    for (let start = 0; start < rows.length; start += chunk) {
      if (start > 0) await tx.query(`TRUNCATE ${stage}`);
      await tx.copyFrom(`COPY ${stage} (${cols})`, text);
      const inserting = tx.query<Row & { fs_inserted: boolean }>(insert);
      onInsert?.();
      // The next chunk's text is written while the database inserts this one.
      // (Its refusal is taken by the await below.)
      inserting.catch(() => undefined);
      const next = start + chunk;
      text = next < rows.length ? await textAt(next) : '';
      const inserted = await inserting;
      for (const row of inserted.rows) result.rows.push(row);
      // The embedded database answers without a turn of the event loop: give one.
      await pause();
    }
    await tx.query(`DROP TABLE ${stage}`);
  }
  const out = new Map<string, Written>();
  for (const stored of result.rows) {
    const status = stored.fs_inserted ? 'created' : 'updated';
    if (!returnRows) {
      out.set(String(stored['id']), { status });
      continue;
    }
    const { fs_inserted: _, ...row } = stored;
    out.set(String(row['id']), { status, row });
  }
  for (const row of rows) {
    const id = String(row['id']);
    if (!out.has(id)) out.set(id, { status: 'unchanged' });
  }
  return out;
}
