/**
 * OData `$filter`/`$orderby` translation (unit tests of src/db/odata.ts), then paging, ordering,
 * filtering and tenant isolation of lists through the app.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseFilter, parseOrderBy } from '../src/db/odata.js';
import { ContractError, ERRORS } from '../src/contract/errors.js';
import { registry } from '../src/schema/registry.js';
import { parseXml, xmlItems } from '../src/schema/xml.js';
import { call, setup, type TestContext } from './helpers.js';

let ctx: TestContext;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx.close();
});

const part = registry.entity('job_part_usage');
const GUID = '6ad519ab-604c-40a7-b57d-0638ee58b6c7';
const DATE = '2026-06-16T21:15:51.772Z';

const sql = (text: string, first?: number) => parseFilter(part, text, first);
const gives = (text: string, sqlText: string, params: unknown[]): void =>
  assert.deepEqual(sql(text), { sql: sqlText, params }, text);

function rejects(
  text: string,
  message?: RegExp,
  parse: () => unknown = () => sql(text),
  code = 'invalid_filter',
) {
  assert.throws(parse, (err: unknown) => {
    assert.ok(err instanceof ContractError, `${text}: ${String(err)}`);
    assert.deepEqual([ERRORS[err.code].status, err.code], [400, code], text);
    if (message) assert.match(err.message, message);
    return true;
  });
}
const orderRejects = (text: string) =>
  rejects(text, undefined, () => parseOrderBy(part, text), 'invalid_orderby');

/** A comparison on a column that may hold null, as OData's two-valued semantics write it. */
const cmp = (column: string, op: string, value: string): string =>
  op === '<>'
    ? `"${column}" IS DISTINCT FROM ${value}`
    : `("${column}" ${op} ${value} AND "${column}" IS NOT NULL)`;

