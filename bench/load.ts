/**
 * `npm run load`: a mixed load on one server process for a fixed time (loopback only, bounded):
 * lists with $filter, single reads, Save, SaveMultiple of 50 records and sync pulls, over 32
 * connections (autocannon). Prints throughput, p50/p99 latency, errors and the server's memory:
 * peak RSS and RSS after the warm-up and at the end (no growth is the bar).
 * `npm run load -- --hostile` runs bench/hostile.ts instead (a tenant's latency under attack).
 * Env: LOAD_SECONDS (30), BENCH_DATABASE_URL / DATABASE_URL (else the local PostgreSQL; a scratch
 * database is created and dropped).
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createTenantWithUser } from '../src/setup.js';
import { rssKb, scratchDatabase, startProcess, stopProcess } from './processes.js';

if (process.argv.includes('--hostile')) {
  await import('./hostile.js');
  process.exit();
}

const SECONDS = Number(process.env['LOAD_SECONDS'] ?? 30);
const adminUrl =
  process.env['BENCH_DATABASE_URL'] ||
  process.env['DATABASE_URL'] ||
  'postgres://postgres@127.0.0.1:5432/test';

const rssMb = (pid: number): number => Math.round(rssKb(pid) / 1024);

const scratch = await scratchDatabase(adminUrl, 'fs_load');
const db = await openDatabase({ url: scratch.url });
await migrate(db);
const issued = await createTenantWithUser(db, {
  domain: 'load.test',
  username: 'load',
  password: 'load-password',
});
await db.close();
const auth = `Basic ${Buffer.from(`load:${issued.password}@load.test`).toString('base64')}`;

const { proc: server, url: base } = await startProcess('src/server.ts', {
  DATABASE_URL: scratch.url,
  RATE_LIMIT_PER_MINUTE: '0',
});
const pid = server.pid!;
const headers = { authorization: auth, 'content-type': 'application/json' };
const usage = () => ({
  id: randomUUID(),
  quantity: 1 + Math.floor(Math.random() * 5),
  price: 12.5,
  article_code: 'F-1',
  remark: 'load',
});
const known: string[] = [];
for (let i = 0; i < 20; i++) {
  const rec = usage();
  known.push(rec.id);
  await fetch(`${base}/api/JobPartUsage/Save`, { method: 'POST', headers, body: JSON.stringify(rec) });
}
let cursor = '';
const run = (duration: number) =>
  autocannon({
    url: base,
    connections: 32,
    duration,
    headers,
    requests: [
      {
        method: 'GET',
        path: `/api/JobPartUsage?$filter=${encodeURIComponent("quantity ge 2 and remark eq 'load'")}&$top=50`,
      },
      {
        method: 'GET',
        setupRequest: (r) => ({
          ...r,
          path: `/api/JobPartUsage(${known[Math.floor(Math.random() * known.length)]!})`,
        }),
      },
      {
        method: 'POST',
        path: '/api/JobPartUsage/Save',
        setupRequest: (r) => ({ ...r, body: JSON.stringify(usage()) }),
      },
      {
        method: 'POST',
        path: '/api/JobPartUsage/SaveMultiple',
        setupRequest: (r) => ({ ...r, body: JSON.stringify(Array.from({ length: 50 }, usage)) }),
      },
      {
        method: 'GET',
        setupRequest: (r) => ({
          ...r,
          path: `/api/Sync/Changes?entities=JobPartUsage&limit=200&since=${cursor}`,
        }),
        onResponse: (status, body) => {
          if (status === 200) cursor = (JSON.parse(body) as { next: string }).next;
        },
      },
    ],
  });

let peak = rssMb(pid);
const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 200);
await run(5); // warm-up
const afterWarmup = rssMb(pid);
const result = await run(SECONDS);
const atEnd = rssMb(pid);
clearInterval(sampler);
await stopProcess(server);
await scratch.drop();

const line = `| ${SECONDS} s, 32 connections, mix of list/$filter, read, Save, SaveMultiple(50), sync pull | ${Math.round(result.requests.average).toLocaleString('en-US')} req/s | ${result.latency.p50} / ${result.latency.p99} ms | ${result.errors + result.timeouts} errors, ${result.non2xx} non-2xx | ${peak} MB peak; ${afterWarmup} MB after warm-up, ${atEnd} MB at the end |`;
process.stdout.write(
  `# Load (node ${process.version}, PostgreSQL)\n| run | throughput | p50 / p99 | errors | server RSS |\n|---|---|---|---|---|\n${line}\n`,
);
process.exitCode = result.errors + result.timeouts + result.non2xx === 0 ? 0 : 1;
