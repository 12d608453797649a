/**
 * Hostile requests: a percent-encoded path never gets past authentication, whatever route it
 * names; a NUL byte in credentials is a plain 401; a client's request id is used only when short
 * and printable; nothing is stored by any refused request.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { routeCatalog } from '../src/contract/routes.js';
import { registry } from '../src/schema/registry.js';
import { call, setup, type TestContext } from './helpers.js';

let ctx: TestContext;
before(async () => (ctx = await setup()));
after(() => ctx.close());

const GUID = '0b1034f9-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

/** Spellings of one path that a router may decode back to it. */
function variants(path: string): string[] {
  const encodeChar = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  const chars = [...path];
  const out = new Set<string>();
  // Each letter encoded alone, in lower and upper hex, and every letter encoded.
  chars.forEach((c, i) => {
    if (!/[A-Za-z]/.test(c)) return;
    const enc = encodeChar(c);
    out.add(chars.map((d, j) => (j === i ? enc : d)).join(''));
    out.add(chars.map((d, j) => (j === i ? enc.toUpperCase() : d)).join(''));
  });
  out.add(chars.map((c) => (/[A-Za-z]/.test(c) ? encodeChar(c) : c)).join(''));
  out.add(path.toUpperCase());
  return [...out];
}

it('every /api route answers 401 without credentials, however its path is spelled', async () => {
  const seen = new Set<string>();
  let tried = 0;
  for (const route of routeCatalog(registry)) {
    const path = `/${route.path.replace('({id})', `(${GUID})`)}`;
    const key = `${route.method} ${route.path.replace(/^api\/[^/(]+/, 'api/X')}`;
    // Every kind of route of a few entities, and the sync route.
    if (seen.has(key) && !['JobType', 'Jobs'].some((e) => route.path.startsWith(`api/${e}`))) continue;
    seen.add(key);
    for (const url of variants(path).slice(0, 40)) {
      tried++;
      const res = await ctx.app.inject({
        method: route.method,
        url,
        headers: { 'content-type': 'application/json' },
        ...(route.method === 'POST' || route.method === 'PUT'
          ? { payload: '{"name":"intruder","code":"X"}' }
          : {}),
      });
      assert.ok([401, 404].includes(res.statusCode), `${route.method} ${url}: ${res.statusCode} ${res.body}`);
      if (res.statusCode === 404) assert.equal(res.json()['code'], 'not_found');
    }
  }
  assert.ok(tried > 400, `${tried} requests`);
  const stored = await ctx.db.query("SELECT count(*)::int AS n FROM job_type WHERE name = 'intruder'");
  assert.equal(stored.rows[0]!['n'], 0);
});

it('a NUL byte or a missing colon in Basic credentials is a 401', async () => {
  for (const text of ['api\u0000:pw@tenant-a.test', 'api:pw\u0000@tenant-a.test', 'no-colon', '']) {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/JobType',
      headers: { authorization: `Basic ${Buffer.from(text).toString('base64')}` },
    });
    assert.equal(res.statusCode, 401, `${JSON.stringify(text)}: ${res.body}`);
  }
});

it('a request id from the client is kept only when short and printable', async () => {
  const ok = await ctx.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } });
  assert.equal(ok.headers['x-request-id'], 'abc-123');
  for (const bad of ['x'.repeat(200), 'a b', 'a\u0001b']) {
    const res = await ctx.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': bad } });
    assert.notEqual(res.headers['x-request-id'], bad);
    assert.match(String(res.headers['x-request-id']), /^[\w.-]{1,64}$/);
  }
});

it('a body nested deeper than 32 levels is a 400 too_deep and stores nothing', async () => {
  // Written as text, the way a client that builds it by hand sends it.
  const levels = 5000;
  const deep = `${'{"name":"nested","_parent_job":'.repeat(levels)}{"name":"deep"}${'}'.repeat(levels)}`;
  const before = await ctx.db.query('SELECT count(*)::int AS n FROM jobs');
  for (const [url, body] of [
    ['/api/Jobs', `{"name":"J","_parent_job":${deep}}`],
    ['/api/Jobs/SaveMultiple', `[{"name":"J","_parent_job":${deep}}]`],
  ] as const) {
    const res = await call(ctx, 'POST', url, { body });
    assert.equal(res.statusCode, 400, `${url}: ${res.body.slice(0, 200)}`);
    assert.equal(res.json()['code'], 'too_deep');
    assert.match(String(res.json()['message']), /nested more than 32 levels/);
  }
  const after = await ctx.db.query('SELECT count(*)::int AS n FROM jobs');
  assert.deepEqual(after.rows, before.rows);
});

it('total_lines sent by a client is ignored: the server counts the lines', async () => {
  const order = await call(ctx, 'POST', '/api/PurchaseOrder', {
    body: { code: 'PO-HOSTILE', total_lines: 999 },
  });
  assert.equal(order.statusCode, 201, order.body);
  assert.notEqual(order.json()['total_lines'], 999);
  const id = String(order.json()['id']);
  const put = await call(ctx, 'PUT', `/api/PurchaseOrder(${id})`, { body: { total_lines: 42 } });
  assert.equal(put.statusCode, 200, put.body);
  assert.notEqual(put.json()['total_lines'], 42);
  const stored = await ctx.db.query('SELECT total_lines FROM purchase_order WHERE id = $1', [id]);
  assert.notEqual(stored.rows[0]!['total_lines'], 999);
  assert.notEqual(stored.rows[0]!['total_lines'], 42);
});
