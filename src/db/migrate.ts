/**
 * Versioned migrations: the numbered SQL files in `migrations/`, applied in order, each in one
 * transaction under an advisory lock (several processes may start together), each recorded in
 * `schema_history`. An applied migration whose file changed, or a database that holds migrations
 * this build does not know (a newer build upgraded it), stops the start with one clear message and
 * changes nothing. `migrations/snapshot.json` is the schema the last migration leaves: the server
 * checks the database's functions and triggers against it (`/ready`).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildName } from '../build.js';
import type { SchemaModel } from '../schema/schema-model.js';
import type { Database, Executor } from './database.js';

const LOCK_KEY = 7_461_002_113;

/** The folder of the migrations this build ships. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
export const SNAPSHOT_FILE = 'snapshot.json';
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  /** File name without `.sql`, e.g. `0002_refuse_unversioned_builds`. */
  id: string;
  sql: string;
  checksum: string;
}

export interface Snapshot {
  /** The migration that leaves the database in this schema. */
  version: number;
  schema: SchemaModel;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  applied_at: string;
  applied_by: string;
  duration_ms: number;
}

/** A database this build must not run on, or must not change: the message says why and what to do. */
export class SchemaError extends Error {
  override name = 'SchemaError';
}

export const checksumOf = (sql: string): string => createHash('sha256').update(sql).digest('hex');

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const list = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file, i) => {
      const m = FILE_NAME.exec(file);
      if (!m) throw new SchemaError(`migration file ${file}: the name must be NNNN_lowercase_name.sql`);
      const version = Number(m[1]);
      if (version !== i + 1)
        throw new SchemaError(`migration ${file}: expected number ${i + 1}, numbers must follow on`);
      const sql = readFileSync(join(dir, file), 'utf8');
      return { version, name: m[2]!, id: file.slice(0, -4), sql, checksum: checksumOf(sql) };
    });
  if (!list.length) throw new SchemaError(`no migrations in ${dir}`);
  return list;
}

const snapshots = new Map<string, Snapshot>();

/** The snapshot of a migrations folder (read once: `/ready` checks against it). */
export function loadSnapshot(dir = MIGRATIONS_DIR, fresh = false): Snapshot {
  let snapshot = fresh ? undefined : snapshots.get(dir);
  if (!snapshot) {
    snapshot = JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8')) as Snapshot;
    snapshots.set(dir, snapshot);
  }
  return snapshot;
}

const HISTORY_SQL = `CREATE TABLE IF NOT EXISTS schema_history (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  applied_by text NOT NULL,
  duration_ms integer NOT NULL
);
COMMENT ON TABLE schema_history IS 'Migrations applied to this database, one row each, in order'`;

async function history(tx: Executor): Promise<AppliedMigration[]> {
  const r = await tx.query<AppliedMigration>(
    `SELECT version, name, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS applied_at,
            applied_by, duration_ms FROM schema_history ORDER BY version`,
  );
  return r.rows;
}

async function historyIfAny(db: Executor): Promise<AppliedMigration[]> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('schema_history')::text AS t`);
  return exists.rows[0]?.t ? history(db) : [];
}

/** Refuses a database that this build must not touch; returns the migrations still to apply. */
function pendingOf(applied: AppliedMigration[], migrations: Migration[]): Migration[] {
  const known = migrations.at(-1)!;
  const newest = applied.at(-1);
  if (newest && newest.version > known.version) {
    throw new SchemaError(
      `database schema is at version ${newest.version} (${String(newest.version).padStart(4, '0')}_${newest.name}, ` +
        `applied by ${newest.applied_by}); this build (${buildName}) knows versions up to ${known.version}: ` +
        'refusing to start on a newer schema (no downgrade): deploy the newer build',
    );
  }
  for (const row of applied) {
    const file = migrations[row.version - 1];
    if (!file || file.name !== row.name || file.checksum !== row.checksum) {
      throw new SchemaError(
        `migration ${String(row.version).padStart(4, '0')}_${row.name} was applied with checksum ${row.checksum.slice(0, 12)}, ` +
          `but this build has ${file ? `${file.id} with checksum ${file.checksum.slice(0, 12)}` : 'no such file'}: ` +
          'an applied migration must never change; restore it and put the change in a new migration',
      );
    }
  }
  return migrations.slice(applied.length);
}

export interface MigrateOptions {
  dir?: string;
  /** One line per migration applied, with its duration. */
  log?: (line: string) => void;
}

/** Applies the pending migrations, one transaction each; returns what was applied. */
export async function migrate(db: Database, options: MigrateOptions = {}): Promise<Migration[]> {
  const migrations = loadMigrations(options.dir);
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.exec(HISTORY_SQL);
  });
  const done: Migration[] = [];
  for (;;) {
    const applied = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      // Read under the lock: another process may have applied it meanwhile.
      const next = pendingOf(await history(tx), migrations)[0];
      if (!next) return undefined;
      const started = performance.now();
      try {
        await tx.exec(next.sql);
      } catch (err) {
        const e = err as Error & { position?: string };
        throw new SchemaError(`migration ${next.id} failed, nothing of it was applied: ${e.message}`, {
          cause: err,
        });
      }
      const ms = Math.round(performance.now() - started);
      await tx.query(
        'INSERT INTO schema_history (version, name, checksum, applied_by, duration_ms) VALUES ($1, $2, $3, $4, $5)',
        [next.version, next.name, next.checksum, buildName, ms],
      );
      return { migration: next, ms };
    });
    if (!applied) break;
    done.push(applied.migration);
    options.log?.(`applied ${applied.migration.id} in ${applied.ms} ms`);
  }
  const problems = await schemaProblems(db, options.dir);
  if (problems.length)
    throw new SchemaError(`the database schema differs from this build's: ${problems.join('; ')}`);
  return done;
}

