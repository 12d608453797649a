/**
 * The table of error codes is the one list: the OpenAPI document and the help page of every route
 * list exactly the statuses that route can answer (its successes, and the statuses of the errors
 * the table gives it, 429 and 503 included), and every error the suite meets is in the table with
 * its status (checked on every answer by the `call` helper).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ERRORS } from '../src/contract/errors.js';
import { helpName, routeCatalog } from '../src/contract/routes.js';
import { openApiDocument } from '../src/docs/openapi.js';
import { registry } from '../src/schema/registry.js';
import { call, setup, type TestContext } from './helpers.js';

let ctx: TestContext;
before(async () => (ctx = await setup()));
after(() => ctx.close());

const routes = routeCatalog(registry);

it('every route of the catalog can answer 401, 429, 500 and 503', () => {
  for (const route of routes) {
    for (const status of [401, 429, 500, 503])
      assert.ok(route.statuses.includes(status), `${route.path} ${status}`);
  }
});

it('OpenAPI lists, for each route, exactly its statuses', () => {
  const doc = openApiDocument(registry) as { paths: Record<string, Record<string, { responses: object }>> };
  for (const route of routes) {
    const op = doc.paths[`/${route.path}`]![route.method.toLowerCase()]!;
    assert.deepEqual(
      Object.keys(op.responses).map(Number).sort(),
      route.statuses,
      `${route.method} ${route.path}`,
    );
  }
});

it('the help page of each route lists exactly its error statuses and codes', async () => {
  for (const route of routes.filter((r) => !r.entity || r.path.startsWith(`api/${r.entity.route}`))) {
    const res = await ctx.app.inject({ method: 'GET', url: `/Help/Api/${helpName(route)}` });
    assert.equal(res.statusCode, 200, helpName(route));
    const table = /data-testid="error-responses"[\s\S]*?<\/table>/.exec(res.body)![0];
    const rows = [...table.matchAll(/<tr><td>(\d{3})<\/td><td>([a-z_]+)<\/td>/g)].map((m) => [
      Number(m[1]),
      m[2]!,
    ]);
    const expected = Object.entries(ERRORS)
      .filter(([, e]) => (e.routes as readonly string[]).includes(route.kind))
      .map(([code, e]) => [e.status, code]);
    assert.deepEqual(
      rows.map((r) => r.join(' ')).sort(),
      expected.map((r) => r.join(' ')).sort(),
      helpName(route),
    );
    assert.deepEqual(
      [...new Set(rows.map((r) => r[0]))].sort(),
      route.statuses.filter((s) => s >= 400),
    );
  }
});

it('an error met by a request names a code of the table with its status', async () => {
  const res = await call(ctx, 'GET', '/api/Jobs?$top=x');
  assert.equal(res.statusCode, 400);
  assert.equal(res.json()['code'], 'invalid_query');
  const unauthorized = await call(ctx, 'GET', '/api/Jobs', { as: null });
  assert.equal(unauthorized.statusCode, 401);
  assert.equal(unauthorized.headers['www-authenticate'], 'Basic realm="api", charset="UTF-8", Bearer');
});
