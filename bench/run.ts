/**
 * `npm run bench`: throughput of the batch and single-record paths next to what the database
 * itself does with the same rows, measured side by side in one run, on PostgreSQL (BENCH_DATABASE_URL,
 * else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test; a scratch database is created and
 * dropped) and on PGlite (a scratch data folder). BENCH_TARGETS=postgres,pglite chooses. Batch
 * and feed figures are the median of BENCH_ROUNDS (3) runs after a warm-up; single saves run
 * BENCH_SECONDS (10) with 50 connections (autocannon, loopback only), BENCH_ROUNDS rounds in turn
 * with the bare route's on PostgreSQL, each figure the median; the sync feed pulls
 * BENCH_FEED_RECORDS (100,000); the nested batch has BENCH_NESTED_JOBS (1,000) work orders. The
 * server runs compiled from dist/ (built first when stale), as `npm start` runs it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openDatabase, type Database, type Executor } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { q, sqlType } from '../src/schema/schema-model.js';
import { registry } from '../src/schema/registry.js';
import { createTenantWithUser } from '../src/setup.js';
import { cpuMs, rssKb, scratchDatabase, startProcess, stopProcess } from './processes.js';

const N = Number(process.env['BENCH_RECORDS'] ?? 10_000);
const SINGLE_SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
/** Work orders per nested batch. */
const NESTED = Number(process.env['BENCH_NESTED_JOBS'] ?? 1000);
const adminUrl =
  process.env['BENCH_DATABASE_URL'] ||
  process.env['DATABASE_URL'] ||
  'postgres://postgres@127.0.0.1:5432/test';
const targets = (process.env['BENCH_TARGETS'] ?? 'postgres,pglite').split(',');
const entity = registry.entity('job_part_usage');
const columns = entity.writable;
const lines: string[] = [];
const say = (line: string): void => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

interface Refs {
  tenantId: string;
  jobId: string;
  articleId: string;
  userId: string;
  auth: string;
  bearer: string;
}

function record(refs: Refs, i: number, id = randomUUID(), invalid = false): Record<string, unknown> {
  return {
    id,
    jobs_id: refs.jobId,
    job_approval_id: randomUUID(),
    article_stock_location_id: null,
    article_id: refs.articleId,
    is_dummy: false,
    article_code: `ART-${i % 500}`,
    article_name: `Filter cartridge ${i % 500}`,
    article_description: 'Replacement filter cartridge, 10 inch',
    working_date: '2026-06-16T21:15:51.772Z',
    quantity: 1 + (i % 5),
    serial_number: `SN-${i}`,
    price: 13.5,
    is_under_warranty: false,
    discount: 1.25,
    purchase_order_details_id: null,
    user_id: refs.userId,
    // An invalid record: a remark over its 255 characters.
    remark: invalid ? 'x'.repeat(300) : 'replaced during yearly maintenance',
    no_warranty_reason: null,
    db_unit_of_measure_id: null,
    included_on_last_stock_compute: false,
    signed_by_company: false,
    company_vat_id: randomUUID(),
    vat_value: 2.84,
    vat_rate: 21,
    invoice_id: null,
    invoice_details_id: null,
    is_customized: false,
  };
}

async function prepare(db: Database): Promise<Refs> {
  await migrate(db);
  const domain = `bench-${randomBytes(3).toString('hex')}.test`;
  const issued = await createTenantWithUser(db, {
    domain,
    username: 'bench',
    password: 'bench-password',
    withToken: true,
  });
  const tenant = await db.query<{ id: string }>('SELECT id FROM tenant WHERE domain = $1', [domain]);
  const tenantId = tenant.rows[0]!.id;
  const ids = await db.withTenant(tenantId, async (tx) => {
    const project = await tx.query<{ id: string }>(
      "INSERT INTO project (name) VALUES ('Bench site') RETURNING id",
    );
    const type = await tx.query<{ id: string }>("INSERT INTO job_type (name) VALUES ('Repair') RETURNING id");
    const job = await tx.query<{ id: string }>(
      `INSERT INTO jobs (name, project_id, job_type_id, job_status_id)
       VALUES ('Bench job', $1, $2, (SELECT id FROM job_status WHERE code = 'Open')) RETURNING id`,
      [project.rows[0]!.id, type.rows[0]!.id],
    );
    const article = await tx.query<{ id: string }>(
      "INSERT INTO article (name, code) VALUES ('Filter', 'F1') RETURNING id",
    );
    const user = await tx.query<{ id: string }>(
      "INSERT INTO \"user\" (code, lastname) VALUES ('T1', 'Tech') RETURNING id",
    );
    return { jobId: job.rows[0]!.id, articleId: article.rows[0]!.id, userId: user.rows[0]!.id };
  });
  const auth = `Basic ${Buffer.from(`bench:${issued.password}@${domain}`).toString('base64')}`;
  return { tenantId, ...ids, auth, bearer: `Bearer ${issued.token}` };
}

