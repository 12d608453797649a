/**
 * The process as an operator runs it: `npm start` stops gracefully on SIGTERM; a taken port or a
 * bad configuration ends the start with one line, before anything is written; the CLI's help,
 * version and argument errors; a backup of the embedded database restores the same records.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from './cluster.js';
import { nodeArgs } from './process.js';
import { onPostgres } from './helpers.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'fs-start-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const baseEnv = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...process.env,
  DATABASE_URL: '',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  LOG_FORMAT: 'json',
  DEMO_TENANT: 'true',
  ...extra,
});

/** Runs the server (compiled, as npm start does) to its end; for starts that must fail. */
function runServer(env: NodeJS.ProcessEnv): { status: number | null; lines: string[] } {
  const r = spawnSync(process.execPath, nodeArgs('server'), {
    env: baseEnv(env),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, lines: `${r.stdout}${r.stderr}`.split('\n').filter(Boolean) };
}

const cli = (env: NodeJS.ProcessEnv, ...args: string[]) => {
  const r = spawnSync(process.execPath, nodeArgs('cli', ...args), {
    env: baseEnv(env),
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const messages = (lines: string[]): string[] =>
  lines.map((l) => (JSON.parse(l) as { msg: string; level: number }).msg);

it('npm start: ready by /health, SIGTERM stops it gracefully with exit 0', { timeout: 180_000 }, async () => {
  const port = await freePort();
  const data = join(dir, 'npm-start');
  const proc = spawn('npm', ['start', '--silent'], {
    env: baseEnv({ PORT: String(port), PGLITE_DATA_DIR: data, DEMO_TENANT: 'false' }),
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 150_000;
  let status = 0;
  while (status !== 200 && Date.now() < deadline && proc.exitCode === null) {
    status = await fetch(`${url}/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(status, 200, out);
  const banner = out.split('\n').find((l) => l.includes('"docs"'));
  assert.ok(banner, out);
  const info = JSON.parse(banner) as {
    version: string;
    pid: number;
    docs: string;
    database: { schema: number };
  };
  assert.equal(info.docs, `${url}/docs`);
  assert.ok(info.database.schema > 0);
  proc.kill('SIGTERM');
  assert.equal(await exited, 0, out);
  assert.match(out, /"msg":"stopped"/);
  assert.throws(() => process.kill(info.pid, 0), 'the server process has ended, not only npm');
});

it(
  'a taken port: exit non-zero before anything is written to the database',
  { timeout: 60_000 },
  async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((done) => blocker.listen(port, '127.0.0.1', done));
    try {
      const data = join(dir, 'taken');
      const r = runServer({ PORT: String(port), PGLITE_DATA_DIR: data });
      assert.notEqual(r.status, 0);
      assert.equal(r.lines.length, 1, r.lines.join('\n'));
      assert.match(messages(r.lines)[0]!, new RegExp(`port ${port} .*in use`));
      assert.equal(existsSync(data), false, 'the data folder was not even created');
      assert.doesNotMatch(r.lines.join('\n'), /demo tenant|Error:|\n\s+at /);
    } finally {
      blocker.close();
    }
  },
);

describe('a bad configuration: one line each, exit 2', () => {
  const cases: Array<[NodeJS.ProcessEnv, RegExp[]]> = [
    [{ PORT: 'abc' }, [/PORT must be a whole number from 0 to 65535, got "abc"/]],
    [{ DATABASE_URL: 'not-a-url' }, [/DATABASE_URL is not a URL/]],
    [{ DATABASE_URL: 'mysql://h/db' }, [/DATABASE_URL must start with postgres/]],
    [{ LOG_LEVEL: 'loud', DB_POOL_SIZE: '0' }, [/DB_POOL_SIZE/, /LOG_LEVEL must be one of/]],
    [{ TRUST_PROXY: 'some proxies' }, [/TRUST_PROXY/]],
  ];
  for (const [env, expected] of cases) {
    it(
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
      { timeout: 30_000 },
      () => {
        const r = runServer({ ...env, PGLITE_DATA_DIR: join(dir, 'never') });
        assert.equal(r.status, 2, r.lines.join('\n'));
        const msgs = messages(r.lines);
        assert.equal(msgs.length, expected.length, msgs.join('\n'));
        expected.forEach((re, i) => assert.match(msgs[i]!, re));
        assert.equal(existsSync(join(dir, 'never')), false);
      },
    );
  }
});

describe('CLI arguments', () => {
  const env = (): NodeJS.ProcessEnv => ({ PGLITE_DATA_DIR: join(dir, 'cli-args') });
  it('--help, help <command> and <command> --help answer without opening the database', () => {
    for (const args of [['--help'], ['-h'], ['help'], ['help', 'backup']]) {
      const r = cli(env(), ...args);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Usage: npm run cli -- /);
    }
    for (const name of [
      'migrate',
      'create-user',
      'list-users',
      'set-password',
      'revoke-token',
      'backup',
      'restore',
    ]) {
      const r = cli(env(), name, '--help');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`Usage: npm run cli -- ${name}`));
    }
    assert.equal(existsSync(join(dir, 'cli-args')), false);
  });
  it('--version prints the package version', () => {
    const r = cli(env(), '--version');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });
  it('bad arguments: one line, exit 2, nothing opened', () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /Usage/],
      [['bogus'], /Unknown command "bogus"/],
      [['--bogus'], /Unknown option --bogus/],
      [['create-user', '--domain', 'a.test', '--bogus'], /create-user: Unknown option '--bogus'/],
      [
        ['create-user', '--domain', 'not a domain!', '--username', 'u'],
        /--domain: "not a domain!" is not a host name/,
      ],
      [['create-user', '--domain', 'a.test'], /--username is required/],
      [['backup'], /--out is required/],
    ];
    for (const [args, re] of cases) {
      const r = cli(env(), ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(args.length ? r.stderr : r.stdout, re);
      if (args.length) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.equal(existsSync(join(dir, 'cli-args')), false);
  });
});

it(
  'backup then restore of the embedded database gives the same records',
  { skip: onPostgres, timeout: 120_000 },
  () => {
    const source = { PGLITE_DATA_DIR: join(dir, 'source') };
    const target = { PGLITE_DATA_DIR: join(dir, 'target') };
    const file = join(dir, 'backup.tar.gz');
    for (const user of ['erp', 'mobile']) {
      const r = cli(source, 'create-user', '--domain', 'backup.test', '--username', user, '--token');
      assert.equal(r.status, 0, r.stderr);
    }
    assert.equal(cli(source, 'revoke-token', '--domain', 'backup.test', '--username', 'mobile').status, 0);
    const before = cli(source, 'list-users');
    assert.equal(before.status, 0, before.stderr);
    const backup = cli(source, 'backup', '--out', file);
    assert.equal(backup.status, 0, backup.stderr);
    const restored = cli(target, 'restore', '--from', file);
    assert.equal(restored.status, 0, restored.stderr);
    const after = cli(target, 'list-users');
    assert.equal(after.status, 0, after.stderr);
    assert.deepEqual(JSON.parse(after.stdout), JSON.parse(before.stdout));
    assert.equal((JSON.parse(after.stdout) as unknown[]).length, 2);
    const again = cli(target, 'restore', '--from', file);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already holds a database/);
  },
);
