/**
 * `node --import tsx bench/event-loop.ts`: how long one large request holds the server's event
 * loop. A server process (PGlite in a scratch folder, or PostgreSQL with BENCH_DB=postgres) takes
 * SaveMultiple batches of BENCH_RECORDS (10,000) job_part_usage records in JSON and in XML, and a
 * 10 MB XML body on a single-record route, while a client polls /health one request after the
 * other. For each: the answer and its time, the longest wait of a /health request, and the
 * server's own largest event-loop delay over the request (`nodejs_eventloop_lag_max_seconds` of
 * /metrics, reset by each scrape).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { XSI } from '../src/schema/xml.js';
import { createTenantWithUser } from '../src/setup.js';
import { scratchDatabase, startProcess } from './processes.js';

const N = Number(process.env['BENCH_RECORDS'] ?? 10_000);
const target = process.env['BENCH_DB'] === 'postgres' ? 'postgres' : 'pglite';
const adminUrl = process.env['BENCH_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
const NS = 'http://schemas.datacontract.org/2004/07/FieldService.Models';

function record(i: number): Record<string, unknown> {
  return {
    id: randomUUID(),
    article_code: `ART-${i % 500}`,
    article_name: `Filter cartridge ${i % 500}`,
    article_description: 'Replacement filter cartridge, 10 inch',
    working_date: '2026-06-16T21:15:51.772Z',
    quantity: 1 + (i % 5),
    serial_number: `SN-${i}`,
    price: 13.5,
    discount: 1.25,
    remark: 'replaced during yearly maintenance & checked <ok>',
    no_warranty_reason: null,
    is_dummy: false,
    vat_value: 2.84,
    vat_rate: 21,
  };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** A batch as the .NET DataContractSerializer writes it: default namespace, sorted elements, i:nil. */
function dataContract(records: Array<Record<string, unknown>>): string {
  const items = records.map(
    (r) =>
      `<job_part_usage>${Object.keys(r)
        .sort()
        .map((k) => (r[k] === null ? `<${k} i:nil="true"/>` : `<${k}>${esc(String(r[k]))}</${k}>`))
        .join('')}</job_part_usage>`,
  );
  return `<ArrayOfjob_part_usage xmlns:i="${XSI}" xmlns="${NS}">${items.join('')}</ArrayOfjob_part_usage>`;
}

const start = (env: NodeJS.ProcessEnv) => startProcess('src/server.ts', env);

/** The server's largest event-loop delay since the last scrape, in ms. */
async function serverLagMs(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
  return m ? Number(m[1]) * 1000 : NaN;
}

/** Polls /health one request after the other until stopped; returns the longest wait. */
function poller(url: string): { stop(): Promise<number> } {
  let running = true;
  let longest = 0;
  const done = (async () => {
    while (running) {
      const t = performance.now();
      await (await fetch(`${url}/health`)).text();
      longest = Math.max(longest, performance.now() - t);
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return longest;
    },
  };
}

let scratch: { url: string; drop(): Promise<void> } | undefined;
let dataDir: string | undefined;
let env: NodeJS.ProcessEnv;
if (target === 'postgres') {
  scratch = await scratchDatabase(adminUrl, 'fs_bench');
  env = { DATABASE_URL: scratch.url };
} else {
  dataDir = mkdtempSync(join(tmpdir(), 'fs-bench-loop-'));
  env = { PGLITE_DATA_DIR: join(dataDir, 'db'), DATABASE_URL: '' };
}
const db = await openDatabase({ url: env['DATABASE_URL'] || undefined, dataDir: env['PGLITE_DATA_DIR'] });
await migrate(db);
const domain = `loop-${randomBytes(3).toString('hex')}.test`;
const issued = await createTenantWithUser(db, { domain, username: 'bench', password: 'bench-password' });
await db.close();
const auth = `Basic ${Buffer.from(`bench:${issued.password}@${domain}`).toString('base64')}`;

const server = await start({ ...env, DEMO_TENANT: 'false', RATE_LIMIT_PER_MINUTE: '0' });
const rows: string[] = [];
try {
  const post = async (path: string, type: string, body: string) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': type },
      body,
    });
    await res.arrayBuffer();
    return res.status;
  };
  const batch = (n: number) => Array.from({ length: n }, (_, i) => record(i));
  // Warm-up: compile the paths before measuring them.
  await post('/api/JobPartUsage/SaveMultiple', 'application/json', JSON.stringify(batch(500)));
  await post('/api/JobPartUsage/SaveMultiple', 'application/xml', dataContract(batch(500)));

  const json = batch(N);
  const xmlRecords = batch(N);
  const big = `<job_part_usage xmlns:i="${XSI}"><id>${randomUUID()}</id><remark>${'x'.repeat(10 << 20)}</remark></job_part_usage>`;
  const cases: Array<[string, string, string, string]> = [
    [
      `SaveMultiple, ${N} new records, JSON`,
      '/api/JobPartUsage/SaveMultiple',
      'application/json',
      JSON.stringify(json),
    ],
    [
      `SaveMultiple, the same ${N} again (unchanged), JSON`,
      '/api/JobPartUsage/SaveMultiple',
      'application/json',
      JSON.stringify(json),
    ],
    [
      `SaveMultiple, ${N} new records, DataContract XML`,
      '/api/JobPartUsage/SaveMultiple',
      'application/xml',
      dataContract(xmlRecords),
    ],
    ['Save, one 10 MB XML record (refused)', '/api/JobPartUsage/Save', 'application/xml', big],
  ];
  rows.push(`# Event loop under one large request (${target}, node ${process.version})`);
  rows.push('| request | body | answer | time | longest /health wait | server event-loop delay, max |');
  rows.push('|---|---|---|---|---|---|');
  for (const [name, path, type, body] of cases) {
    const idle = poller(server.url);
    await new Promise((r) => setTimeout(r, 500));
    const baseline = await idle.stop();
    await serverLagMs(server.url);
    const poll = poller(server.url);
    const t = performance.now();
    const status = await post(path, type, body);
    const ms = performance.now() - t;
    const longest = await poll.stop();
    const lag = await serverLagMs(server.url);
    const mb = `${(Buffer.byteLength(body) / (1 << 20)).toFixed(1)} MB`;
    rows.push(
      `| ${name} | ${mb} | ${status} | ${Math.round(ms)} ms | ${Math.round(longest)} ms (idle: ${Math.round(baseline)} ms) | ${Math.round(lag)} ms |`,
    );
    process.stdout.write(`${rows[rows.length - 1]!}\n`);
  }
} finally {
  const exited = new Promise((resolve) => server.proc.once('exit', resolve));
  server.proc.kill('SIGTERM');
  await exited;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await scratch?.drop();
}
console.log(rows.join('\n'));
