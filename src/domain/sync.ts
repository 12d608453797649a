/**
 * The change feed. Every write logs its records in `change_log` in the same transaction; a pull
 * first gives the tenant's committed, unpositioned entries the next positions of the tenant's feed
 * (`fs_sequence_changes`, under the tenant's own row lock), then reads the entries after the cursor
 * in position order, with each record as it is in the same snapshot. A change gets its position
 * only after it committed, so a transaction that commits late is delivered later, never skipped,
 * and no transaction (of this tenant or another) holds the feed back. A record deleted and
 * created again is delivered as it stands; applying the pages in order ends in the database's state.
 */
import type { Database, Executor } from '../db/database.js';
import { recordJsonSql, selectList, type Row } from '../db/records.js';
import { ContractError } from '../contract/errors.js';
import { q } from '../schema/schema-model.js';
import type { Entity } from '../schema/registry.js';
import { toRecord, type ApiRecord } from '../schema/serialize.js';

/** A position in the tenant's feed (everything up to it delivered) and the purges known then. */
export interface Cursor {
  position: number;
  /** How many purges had removed feed entries in the snapshot that gave the cursor. */
  generation: number;
}

export interface Change {
  entity: string;
  id: string;
  deleted: boolean;
  /** When the change happened (modified_dateutc, or the deletion time). */
  time: string;
  row_version: number;
  /** The record as it is now; null for a deletion. */
  record: ApiRecord | null;
}

export interface ChangePage {
  changes: Change[];
  next: string;
  has_more: boolean;
}

