/** The OpenAPI document: valid OpenAPI 3.1, and every registered route is in it (and nothing else). */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { openApiDocument } from '../src/docs/openapi.js';
import { defineEntity } from '../src/entities/define.js';
import { buildRegistry, isList, registry } from '../src/schema/registry.js';
import { schemaModel } from '../src/schema/schema-model.js';
import { call, setup, type TestContext } from './helpers.js';
import { requiredRefs, sampleRecord } from './samples.js';

let ctx: TestContext;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx.close();
});

type Json = Record<string, unknown>;
interface Response {
  headers?: Record<string, { required?: boolean }>;
  content?: Record<string, { schema: Json }>;
}
interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, Response>;
}
interface Schema {
  properties?: Record<string, Json>;
  required?: string[];
  description?: string;
  xml?: { name?: string };
  [key: string]: unknown;
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
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

it('passes the Redocly linter (recommended rules) without a problem', async () => {
  const doc = await document();
  const config = await createConfig({
    extends: ['recommended'],
    rules: {
      // The server ignores members it does not know: an example may hold more than a schema names.
      'no-invalid-media-type-examples': { severity: 'error', allowAdditionalProperties: true },
      // A private API: no licence to state.
      'info-license': 'off',
    },
  });
  const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
  assert.deepEqual(
    problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`),
    [],
  );
});

const model = schemaModel(registry);

it('read schemas require what every answer holds (NOT NULL columns, system fields), and no member is ever null', async () => {
  const doc = await document();
  for (const entity of registry.entities) {
    const schema = doc.components.schemas[entity.name]!;
    const columns = model.tables[entity.name]!.columns;
    const required = new Set(schema.required);
    for (const name of entity.output) {
      const field = entity.spec.fields[name]!;
      const always =
        name === 'id' ||
        Boolean(columns[name]?.notNull) ||
        (!isList(field) &&
          ['modified', 'version', 'created', 'updated', 'autoNumber'].includes(field.system ?? ''));
      assert.equal(required.has(name), always, `${entity.name}.${name} required in the read schema`);
      const type = schema.properties![name]!['type'];
      assert.ok(!(Array.isArray(type) && type.includes('null')), `${entity.name}.${name} is never null`);
    }
    assert.match(String(schema.description), /A member without a value is left out/);
  }
  const jobs = doc.components.schemas['jobs']!;
  for (const name of ['id', 'row_version', 'modified_dateutc', 'date_create', 'date_update', 'id2', 'name'])
    assert.ok(jobs.required!.includes(name), `jobs.${name} is always sent`);
  assert.ok(!jobs.required!.includes('description'), 'an optional field is optional');
  assert.ok(!doc.components.schemas['job_dispatch_log']!.required!.includes('assigned_user_ids'));
  // A flag is sent whenever its column holds a value in every row.
  for (const entity of registry.entities) {
    for (const [name, field] of Object.entries(entity.spec.fields)) {
      if (isList(field) || field.type !== 'boolean') continue;
      const notNull = Boolean(model.tables[entity.name]!.columns[name]?.notNull);
      assert.equal(
        doc.components.schemas[entity.name]!.required!.includes(name),
        notNull,
        `${entity.name}.${name}`,
      );
    }
  }
});

it('server-kept members are readOnly in every schema of the entity, take any value on input and are ignored', async () => {
  const doc = await document();
  const kept: Array<[string, string]> = [
    ['jobs', 'modified_dateutc'],
    ['jobs', 'id2'],
    ['jobs', 'date_update'],
    ['jobs', 'row_version'],
    ['job_dispatch_log', 'assigned_user_ids'],
    ['purchase_order', 'total_lines'],
  ];
  for (const [entity, name] of kept) {
    for (const mode of ['', '_create', '_update', '_embed']) {
      const schema = doc.components.schemas[`${entity}${mode}`];
      if (!schema) continue;
      assert.equal(schema.properties![name]!['readOnly'], true, `${entity}${mode}.${name} is readOnly`);
      if (mode)
        assert.equal(
          schema.properties![name]!['type'],
          undefined,
          `${entity}${mode}.${name} takes any value`,
        );
    }
  }
  // The server ignores them, whatever they hold.
  const order = registry.entity('purchase_order');
  const body = {
    ...sampleRecord(order, await requiredRefs(ctx, order, ctx.a)),
    id2: 'not a number',
    total_lines: { many: true },
    date_update: 'later',
    modified_dateutc: 'not a date',
  };
  const created = await call(ctx, 'POST', '/api/PurchaseOrder', { body });
  assert.equal(created.statusCode, 201, created.body);
  const record = created.json();
  assert.equal(typeof record['id2'], 'number');
  assert.ok(!Number.isNaN(Date.parse(String(record['modified_dateutc']))));
  assert.ok(!Number.isNaN(Date.parse(String(record['date_update']))));
  const log = await call(ctx, 'POST', '/api/JobDispatchLog/Save', {
    body: { is_workshop: true, assigned_user_ids: 42 },
  });
  assert.equal(log.statusCode, 201, log.body);
  assert.equal(log.json()['assigned_user_ids'] ?? null, null, 'computed, not taken from the body');
});

it('types the stored record of a conflict, and the closed lists as enums (in any case on input)', async () => {
  const doc = await document();
  for (const [path, method] of [
    ['/api/Jobs({id})', 'put'],
    ['/api/Jobs/Save', 'post'],
  ] as const) {
    const schema = doc.paths[path]![method]!.responses['409']!.content!['application/json']!.schema;
    assert.deepEqual(schema, { $ref: '#/components/schemas/jobs_error' });
  }
  const error = doc.components.schemas['jobs_error']!;
  assert.deepEqual(error.properties!['current']!['anyOf'], [
    { $ref: '#/components/schemas/jobs' },
    { type: 'null' },
  ]);
  const result = doc.components.schemas['jobs_SaveResult']!;
  assert.deepEqual(result.properties!['current']!['anyOf'], [
    { $ref: '#/components/schemas/jobs' },
    { type: 'null' },
  ]);
  assert.deepEqual(result.properties!['status']!['enum'], [
    'created',
    'updated',
    'unchanged',
    'failed',
    'conflict',
  ]);

  const conditions = doc.components.schemas['jobs_create']!['allOf'] as Json[];
  const status = (conditions[0]!['else'] as Schema).properties!['job_status_code']!;
  const [list, other] = status['anyOf'] as Json[];
  assert.deepEqual(list!['enum'], [
    'Canceled',
    'ToBePlanned',
    'Waiting',
    'Pooling',
    'Suggested',
    'Activated',
    'Open',
    null,
  ]);
  assert.match('open', new RegExp(String(other!['pattern'])));
  assert.doesNotMatch('opened', new RegExp(String(other!['pattern'])));

  // A closed list of a field: an enum in every schema, without null where a value is read.
  const thing = defineEntity({
    name: 'thing',
    route: 'Thing',
    description: 'x',
    fields: {
      id: { type: 'uuid' },
      kind: { type: 'string', enum: { values: ['Small', 'Large'] } },
      modified_dateutc: { type: 'datetime', system: 'modified' },
    },
  });
  const own = openApiDocument(buildRegistry([thing])) as unknown as Doc;
  assert.deepEqual(own.components.schemas['thing']!.properties!['kind']!['enum'], ['Small', 'Large']);
  const input = own.components.schemas['thing_create']!.properties!['kind']!['anyOf'] as Json[];
  assert.deepEqual(input[0]!['enum'], ['Small', 'Large', null]);
  assert.match('LARGE', new RegExp(String(input[1]!['pattern'])));
});

it('SaveMultiple takes any list of objects, or one record, as the server does', async () => {
  const doc = await document();
  const body = doc.paths['/api/JobPartUsage/SaveMultiple']!['post']!.requestBody!.content;
  const item = {
    anyOf: [
      { $ref: '#/components/schemas/job_part_usage_create' },
      { type: 'object', additionalProperties: true },
    ],
  };
  const schema = body['application/json']!.schema;
  const [list, one] = schema['anyOf'] as Json[];
  assert.equal(list!['type'], 'array');
  assert.deepEqual({ anyOf: (list!['items'] as Json)['anyOf'] }, item);
  assert.deepEqual({ anyOf: one!['anyOf'] }, item);
  // What the server answers for a batch with a bad record: 200 with the failure in its result.
  const res = await call(ctx, 'POST', '/api/JobPartUsage/SaveMultiple', { body: [{ quantity: 'lots' }, 7] });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(
    res.json<Array<{ status: string }>>().map((r) => r.status),
    ['failed', 'failed'],
  );
});

/** The root element of an XML text. */
const rootOf = (xml: string): string => /^<([A-Za-z_][\w.-]*)/.exec(xml)?.[1] ?? '';

it('describes the XML that is written: root elements, ArrayOf lists, SaveResult, SyncChanges, error', async () => {
  const doc = await document();
  const schemas = doc.components.schemas;
  const xmlOf = (op: Operation, status: string): Json =>
    op.responses[status]!.content!['application/xml']!.schema;
  const named = (schema: Json): string => {
    const ref = schema['$ref'] as string | undefined;
    return ref ? String(schemas[ref.split('/').pop()!]!.xml?.name) : String((schema['xml'] as Json)['name']);
  };
  const xml = { accept: 'application/xml' };

  const list = xmlOf(doc.paths['/api/JobType']!['get']!, '200');
  assert.deepEqual(list['xml'], { name: 'ArrayOfjob_type', wrapped: true });
  const created = await call(ctx, 'POST', '/api/JobType', {
    body: { name: 'XML type', code: 'XMLT' },
    ...xml,
  });
  assert.equal(created.statusCode, 201);
  assert.equal(rootOf(created.body), named({ $ref: '#/components/schemas/job_type' }));
  const listed = await call(ctx, 'GET', '/api/JobType', xml);
  assert.equal(rootOf(listed.body), named(list));
  assert.ok(listed.body.includes(`<${named(list['items'] as Json)}>`), 'items named after the entity');

  const batch = xmlOf(doc.paths['/api/JobType/SaveMultiple']!['post']!, '200');
  const saved = await call(ctx, 'POST', '/api/JobType/SaveMultiple', {
    body: [{ name: 'Batch type' }],
    ...xml,
  });
  assert.equal(rootOf(saved.body), named(batch));
  assert.ok(saved.body.includes(`<${named(batch['items'] as Json)}>`), 'each result is a SaveResult');
  assert.equal(named(batch['items'] as Json), 'SaveResult');

  const sync = xmlOf(doc.paths['/api/Sync/Changes']!['get']!, '200');
  const feed = await call(ctx, 'GET', '/api/Sync/Changes?entities=JobType', xml);
  assert.equal(rootOf(feed.body), named(sync));
  assert.equal(named(sync), 'SyncChanges');

  const missing = await call(
    ctx,
    'GET',
    `/api/JobType(${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)})`,
    xml,
  );
  assert.equal(missing.statusCode, 404);
  assert.equal(rootOf(missing.body), named(xmlOf(doc.paths['/api/JobType({id})']!['get']!, '404')));
});

it('documents the headers: Prefer, If-Match, Idempotency-Key; ETag, Location, Link; Retry-After on every 429 and 503', async () => {
  const doc = await document();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const what = `${method} ${path}`;
      const params = new Set((op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name));
      for (const status of ['429', '503']) {
        assert.equal(op.responses[status]?.headers?.['Retry-After']?.required, true, `${what} ${status}`);
      }
      if (method === 'post' || method === 'put') assert.ok(params.has('Idempotency-Key'), what);
      const single = path.endsWith('/Save') || (method === 'put' && path.endsWith('({id})'));
      if (single) assert.ok(params.has('If-Match'), what);
      if (single || (method === 'post' && !path.includes('/Save'))) {
        assert.ok(params.has('Prefer'), what);
        const success = op.responses['201'] ?? op.responses['200']!;
        assert.ok(success.headers?.['ETag'] && success.headers['Preference-Applied'], what);
        const body = success.content!['application/json']!.schema['anyOf'] as Json[];
        assert.ok(
          String(body[1]!['$ref']).endsWith('_minimal'),
          `${what}: Prefer: return=minimal answers the id`,
        );
      }
    }
  }
  assert.ok(doc.paths['/api/Jobs']!['post']!.responses['201']!.headers!['Location']);
  assert.ok(doc.paths['/api/Jobs']!['get']!.responses['200']!.headers!['Link']);
  assert.ok(doc.paths['/api/Jobs({id})']!['get']!.responses['200']!.headers!['ETag']);
  const minimal = await call(ctx, 'POST', '/api/JobType', {
    body: { name: 'Minimal type' },
    headers: { prefer: 'return=minimal' },
  });
  assert.equal(minimal.statusCode, 201);
  assert.deepEqual(Object.keys(minimal.json()), ['id']);
  assert.equal(minimal.headers['preference-applied'], 'return=minimal');
});
