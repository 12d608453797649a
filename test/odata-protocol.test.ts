/**
 * OData as clients use it, through the app: null semantics of $filter on stored rows, $count and
 * api/X/$count, $select, the context of one record, PATCH, GET and DELETE with a Content-Type and
 * no body, unsupported query options, 405 with Allow, stable paging on a non-unique $orderby, the
 * service document and $metadata, $format, and links behind a trusted proxy (TRUST_PROXY).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';
import { parseFilter } from '../src/db/odata.js';
import { registry } from '../src/schema/registry.js';
import { call, createTenant, setup, type Tenant, type TestContext, tenantIdOf } from './helpers.js';

let ctx: TestContext;
let c: Tenant;
before(async () => {
  ctx = await setup();
  c = await createTenant(ctx.db, 'tenant-c.test');
});
after(async () => {
  await ctx.close();
});

type Row = Record<string, unknown>;
type Page = { '@odata.context': string; '@odata.count'?: number; '@odata.nextLink'?: string; value: Row[] };

const list = async (url: string, as: Tenant = c): Promise<Page> => {
  const res = await call(ctx, 'GET', url, { as });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json<Page>();
};

const tenantOf = async (t: Tenant): Promise<string> => await tenantIdOf(ctx.db, t.domain);

/** A job type as stored, read from the database. */
async function stored(t: Tenant, id: string): Promise<Row | undefined> {
  const tenant = await tenantOf(t);
  return ctx.db.withTenant(
    tenant,
    async (tx) => (await tx.query('SELECT * FROM job_type WHERE id = $1', [id])).rows[0],
  );
}

