/**
 * SaveMultiple semantics (DESIGN.md section 4), on job_part_usage unless said otherwise: one result
 * per record in input order, partial success, idempotent replays, duplicate ids, database-level
 * failures isolated, all-or-none, limits, XML in and out, the COPY path, nested records.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { parseXml, type XmlNode } from '../src/schema/xml.js';
import { call, setup, type TestContext } from './helpers.js';

let ctx: TestContext;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx.close();
});

type Body = Record<string, unknown>;
interface Result {
  index: number;
  id: string | null;
  success: boolean;
  status: string;
  errors?: Array<{ field: string; code: string }>;
  superseded_by?: number;
}

const PATH = '/api/JobPartUsage/SaveMultiple';

async function saveMultiple(records: unknown[], url = PATH): Promise<Result[]> {
  const res = await call(ctx, 'POST', url, { body: records });
  assert.equal(res.statusCode, 200, res.body.slice(0, 2000));
  return res.json<Result[]>();
}

/** Every record of a list, following the next links. */
async function listAll(route: string, filter: string): Promise<Body[]> {
  const out: Body[] = [];
  let url: string | undefined = `/api/${route}?$filter=${encodeURIComponent(filter)}`;
  while (url) {
    const res = await call(ctx, 'GET', url);
    assert.equal(res.statusCode, 200, res.body);
    const page = res.json<{ value: Body[]; '@odata.nextLink'?: string }>();
    out.push(...page.value);
    const next = page['@odata.nextLink'];
    url = next ? new URL(next).pathname + new URL(next).search : undefined;
  }
  return out;
}

const lines = (tag: string, n: number): Body[] =>
  Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    article_code: tag,
    quantity: i + 1,
    remark: `r${i}`,
  }));

const statuses = (results: Result[]): Record<string, number> =>
  results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

it('200 records with 3 invalid: results in order, the others stored; replays are unchanged', async () => {
  const records = lines('B200', 200);
  records[3]!['quantity'] = 'many';
  records[50]!['remark'] = 'x'.repeat(300);
  records[199]!['jobs_id'] = 'x';
  const results = await saveMultiple(records);
  assert.deepEqual(
    results.map((r) => r.index),
    records.map((_, i) => i),
  );
  const bad = new Map([
    [3, 'quantity'],
    [50, 'remark'],
    [199, 'jobs_id'],
  ]);
  for (const r of results) {
    const field = bad.get(r.index);
    if (field) {
      assert.equal(r.success, false);
      assert.equal(r.status, 'failed');
      assert.ok(
        r.errors?.some((e) => e.field === field),
        JSON.stringify(r),
      );
    } else
      assert.deepEqual(r, {
        index: r.index,
        id: records[r.index]!['id'],
        success: true,
        status: 'created',
      });
  }
  const stored = await listAll('JobPartUsage', "article_code eq 'B200'");
  assert.equal(stored.length, 197);
  const modified = new Map(stored.map((row) => [row['id'], row['modified_dateutc']]));

  const replay = await saveMultiple(records);
  assert.deepEqual(statuses(replay), { unchanged: 197, failed: 3 });
  const again = await listAll('JobPartUsage', "article_code eq 'B200'");
  assert.deepEqual(new Map(again.map((row) => [row['id'], row['modified_dateutc']])), modified);

  const changed = records.map((r, i) => (i >= 100 && i < 110 ? { ...r, remark: 'changed' } : r));
  const third = await saveMultiple(changed);
  assert.deepEqual(statuses(third), { unchanged: 187, updated: 10, failed: 3 });
  assert.ok(third.slice(100, 110).every((r) => r.status === 'updated'));
});

it('duplicate ids in one batch: the later record wins', async () => {
  const id = randomUUID();
  const results = await saveMultiple([
    { id, quantity: 1, remark: 'first' },
    { id: randomUUID(), quantity: 1 },
    { id, quantity: 2, remark: 'second' },
  ]);
  assert.equal(results[0]!.superseded_by, 2);
  assert.equal(results[2]!.status, 'created');
  const row = (await call(ctx, 'GET', `/api/JobPartUsage(${id})`)).json();
  assert.equal(row['remark'], 'second');
  assert.equal(row['quantity'], 2);
});

it('a missing reference fails only its record', async () => {
  const records = lines('BREF', 5);
  records[2]!['jobs_id'] = randomUUID();
  const results = await saveMultiple(records);
  assert.equal(results[2]!.success, false);
  assert.deepEqual(
    results[2]!.errors?.map((e) => [e.field, e.code]),
    [['jobs_id', 'not_found']],
  );
  assert.deepEqual(statuses(results), { created: 4, failed: 1 });
  assert.equal((await listAll('JobPartUsage', "article_code eq 'BREF'")).length, 4);
});

