/**
 * Removes what has outlived the retention: tombstones, logically deleted rows, expired
 * idempotency keys. The latest change position removed is kept per tenant, so that a cursor from
 * before it is answered 410 (it may have missed a deletion that is gone now).
 */
import type { Database } from '../db/database.js';
import { q } from '../schema/schema-model.js';
import { VERSION_FIELD, type Registry } from '../schema/registry.js';

export interface PurgeResult {
  tombstones: number;
  rows: number;
  idempotencyKeys: number;
}

export interface PurgeAges {
  /** Deletions older than this leave the feed. */
  retentionMs: number;
  /** Idempotency-Keys older than this are forgotten. */
  idempotencyTtlMs: number;
}

export async function purgeExpired(db: Database, registry: Registry, ages: PurgeAges): Promise<PurgeResult> {
  const { retentionMs, idempotencyTtlMs } = ages;
  const total: PurgeResult = { tombstones: 0, rows: 0, idempotencyKeys: 0 };
  const tenants = await db.query<{ id: string }>('SELECT id FROM tenant');
  const cutoff = new Date(Date.now() - retentionMs).toISOString();
  const keyCutoff = new Date(Date.now() - idempotencyTtlMs).toISOString();
  for (const { id: tenantId } of tenants.rows) {
    await db.withTenant(tenantId, async (tx) => {
      await tx.query("SELECT set_config('fieldservice.purging', 'on', true)");
      const removed: Array<{ txid: string; version: number }> = [];
      const tomb = await tx.query<{ txid: string; version: number }>(
        `DELETE FROM sync_tombstone WHERE deleted_at < $1 RETURNING sys_change_txid::text AS txid, ${q(VERSION_FIELD)} AS version`,
        [cutoff],
      );
      total.tombstones += tomb.rowCount;
      removed.push(...tomb.rows);
      for (const entity of registry.entities.filter((e) => e.deleteMode === 'logical')) {
        await tx.query('SAVEPOINT fs_purge');
        try {
          const r = await tx.query<{ txid: string; version: number }>(
            `DELETE FROM ${q(entity.name)} WHERE sys_logical_delete AND modified_dateutc < $1
             RETURNING sys_change_txid::text AS txid, ${q(VERSION_FIELD)} AS version`,
            [cutoff],
          );
          await tx.query('RELEASE SAVEPOINT fs_purge');
          total.rows += r.rowCount;
          removed.push(...r.rows);
        } catch {
          // Still referenced by other rows: kept until they go.
          await tx.query('ROLLBACK TO SAVEPOINT fs_purge');
        }
      }
      if (removed.length) {
        const latest = removed.reduce((a, b) =>
          BigInt(a.txid) > BigInt(b.txid) || (a.txid === b.txid && Number(a.version) > Number(b.version))
            ? a
            : b,
        );
        await tx.query(
          `INSERT INTO sync_purge (purged_txid, purged_version) VALUES ($1::xid8, $2)
           ON CONFLICT (tenant_id) DO UPDATE SET purged_txid = EXCLUDED.purged_txid, purged_version = EXCLUDED.purged_version,
             purged_at = clock_timestamp()
           WHERE (sync_purge.purged_txid, sync_purge.purged_version) < (EXCLUDED.purged_txid, EXCLUDED.purged_version)`,
          [latest.txid, latest.version],
        );
      }
      const keys = await tx.query('DELETE FROM idempotency_key WHERE created_at < $1', [keyCutoff]);
      total.idempotencyKeys += keys.rowCount;
    });
  }
  return total;
}