async function create(t: Tenant, body: Row): Promise<string> {
  const res = await call(ctx, 'POST', '/api/JobType', { as: t, body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ id: string }>().id;
}

describe('$filter null semantics on stored rows', () => {
  const codes: Record<string, string> = {};
  before(async () => {
    for (const [code, description] of [
      ['NX', 'x'],
      ['NY', 'y'],
      ['NN', null],
    ] as const) {
      codes[await create(c, { code, name: `null ${code}`, description })] = code;
    }
  });

  const found = async (filter: string): Promise<string[]> => {
    const page = await list(
      `/api/JobType?$filter=${encodeURIComponent(`startswith(name,'null ') and (${filter})`)}`,
    );
    return page.value.map((r) => String(r['code'])).sort();
  };

  it('ne, eq null, ne null and not() follow OData, not SQL', async () => {
    const cases: Array<[string, string[]]> = [
      ["description eq 'x'", ['NX']],
      ["description ne 'x'", ['NN', 'NY']],
      ["not (description eq 'x')", ['NN', 'NY']],
      ["not (description ne 'x')", ['NX']],
      ['description eq null', ['NN']],
      ['description ne null', ['NX', 'NY']],
      ['not (description eq null)', ['NX', 'NY']],
      ["description gt 'x'", ['NY']],
      ["not (description gt 'x')", ['NN', 'NX']],
      ["description le 'x'", ['NX']],
      ["not (description le 'x')", ['NN', 'NY']],
      ["not (description eq 'x' or description eq 'y')", ['NN']],
      ["not (description ne 'x' and description ne 'y')", ['NX', 'NY']],
      // The functions keep a null result: a null field matches neither contains nor not contains.
      ["contains(description,'x')", ['NX']],
      ["not contains(description,'x')", ['NY']],
    ];
    for (const [filter, expected] of cases) assert.deepEqual(await found(filter), expected, filter);
  });

  it('a required field compares plainly, and eq keeps using the index of its column', async () => {
    assert.deepEqual(await found("name ne 'null NX'"), ['NN', 'NY']);
    // A tenant with many job types spread over many sales organizations, analyzed.
    const t = await createTenant(ctx.db, 'tenant-plan.test');
    const tenant = await tenantOf(t);
    const orgs = await ctx.db.withTenant(tenant, async (tx) => {
      await tx.query(
        `INSERT INTO sales_organization (id, name) SELECT gen_random_uuid(), 'org ' || g FROM generate_series(1, 200) g`,
      );
      await tx.query(
        `INSERT INTO job_type (id, name, sales_organization_id) SELECT gen_random_uuid(), 'plan ' || g, s.id
         FROM generate_series(1, 10) g CROSS JOIN sales_organization s`,
      );
      return (await tx.query<{ id: string }>('SELECT id FROM sales_organization LIMIT 1')).rows;
    });
    await ctx.db.query('ANALYZE job_type');
    const filter = parseFilter(registry.entity('job_type'), `sales_organization_id eq ${orgs[0]!.id}`);
    assert.match(filter.sql, /IS NOT NULL/);
    const plan = await ctx.db.withTenant(tenant, async (tx) => {
      const r = await tx.query(`EXPLAIN SELECT * FROM job_type t WHERE ${filter.sql}`, filter.params);
      return r.rows.map((row) => String(Object.values(row)[0])).join('\n');
    });
    assert.match(plan, /job_type_sales_organization_id_idx/, plan);
  });
});

describe('$count', () => {
  before(async () => {
    const tenant = await tenantOf(ctx.a);
    const rows = `SELECT gen_random_uuid(), 'count ' || lpad(g::text, 3, '0') FROM generate_series(1, 230) g`;
    await ctx.db.withTenant(tenant, (tx) => tx.query(`INSERT INTO job_type (id, name) ${rows}`));
  });

  it('$count=true gives the count of every matching record, not of the page', async () => {
    const page = await list(`/api/JobType?$count=true&$filter=name ge 'count 100'&$top=10`, ctx.a);
    assert.equal(page['@odata.count'], 131);
    assert.equal(page.value.length, 10);
    const all = await list('/api/JobType?$count=true', ctx.a);
    assert.equal(all['@odata.count'], 230);
    assert.equal(all.value.length, 100);
    assert.deepEqual(Object.keys(all).slice(0, 3), ['@odata.context', '@odata.count', 'value']);
    const next = new URL(all['@odata.nextLink']!);
    assert.equal(next.searchParams.get('$count'), 'true');
    assert.equal((await list(next.pathname + next.search, ctx.a))['@odata.count'], 230);
    assert.equal((await list('/api/JobType', ctx.a))['@odata.count'], undefined);
    assert.equal((await list('/api/JobType?$count=false', ctx.a))['@odata.count'], undefined);
  });

  it('api/X/$count answers the number as text, honouring $filter', async () => {
    const all = await call(ctx, 'GET', '/api/JobType/$count');
    assert.equal(all.statusCode, 200);
    assert.match(String(all.headers['content-type']), /^text\/plain/);
    assert.equal(all.body, '230');
    const some = await call(
      ctx,
      'GET',
      `/api/jobtype/$count?$filter=${encodeURIComponent("name lt 'count 011'")}`,
    );
    assert.equal(some.body, '10');
    assert.equal((await call(ctx, 'GET', '/api/JobType/$count', { as: ctx.b })).body, '0');
  });

  it('refuses a bad $count, a bad $filter and options $count does not take', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['/api/JobType?$count=yes', 'invalid_query', /\$count/],
      ['/api/JobType/$count?$filter=nosuch eq 1', 'invalid_filter', /nosuch/],
      ['/api/JobType/$count?$top=1', 'unsupported_query_option', /\$top/],
    ];
    for (const [url, code, message] of cases) {
      const res = await call(ctx, 'GET', url);
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json()['code'], code, url);
      assert.match(String(res.json()['message']), message, url);
    }
  });
});

describe('$select and the context of one record', () => {
  let id = '';
  before(async () => {
    id = await create(c, { code: 'SEL', name: 'selected', description: 'desc' });
  });

  it('lists only the fields chosen, id always included, in JSON and XML', async () => {
    const page = await list(`/api/JobType?$filter=code eq 'SEL'&$select=name,code`);
    assert.deepEqual(page.value, [{ id, name: 'selected', code: 'SEL' }]);
    assert.match(page['@odata.context'], /\/api\/\$metadata#JobType\(id,name,code\)$/);
    const xml = await call(ctx, 'GET', `/api/JobType?$filter=code eq 'SEL'&$select=description`, {
      as: c,
      accept: 'application/xml',
    });
    assert.equal(
      xml.body,
      `<ArrayOfjob_type xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><job_type><description>desc</description><id>${id}</id></job_type></ArrayOfjob_type>`,
    );
    const star = await list(`/api/JobType?$filter=code eq 'SEL'&$select=*`);
    // Every field that has a value (members without one are left out).
    const stored = registry.entity('job_type').output.filter((f) => f !== 'sales_organization_id');
    assert.deepEqual(Object.keys(star.value[0]!), stored);
  });

  it('refuses a field that does not exist, naming it', async () => {
    for (const url of ['/api/JobType?$select=name,nosuch', `/api/JobType(${id})?$select=nosuch`]) {
      const res = await call(ctx, 'GET', url, { as: c });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json()['code'], 'invalid_select');
      assert.match(String(res.json()['message']), /nosuch is not a field of job_type/);
      assert.deepEqual(
        res.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field),
        ['nosuch'],
      );
    }
    const empty = await call(ctx, 'GET', '/api/JobType?$select=name,', { as: c });
    assert.equal(empty.json()['code'], 'invalid_select');
  });

  it('one record carries its @odata.context, and $select narrows it', async () => {
    const res = await call(ctx, 'GET', `/api/JobType(${id})`, { as: c });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual(Object.keys(body)[0], '@odata.context');
    assert.match(String(body['@odata.context']), /\/api\/\$metadata#JobType\/\$entity$/);
    assert.equal(body['code'], 'SEL');
    assert.equal(res.headers['etag'], '"1"');
    assert.equal(res.headers['odata-version'], '4.0');
    const narrow = await call(ctx, 'GET', `/api/JobType(${id})?$select=code`, { as: c });
    assert.deepEqual(narrow.json(), {
      '@odata.context': String(body['@odata.context']).replace('#JobType/', '#JobType(id,code)/'),
      id,
      code: 'SEL',
    });
    const xml = await call(ctx, 'GET', `/api/JobType(${id})`, { as: c, accept: 'application/xml' });
    assert.doesNotMatch(xml.body, /odata/);
    // A write answers the record without a context, as before.
    const put = await call(ctx, 'PUT', `/api/JobType(${id})`, { as: c, body: { description: 'again' } });
    assert.equal(put.json()['@odata.context'], undefined);
  });
});

