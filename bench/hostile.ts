/**
 * `npm run load -- --hostile`: a well-behaved tenant's latency with and without an attack running
 * next to it, on one server process (loopback only, fixed time). The attack, all at once: slow
 * bodies from another tenant, 10 MB XML bodies, deeply nested JSON, password guessing and unknown
 * user names from another loopback address, percent-encoded paths without credentials, and
 * 10,000-record batches of the other tenant. Prints p50/p99 of the good tenant in both phases and
 * the ratio, and what the attackers got.
 * Env: HOSTILE_SECONDS (20), BENCH_DATABASE_URL / DATABASE_URL (else the local PostgreSQL; a
 * scratch database is created and dropped).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { connect } from 'node:net';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createTenantWithUser } from '../src/setup.js';
import { rssKb, scratchDatabase, startProcess, stopProcess } from './processes.js';

const SECONDS = Number(process.env['HOSTILE_SECONDS'] ?? 20);
const adminUrl =
  process.env['BENCH_DATABASE_URL'] ||
  process.env['DATABASE_URL'] ||
  'postgres://postgres@127.0.0.1:5432/test';

const basic = (user: string, password: string, domain: string): string =>
  `Basic ${Buffer.from(`${user}:${password}@${domain}`).toString('base64')}`;

const scratch = await scratchDatabase(adminUrl, 'fs_hostile');
const db = await openDatabase({ url: scratch.url });
await migrate(db);
const good = await createTenantWithUser(db, {
  domain: 'good.test',
  username: 'erp',
  password: 'good-password',
});
const evil = await createTenantWithUser(db, {
  domain: 'evil.test',
  username: 'x',
  password: 'evil-password',
});
await db.close();
const goodAuth = basic('erp', good.password, 'good.test');
const evilAuth = basic('x', evil.password, 'evil.test');

const server = await startProcess('src/server.ts', { DATABASE_URL: scratch.url, DEMO_TENANT: 'false' });
const { port } = server;

interface Answer {
  status: number;
  body: string;
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One request; `from` picks the local (loopback) address it is sent from. */
function request(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
  from = '127.0.0.1',
): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers,
        localAddress: from,
        agent: from === '127.0.0.1' ? agent : undefined,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', () => resolve({ status: 0, body: '' }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(body);
  });
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
};

