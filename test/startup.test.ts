/**
 * Start-up as an operator meets it (with test/start.test.ts): each bad configuration is one log
 * line and exit code 2; an unreachable database or a data folder in use is one line naming it;
 * the steps are logged in order, then a banner names the version, the database and the docs. Independent of the database of the pass: run on the PGlite
 * pass only.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from './cluster.js';
import { onPostgres } from './helpers.js';
import { nodeArgs, startServer } from './process.js';

const work = mkdtempSync(join(tmpdir(), 'fs-startup-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Line {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Runs the server until it exits; its JSON log lines and exit code. */
async function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; lines: Line[]; out: string }> {
  const proc = spawn(process.execPath, nodeArgs('server'), {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      DEMO_TENANT: 'false',
      LOG_FORMAT: 'json',
      PGLITE_DATA_DIR: join(work, 'unused'),
      DATABASE_URL: '',
      ...env,
    },
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  const lines = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
  return { code, lines, out };
}

describe('a bad configuration', { skip: onPostgres }, () => {
  const cases: Array<[Record<string, string>, RegExp[]]> = [
    [{ PORT: 'abc' }, [/^configuration: PORT must be a whole number from 0 to 65535, got "abc"$/]],
    [{ DATABASE_URL: 'not-a-url' }, [/^configuration: DATABASE_URL is not a URL/]],
    [{ DATABASE_URL: 'mysql://db/x' }, [/^configuration: DATABASE_URL must start with postgres:\/\//]],
    [{ LOG_LEVEL: 'loud' }, [/^configuration: LOG_LEVEL must be one of/]],
    [
      { CORS_ORIGINS: 'erp.example.com' },
      [/^configuration: CORS_ORIGINS: "erp\.example\.com" is not an origin/],
    ],
    [
      { DB_POOL_SIZE: '0', DEMO_TENANT: 'maybe', TRUST_PROXY: 'proxy.example' },
      [/^configuration: DB_POOL_SIZE/, /^configuration: DEMO_TENANT/, /^configuration: TRUST_PROXY/],
    ],
  ];
  for (const [env, expected] of cases) {
    it(`${Object.keys(env).join(', ')}: one line each, exit 2, nothing opened`, async () => {
      const dataDir = join(work, `config-${Object.keys(env).join('-')}`);
      const r = await run({
        ...env,
        PORT: env['PORT'] ?? String(await freePort()),
        PGLITE_DATA_DIR: dataDir,
      });
      assert.equal(r.code, 2, r.out);
      assert.equal(r.lines.length, expected.length, r.out);
      r.lines.forEach((line, i) => {
        assert.equal(line.level, 60, r.out);
        assert.match(line.msg, expected[i]!, r.out);
      });
      assert.ok(!r.out.includes('    at '), `no stack trace: ${r.out}`);
      assert.ok(!existsSync(dataDir), 'the data folder was not created');
    });
  }
});

describe('start-up faults', { skip: onPostgres }, () => {
  it('an unreachable PostgreSQL is one line naming it', async () => {
    const closed = await freePort();
    const r = await run({
      PORT: String(await freePort()),
      DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/test`,
    });
    assert.equal(r.code, 1, r.out);
    const fatal = r.lines.filter((l) => l.level === 60);
    assert.equal(fatal.length, 1, r.out);
    assert.match(
      fatal[0]!.msg,
      new RegExp(
        `^not started: database PostgreSQL at 127\\.0\\.0\\.1:${closed}/test: connection refused at 127\\.0\\.0\\.1:${closed}$`,
      ),
    );
    assert.ok(!r.out.includes('    at '), r.out);
  });

  it('a data folder in use by another server is one line naming it', async () => {
    const dataDir = join(work, 'in-use');
    const first = await startServer({ PGLITE_DATA_DIR: dataDir });
    try {
      const r = await run({ PORT: String(await freePort()), PGLITE_DATA_DIR: dataDir });
      assert.equal(r.code, 1, r.out);
      const fatal = r.lines.filter((l) => l.level === 60);
      assert.equal(fatal.length, 1, r.out);
      assert.match(
        fatal[0]!.msg,
        /^not started: database PGlite in .*: The data folder .* is in use by process \d+/,
      );
      assert.equal((await fetch(`${first.url}/ready`)).status, 200, 'the first server is untouched');
    } finally {
      assert.equal(await first.stop(), 0);
    }
  });
});

describe('a stop while starting', { skip: onPostgres }, () => {
  it('SIGTERM while the database opens ends the start after that step, exit 0', async () => {
    const port = await freePort();
    const dataDir = join(work, 'stop-while-starting');
    const proc = spawn(process.execPath, nodeArgs('server'), {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        DEMO_TENANT: 'true',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        DATABASE_URL: '',
        PGLITE_DATA_DIR: dataDir,
      },
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    // The port answers 503 while the database opens: that is when the signal goes.
    for (let i = 0; i < 3000 && !out.includes('opening the database'); i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 503);
    proc.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    const msgs = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as Line).msg);
    assert.ok(msgs.includes('stop asked while starting: stopping after the current step'), out);
    assert.equal(msgs.at(-1), 'stopped', out);
    assert.ok(!msgs.some((m) => m === 'API ready'), out);
    assert.ok(!out.includes('demo tenant'), out);
  });
});

describe('a normal start', { skip: onPostgres }, () => {
  it('logs each step with its duration, then a banner with version, database and docs', async () => {
    const dataDir = join(work, 'normal');
    const server = await startServer({ PGLITE_DATA_DIR: dataDir, LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    const code = await server.stop();
    assert.equal(code, 0, server.output());
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line);
    const msgs = lines.map((l) => l.msg);
    const at = (re: RegExp): number => msgs.findIndex((m) => re.test(m));
    const bound = at(/^port \d+ bound; opening the database$/);
    const opened = at(/^database opened: PGlite in /);
    const migrated = at(/^schema checked: version \d+$/);
    const ready = at(/^API ready$/);
    const banner = at(
      /^fieldservice \S+ listening on http:\/\/127\.0\.0\.1:\d+ \| database: PGlite in .*, schema version \d+ \| docs: .*\/docs {2}help: .*\/Help {2}OpenAPI: .*\/openapi\.json$/,
    );
    assert.ok(
      bound >= 0 && bound < opened && opened < migrated && migrated < ready && ready < banner,
      msgs.join('\n'),
    );
    assert.equal(typeof lines[opened]!['ms'], 'number');
    assert.equal(typeof lines[migrated]!['ms'], 'number');
    assert.ok(
      msgs.some((m) => /^schema migrated: applied 0001_baseline in \d+ ms$/.test(m)),
      msgs.join('\n'),
    );
    assert.equal((lines[banner]!['database'] as { kind: string }).kind, 'pglite');
    assert.ok(msgs.includes('stopped'), msgs.join('\n'));
  });
});
