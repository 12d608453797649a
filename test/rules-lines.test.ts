/**
 * The business rules of purchase order lines (lookups, line numbers, article defaults, total_lines,
 * concurrent inserts from two processes) and dispatch answers, through the API.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { call, createTenant, onPostgres, openTestDatabase } from './helpers.js';
import { startServer, type ServerProcess } from './process.js';
import { fx, get, job, list, names, post, statusId, useRulesFixture, type Body } from './rules-fixture.js';

useRulesFixture();

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
    const price = await call(fx.ctx, 'POST', path, { body: { ...base, price: -1 } });
    assert.equal(price.statusCode, 400);
    assert.ok(names(price).includes('price'), price.body);
    const { quantity: _, ...noQuantity } = base;
    const missing = await call(fx.ctx, 'POST', path, { body: noQuantity });
    assert.deepEqual(names(missing, 'required'), ['quantity']);
    const small = await call(fx.ctx, 'POST', path, { body: { ...base, quantity: 0.05 } });
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
    const res = await call(fx.ctx, 'POST', `${path}/SaveMultiple`, { body: batch });
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
    assert.equal((await call(fx.ctx, 'DELETE', `${path}(${String(first['id'])})`)).statusCode, 204);
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
      call(fx.ctx, 'POST', '/api/PurchaseOrderDetails', {
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
    assert.equal((await call(fx.ctx, 'DELETE', `/api/JobDispatchLog(${String(log['id'])})`)).statusCode, 204);
    assert.equal((await get('JobDispatchLog', log['id']))['sys_logical_delete'], true);
    const listed = await list('JobDispatchLog', `id eq ${String(log['id'])}`);
    assert.equal(listed[0]?.['sys_logical_delete'], true);
  });
});