describe('parseFilter', () => {
  it('translates each comparison operator', () => {
    const ops = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };
    for (const [op, symbol] of Object.entries(ops)) {
      gives(`quantity ${op} 2`, cmp('quantity', symbol, '$1::numeric'), ['2']);
      gives(`quantity ${op.toUpperCase()} 2`, cmp('quantity', symbol, '$1::numeric'), ['2']);
      // id is never null: the plain comparison is already two-valued.
      gives(`id ${op} ${GUID}`, `"id" ${symbol} $1::uuid`, [GUID]);
    }
    assert.deepEqual(sql('quantity eq 2', 4), { sql: cmp('quantity', '=', '$4::numeric'), params: ['2'] });
  });

  it('binds and tighter than or, and keeps parentheses', () => {
    const [q, p, d] = [
      cmp('quantity', '>', '$1::numeric'),
      cmp('price', '<', '$2::numeric'),
      // A flag is never null: the plain comparison.
      '"is_dummy" = $3::boolean',
    ];
    gives('quantity gt 1 and price lt 2 or is_dummy eq true', `(${q} AND ${p} OR ${d})`, ['1', '2', true]);
    gives('quantity gt 1 and (price lt 2 or is_dummy eq false)', `${q} AND ((${p} OR ${d}))`, [
      '1',
      '2',
      false,
    ]);
    gives('(quantity gt 1 or price lt 2) and is_dummy eq true', `((${q} OR ${p})) AND ${d}`, [
      '1',
      '2',
      true,
    ]);
    gives(
      'not quantity eq 1 and remark eq null',
      `NOT (${cmp('quantity', '=', '$1::numeric')}) AND "remark" IS NULL`,
      ['1'],
    );
  });

  it('reads string literals with a doubled quote', () => {
    gives("article_code eq 'O''Brien'", cmp('article_code', '=', '$1::text'), ["O'Brien"]);
    gives("remark eq ''''", cmp('remark', '=', '$1::text'), ["'"]);
    gives("remark eq ''", cmp('remark', '=', '$1::text'), ['']);
  });

  it('reads GUIDs bare, quoted and as guid literals', () => {
    for (const literal of [GUID, `guid'${GUID}'`, `'${GUID}'`, `GUID'${GUID}'`])
      gives(`jobs_id eq ${literal}`, cmp('jobs_id', '=', '$1::uuid'), [GUID]);
    gives(`id eq ${GUID.toUpperCase()}`, '"id" = $1::uuid', [GUID.toUpperCase()]);
  });

  it('reads datetimes bare and quoted', () => {
    const ge = cmp('working_date', '>=', '$1::timestamptz');
    for (const literal of [DATE, `'${DATE}'`, `datetime'${DATE}'`, `datetimeoffset'${DATE}'`])
      gives(`working_date ge ${literal}`, ge, [DATE]);
    const lt = cmp('working_date', '<', '$1::timestamptz');
    gives('working_date lt 2026-06-16', lt, ['2026-06-16']);
    const zoned = '2026-06-16T21:15:51+02:00';
    gives(`working_date lt '${zoned}'`, lt, [zoned]);
    gives(`modified_dateutc gt '${DATE}'`, '"modified_dateutc" > $1::timestamptz', [DATE]);
  });

  it('reads numbers, booleans and null', () => {
    const numbers = { '11': '11', '-1.5': '-1.5', '13.0m': '13.0', '1e3': '1e3', '2.5d': '2.5' };
    for (const [literal, param] of Object.entries(numbers))
      gives(`price eq ${literal}`, cmp('price', '=', '$1::numeric'), [param]);
    gives('is_dummy eq true', '"is_dummy" = $1::boolean', [true]);
    gives('is_dummy ne false', '"is_dummy" <> $1::boolean', [false]);
    gives('remark eq null', '"remark" IS NULL', []);
    gives('jobs_id ne null', '"jobs_id" IS NOT NULL', []);
    rejects('quantity gt null', /null/);
  });

  it('translates contains, startswith and endswith with % _ and \\ escaped', () => {
    gives("contains(article_code,'50%_off')", '"article_code" LIKE $1::text', ['%50\\%\\_off%']);
    gives("startswith(remark, 'a\\b')", '"remark" LIKE $1::text', ['a\\\\b%']);
    const or = `("serial_number" LIKE $1::text OR ${cmp('quantity', '=', '$2::numeric')})`;
    gives("endswith(serial_number,'_x%') or quantity eq 1", or, ['%\\_x\\%', '1']);
    rejects("contains(quantity,'1')", /text field/);
    rejects('contains(remark,1)', /string literal/);
  });

  it('refuses unknown fields and wrongly typed literals', () => {
    rejects('nosuch eq 1', /nosuch is not a field/);
    rejects('tenant_id eq 1', /not a field/);
    const wrong = "quantity eq 'abc'|is_dummy eq 1|is_dummy eq True|jobs_id eq 'x'|jobs_id eq 12|remark eq 5";
    for (const text of `${wrong}|working_date eq 'yesterday'|working_date eq 2026-13-45`.split('|'))
      rejects(text, /not a valid/);
  });

  it('refuses fields inherited from Object.prototype', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      rejects(`${name} eq 1`, /not a field/);
  });

  it('refuses broken syntax', () => {
    rejects("article_code eq 'abc", /Unterminated/);
    rejects("article_code eq 'O'Brien", /unexpected text/);
    rejects('quantity eq 1 quantity', /unexpected text/);
    rejects('quantity eq 1)', /unexpected text/);
    rejects('(quantity eq 1', /expected '\)'/);
    rejects('quantity eq', /missing/);
    rejects('quantity 1', /expected eq/);
    rejects('quantity eq 1 and', /field name/);
    rejects('   ', /empty/);
  });

  it('limits nesting to 32 levels and the text to 4000 characters', () => {
    const nested = (n: number) => `${'('.repeat(n)}quantity eq 1${')'.repeat(n)}`;
    assert.deepEqual(sql(nested(32)).params, ['1']);
    rejects(nested(33), /nested too deeply/);
    rejects(`${'not '.repeat(40)}quantity eq 1`, /nested too deeply/);
    rejects(nested(5000), /longer than 4000/);
    const text = (n: number) => `remark eq '${'x'.repeat(n - 12)}'`;
    assert.equal(text(4000).length, 4000);
    assert.deepEqual(sql(text(4000)).params, ['x'.repeat(3988)]);
    rejects(text(4001), /longer than 4000/);
  });

  it('refuses SQL injection attempts', () => {
    rejects('quantity eq 1; DROP TABLE jobs', /Unexpected character ';'/);
    rejects("article_code eq 'x' or 1=1", /Unexpected character '='/);
    rejects("article_code eq 'x' -- comment", /Unexpected character '-'/);
    rejects('"quantity" eq 1', /Unexpected character/);
    rejects('quantity eq 1 union select 1', /unexpected text/);
    // A quote inside the literal stays inside the one parameter.
    gives("article_code eq 'x'' or ''1''=''1'", cmp('article_code', '=', '$1::text'), ["x' or '1'='1"]);
  });
});

