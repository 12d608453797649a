/**
 * Versioned migrations: the committed migrations build exactly the registry's schema; a database
 * from before them is adopted; a newer database, a changed migration and a failing migration stop
 * the start and leave the database as it was; functions changed behind the build's back fail /ready.
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { openDatabase, type Database } from '../src/db/database.js';
import {
  loadMigrations,
  loadSnapshot,
  migrate,
  migrationStatus,
  MIGRATIONS_DIR,
  schemaProblems,
  SchemaError,
} from '../src/db/migrate.js';
import { rulesSchema } from '../src/domain/entity-rules.js';
import { buildRegistry, registry } from '../src/schema/registry.js';
import { createSchemaSql, diffSchema } from '../src/schema/schema-diff.js';
import { backfillOf, schemaModel } from '../src/schema/schema-model.js';
import { entities } from '../src/entities/index.js';
import { catalog } from './catalog.js';
import {
  createTenant,
  onPostgres,
  openEmptyDatabase,
  openTestDatabase,
  type TestDatabase,
} from './helpers.js';

/** The number of the committed migrations, and the ids of the next ones. */
const HEAD = loadMigrations().length;
const NEXT = `${String(HEAD + 1).padStart(4, '0')}_newer`;
const AFTER = `${String(HEAD + 2).padStart(4, '0')}_broken`;

const withoutHistory = (lines: string[]): string[] => lines.filter((l) => !l.includes('schema_history'));

/** A copy of the committed migrations, to add to or change. */
function migrationsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fs-migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

function addMigration(dir: string, file: string, sql: string): void {
  writeFileSync(join(dir, file), sql);
  const snapshot = loadSnapshot(dir, true);
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify({ ...snapshot, version: snapshot.version + 1 }));
  loadSnapshot(dir, true);
}

describe('the committed migrations', () => {
  it('end in the schema of the registry (else run npm run generate)', () => {
    const snapshot = loadSnapshot();
    assert.deepEqual(snapshot.schema, JSON.parse(JSON.stringify(schemaModel(registry, rulesSchema))));
    assert.equal(snapshot.version, loadMigrations().length);
  });

  it('build exactly the schema that the snapshot describes, object by object', async () => {
    const migrated = await openTestDatabase();
    const created = await openEmptyDatabase();
    try {
      await created.db.exec(createSchemaSql(loadSnapshot().schema));
      const a = withoutHistory(await catalog(migrated.db));
      const b = withoutHistory(await catalog(created.db));
      assert.ok(a.length > 1000, `${a.length} catalog lines`);
      assert.deepEqual(a, b);
    } finally {
      await migrated.close();
      await created.close();
    }
  });
});

