/**
 * The OpenAPI document as its users use it: TypeScript types generated from the served
 * `/openapi.json` by openapi-typescript, a client program on openapi-fetch that performs the five
 * seed operations (the samples as published) and reads back what it created, type-checked by tsc
 * (strict) against those types and run against the server on a loopback port. Every answer is then
 * validated against the document by an independent JSON Schema validator (@hyperjump/json-schema,
 * OpenAPI 3.1 dialect), and so is every request body, as a validating gateway would.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { setShouldValidateFormat, validate } from '@hyperjump/json-schema/openapi-3-1';
import '@hyperjump/json-schema/formats';
import openapiTS, { astToString } from 'openapi-typescript';
import { registry } from '../src/schema/registry.js';
import { createTenant, setup, type Tenant, type TestContext } from './helpers.js';
import { createReferenced } from './samples.js';

const run = promisify(execFile);
const dir = resolve('test-artifacts', `interop-openapi-${randomUUID().slice(0, 8)}`);
const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

let ctx: TestContext;
let baseUrl = '';
before(async () => {
  ctx = await setup();
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  mkdirSync(dir, { recursive: true });
});
after(async () => {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

type Body = Record<string, unknown>;

interface Exchange {
  method: string;
  url: string;
  request: unknown;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

interface Operation {
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<
    string,
    { headers?: Record<string, { required?: boolean }>; content?: Record<string, { schema: unknown }> }
  >;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { required?: string[] }> };
}

/** The seed samples, as published, and what the program needs besides them. */
const SEEDS = {
  batch: fixture('000-job_part_usage.request.json'),
  part: fixture('001-job_part_usage.request.json'),
  job: fixture('002-jobs.request.json'),
  line: fixture('003-purchase_order_details.request.json'),
  dispatch: fixture('004-job_dispatch_log.request.json'),
};

/**
 * The client program: each sample is written into it as a literal of the type the generated types
 * give the operation's JSON body, so tsc checks the sample itself (excess members included).
 */
function clientProgram(): string {
  return `import { writeFileSync } from 'node:fs';
import createClient from 'openapi-fetch';
import type { paths } from './api.js';

type JsonBody<P extends keyof paths, M extends 'post' | 'put'> = paths[P][M] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : never;

const baseUrl = process.env['SERVER_URL']!;
const auth = JSON.parse(process.env['AUTH']!) as Record<'batch' | 'part' | 'job' | 'line' | 'dispatch', string>;
const exchanges: unknown[] = [];

async function recording(request: Request): Promise<Response> {
  const sent = await request.clone().text();
  const response = await fetch(request);
  const text = await response.clone().text();
  exchanges.push({
    method: request.method,
    url: request.url,
    request: sent ? JSON.parse(sent) : undefined,
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: text ? JSON.parse(text) : undefined,
  });
  return response;
}

const client = (authorization: string) =>
  createClient<paths, 'application/json'>({ baseUrl, headers: { authorization }, fetch: recording });

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

// 000: POST api/JobPartUsage/SaveMultiple, the sample and a record the server refuses (a remark over its length).
const batchBody: JsonBody<'/api/JobPartUsage/SaveMultiple', 'post'> = [
  ${SEEDS.batch},
  { id: '${randomUUID()}', jobs_id: '${(JSON.parse(SEEDS.batch) as Body)['jobs_id'] as string}', remark: 'x'.repeat(300) },
];
const batches = client(auth.batch);
const many = await batches.POST('/api/JobPartUsage/SaveMultiple', { body: batchBody });
check(many.data, 'SaveMultiple answered ' + many.response.status);
const [saved, refused] = many.data;
check(saved?.success === true && saved.status === 'created', 'the sample is saved: ' + JSON.stringify(saved));
check(refused?.success === false && refused.status === 'failed', 'the bad record fails: ' + JSON.stringify(refused));
check(refused.errors?.some((e) => e.field === 'remark'), 'the failure names remark');
check(saved.id, 'the saved record has an id');
const part0 = await batches.GET('/api/JobPartUsage({id})', { params: { path: { id: saved.id } } });
check(part0.data, 'GET job_part_usage answered ' + part0.response.status);
const version0: number = part0.data.row_version;
const modified0: string = part0.data.modified_dateutc;
check(version0 >= 1 && modified0.length > 0, 'row_version and modified_dateutc are always sent');

// 001: POST api/JobPartUsage/Save
const sample001: JsonBody<'/api/JobPartUsage/Save', 'post'> = ${SEEDS.part};
const parts = client(auth.part);
const one = await parts.POST('/api/JobPartUsage/Save', { body: sample001 });
check(one.data && one.response.status === 201, 'Save answered ' + one.response.status);
const part1 = await parts.GET('/api/JobPartUsage({id})', { params: { path: { id: one.data.id } } });
check(part1.data?.id === one.data.id, 'GET job_part_usage of Save');

// 002: POST api/Jobs, with its embedded records
const sample002: JsonBody<'/api/Jobs', 'post'> = ${SEEDS.job};
const jobs = client(auth.job);
const job = await jobs.POST('/api/Jobs', { body: sample002 });
check(job.data && job.response.status === 201, 'POST api/Jobs answered ' + job.response.status);
check(job.response.headers.get('location'), 'a created record has a Location');
const readJob = await jobs.GET('/api/Jobs({id})', { params: { path: { id: job.data.id } } });
check(readJob.data, 'GET jobs answered ' + readJob.response.status);
const id2: number = readJob.data.id2;
const name: string = readJob.data.name;
check(id2 > 0 && name === sample002.name, 'id2 is numbered by the server, name is required');

// 003: POST api/PurchaseOrderDetails, with its order and article
const sample003: JsonBody<'/api/PurchaseOrderDetails', 'post'> = ${SEEDS.line};
const lines = client(auth.line);
const line = await lines.POST('/api/PurchaseOrderDetails', { body: sample003 });
check(line.data && line.response.status === 201, 'POST api/PurchaseOrderDetails answered ' + line.response.status);
const readLine = await lines.GET('/api/PurchaseOrderDetails({id})', { params: { path: { id: line.data.id } } });
check(readLine.data?.id === line.data.id, 'GET purchase_order_details');

// 004: POST api/JobDispatchLog/Save, then the same version twice: the second is a conflict.
const sample004: JsonBody<'/api/JobDispatchLog/Save', 'post'> = ${SEEDS.dispatch};
const dispatches = client(auth.dispatch);
const dispatch = await dispatches.POST('/api/JobDispatchLog/Save', { body: sample004 });
check(dispatch.data && dispatch.response.status === 201, 'JobDispatchLog/Save answered ' + dispatch.response.status);
const readDispatch = await dispatches.GET('/api/JobDispatchLog({id})', {
  params: { path: { id: dispatch.data.id } },
});
check(readDispatch.data, 'GET job_dispatch_log answered ' + readDispatch.response.status);
const based = { ...sample004, rejected_reason: 'changed', row_version: readDispatch.data.row_version };
const changed = await dispatches.POST('/api/JobDispatchLog/Save', { body: based });
check(changed.response.status === 200, 'the change on the current version answered ' + changed.response.status);
const stale = await dispatches.POST('/api/JobDispatchLog/Save', { body: based });
check(stale.error && stale.response.status === 409, 'the stale version answered ' + stale.response.status);
const current = stale.error.current;
check(current && current.row_version > readDispatch.data.row_version, 'current is the stored record');
const reason: string | undefined = current.rejected_reason;
check(reason === 'changed', 'current holds the stored change');

writeFileSync(process.env['EXCHANGES']!, JSON.stringify(exchanges));
`;
}