describe('parseOrderBy', () => {
  it('orders by the given keys and always by id last', () => {
    assert.equal(parseOrderBy(part, undefined), '"id" ASC');
    const keys = parseOrderBy(part, 'quantity desc, article_code');
    assert.equal(keys, '"quantity" DESC, "article_code" ASC, "id" ASC');
    assert.equal(parseOrderBy(part, 'id DESC'), '"id" DESC');
  });

  it('refuses unknown fields and injection attempts', () => {
    for (const text of ['nosuch', 'quantity sideways', 'quantity; DROP TABLE jobs', '"id"', 'id desc desc'])
      orderRejects(text);
  });

  it('refuses fields inherited from Object.prototype', () => {
    for (const text of ['constructor', 'toString desc']) orderRejects(text);
  });
});

describe('lists through the app', () => {
  const jobType = registry.entity('job_type');
  type Page = { '@odata.context': string; '@odata.nextLink'?: string; value: Array<Record<string, unknown>> };

  before(async () => {
    const r = await ctx.db.query<{ id: string }>('SELECT id FROM tenant WHERE domain = $1', [ctx.a.domain]);
    const names = `SELECT gen_random_uuid(), 'type ' || lpad(g::text, 3, '0') FROM generate_series(1, 250) g`;
    await ctx.db.withTenant(r.rows[0]!.id, (tx) => tx.query(`INSERT INTO job_type (id, name) ${names}`));
  });

  const list = async (url: string): Promise<Page> => {
    const res = await call(ctx, 'GET', url);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json<Page>();
  };

  /** Every page from `url` on, following nextLink (origin stripped). */
  async function pages(url: string): Promise<Page[]> {
    const out: Page[] = [];
    for (let next: string | undefined = url; next;) {
      const page = await list(next);
      out.push(page);
      const link = page['@odata.nextLink'];
      next = link ? new URL(link).pathname + new URL(link).search : undefined;
      assert.ok(out.length < 10, 'nextLink ends');
    }
    return out;
  }

  it('pages by 100 with @odata.context and @odata.nextLink', async () => {
    const first = await list('/api/JobType');
    assert.equal(first.value.length, 100);
    assert.match(first['@odata.context'], /\/api\/\$metadata#JobType$/);
    assert.ok(first['@odata.nextLink'], 'a next link');
    const all = await pages('/api/JobType');
    assert.deepEqual(
      all.map((p) => p.value.length),
      [100, 100, 50],
    );
    const ids = all.flatMap((p) => p.value.map((r) => r['id']));
    assert.equal(ids.length, 250);
    assert.equal(new Set(ids).size, 250, 'no duplicates');
    assert.equal(all.at(-1)!['@odata.nextLink'], undefined);
  });

  it('honours $top below and above the page size', async () => {
    const top30 = await list('/api/JobType?$top=30');
    assert.equal(top30.value.length, 30);
    assert.equal(top30['@odata.nextLink'], undefined);
    const top150 = await pages('/api/JobType?$top=150');
    assert.deepEqual(
      top150.map((p) => p.value.length),
      [100, 50],
    );
    assert.equal(new Set(top150.flatMap((p) => p.value.map((r) => r['id']))).size, 150);
    assert.equal((await list('/api/JobType?$top=0')).value.length, 0);
    assert.equal((await list('/api/JobType?$skip=240')).value.length, 10);
  });

  it('orders by $orderby, also across pages with a $filter', async () => {
    const desc = await list('/api/JobType?$orderby=name desc');
    assert.equal(desc.value[0]!['name'], 'type 250');
    const names = desc.value.map((r) => String(r['name']));
    assert.deepEqual(names, [...names].sort().reverse());
    const all = await pages(`/api/JobType?$filter=name ge 'type 100'&$orderby=name desc`);
    const filtered = all.flatMap((p) => p.value.map((r) => String(r['name'])));
    assert.equal(filtered.length, 151);
    assert.deepEqual(filtered, [...filtered].sort().reverse());
  });

  it('filters on modified_dateutc', async () => {
    const old = await pages(`/api/JobType?$filter=modified_dateutc gt '2000-01-01T00:00:00.000Z'`);
    assert.equal(old.flatMap((p) => p.value).length, 250);
    const latest = (await list('/api/JobType?$orderby=modified_dateutc desc&$top=1')).value[0]!;
    const iso = String(latest['modified_dateutc']);
    assert.equal((await list(`/api/JobType?$filter=modified_dateutc gt '${iso}'`)).value.length, 0);
    const ge = await list(`/api/JobType?$filter=modified_dateutc ge ${iso}`);
    assert.ok(ge.value.some((r) => r['id'] === latest['id']));
    const none = await list(`/api/JobType?$filter=name eq 'x'' or ''1''=''1'`);
    assert.deepEqual(none.value, []);
  });

  it('lists as XML', async () => {
    const res = await call(ctx, 'GET', '/api/JobType?$top=5', { accept: 'application/xml' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /application\/xml/);
    const { root, node } = parseXml(res.body);
    assert.equal(root, 'ArrayOfjob_type');
    assert.equal(xmlItems(jobType, node).length, 5);
  });

  it('refuses bad query options with 400', async () => {
    const cases: Array<[string, string]> = [
      ['$top=-1', 'invalid_query'],
      ['$top=1.5', 'invalid_query'],
      ['$skip=abc', 'invalid_query'],
      ['$orderby=nosuch', 'invalid_orderby'],
      ['$filter=nosuch eq 1', 'invalid_filter'],
      ['$filter=name eq 1; DROP TABLE job_type', 'invalid_filter'],
    ];
    for (const [query, code] of cases) {
      const res = await call(ctx, 'GET', `/api/JobType?${query}`);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.deepEqual(res.json(), { status: 400, code, message: res.json()['message'] });
    }
  });

  it('refuses Object.prototype names in $filter and $orderby with 400', async () => {
    for (const query of ['$orderby=constructor', '$filter=constructor eq 1', '$filter=toString eq 1']) {
      const res = await call(ctx, 'GET', `/api/JobType?${query}`);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
    }
  });

  it('shows tenant b none of these records', async () => {
    const res = await call(ctx, 'GET', '/api/JobType', { as: ctx.b });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json<Page>().value, []);
    assert.equal(res.json<Page>()['@odata.nextLink'], undefined);
    const any = (await list('/api/JobType?$top=1')).value[0]!;
    assert.equal(
      (await call(ctx, 'GET', `/api/JobType(${String(any['id'])})`, { as: ctx.b })).statusCode,
      404,
    );
  });
});