describe('PATCH, and GET and DELETE with a Content-Type but no body', () => {
  it('PATCH updates the fields given and keeps the others', async () => {
    const id = await create(c, { code: 'PAT', name: 'before', description: 'kept' });
    const inject = (method: 'PATCH', body: Row, headers: Record<string, string> = {}) =>
      ctx.app.inject({
        method,
        url: `/api/JobType(${id})`,
        headers: { authorization: c.auth, 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(body),
      });
    const res = await inject('PATCH', { name: 'after' });
    assert.equal(res.statusCode, 200, res.body);
    const row = await stored(c, id);
    assert.deepEqual([row?.['name'], row?.['description'], row?.['code']], ['after', 'kept', 'PAT']);
    const stale = await inject('PATCH', { name: 'stale' }, { 'if-match': '"1"' });
    assert.equal(stale.statusCode, 409);
    assert.equal(JSON.parse(stale.body).code, 'version_conflict');
    assert.equal((await stored(c, id))?.['name'], 'after');
    const missing = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/JobType(${randomUUID()})`,
      headers: { authorization: c.auth, 'content-type': 'application/json' },
      payload: '{"name":"x"}',
    });
    assert.equal(missing.statusCode, 404, missing.body);
  });

  it('a DELETE or GET with Content-Type: application/json and an empty body is answered', async () => {
    const id = await create(c, { code: 'DEL', name: 'to delete' });
    for (const type of ['application/json', 'application/xml', 'text/json; charset=utf-8']) {
      const get = await ctx.app.inject({
        method: 'GET',
        url: `/api/JobType(${id})`,
        headers: { authorization: c.auth, 'content-type': type },
      });
      assert.equal(get.statusCode, 200, `${type}: ${get.body}`);
      const listed = await ctx.app.inject({
        method: 'GET',
        url: '/api/JobType',
        headers: { authorization: c.auth, 'content-type': type, 'content-length': '0' },
      });
      assert.equal(listed.statusCode, 200, `${type}: ${listed.body}`);
    }
    const del = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/JobType(${id})`,
      headers: { authorization: c.auth, 'content-type': 'application/json' },
    });
    assert.equal(del.statusCode, 204, del.body);
    assert.equal(await stored(c, id), undefined);
    // A write still needs its body.
    const post = await ctx.app.inject({
      method: 'POST',
      url: '/api/JobType',
      headers: { authorization: c.auth, 'content-type': 'application/json' },
    });
    assert.equal(post.statusCode, 400);
    assert.equal(JSON.parse(post.body).code, 'empty_body');
  });
});

