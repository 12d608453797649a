/**
 * README's examples run as written, in order, from a fresh start: a server on an empty embedded
 * database prints the demo credentials, and the Examples block is run by bash with the real curl,
 * only the password, the token and the address replaced. Every request must answer 2xx.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { onPostgres } from './helpers.js';
import { startServer, type ServerProcess } from './process.js';

const work = mkdtempSync(join(tmpdir(), 'fs-readme-'));
let server: ServerProcess | undefined;
after(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The shell block under "### Examples". */
function examples(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### Examples'));
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'README has an Examples block');
  return m[1]!;
}

const hasCurl = spawnSync('curl', ['--version']).status === 0;

it(
  "README's examples answer 2xx, in order, on a fresh server",
  { skip: onPostgres ? 'the examples use the demo tenant of the embedded database' : !hasCurl && 'no curl' },
  async () => {
    server = await startServer({
      PGLITE_DATA_DIR: join(work, 'data'),
      DEMO_TENANT: 'true',
      LOG_LEVEL: 'warn',
    });
    const out = server.output();
    const basic = /Basic credentials: (\S+)/.exec(out)?.[1];
    const token = /Bearer token: +(\S+)/.exec(out)?.[1];
    assert.ok(basic && token, `demo credentials printed: ${out}`);
    const password = basic.slice(basic.indexOf(':') + 1, basic.lastIndexOf('@'));
    const block = examples();
    assert.ok(block.includes('http://127.0.0.1:8080/api'), 'the examples name the default address');
    const script = block
      .replace("U='api:PASSWORD@demo.local'", `U='api:${password}@demo.local'`)
      .replace("T='TOKEN'", `T='${token}'`)
      .replace('http://127.0.0.1:8080', server.url);
    const requests = (block.match(/^curl /gm) ?? []).length;
    // curl runs exactly as written; the wrapper only records each answer's status and body.
    const wrapper =
      `set -u\nOUT=${JSON.stringify(work)}\n` +
      `curl() { code=$(command curl -sS -o "$OUT/body" -w '%{http_code}' "$@"); ` +
      `printf '%s %s\\n' "$code" "$(head -c 300 "$OUT/body" | tr '\\n' ' ')" >> "$OUT/log"; }\n`;
    writeFileSync(join(work, 'examples.sh'), wrapper + script);
    const run = spawnSync('bash', [join(work, 'examples.sh')], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const log = readFileSync(join(work, 'log'), 'utf8').trim().split('\n');
    assert.equal(log.length, requests, log.join('\n'));
    const commands = block.split(/^(?=curl )/m).slice(1);
    log.forEach((line, i) => {
      const status = Number(line.slice(0, 3));
      assert.ok(status >= 200 && status < 300, `request ${i + 1} answered ${line}\n${commands[i]}`);
    });
    // The accepted dispatch moved the work order to Planned.
    const auth = { authorization: `Bearer ${token}` };
    const job = (await (
      await fetch(`${server.url}/api/Jobs(3f1c2e4d-5a6b-4c7d-8e9f-0a1b2c3d4e5f)`, { headers: auth })
    ).json()) as { job_status_id: string; estimated_time: number };
    const planned = (await (
      await fetch(`${server.url}/api/JobStatus?$filter=code%20eq%20'Planned'`, { headers: auth })
    ).json()) as { value: { id: string }[] };
    assert.equal(job.job_status_id, planned.value[0]!.id);
    assert.equal(job.estimated_time, 120);
  },
);
