/**
 * The help pages: the index links every route of the catalog, every page answers without
 * credentials, the request samples a page shows (JSON and XML) are accepted by the route they
 * document on a fresh tenant, and the pages of the five seed operations show the seeds' rules.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { helpName, routeCatalog, type RouteDoc } from '../src/contract/routes.js';
import { helpHref } from '../src/docs/help.js';
import { registry } from '../src/schema/registry.js';
import { fromXml, parseXml, xmlItems } from '../src/schema/xml.js';
import { createTenant, openTestDatabase, type Tenant, type TestDatabase } from './helpers.js';

let test: TestDatabase;
let app: FastifyInstance;
before(async () => {
  test = await openTestDatabase();
  app = await buildApp({ db: test.db, logger: false });
  await app.ready();
});
after(async () => {
  await app.close();
  await test.close();
});

const routes = routeCatalog(registry);
const WRITES = new Set(['create', 'update', 'save', 'saveMultiple']);

const get = (url: string) => app.inject({ method: 'GET', url });

const UNESCAPES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const unescape = (html: string): string => html.replace(/&(amp|lt|gt|quot|#39);/g, (e) => UNESCAPES[e]!);
const text = (html: string): string =>
  unescape(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

/** The text of a `<pre data-testid=...>` sample block. */
function sample(html: string, testId: string): string {
  const m = new RegExp(`<pre data-testid="${testId}">([\\s\\S]*?)</pre>`).exec(html);
  assert.ok(m, `no ${testId} block`);
  return unescape(m[1]!);
}

interface Row {
  type: string;
  info: string[];
}

