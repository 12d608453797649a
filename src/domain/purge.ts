/**
 * Removes what has outlived the retention: deletions in the change log, logically deleted rows,
 * expired idempotency keys. The latest feed position removed is kept per tenant, so that a cursor
 * from before it is answered 410 (it may have missed a deletion that is gone now).
 */
import type { Database } from '../db/database.js';
import { PURGE_SETTING, q } from '../schema/schema-model.js';
import type { Registry } from '../schema/registry.js';
import { sequenceChanges } from './sync.js';

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
      // Every committed change positioned first (this holds the tenant's feed lock to the end).
      await sequenceChanges(tx);
      await tx.query(`SELECT set_config('${PURGE_SETTING}', 'on', true)`);
      const positions: number[] = [];
      for (const entity of registry.entities) {
        if (entity.deleteMode === 'logical') {
          await tx.query('SAVEPOINT fs_purge');
          try {
            const r = await tx.query<{ id: string }>(
              `DELETE FROM ${q(entity.name)} WHERE sys_logical_delete AND modified_dateutc < $1 RETURNING id`,
              [cutoff],
            );
            await tx.query('RELEASE SAVEPOINT fs_purge');
            total.rows += r.rowCount;
            if (r.rowCount) {
              const gone = await tx.query<{ position: string }>(
                'DELETE FROM change_log WHERE entity = $1 AND record_id = ANY($2::uuid[]) RETURNING position',
                [entity.name, r.rows.map((row) => row.id)],
              );
              positions.push(...gone.rows.map((row) => Number(row.position)));
            }
          } catch {
            // Still referenced by other rows: kept until they go.
            await tx.query('ROLLBACK TO SAVEPOINT fs_purge');
          }
        }
        // Deletions past the retention, of records that are still gone. Only positioned ones: a
        // deletion committed since the sequencing above is not in the feed yet, and removed now it
        // would never reach a client, whose cursor the recorded position would not expire.
        const tomb = await tx.query<{ position: string }>(
          `DELETE FROM change_log c WHERE c.entity = $1 AND c.deleted AND c.changed_at < $2
             AND c.position IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${q(entity.name)} t WHERE t.id = c.record_id)
           RETURNING c.position`,
          [entity.name, cutoff],
        );
        total.tombstones += tomb.rowCount;
        positions.push(...tomb.rows.map((row) => Number(row.position)));
      }
      if (positions.length) {
        const latest = positions.reduce((a, b) => Math.max(a, b), 0);
        await tx.query(
          `WITH s AS (UPDATE feed_state SET purge_generation = purge_generation + 1 RETURNING purge_generation)
           INSERT INTO feed_purge (generation, max_position) SELECT purge_generation, $1 FROM s`,
          [latest],
        );
      }
      // The record of old purges is kept four retentions long; a cursor older than the oldest kept
      // is answered 410 (it is at least that old).
      const forgotten = await tx.query<{ generation: string }>(
        'DELETE FROM feed_purge WHERE purged_at < $1 RETURNING generation',
        [new Date(Date.now() - 4 * Math.max(retentionMs, 86_400_000)).toISOString()],
      );
      if (forgotten.rowCount) {
        const floor = forgotten.rows.reduce((a, r) => Math.max(a, Number(r.generation)), 0);
        await tx.query('UPDATE feed_state SET floor_generation = greatest(floor_generation, $1)', [floor]);
      }
      const keys = await tx.query('DELETE FROM idempotency_key WHERE created_at < $1', [keyCutoff]);
      total.idempotencyKeys += keys.rowCount;
    });
  }
  return total;
}
