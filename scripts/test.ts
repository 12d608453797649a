/**
 * `npm test`: the whole suite on the embedded PGlite, then again on PostgreSQL when one is reachable
 * (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test). With CI=true an unreachable
 * PostgreSQL is a failure, not a skip.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';

const url = process.env['TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
const only = process.argv.slice(2);
/**
 * The longest files start first, so that the run does not end with one of them alone on a core;
 * the others follow in name order.
 */
const LONGEST = [
  'verify-sync',
  'upgrade',
  'feed',
  'faults',
  'interop-openapi',
  'server',
  'fuzz',
  'sync',
  'auth-walk',
  'body-limits',
];
const rank = (f: string): number => {
  const i = LONGEST.indexOf(f.replace(/\.test\.ts$/, ''));
  return i < 0 ? LONGEST.length : i;
};
const files = only.length
  ? only
  : readdirSync('test')
      .filter((f) => f.endsWith('.test.ts'))
      .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
      .map((f) => `test/${f}`);

/** The tests run the server and the CLI as `npm start` runs them, compiled: dist/ is built first. */
function build(): boolean {
  const r = spawnSync(process.execPath, ['scripts/build.js', '--if-stale'], { stdio: 'inherit' });
  return r.status === 0;
}

function run(db: 'pglite' | 'postgres'): boolean {
  process.stdout.write(`\n=== test suite on ${db} ===\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
    stdio: 'inherit',
    env: { ...process.env, TEST_DB: db, TEST_DATABASE_URL: url },
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  process.stdout.write(`=== test suite on ${db}: ${Math.floor(seconds / 60)} min ${seconds % 60} s ===\n`);
  return r.status === 0;
}

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

const targets = (process.env['TEST_TARGETS'] ?? 'pglite,postgres').split(',');
if (!build()) process.exit(1);
let ok = true;
if (targets.includes('pglite')) ok = run('pglite') && ok;
if (targets.includes('postgres')) {
  if (await reachable()) ok = run('postgres') && ok;
  else if (process.env['CI'] === 'true') {
    process.stderr.write(`PostgreSQL at ${url} is not reachable\n`);
    ok = false;
  } else process.stdout.write(`\nPostgreSQL at ${url} is not reachable: suite ran on PGlite only\n`);
}
process.exit(ok ? 0 : 1);
