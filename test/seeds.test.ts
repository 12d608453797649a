/**
 * The seed request samples of the original help pages (test/fixtures/): each one is refused with a
 * 422 naming a missing reference while the records it references by id do not exist, and accepted
 * once they do; what is read back equals what was sent, within the documented rules. Every case
 * runs in its own tenant, since the samples of one entity share ids.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { registry, type Entity } from '../src/schema/registry.js';
import { fromXml, parseXml } from '../src/schema/xml.js';
import { call, createTenant, setup, type Tenant, type TestContext } from './helpers.js';
import { createReferenced, mismatches, requiredRefs, sampleRecord } from './samples.js';

let ctx: TestContext;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx.close();
});

type Body = Record<string, unknown>;
interface FieldError {
  field: string;
  code: string;
}

const XSI = 'xmlns:i="http://www.w3.org/2001/XMLSchema-instance"';
const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const jobs = registry.entity('jobs');

let tenants = 0;
const newTenant = (): Promise<Tenant> => createTenant(ctx.db, `seed-${++tenants}.test`);

/** What the record must read back as: the writable fields sent, with the server's rules applied. */
async function expectedOf(entity: Entity, sample: Body, as: Tenant): Promise<Body> {
  const out: Body = {};
  for (const name of entity.writable) if (name in sample) out[name] = sample[name];
  if (entity.name === 'job_part_usage' && out['is_under_warranty'] === true) out['discount'] = out['price'];
  if (entity === jobs && typeof out['project_id'] === 'string') {
    const project = (await call(ctx, 'GET', `/api/Project(${out['project_id']})`, { as })).json();
    if (project['company_id']) {
      const company = (
        await call(ctx, 'GET', `/api/Company(${String(project['company_id'])})`, { as })
      ).json();
      out['company_id'] = project['company_id'];
      out['company_code'] = company['code'];
    }
  }
  return out;
}

/**
 * `mismatches`, with datetimes compared to the millisecond the API renders: a sample's 7-digit
 * fraction is stored to the microsecond and read back rounded, where `Date` parsing truncates.
 */
function differences(entity: Entity, expected: Body, got: Body): string[] {
  return mismatches(entity, expected, got).filter((name) => {
    const field = entity.spec.fields[name];
    if (field?.type !== 'datetime' || expected[name] == null || got[name] == null) return true;
    return Math.abs(new Date(String(expected[name])).getTime() - new Date(String(got[name])).getTime()) > 1;
  });
}

interface SeedCase {
  title: string;
  entity: Entity;
  url: string;
  /** JSON body, or XML text. */
  body: unknown;
  xml: boolean;
  batch: boolean;
}

/** The sample without the ERP keys and nested objects that its given ids make irrelevant. */
function withoutRedundantNodes(entity: Entity, sample: Body): Body {
  const out = { ...sample };
  for (const ref of entity.refs) {
    if (!sample[ref.idField]) continue;
    if (ref.spec.key) delete out[ref.spec.key.field];
    if (ref.spec.embed) delete out[ref.spec.embed.field];
  }
  return out;
}

function cases(): SeedCase[] {
  const out: SeedCase[] = [];
  const partUsage = registry.entity('job_part_usage');
  for (const n of ['000', '001']) {
    const json: unknown = JSON.parse(fixture(`${n}-job_part_usage.request.json`));
    const xml = fixture(`${n}-job_part_usage.request.xml`);
    const many = '/api/JobPartUsage/SaveMultiple';
    const one = '/api/JobPartUsage/Save';
    const wrapped = `<ArrayOfjob_part_usage ${XSI}>${xml}</ArrayOfjob_part_usage>`;
    out.push(
      {
        entity: partUsage,
        title: `${n} JSON SaveMultiple`,
        url: many,
        body: [json],
        xml: false,
        batch: true,
      },
      { entity: partUsage, title: `${n} XML SaveMultiple`, url: many, body: wrapped, xml: true, batch: true },
      { entity: partUsage, title: `${n} JSON Save`, url: one, body: json, xml: false, batch: false },
      { entity: partUsage, title: `${n} XML Save`, url: one, body: xml, xml: true, batch: false },
    );
  }
  for (const [n, name, url] of [
    ['002', 'jobs', '/api/Jobs'],
    ['003', 'purchase_order_details', '/api/PurchaseOrderDetails'],
  ] as const) {
    const entity = registry.entity(name);
    const json = JSON.parse(fixture(`${n}-${name}.request.json`)) as Body;
    const base = { entity, url, xml: false, batch: false };
    out.push(
      { ...base, title: `${n} ${name} JSON POST, as published`, body: json },
      {
        ...base,
        title: `${n} ${name} JSON POST, irrelevant nodes removed`,
        body: withoutRedundantNodes(entity, json),
      },
    );
  }
  const dispatch = registry.entity('job_dispatch_log');
  const url = '/api/JobDispatchLog/Save';
  out.push(
    {
      title: '004 job_dispatch_log JSON Save',
      entity: dispatch,
      url,
      body: JSON.parse(fixture('004-job_dispatch_log.request.json')),
      xml: false,
      batch: false,
    },
    {
      title: '004 job_dispatch_log XML Save',
      entity: dispatch,
      url,
      body: fixture('004-job_dispatch_log.request.xml'),
      xml: true,
      batch: false,
    },
  );
  return out;
}

