/**
 * Hostile and bad input through the app (inject, no network): every refusal has the API's error
 * shape, names the field where there is one, and stores nothing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { call, setup, type CallOptions, type TestContext } from './helpers.js';

let ctx: TestContext;
let small: FastifyInstance;
let tenantA: string;
before(async () => {
  ctx = await setup();
  small = await buildApp({ db: ctx.db, logger: false, config: { bodyLimit: 2048 } });
  await small.ready();
  const r = await ctx.db.query<{ id: string }>('SELECT id FROM tenant WHERE domain = $1', [ctx.a.domain]);
  tenantA = r.rows[0]!.id;
});
after(async () => {
  await small.close();
  await ctx.close();
});

const PATH = '/api/JobPartUsage';
type Res = Awaited<ReturnType<typeof call>>;
const show = (body: unknown): string => JSON.stringify(body);
interface ErrorShape {
  status: number;
  code: string;
  message: string;
  errors?: Array<{ field: string; code: string; message: string }>;
}

async function count(table = 'job_part_usage'): Promise<number> {
  const r = await ctx.db.withTenant(tenantA, (tx) =>
    tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`),
  );
  return r.rows[0]!.n;
}

/** Asserts the error shape; `expect` is `'<status> [code] [field[/fieldCode]]'`. */
function assertError(res: Res, expect: string): ErrorShape {
  const [status, code, named] = expect.split(' ');
  const [field, fieldCode] = (named ?? '').split('/');
  assert.equal(res.statusCode, Number(status), res.body);
  assert.match(String(res.headers['content-type']), /application\/json/);
  const body = res.json<ErrorShape>();
  assert.ok(
    Object.keys(body).every((k) => ['status', 'code', 'message', 'errors'].includes(k)),
    res.body,
  );
  assert.ok(body.status === Number(status) && typeof body.code === 'string' && body.message.length > 0);
  if (code) assert.equal(body.code, code, res.body);
  if (field) {
    const hit = body.errors?.some((e) => e.field === field && (!fieldCode || e.code === fieldCode));
    assert.ok(hit, `errors name ${named}: ${res.body}`);
  }
  return body;
}

interface Send extends CallOptions {
  url?: string;
  table?: string;
}

/** POSTs (JSON errors asked for) and checks the refusal and that nothing was stored in the table. */
async function refused(send: Send, expect: string): Promise<ErrorShape> {
  const { url = PATH, table = 'job_part_usage', ...options } = send;
  const before = await count(table);
  const body = assertError(await call(ctx, 'POST', url, { accept: 'application/json', ...options }), expect);
  assert.equal(await count(table), before, 'nothing stored');
  return body;
}

const post = (options: CallOptions, url = PATH): Promise<Res> => call(ctx, 'POST', url, options);
const part = (extra: object = {}): object => ({ id: randomUUID(), ...extra });
const TYPE = { url: '/api/JobType', table: 'job_type' };

const xml = (inner: string, root = 'job_part_usage'): string =>
  `<${root} xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${inner}</${root}>`;

