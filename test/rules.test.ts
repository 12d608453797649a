/**
 * The business rules of the original contract, through the API: part usage (warranty, serials,
 * signed lines), jobs (optionally required groups, status codes, embedded entities, planning,
 * company), purchase order lines (lookups, line numbers, article defaults, total_lines, concurrent
 * inserts from two processes) and dispatch answers.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { call, createTenant, onPostgres, openTestDatabase, setup, type TestContext } from './helpers.js';
import { startServer, type ServerProcess } from './process.js';

let ctx: TestContext;
let projectId: string;
let companyId: string;
let jobTypeId: string;
before(async () => {
  ctx = await setup();
  const company = await post('/api/Company', { name: 'ACME', code: 'ACME' });
  companyId = String(company['id']);
  projectId = String((await post('/api/Project', { name: 'Boiler', company_id: companyId }))['id']);
  jobTypeId = String((await post('/api/JobType', { name: 'Repair', code: 'REPAIR' }))['id']);
});
after(async () => {
  await ctx.close();
});

type Body = Record<string, unknown>;
interface ErrorBody {
  code: string;
  message: string;
  errors?: Array<{ field: string; code: string; message: string }>;
}

/** POST that must succeed with 201; returns the record. */
async function post(url: string, body: unknown): Promise<Body> {
  const res = await call(ctx, 'POST', url, { body });
  assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
  return res.json();
}

async function list(route: string, filter: string): Promise<Body[]> {
  const res = await call(ctx, 'GET', `/api/${route}?$filter=${encodeURIComponent(filter)}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ value: Body[] }>().value;
}

const get = async (route: string, id: unknown): Promise<Body> =>
  (await call(ctx, 'GET', `/api/${route}(${String(id)})`)).json();
const statusId = async (code: string): Promise<string> =>
  String((await list('JobStatus', `code eq '${code}'`))[0]!['id']);
const job = (extra: Body = {}): Promise<Body> =>
  post('/api/Jobs', {
    name: 'Job',
    project_id: projectId,
    job_type_id: jobTypeId,
    job_status_code: 'Open',
    ...extra,
  });

async function rowCount(table: string): Promise<number> {
  const tenant = await ctx.db.query<{ id: string }>('SELECT id FROM tenant WHERE domain = $1', [
    ctx.a.domain,
  ]);
  const r = await ctx.db.withTenant(tenant.rows[0]!.id, (tx) =>
    tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`),
  );
  return r.rows[0]!.n;
}

function names(res: { json<T>(): T }, code?: string): string[] {
  return (res.json<ErrorBody>().errors ?? []).filter((e) => !code || e.code === code).map((e) => e.field);
}

describe('job_part_usage', () => {
  const path = '/api/JobPartUsage';

  it('under warranty the discount equals the price, also when the flag comes later', async () => {
    const a = await post(path, {
      id: randomUUID(),
      quantity: 1,
      price: 20,
      discount: 3,
      is_under_warranty: true,
    });
    assert.equal(a['discount'], 20);
    const id = randomUUID();
    await post(`${path}/Save`, { id, quantity: 1, price: 30, discount: 0 });
    const later = await call(ctx, 'POST', `${path}/Save`, { body: { id, is_under_warranty: true } });
    assert.equal(later.statusCode, 200, later.body);
    assert.equal(later.json()['discount'], 30);
  });

  it('an article with use_serial needs a serial_number', async () => {
    const article = await post('/api/Article', { name: 'Pump', code: 'PUMP-S', use_serial: true });
    const body = { id: randomUUID(), article_id: article['id'], quantity: 1 };
    const res = await call(ctx, 'POST', path, { body });
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(names(res), ['serial_number']);
    await post(path, { ...body, serial_number: 'SN-1' });
  });

  it('quantity 0 is out of range', async () => {
    const res = await call(ctx, 'POST', path, { body: { id: randomUUID(), quantity: 0 } });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(names(res, 'range'), ['quantity']);
  });

  it('a line signed by the company is read-only; an identical replay is accepted', async () => {
    const body = { id: randomUUID(), quantity: 2, price: 5, remark: 'signed', signed_by_company: true };
    await post(path, body);
    const changed = await call(ctx, 'POST', `${path}/Save`, { body: { ...body, remark: 'changed' } });
    assert.equal(changed.statusCode, 409, changed.body);
    assert.deepEqual(names(changed, 'read_only'), ['signed_by_company']);
    const replay = await call(ctx, 'POST', `${path}/Save`, { body });
    assert.equal(replay.statusCode, 200, replay.body);
    const put = await call(ctx, 'PUT', `${path}(${body.id})`, { body: { remark: 'changed' } });
    assert.equal(put.statusCode, 409, put.body);
    const del = await call(ctx, 'DELETE', `${path}(${body.id})`);
    assert.equal(del.statusCode, 409, del.body);
    const other = { id: randomUUID(), quantity: 1 };
    const batch = await call(ctx, 'POST', `${path}/SaveMultiple`, {
      body: [{ ...body, quantity: 3 }, other],
    });
    assert.equal(batch.statusCode, 200, batch.body);
    const [signed, fresh] = batch.json<Array<Body & ErrorBody>>();
    assert.equal(signed?.status, 'failed');
    assert.equal(signed?.errors?.[0]?.code, 'read_only');
    assert.equal(fresh?.status, 'created');
    assert.equal((await get('JobPartUsage', body.id))['remark'], 'signed');
  });
});

