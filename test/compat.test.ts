/**
 * Values the way the original service has them, as a .NET connector written from its help pages
 * sends and reads them: two-valued flags, members without a value left out, the empty GUID and
 * DateTime.MinValue as "no value", ERP keys and closed lists without regard to case. The bodies
 * are written as Newtonsoft.Json and DataContractSerializer write them; what is stored is read
 * back from the database.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { migrate } from '../src/db/migrate.js';
import { registry } from '../src/schema/registry.js';
import { call, createTenant, openDatabaseAt, setup, tenantIdOf, type TestContext } from './helpers.js';

type Body = Record<string, unknown>;

let ctx: TestContext;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx.close();
});

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** The stored row, read from the database in the tenant of `ctx.a`. */
async function stored(table: string, id: string): Promise<Body | undefined> {
  return ctx.db.withTenant(await tenantIdOf(ctx.db, ctx.a.domain), async (tx) => {
    const r = await tx.query(`SELECT * FROM "${table}" WHERE id = $1`, [id]);
    return r.rows[0] as Body | undefined;
  });
}

async function created(route: string, body: Body): Promise<Body> {
  const res = await call(ctx, 'POST', `/api/${route}`, { body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

describe('flags are two-valued', () => {
  it('every boolean column of the registry is NOT NULL with default false', async () => {
    const r = await ctx.db.query<{ table_name: string; column_name: string; is_nullable: string; d: string }>(
      `SELECT table_name, column_name, is_nullable, column_default AS d FROM information_schema.columns
       WHERE table_schema = current_schema() AND data_type = 'boolean'`,
    );
    const columns = new Map(r.rows.map((c) => [`${c.table_name}.${c.column_name}`, c]));
    let flags = 0;
    for (const entity of registry.entities) {
      for (const name of entity.columns) {
        if (entity.spec.fields[name]?.type !== 'boolean') continue;
        flags++;
        const c = columns.get(`${entity.name}.${name}`);
        assert.ok(c, `${entity.name}.${name} is a boolean column`);
        assert.equal(c.is_nullable, 'NO', `${entity.name}.${name} is NOT NULL`);
        assert.equal(c.d, 'false', `${entity.name}.${name} defaults to false`);
      }
    }
    assert.ok(flags > 20, `${flags} flags`);
  });

  it('a flag not given or given as null is false, in the answer and in storage', async () => {
    const notGiven = await created('JobType', { name: 'no flag' });
    assert.equal(notGiven['is_default'], false);
    assert.equal((await stored('job_type', String(notGiven['id'])))?.['is_default'], false);
    const nulled = await created('JobType', { name: 'null flag', is_default: null });
    assert.equal(nulled['is_default'], false);
    assert.equal((await stored('job_type', String(nulled['id'])))?.['is_default'], false);
    // An update that leaves the flag out keeps it; one that sends null clears it.
    const set = await created('JobType', { name: 'set flag', is_default: true });
    const id = String(set['id']);
    await call(ctx, 'PUT', `/api/JobType(${id})`, { body: { name: 'renamed' } });
    assert.equal((await stored('job_type', id))?.['is_default'], true);
    await call(ctx, 'PUT', `/api/JobType(${id})`, { body: { is_default: null } });
    assert.equal((await stored('job_type', id))?.['is_default'], false);
  });

  it('the classic sync filter sys_logical_delete ne true lists every live record', async () => {
    const job = await created('Jobs', {
      name: 'flag filter',
      project: { reference_back_office: 'FLAG-PRJ', name: 'Flag project' },
      job_type: { code: 'FLAG', name: 'Flag type' },
      job_status_code: 'Open',
    });
    const log = await created('JobDispatchLog', { jobs_id: job['id'], rejected_reason: 'never deleted' });
    assert.equal(log['sys_logical_delete'], false);
    const filter = encodeURIComponent(`sys_logical_delete ne true and id eq ${String(log['id'])}`);
    const list = await call(ctx, 'GET', `/api/JobDispatchLog?$filter=${filter}`);
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(
      list.json<{ value: Body[] }>().value.map((r) => r['id']),
      [log['id']],
    );
  });
});

describe('members without a value', () => {
  it('are left out of JSON and XML answers, single and lists', async () => {
    const type = await created('JobType', { name: 'sparse' });
    const id = String(type['id']);
    assert.ok(!('code' in type) && !('description' in type), JSON.stringify(type));
    assert.ok(!Object.values(type).includes(null), JSON.stringify(type));
    const xml = await call(ctx, 'GET', `/api/JobType(${id})`, { accept: 'application/xml' });
    assert.equal(xml.statusCode, 200, xml.body);
    assert.ok(!xml.body.includes('i:nil'), xml.body);
    assert.ok(!xml.body.includes('<code'), xml.body);
    assert.match(xml.body, /<is_default>false<\/is_default>/);
    const list = await call(ctx, 'GET', `/api/JobType?$filter=${encodeURIComponent(`id eq ${id}`)}`, {
      accept: 'application/xml',
    });
    assert.ok(list.body.includes(`<id>${id}</id>`) && !list.body.includes('i:nil'), list.body);
    const json = await call(ctx, 'GET', `/api/JobType?$filter=${encodeURIComponent(`id eq ${id}`)}`);
    assert.ok(!json.body.includes('null'), json.body);
  });
});

describe('the .NET defaults for no value', () => {
  it('the empty GUID is no reference and DateTime.MinValue no date (JSON, as Newtonsoft writes them)', async () => {
    const job = await created('Jobs', {
      name: 'defaults',
      project: { reference_back_office: 'DEF-PRJ', name: 'Defaults project' },
      job_type: { code: 'DEF', name: 'Defaults type' },
      job_status_code: 'Open',
    });
    const id = randomUUID();
    const res = await call(ctx, 'POST', '/api/JobPartUsage/Save', {
      body: {
        id,
        jobs_id: job['id'],
        article_id: EMPTY_GUID,
        article_stock_location_id: EMPTY_GUID,
        purchase_order_details_id: EMPTY_GUID,
        user_id: EMPTY_GUID,
        db_unit_of_measure_id: EMPTY_GUID,
        invoice_id: EMPTY_GUID,
        working_date: '0001-01-01T00:00:00',
        quantity: 2,
        price: 0,
        is_dummy: false,
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    const row = await stored('job_part_usage', id);
    for (const f of ['article_id', 'article_stock_location_id', 'purchase_order_details_id', 'user_id'])
      assert.equal(row?.[f], null, f);
    assert.equal(row?.['invoice_id'], null);
    assert.equal(row?.['working_date'], null);
    const got = res.json<Body>();
    assert.ok(!('article_id' in got) && !('working_date' in got), res.body);
  });

  it('an empty GUID as the id is a new record; DateTimeOffset.MinValue too is no date (XML)', async () => {
    const xml =
      `<job_type xmlns:i="${XSI}" xmlns="http://schemas.datacontract.org/2004/07/FieldService">` +
      `<code>MINDATE</code><id>${EMPTY_GUID}</id><is_default>false</is_default><name>min date</name>` +
      `</job_type>`;
    const res = await call(ctx, 'POST', '/api/JobType', { xml, accept: 'application/json' });
    assert.equal(res.statusCode, 201, res.body);
    const id = String(res.json<Body>()['id']);
    assert.notEqual(id, EMPTY_GUID);
    assert.ok(await stored('job_type', id));
    const log = await call(ctx, 'POST', '/api/JobDispatchLog', {
      body: { rejected_reason: 'min', date_create: '0001-01-01T00:00:00+00:00' },
    });
    assert.equal(log.statusCode, 201, log.body);
    // A creation time not given is the server's now.
    const date = String(log.json<Body>()['date_create']);
    assert.ok(Date.now() - new Date(date).getTime() < 600_000, date);
  });
});

describe('ERP keys and closed lists compare without regard to case', () => {
  it('a reference by ERP key and a closed list match in any case', async () => {
    await created('JobType', { name: 'Case type', code: 'CASE-T' });
    await created('Project', { name: 'Case project', reference_back_office: 'Case-Prj' });
    const job = await created('Jobs', {
      name: 'case job',
      project_reference_back_office: 'CASE-PRJ',
      job_type_code: 'case-t',
      job_status_code: 'open',
    });
    const row = await stored('jobs', String(job['id']));
    const project = await call(ctx, 'GET', `/api/Project(${String(row?.['project_id'])})`);
    assert.equal(project.json<Body>()['reference_back_office'], 'Case-Prj');
    const type = await call(ctx, 'GET', `/api/JobType(${String(row?.['job_type_id'])})`);
    assert.equal(type.json<Body>()['code'], 'CASE-T');
    const status = await call(ctx, 'GET', `/api/JobStatus(${String(row?.['job_status_id'])})`);
    assert.equal(status.json<Body>()['code'], 'Open');
  });

  it('two keys that differ only in case are one key: the second is a conflict', async () => {
    await created('JobType', { name: 'Upper', code: 'DUP-CASE' });
    const res = await call(ctx, 'POST', '/api/JobType', { body: { name: 'lower', code: 'dup-case' } });
    assert.equal(res.statusCode, 409, res.body);
    assert.match(res.body, /code/);
    // A nested object given by key in another case updates the record (with the values it gives,
    // its key's spelling too), never a second one.
    const job = await created('Jobs', {
      name: 'nested case',
      project: { reference_back_office: 'NEST-PRJ', name: 'Nested' },
      job_type: { code: 'dup-CASE', name: 'Upper renamed' },
      job_status_code: 'Open',
    });
    const row = await stored('jobs', String(job['id']));
    const type = await call(ctx, 'GET', `/api/JobType(${String(row?.['job_type_id'])})`);
    assert.deepEqual([type.json<Body>()['code'], type.json<Body>()['name']], ['dup-CASE', 'Upper renamed']);
    const all = await call(
      ctx,
      'GET',
      `/api/JobType?$filter=${encodeURIComponent("name eq 'Upper renamed'")}`,
    );
    assert.equal(all.json<{ value: Body[] }>().value.length, 1, all.body);
  });
});

describe('migration 0005 on a database that holds data', () => {
  it('fills in false for every flag never set, and stops on keys that differ only in case', async () => {
    const test = await openDatabaseAt(4);
    try {
      const tenant = (
        await test.db.query<{ id: string }>("INSERT INTO tenant (domain) VALUES ('flags.test') RETURNING id")
      ).rows[0]!.id;
      const [plain, flagged, dup] = [randomUUID(), randomUUID(), randomUUID()];
      await test.db.withTenant(tenant, async (tx) => {
        await tx.query("INSERT INTO job_type (id, name, code) VALUES ($1, 'never set', 'K1')", [plain]);
        await tx.query("INSERT INTO job_type (id, name, is_default) VALUES ($1, 'set', true)", [flagged]);
        await tx.query("INSERT INTO job_type (id, name, code) VALUES ($1, 'duplicate', 'k1')", [dup]);
      });
      const before = await test.db.withTenant(tenant, (tx) =>
        tx.query<{ id: string; row_version: string; is_default: boolean | null }>(
          'SELECT id, row_version, is_default FROM job_type',
        ),
      );
      assert.equal(before.rows.find((r) => r.id === plain)?.is_default, null);
      // Two keys one case apart: the migration stops, naming the key, and changes nothing.
      await assert.rejects(migrate(test.db), /job_type_erp_key|k1/i);
      const unchanged = await test.db.withTenant(tenant, (tx) =>
        tx.query<{ is_default: boolean | null }>('SELECT is_default FROM job_type WHERE id = $1', [plain]),
      );
      assert.equal(unchanged.rows[0]?.is_default, null);
      await test.db.withTenant(tenant, (tx) =>
        tx.query("UPDATE job_type SET code = 'K2' WHERE id = $1", [dup]),
      );
      await migrate(test.db);
      const after = await test.db.withTenant(tenant, (tx) =>
        tx.query<{ id: string; row_version: string; is_default: boolean }>(
          'SELECT id, row_version, is_default FROM job_type',
        ),
      );
      const byId = new Map(after.rows.map((r) => [r.id, r]));
      assert.equal(byId.get(plain)?.is_default, false);
      assert.equal(byId.get(flagged)?.is_default, true);
      const was = (id: string): number => Number(before.rows.find((r) => r.id === id)!.row_version);
      // The filled-in record has a new version (clients get the value through the feed); the other not.
      assert.ok(Number(byId.get(plain)!.row_version) > was(plain));
      assert.equal(Number(byId.get(flagged)!.row_version), was(flagged));
      const user = await createTenant(test.db, 'flags.test');
      const app = await buildApp({ db: test.db, logger: false });
      try {
        const res = await app.inject({
          method: 'GET',
          url: '/api/Sync/Changes?entities=JobType',
          headers: { authorization: user.auth },
        });
        assert.equal(res.statusCode, 200, res.body);
        const change = res
          .json<{ changes: Array<Body & { record?: Body }> }>()
          .changes.find((c) => c.id === plain);
        assert.equal(change?.record?.['is_default'], false, res.body);
      } finally {
        await app.close();
      }
    } finally {
      await test.close();
    }
  });
});

describe('rules of the seed pages', () => {
  const job = (extra: Body = {}): Body => ({
    name: 'rule job',
    project: { reference_back_office: 'RULE-PRJ', name: 'Rule project' },
    job_type: { code: 'RULE', name: 'Rule type' },
    job_status_code: 'Open',
    ...extra,
  });

  const when = { date_start: '2026-01-05T08:00:00Z', date_end: '2026-01-05T10:00:00Z' };

  it('a job without an ERP key is found by its id2 where a job ERP key is accepted', async () => {
    const plain = await created('Jobs', job());
    const keyed = await created('Jobs', job({ reference_back_office: 'RULE-JOB-1' }));
    const planning = await created('JobPlanning', {
      jobs_reference_back_office: String(plain['id2']),
      ...when,
    });
    assert.equal((await stored('job_planning', String(planning['id'])))?.['jobs_id'], plain['id']);
    // A job that has an ERP key is found by it only.
    const refused = await call(ctx, 'POST', '/api/JobPlanning', {
      body: { jobs_reference_back_office: String(keyed['id2']), ...when },
    });
    assert.equal(refused.statusCode, 422, refused.body);
    assert.match(refused.body, /jobs_reference_back_office/);
  });

  it('a job on a mobile installation needs street, city and zip; an update keeps the stored ones', async () => {
    const mobile = { reference_back_office: 'MOBILE-PRJ', name: 'Mobile', is_mobile_installation: true };
    const refused = await call(ctx, 'POST', '/api/Jobs', { body: job({ project: mobile }) });
    assert.equal(refused.statusCode, 400, refused.body);
    const fields = refused
      .json<{ errors: Array<{ field: string }> }>()
      .errors.map((e) => e.field)
      .sort();
    assert.deepEqual(fields, ['db_address_city', 'db_address_street', 'db_address_zip']);
    const address = { db_address_street: 'Rue 1', db_address_city: 'Liège', db_address_zip: '4000' };
    const ok = await created('Jobs', job({ project: mobile, ...address }));
    const update = await call(ctx, 'PUT', `/api/Jobs(${String(ok['id'])})`, { body: { name: 'renamed' } });
    assert.equal(update.statusCode, 200, update.body);
    const cleared = await call(ctx, 'PUT', `/api/Jobs(${String(ok['id'])})`, {
      body: { db_address_city: null },
    });
    assert.equal(cleared.statusCode, 400, cleared.body);
    assert.equal((await stored('jobs', String(ok['id'])))?.['db_address_city'], 'Liège');
  });

  it('a part returned is a negative quantity', async () => {
    const id = randomUUID();
    const res = await call(ctx, 'POST', '/api/JobPartUsage/Save', { body: { id, quantity: -2 } });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(Number((await stored('job_part_usage', id))?.['quantity']), -2);
  });

  it('a signed line keeps its content, and the ERP still writes back its invoicing fields', async () => {
    const id = randomUUID();
    const res = await call(ctx, 'POST', '/api/JobPartUsage/Save', {
      body: { id, quantity: 1, remark: 'signed', signed_by_company: true },
    });
    assert.equal(res.statusCode, 201, res.body);
    const [invoice, line] = [randomUUID(), randomUUID()];
    const back = await call(ctx, 'PUT', `/api/JobPartUsage(${id})`, {
      body: { invoice_id: invoice, invoice_details_id: line, included_on_last_stock_compute: true },
    });
    assert.equal(back.statusCode, 200, back.body);
    const row = await stored('job_part_usage', id);
    assert.deepEqual(
      [row?.['invoice_id'], row?.['invoice_details_id'], row?.['included_on_last_stock_compute']],
      [invoice, line, true],
    );
    const changed = await call(ctx, 'PUT', `/api/JobPartUsage(${id})`, { body: { remark: 'changed' } });
    assert.equal(changed.statusCode, 409, changed.body);
    assert.equal((await stored('job_part_usage', id))?.['remark'], 'signed');
  });

  it('a 422 names every unresolved reference at once, each by its path', async () => {
    const id = randomUUID();
    const single = await call(ctx, 'POST', '/api/JobPartUsage/Save', {
      body: { id, quantity: 1, jobs_id: randomUUID(), article_id: randomUUID(), user_id: randomUUID() },
    });
    assert.equal(single.statusCode, 422, single.body);
    const fieldsOf = (body: string): string[] =>
      (JSON.parse(body) as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort();
    assert.deepEqual(fieldsOf(single.body), ['article_id', 'jobs_id', 'user_id']);
    assert.equal(await stored('job_part_usage', id), undefined);
    // ERP keys, ids and a nested object's own reference, together.
    const nested = await call(ctx, 'POST', '/api/Jobs', {
      body: {
        name: 'unresolved',
        project: { reference_back_office: 'NEST-UNRES', name: 'Nested', _parent_id: randomUUID() },
        job_type_code: 'NO-SUCH-TYPE',
        job_status_code: 'Open',
        suggested_user_id: randomUUID(),
      },
    });
    assert.equal(nested.statusCode, 422, nested.body);
    assert.deepEqual(fieldsOf(nested.body), ['job_type_code', 'project._parent_id', 'suggested_user_id']);
    const batch = await call(ctx, 'POST', '/api/JobPartUsage/SaveMultiple', {
      body: [{ id, quantity: 1, jobs_id: randomUUID(), article_id: randomUUID() }],
    });
    const [result] = batch.json<Array<{ errors: Array<{ field: string }> }>>();
    assert.deepEqual(result!.errors.map((e) => e.field).sort(), ['article_id', 'jobs_id']);
  });

  it('an earlier record of an id whose later record is refused is not reported as done', async () => {
    await created('JobType', { name: 'taken', code: 'TAKEN-CODE' });
    const id = randomUUID();
    const res = await call(ctx, 'POST', '/api/JobType/SaveMultiple', {
      body: [
        { id, name: 'first', code: 'FREE-CODE' },
        { id, name: 'second', code: 'taken-code' },
      ],
    });
    assert.equal(res.statusCode, 200, res.body);
    const results = res.json<Array<Body>>();
    assert.deepEqual(
      results.map((r) => [r['success'], r['status']]),
      [
        [false, 'failed'],
        [false, 'failed'],
      ],
      res.body,
    );
    assert.ok(!('superseded_by' in results[0]!), res.body);
    assert.equal(await stored('job_type', id), undefined);
  });
});