/** A JSON pointer into the document, as a URI fragment. */
const pointer = (...segments: string[]): string =>
  '#' + segments.map((s) => '/' + encodeURIComponent(s.replaceAll('~', '~0').replaceAll('/', '~1'))).join('');

/** The catalog path of a request URL (`/api/Jobs(<guid>)` is `/api/Jobs({id})`). */
function documentedPath(doc: Doc, method: string, url: string): string {
  const path = decodeURIComponent(new URL(url).pathname);
  const found = Object.keys(doc.paths).find(
    (p) =>
      doc.paths[p]![method] &&
      new RegExp(`^${p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace('\\({id}\\)', '\\([^)]+\\)')}$`).test(
        path,
      ),
  );
  assert.ok(found, `${method} ${path} is in the document`);
  return found;
}

/**
 * A record as the document describes it: a member without a value is left out. A member written
 * as null is read that way, and must be one the record's read schema does not require.
 */
function asDescribed(doc: Doc, entity: string, record: Body): Body {
  const required = doc.components.schemas[entity]!.required ?? [];
  const empty = Object.keys(record).filter((k) => record[k] === null);
  assert.deepEqual(
    empty.filter((k) => required.includes(k)),
    [],
    `${entity}: members the document requires are never empty`,
  );
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null));
}

/** The body of an answer as the document describes it (records without their empty members). */
function describedBody(doc: Doc, route: string, status: number, body: unknown): unknown {
  const entity = registry.entities.find((e) => route.startsWith(`/api/${e.route}`))!.name;
  if (Array.isArray(body)) {
    return body.map((r: Body) =>
      r['current'] ? { ...r, current: asDescribed(doc, entity, r['current'] as Body) } : r,
    );
  }
  const b = body as Body;
  if (status >= 400)
    return b['current'] ? { ...b, current: asDescribed(doc, entity, b['current'] as Body) } : b;
  return asDescribed(doc, entity, b);
}

const failures = (output: unknown): string => JSON.stringify(output).slice(0, 3000);