export interface MigrationStatus {
  build: string;
  applied: AppliedMigration[];
  pending: Array<{ version: number; name: string }>;
}

/** What is applied and what is pending, without changing anything (`migrate --status`). */
export async function migrationStatus(db: Database, dir?: string): Promise<MigrationStatus> {
  const migrations = loadMigrations(dir);
  const applied = await historyIfAny(db);
  const pending = pendingOf(applied, migrations).map(({ version, name }) => ({ version, name }));
  return { build: buildName, applied, pending };
}

/** The SQL of the pending migrations, without applying it (`migrate --dry-run`). */
export async function pendingSql(db: Database, dir?: string): Promise<Migration[]> {
  return pendingOf(await historyIfAny(db), loadMigrations(dir));
}

const SCHEMA_OID = `(SELECT oid FROM pg_namespace WHERE nspname = current_schema())`;

/**
 * How the database differs from what this build expects: a migration not applied, a function whose
 * body is not the build's, a trigger missing, disabled, extra or calling another function. Empty
 * when the database is ready for this build.
 */
export async function schemaProblems(db: Executor, dir?: string): Promise<string[]> {
  const { version, schema } = loadSnapshot(dir);
  const problems: string[] = [];
  const applied = await historyIfAny(db);
  const head = applied.at(-1)?.version ?? 0;
  if (head !== version) problems.push(`schema version ${head}, this build needs ${version}`);
  const functions = await db.query<{ proname: string; prosrc: string }>(
    `SELECT proname, prosrc FROM pg_proc WHERE pronamespace = ${SCHEMA_OID} AND proname = ANY($1::text[])`,
    [Object.keys(schema.functions)],
  );
  const bodies = new Map(functions.rows.map((r) => [r.proname, r.prosrc]));
  for (const [name, f] of Object.entries(schema.functions)) {
    const body = bodies.get(name);
    if (body === undefined) problems.push(`function ${name} is missing`);
    else if (body !== f.body) problems.push(`function ${name} is not this build's`);
  }
  const triggers = await db.query<{ relname: string; tgname: string; proname: string; tgenabled: string }>(
    `SELECT c.relname, t.tgname, p.proname, t.tgenabled FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE NOT t.tgisinternal AND c.relnamespace = ${SCHEMA_OID} AND c.relname = ANY($1::text[])`,
    [Object.keys(schema.tables)],
  );
  const found = new Map(triggers.rows.map((r) => [`${r.relname}.${r.tgname}`, r]));
  for (const [table, t] of Object.entries(schema.tables)) {
    for (const [name, trigger] of Object.entries(t.triggers)) {
      const row = found.get(`${table}.${name}`);
      found.delete(`${table}.${name}`);
      if (!row) problems.push(`trigger ${name} on ${table} is missing`);
      else if (row.proname !== trigger.function)
        problems.push(`trigger ${name} on ${table} calls ${row.proname}`);
      else if (row.tgenabled === 'D') problems.push(`trigger ${name} on ${table} is disabled`);
    }
  }
  for (const row of found.values())
    problems.push(`trigger ${row.tgname} on ${row.relname} is not this build's`);
  return problems;
}
