/**
 * What is around the API: the landing page, one version everywhere, the docs named in 401 bodies,
 * the request log line (tenant, API user, error code), CORS preflights, compression read back by
 * Node's own HTTP client, ETag and 304, and the security headers of the HTML pages.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { buildVersion } from '../src/build.js';
import { wantsHtml } from '../src/http/service.js';
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

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

describe('the landing page and the version', () => {
  it('answers / in JSON to API clients and in HTML to browsers, without credentials', async () => {
    const json = await call(ctx, 'GET', '/', { as: null });
    assert.equal(json.statusCode, 200);
    const body = json.json<{ service: string; version: string; links: Record<string, string> }>();
    assert.equal(body.version, pkg.version);
    assert.deepEqual(Object.values(body.links).sort(), [
      '/Help',
      '/docs',
      '/health',
      '/metrics',
      '/openapi.json',
      '/ready',
    ]);
    const html = await call(ctx, 'GET', '/', {
      as: null,
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    });
    assert.equal(html.statusCode, 200);
    assert.match(String(html.headers['content-type']), /^text\/html/);
    for (const href of ['/docs', '/Help', '/openapi.json']) assert.ok(html.body.includes(`href="${href}"`));
    assert.ok(html.body.includes(pkg.version));
  });

  it('gives HTML only to a client that prefers it', () => {
    const cases: Array<[string | undefined, boolean]> = [
      [undefined, false],
      ['*/*', false],
      ['application/json', false],
      ['application/xml', false],
      ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
      ['text/html', true],
      ['application/json, text/html;q=0.9', false],
      ['text/html;q=0, */*', false],
      ['application/json;q=0.5, text/html', true],
      ['application/*;q=0.2, text/html;q=0.3', true],
    ];
    for (const [accept, html] of cases) assert.equal(wantsHtml(accept), html, String(accept));
  });

  it('has one version: package.json, OpenAPI, /health, /ready and build_info', async () => {
    assert.equal(buildVersion, pkg.version);
    const doc = (await call(ctx, 'GET', '/openapi.json', { as: null })).json<{ info: { version: string } }>();
    assert.equal(doc.info.version, pkg.version);
    assert.equal((await call(ctx, 'GET', '/health', { as: null })).json()['version'], pkg.version);
    assert.equal((await call(ctx, 'GET', '/ready', { as: null })).json()['version'], pkg.version);
    const metrics = (await call(ctx, 'GET', '/metrics', { as: null })).body;
    assert.match(
      metrics,
      new RegExp(
        `^build_info\\{version="${pkg.version.replace(/\./g, '\\.')}",commit="[^"]*",node="${process.versions.node}"\\} 1$`,
        'm',
      ),
    );
  });

  it('a 401 tells where the docs are', async () => {
    for (const auth of [undefined, 'Basic bm9ib2R5Ondyb25nQHRlbmFudC1hLnRlc3Q=']) {
      const res = await call(ctx, 'GET', '/api/JobType', {
        as: null,
        ...(auth ? { headers: { authorization: auth } } : {}),
      });
      assert.equal(res.statusCode, 401);
      assert.match(res.json<{ message: string }>().message, /\/Help and \/docs/);
      assert.equal(res.json<{ docs: string }>().docs, '/docs');
    }
    const xml = await call(ctx, 'GET', '/api/JobType', { as: null, headers: { accept: 'application/xml' } });
    assert.equal(xml.statusCode, 401);
    assert.match(xml.body, /<code>unauthorized<\/code><docs>\/docs<\/docs><message>/);
  });
});