describe('jobs', () => {
  it('without project, job type and status: one optionally_required error per group', async () => {
    const res = await call(ctx, 'POST', '/api/Jobs', { body: { name: 'Nothing' } });
    assert.equal(res.statusCode, 400, res.body);
    const errors = (res.json<ErrorBody>().errors ?? []).filter((e) => e.code === 'optionally_required');
    assert.deepEqual(
      errors.map((e) => e.message),
      [
        'Optionally required : project_id, project_reference_back_office or project must be provided',
        'Optionally required : job_type_id, job_type_code or job_type must be provided',
        'Optionally required : job_status_id or job_status_code must be provided',
      ],
    );
  });

  it('unknown job_type_code and project_id are 422 naming the field', async () => {
    const base = { name: 'J', project_id: projectId, job_status_code: 'Open' };
    const type = await call(ctx, 'POST', '/api/Jobs', { body: { ...base, job_type_code: 'NOPE' } });
    assert.equal(type.statusCode, 422, type.body);
    assert.deepEqual(names(type), ['job_type_code']);
    const body = { ...base, job_type_id: jobTypeId, project_id: randomUUID() };
    const project = await call(ctx, 'POST', '/api/Jobs', { body });
    assert.equal(project.statusCode, 422, project.body);
    assert.deepEqual(names(project), ['project_id']);
  });

  it('a job is created only with the documented status codes', async () => {
    const completed = await call(ctx, 'POST', '/api/Jobs', {
      body: { name: 'J', project_id: projectId, job_type_id: jobTypeId, job_status_code: 'Completed' },
    });
    assert.equal(completed.statusCode, 400, completed.body);
    assert.deepEqual(names(completed), ['job_status_code']);
    for (const code of ['Canceled', 'ToBePlanned', 'Waiting', 'Pooling', 'Suggested', 'Activated', 'Open']) {
      const created = await job({ job_status_code: code });
      assert.equal(created['job_status_id'], await statusId(code), code);
    }
  });

  it('a nested project is created, then reused and updated by its reference_back_office', async () => {
    const count = async () => (await list('Project', "reference_back_office eq 'PRJ-N1'")).length;
    const first = await job({
      project_id: undefined,
      project: { reference_back_office: 'PRJ-N1', name: 'One' },
    });
    assert.equal(await count(), 1);
    const second = await job({
      project_id: undefined,
      project: { reference_back_office: 'PRJ-N1', name: 'Two' },
    });
    assert.equal(await count(), 1);
    assert.equal(second['project_id'], first['project_id']);
    assert.equal((await get('Project', first['project_id']))['name'], 'Two');
  });

  it('nested project → equipment_model → equipment_brand → sales_organization are all created', async () => {
    await job({
      project_id: undefined,
      project: {
        reference_back_office: 'PRJ-DEEP',
        name: 'Deep',
        equipment_model: {
          code: 'MOD-DEEP',
          name: 'Model',
          equipment_brand: {
            code: 'BR-DEEP',
            name: 'Brand',
            sales_organization: { code: 'SO-DEEP', name: 'S' },
          },
        },
      },
    });
    const project = (await list('Project', "reference_back_office eq 'PRJ-DEEP'"))[0]!;
    const model = (await list('EquipmentModel', "code eq 'MOD-DEEP'"))[0]!;
    const brand = (await list('EquipmentBrand', "code eq 'BR-DEEP'"))[0]!;
    const org = (await list('SalesOrganization', "code eq 'SO-DEEP'"))[0]!;
    assert.equal(project['equipment_model_id'], model['id']);
    assert.equal(model['equipment_brand_id'], brand['id']);
    assert.equal(brand['sales_organization_id'], org['id']);
  });

  it('a job that fails leaves none of its nested records behind', async () => {
    const counts = async () => [await rowCount('project'), await rowCount('equipment_model')];
    const before = await counts();
    const nested = {
      reference_back_office: 'PRJ-FAIL',
      name: 'Fail',
      equipment_model: { code: 'MOD-FAIL', name: 'M' },
    };
    const body = { name: 'J', project: nested, job_type_code: 'UNKNOWN', job_status_code: 'Open' };
    const unknownType = await call(ctx, 'POST', '/api/Jobs', { body });
    assert.equal(unknownType.statusCode, 422, unknownType.body);
    const { name: _, ...noName } = { ...body, job_type_id: jobTypeId, job_type_code: undefined };
    const missingName = await call(ctx, 'POST', '/api/Jobs', { body: noName });
    assert.equal(missingName.statusCode, 400, missingName.body);
    assert.deepEqual(await counts(), before);
  });

  it('Suggested with a suggested user and start creates one job_planning, not two on replay', async () => {
    await post('/api/User', { code: 'TECH-1', firstname: 'Ann' });
    const body = {
      id: randomUUID(),
      job_status_code: 'Suggested',
      suggested_user_code: 'TECH-1',
      suggested_date_start: '2026-03-02T08:00:00.000Z',
      estimated_time: 90,
    };
    const created = await job(body);
    const plannings = await list('JobPlanning', `jobs_id eq ${body.id}`);
    assert.equal(plannings.length, 1);
    assert.equal(plannings[0]!['user_id'], created['suggested_user_id']);
    assert.equal(plannings[0]!['date_start'], '2026-03-02T08:00:00.000Z');
    assert.equal(plannings[0]!['date_end'], '2026-03-02T09:30:00.000Z');
    const replay = await call(ctx, 'POST', '/api/Jobs/Save', {
      body: { name: 'Job', project_id: projectId, job_type_id: jobTypeId, ...body },
    });
    assert.equal(replay.statusCode, 200, replay.body);
    assert.equal((await list('JobPlanning', `jobs_id eq ${body.id}`)).length, 1);
    const nested = await job({
      ...body,
      id: randomUUID(),
      suggested_user_code: undefined,
      suggested_user: { code: 'TECH-2' },
    });
    const planned = await list('JobPlanning', `jobs_id eq ${String(nested['id'])}`);
    assert.equal(planned[0]?.['user_id'], (await list('User', "code eq 'TECH-2'"))[0]!['id']);
  });

  it('company_id and company_code come from the project', async () => {
    const created = await job({ company_id: null, company_code: 'OTHER' });
    assert.equal(created['company_id'], companyId);
    assert.equal(created['company_code'], 'ACME');
  });

  it('id2 is numbered 1, 2, 3 per tenant', async () => {
    const other = await createTenant(ctx.db, 'rules-id2.test');
    const as = { as: other };
    const project = (await call(ctx, 'POST', '/api/Project', { ...as, body: { name: 'P' } })).json();
    const numbers: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const body = {
        name: `J${i}`,
        project_id: project['id'],
        job_type: { name: 'T', code: 'T' },
        job_status_code: 'Open',
      };
      const res = await call(ctx, 'POST', '/api/Jobs', { ...as, body });
      assert.equal(res.statusCode, 201, res.body);
      numbers.push(res.json()['id2']);
    }
    assert.deepEqual(numbers, [1, 2, 3]);
  });

  it('db_address_street of 51 characters is refused', async () => {
    const body = { name: 'J', project_id: projectId, job_type_id: jobTypeId, job_status_code: 'Open' };
    const res = await call(ctx, 'POST', '/api/Jobs', {
      body: { ...body, db_address_street: 'x'.repeat(51) },
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(names(res, 'max_length'), ['db_address_street']);
  });

  it('PUT with a nested project resolves it the same way', async () => {
    const created = await job();
    const res = await call(ctx, 'PUT', `/api/Jobs(${String(created['id'])})`, {
      body: { project: { reference_back_office: 'PRJ-PUT', name: 'Put' } },
    });
    assert.equal(res.statusCode, 200, res.body);
    const project = (await list('Project', "reference_back_office eq 'PRJ-PUT'"))[0]!;
    assert.equal(res.json()['project_id'], project['id']);
  });
});

describe('purchase_order_details', () => {
  const path = '/api/PurchaseOrderDetails';
  const line = (extra: Body): Promise<Body> => post(path, { quantity: 1, ...extra });
  let article: Body;
  before(async () => {
    article = await post('/api/Article', { code: 'ART-1', name: 'Filter', description_short: 'Air filter' });
  });

  it('the order and the article by id, ERP key or nested object', async () => {
    const order = await post('/api/PurchaseOrder', { reference_back_office: 'PO-1' });
    const byId = await line({ purchase_order_id: order['id'], article_id: article['id'] });
    const byKey = await line({ purchase_order_reference_back_office: 'PO-1', article_code: 'ART-1' });
    const nested = await line({
      purchase_order: { reference_back_office: 'PO-NEW', description: 'new' },
      article: { code: 'ART-NEW', name: 'New part' },
    });
    assert.equal(byId['purchase_order_id'], order['id']);
    assert.equal(byKey['purchase_order_id'], order['id']);
    assert.equal(byKey['article_id'], article['id']);
    const created = (await list('PurchaseOrder', "reference_back_office eq 'PO-NEW'"))[0]!;
    assert.equal(nested['purchase_order_id'], created['id']);
    assert.equal(nested['article_id'], (await list('Article', "code eq 'ART-NEW'"))[0]!['id']);
    assert.equal(nested['name'], 'New part');
  });

  it('line_number 0/null is highest + 1 within its order; a given number is kept', async () => {
    const a = String((await post('/api/PurchaseOrder', {}))['id']);
    const b = String((await post('/api/PurchaseOrder', {}))['id']);
    const numbers: unknown[] = [];
    for (const [order, n] of [
      [a, 0],
      [a, null],
      [a, undefined],
      [b, 0],
      [a, 10],
      [a, 0],
    ] as const) {
      numbers.push(
        (await line({ purchase_order_id: order, article_id: article['id'], line_number: n }))['line_number'],
      );
    }
    assert.deepEqual(numbers, [1, 2, 3, 1, 10, 11]);
    assert.equal((await get('PurchaseOrder', a))['total_lines'], 5);
  });

  it('code, name and description come from the article when empty, and are kept when given', async () => {
    const order = (await post('/api/PurchaseOrder', {}))['id'];
    const filled = await line({ purchase_order_id: order, article_id: article['id'], code: '' });
    assert.deepEqual(
      [filled['code'], filled['name'], filled['description']],
      ['ART-1', 'Filter', 'Air filter'],
    );
    const own = { code: 'MY', name: 'Mine', description: 'My text' };
    const kept = await line({ purchase_order_id: order, article_id: article['id'], ...own });
    assert.deepEqual([kept['code'], kept['name'], kept['description']], ['MY', 'Mine', 'My text']);
  });

  it('price and quantity are checked', async () => {
    const order = (await post('/api/PurchaseOrder', {}))['id'];
    const base = { purchase_order_id: order, article_id: article['id'], quantity: 1 };
    const price = await call(ctx, 'POST', path, { body: { ...base, price: -1 } });
    assert.equal(price.statusCode, 400);
    assert.ok(names(price).includes('price'), price.body);
    const { quantity: _, ...noQuantity } = base;
    const missing = await call(ctx, 'POST', path, { body: noQuantity });
    assert.deepEqual(names(missing, 'required'), ['quantity']);
    const small = await call(ctx, 'POST', path, { body: { ...base, quantity: 0.05 } });
    assert.deepEqual(names(small, 'range'), ['quantity']);
  });

  it('total_lines follows POST, SaveMultiple and DELETE', async () => {
    const order = String((await post('/api/PurchaseOrder', {}))['id']);
    const first = await line({ purchase_order_id: order, article_id: article['id'] });
    const batch = Array.from({ length: 50 }, () => ({
      id: randomUUID(),
      purchase_order_id: order,
      article_id: article['id'],
      quantity: 2,
      line_number: 0,
    }));
    const res = await call(ctx, 'POST', `${path}/SaveMultiple`, { body: batch });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(
      res.json<Body[]>().every((r) => r['status'] === 'created'),
      res.body,
    );
    assert.equal((await get('PurchaseOrder', order))['total_lines'], 51);
    const lines = await list('PurchaseOrderDetails', `purchase_order_id eq ${order}`);
    const numbers = lines.map((l) => Number(l['line_number'])).sort((x, y) => x - y);
    assert.deepEqual(
      numbers,
      Array.from({ length: 51 }, (_, i) => i + 1),
    );
    assert.equal((await call(ctx, 'DELETE', `${path}(${String(first['id'])})`)).statusCode, 204);
    assert.equal((await get('PurchaseOrder', order))['total_lines'], 50);
  });

  it('60 concurrent inserts with line_number 0 get 1..60', { timeout: 120_000 }, async () => {
    const numbers = onPostgres ? await concurrentOnTwoServers() : await concurrentInProcess();
    assert.deepEqual(
      numbers.sort((x, y) => x - y),
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
  });
});

async function concurrentInProcess(): Promise<number[]> {
  const order = String((await post('/api/PurchaseOrder', {}))['id']);
  const responses = await Promise.all(
    Array.from({ length: 60 }, () =>
      call(ctx, 'POST', '/api/PurchaseOrderDetails', {
        body: { purchase_order_id: order, article_code: 'ART-1', quantity: 1, line_number: 0 },
      }),
    ),
  );
  for (const r of responses) assert.equal(r.statusCode, 201, r.body);
  assert.equal((await get('PurchaseOrder', order))['total_lines'], 60);
  return responses.map((r) => Number(r.json()['line_number']));
}

/** Two server processes on one PostgreSQL database, 60 lines spread over both. */
async function concurrentOnTwoServers(): Promise<number[]> {
  const test = await openTestDatabase();
  const servers: ServerProcess[] = [];
  try {
    const tenant = await createTenant(test.db, 'concurrency.test');
    const [one, two] = [
      await startServer({ DATABASE_URL: test.url }),
      await startServer({ DATABASE_URL: test.url }),
    ];
    servers.push(one, two);
    const send = async (base: string, url: string, body: unknown) => {
      const res = await fetch(`${base}${url}`, {
        method: 'POST',
        headers: { authorization: tenant.auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Body };
    };
    const order = (await send(one.url, '/api/PurchaseOrder', {})).json['id'];
    assert.equal((await send(two.url, '/api/Article', { code: 'ART-C', name: 'C' })).status, 201);
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        send(i % 2 ? one.url : two.url, '/api/PurchaseOrderDetails', {
          purchase_order_id: order,
          article_code: 'ART-C',
          quantity: 1,
          line_number: 0,
        }),
      ),
    );
    for (const r of responses) assert.equal(r.status, 201, JSON.stringify(r.json));
    const read = await fetch(`${one.url}/api/PurchaseOrder(${String(order)})`, {
      headers: { authorization: tenant.auth },
    });
    assert.equal(((await read.json()) as Body)['total_lines'], 60);
    return responses.map((r) => Number(r.json['line_number']));
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await test.close();
  }
}

describe('job_dispatch_log', () => {
  const dispatch = (body: Body) => post('/api/JobDispatchLog/Save', body);

  it('accepted moves an Open or Dispatched job to Planned; a Completed job stays', async () => {
    const planned = await statusId('Planned');
    for (const status of ['Open', 'Dispatched']) {
      const j = await job({ job_status_id: await statusId(status) });
      const log = await dispatch({ jobs_id: j['id'], is_accepted: true });
      assert.ok(log['date_proceeded'], 'date_proceeded is set');
      assert.equal((await get('Jobs', j['id']))['job_status_id'], planned, status);
    }
    const completed = await statusId('Completed');
    const done = await job({ job_status_id: completed });
    await dispatch({ jobs_id: done['id'], is_accepted: true });
    assert.equal((await get('Jobs', done['id']))['job_status_id'], completed);
  });

  it('rejected moves the job to DispatchRejected', async () => {
    const j = await job();
    await dispatch({ jobs_id: j['id'], is_rejected: true, rejected_reason: 'busy' });
    assert.equal((await get('Jobs', j['id']))['job_status_id'], await statusId('DispatchRejected'));
  });

  it('assigned_user_ids lists the users planned on the job; a value sent is ignored', async () => {
    const j = await job();
    const users = [await post('/api/User', { code: 'U-A' }), await post('/api/User', { code: 'U-B' })];
    for (const u of users) {
      await post('/api/JobPlanning', {
        jobs_id: j['id'],
        user_id: u['id'],
        date_start: '2026-03-02T08:00:00.000Z',
        date_end: '2026-03-02T09:00:00.000Z',
      });
    }
    const log = await dispatch({ jobs_id: j['id'], assigned_user_ids: 'someone' });
    const expected = users
      .map((u) => String(u['id']))
      .sort()
      .join(',');
    assert.equal(log['assigned_user_ids'], expected);
    assert.equal((await get('JobDispatchLog', log['id']))['assigned_user_ids'], expected);
  });

  it('DELETE flags the row, which is still read and listed', async () => {
    const log = await dispatch({ jobs_id: (await job())['id'] });
    assert.equal((await call(ctx, 'DELETE', `/api/JobDispatchLog(${String(log['id'])})`)).statusCode, 204);
    assert.equal((await get('JobDispatchLog', log['id']))['sys_logical_delete'], true);
    const listed = await list('JobDispatchLog', `id eq ${String(log['id'])}`);
    assert.equal(listed[0]?.['sys_logical_delete'], true);
  });
});
