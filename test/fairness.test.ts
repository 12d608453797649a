/**
 * One tenant sending slow bodies (headers at once, the body never finished) over raw sockets to a
 * real server process: it gets its share of slots and no more (429 tenant_busy, decided before
 * the body is read), another tenant is served meanwhile, the slow requests are cut off by the
 * request timeout, and nothing is stored. The bodies in flight are held to a number of bytes (503
 * beyond it, before the body is read).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { onPostgres } from './helpers.js';
import { basicAuth, cli, startServer, type ServerProcess } from './process.js';
import { seedDataDir } from './templates.js';

const skip = onPostgres ? 'runs in the PGlite pass (the database plays no part)' : false;
let dir: string;
let server: ServerProcess;
const a = basicAuth('u', 'p', 'slow.test');
const b = basicAuth('u', 'p', 'fair.test');

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'fs-fair-'));
  const env = { PGLITE_DATA_DIR: join(dir, 'db'), DATABASE_URL: '' };
  await seedDataDir(join(dir, 'db'));
  for (const domain of ['slow.test', 'fair.test'])
    cli(env, 'create-user', '--domain', domain, '--username', 'u', '--password', 'p');
  server = await startServer({
    ...env,
    MAX_IN_FLIGHT: '40',
    MAX_IN_FLIGHT_PER_TENANT: '8',
    BATCH_CONCURRENCY_PER_TENANT: '2',
    REQUEST_TIMEOUT_SECONDS: '3',
    RATE_LIMIT_PER_MINUTE: '0',
  });
});
after(async () => {
  if (skip) return;
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Slow {
  socket: Socket;
  /** The status line of the answer, once one came; 'closed' when the server closed without one. */
  answer: Promise<string>;
}