it('a record the database refuses fails alone (duplicate ERP code, signed line)', async () => {
  const types = Array.from({ length: 6 }, (_, i) => ({ id: randomUUID(), name: `T${i}`, code: `BT-${i}` }));
  types[4]!['code'] = 'BT-1';
  const results = await saveMultiple(types, '/api/JobType/SaveMultiple');
  assert.deepEqual(statuses(results), { created: 5, failed: 1 });
  const failed = results.find((r) => !r.success)!;
  assert.ok([1, 4].includes(failed.index));
  assert.equal(failed.errors?.[0]?.code, 'duplicate');
  assert.equal((await listAll('JobType', "code eq 'BT-1'")).length, 1);

  const signed = { id: randomUUID(), quantity: 1, signed_by_company: true };
  await saveMultiple([signed]);
  const mixed = await saveMultiple([{ ...signed, quantity: 5 }, ...lines('BSIGN', 3)]);
  assert.equal(mixed[0]!.errors?.[0]?.code, 'read_only');
  assert.deepEqual(statuses(mixed), { created: 3, failed: 1 });
});

it('allOrNone: one bad record rejects the batch; all valid is saved', async () => {
  const records = lines('BATOM', 5);
  records[3]!['quantity'] = 'many';
  const res = await call(ctx, 'POST', `${PATH}?allOrNone=true`, { body: records });
  assert.equal(res.statusCode, 400, res.body);
  const body = res.json<{ code: string; errors: Array<{ field: string }>; results: Result[] }>();
  assert.equal(body.code, 'batch_rejected');
  assert.ok(
    body.errors.some((e) => e.field === '[3].quantity'),
    res.body,
  );
  assert.equal(body.results.length, 5);
  assert.ok(body.results.every((r) => !r.success));
  assert.equal((await listAll('JobPartUsage', "article_code eq 'BATOM'")).length, 0);

  records[3]!['quantity'] = 1;
  const ok = await call(ctx, 'POST', `${PATH}?allOrNone=true`, { body: records });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(statuses(ok.json<Result[]>()), { created: 5 });
});

it('more records than the limit is 413; a body that is neither an array nor a record is 400', async () => {
  const app = await buildApp({ db: ctx.db, logger: false, config: { maxBatch: 5 } });
  try {
    await app.ready();
    const res = await app.inject({
      method: 'POST',
      url: PATH,
      headers: { authorization: ctx.a.auth, 'content-type': 'application/json' },
      payload: JSON.stringify(lines('BMAX', 6)),
    });
    assert.equal(res.statusCode, 413, res.body);
    assert.equal(res.json<Body>()['code'], 'batch_too_large');
  } finally {
    await app.close();
  }
  for (const body of ['"a string"', '12', 'null']) {
    const notArray = await call(ctx, 'POST', PATH, { body });
    assert.equal(notArray.statusCode, 400, notArray.body);
  }
});

it('XML in and out: ArrayOfSaveResult with SaveResult children', async () => {
  const [good, bad] = [randomUUID(), randomUUID()];
  const item = (id: string, quantity: number | string) =>
    `<job_part_usage><id>${id}</id><quantity>${quantity}</quantity></job_part_usage>`;
  const xml = `<ArrayOfjob_part_usage xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${item(good, 1)}${item(bad, 'many')}</ArrayOfjob_part_usage>`;
  const res = await call(ctx, 'POST', PATH, { xml, accept: 'application/xml' });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /xml/);
  const { root, node } = parseXml(res.body);
  assert.equal(root, 'ArrayOfSaveResult');
  const items = (node as Record<string, unknown>)['SaveResult'] as Array<Record<string, XmlNode>>;
  assert.equal(items.length, 2);
  assert.deepEqual(
    items.map((r) => [r['index'], r['id'], r['success'], r['status']]),
    [
      ['0', good, 'true', 'created'],
      ['1', bad, 'false', 'failed'],
    ],
  );
  assert.match(JSON.stringify(items[1]!['errors']), /quantity/);
});

it('2,000 records (COPY path) are created, then replayed unchanged', { timeout: 120_000 }, async () => {
  const records = lines('B2000', 2000);
  assert.deepEqual(statuses(await saveMultiple(records)), { created: 2000 });
  assert.deepEqual(statuses(await saveMultiple(records)), { unchanged: 2000 });
});

it('a failed record with nested objects leaves its nested records out; the others keep theirs', async () => {
  await call(ctx, 'POST', '/api/JobType', { body: { name: 'Repair', code: 'BREPAIR' } });
  const job = (n: number, type: string) => ({
    id: randomUUID(),
    name: `Nested ${n}`,
    project: { reference_back_office: `BPRJ-${n}`, name: `Project ${n}` },
    job_type_code: type,
    job_status_code: 'Open',
  });
  const results = await saveMultiple([job(1, 'BREPAIR'), job(2, 'UNKNOWN')], '/api/Jobs/SaveMultiple');
  assert.deepEqual(
    results.map((r) => r.status),
    ['created', 'failed'],
  );
  assert.equal(results[1]!.errors?.[0]?.field, 'job_type_code');
  assert.equal((await listAll('Project', "reference_back_office eq 'BPRJ-1'")).length, 1);
  assert.equal((await listAll('Project', "reference_back_office eq 'BPRJ-2'")).length, 0);
});