describe('the request log', () => {
  it('has one line per request with tenant, API user, status and error code', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = await buildApp({ db: ctx.db, logStream: stream, config: { logLevel: 'info' } });
    extra.push(app);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/JobType',
      headers: { authorization: ctx.a.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ id: 'not-a-guid' }),
    });
    assert.equal(bad.statusCode, 400);
    const refused = await app.inject({ method: 'GET', url: '/api/JobType' });
    assert.equal(refused.statusCode, 401);
    const fine = await app.inject({
      method: 'GET',
      url: '/api/JobType',
      headers: { authorization: ctx.a.auth },
    });
    assert.equal(fine.statusCode, 200);
    const requests = lines.filter((l) => l['msg'] === 'request');
    assert.equal(requests.length, 3, JSON.stringify(lines));
    const [first, second, third] = requests as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    assert.equal(first['status'], 400);
    assert.equal(first['tenant'], ctx.a.domain);
    assert.equal(typeof first['user'], 'string');
    assert.equal(first['code'], bad.json<{ code: string }>().code);
    assert.equal(second['status'], 401);
    assert.equal(second['code'], 'unauthorized');
    assert.equal(second['tenant'], undefined);
    assert.equal(third['status'], 200);
    assert.equal(third['code'], undefined);
    const password = Buffer.from(ctx.a.auth.slice(6), 'base64').toString().split(':')[1]!.split('@')[0]!;
    assert.ok(!JSON.stringify(lines).includes(password), 'no credential in the log');
    assert.ok(!JSON.stringify(lines).includes(ctx.a.auth.slice(6)), 'no credential in the log');
  });
});

