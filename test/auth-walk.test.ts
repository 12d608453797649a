/**
 * Walks every registered route (app.registeredRoutes, HEAD aside) without credentials and with bad
 * ones: every /api route answers 401 with WWW-Authenticate and the error body, the public pages answer
 * anyway, a valid token works, and credentials never show in a response.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { setup, type TestContext } from './helpers.js';

let ctx: TestContext;
let secrets: string[] = [];
let cases = 0;
before(async () => {
  // No lockout after failed logins and no rate limit: every attempt must answer 401, not 429.
  ctx = await setup({ authFailureLimit: 1_000_000, rateLimitPerMinute: 0 });
  const password = decoded(ctx.a.auth).split(':')[1]!.split('@')[0]!;
  secrets = [password, ctx.a.token, ctx.b.token, ctx.a.auth.slice(6), ctx.b.auth.slice(6)];
});
after(async () => {
  console.log(`auth walk: ${cases} requests`);
  await ctx.close();
});

const decoded = (auth: string): string => Buffer.from(auth.slice('Basic '.length), 'base64').toString();
const basic = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;
const PUBLIC = /^\/((help|docs|openapi\.json|health|ready|metrics)(\/|$)|$)/i;

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
}

/** Every route but HEAD, with its parameters filled in: a random GUID key, a name, a file. */
function routes(): Route[] {
  return ctx.app.registeredRoutes
    .filter((r) => r.method !== 'HEAD')
    .map((r) => ({
      method: r.method as Route['method'],
      url: r.url
        .replace(/:key\(.*\)$/, `(${randomUUID()})`)
        .replace(/:(\w+)(\(.*?\))?/g, 'x')
        .replace(/\*$/, 'x.js'),
    }));
}

async function send(route: Route, authorization?: string): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers['authorization'] = authorization;
  const write = route.method === 'POST' || route.method === 'PUT';
  if (write) headers['content-type'] = 'application/json';
  cases++;
  return ctx.app.inject({
    method: route.method,
    url: route.url,
    headers,
    ...(write ? { payload: '{}' } : {}),
  });
}

function assertNoSecrets(res: LightMyRequestResponse, where: string, sent?: string): void {
  const text = `${JSON.stringify(res.headers)}\n${res.body}`;
  for (const secret of [...secrets, ...(sent && sent.length > 12 ? [sent.slice(7)] : [])])
    assert.ok(!text.includes(secret), `${where} shows a credential: ${text.slice(0, 300)}`);
}

/**
 * The walks whose every request costs a password hash (a known user with a wrong password, a user of
 * another or no tenant) take every SAMPLE-th route, each from its own offset, so that together they
 * still cover every route; AUTH_WALK_FULL=true walks every route with each of them.
 */
const FULL = process.env['AUTH_WALK_FULL'] === 'true';
const SAMPLE = 3;
let sampled = 0;

/** Walks every route (or a sample) with this Authorization header (none: undefined), a few at a time. */
async function walk(authorization: string | undefined, label: string, sample = false): Promise<void> {
  const every = routes();
  assert.ok(every.length > 100, `${every.length} routes registered`);
  const offset = sampled++ % SAMPLE;
  const all = sample && !FULL ? every.filter((_, i) => i % SAMPLE === offset) : every;
  let protectedRoutes = 0;
  for (let i = 0; i < all.length; i += 16) {
    await Promise.all(
      all.slice(i, i + 16).map(async (route) => {
        const res = await send(route, authorization);
        const where = `${label}: ${route.method} ${route.url} → ${res.statusCode}`;
        assertNoSecrets(res, where, authorization);
        if (PUBLIC.test(route.url)) {
          assert.ok(res.statusCode !== 401 && res.statusCode < 500, `${where} ${res.body.slice(0, 200)}`);
          return;
        }
        protectedRoutes++;
        assert.equal(res.statusCode, 401, `${where} ${res.body.slice(0, 200)}`);
        assert.match(String(res.headers['www-authenticate']), /^Basic realm="api"/, where);
        const body = res.json<Record<string, unknown>>();
        assert.deepEqual(Object.keys(body).sort(), ['code', 'docs', 'message', 'status'], where);
        assert.equal(body['docs'], '/docs', where);
        assert.equal(body['status'], 401, where);
        assert.equal(body['code'], 'unauthorized', where);
        assert.ok(typeof body['message'] === 'string' && body['message'].length > 0, where);
      }),
    );
  }
  assert.ok(
    protectedRoutes > 100 / (all === every ? 1 : SAMPLE),
    `${label}: ${protectedRoutes} protected routes walked`,
  );
  console.log(`${label}: ${all.length} routes, ${protectedRoutes} refused`);
}

describe('every route without valid credentials', () => {
  it('answers 401 without credentials, except the public pages', async () => {
    await walk(undefined, 'no credentials');
  });

  it('answers 401 with a wrong password', async () => {
    await walk(basic(`api:wrong-password@${ctx.a.domain}`), 'wrong password');
  });

  it('answers 401 with a malformed Authorization header', async () => {
    const headers: Array<[string, string]> = [
      ['Basic !!!', 'Basic !!!'],
      ['Basic base64(nouser)', basic('nouser')],
      ['Bearer random', `Bearer ${randomBytes(24).toString('base64url')}`],
      ['Bearer fsk_ random', `Bearer fsk_${randomBytes(32).toString('base64url')}`],
      ['Digest x', 'Digest x'],
      ['10 KB header', `Basic ${'A'.repeat(10 * 1024)}`],
      ['empty Basic', 'Basic '],
      ['scheme only', 'Bearer'],
      ['no domain', basic('api:whatever')],
    ];
    for (const [label, header] of headers) await walk(header, label);
  });

  it('answers 401 to a valid user of another or no tenant', async () => {
    const [user, rest] = decoded(ctx.a.auth).split(/:(.*)/s) as [string, string];
    const password = rest.slice(0, rest.lastIndexOf('@'));
    await walk(basic(`${user}:${password}@other-domain.test`), 'user:pass@other-domain', true);
    await walk(basic(`${user}:${password}@${ctx.b.domain}`), 'user:pass@tenant-b', true);
    await walk(basic(`${user}:${password}@`), 'user:pass@', true);
  });
});

describe('valid credentials', () => {
  it('a valid token and a valid password work', async () => {
    for (const authorization of [`Bearer ${ctx.a.token}`, ctx.a.auth, `bearer ${ctx.b.token}`]) {
      const res = await send({ method: 'GET', url: '/api/JobType' }, authorization);
      assert.equal(res.statusCode, 200, res.body);
      assertNoSecrets(res, 'GET /api/JobType');
    }
  });

  it('never shows a credential, also in the answers to authenticated requests', async () => {
    for (const route of routes().filter((r) => !PUBLIC.test(r.url))) {
      const res = await send(route, `Bearer ${ctx.a.token}`);
      assert.ok(res.statusCode < 500, `${route.method} ${route.url} → ${res.statusCode} ${res.body}`);
      assertNoSecrets(res, `${route.method} ${route.url}`);
    }
  });
});
