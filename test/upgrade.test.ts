/**
 * An upgrade as a team runs it. A database made by this build holds records of every entity,
 * tombstones, idempotency keys, tenants and credentials. A newer build (this code copied, with an
 * entity changed: a length widened, a required field added with a backfill, an index; and a rule's
 * trigger changed) generates its migration with `npm run generate`, then its server upgrades the
 * database. Every record is still there; the old build refuses the upgraded database and leaves
 * it as it is; a failing migration stops the newer build and changes nothing.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { loadMigrations, migrate } from '../src/db/migrate.js';
import { registry } from '../src/schema/registry.js';
import { catalog } from './catalog.js';
import { freePort } from './cluster.js';
import {
  call,
  createTenant,
  openEmptyDatabase,
  onPostgres,
  type Tenant,
  type TestContext,
} from './helpers.js';
import { startServer } from './process.js';
import { createSample } from './samples.js';

/** The committed migrations; the newer build adds the next one. */
const HEAD = loadMigrations().length;
const pad = (n: number): string => String(n).padStart(4, '0');
const GENERATED = `${pad(HEAD + 1)}_job_type_grade`;
const BROKEN = `${pad(HEAD + 2)}_broken`;

const work = mkdtempSync(join(tmpdir(), 'fs-upgrade-'));
const newer = join(work, 'newer');
const dataDir = join(work, 'pglite');
let pgTest: Awaited<ReturnType<typeof openEmptyDatabase>> | undefined;

/** The database the servers use, as their environment says it. */
const dbEnv = (): NodeJS.ProcessEnv =>
  onPostgres ? { DATABASE_URL: pgTest!.url! } : { PGLITE_DATA_DIR: dataDir, DATABASE_URL: '' };