describe('CORS', () => {
  const preflight = (app: FastifyInstance, origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/api/JobType',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

  it('answers a preflight from a configured origin before authentication', async () => {
    const app = await buildApp({
      db: ctx.db,
      logger: false,
      config: { corsOrigins: ['https://erp.example.com'] },
    });
    extra.push(app);
    const ok = await preflight(app, 'https://erp.example.com');
    assert.ok(ok.statusCode === 204 || ok.statusCode === 200, `${ok.statusCode} ${ok.body}`);
    assert.equal(ok.headers['access-control-allow-origin'], 'https://erp.example.com');
    assert.match(String(ok.headers['access-control-allow-methods']), /POST/);
    assert.match(String(ok.headers['access-control-allow-headers']), /authorization/i);
    // OData's PATCH and the documented request headers may be sent from the browser too.
    const patch = await app.inject({
      method: 'OPTIONS',
      url: '/api/Jobs(3f1c2e4d-5a6b-4c7d-8e9f-0a1b2c3d4e5f)',
      headers: {
        origin: 'https://erp.example.com',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization, content-type, if-match, prefer, odata-version',
      },
    });
    assert.ok(patch.statusCode === 204 || patch.statusCode === 200, `${patch.statusCode} ${patch.body}`);
    assert.match(String(patch.headers['access-control-allow-methods']), /PATCH/);
    for (const header of ['if-match', 'prefer', 'odata-version'])
      assert.match(String(patch.headers['access-control-allow-headers']), new RegExp(header));
    const other = await preflight(app, 'https://elsewhere.example');
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    // The actual request still needs credentials, and says which origin may read it.
    const get = await app.inject({
      method: 'GET',
      url: '/api/JobType',
      headers: { origin: 'https://erp.example.com', authorization: ctx.a.auth },
    });
    assert.equal(get.statusCode, 200);
    assert.equal(get.headers['access-control-allow-origin'], 'https://erp.example.com');
    for (const header of ['etag', 'link', 'preference-applied'])
      assert.match(String(get.headers['access-control-expose-headers']), new RegExp(header));
    const anonymous = await app.inject({
      method: 'GET',
      url: '/api/JobType',
      headers: { origin: 'https://erp.example.com' },
    });
    assert.equal(anonymous.statusCode, 401);
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const res = await preflight(ctx.app, 'https://erp.example.com');
    assert.notEqual(res.statusCode, 401);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });
});

describe('compression, ETag and headers', () => {
  it('compresses when asked, and a real HTTP client reads the same bytes', async () => {
    const plain = await call(ctx, 'GET', '/openapi.json', { as: null });
    const gz = await call(ctx, 'GET', '/openapi.json', { as: null, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString(), plain.body);
    assert.ok(gz.rawPayload.length * 5 < plain.rawPayload.length, 'openapi.json shrinks by more than 5x');
    const js = await call(ctx, 'GET', '/docs/static/swagger-ui-bundle.js', {
      as: null,
      headers: { 'accept-encoding': 'br, gzip' },
    });
    assert.equal(js.headers['content-encoding'], 'br');
    // Node's fetch (undici) asks for compression itself and decodes it.
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/openapi.json`);
    assert.match(String(res.headers.get('content-encoding')), /^(br|gzip|deflate)$/);
    assert.equal(await res.text(), plain.body);
    const metrics = await call(ctx, 'GET', '/metrics', { as: null, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(metrics.headers['content-encoding'], 'gzip', 'what Prometheus scrapes is compressed');
    const record = await fetch(`${address}/api/JobType?$top=1`, {
      headers: { authorization: ctx.a.auth },
    });
    assert.equal(record.status, 200);
    await record.json();
  });

  it('answers 304 to If-None-Match on GET, never on writes', async () => {
    const doc = await call(ctx, 'GET', '/openapi.json', { as: null });
    const etag = String(doc.headers['etag']);
    assert.match(etag, /^"[^"]+"$/);
    const again = await call(ctx, 'GET', '/openapi.json', { as: null, headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    assert.equal(again.headers['content-length'], undefined);
    // Asked compressed, the 304 still has no body and says what the answer varies by.
    const gz = await call(ctx, 'GET', '/openapi.json', {
      as: null,
      headers: { 'if-none-match': etag, 'accept-encoding': 'gzip' },
    });
    assert.equal(gz.statusCode, 304);
    assert.equal(gz.rawPayload.length, 0);
    assert.equal(gz.headers['content-encoding'], undefined);
    assert.match(String(gz.headers['vary']), /accept-encoding/i);
    // The files of /docs have the ETag of the static files, and a 304 as bare.
    const js = await call(ctx, 'GET', '/docs/static/swagger-ui-bundle.js', {
      as: null,
      headers: { 'accept-encoding': 'gzip' },
    });
    const jsAgain = await call(ctx, 'GET', '/docs/static/swagger-ui-bundle.js', {
      as: null,
      headers: { 'accept-encoding': 'gzip', 'if-none-match': String(js.headers['etag']) },
    });
    assert.equal(jsAgain.statusCode, 304);
    assert.equal(jsAgain.rawPayload.length, 0);
    assert.equal(jsAgain.headers['content-encoding'], undefined);
    const changed = await call(ctx, 'GET', '/openapi.json', {
      as: null,
      headers: { 'if-none-match': '"x"' },
    });
    assert.equal(changed.statusCode, 200);
    const id = randomUUID();
    const created = await call(ctx, 'POST', '/api/JobType', { body: { id, name: 'etag' } });
    assert.equal(created.statusCode, 201);
    const read = await call(ctx, 'GET', `/api/JobType(${id})`);
    const recordTag = String(read.headers['etag']);
    const notModified = await call(ctx, 'GET', `/api/JobType(${id})`, {
      headers: { 'if-none-match': recordTag },
    });
    assert.equal(notModified.statusCode, 304);
    // One ETag for the JSON and the XML of a record: caches keep them apart by Accept.
    assert.equal(read.headers['vary'], 'Accept');
    assert.equal(notModified.headers['vary'], 'Accept');
    const landing = await call(ctx, 'GET', '/', { as: null, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(landing.headers['vary'], 'Accept');
    const put = await call(ctx, 'PUT', `/api/JobType(${id})`, {
      body: { name: 'etag 2' },
      headers: { 'if-none-match': recordTag },
    });
    assert.equal(put.statusCode, 200);
    assert.equal(
      (await call(ctx, 'GET', `/api/JobType(${id})`, { headers: { 'if-none-match': recordTag } })).statusCode,
      200,
    );
  });

  it('sends security headers on the HTML pages', async () => {
    for (const url of ['/', '/docs', '/Help']) {
      const res = await call(ctx, 'GET', url, { as: null, accept: 'text/html' });
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html/, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
    }
  });
});