describe('bad JSON bodies', () => {
  it('refuses malformed JSON', async () => {
    await refused({ body: `{"id": "${randomUUID()}", "quantity": 1,` }, '400 bad_request');
    await refused({ body: "{'id': 1}" }, '400 bad_request');
  });

  it('refuses an array or a string where an object is expected', async () => {
    await refused({ body: JSON.stringify([part()]) }, '400 validation_failed (body)/type');
    await refused({ body: JSON.stringify('just a string') }, '400 validation_failed (body)/type');
    await refused({ body: 'null' }, '400 validation_failed (body)');
  });

  it('refuses an empty body sent as JSON', async () => {
    await refused({ body: '' }, '400 empty_body');
    await refused({ body: '  ' }, '400');
  });

  it('lists every wrongly typed field in one response', async () => {
    const bad = { quantity: 'abc', is_dummy: 'yes', jobs_id: 'not-a-guid', working_date: '2026-13-45' };
    const body = await refused({ body: part(bad) }, '400 validation_failed working_date/format');
    const named = new Set(body.errors?.map((e) => e.field));
    assert.ok(
      Object.keys(bad).every((f) => named.has(f)),
      show(body),
    );
    for (const field of Object.keys(bad)) assert.match(body.message, new RegExp(field));
  });

  it('refuses a string over its maximum length, and takes one at the maximum', async () => {
    const long = part({ article_code: 'x'.repeat(256) });
    await refused({ body: long }, '400 validation_failed article_code/max_length');
    await refused({ ...TYPE, body: { name: 'n'.repeat(256) } }, '400 validation_failed name/max_length');
    const ok = await post({ body: part({ article_code: 'é'.repeat(255) }) });
    assert.equal(ok.statusCode, 201, ok.body);
  });

  it('refuses a missing required field', async () => {
    await refused({ body: { quantity: 1 } }, '400 validation_failed id/required');
    await refused({ ...TYPE, body: { description: 'd' } }, '400 validation_failed name/required');
    await refused({ ...TYPE, body: { name: null } }, '400 validation_failed name');
  });

  it('refuses a NUL character in a string', async () => {
    await refused({ body: part({ remark: 'a\u0000b' }) }, '400 validation_failed remark/invalid_character');
    const id = `<id>${randomUUID()}</id>`;
    await refused({ xml: xml(`${id}<remark>a\u0000b</remark>`) }, '400 validation_failed remark');
    // A character reference to NUL is not a NUL: it is replaced (U+FFFD) or refused, never stored as is.
    const res = await post({ xml: xml(`${id}<remark>a&#0;b</remark>`), accept: 'application/json' });
    if (res.statusCode === 201) assert.equal(res.json()['remark'], 'a\uFFFDb');
    else assertError(res, '400');
  });

  it('refuses numbers out of range', async () => {
    // 1e400 parses to Infinity: not a number the API accepts.
    await refused({ body: `{"id":"${randomUUID()}","quantity":1e400}` }, '400 validation_failed quantity');
    const priority = { url: '/api/JobPriority', table: 'job_priority' };
    for (const sequence of [2147483648, -1])
      await refused({ ...priority, body: { name: 'p', sequence } }, '400 validation_failed sequence/range');
    await refused({ ...priority, body: { name: 'p', sequence: 1.5 } }, '400 validation_failed sequence/type');
  });

  it('refuses __proto__ and constructor.prototype keys and pollutes nothing', async () => {
    const id = randomUUID();
    await refused({ body: `{"id":"${id}","__proto__":{"polluted":"yes"}}` }, '400');
    await refused({ body: `{"id":"${id}","constructor":{"prototype":{"polluted":"yes"}}}` }, '400');
    await refused({ body: `{"id":"${id}","quantity":2,"x":{"__proto__":{"polluted":1}}}` }, '400');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal((await call(ctx, 'GET', `${PATH}(${id})`)).statusCode, 404);
  });

  it('refuses __proto__ and constructor elements in XML with a 400', async () => {
    const id = randomUUID();
    await refused({ xml: xml(`<id>${id}</id><__proto__><polluted>1</polluted></__proto__>`) }, '400');
    await refused({ xml: xml(`<id>${id}</id><constructor><prototype>1</prototype></constructor>`) }, '400');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('refuses a body over the limit with 413', async () => {
    const before = await count();
    const res = await small.inject({
      method: 'POST',
      url: PATH,
      headers: { authorization: ctx.a.auth, 'content-type': 'application/json' },
      payload: JSON.stringify(part({ remark: 'x'.repeat(4096) })),
    });
    assertError(res as Res, '413 body_too_large');
    assert.equal(await count(), before);
  });

  it('refuses text/plain with 415', async () => {
    const body = JSON.stringify(part());
    await refused({ body, headers: { 'content-type': 'text/plain' } }, '415 unsupported_media_type');
  });

  it('ignores unknown fields', async () => {
    const id = randomUUID();
    const res = await post({ body: { id, quantity: 3, offline_only_flag: true, foo: 'bar' } });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json()['quantity'], 3);
    assert.ok(!('offline_only_flag' in res.json()) && !('foo' in res.json()), res.body);
    const r = await ctx.db.withTenant(tenantA, (tx) =>
      tx.query<{ row: object }>('SELECT to_jsonb(t) AS row FROM job_part_usage t WHERE id = $1', [id]),
    );
    assert.equal(r.rows.length, 1);
    assert.ok(!('offline_only_flag' in r.rows[0]!.row) && !('foo' in r.rows[0]!.row));
  });
});

/** The request XML sample of job_part_usage in the help page (seeds/001), verbatim. */
const SAMPLE_XML =
  '<job_part_usage xmlns:i="http://www.w3.org/2001/XMLSchema-instance"> <article_code>sample string 7</article_code> <article_description>sample string 9</article_description> <article_id>bba806de-564d-4451-80da-cd2507109604</article_id> <article_name>sample string 8</article_name> <article_stock_location_id>caf5db97-7f62-4c09-a199-a7d9b88c22ae</article_stock_location_id> <company_vat_id>cb209e56-7238-4560-b5cb-091e953bdc46</company_vat_id> <db_unit_of_measure_id>7cbffa8c-0f38-491c-a213-2477b4ef3870</db_unit_of_measure_id> <discount>15</discount> <id>db79175d-38a3-40b0-a063-f1a3367d044b</id> <included_on_last_stock_compute>true</included_on_last_stock_compute> <invoice_details_id>5533951a-0d98-41b9-a87d-f0fd39c21e59</invoice_details_id> <invoice_id>e2dd55d4-63e2-490c-89c9-4715a563e074</invoice_id> <is_customized>true</is_customized> <is_dummy>true</is_dummy> <is_under_warranty>true</is_under_warranty> <job_approval_id>e6582ae8-3f51-45f4-913c-471e14b2bafb</job_approval_id> <jobs_id>c9e60bc7-5d5b-4fbd-a608-590717a4ec52</jobs_id> <modified_dateutc>2026-06-16T21:16:49.270Z</modified_dateutc> <no_warranty_reason>sample string 19</no_warranty_reason> <price>13</price> <purchase_order_details_id>6ad519ab-604c-40a7-b57d-0638ee58b6c7</purchase_order_details_id> <quantity>11</quantity> <remark>sample string 18</remark> <serial_number>sample string 12</serial_number> <signed_by_company>true</signed_by_company> <user_id>88e166b9-2b2a-40ef-86c1-1e664e179f7e</user_id> <vat_rate>25</vat_rate> <vat_value>24</vat_value> <working_date>2026-06-16T21:16:49.251Z</working_date> </job_part_usage>';
const REF_FIELDS = 'article_id article_stock_location_id db_unit_of_measure_id jobs_id user_id'.split(' ');
REF_FIELDS.push('purchase_order_details_id');
const SAMPLE_ID = 'db79175d-38a3-40b0-a063-f1a3367d044b';

describe('XML bodies', () => {
  it('refuses malformed XML', async () => {
    for (const bad of ['<job_part_usage><id>', '<job_part_usage><id>1</ids></job_part_usage>', '<a/><b/>'])
      await refused({ xml: bad }, '400 malformed_xml');
  });

  it('answers an XML request with an XML error unless JSON is asked for', async () => {
    const res = await post({ xml: '<job_part_usage><id>' });
    assert.equal(res.statusCode, 400);
    assert.match(String(res.headers['content-type']), /application\/xml/);
    assert.match(res.body, /^<error xmlns:i="[^"]+"><code>malformed_xml<\/code>.*<\/error>$/);
  });

  it('refuses DOCTYPE and entity declarations', async () => {
    const doc = (decl: string, ref: string): string =>
      `<?xml version="1.0"?><!DOCTYPE r [${decl}]><job_part_usage><id>${randomUUID()}</id><remark>${ref}</remark></job_part_usage>`;
    const lol2 = `<!ENTITY lol2 "${'&lol;'.repeat(10)}">`;
    const lol3 = `<!ENTITY lol3 "${'&lol2;'.repeat(10)}">`;
    for (const body of [
      `<!DOCTYPE job_part_usage><job_part_usage><id>${randomUUID()}</id></job_part_usage>`,
      doc('<!ENTITY x SYSTEM "file:///etc/passwd">', '&x;'),
      doc(`<!ENTITY lol "lol">${lol2}${lol3}`, '&lol3;'),
      `<job_part_usage><!ENTITY x "y"><id>${randomUUID()}</id></job_part_usage>`,
    ])
      await refused({ xml: body }, '400 xml_doctype_forbidden');
  });

  it('refuses a root element of another entity', async () => {
    await refused({ xml: xml('<name>x</name>', 'job_type') }, '400 validation_failed (body)');
  });

  it('refuses wrongly typed values, naming the field', async () => {
    const id = `<id>${randomUUID()}</id>`;
    await refused({ xml: xml(`${id}<quantity>abc</quantity>`) }, '400 validation_failed quantity/type');
    await refused({ xml: xml(`${id}<is_dummy>yes</is_dummy>`) }, '400 validation_failed is_dummy/type');
    await refused({ xml: xml(`${id}<working_date>x</working_date>`) }, '400 validation_failed working_date');
    await refused({ xml: xml('<id>not-a-guid</id>') }, '400 validation_failed id/format');
  });

  it('refuses the help-page sample while its references do not exist', async () => {
    const body = await refused({ xml: SAMPLE_XML, url: `${PATH}/Save` }, '422 unresolved_reference');
    assert.ok(
      body.errors?.some((e) => REF_FIELDS.includes(e.field)),
      show(body),
    );
  });

  it('accepts the help-page sample without its references and round-trips the values', async () => {
    const stripped = REF_FIELDS.reduce((x, f) => x.replace(new RegExp(`<${f}>[^<]*</${f}>`), ''), SAMPLE_XML);
    assert.ok(!REF_FIELDS.some((f) => stripped.includes(`<${f}>`)));
    const res = await post({ xml: stripped }, `${PATH}/Save`);
    assert.equal(res.statusCode, 201, res.body);
    assert.match(String(res.headers['content-type']), /application\/xml/);
    const got = (await call(ctx, 'GET', `${PATH}(${SAMPLE_ID})`)).json();
    // discount is not compared: the sample is under warranty, where a rule may set it to the price.
    const expected: Record<string, unknown> = { quantity: 11, price: 13, is_dummy: true };
    expected['article_code'] = 'sample string 7';
    expected['invoice_id'] = 'e2dd55d4-63e2-490c-89c9-4715a563e074';
    expected['working_date'] = '2026-06-16T21:16:49.251Z';
    // A member without a value is left out of the answer.
    for (const f of REF_FIELDS) expected[f] = undefined;
    assert.deepEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, got[k]])), expected);
    assert.notEqual(got['modified_dateutc'], '2026-06-16T21:16:49.270Z', 'modified_dateutc is the server’s');
    const again = await post({ xml: stripped }, `${PATH}/Save`);
    assert.equal(again.statusCode, 200, 'a replay is an update, not a second record');
  });

  it('decodes references, keeps whitespace and reads i:nil as no value', async () => {
    const id = randomUUID();
    const inner = `<id>${id}</id><name>a &amp; b &#x41;</name><description>  two\n lines </description><code i:nil="true"/>`;
    const res = await post({ xml: xml(inner, 'job_type') }, '/api/JobType');
    assert.equal(res.statusCode, 201, res.body);
    const got = (await call(ctx, 'GET', `/api/JobType(${id})`)).json();
    assert.deepEqual([got['name'], got['description']], ['a & b A', '  two\n lines ']);
    assert.ok(!('code' in got), 'a member without a value is left out');
  });
});

