/** Operations: health, readiness, metrics, the bound on requests in flight, rate limits. */
import { buildVersion } from '../src/build.js';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { call, setup, type TestContext } from './helpers.js';

let ctx: TestContext;
const extra: FastifyInstance[] = [];
before(async () => {
  ctx = await setup();
});
after(async () => {
  for (const app of extra) await app.close();
  await ctx.close();
});

async function appWith(config: Record<string, unknown>): Promise<FastifyInstance> {
  const app = await buildApp({ db: ctx.db, logger: false, config });
  await app.ready();
  extra.push(app);
  return app;
}

it('health and readiness need no credentials', async () => {
  const health = await call(ctx, 'GET', '/health', { as: null });
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json(), { status: 'ok', version: buildVersion });
  const ready = await call(ctx, 'GET', '/ready', { as: null });
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json(), { status: 'ready', version: buildVersion });
});

it('metrics in Prometheus format: requests and latencies per route, batch sizes, process', async () => {
  await call(ctx, 'GET', '/api/JobType');
  const batch = Array.from({ length: 3 }, () => ({ id: randomUUID(), quantity: 1 }));
  assert.equal((await call(ctx, 'POST', '/api/JobPartUsage/SaveMultiple', { body: batch })).statusCode, 200);
  const res = await call(ctx, 'GET', '/metrics', { as: null });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /text\/plain/);
  assert.match(res.body, /http_requests_total\{method="GET",route="\/api\/JobType",status="200"\} \d+/);
  assert.match(
    res.body,
    /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/JobType"\}/,
  );
  assert.match(res.body, /save_multiple_records_count 1/);
  assert.match(res.body, /process_resident_memory_bytes \d+/);
  assert.match(res.body, /http_requests_in_flight \d+/);
});

it('beyond the requests in flight it answers 503 at once, with Retry-After', async () => {
  const app = await appWith({ maxInFlight: 2 });
  const batch = Array.from({ length: 300 }, () => ({ id: randomUUID(), quantity: 1 }));
  const responses = await Promise.all(
    Array.from({ length: 12 }, () =>
      app.inject({
        method: 'POST',
        url: '/api/JobPartUsage/SaveMultiple',
        headers: { authorization: ctx.a.auth, 'content-type': 'application/json' },
        payload: JSON.stringify(batch.map((r) => ({ ...r, id: randomUUID() }))),
      }),
    ),
  );
  const refused = responses.filter((r) => r.statusCode === 503);
  assert.ok(refused.length > 0, 'some requests are refused');
  assert.ok(
    responses.some((r) => r.statusCode === 200),
    'the others are served',
  );
  assert.equal(refused[0]!.headers['retry-after'], '1');
  assert.equal(refused[0]!.json()['code'], 'overloaded');
  const later = await app.inject({
    method: 'GET',
    url: '/api/JobType',
    headers: { authorization: ctx.a.auth },
  });
  assert.equal(later.statusCode, 200, 'the count goes back down');
});

it('a credential over its rate gets 429 with Retry-After; another credential is not affected', async () => {
  const app = await appWith({ rateLimitPerMinute: 3 });
  const get = (auth: string) =>
    app.inject({ method: 'GET', url: '/api/JobType', headers: { authorization: auth } });
  for (let i = 0; i < 3; i++) assert.equal((await get(ctx.a.auth)).statusCode, 200);
  const limited = await get(ctx.a.auth);
  assert.equal(limited.statusCode, 429);
  assert.equal(limited.json()['code'], 'rate_limited');
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.equal((await get(ctx.b.auth)).statusCode, 200);
  assert.equal(
    (await app.inject({ method: 'GET', url: '/health' })).statusCode,
    200,
    'public pages are not limited',
  );
});

it('repeated wrong passwords are slowed down with 429', async () => {
  const app = await appWith({ authFailureLimit: 3 });
  const wrong = `Basic ${Buffer.from(`api:nope@${ctx.a.domain}`).toString('base64')}`;
  const get = (auth: string) =>
    app.inject({ method: 'GET', url: '/api/JobType', headers: { authorization: auth } });
  for (let i = 0; i < 3; i++) assert.equal((await get(wrong)).statusCode, 401);
  const blocked = await get(wrong);
  assert.equal(blocked.statusCode, 429);
  assert.equal(blocked.json()['code'], 'too_many_failures');
  assert.equal((await get(ctx.b.auth)).statusCode, 200, 'another user is not blocked');
});