describe('query options', () => {
  it('refuses every system query option a route does not take, naming it', async () => {
    const id = randomUUID();
    const cases: Array<[string, string]> = [
      ['/api/JobType?$expand=sales_organization', '$expand'],
      ['/api/JobType?$apply=groupby((name))', '$apply'],
      ['/api/JobType?$search=boiler', '$search'],
      ['/api/JobType?$compute=name as n', '$compute'],
      ['/api/JobType?$levels=2', '$levels'],
      ['/api/JobType?$whatever=1', '$whatever'],
      ['/api/JobType?$Filter=name eq 1', '$Filter'],
      [`/api/JobType(${id})?$expand=x`, '$expand'],
      [`/api/JobType(${id})?$filter=name eq 'x'`, '$filter'],
      ['/api/Sync/Changes?$top=1', '$top'],
      ['/api/$metadata?$select=x', '$select'],
      ['/api/?$expand=x', '$expand'],
    ];
    for (const [url, name] of cases) {
      const res = await call(ctx, 'GET', url, { as: c });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal(res.json()['code'], 'unsupported_query_option', url);
      assert.ok(String(res.json()['message']).includes(`query option ${name} `), res.body);
    }
    for (const url of ['/api/JobType?$expand=x', '/api/JobType/Save?$select=name']) {
      const res = await call(ctx, 'POST', url, { as: c, body: { name: 'never stored' } });
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json()['code'], 'unsupported_query_option', url);
    }
    const stored = await ctx.db.query("SELECT count(*)::int AS n FROM job_type WHERE name = 'never stored'");
    assert.equal(stored.rows[0]!['n'], 0);
  });

  it('keeps the options it supports, custom options and $format', async () => {
    assert.equal(
      (await list('/api/JobType?$top=1&$skip=0&$orderby=name&$filter=code ne null&custom=1')).value.length,
      1,
    );
    const xml = await call(ctx, 'GET', '/api/JobType?$top=1&$format=xml', { as: c });
    assert.match(String(xml.headers['content-type']), /^application\/xml/);
    assert.match(xml.body, /^<ArrayOfjob_type /);
    const json = await call(
      ctx,
      'GET',
      '/api/JobType?$top=1&$format=application/json;odata.metadata=minimal',
      {
        as: c,
        accept: 'application/xml',
      },
    );
    assert.match(String(json.headers['content-type']), /^application\/json/);
    const bad = await call(ctx, 'GET', '/api/JobType?$format=atom', { as: c });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json()['code'], 'invalid_query');
    assert.match(String(bad.json()['message']), /\$format/);
  });
});

describe('405 with Allow', () => {
  it('answers a method the path does not take with 405 and the methods it takes', async () => {
    const id = randomUUID();
    const cases: Array<['GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', string, string]> = [
      ['DELETE', '/api/JobType/SaveMultiple', 'POST'],
      ['GET', '/api/JobType/Save', 'POST'],
      ['PUT', '/api/JobType', 'GET, HEAD, POST'],
      ['PATCH', '/api/jobtype', 'GET, HEAD, POST'],
      ['DELETE', '/api/JobType', 'GET, HEAD, POST'],
      ['POST', `/api/JobType(${id})`, 'GET, HEAD, PUT, PATCH, DELETE'],
      ['POST', '/api/JobType/$count', 'GET, HEAD'],
      ['POST', '/api/$metadata', 'GET, HEAD'],
      ['DELETE', '/api', 'GET, HEAD'],
      ['PUT', '/api/Sync/Changes', 'GET, HEAD'],
    ];
    for (const [method, url, allow] of cases) {
      const res = await ctx.app.inject({
        method,
        url,
        headers: { authorization: c.auth, 'content-type': 'application/json' },
        payload: '{"name":"x"}',
      });
      assert.equal(res.statusCode, 405, `${method} ${url}: ${res.body}`);
      assert.equal(res.headers['allow'], allow, `${method} ${url}`);
      assert.equal(JSON.parse(res.body).code, 'method_not_allowed');
    }
    const head = await ctx.app.inject({
      method: 'HEAD',
      url: '/api/JobType/Save',
      headers: { authorization: c.auth },
    });
    assert.deepEqual([head.statusCode, head.headers['allow']], [405, 'POST']);
    // Without credentials: 401 first, as everywhere under /api; an unknown path stays 404.
    const anonymous = await ctx.app.inject({ method: 'PUT', url: '/api/JobType' });
    assert.equal(anonymous.statusCode, 401);
    const unknown = await call(ctx, 'DELETE', '/api/NoSuchThing', { as: c });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json()['code'], 'not_found');
  });
});