describe('requests and routes', () => {
  it('returns only the id with Prefer: return=minimal', async () => {
    const id = randomUUID();
    const res = await post({ body: part({ id, quantity: 2 }), headers: { prefer: 'return=minimal' } });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json(), { id });
    assert.equal(res.headers['preference-applied'], 'return=minimal');
  });

  it('matches routes and keys case-insensitively', async () => {
    const id = randomUUID();
    assert.equal((await post({ body: part({ id, quantity: 4 }) })).statusCode, 201);
    for (const url of [`/API/jobpartusage(${id})`, `${PATH}(guid'${id}')`, `/api/JOBPARTUSAGE(${id})`]) {
      const res = await call(ctx, 'GET', url);
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      assert.equal(res.json()['id'], id);
    }
  });

  it('refuses a key that is not a GUID', async () => {
    assertError(await call(ctx, 'GET', `${PATH}(123)`), '400 validation_failed id/format');
    assertError(await call(ctx, 'DELETE', `${PATH}('x';DROP TABLE jobs)`), '400 validation_failed id');
  });

  it('refuses a PUT whose body id differs from the URL', async () => {
    const id = randomUUID();
    assert.equal((await post({ body: part({ id, quantity: 4 }) })).statusCode, 201);
    const res = await call(ctx, 'PUT', `${PATH}(${id})`, { body: { id: randomUUID(), quantity: 5 } });
    assertError(res, '400 validation_failed id/mismatch');
    assert.equal((await call(ctx, 'GET', `${PATH}(${id})`)).json()['quantity'], 4);
  });

  it('answers 404 not_found for a missing id', async () => {
    const id = randomUUID();
    const before = await count();
    assertError(await call(ctx, 'GET', `${PATH}(${id})`), '404 not_found');
    assertError(await call(ctx, 'PUT', `${PATH}(${id})`, { body: { quantity: 1 } }), '404 not_found');
    assertError(await call(ctx, 'DELETE', `${PATH}(${id})`), '404 not_found');
    assert.equal(await count(), before);
  });

  it('answers 404 with a JSON error for an unknown route', async () => {
    assertError(await call(ctx, 'GET', '/api/NoSuchEntity'), '404 not_found');
    assertError(await call(ctx, 'POST', `${PATH}/Nope`, { body: part() }), '404 not_found');
    assertError(await call(ctx, 'GET', '/nowhere', { as: null }), '404 not_found');
  });
});