/** Runs `fn` on the database while no server holds it (PGlite allows one process). */
async function onDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  if (pgTest) return fn(pgTest.db);
  const db = await openDatabase({ dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const history = (db: Database) =>
  db.query(
    'SELECT version, name, checksum, applied_at::text, applied_by FROM schema_history ORDER BY version',
  );

function edit(file: string, replacements: Array<[string, string]>): void {
  let text = readFileSync(join(newer, file), 'utf8');
  for (const [from, to] of replacements) {
    assert.ok(text.includes(from), `${file}: ${from}`);
    text = text.replace(from, to);
  }
  writeFileSync(join(newer, file), text);
}

function runIn(cwd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    cwd,
    encoding: 'utf8',
    // Not a subtest of this run: the child reports and exits as CI would run it.
    env: { ...process.env, TEST_DB: 'pglite', NODE_TEST_CONTEXT: undefined },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Starts a server that must refuse to start; returns its exit code and output. */
async function refusedStart(cwd: string): Promise<{ code: number | null; out: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd,
    env: {
      ...process.env,
      ...dbEnv(),
      PORT: String(await freePort()),
      DEMO_TENANT: 'false',
      LOG_LEVEL: 'warn',
    },
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  return { code, out };
}

interface Saved {
  route: string;
  id: string;
  record: Record<string, unknown>;
}
const saved: Saved[] = [];
let tenant: Tenant;
let tombstoneId: string;
let signedId: string;

before(async () => {
  // The database, made and filled by this build.
  pgTest = onPostgres ? await openEmptyDatabase() : undefined;
  const db = pgTest?.db ?? (await openDatabase({ dataDir }));
  await migrate(db);
  const app = await buildApp({ db, logger: false });
  tenant = await createTenant(db, 'upgrade-a.test');
  const other = await createTenant(db, 'upgrade-b.test');
  const ctx: TestContext = { app, db, a: tenant, b: other, close: async () => undefined };
  for (const entity of registry.entities) {
    const id = await createSample(ctx, entity, tenant);
    const res = await call(ctx, 'GET', `/api/${entity.route}(${id})`);
    saved.push({ route: entity.route, id, record: res.json() });
  }
  await createSample(ctx, registry.entity('job_type'), other);
  // A tombstone, an idempotency key and a signed (read-only) line.
  const gone = registry.entities.find((e) => e.deleteMode === 'physical')!;
  tombstoneId = await createSample(ctx, gone, tenant);
  assert.equal((await call(ctx, 'DELETE', `/api/${gone.route}(${tombstoneId})`)).statusCode, 204);
  const keyed = await call(ctx, 'POST', '/api/JobType', {
    body: { code: 'KEYED', name: 'With a key' },
    headers: { 'idempotency-key': 'before-upgrade' },
  });
  assert.equal(keyed.statusCode, 201);
  const line = saved.find((s) => s.route === 'JobPartUsage')!;
  signedId = line.id;
  const signed = await call(ctx, 'PUT', `/api/JobPartUsage(${signedId})`, {
    body: { signed_by_company: true },
  });
  assert.equal(signed.statusCode, 200, signed.body);
  line.record = signed.json();
  await app.close();
  if (!pgTest) await db.close();

  // The newer build: this code, copied, with its changes.
  for (const part of ['src', 'scripts', 'migrations', 'test', 'package.json', 'tsconfig.json']) {
    cpSync(part, join(newer, part), { recursive: true });
  }
  symlinkSync(join(process.cwd(), 'node_modules'), join(newer, 'node_modules'));
  edit('src/entities/job_type.ts', [
    [
      "description: 'Description of the job type', maxLength: 255",
      "description: 'Description of the job type', maxLength: 300",
    ],
    [
      '    modified_dateutc: modifiedField,',
      "    grade: { type: 'string', description: 'Grade', maxLength: 20, required: true, backfill: 'standard' },\n    modified_dateutc: modifiedField,",
    ],
    ["  erpKey: 'code',", "  erpKey: 'code',\n  indexes: [{ fields: ['name'] }],"],
  ]);
  edit('src/domain/part-usage.ts', [
    [
      'is signed by the company and can no longer be changed',
      'is signed: it can no longer be changed (upgraded)',
    ],
  ]);
});

after(async () => {
  await pgTest?.close();
  rmSync(work, { recursive: true, force: true });
});

const auth = (): Record<string, string> => ({ authorization: tenant.auth });

describe('an upgrade to a newer build', () => {
  it('fails the drift check until the change has its migration, then generates exactly one', () => {
    const drift = [
      '--test',
      '--test-name-pattern=end in the schema of the registry',
      'test/migrations.test.ts',
    ];
    assert.notEqual(runIn(newer, drift).status, 0, 'an entity change without its migration must fail CI');
    const first = runIn(newer, ['scripts/generate.ts', '--name', 'job_type_grade']);
    assert.equal(first.status, 0, first.out);
    const files = readdirSync(join(newer, 'migrations')).filter((f) => f.endsWith('.sql'));
    assert.deepEqual(files.slice(-2), [`${loadMigrations().at(-1)!.id}.sql`, `${GENERATED}.sql`]);
    const sql = readFileSync(join(newer, `migrations/${GENERATED}.sql`), 'utf8');
    assert.match(sql, /ALTER COLUMN "description" TYPE varchar\(300\)/);
    assert.match(
      sql,
      /UPDATE "job_type" SET "grade" = COALESCE\("grade", 'standard'\) WHERE "grade" IS NULL;/,
    );
    assert.match(sql, /CREATE INDEX "job_type_name_idx" ON "job_type" \(tenant_id, "name"\);/);
    assert.match(sql, /CREATE OR REPLACE FUNCTION "job_part_usage_signed_guard"\(\)/);
    const again = runIn(newer, ['scripts/generate.ts']);
    assert.ok(again.out.includes(`schema unchanged: no migration (at ${GENERATED})`), again.out);
    assert.equal(readdirSync(join(newer, 'migrations')).filter((f) => f.endsWith('.sql')).length, HEAD + 1);
    assert.equal(runIn(newer, drift).status, 0);
  });

  it('keeps every record and serves the changed schema', async () => {
    const server = await startServer(dbEnv(), newer);
    try {
      assert.equal((await fetch(`${server.url}/ready`)).status, 200);
      for (const { route, id, record } of saved) {
        const res = await fetch(`${server.url}/api/${route}(${id})`, { headers: auth() });
        assert.equal(res.status, 200, `${route} ${id}`);
        const got = (await res.json()) as Record<string, unknown>;
        if (route === 'JobType') {
          assert.equal(got['grade'], 'standard');
          delete got['grade'];
          // The backfill wrote the row: a new version, so the feed carries the new field.
          assert.notEqual(got['row_version'], record['row_version']);
          for (const r of [got, record]) for (const f of ['row_version', 'modified_dateutc']) delete r[f];
        }
        // The context names the host the record was asked of.
        for (const r of [got, record]) delete r['@odata.context'];
        assert.deepEqual(got, record, route);
      }
      // The widened field takes 300 characters; the new field is required from now on.
      const long = 'x'.repeat(300);
      const post = (body: unknown) =>
        fetch(`${server.url}/api/JobType`, {
          method: 'POST',
          headers: { ...auth(), 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const created = await post({ code: 'WIDE', name: 'Wide', description: long, grade: 'A' });
      assert.equal(created.status, 201, await created.clone().text());
      const wide = (await created.json()) as Record<string, unknown>;
      assert.equal(wide['description'], long);
      const missing = await post({ code: 'NOGRADE', name: 'No grade' });
      assert.equal(missing.status, 400);
      assert.match(await missing.text(), /grade/);
      // If-Match: the current version wins, the one before it is refused.
      const put = (etag: string) =>
        fetch(`${server.url}/api/JobType(${String(wide['id'])})`, {
          method: 'PUT',
          headers: { ...auth(), 'content-type': 'application/json', 'if-match': etag },
          body: JSON.stringify({ name: 'Changed' }),
        });
      const etag = `"${String(wide['row_version'])}"`;
      assert.equal((await put(etag)).status, 200);
      assert.equal((await put(etag)).status, 409);
      // The feed delivers the records, the backfilled ones and the deletion.
      const ids = new Map<string, boolean>();
      let since = '';
      for (let page = 0; page < 50; page++) {
        const res = await fetch(
          `${server.url}/api/Sync/Changes?limit=1000${since ? `&since=${since}` : ''}`,
          {
            headers: auth(),
          },
        );
        const body = (await res.json()) as {
          changes: Array<{ id: string; deleted: boolean }>;
          next: string;
          has_more: boolean;
        };
        for (const c of body.changes) ids.set(c.id, c.deleted);
        since = encodeURIComponent(body.next);
        if (!body.has_more) break;
      }
      // Samples set every flag, sys_logical_delete included: those records come as deletions.
      for (const { id, record } of saved)
        assert.equal(ids.get(id), record['sys_logical_delete'] === true, id);
      assert.equal(ids.get(tombstoneId), true);
      // The changed trigger is the one in force; the idempotency key is still remembered.
      const signed = await fetch(`${server.url}/api/JobPartUsage(${signedId})`, {
        method: 'PUT',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ quantity: 3 }),
      });
      assert.equal(signed.status, 409);
      assert.match(await signed.text(), /is signed: it can no longer be changed \(upgraded\)/);
      const replay = await fetch(`${server.url}/api/JobType`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json', 'idempotency-key': 'before-upgrade' },
        body: JSON.stringify({ code: 'KEYED', name: 'With a key' }),
      });
      assert.equal(replay.status, 201);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it('is refused by the older build, which changes nothing; the newer build starts again', async () => {
    const before = await onDatabase(async (db) => ({
      history: (await history(db)).rows,
      schema: await catalog(db),
    }));
    assert.equal(before.history.length, HEAD + 1);
    const refused = await refusedStart(process.cwd());
    assert.notEqual(refused.code, 0);
    const lines = refused.out.trim().split('\n');
    assert.equal(lines.length, 1, refused.out);
    assert.match(
      (JSON.parse(lines[0]!) as { msg: string }).msg,
      new RegExp(
        `^not started: database .+?: database schema is at version ${HEAD + 1} \\(${GENERATED}, applied by fieldservice-api [^)]+\\); this build \\(fieldservice-api [^)]+\\) knows versions up to ${HEAD}:`,
      ),
    );
    await onDatabase(async (db) => {
      assert.deepEqual((await history(db)).rows, before.history);
      assert.deepEqual(await catalog(db), before.schema);
    });
    const server = await startServer(dbEnv(), newer);
    assert.equal((await fetch(`${server.url}/ready`)).status, 200);
    assert.equal(await server.stop(), 0);
  });

  it('stops at a migration that fails half-way and leaves the database as it was', async () => {
    writeFileSync(
      join(newer, `migrations/${BROKEN}.sql`),
      `ALTER TABLE job_type ADD COLUMN half_done integer;
UPDATE job_type SET half_done = 1 / (SELECT count(*) - count(*) FROM job_type);\n`,
    );
    const snapshot = JSON.parse(readFileSync(join(newer, 'migrations/snapshot.json'), 'utf8')) as {
      version: number;
    };
    writeFileSync(
      join(newer, 'migrations/snapshot.json'),
      JSON.stringify({ ...snapshot, version: HEAD + 2 }),
    );
    const before = await onDatabase(async (db) => ({
      history: (await history(db)).rows,
      schema: await catalog(db),
    }));
    const refused = await refusedStart(newer);
    assert.notEqual(refused.code, 0);
    assert.ok(
      refused.out.includes(`migration ${BROKEN} failed, nothing of it was applied: division by zero`),
      refused.out,
    );
    await onDatabase(async (db) => {
      assert.deepEqual((await history(db)).rows, before.history);
      assert.deepEqual(await catalog(db), before.schema);
    });
  });
});