it('generated types and an openapi-fetch client: the seed samples type-check, run, and every request and answer validates against the document', async () => {
  const served = await fetch(`${baseUrl}/openapi.json`);
  assert.equal(served.status, 200);
  const docText = await served.text();
  const doc = JSON.parse(docText) as Doc;
  const docFile = join(dir, 'api.openapi.json');
  writeFileSync(docFile, docText);

  // Types from the served document.
  writeFileSync(join(dir, 'api.ts'), astToString(await openapiTS(doc as never)));
  writeFileSync(join(dir, 'client.ts'), clientProgram());
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: ['node'],
        skipLibCheck: true,
      },
      files: ['client.ts', 'api.ts'],
    }),
  );
  const tsc = resolve('node_modules/typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { maxBuffer: 1 << 24 }).catch(
    (err: { stdout?: string }) =>
      assert.fail(`tsc refused the client program:\n${err.stdout ?? String(err)}`),
  );

  // The records the samples reference by id, each operation in a tenant of its own.
  const names = ['batch', 'part', 'job', 'line', 'dispatch'] as const;
  const entities = ['job_part_usage', 'job_part_usage', 'jobs', 'purchase_order_details', 'job_dispatch_log'];
  const auth: Record<string, string> = {};
  for (const [i, name] of names.entries()) {
    const tenant: Tenant = await createTenant(ctx.db, `interop-${name}.test`);
    await createReferenced(ctx, registry.entity(entities[i]!), JSON.parse(SEEDS[name]) as Body, tenant);
    auth[name] = tenant.auth;
  }

  const exchangesFile = join(dir, 'exchanges.json');
  await run(process.execPath, ['--import', 'tsx', join(dir, 'client.ts')], {
    env: { ...process.env, SERVER_URL: baseUrl, AUTH: JSON.stringify(auth), EXCHANGES: exchangesFile },
    maxBuffer: 1 << 24,
  }).catch((err: { stderr?: string }) =>
    assert.fail(`the client program failed:\n${err.stderr ?? String(err)}`),
  );
  const exchanges = JSON.parse(readFileSync(exchangesFile, 'utf8')) as Exchange[];
  assert.equal(exchanges.length, 12, 'every operation of the program was recorded');

  setShouldValidateFormat(true);
  const base = pathToFileURL(docFile).href;
  for (const x of exchanges) {
    const method = x.method.toLowerCase();
    const route = documentedPath(doc, method, x.url);
    const operation = doc.paths[route]![method]!;
    const what = `${x.method} ${route} ${x.status}`;
    if (x.request !== undefined) {
      assert.ok(operation.requestBody?.content['application/json'], `${what}: a JSON body is documented`);
      const output = await validate(
        base + pointer('paths', route, method, 'requestBody', 'content', 'application/json', 'schema'),
        x.request as never,
        'BASIC',
      );
      assert.equal(
        output.valid,
        true,
        `${what}: the request body is valid by the document ${failures(output)}`,
      );
    }
    const response = operation.responses[String(x.status)];
    assert.ok(response, `${what}: the status is documented`);
    const media = x.headers['content-type']!.split(';')[0]!;
    assert.ok(response.content?.[media], `${what}: ${media} is documented`);
    const output = await validate(
      base + pointer('paths', route, method, 'responses', String(x.status), 'content', media, 'schema'),
      describedBody(doc, route, x.status, x.body) as never,
      'BASIC',
    );
    assert.equal(output.valid, true, `${what}: the answer is valid by the document ${failures(output)}`);
    const documented = Object.keys(response.headers ?? {}).map((h) => h.toLowerCase());
    for (const name of [
      'etag',
      'location',
      'link',
      'retry-after',
      'preference-applied',
      'idempotent-replayed',
    ]) {
      if (name in x.headers) assert.ok(documented.includes(name), `${what}: header ${name} is documented`);
    }
    for (const [name, h] of Object.entries(response.headers ?? {})) {
      if (h.required) assert.ok(name.toLowerCase() in x.headers, `${what}: required header ${name} is sent`);
    }
  }

  // The gateway's view of the batch with a bad record: valid by the document, answered 200.
  const batch = exchanges[0]!;
  assert.equal(batch.status, 200);
  assert.equal((batch.request as unknown[]).length, 2);
  // Each seed sample is also valid by its operation's request schema as it is published.
  for (const [name, route] of [
    ['part', '/api/JobPartUsage/Save'],
    ['job', '/api/Jobs'],
    ['line', '/api/PurchaseOrderDetails'],
    ['dispatch', '/api/JobDispatchLog/Save'],
  ] as const) {
    const output = await validate(
      base + pointer('paths', route, 'post', 'requestBody', 'content', 'application/json', 'schema'),
      JSON.parse(SEEDS[name]) as never,
      'BASIC',
    );
    assert.equal(output.valid, true, `${name}: the seed sample is valid by the document ${failures(output)}`);
  }
});
