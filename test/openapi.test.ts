/** The OpenAPI document: valid OpenAPI 3.1, and every registered route is in it (and nothing else). */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { call, setup, type TestContext } from './helpers.js';

let ctx: TestContext;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx.close();
});

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: unknown[]; requestBody?: unknown }>>;
  components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
}

async function document(): Promise<Doc> {
  const res = await call(ctx, 'GET', '/openapi.json', { as: null });
  assert.equal(res.statusCode, 200);
  return res.json<Doc>();
}

it('is a valid OpenAPI 3.1 document', async () => {
  const doc = await document();
  assert.equal(doc.openapi, '3.1.0');
  const result = await new Validator().validate(doc as never);
  assert.equal(result.valid, true, JSON.stringify(result.errors)?.slice(0, 2000));
});

it('documents every registered API route, and only those', async () => {
  const doc = await document();
  const documented = new Set(
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    ),
  );
  const registered = new Set(
    ctx.app.registeredRoutes
      .filter((r) => /^\/api(\/|$)/i.test(r.url) && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url.replace(':key(^\\(.+\\)$)', '({id})')}`),
  );
  assert.ok(registered.size > 27 * 7, `${registered.size} routes`);
  assert.deepEqual(
    [...registered].filter((r) => !documented.has(r)),
    [],
    'registered but not documented',
  );
  assert.deepEqual(
    [...documented].filter((r) => !registered.has(r)),
    [],
    'documented but not registered',
  );
});

it('carries the registry facts: descriptions, max lengths, patterns, ranges, required, optionally required', async () => {
  const doc = await document();
  const jobs = doc.components.schemas['jobs_create']!;
  assert.equal(jobs.properties!['reference_back_office']!['maxLength'], 50);
  assert.match(String(jobs.properties!['name']!['description']), /Name of the Job/);
  assert.deepEqual((jobs as Record<string, unknown>)['required'], ['name']);
  assert.deepEqual((jobs as Record<string, unknown>)['x-optionally-required'], [
    ['project_id', 'project_reference_back_office', 'project'],
    ['job_type_id', 'job_type_code', 'job_type'],
    ['job_status_id', 'job_status_code'],
  ]);
  const line = doc.components.schemas['purchase_order_details_create']!.properties!;
  assert.equal(line['price']!['x-pattern'], '^[0-9]\\d*(\\.\\d+)?$');
  assert.equal(line['quantity']!['minimum'], 0.1);
  const save = doc.paths['/api/JobPartUsage/Save']!['post']!;
  assert.ok(save.requestBody);
  const media = Object.keys((save.requestBody as { content: Record<string, unknown> }).content);
  assert.deepEqual(media, ['application/json', 'text/json', 'application/xml', 'text/xml']);
});

it('serves the interactive reference from the installed package', async () => {
  const page = await call(ctx, 'GET', '/docs', { as: null });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /swagger-ui-bundle\.js/);
  const bundle = await call(ctx, 'GET', '/docs/static/swagger-ui-bundle.js', { as: null });
  assert.equal(bundle.statusCode, 200);
  assert.ok(bundle.body.length > 100_000);
  assert.equal((await call(ctx, 'GET', '/docs/static/package.json', { as: null })).statusCode, 404);
});
