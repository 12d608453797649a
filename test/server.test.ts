/**
 * The real process: the CLI creates a tenant, an API user and a token; the server starts on a free
 * loopback port, answers Basic and Bearer requests, keeps its data over a restart and stops on
 * SIGTERM. On PGlite it also prints the demo credentials on first start of an empty database.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { onPostgres, openTestDatabase, type TestDatabase } from './helpers.js';
import { basicAuth as basic, nodeArgs, startServer, type ServerProcess } from './process.js';

let dataDir: string;
let testDb: TestDatabase | undefined;
let env: NodeJS.ProcessEnv;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fs-server-'));
  env = { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1' };
  env['DATABASE_URL'] = '';
  if (onPostgres) {
    testDb = await openTestDatabase();
    await testDb.db.close();
    env['DATABASE_URL'] = testDb.url;
  } else env['PGLITE_DATA_DIR'] = join(dataDir, 'db');
});
after(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (testDb) await testDb.close().catch(() => undefined);
});

const start = (): Promise<ServerProcess> => startServer({ ...env, DEMO_TENANT: 'true' });

it('CLI, start, Basic and Bearer auth, persistence, SIGTERM', { timeout: 120_000 }, async () => {
  const cli = spawnSync(
    process.execPath,
    nodeArgs(
      'cli',
      'create-user',
      '--domain',
      'cli.test',
      '--username',
      'erp',
      '--password',
      's3cret!',
      '--token',
    ),
    { env, encoding: 'utf8' },
  );
  assert.equal(cli.status, 0, cli.stderr);
  const token = (JSON.parse(cli.stdout) as { token: string }).token;
  assert.match(token, /^fsk_/);

  let server = await start();
  try {
    if (!onPostgres)
      assert.doesNotMatch(server.output(), /demo tenant/, 'no demo tenant when the CLI already made one');
    const auth = basic('erp', 's3cret!', 'cli.test');
    const created = await fetch(`${server.url}/api/JobType`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Installation', code: 'INST' }),
    });
    assert.equal(created.status, 201);
    const byToken = await fetch(`${server.url}/api/JobType`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(byToken.status, 200);
    assert.equal(((await byToken.json()) as { value: unknown[] }).value.length, 1);
    const wrong = await fetch(`${server.url}/api/JobType`, {
      headers: { authorization: basic('erp', 'nope', 'cli.test') },
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /Basic/);
    assert.equal((await fetch(`${server.url}/api/JobType`)).status, 401);
    assert.ok(wrong.headers.get('x-request-id'));
  } finally {
    assert.equal(await server.stop(), 0, 'SIGTERM ends the process cleanly');
  }

  server = await start();
  try {
    const list = await fetch(`${server.url}/api/JobType?$filter=code eq 'INST'`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(((await list.json()) as { value: unknown[] }).value.length, 1, 'data survives a restart');
  } finally {
    await server.stop();
  }
});

it(
  'prints demo credentials on first start of an empty embedded database',
  { skip: onPostgres, timeout: 60_000 },
  async () => {
    const saved = env['PGLITE_DATA_DIR'];
    env['PGLITE_DATA_DIR'] = join(dataDir, 'demo');
    const server = await start();
    try {
      await new Promise((r) => setTimeout(r, 200));
      const m = /Basic credentials: (\S+)/.exec(server.output());
      assert.ok(m, server.output());
      const [login, domain] = [
        m[1]!.slice(0, m[1]!.lastIndexOf('@')),
        m[1]!.slice(m[1]!.lastIndexOf('@') + 1),
      ];
      const [user, password] = [login.slice(0, login.indexOf(':')), login.slice(login.indexOf(':') + 1)];
      const res = await fetch(`${server.url}/api/Jobs`, {
        headers: { authorization: basic(user, password, domain) },
      });
      assert.equal(res.status, 200);
      const second = spawnSync(process.execPath, nodeArgs('cli', 'migrate'), {
        env,
        encoding: 'utf8',
      });
      assert.notEqual(second.status, 0, 'a second process cannot open the same data folder');
      assert.match(second.stderr, /in use/);
    } finally {
      await server.stop();
      env['PGLITE_DATA_DIR'] = saved;
    }
  },
);