describe('stable paging', () => {
  it('a non-unique $orderby pages by $top/$skip without repeating or skipping a record', async () => {
    const t = await createTenant(ctx.db, 'tenant-paging.test');
    const tenant = await tenantOf(t);
    const rows = `SELECT gen_random_uuid(), 'same', CASE WHEN g % 3 = 0 THEN NULL ELSE 'd' || (g % 2) END FROM generate_series(1, 60) g`;
    await ctx.db.withTenant(tenant, (tx) => tx.query(`INSERT INTO job_type (id, name, description) ${rows}`));
    for (const order of ['name', 'description desc', 'description,name']) {
      const seen: string[] = [];
      for (let skip = 0; skip < 60; skip += 7) {
        const page = await list(`/api/JobType?$orderby=${order}&$top=7&$skip=${skip}`, t);
        seen.push(...page.value.map((r) => String(r['id'])));
      }
      assert.equal(seen.length, 60, order);
      assert.equal(new Set(seen).size, 60, `${order}: no record twice`);
    }
  });
});

describe('the service document and $metadata', () => {
  it('lists every entity set; both need credentials', async () => {
    for (const url of ['/api', '/api/']) {
      const res = await call(ctx, 'GET', url, { as: c });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['odata-version'], '4.0');
      const doc = res.json<{
        '@odata.context': string;
        value: Array<{ name: string; kind: string; url: string }>;
      }>();
      assert.match(doc['@odata.context'], /\/api\/\$metadata$/);
      assert.deepEqual(
        doc.value.map((s) => s.name),
        registry.entities.flatMap((e) => e.routes),
      );
    }
    for (const url of ['/api', '/api/$metadata', '/API/%24metadata']) {
      const res = await ctx.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 401, url);
    }
  });

  it('$metadata describes each entity type with its facets', async () => {
    const res = await call(ctx, 'GET', '/api/$metadata', { as: c });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/xml/);
    const xml = res.body;
    const type = /<EntityType Name="job_part_usage">[\s\S]*?<\/EntityType>/.exec(xml)![0];
    assert.match(type, /<Key>\s*<PropertyRef Name="id"\/>\s*<\/Key>/);
    assert.match(type, /<Property Name="id" Type="Edm.Guid" Nullable="false">/);
    assert.match(type, /<Property Name="article_code" Type="Edm.String" MaxLength="255">/);
    assert.match(type, /<Property Name="quantity" Type="Edm.Decimal" Scale="variable">/);
    assert.match(
      type,
      /<Property Name="modified_dateutc" Type="Edm.DateTimeOffset" Nullable="false" Precision="3">/,
    );
    assert.match(type, /<Property Name="row_version" Type="Edm.Int64" Nullable="false">/);
    assert.match(type, /<Property Name="is_dummy" Type="Edm.Boolean"/);
    const article = /<EntityType Name="article">[\s\S]*?<\/EntityType>/.exec(xml)![0];
    assert.match(
      article,
      /<Property Name="translations" Type="Collection\(FieldService.article_translation\)"\/>/,
    );
    assert.match(xml, /<ComplexType Name="article_translation">/);
    assert.match(xml, /<EntitySet Name="Users" EntityType="FieldService.user"\/>/);
  });
});

describe('links behind a proxy', () => {
  const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'erp-gateway.example:8443' };

  async function nextLink(config: Record<string, unknown>): Promise<string> {
    const app = await setup({ pageSize: 1, ...config });
    try {
      await call(app, 'POST', '/api/JobType', { body: { name: 'one' } });
      await call(app, 'POST', '/api/JobType', { body: { name: 'two' } });
      const res = await call(app, 'GET', '/api/JobType', { headers: forwarded });
      return String(res.json<Page>()['@odata.nextLink']);
    } finally {
      await app.close();
    }
  }

  it('follows X-Forwarded-Proto and -Host only when TRUST_PROXY trusts the proxy', async () => {
    assert.match(await nextLink({}), /^http:\/\/localhost(:80)?\/api\/JobType\?/);
    assert.match(
      await nextLink({ trustProxy: true }),
      /^https:\/\/erp-gateway\.example:8443\/api\/JobType\?/,
    );
    assert.match(await nextLink({ trustProxy: ['127.0.0.1'] }), /^https:\/\/erp-gateway\.example:8443\//);
    assert.match(await nextLink({ trustProxy: ['10.0.0.0/8'] }), /^http:\/\/localhost/);
  });

  it('reads TRUST_PROXY as a boolean, a hop count or a list of addresses', () => {
    const of = (value: string | undefined) =>
      loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy;
    assert.equal(of(undefined), false);
    assert.equal(of('false'), false);
    assert.equal(of('true'), true);
    assert.equal(of('2'), 2);
    assert.deepEqual(of('127.0.0.1, 10.0.0.0/8,::1'), ['127.0.0.1', '10.0.0.0/8', '::1']);
    assert.throws(() => of('proxy.example'), /TRUST_PROXY/);
  });
});