/** The well-behaved tenant: 4 clients listing, reading, saving and pulling, one request at a time each. */
async function wellBehaved(
  until: number,
): Promise<{ latencies: number[]; failures: number; statuses: Set<number> }> {
  const json = { authorization: goodAuth, 'content-type': 'application/json' };
  const latencies: number[] = [];
  let failures = 0;
  const statuses = new Set<number>();
  const known: string[] = [];
  let cursor = '';
  const client = async (k: number) => {
    for (let i = 0; Date.now() < until; i++) {
      const started = performance.now();
      let res: Answer;
      switch ((i + k) % 4) {
        case 0:
          res = await request('GET', '/api/JobType?$top=20', json);
          break;
        case 1: {
          const id = randomUUID();
          res = await request('POST', '/api/JobType/Save', json, JSON.stringify({ id, name: `good ${i}` }));
          if (res.status < 300) known.push(id);
          break;
        }
        case 2: {
          const id = known.at(-1);
          res = id
            ? await request('GET', `/api/JobType(${id})`, json)
            : await request('GET', '/api/JobType?$top=1', json);
          break;
        }
        default:
          res = await request(
            'GET',
            `/api/Sync/Changes?entities=JobType&limit=100${cursor ? `&since=${cursor}` : ''}`,
            json,
          );
          if (res.status === 200) cursor = (JSON.parse(res.body) as { next: string }).next;
      }
      latencies.push(performance.now() - started);
      if (res.status >= 300) {
        failures++;
        statuses.add(res.status);
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(client));
  return { latencies, failures, statuses };
}

const attackCounts = new Map<string, number>();
const count = (kind: string, status: number) => {
  const key = `${kind} ${status}`;
  attackCounts.set(key, (attackCounts.get(key) ?? 0) + 1);
};

/** Every attacker at once until `until`. */
async function attack(until: number): Promise<void> {
  const running = () => Date.now() < until;
  const xmlRecord = `<JobType><name>${'x'.repeat(4000)}</name></JobType>`;
  const bigXml = `<ArrayOfJobType xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${xmlRecord.repeat(2500)}</ArrayOfJobType>`;
  const deepJson = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const batch = JSON.stringify(
    Array.from({ length: 10_000 }, (_, i) => ({ id: randomUUID(), name: `evil ${i}` })),
  );
  const xmlHeaders = { authorization: evilAuth, 'content-type': 'application/xml' };
  const attackers: Array<Promise<void>> = [];
  const loop = (kind: string, send: () => Promise<Answer>) =>
    attackers.push(
      (async () => {
        while (running()) count(kind, (await send()).status);
      })(),
    );
  // Slow bodies: 150 connections that send headers and never finish the body, opened again when cut.
  for (let s = 0; s < 150; s++) {
    attackers.push(
      (async () => {
        while (running()) {
          await new Promise<void>((resolve) => {
            const socket = connect(port, '127.0.0.1');
            socket.write(
              `POST /api/JobType/SaveMultiple HTTP/1.1\r\nHost: x\r\nAuthorization: ${evilAuth}\r\n` +
                'Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n[',
            );
            let status = 0;
            socket.on(
              'data',
              (d: Buffer) => (status ||= Number(/^HTTP\/1\.1 (\d+)/.exec(d.toString('latin1'))?.[1] ?? 0)),
            );
            const stop = setTimeout(() => socket.destroy(), Math.max(until - Date.now(), 0));
            socket.on('close', () => {
              clearTimeout(stop);
              count('slow body', status);
              resolve();
            });
            socket.on('error', () => undefined);
          });
        }
      })(),
    );
  }
  loop('10 MB XML batch', () => request('POST', '/api/JobType/SaveMultiple', xmlHeaders, bigXml));
  loop('10 MB XML single', () => request('POST', '/api/JobType', xmlHeaders, bigXml));
  loop('nested JSON', () =>
    request(
      'POST',
      '/api/JobType/SaveMultiple',
      { authorization: evilAuth, 'content-type': 'application/json' },
      deepJson,
    ),
  );
  loop('10k batch', () =>
    request(
      'POST',
      '/api/JobType/SaveMultiple',
      { authorization: evilAuth, 'content-type': 'application/json' },
      batch,
    ),
  );
  for (let g = 0; g < 4; g++) {
    loop('wrong password (other address)', () =>
      request(
        'GET',
        '/api/JobType',
        { authorization: basic('erp', randomUUID(), 'good.test') },
        undefined,
        '127.0.0.2',
      ),
    );
    loop('unknown user (other address)', () =>
      request(
        'GET',
        '/api/JobType',
        { authorization: basic(randomUUID(), 'x', 'good.test') },
        undefined,
        '127.0.0.3',
      ),
    );
  }
  loop('encoded path, no credentials', () =>
    request('POST', '/%61pi/JobType', { 'content-type': 'application/json' }, '{"name":"intruder"}'),
  );
  await Promise.all(attackers);
}

await wellBehaved(Date.now() + 3000); // warm-up
const calm = await wellBehaved(Date.now() + SECONDS * 1000);
const end = Date.now() + SECONDS * 1000;
const [underAttack] = await Promise.all([wellBehaved(end), attack(end)]);
const rss = Math.round(rssKb(server.proc.pid!) / 1024);
await stopProcess(server.proc);
agent.destroy();
await scratch.drop();

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const row = (name: string, r: { latencies: number[]; failures: number; statuses: Set<number> }) =>
  `| ${name} | ${r.latencies.length.toLocaleString('en-US')} | ${fmt(percentile(r.latencies, 50))} | ${fmt(percentile(r.latencies, 99))} | ${r.failures}${r.failures ? ` (${[...r.statuses].join(', ')})` : ''} |`;
const ratio = (p: number) =>
  (percentile(underAttack.latencies, p) / percentile(calm.latencies, p)).toFixed(2);
process.stdout.write(
  `# Hostile load (node ${process.version}, PostgreSQL, ${SECONDS} s per phase)\n` +
    `| well-behaved tenant (4 clients) | requests | p50 | p99 | failed |\n|---|---|---|---|---|\n` +
    `${row('without attack', calm)}\n${row('during the attack', underAttack)}\n\n` +
    `p50 ratio ${ratio(50)}, p99 ratio ${ratio(99)} (attack / calm); server RSS at the end ${rss} MB\n\n` +
    `| attack | status | answers |\n|---|---|---|\n` +
    [...attackCounts]
      .sort()
      .map(([k, n]) => `| ${k.slice(0, k.lastIndexOf(' '))} | ${k.slice(k.lastIndexOf(' ') + 1)} | ${n} |`)
      .join('\n') +
    '\n',
);
process.exitCode = underAttack.failures === 0 ? 0 : 1;