/** The rows of a field table (Name | Description | Type | Additional information), by name, in order. */
function fieldTable(html: string, testId: string): Map<string, Row> {
  const m = new RegExp(`<table data-testid="${testId}">([\\s\\S]*?)</table>`).exec(html);
  assert.ok(m, `no ${testId} table`);
  const rows = new Map<string, Row>();
  for (const tr of m[1]!.split('<tr>').slice(2)) {
    const cells = [...tr.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!);
    const info = [...cells[3]!.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((p) => text(p[1]!));
    rows.set(text(cells[0]!), { type: text(cells[2]!), info });
  }
  return rows;
}

async function page(name: string): Promise<string> {
  const r = await get(`/Help/Api/${name}`);
  assert.equal(r.statusCode, 200, name);
  return r.body;
}

describe('help index and pages', () => {
  it('lists every route of the catalog with a working link, without credentials', async () => {
    const index = await get('/Help');
    assert.equal(index.statusCode, 200);
    assert.match(String(index.headers['content-type']), /^text\/html; charset=utf-8/);
    assert.match(index.body, /data-testid="route-table"/);
    const links = new Set(
      [...index.body.matchAll(/href="(\/Help\/Api\/[^"]+)"/g)].map((m) => unescape(m[1]!)),
    );
    assert.equal(links.size, routes.length);
    for (const route of routes) {
      const href = helpHref(route);
      assert.ok(links.has(href), `index links ${helpName(route)}`);
      const r = await get(href);
      assert.equal(r.statusCode, 200, href);
      assert.match(String(r.headers['content-type']), /^text\/html; charset=utf-8/);
      assert.ok(r.body.includes('href="/Help"'), `${href} links back to the index`);
      assert.equal(r.body.includes('data-testid="body-parameters"'), WRITES.has(route.kind), href);
      const bodies = !['delete', 'count', 'metadata', 'service'].includes(route.kind);
      assert.equal(/data-testid="response-json"/.test(r.body), bodies, href);
      assert.match(r.body, /data-testid="error-responses"/);
    }
  });

  it('links every resource model, which lists every output field', async () => {
    const index = (await get('/Help')).body;
    for (const entity of registry.entities) {
      assert.ok(index.includes(`/Help/ResourceModel?modelName=${entity.name}"`), entity.name);
      const r = await get(`/Help/ResourceModel?modelName=${entity.name}`);
      assert.equal(r.statusCode, 200, entity.name);
      assert.deepEqual([...fieldTable(r.body, 'resource-model').keys()], [...entity.output], entity.name);
    }
    const jobs = fieldTable((await get('/Help/ResourceModel?modelName=jobs')).body, 'resource-model');
    assert.deepEqual([...jobs.keys()], [...registry.entity('jobs').output]);
    assert.deepEqual(jobs.get('name')!.info, ['Required', 'Max length: 255']);
  });

  it('finds pages case-insensitively and answers 404 with the error body for unknown ones', async () => {
    assert.equal((await get('/Help/Api/post-api-jobs')).statusCode, 200);
    assert.equal((await get('/help/api/GET-API-JOBS(ID)')).statusCode, 200);
    for (const url of [
      '/Help/Api/POST-api-Nothing',
      '/Help/ResourceModel?modelName=nothing',
      '/Help/ResourceModel',
    ]) {
      const r = await get(url);
      assert.equal(r.statusCode, 404, url);
      assert.deepEqual(
        { status: r.json<{ status: number }>().status, code: r.json<{ code: string }>().code },
        { status: 404, code: 'not_found' },
      );
    }
  });

  it('needs no credentials while the API does', async () => {
    assert.equal((await get('/Help/Api/GET-api-Jobs')).statusCode, 200);
    assert.equal((await get('/api/Jobs')).statusCode, 401);
  });

  it('escapes what it shows', async () => {
    const body = await page('GET-api-Jobs');
    // The OData example holds quotes, which appear escaped in the HTML.
    assert.ok(body.includes('modified_dateutc gt &#39;2026-01-01T00:00:00Z&#39;'));
    assert.ok(!/<script/i.test(body));
  });
});

describe('seed operations', () => {
  it('POST api/Jobs: optionally required references, max length, required', async () => {
    const rows = fieldTable(await page('POST-api-Jobs'), 'body-parameters');
    const project =
      'Optionally required : project_id, project_reference_back_office or project must be provided';
    for (const name of ['project_id', 'project_reference_back_office', 'project']) {
      assert.ok(rows.get(name)!.info.includes(project), name);
    }
    const names = [...rows.keys()];
    assert.deepEqual(names.slice(names.indexOf('project_id'), names.indexOf('project_id') + 3), [
      'project_id',
      'project_reference_back_office',
      'project',
    ]);
    assert.equal(rows.get('project')!.type, 'project');
    assert.ok(
      rows
        .get('job_status_code')!
        .info.includes('Optionally required : job_status_id or job_status_code must be provided'),
    );
    assert.deepEqual(rows.get('reference_back_office')!.info, ['Max length: 50']);
    assert.deepEqual(rows.get('name')!.info, ['Required', 'Max length: 255']);
    assert.equal(rows.get('id')!.type, 'globally unique identifier');
    assert.equal(rows.get('due_date')!.type, 'date');
  });

  it('POST api/PurchaseOrderDetails: price pattern and ranges', async () => {
    const rows = fieldTable(await page('POST-api-PurchaseOrderDetails'), 'body-parameters');
    const range = 'Range: inclusive between 0.1 and 1.79769313486232E+308';
    assert.deepEqual(rows.get('price')!.info, [
      'Matching regular expression pattern: ^[0-9]\\d*(\\.\\d+)?$',
      range,
    ]);
    assert.deepEqual(rows.get('quantity')!.info, ['Required', range]);
    assert.equal(rows.get('price')!.type, 'decimal number');
    assert.deepEqual(rows.get('cost_price')!.info, [
      'Matching regular expression pattern: ^[0-9]\\d*(\\.\\d+)?$',
    ]);
    const po =
      'Optionally required : purchase_order_id, purchase_order_reference_back_office or purchase_order must be provided';
    for (const name of ['purchase_order_id', 'purchase_order_reference_back_office', 'purchase_order']) {
      assert.ok(rows.get(name)!.info.includes(po), name);
    }
    const article = 'Optionally required : article_id, article_code or article must be provided';
    for (const name of ['article_id', 'article_code', 'article'])
      assert.ok(rows.get(name)!.info.includes(article));
    assert.deepEqual(rows.get('reference_back_office')!.info, ['Max length: 50']);
    assert.deepEqual(rows.get('code')!.info, ['Max length: 255']);
  });

  for (const name of ['POST-api-JobPartUsage-Save', 'POST-api-JobPartUsage-SaveMultiple']) {
    it(`${name}: the fields of job_part_usage with their max lengths`, async () => {
      const body = await page(name);
      const rows = fieldTable(body, 'body-parameters');
      for (const field of [
        'article_code',
        'article_name',
        'article_description',
        'serial_number',
        'remark',
      ]) {
        assert.ok(rows.get(field)!.info.includes('Max length: 255'), field);
      }
      assert.equal(rows.get('quantity')!.type, 'decimal number');
      assert.equal(rows.get('signed_by_company')!.type, 'boolean');
      assert.equal(rows.get('working_date')!.type, 'date');
      if (name.endsWith('SaveMultiple')) {
        assert.ok(sample(body, 'request-json').trimStart().startsWith('['));
        assert.match(sample(body, 'request-xml'), /^<ArrayOfjob_part_usage xmlns:i=/);
        assert.deepEqual(JSON.parse(sample(body, 'response-json')), [
          { index: 0, id: JSON.parse(sample(body, 'response-json'))[0].id, success: true, status: 'created' },
        ]);
      }
    });
  }

  it('POST-api-JobDispatchLog-Save: the fields of job_dispatch_log', async () => {
    const rows = fieldTable(await page('POST-api-JobDispatchLog-Save'), 'body-parameters');
    for (const [field, type] of [
      ['id', 'globally unique identifier'],
      ['jobs_id', 'globally unique identifier'],
      ['user_id', 'globally unique identifier'],
      ['date_create', 'date'],
      ['date_proceeded', 'date'],
      ['is_accepted', 'boolean'],
      ['rejected_reason', 'string'],
      ['sys_logical_delete', 'boolean'],
      ['sequence', 'integer'],
    ] as const) {
      assert.equal(rows.get(field)?.type, type, field);
    }
    assert.ok(!rows.has('assigned_user_ids'), 'a computed field is not a body parameter');
  });
});

type Format = 'json' | 'xml';

async function send(tenant: Tenant, method: 'POST' | 'PUT', url: string, format: Format, payload: string) {
  return app.inject({
    method,
    url: `/${url}`,
    headers: {
      authorization: `Bearer ${tenant.token}`,
      'content-type': format === 'json' ? 'application/json' : 'application/xml',
      accept: 'application/json',
    },
    payload,
  });
}

describe('request samples', () => {
  const writes = routes.filter((r) => WRITES.has(r.kind));

  it('the XML sample of every write page parses back to its JSON sample', async () => {
    for (const route of writes) {
      const body = await page(helpName(route));
      const json: unknown = JSON.parse(sample(body, 'request-json'));
      const { root, node } = parseXml(sample(body, 'request-xml'));
      const entity = route.entity!;
      if (route.kind === 'saveMultiple') {
        assert.equal(root, `ArrayOf${entity.name}`);
        assert.deepEqual(
          xmlItems(entity, node).map((item) => fromXml(entity, item)),
          json,
          helpName(route),
        );
      } else {
        assert.equal(root, entity.name);
        assert.deepEqual(fromXml(entity, node), json, helpName(route));
      }
    }
  });

  let tenants = 0;
  const fresh = (): Promise<Tenant> => createTenant(test.db, `help-${++tenants}.test`);
  const find = (path: string, kind: RouteDoc['kind']): RouteDoc =>
    routes.find((r) => r.path === path && r.kind === kind)!;

  for (const create of routes.filter((r) => r.kind === 'create')) {
    for (const format of ['json', 'xml'] as const) {
      it(`${create.path}: the ${format} samples of create, update, Save and SaveMultiple are accepted`, async () => {
        const [update, save, many] = [
          find(`${create.path}({id})`, 'update'),
          find(`${create.path}/Save`, 'save'),
          find(`${create.path}/SaveMultiple`, 'saveMultiple'),
        ];
        const samples = new Map<RouteDoc, string>();
        for (const route of [create, update, save, many]) {
          samples.set(route, sample(await page(helpName(route)), `request-${format}`));
        }
        const [t1, t2, t3] = await Promise.all([fresh(), fresh(), fresh()]);

        const created = await send(t1, 'POST', create.path, format, samples.get(create)!);
        assert.equal(created.statusCode, 201, `${helpName(create)}: ${created.body}`);
        const id = created.json<{ id: string }>().id;
        const url = update.path.replace('{id}', id);
        const updated = await send(t1, 'PUT', url, format, samples.get(update)!);
        assert.equal(updated.statusCode, 200, `${helpName(update)}: ${updated.body}`);

        const saved = await send(t2, 'POST', save.path, format, samples.get(save)!);
        assert.equal(saved.statusCode, 201, `${helpName(save)}: ${saved.body}`);

        const batch = await send(t3, 'POST', many.path, format, samples.get(many)!);
        assert.equal(batch.statusCode, 200, `${helpName(many)}: ${batch.body}`);
        const results = batch.json<{ success: boolean; status: string }[]>();
        assert.equal(results.length, 1);
        assert.ok(
          results.every((r) => r.success && r.status === 'created'),
          `${helpName(many)}: ${batch.body}`,
        );
      });
    }
  }
});