/** Sends the headers and the first byte of a body that is never finished. */
function slowRequest(path: string, auth: string, url = server.url): Slow {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth ? `Authorization: ${auth}\r\n` : ''}` +
      `Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n[`,
  );
  const answer = new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (text.includes('\r\n')) resolve(text.slice(0, text.indexOf('\r\n')));
    });
    socket.on('close', () => resolve(text ? text.slice(0, text.indexOf('\r\n')) : 'closed'));
    socket.on('error', () => resolve('closed'));
  });
  return { socket, answer };
}

const settled = async (slow: Slow, ms: number): Promise<string | undefined> =>
  Promise.race([slow.answer, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);

it(
  'slow bodies of one tenant leave another tenant served, and are cut off by the timeout',
  { skip, timeout: 120_000 },
  async () => {
    // Credentials verified once (cached), so what follows measures the quotas, not password hashing.
    const warm = await fetch(`${server.url}/api/JobType`, { headers: { authorization: a } });
    assert.equal(warm.status, 200, await warm.text());
    const batches = Array.from({ length: 6 }, () => slowRequest('/api/JobType/SaveMultiple', a));
    const singles = Array.from({ length: 20 }, () => slowRequest('/api/JobType', a));
    const all = [...batches, ...singles];
    // The refusals come at once; the admitted ones stay open. Wait (bounded) for the refusals.
    const answered = new Set<number>();
    all.forEach((s, i) => void s.answer.then(() => answered.add(i)));
    for (let i = 0; i < 300 && answered.size < all.length - 8; i++)
      await new Promise((r) => setTimeout(r, 100));
    const early = await Promise.all(all.map((s) => settled(s, 300)));
    const refused = early.filter((line) => line?.includes(' 429 '));
    const held = early.filter((line) => line === undefined);
    assert.equal(held.length, 8, `the tenant's share is held: ${JSON.stringify(early)}`);
    assert.equal(refused.length, all.length - 8, JSON.stringify(early));
    const batchAnswers = early.slice(0, batches.length);
    assert.equal(batchAnswers.filter((l) => l === undefined).length, 2, 'two batches at a time');

    // The other tenant meanwhile: every request served.
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${server.url}/api/JobType`, { headers: { authorization: b } });
      assert.equal(res.status, 200, await res.text());
      await res.arrayBuffer().catch(() => undefined);
    }
    const created = await fetch(`${server.url}/api/JobType`, {
      method: 'POST',
      headers: { authorization: b, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'served' }),
    });
    assert.equal(created.status, 201, await created.text());

    // The held requests end within the request timeout (3 s, checked every second), with 408 or a close.
    const ends = await Promise.all(all.map((s) => settled(s, 15_000)));
    for (const [i, line] of ends.entries()) {
      assert.ok(line !== undefined, `request ${i} was cut off`);
      if (early[i] === undefined) assert.ok(line === 'closed' || line.includes(' 408 '), line);
    }
    for (const s of all) s.socket.destroy();
    // The tenant has its slots back, and nothing of the cut requests was stored.
    // (the server frees a slot when it has closed the connection: a moment after the client saw the 408).
    let list = await fetch(`${server.url}/api/JobType`, { headers: { authorization: a } });
    for (let i = 0; i < 50 && list.status === 429; i++) {
      await new Promise((r) => setTimeout(r, 100));
      list = await fetch(`${server.url}/api/JobType`, { headers: { authorization: a } });
    }
    assert.equal(list.status, 200, await list.clone().text());
    assert.deepEqual(((await list.json()) as { value: unknown[] }).value, []);
  },
);

it('a path that matches no route is answered before its body is read', { skip }, async () => {
  for (const [path, status] of [
    ['/nope', ' 404 '],
    ['/Help/NoSuchPage/x', ' 404 '],
    ['/api/NoSuchEntity', ' 401 '],
    ['/%61pi/JobType', ' 401 '],
  ] as const) {
    const slow = slowRequest(path, '');
    const line = await settled(slow, 10_000);
    slow.socket.destroy();
    assert.ok(line?.includes(status), `${path}: ${line}`);
  }
});

it(
  'the bodies in flight are held to BODY_BYTES_IN_FLIGHT bytes: 503 beyond it, bodiless requests served',
  { skip, timeout: 120_000 },
  async () => {
    const own = mkdtempSync(join(tmpdir(), 'fs-budget-'));
    const env = { PGLITE_DATA_DIR: join(own, 'db'), DATABASE_URL: '' };
    await seedDataDir(join(own, 'db'));
    cli(env, 'create-user', '--domain', 'budget.test', '--username', 'u', '--password', 'p');
    const auth = basicAuth('u', 'p', 'budget.test');
    const small = await startServer({ ...env, BODY_BYTES_IN_FLIGHT: '150000', RATE_LIMIT_PER_MINUTE: '0' });
    try {
      const post = (body: string): Promise<Response> =>
        fetch(`${small.url}/api/JobType`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body,
        });
      /** A job type padded with spaces to `size` bytes of JSON. */
      const padded = (name: string, size: number): string => {
        const json = JSON.stringify({ name });
        return json + ' '.repeat(size - json.length);
      };
      // Credentials verified once, while nothing is held.
      assert.equal(
        (await fetch(`${small.url}/api/JobType`, { headers: { authorization: auth } })).status,
        200,
      );
      // One body larger than the whole budget is taken when no other is held.
      const alone = await post(padded('alone', 200_000));
      assert.equal(alone.status, 201, await alone.text());

      // A body of 100,000 bytes announced and never finished holds its bytes.
      const held = slowRequest('/api/JobType', auth, small.url);
      // Until the held request's head has been read by the server (bounded), a body still fits.
      const early: string[] = [];
      let refused = await post(padded('early 0', 100_000));
      for (let i = 1; i < 100 && refused.status === 201; i++) {
        early.push(`early ${i - 1}`);
        await new Promise((r) => setTimeout(r, 50));
        refused = await post(padded(`early ${i}`, 100_000));
      }
      assert.equal(refused.status, 503, await refused.clone().text());
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.equal(((await refused.json()) as { code: string }).code, 'overloaded');
      // Within the budget, and without a body, requests are served meanwhile.
      const fits = await post(JSON.stringify({ name: 'fits' }));
      assert.equal(fits.status, 201, await fits.text());
      const list = await fetch(`${small.url}/api/JobType`, { headers: { authorization: auth } });
      assert.equal(list.status, 200, await list.text());

      // Once the held request is gone, its bytes are free again.
      held.socket.destroy();
      let later = await post(padded('later', 100_000));
      for (let i = 0; i < 100 && later.status === 503; i++) {
        await new Promise((r) => setTimeout(r, 50));
        later = await post(padded('later', 100_000));
      }
      assert.equal(later.status, 201, await later.text());
      const names = (
        (await (
          await fetch(`${small.url}/api/JobType?$orderby=name`, { headers: { authorization: auth } })
        ).json()) as { value: Array<{ name: string }> }
      ).value.map((t) => t.name);
      assert.deepEqual(names, ['alone', ...early, 'fits', 'later'], 'the refused bodies stored nothing');
    } finally {
      await small.stop();
      rmSync(own, { recursive: true, force: true });
    }
  },
);