const START: Cursor = { position: 0, generation: 0 };
const CURSOR_FORMAT = '2';

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${CURSOR_FORMAT}.${c.position}.${c.generation}`).toString('base64url');
}

const expired = (): ContractError =>
  new ContractError({
    code: 'cursor_expired',
    message:
      'This cursor is older than the retention of deletions: resynchronise from scratch (pull without since, ' +
      'replace the local data with what it returns)',
  });

export function decodeCursor(text: string | undefined): Cursor {
  if (!text || text === '0') return START;
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  const m = /^2\.(\d{1,15})\.(\d{1,15})$/.exec(decoded);
  if (m) return { position: Number(m[1]), generation: Number(m[2]) };
  // A cursor of the former feed (transaction and version): its positions no longer exist.
  if (/^1\.\d{1,20}\.\d{1,18}\.\d{1,15}$/.test(decoded)) throw expired();
  throw new ContractError({ code: 'invalid_cursor', message: 'since is not a cursor given by this server' });
}

interface Position {
  entity: string;
  id: string;
  position: string;
  version: string;
  deleted: boolean;
  time: Date;
}

/** Positions the tenant's committed changes (its own transaction, committed before the read). */
export async function sequenceChanges(tx: Executor): Promise<number> {
  const r = await tx.query<{ last: string }>('SELECT fs_sequence_changes() AS last');
  return Number(r.rows[0]!.last);
}

/**
 * The planner setting of every feed transaction: unpositioned entries are found through the
 * (tenant, position) index. Right after a bulk load the statistics still say that most entries are
 * unpositioned, and the planner would rather read the whole feed for them, on every page.
 */
const NO_FEED_SCAN = "set_config('enable_seqscan', 'off', true)";

/**
 * A page read by `read` in one snapshot (repeatable read) transaction, once the tenant's committed
 * changes have their positions. Most pages find none to position: then the check and the read
 * share the transaction; else the changes are positioned (their own transaction, committed before
 * the read) and the page is read in a new snapshot.
 */
async function inSnapshot<T>(
  db: Database,
  tenantId: string,
  cursor: Cursor,
  read: (tx: Executor, generation: number) => Promise<T>,
): Promise<T> {
  const first = await db.withTenant(
    tenantId,
    async (tx) => {
      const state = await feedState(tx, cursor);
      return state.pending ? undefined : { page: await read(tx, state.generation) };
    },
    true,
  );
  if (first) return first.page;
  await db.withTenant(tenantId, (tx) => sequenceChanges(tx));
  return db.withTenant(tenantId, async (tx) => read(tx, (await feedState(tx, cursor)).generation), true);
}

/** One page of changes after `cursor`, for `entities`, of the tenant `tenantId`. */
export async function pullChanges(
  db: Database,
  tenantId: string,
  entities: readonly Entity[],
  cursor: Cursor,
  limit: number,
): Promise<ChangePage> {
  return inSnapshot(db, tenantId, cursor, (tx, generation) =>
    readPage(tx, entities, cursor, limit, generation),
  );
}

/**
 * The page as JSON text (`{"changes":[..],"next":..,"has_more":..}`), the same page as
 * `pullChanges` gives, written by the database in one statement: no row to parse, no object to
 * build, decimals exact.
 */
export async function pullChangesJson(
  db: Database,
  tenantId: string,
  entities: readonly Entity[],
  cursor: Cursor,
  limit: number,
): Promise<string> {
  return inSnapshot(db, tenantId, cursor, (tx, generation) =>
    readPageJson(tx, entities, cursor, limit, generation),
  );
}

/**
 * Whether the tenant has committed changes without a position (an index probe), and the purge
 * generation now; throws `cursor_expired` when a purge removed entries after the cursor.
 */
async function feedState(tx: Executor, cursor: Cursor): Promise<{ pending: boolean; generation: number }> {
  // The entries after the cursor are read in the order of the (tenant, position) index, stopping
  // at the page's end. Right after a bulk load, before the table's statistics catch up, the planner
  // would rather collect every later entry and sort them: a full pull would grow with the square of
  // the feed. In this read-only transaction, a sort is the last resort.
  // (Nor is a page worth compiling: no JIT.) Nor is the feed read whole for its unpositioned
  // entries (NO_FEED_SCAN).
  await tx.query(
    `SELECT set_config('enable_sort', 'off', true), set_config('jit', 'off', true), ${NO_FEED_SCAN}`,
  );
  // Expired exactly when a purge after the cursor's snapshot removed an entry after its position:
  // purge generations and positions, not clocks.
  const state = await tx.query<{
    pending: boolean;
    generation: string | null;
    floor: string | null;
    purged: string | null;
  }>(
    `SELECT EXISTS (SELECT 1 FROM change_log WHERE position IS NULL) AS pending,
       s.purge_generation AS generation, s.floor_generation AS floor,
       (SELECT max(max_position) FROM feed_purge WHERE generation > $1) AS purged
     FROM (SELECT) one LEFT JOIN feed_state s ON true`,
    [cursor.generation],
  );
  const known = state.rows[0]!;
  if (cursor !== START) {
    const purged = known.purged === null ? -1 : Number(known.purged);
    if (cursor.generation < Number(known.floor ?? 0) || purged > cursor.position) throw expired();
  }
  return { pending: known.pending, generation: Number(known.generation ?? 0) };
}

/** The page itself, in one snapshot (repeatable read) transaction. */
async function readPage(
  tx: Executor,
  entities: readonly Entity[],
  cursor: Cursor,
  limit: number,
  generation: number,
): Promise<ChangePage> {
  const r = await tx.query<Position>(
    `SELECT entity, record_id AS id, position, row_version AS version, deleted, changed_at AS time
     FROM change_log WHERE position > $1 AND entity = ANY($2::text[]) ORDER BY position LIMIT $3`,
    [cursor.position, entities.map((e) => e.name), limit + 1],
  );
  const page = r.rows.slice(0, limit);
  // A record with a committed change not positioned yet is delivered at that later position, once.
  const later = await tx.query<{ key: string }>(
    `SELECT DISTINCT c.entity || ':' || c.record_id AS key FROM change_log c
     JOIN unnest($1::text[], $2::uuid[]) AS p(entity, id) ON c.entity = p.entity AND c.record_id = p.id
     WHERE c.position IS NULL`,
    [page.map((p) => p.entity), page.map((p) => p.id)],
  );
  const pending = new Set(later.rows.map((row) => row.key));
  const positions = page.filter((p) => !pending.has(`${p.entity}:${p.id}`));
  const records = await currentRecords(tx, entities, positions);
  const last = page.at(-1);
  return {
    changes: positions.map((p) => {
      const stored = records.get(`${p.entity}:${p.id}`);
      const deleted = !stored || stored.deleted;
      return {
        entity: p.entity,
        id: p.id,
        deleted,
        time: stored ? stored.time : new Date(p.time).toISOString(),
        row_version: stored ? stored.version : Number(p.version),
        record: deleted ? null : stored.record,
      };
    }),
    next: encodeCursor({ position: last ? Number(last.position) : cursor.position, generation }),
    has_more: r.rows.length > limit,
  };
}

interface Stored {
  record: ApiRecord;
  deleted: boolean;
  version: number;
  time: string;
}

/** The changed records as they are in the same snapshot, one query per entity. */
async function currentRecords(
  tx: Executor,
  entities: readonly Entity[],
  positions: Position[],
): Promise<Map<string, Stored>> {
  const out = new Map<string, Stored>();
  for (const entity of entities) {
    const ids = positions.filter((p) => p.entity === entity.name).map((p) => p.id);
    if (!ids.length) continue;
    const logical =
      entity.deleteMode === 'logical' ? ', COALESCE(t.sys_logical_delete, false) AS fs_deleted' : '';
    const rows = await tx.query<Row>(
      `SELECT ${selectList(entity)}${logical} FROM ${q(entity.name)} t WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    for (const row of rows.rows) {
      const record = toRecord(entity, row);
      const modified = row['modified_dateutc'];
      out.set(`${entity.name}:${String(row['id'])}`, {
        record,
        deleted: row['fs_deleted'] === true,
        version: Number(row['row_version']),
        time:
          modified instanceof Date
            ? modified.toISOString()
            : new Date(String(modified ?? Date.now())).toISOString(),
      });
    }
  }
  return out;
}

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const pageStatements = new Map<string, string>();
const PAGE_STATEMENTS_MAX = 256;

