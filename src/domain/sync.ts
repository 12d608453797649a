/**
 * The change feed. Every write stamps its row with the writing transaction (`sys_change_txid`) and a
 * new `row_version`; physical deletes leave a tombstone stamped the same way. A pull returns the
 * changes after the cursor in (transaction, version) order, but only of transactions older than
 * the oldest one still running (the snapshot's xmin): a transaction that commits late holds the
 * feed back until it ends instead of being skipped. So a client that follows the cursors sees
 * every change once, whatever order transactions commit in.
 */
import type { Executor } from '../db/database.js';
import { selectList, type Row } from '../db/records.js';
import { ContractError } from '../contract/errors.js';
import { q } from '../schema/schema-model.js';
import { VERSION_FIELD, type Entity } from '../schema/registry.js';
import { toRecord, type ApiRecord } from '../schema/serialize.js';

export interface Cursor {
  /** Transaction id (xid8) as decimal text. */
  txid: string;
  version: number;
  /** When the pull that gave the cursor ran (database time, ms): a purge after it may expire it. */
  issuedAt: number;
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

const START: Cursor = { txid: '0', version: 0, issuedAt: 0 };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`1.${c.txid}.${c.version}.${c.issuedAt}`).toString('base64url');
}

export function decodeCursor(text: string | undefined): Cursor {
  if (!text || text === '0') return START;
  const m = /^1\.(\d{1,20})\.(\d{1,18})\.(\d{1,15})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!m)
    throw new ContractError({
      code: 'invalid_cursor',
      message: 'since is not a cursor given by this server',
    });
  return { txid: m[1]!, version: Number(m[2]), issuedAt: Number(m[3]) };
}

interface Position {
  entity: string;
  id: string;
  txid: string;
  version: number;
  deleted: boolean;
  time: Date;
}

/**
 * Refuses a cursor given before a purge that removed changes after its position: the client may
 * have missed a deletion that is gone now and must start again. Returns the time of this pull.
 */
async function checkNotExpired(tx: Executor, cursor: Cursor): Promise<number> {
  const r = await tx.query<{ now: number; expired: boolean | null }>(
    `SELECT (extract(epoch FROM now()) * 1000)::bigint AS now,
       (SELECT (purged_txid, purged_version) > ($1::xid8, $2::bigint) AND purged_at >= to_timestamp($3 / 1000.0)
        FROM sync_purge) AS expired`,
    [cursor.txid, cursor.version, cursor.issuedAt],
  );
  const row = r.rows[0]!;
  if (cursor !== START && row.expired) {
    throw new ContractError({
      code: 'cursor_expired',
      message:
        'This cursor is older than the retention of deletions: resynchronise from scratch (pull without since, ' +
        'replace the local data with what it returns)',
    });
  }
  return Number(row.now);
}

/** One page of changes after `cursor`, for `entities`; runs in a snapshot (repeatable read) transaction. */
export async function pullChanges(
  tx: Executor,
  entities: readonly Entity[],
  cursor: Cursor,
  limit: number,
): Promise<ChangePage> {
  const issuedAt = await checkNotExpired(tx, cursor);
  const after = `(sys_change_txid, ${q(VERSION_FIELD)}) > ($1::xid8, $2::bigint) AND sys_change_txid < (SELECT h FROM horizon)`;
  const order = `ORDER BY sys_change_txid, ${q(VERSION_FIELD)} LIMIT $3`;
  const parts = entities.map((e) => {
    const deleted = e.deleteMode === 'logical' ? 'COALESCE(sys_logical_delete, false)' : 'false';
    return `(SELECT '${e.name}'::text AS entity, id, sys_change_txid AS txid, ${q(VERSION_FIELD)} AS version,
      ${deleted} AS deleted, modified_dateutc AS time FROM ${q(e.name)} WHERE ${after} ${order})`;
  });
  parts.push(`(SELECT entity, id, sys_change_txid, ${q(VERSION_FIELD)}, true, deleted_at FROM sync_tombstone
    WHERE entity = ANY($4::text[]) AND ${after} ${order})`);
  const r = await tx.query<Position>(
    `WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS h)
     SELECT entity, id, txid::text AS txid, version, deleted, time FROM (${parts.join('\nUNION ALL\n')}) c
     ORDER BY c.txid, c.version LIMIT $3`,
    [cursor.txid, cursor.version, limit + 1, entities.map((e) => e.name)],
  );
  const positions = r.rows.slice(0, limit);
  const records = await currentRecords(tx, entities, positions);
  const last = positions.at(-1);
  return {
    changes: positions.map((p) => ({
      entity: p.entity,
      id: p.id,
      deleted: p.deleted,
      time: new Date(p.time).toISOString(),
      row_version: Number(p.version),
      record: p.deleted ? null : (records.get(`${p.entity}:${p.id}`) ?? null),
    })),
    next: encodeCursor(
      last ? { txid: last.txid, version: Number(last.version), issuedAt } : { ...cursor, issuedAt },
    ),
    has_more: r.rows.length > limit,
  };
}

/** The rows of the changed records, one query per entity (same snapshot as the positions). */
async function currentRecords(
  tx: Executor,
  entities: readonly Entity[],
  positions: Position[],
): Promise<Map<string, ApiRecord>> {
  const out = new Map<string, ApiRecord>();
  for (const entity of entities) {
    const ids = positions.filter((p) => p.entity === entity.name && !p.deleted).map((p) => p.id);
    if (!ids.length) continue;
    const rows = await tx.query<Row>(
      `SELECT ${selectList(entity)} FROM ${q(entity.name)} t WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    for (const row of rows.rows) out.set(`${entity.name}:${String(row['id'])}`, toRecord(entity, row));
  }
  return out;
}
