/**
 * Brings a database to the registry's schema at start. The generated schema is idempotent; it is
 * applied when its checksum differs from the last one applied, under an advisory lock so that
 * several server processes starting together apply it once.
 */
import { createHash } from 'node:crypto';
import type { Database } from './database.js';
import { schemaSql } from '../schema/ddl.js';
import { registry } from '../schema/registry.js';
import { domainSql } from '../domain/entity-rules.js';

const LOCK_KEY = 7_461_002_113;

/** The whole schema: the registry's tables and the business rules' triggers. */
export function schemaText(): string {
  return `${schemaSql(registry)}\n${domainSql}`;
}

let cached: { sql: string; checksum: string } | undefined;
function schema(): { sql: string; checksum: string } {
  if (!cached) {
    const sql = schemaText();
    cached = { sql, checksum: createHash('sha256').update(sql).digest('hex') };
  }
  return cached;
}

export async function migrate(db: Database): Promise<{ applied: boolean; checksum: string }> {
  const { sql, checksum } = schema();
  await db
    .exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
  checksum text PRIMARY KEY,
  applied_at timestamptz(3) NOT NULL DEFAULT now()
)`,
    )
    .catch(async (err: { code?: string }) => {
      // Two processes creating the table at once: one wins, the other finds it there.
      if (err.code !== '23505' && err.code !== '42P07') throw err;
    });
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const done = await tx.query('SELECT 1 FROM schema_migrations WHERE checksum = $1', [checksum]);
    if (done.rowCount > 0) return { applied: false, checksum };
    await tx.exec(sql);
    await tx.query('INSERT INTO schema_migrations (checksum) VALUES ($1)', [checksum]);
    return { applied: true, checksum };
  });
}

/** Whether the schema of this code is the one applied (readiness). */
export async function isMigrated(db: Database): Promise<boolean> {
  const { checksum } = schema();
  const r = await db.query('SELECT 1 FROM schema_migrations WHERE checksum = $1', [checksum]);
  return r.rowCount > 0;
}
