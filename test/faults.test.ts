/**
 * Faults injected into a running server: PostgreSQL stops and starts again under load; the server
 * is killed in the middle of a batch; SIGTERM while a request is running; two processes updating
 * the same job. On the PostgreSQL pass, with a PostgreSQL cluster the test starts on a free port.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { postgresBin, startCluster, type Cluster } from './cluster.js';
import { onPostgres } from './helpers.js';
import { basicAuth, cli, startServer, type ServerProcess } from './process.js';

const skip = !onPostgres
  ? 'runs in the PostgreSQL pass'
  : !postgresBin()
    ? 'no PostgreSQL server binaries'
    : false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('faults', { skip }, () => {
  let cluster: Cluster;
  let env: NodeJS.ProcessEnv;
  let auth: string;
  const servers: ServerProcess[] = [];

  before(async () => {
    cluster = await startCluster();
    env = { DATABASE_URL: cluster.url, DB_POOL_SIZE: '4', PURGE_INTERVAL_MINUTES: '0' };
    cli(env, 'create-user', '--domain', 'faults.test', '--username', 'u', '--password', 'p');
    auth = basicAuth('u', 'p', 'faults.test');
  });
  after(async () => {
    for (const s of servers) await s.stop('SIGKILL');
    cluster?.destroy();
  });

  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  const usage = () => ({ id: randomUUID(), quantity: 1, price: 2.5 });
  async function post(url: string, path: string, body: unknown, key?: string) {
    const headers: Record<string, string> = { authorization: auth, 'content-type': 'application/json' };
    if (key) headers['idempotency-key'] = key;
    try {
      const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
    } catch (err) {
      return { status: 0, retryAfter: null, body: String(err) };
    }
  }

  it(
    'PostgreSQL stops and restarts under load: 503 with Retry-After meanwhile, then every record once',
    { timeout: 120_000 },
    async () => {
      const server = await startServer(env);
      servers.push(server);
      interface Job {
        path: string;
        body: unknown;
        ids: string[];
        key: string;
        done: boolean;
      }
      const jobs: Job[] = [];
      const statuses: Array<{ status: number; retryAfter: string | null }> = [];
      const run = async (job: Job) => {
        const r = await post(server.url, job.path, job.body, job.key);
        statuses.push(r);
        job.done = r.status === 200 || r.status === 201;
      };
      const client = async (n: number) => {
        for (let i = 0; i < 40; i++) {
          const records = Array.from({ length: i % 2 ? 1 : 20 }, usage);
          const job: Job = {
            path: records.length === 1 ? '/api/JobPartUsage/Save' : '/api/JobPartUsage/SaveMultiple',
            body: records.length === 1 ? records[0] : records,
            ids: records.map((r) => r.id),
            key: `client-${n}-${i}`,
            done: false,
          };
          jobs.push(job);
          await run(job);
          await sleep(25);
        }
      };
      const load = Promise.all([0, 1, 2, 3].map(client));
      await sleep(400);
      cluster.stop();
      // The outage lasts until the clients have met it (bounded), however slow the machine is.
      for (let waited = 0; waited < 15_000; waited += 100) {
        if (statuses.filter((s) => s.status !== 200 && s.status !== 201).length >= 4) break;
        await sleep(100);
      }
      // Nothing half-written: every batch is there whole or not at all (checked once the database is back).
      cluster.start();
      await load;
      const failed = statuses.filter((s) => s.status !== 200 && s.status !== 201);
      assert.ok(failed.length > 0, 'some requests met the outage');
      for (const s of failed) {
        assert.equal(
          s.status,
          503,
          `during the outage: ${JSON.stringify(s)}\n${server.output().slice(-3000)}`,
        );
        assert.ok(Number(s.retryAfter) > 0, 'with Retry-After');
      }
      const present = new Set(
        (await query<{ id: string }>('SELECT id FROM job_part_usage')).map((r) => r.id),
      );
      for (const job of jobs) {
        const found = job.ids.filter((id) => present.has(id)).length;
        assert.ok(found === 0 || found === job.ids.length, 'a batch is stored whole or not at all');
        if (job.done) assert.equal(found, job.ids.length, 'an acknowledged record is stored');
      }
      // The clients retry what failed; the server has recovered by itself.
      for (const job of jobs.filter((j) => !j.done)) {
        for (let attempt = 0; attempt < 20 && !job.done; attempt++) {
          await run(job);
          if (!job.done) await sleep(250);
        }
        assert.ok(job.done, 'the retry succeeds');
      }
      const rows = await query<{ id: string; n: number }>(
        'SELECT id, count(*)::int AS n FROM job_part_usage GROUP BY id',
      );
      const all = jobs.flatMap((j) => j.ids);
      assert.equal(rows.length, new Set(all).size, 'every record stored');
      assert.ok(
        rows.every((r) => r.n === 1),
        'exactly once',
      );
    },
  );

  it(
    'SIGKILL in the middle of a 10,000-record batch: all or nothing, and the retry completes it',
    { timeout: 120_000 },
    async () => {
      let server = await startServer(env);
      servers.push(server);
      const batch = Array.from({ length: 10_000 }, usage);
      const ids = batch.map((r) => r.id);
      const sent = post(server.url, '/api/JobPartUsage/SaveMultiple', batch);
      await sleep(350);
      await server.stop('SIGKILL');
      await sent;
      const count = async () =>
        (
          await query<{ n: number }>(
            'SELECT count(*)::int AS n FROM job_part_usage WHERE id = ANY($1::uuid[])',
            [ids],
          )
        )[0]!.n;
      const afterKill = await count();
      assert.ok(afterKill === 0 || afterKill === 10_000, `all or nothing, found ${afterKill}`);
      server = await startServer(env);
      servers.push(server);
      const retry = await post(server.url, '/api/JobPartUsage/SaveMultiple', batch);
      assert.equal(retry.status, 200, retry.body);
      const results = JSON.parse(retry.body) as Array<{ success: boolean }>;
      assert.ok(results.every((r) => r.success));
      assert.equal(await count(), 10_000);
    },
  );

  it(
    'SIGTERM finishes the request in flight, refuses new ones and exits 0',
    { timeout: 60_000 },
    async () => {
      const server = await startServer({ ...env, LOG_LEVEL: 'info' });
      const batch = Array.from({ length: 5_000 }, usage);
      const running = post(server.url, '/api/JobPartUsage/SaveMultiple', batch);
      await sleep(150);
      const stopped = server.stop('SIGTERM');
      // The next request goes once the server has taken the signal, however loaded the machine is.
      for (let i = 0; i < 600 && !server.output().includes('shutting down'); i++) await sleep(50);
      const late = await post(server.url, '/api/JobPartUsage/Save', usage());
      assert.ok(late.status === 0 || late.status === 503, `a new request is refused (${late.status})`);
      const done = await running;
      assert.equal(done.status, 200, 'the request in flight completes');
      assert.equal(await stopped, 0);
    },
  );

  it('two processes updating one job with versions lose no update', { timeout: 120_000 }, async () => {
    const a = await startServer(env);
    const b = await startServer(env);
    servers.push(a, b);
    const job = await post(a.url, '/api/Jobs', {
      name: 'counter',
      estimated_time: 0,
      project: { reference_back_office: 'P-1', name: 'Site' },
      job_type: { code: 'T', name: 'Type' },
      job_status_code: 'Open',
    });
    assert.equal(job.status, 201, job.body);
    const id = String((JSON.parse(job.body) as { id: string }).id);
    const increment = async (url: string) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const read = await fetch(`${url}/api/Jobs(${id})`, { headers: { authorization: auth } });
        const current = (await read.json()) as { estimated_time: number };
        const res = await fetch(`${url}/api/Jobs(${id})`, {
          method: 'PUT',
          headers: {
            authorization: auth,
            'content-type': 'application/json',
            'if-match': read.headers.get('etag')!,
          },
          body: JSON.stringify({ estimated_time: current.estimated_time + 1 }),
        });
        if (res.status === 200) return;
        assert.ok(
          res.status === 409 || res.status === 503,
          `a conflict is answered, not lost (${res.status})`,
        );
      }
      throw new Error('too many conflicts');
    };
    await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        (async () => {
          for (let i = 0; i < 8; i++) await increment(n % 2 ? a.url : b.url);
        })(),
      ),
    );
    const final = (
      await query<{ estimated_time: number }>('SELECT estimated_time FROM jobs WHERE id = $1', [id])
    )[0]!;
    assert.equal(final.estimated_time, 48, 'every increment is kept');
  });
});