describe('a database', () => {
  let test: TestDatabase;
  let db: Database;
  before(async () => {
    test = await openEmptyDatabase();
    db = test.db;
  });
  after(() => test.close());

  it('created before versioned migrations is adopted with its records, and its builds are refused', async () => {
    // What a build of the previous kind left: its idempotent schema and its checksum table.
    await db.exec(loadMigrations()[0]!.sql);
    await db.exec(`CREATE TABLE schema_migrations (checksum text PRIMARY KEY, applied_at timestamptz(3) NOT NULL DEFAULT now());
      INSERT INTO schema_migrations (checksum) VALUES ('${'a'.repeat(64)}')`);
    const tenant = await createTenant(db, 'legacy.test');
    const app = await buildApp({ db, logger: false });
    const created = await app.inject({
      method: 'POST',
      url: '/api/JobType',
      headers: { authorization: tenant.auth, 'content-type': 'application/json' },
      payload: { code: 'LEGACY', name: 'From before' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const lines: string[] = [];
    const applied = await migrate(db, { log: (l) => lines.push(l) });
    assert.deepEqual(
      applied.map((m) => m.version),
      loadMigrations().map((m) => m.version),
    );
    assert.match(lines[0]!, /^applied 0001_baseline in \d+ ms$/);
    assert.deepEqual(await schemaProblems(db), []);
    const read = await app.inject({
      method: 'GET',
      url: `/api/JobType(${created.json<{ id: string }>().id})`,
      headers: { authorization: tenant.auth },
    });
    assert.equal(read.json<{ name: string }>().name, 'From before');
    // The previous kind of build reads schema_migrations at start: it now stops there.
    await assert.rejects(
      db.query('SELECT 1 FROM schema_migrations WHERE checksum = $1', ['x']),
      /predates versioned migrations/,
    );
    assert.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
    await app.close();
  });

  it('upgraded by a newer build is refused by this one and left unchanged', async () => {
    const dir = migrationsCopy();
    try {
      addMigration(dir, `${NEXT}.sql`, 'CREATE INDEX job_type_name_idx ON job_type (tenant_id, name);');
      await migrate(db, { dir });
      const before = await migrationStatus(db, dir);
      assert.equal(before.applied.length, HEAD + 1);
      await assert.rejects(
        migrate(db),
        (err: Error) =>
          err instanceof SchemaError &&
          err.message.startsWith(
            `database schema is at version ${HEAD + 1} (${NEXT}, applied by fieldservice-api `,
          ) &&
          err.message.includes(`) knows versions up to ${HEAD}: refusing to start`),
      );
      assert.deepEqual((await migrationStatus(db, dir)).applied, before.applied);
      assert.deepEqual(await schemaProblems(db), [`schema version ${HEAD + 1}, this build needs ${HEAD}`]);
      assert.deepEqual(await schemaProblems(db, dir), []);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('stops at a migration that fails half-way, exactly as it was before it', async () => {
    const dir = migrationsCopy();
    try {
      addMigration(dir, `${NEXT}.sql`, 'CREATE INDEX job_type_name_idx ON job_type (tenant_id, name);');
      addMigration(
        dir,
        `${AFTER}.sql`,
        `ALTER TABLE job_type ADD COLUMN half_done integer;
         CREATE INDEX job_type_half_idx ON job_type (half_done);
         UPDATE job_type SET half_done = 1 / (SELECT count(*) - count(*) FROM job_type);`,
      );
      const schemaBefore = await catalog(db);
      const historyBefore = (await migrationStatus(db, dir)).applied;
      await assert.rejects(
        migrate(db, { dir }),
        new RegExp(`migration ${AFTER} failed, nothing of it was applied: division by zero`),
      );
      assert.deepEqual(await catalog(db), schemaBefore);
      assert.deepEqual((await migrationStatus(db, dir)).applied, historyBefore);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('whose applied migration file changed is refused', async () => {
    const dir = migrationsCopy();
    try {
      addMigration(dir, `${NEXT}.sql`, 'CREATE INDEX job_type_name_idx ON job_type (tenant_id, name);');
      appendFileSync(join(dir, '0002_refuse_unversioned_builds.sql'), '-- changed afterwards\n');
      await assert.rejects(
        migrate(db, { dir }),
        /migration 0002_refuse_unversioned_builds was applied with checksum \w+, but this build has 0002_refuse_unversioned_builds with checksum \w+: an applied migration must never change/,
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('several processes starting together', { skip: !onPostgres && 'PGlite is one process' }, () => {
  it('apply each migration once', async () => {
    const test = await openEmptyDatabase();
    const pools = await Promise.all([1, 2, 3, 4].map(() => openDatabase({ url: test.url, poolSize: 2 })));
    try {
      const applied = await Promise.all(pools.map((db) => migrate(db)));
      assert.deepEqual(
        applied
          .flat()
          .map((m) => m.id)
          .sort(),
        loadMigrations().map((m) => m.id),
      );
      assert.equal((await migrationStatus(test.db)).applied.length, loadMigrations().length);
      for (const db of pools) assert.deepEqual(await schemaProblems(db), []);
    } finally {
      for (const db of pools) await db.close();
      await test.close();
    }
  });
});

describe('functions and triggers', () => {
  it('changed behind the build make /ready 503 and the start refuse, naming them', async () => {
    const test = await openTestDatabase();
    try {
      const app = await buildApp({ db: test.db, logger: false });
      assert.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
      // An older trigger body: the version no longer moves.
      await test.db
        .exec(`CREATE OR REPLACE FUNCTION jobs_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.modified_dateutc := clock_timestamp(); RETURN NEW; END $$;
        ALTER TABLE article DISABLE TRIGGER article_log_delete;`);
      const ready = await app.inject({ method: 'GET', url: '/ready' });
      assert.equal(ready.statusCode, 503);
      assert.match(
        ready.json<{ reason: string }>().reason,
        /function jobs_before_write is not this build's; trigger article_log_delete on article is disabled/,
      );
      await assert.rejects(migrate(test.db), /function jobs_before_write is not this build's/);
      await app.close();
    } finally {
      await test.close();
    }
  });
});

describe('the migration generator', () => {
  const changed = (edit: (specs: typeof entities) => typeof entities) => {
    const reg = buildRegistry(edit(entities));
    return diffSchema(loadSnapshot().schema, schemaModel(reg, rulesSchema), (t, c) => backfillOf(reg, t, c));
  };
  const withField = (name: string, field: object) => (specs: typeof entities) =>
    specs.map((s) => (s.name === 'job_type' ? { ...s, fields: { ...s.fields, [name]: field } } : s)) as never;

  it('writes nothing for the registry as it is', () => {
    assert.deepEqual(changed((s) => s).statements, []);
  });

  it('widens a column in place', () => {
    const out = changed(
      withField('name', { ...registry.entity('job_type').spec.fields['name'], maxLength: 300 }),
    );
    assert.deepEqual(out.statements, ['ALTER TABLE "job_type" ALTER COLUMN "name" TYPE varchar(300);']);
  });

  it('narrows a column only when every stored value fits: nothing is cut short', async () => {
    const out = changed(
      withField('name', { ...registry.entity('job_type').spec.fields['name'], maxLength: 5 }),
    );
    const test = await openTestDatabase();
    const dir = migrationsCopy();
    try {
      const tenant = await createTenant(test.db, 'narrow.test');
      const app = await buildApp({ db: test.db, logger: false });
      const res = await app.inject({
        method: 'POST',
        url: '/api/JobType',
        headers: { authorization: tenant.auth, 'content-type': 'application/json' },
        payload: { code: 'LONG', name: 'A name longer than five' },
      });
      assert.equal(res.statusCode, 201, res.body);
      await app.close();
      addMigration(
        dir,
        `${String(loadMigrations().length + 1).padStart(4, '0')}_narrow.sql`,
        out.statements.join('\n'),
      );
      await assert.rejects(migrate(test.db, { dir }), /nothing of it was applied: value too long/);
      const kept = await test.db.query("SELECT name FROM job_type WHERE code = 'LONG'");
      assert.equal(kept.rows[0]!['name'], 'A name longer than five');
    } finally {
      rmSync(dir, { recursive: true });
      await test.close();
    }
  });

  it('refuses a required field without a backfill, and fills it in with one', () => {
    assert.throws(
      () => changed(withField('grade', { type: 'string', maxLength: 10, required: true })),
      /job_type.grade becomes NOT NULL on a table that may hold rows: give the field a backfill value/,
    );
    const out = changed(
      withField('grade', { type: 'string', maxLength: 10, required: true, backfill: "B'1" }),
    );
    assert.deepEqual(out.statements, [
      'ALTER TABLE "job_type" ADD COLUMN "grade" varchar(10);',
      "SET LOCAL fieldservice.backfill = 'on';",
      `UPDATE "job_type" SET "grade" = COALESCE("grade", 'B''1') WHERE "grade" IS NULL;`,
      'RESET fieldservice.backfill;',
      'ALTER TABLE "job_type" ALTER COLUMN "grade" SET NOT NULL;',
    ]);
  });

  it('drops a column with a warning', () => {
    const out = changed(
      (specs) =>
        specs.map((s) => {
          if (s.name !== 'job_type') return s;
          const { name: _dropped, ...fields } = s.fields as Record<string, unknown>;
          return { ...s, fields };
        }) as never,
    );
    assert.ok(out.statements.includes('ALTER TABLE "job_type" DROP COLUMN "name";'));
    assert.deepEqual(out.warnings, ['job_type.name is dropped with every value it holds']);
  });
});