const PLAIN = 'bench_plain_part_usage';

/** A plain table of the same columns, with its primary key only (no indexes, keys, triggers or RLS). */
async function createPlainTable(db: Database): Promise<void> {
  const defs = columns.map((c) => `${q(c)} ${sqlType(entity.spec.fields[c]!)}`).join(', ');
  await db.query(`CREATE TABLE ${PLAIN} (${defs}, PRIMARY KEY (id))`);
}

/**
 * The physical limit: COPY into a temporary table, then INSERT .. ON CONFLICT, from a plain script,
 * into the project's table (in a tenant transaction) or into the plain table.
 */
async function rawCopyUpsert(
  tx: Executor,
  rows: Array<Record<string, unknown>>,
  table = 'job_part_usage',
): Promise<void> {
  const cols = columns.map(q).join(', ');
  const defs = columns.map((c) => `${q(c)} ${sqlType(entity.spec.fields[c]!)}`).join(', ');
  await tx.query(`CREATE TEMP TABLE raw_stage (${defs}) ON COMMIT DROP`);
  const text = rows
    .map((r) =>
      columns
        .map((c) => {
          const v = r[c];
          if (v === null || v === undefined) return '\\N';
          return typeof v === 'boolean' ? (v ? 't' : 'f') : String(v);
        })
        .join('\t'),
    )
    .join('\n');
  await tx.copyFrom(`COPY raw_stage (${cols})`, `${text}\n`);
  const set = columns
    .filter((c) => c !== 'id')
    .map((c) => `${q(c)} = EXCLUDED.${q(c)}`)
    .join(', ');
  await tx.query(
    `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM raw_stage ON CONFLICT (${table === PLAIN ? 'id' : 'tenant_id, id'}) DO UPDATE SET ${set}`,
  );
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** POSTs one SaveMultiple; returns the time and the peak RSS of the server while it ran. */
async function saveMultiple(
  url: string,
  auth: string,
  body: string,
  pid: number,
  route = 'JobPartUsage',
): Promise<{ ms: number; peakKb: number; ok: number }> {
  let peakKb = rssKb(pid);
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, rssKb(pid))), 20);
  try {
    const { ms, value } = await timed(async () => {
      const res = await fetch(`${url}/api/${route}/SaveMultiple`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body,
      });
      if (res.status !== 200) throw new Error(`SaveMultiple answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as Array<{ success: boolean }>;
    });
    return { ms, peakKb: Math.max(peakKb, rssKb(pid)), ok: value.filter((r) => r.success).length };
  } finally {
    clearInterval(sampler);
  }
}

async function singleSaves(
  url: string,
  path: string,
  auth: string | undefined,
  refs: Refs,
): Promise<autocannon.Result> {
  let i = 0;
  return autocannon({
    url: `${url}${path}`,
    method: 'POST',
    connections: 50,
    duration: SINGLE_SECONDS,
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(record(refs, i++)) }) }],
  });
}

const FEED = Number(process.env['BENCH_FEED_RECORDS'] ?? 100_000);
const FEED_PAGE = 5000;

/** Follows the feed from the start to its end; returns the number of changes received. */
async function pullAll(url: string, auth: string, compressed = false): Promise<number> {
  let since = '';
  let count = 0;
  for (;;) {
    const res = await fetch(
      `${url}/api/Sync/Changes?entities=JobPartUsage&limit=${FEED_PAGE}&since=${since}`,
      {
        // fetch asks for br, gzip and deflate unless told otherwise.
        headers: { authorization: auth, ...(compressed ? {} : { 'accept-encoding': 'identity' }) },
      },
    );
    if (res.status !== 200) throw new Error(`the feed answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { changes: unknown[]; next: string; has_more: boolean };
    count += page.changes.length;
    since = page.next;
    if (!page.has_more) return count;
  }
}

/** One round of single saves: requests a second, latency, server CPU per request. */
interface Single {
  rps: number;
  p50: number;
  p99: number;
  cpu: number;
}

async function single(
  url: string,
  path: string,
  auth: string | undefined,
  refs: Refs,
  pid: number,
): Promise<Single> {
  const before = cpuMs(pid);
  const r = await singleSaves(url, path, auth, refs);
  if (r.non2xx || r.errors)
    throw new Error(`single saves on ${path}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  const cpu = (cpuMs(pid) - before) / r.requests.total;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpu };
}

type Timing = { ms: number; peakKb: number; ok: number };
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const medianOf = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const median = (ts: Timing[]): Timing => [...ts].sort((a, b) => a.ms - b.ms)[Math.floor(ts.length / 2)]!;
/** Each figure's median over the rounds. */
const medianSingle = (runs: Single[]): Single => ({
  rps: medianOf(runs.map((r) => r.rps)),
  p50: medianOf(runs.map((r) => r.p50)),
  p99: medianOf(runs.map((r) => r.p99)),
  cpu: medianOf(runs.map((r) => r.cpu)),
});
const rate = (n: number, ms: number): number => Math.round((n / ms) * 1000);
const fmt = (n: number): string => n.toLocaleString('en-US');

async function benchTarget(target: 'postgres' | 'pglite'): Promise<void> {
  let url: string | undefined;
  let dataDir: string | undefined;
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  if (target === 'postgres') {
    scratch = await scratchDatabase(adminUrl, 'fs_bench');
    url = scratch.url;
  } else dataDir = mkdtempSync(join(tmpdir(), 'fs-bench-'));
  const env = url ? { DATABASE_URL: url } : { PGLITE_DATA_DIR: join(dataDir!, 'db'), DATABASE_URL: '' };
  try {
    // Preparation and the raw COPY figures, in this process (PGlite allows one process at a time).
    const db = await openDatabase({ url, dataDir: url ? undefined : join(dataDir!, 'db') });
    const refs = await prepare(db);
    await createPlainTable(db);
    const raw = async (rows: Array<Record<string, unknown>>) =>
      (await timed(() => db.withTenant(refs.tenantId, (tx) => rawCopyUpsert(tx, rows)))).ms;
    const plain = async (rows: Array<Record<string, unknown>>) =>
      (await timed(() => db.transaction((tx) => rawCopyUpsert(tx, rows, PLAIN)))).ms;
    const rawNewRuns: number[] = [];
    const rawUpdRuns: number[] = [];
    const plainNewRuns: number[] = [];
    const plainUpdRuns: number[] = [];
    /** One round of the database-alone figures: new rows, then the same rows changed, in both tables. */
    const rawRound = async (): Promise<void> => {
      const rows = Array.from({ length: N }, (_, i) => record(refs, i));
      const changed = rows.map((r) => ({ ...r, quantity: 9 }));
      plainNewRuns.push(await plain(rows));
      plainUpdRuns.push(await plain(changed));
      rawNewRuns.push(await raw(rows));
      rawUpdRuns.push(await raw(changed));
    };
    const warm = Array.from({ length: 1000 }, (_, i) => record(refs, i));
    await raw(warm); // warm-up
    await plain(warm);
    // PGlite allows one process at a time: its database-alone rounds run before the server starts;
    // on PostgreSQL they alternate with the API's rounds.
    const interleaved = target === 'postgres';
    if (!interleaved) for (let run = 0; run < ROUNDS; run++) await rawRound();
    // A second tenant with FEED changed records, for the sync feed next to a plain SELECT of them.
    const feedRefs = await prepare(db);
    for (let i = 0; i < FEED; i += 20_000) {
      const rows = Array.from({ length: Math.min(20_000, FEED - i) }, (_, k) => record(feedRefs, i + k));
      await db.withTenant(feedRefs.tenantId, (tx) => rawCopyUpsert(tx, rows));
    }
    /** The database-alone figure of the feed: one plain SELECT of the same rows, read by the driver. */
    const selectRuns: number[] = [];
    const selectAll = async (): Promise<void> => {
      const r = await timed(() =>
        db.withTenant(feedRefs.tenantId, (tx) => tx.query('SELECT * FROM job_part_usage ORDER BY id')),
      );
      if (r.value.rowCount !== FEED) throw new Error('unexpected feed rows');
      selectRuns.push(r.ms);
    };
    if (!interleaved) {
      for (let run = 0; run < ROUNDS; run++) await selectAll();
      await db.close();
    }

    const serverEnv = {
      ...env,
      DEMO_TENANT: 'false',
      BODY_LIMIT: String(64 << 20),
      // One credential sends everything here: the per-credential rate limit would cut the figures.
      RATE_LIMIT_PER_MINUTE: '0',
    };
    const server = await startProcess('dist/server.js', serverEnv);
    const pid = server.proc.pid!;
    const post = (rows: Array<Record<string, unknown>>) =>
      saveMultiple(server.url, refs.auth, JSON.stringify(rows), pid);
    await post(Array.from({ length: 1000 }, (_, i) => record(refs, i))); // warm-up
    const runs: Array<{ created: Timing; updated: Timing; replay: Timing; invalid: Timing }> = [];
    for (let run = 0; run < ROUNDS; run++) {
      if (interleaved) await rawRound();
      const batch = Array.from({ length: N }, (_, i) => record(refs, i));
      const changed = batch.map((r) => ({ ...r, quantity: 9 }));
      const withInvalid = Array.from({ length: N }, (_, i) => record(refs, i, randomUUID(), i % 100 === 50));
      const r = {
        created: await post(batch),
        updated: await post(changed),
        replay: await post(changed),
        invalid: await post(withInvalid),
      };
      if (r.created.ok !== N || r.updated.ok !== N || r.invalid.ok !== N - N / 100)
        throw new Error('unexpected batch results');
      runs.push(r);
    }
    // The ERP's daily push: work orders with their project as a nested object (created the first
    // time, found by its ERP key then), job type and status by ERP key.
    const typeCode = `BENCH-${randomBytes(3).toString('hex')}`;
    const typeRes = await fetch(`${server.url}/api/JobType`, {
      method: 'POST',
      headers: { authorization: refs.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ code: typeCode, name: 'Bench repair' }),
    });
    if (typeRes.status !== 201) throw new Error(`job type: ${typeRes.status} ${await typeRes.text()}`);
    const nestedRuns: Timing[] = [];
    for (let run = 0; run < ROUNDS; run++) {
      const jobs = Array.from({ length: NESTED }, (_, i) => ({
        id: randomUUID(),
        name: `Work order ${i}`,
        reference_back_office: `WO-${run}-${i}-${randomBytes(2).toString('hex')}`,
        project: { reference_back_office: `PRJ-${i % 250}`, name: `Site ${i % 250}` },
        job_type_code: typeCode,
        job_status_code: 'Open',
      }));
      const r = await saveMultiple(server.url, refs.auth, JSON.stringify(jobs), pid, 'Jobs');
      if (r.ok !== NESTED) throw new Error(`nested jobs: ${r.ok} of ${NESTED} saved`);
      nestedRuns.push(r);
    }
    const nested = median(nestedRuns);
    const rawNew = { ms: medianOf(rawNewRuns) };
    const rawUpd = { ms: medianOf(rawUpdRuns) };
    const plainNew = { ms: medianOf(plainNewRuns) };
    const plainUpd = { ms: medianOf(plainUpdRuns) };
    const created = median(runs.map((r) => r.created));
    const updated = median(runs.map((r) => r.updated));
    const replay = median(runs.map((r) => r.replay));
    const invalid = median(runs.map((r) => r.invalid));
    const peakKb = Math.max(...runs.map((r) => Math.max(r.created.peakKb, r.updated.peakKb)));
    // Single saves next to the bare route, ROUNDS rounds each: on PostgreSQL the two servers run
    // side by side and take turns; PGlite allows one process at a time, so the bare route's rounds
    // come after this server has stopped.
    const bareEnv = { ...env, TENANT_ID: refs.tenantId };
    const bare = interleaved ? await startProcess('bench/bare-server.ts', bareEnv) : undefined;
    const oursRuns: Single[] = [];
    const bareRuns: Single[] = [];
    for (let run = 0; run < ROUNDS; run++) {
      oursRuns.push(await single(server.url, '/api/JobPartUsage/Save', refs.auth, refs, pid));
      if (bare) bareRuns.push(await single(bare.url, '/save', undefined, refs, bare.proc.pid!));
    }
    const ours = medianSingle(oursRuns);
    const bearer = await singleSaves(server.url, '/api/JobPartUsage/Save', refs.bearer, refs);
    // A first page to warm up the feed's code and statement, then the whole pull, plain and compressed.
    await fetch(`${server.url}/api/Sync/Changes?entities=JobPartUsage&limit=${FEED_PAGE}`, {
      headers: { authorization: feedRefs.auth },
    }).then((res) => res.text());
    // Rounds of the plain SELECT (on PostgreSQL, between the pulls) and of the pull, plain and compressed.
    const feedRuns: number[] = [];
    const feedCompressedRuns: number[] = [];
    for (let run = 0; run < ROUNDS; run++) {
      if (interleaved) await selectAll();
      for (const [compressed, runs] of [
        [false, feedRuns],
        [true, feedCompressedRuns],
      ] as const) {
        const pulled = await timed(() => pullAll(server.url, feedRefs.auth, compressed));
        if (pulled.value !== FEED) throw new Error(`the feed gave ${pulled.value} changes, not ${FEED}`);
        runs.push(pulled.ms);
      }
    }
    if (interleaved) await db.close();
    const feed = { ms: medianOf(feedRuns) };
    const feedCompressed = { ms: medianOf(feedCompressedRuns) };
    const selectMs = medianOf(selectRuns);
    await stopProcess(server.proc);
    // Basic on a cold credential cache: the first seconds after a start, every connection sending
    // the same credential at once.
    const restarted = await startProcess('dist/server.js', serverEnv);
    const cold = await singleSaves(restarted.url, '/api/JobPartUsage/Save', refs.auth, refs);
    await stopProcess(restarted.proc);

    const bareServer = bare ?? (await startProcess('bench/bare-server.ts', bareEnv));
    while (bareRuns.length < ROUNDS)
      bareRuns.push(await single(bareServer.url, '/save', undefined, refs, bareServer.proc.pid!));
    const baseline = medianSingle(bareRuns);
    const baselineTenant = await singleSaves(bareServer.url, '/save-in-tenant', undefined, refs);
    await stopProcess(bareServer.proc);

    say(
      `\n### ${target === 'postgres' ? 'PostgreSQL (pg driver)' : 'PGlite (persisted folder)'} — ${fmt(N)} job_part_usage records`,
    );
    say('| measure | API | database alone | ratio | target | met |');
    say('|---|---|---|---|---|---|');
    const atLeast = (ratio: number, target: number): string =>
      `${ratio.toFixed(2)} | >= ${target} | ${ratio >= target ? 'yes' : 'no'}`;
    const pair = (label: string, api: number, raw: number, target?: number): void =>
      say(
        `| ${label} | ${fmt(api)} rec/s | ${fmt(raw)} rec/s | ${target === undefined ? `${(api / raw).toFixed(2)} | |` : atLeast(api / raw, target)} |`,
      );
    pair(
      'SaveMultiple, new records (JSON over HTTP) vs COPY + upsert into a plain table (primary key only)',
      rate(N, created.ms),
      rate(N, plainNew.ms),
      0.5,
    );
    pair(
      'SaveMultiple, new records vs COPY + INSERT .. ON CONFLICT into the same table',
      rate(N, created.ms),
      rate(N, rawNew.ms),
      0.8,
    );
    pair(
      'SaveMultiple, same records changed (updates) vs COPY + upsert into a plain table',
      rate(N, updated.ms),
      rate(N, plainUpd.ms),
    );
    pair(
      'SaveMultiple, same records changed (updates) vs COPY + upsert into the same table',
      rate(N, updated.ms),
      rate(N, rawUpd.ms),
    );
    say(
      `| SaveMultiple of ${fmt(NESTED)} work orders (nested project, job type and status by ERP key) vs the flat batch | ${fmt(rate(NESTED, nested.ms))} rec/s | ${fmt(rate(N, created.ms))} rec/s (API) | ${atLeast(rate(NESTED, nested.ms) / rate(N, created.ms), 0.3)} |`,
    );
    say(`| SaveMultiple replayed (all unchanged) | ${fmt(rate(N, replay.ms))} rec/s | | | | |`);
    say(
      `| SaveMultiple with 1% invalid records vs all valid | ${fmt(rate(N, invalid.ms))} rec/s | ${fmt(rate(N, created.ms))} rec/s | ${(created.ms / invalid.ms).toFixed(2)} | | |`,
    );
    say(
      `| single Save, 50 connections: req/s (p50 / p99 ms) vs bare Fastify upsert | ${fmt(Math.round(ours.rps))} (${ours.p50} / ${ours.p99}) | ${fmt(Math.round(baseline.rps))} (${baseline.p50} / ${baseline.p99}) | ${atLeast(ours.rps / baseline.rps, 0.9)} |`,
    );
    say(
      `| single Save CPU of the server per request vs the bare route's (ratio: bare / ours) | ${ours.cpu.toFixed(2)} ms | ${baseline.cpu.toFixed(2)} ms | ${atLeast(baseline.cpu / ours.cpu, 0.9)} |`,
    );
    const p99 = ours.p99 / baseline.p99;
    say(
      `| single Save p99 vs the bare route's | ${ours.p99} ms | ${baseline.p99} ms | ${p99.toFixed(2)} | <= 1.5 | ${p99 <= 1.5 ? 'yes' : 'no'} |`,
    );
    say(
      `| single Save vs the same upsert in a bare tenant transaction (role + tenant set, RLS) | ${fmt(Math.round(ours.rps))} | ${fmt(Math.round(baselineTenant.requests.average))} (${baselineTenant.latency.p50} / ${baselineTenant.latency.p99}) | ${(ours.rps / baselineTenant.requests.average).toFixed(2)} | | |`,
    );
    const reqs = (r: autocannon.Result): string =>
      `${fmt(Math.round(r.requests.average))} req/s (${r.latency.p50} / ${r.latency.p99} ms)`;
    const oursReqs = `${fmt(Math.round(ours.rps))} req/s (${ours.p50} / ${ours.p99} ms)`;
    say(
      `| single Save, Bearer vs Basic (warm credential cache) | ${reqs(bearer)} | ${oursReqs} | ${(bearer.requests.average / ours.rps).toFixed(2)} | | |`,
    );
    say(
      `| single Save, Basic on a cold cache (first ${SINGLE_SECONDS} s after a start) vs warm | ${reqs(cold)} | ${oursReqs} | ${(cold.requests.average / ours.rps).toFixed(2)} | | |`,
    );
    const errs = (r: autocannon.Result): string => `${r.errors} / ${r.non2xx}`;
    say(
      `| single Save errors / non-2xx (Bearer, cold Basic; bare route in a tenant transaction; the rounds above had none) | ${errs(bearer)}, ${errs(cold)} | ${errs(baselineTenant)} | | | |`,
    );
    const peakMb = Math.round(peakKb / 1024);
    say(
      `| peak RSS of the server during a ${fmt(N)}-record batch | ${peakMb} MB | | | <= 200 MB | ${peakMb <= 200 ? 'yes' : 'no'} |`,
    );
    say(
      `| sync feed: ${fmt(FEED)} changed records pulled over HTTP (pages of ${fmt(FEED_PAGE)}) vs one plain SELECT of them | ${fmt(rate(FEED, feed.ms))} rec/s | ${fmt(rate(FEED, selectMs))} rec/s | ${atLeast(selectMs / feed.ms, 0.5)} |`,
    );
    say(
      `| sync feed, the same pull compressed (br, asked by fetch's Accept-Encoding) vs one plain SELECT | ${fmt(rate(FEED, feedCompressed.ms))} rec/s | ${fmt(rate(FEED, selectMs))} rec/s | ${(selectMs / feedCompressed.ms).toFixed(2)} | | |`,
    );
  } finally {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  }
}

// The server runs as `npm start` runs it: compiled, from dist/ (built here when stale).
if (spawnSync(process.execPath, ['scripts/build.js', '--if-stale'], { stdio: 'inherit' }).status !== 0)
  throw new Error('the build failed');
say(`# Benchmark (node ${process.version}, ${new Date().toISOString()})`);
for (const target of targets) await benchTarget(target as 'postgres' | 'pglite');