/**
 * One statement for a page: the entries after the cursor in position order (an index range scan of
 * (tenant, position), no sort), less those whose record has a later change not positioned yet, each
 * joined to its record as it is in the snapshot, written as the page's `changes` text.
 */
function pageSql(entities: readonly Entity[]): string {
  const key = entities.map((e) => e.name).join(',');
  let sql = pageStatements.get(key);
  if (sql === undefined) {
    // One branch an entity: its entries joined to its rows (an index probe each), written as the
    // change's text. A row not found (deleted) or flagged deleted is a deletion with no record.
    const branches = entities.map((entity) => {
      const time = entity.spec.fields['modified_dateutc'] ? 't.modified_dateutc' : 'now()';
      const gone = `(t.id IS NULL${entity.deleteMode === 'logical' ? ' OR t.sys_logical_delete IS TRUE' : ''})`;
      const change = `'{"entity":${JSON.stringify(entity.name)},"id":"' || d.record_id::text || '","deleted":' || ${gone}::text
        || ',"time":"' || to_char(CASE WHEN t.id IS NULL THEN d.changed_at ELSE ${time} END AT TIME ZONE 'UTC', ${ISO_UTC})
        || '","row_version":' || COALESCE(t.row_version, d.row_version)::text
        || CASE WHEN ${gone} THEN '' ELSE ',"record":' || ${recordJsonSql(entity)} END || '}'`;
      return `SELECT d.position, ${change} AS change
        FROM delivered d LEFT JOIN ${q(entity.name)} t ON t.id = d.record_id WHERE d.entity = '${entity.name}'`;
    });
    sql = `WITH fetched AS MATERIALIZED (
        SELECT entity, record_id, position, row_version, changed_at, row_number() OVER (ORDER BY position) AS n
        FROM change_log WHERE position > $1 AND entity = ANY($2::text[]) ORDER BY position LIMIT $3 + 1),
      page AS MATERIALIZED (SELECT * FROM fetched WHERE n <= $3),
      pending AS MATERIALIZED (SELECT entity, record_id FROM change_log WHERE position IS NULL),
      delivered AS MATERIALIZED (SELECT p.* FROM page p WHERE NOT EXISTS (
        SELECT 1 FROM pending c WHERE c.entity = p.entity AND c.record_id = p.record_id)),
      changes AS (${branches.join('\n UNION ALL ')})
      -- The counts in a row of their own even when no change is delivered; the changes' texts are
      -- put in order by the caller (a sort here would move every text).
      SELECT s.fetched, s.last, c.position::text AS position, c.change
      FROM (SELECT (SELECT count(*) FROM fetched)::int AS fetched, (SELECT max(position) FROM page)::text AS last) s
      LEFT JOIN changes c ON true`;
    // A client chooses the selection: the texts kept are bounded (others are built each time).
    if (pageStatements.size < PAGE_STATEMENTS_MAX) pageStatements.set(key, sql);
  }
  return sql;
}

async function readPageJson(
  tx: Executor,
  entities: readonly Entity[],
  cursor: Cursor,
  limit: number,
  generation: number,
): Promise<string> {
  const r = await tx.query<{ fetched: number; last: string | null; position: string | null; change: string }>(
    pageSql(entities),
    [cursor.position, entities.map((e) => e.name), limit],
  );
  const { fetched, last } = r.rows[0]!;
  const rows = r.rows.filter((row) => row.position !== null);
  // Each entity's changes come in position order: only a page of several entities is sorted.
  const at = rows.map((row) => Number(row.position));
  if (at.some((position, i) => i > 0 && position < at[i - 1]!))
    rows.sort((a, b) => Number(a.position) - Number(b.position));
  const changes = rows.map((row) => row.change).join(',');
  const next = encodeCursor({ position: last === null ? cursor.position : Number(last), generation });
  return `{"changes":[${changes}],"next":${JSON.stringify(next)},"has_more":${fetched > limit}}`;
}