/** The sample as values: the JSON body, or the XML converted by the registry's field types. */
function sampleOf(c: SeedCase): Body {
  if (!c.xml) return (c.batch ? (c.body as Body[])[0] : c.body) as Body;
  const single = c.batch ? String(c.body).replace(/^<ArrayOf\w+[^>]*>|<\/ArrayOf\w+>$/g, '') : String(c.body);
  return fromXml(c.entity, parseXml(single).node);
}

const send = (c: SeedCase, as: Tenant) =>
  call(
    ctx,
    'POST',
    c.url,
    c.xml ? { as, xml: String(c.body), accept: 'application/json' } : { as, body: c.body },
  );

describe('seed request samples', () => {
  for (const c of cases()) {
    const title = `${c.title}: 422 while references are missing, then accepted as sent`;
    it(title, async () => {
      const as = await newTenant();
      const sample = sampleOf(c);
      const id = String(sample['id']);
      const path = `/api/${c.entity.route}`;

      const refused = await send(c, as);
      if (c.batch) {
        assert.equal(refused.statusCode, 200, refused.body);
        const [result] = refused.json<Array<Body & { errors?: FieldError[] }>>();
        assert.equal(result?.success, false, refused.body);
        assert.equal(result?.status, 'failed');
        assert.ok(
          result?.errors?.some((e) => e.code === 'not_found' && /_id$/.test(e.field)),
          refused.body,
        );
      } else {
        assert.equal(refused.statusCode, 422, refused.body);
        const errors = refused.json<{ errors?: FieldError[] }>().errors ?? [];
        assert.ok(
          errors.some((e) => e.code === 'not_found' && /_id$/.test(e.field)),
          refused.body,
        );
      }
      assert.equal((await call(ctx, 'GET', `${path}(${id})`, { as })).statusCode, 404, 'nothing stored');

      await createReferenced(ctx, c.entity, sample, as);
      const accepted = await send(c, as);
      if (c.batch) {
        assert.equal(accepted.statusCode, 200, accepted.body);
        assert.deepEqual(accepted.json<Body[]>()[0], { index: 0, id, success: true, status: 'created' });
      } else assert.equal(accepted.statusCode, 201, accepted.body);

      const read = await call(ctx, 'GET', `${path}(${id})`, { as });
      assert.equal(read.statusCode, 200, read.body);
      const got = read.json();
      const expected = await expectedOf(c.entity, sample, as);
      assert.deepEqual(differences(c.entity, expected, got), [], JSON.stringify({ expected, got }));
      if ('assigned_user_ids' in sample) assert.ok(!('assigned_user_ids' in got), 'computed, not stored');
      if ('id2' in sample) assert.notEqual(got['id2'], sample['id2'], 'id2 is numbered by the server');
    });
  }
});

it('date_create sent on insert is kept (jobs, job_dispatch_log)', {}, async () => {
  const as = await newTenant();
  const sent = '2025-09-05T04:59:14.922Z';
  const job = sampleRecord(jobs, await requiredRefs(ctx, jobs, as));
  const created = await call(ctx, 'POST', '/api/Jobs', { as, body: { ...job, date_create: sent } });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json()['date_create'], sent);
  const log = await call(ctx, 'POST', '/api/JobDispatchLog/Save', {
    as,
    body: { jobs_id: job['id'], date_create: sent },
  });
  assert.equal(log.statusCode, 201, log.body);
  assert.equal(log.json()['date_create'], sent);
});
