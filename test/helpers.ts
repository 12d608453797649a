/**
 * Test fixtures: a database per test file (PGlite in memory, or a fresh database on the PostgreSQL
 * server when TEST_DB=postgres), an app on it, and two tenants with credentials.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { loadMigrations, migrate, MIGRATIONS_DIR } from '../src/db/migrate.js';
import { createTenantWithUser } from '../src/setup.js';
import { ERRORS, isErrorCode } from '../src/contract/errors.js';
import { KEY_SEGMENT, routeCatalog } from '../src/contract/routes.js';
import { registry } from '../src/schema/registry.js';
import { seedDataDir, type TemplateKind } from './templates.js';

export const onPostgres = process.env['TEST_DB'] === 'postgres';
export const adminUrl = process.env['TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  db: Database;
  url: string | undefined;
  close(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A new, migrated database. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const test = onPostgres ? await openEmptyDatabase() : await openPgliteCopy('migrated');
  await migrate(test.db);
  return test;
}

/**
 * A PGlite database in a scratch folder, a copy of the template's data folder (removed on close).
 * A file copy and an open cost about 1 s less CPU than loading the template's backup into memory.
 */
async function openPgliteCopy(kind: TemplateKind): Promise<TestDatabase> {
  const parent = mkdtempSync(join(tmpdir(), 'fs-test-db-'));
  try {
    const dataDir = join(parent, 'data');
    await seedDataDir(dataDir, kind);
    const db = await openDatabase({ dataDir });
    return {
      db,
      url: undefined,
      async close() {
        try {
          await db.close();
        } finally {
          rmSync(parent, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(parent, { recursive: true, force: true });
    throw err;
  }
}

/**
 * A new database at schema `version`: the committed migrations up to it, applied from a folder that
 * holds only them (this build's snapshot with them, so the start check refuses it, as it must).
 * For a migration's test on a database that holds data.
 */
export async function openDatabaseAt(version: number): Promise<TestDatabase> {
  const test = await openEmptyDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'fs-at-version-'));
  try {
    for (const m of loadMigrations().filter((m) => m.version <= version))
      copyFileSync(join(MIGRATIONS_DIR, `${m.id}.sql`), join(dir, `${m.id}.sql`));
    copyFileSync(join(MIGRATIONS_DIR, 'snapshot.json'), join(dir, 'snapshot.json'));
    await assert.rejects(
      migrate(test.db, { dir }),
      new RegExp(`schema version ${version}, this build needs \\d+`),
    );
  } catch (err) {
    await test.close();
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return test;
}

/** A new database without any schema. */
export async function openEmptyDatabase(): Promise<TestDatabase> {
  if (!onPostgres) return openPgliteCopy('empty');
  const name = `fs_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const db = await openDatabase({ url, poolSize: 8 });
  return {
    db,
    url,
    async close() {
      // Dropped even when its pool was closed already (a test that hands the database to a server
      // process closes its own pool first).
      await db.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface Tenant {
  domain: string;
  auth: string;
  token: string;
}

export interface TestContext {
  app: FastifyInstance;
  db: Database;
  a: Tenant;
  b: Tenant;
  close(): Promise<void>;
}

const basic = (user: string, password: string, domain: string): string =>
  `Basic ${Buffer.from(`${user}:${password}@${domain}`).toString('base64')}`;

export async function createTenant(db: Database, domain: string): Promise<Tenant> {
  const issued = await createTenantWithUser(db, {
    domain,
    username: 'api',
    password: `pw-${domain}`,
    withToken: true,
  });
  return { domain, auth: basic('api', issued.password, domain), token: issued.token };
}

/** The id of the tenant of a credential domain. */
export async function tenantIdOf(db: Database, domain: string): Promise<string> {
  const r = await db.query<{ id: string }>('SELECT id FROM tenant WHERE domain = $1', [domain]);
  const id = r.rows[0]?.id;
  if (!id) throw new Error(`no tenant ${domain}`);
  return id;
}

export async function setup(config: Record<string, unknown> = {}): Promise<TestContext> {
  const test = await openTestDatabase();
  const app = await buildApp({ db: test.db, logger: false, config });
  await app.ready();
  const a = await createTenant(test.db, 'tenant-a.test');
  const b = await createTenant(test.db, 'tenant-b.test');
  return {
    app,
    db: test.db,
    a,
    b,
    async close() {
      await app.close();
      await test.close();
    },
  };
}

export interface CallOptions {
  as?: Tenant | null;
  body?: unknown;
  xml?: string;
  accept?: string;
  headers?: Record<string, string>;
}

/** One request through the app; JSON bodies are sent as JSON, `xml` as application/xml. */
export async function call(
  ctx: TestContext,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  options: CallOptions = {},
): Promise<LightMyRequestResponse & { json<T = Record<string, unknown>>(): T }> {
  const headers: Record<string, string> = { ...options.headers };
  const as = options.as === undefined ? ctx.a : options.as;
  if (as) headers['authorization'] = as.auth;
  if (options.accept) headers['accept'] = options.accept;
  let payload: string | undefined;
  if (options.xml !== undefined) {
    headers['content-type'] ??= 'application/xml';
    payload = options.xml;
  } else if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const res = await ctx.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  checkAgainstCatalog(method, url, res);
  return res as never;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A catalog path as a pattern for request URLs: `api/Jobs({id})` matches `/api/jobs(<guid>)`. */
function pathPattern(path: string): RegExp {
  const [head, tail = ''] = path.split(KEY_SEGMENT);
  const key = path.includes(KEY_SEGMENT) ? '\\(.+\\)' : '';
  return new RegExp(`^/${escape(head!)}${key}${escape(tail)}$`, 'i');
}

const catalogRoutes = routeCatalog(registry).map((route) => ({ route, pattern: pathPattern(route.path) }));

/**
 * Every answer of the suite is held to the contract: an error names a code of the table with the
 * table's status, and a route answers only the statuses the catalog gives it.
 */
function checkAgainstCatalog(method: string, url: string, res: LightMyRequestResponse): void {
  const status = res.statusCode;
  const path = url.split('?')[0]!;
  const found = catalogRoutes.find((r) => r.route.method === method && r.pattern.test(path));
  if (status >= 400 && String(res.headers['content-type'] ?? '').includes('json')) {
    const code = (JSON.parse(res.body) as { code?: string }).code ?? '';
    if (!isErrorCode(code)) throw new Error(`${method} ${url}: error code ${code} is not in the table`);
    if (ERRORS[code].status !== status) throw new Error(`${method} ${url}: ${code} answered ${status}`);
    const kinds = ERRORS[code].routes as readonly string[];
    if (found && !kinds.includes(found.route.kind)) {
      throw new Error(`${method} ${url}: ${code} is not an error of ${found.route.kind} routes in the table`);
    }
  }
  if (found && !found.route.statuses.includes(status)) {
    throw new Error(
      `${method} ${url}: ${status} is not a status of ${found.route.path} (${found.route.statuses.join(', ')})`,
    );
  }
}
