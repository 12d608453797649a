/**
 * README's examples run as written, in order, from a fresh start: the Examples block, then the
 * worked example of the sync feed, run by bash with the real curl, only the password, the token,
 * the tenant and the address replaced. On the embedded database the server is new and prints the
 * demo credentials; on PostgreSQL the database is new and the tenant is created by the CLI. Every
 * request must answer 2xx, or the status its comment names (`# -> 409`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { onPostgres, openTestDatabase, type TestDatabase } from './helpers.js';
import { cli, startServer, type ServerProcess } from './process.js';

const work = mkdtempSync(join(tmpdir(), 'fs-readme-'));
let server: ServerProcess | undefined;
let database: TestDatabase | undefined;
after(async () => {
  await server?.stop();
  await database?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The first shell block under a heading of README.md. */
function block(heading: string): string {
  const readme = readFileSync('README.md', 'utf8');
  const at = readme.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `README has "${heading}"`);
  const m = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(m, `README has a shell block under "${heading}"`);
  return m[1]!;
}

const hasCurl = spawnSync('curl', ['--version']).status === 0;

/** A fresh server and the credentials of a fresh tenant on it. */
async function freshServer(): Promise<{ url: string; password: string; domain: string; token: string }> {
  if (onPostgres) {
    database = await openTestDatabase();
    const env = { DATABASE_URL: database.url };
    const user = cli(env, 'create-user', '--domain', 'readme.test', '--username', 'api', '--token');
    server = await startServer({ ...env, LOG_LEVEL: 'warn' });
    return {
      url: server.url,
      password: String(user['password']),
      domain: 'readme.test',
      token: String(user['token']),
    };
  }
  server = await startServer({ PGLITE_DATA_DIR: join(work, 'data'), DEMO_TENANT: 'true', LOG_LEVEL: 'warn' });
  // The banner with the demo credentials follows the first answers by a moment.
  const until = Date.now() + 60_000;
  while (!/Bearer token: +\S+\n/.test(server.output()) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 100));
  const out = server.output();
  const basic = /Basic credentials: (\S+)/.exec(out)?.[1];
  const token = /Bearer token: +(\S+)/.exec(out)?.[1];
  assert.ok(basic && token, `demo credentials printed: ${out}`);
  const password = basic.slice(basic.indexOf(':') + 1, basic.lastIndexOf('@'));
  return { url: server.url, password, domain: 'demo.local', token };
}

it(
  "README's examples answer as it says, in order, on a fresh server",
  { skip: !hasCurl && 'no curl' },
  async () => {
    const { url, password, domain, token } = await freshServer();
    const blocks = [block('### Examples'), block('### Worked example')];
    for (const b of blocks)
      assert.ok(b.includes('http://127.0.0.1:8080/api'), 'the examples name the default address');
    const written = blocks.join('\n');
    const script = written
      .replaceAll("U='api:PASSWORD@demo.local'", `U='api:${password}@${domain}'`)
      .replaceAll("T='TOKEN'", `T='${token}'`)
      .replaceAll('http://127.0.0.1:8080', url);
    // Each command with the status its comment names, else any 2xx.
    const commands = written.split(/^(?=curl )/m).slice(1);
    const expected = commands.map((c) => /^#\s*->\s*(\d{3})\b/m.exec(c)?.[1]);
    assert.ok(expected.includes('409'), 'the worked example names its 409');
    // curl runs exactly as written; the wrapper only records each answer's status and body.
    const wrapper =
      `set -u\nOUT=${JSON.stringify(work)}\n` +
      `curl() { code=$(command curl -sS -o "$OUT/body" -w '%{http_code}' "$@"); ` +
      `printf '%s %s\\n' "$code" "$(head -c 300 "$OUT/body" | tr '\\n' ' ')" >> "$OUT/log"; }\n`;
    writeFileSync(join(work, 'examples.sh'), wrapper + script);
    const run = spawnSync('bash', [join(work, 'examples.sh')], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const log = readFileSync(join(work, 'log'), 'utf8').trim().split('\n');
    assert.equal(log.length, commands.length, log.join('\n'));
    log.forEach((line, i) => {
      const status = line.slice(0, 3);
      const ok = expected[i] ? status === expected[i] : /^2\d\d$/.test(status);
      assert.ok(ok, `request ${i + 1} answered ${line}, README says ${expected[i] ?? '2xx'}\n${commands[i]}`);
    });
    // The accepted dispatch moved the work order to Planned; the conflicting edit wrote nothing.
    const auth = { authorization: `Bearer ${token}` };
    const job = (await (
      await fetch(`${url}/api/Jobs(3f1c2e4d-5a6b-4c7d-8e9f-0a1b2c3d4e5f)`, { headers: auth })
    ).json()) as { job_status_id: string; estimated_time: number; internal_memo: string | null };
    const planned = (await (
      await fetch(`${url}/api/JobStatus?$filter=code%20eq%20'Planned'`, { headers: auth })
    ).json()) as { value: { id: string }[] };
    assert.equal(job.job_status_id, planned.value[0]!.id);
    assert.equal(job.estimated_time, 120);
    assert.notEqual(job.internal_memo, 'customer asks to call before');
  },
);
