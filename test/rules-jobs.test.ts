/**
 * The business rules of part usage (warranty, serials, signed lines) and jobs (optionally required
 * groups, status codes, embedded entities, planning, company), through the API.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { call, createTenant } from './helpers.js';
import {
  fx,
  get,
  job,
  list,
  names,
  post,
  rowCount,
  statusId,
  useRulesFixture,
  type Body,
  type ErrorBody,
} from './rules-fixture.js';

useRulesFixture();

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
    const later = await call(fx.ctx, 'POST', `${path}/Save`, { body: { id, is_under_warranty: true } });
    assert.equal(later.statusCode, 200, later.body);
    assert.equal(later.json()['discount'], 30);
  });

  it('an article with use_serial needs a serial_number', async () => {
    const article = await post('/api/Article', { name: 'Pump', code: 'PUMP-S', use_serial: true });
    const body = { id: randomUUID(), article_id: article['id'], quantity: 1 };
    const res = await call(fx.ctx, 'POST', path, { body });
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(names(res), ['serial_number']);
    await post(path, { ...body, serial_number: 'SN-1' });
  });

  it('quantity has no range: none, zero and a part returned (negative) are taken', async () => {
    for (const quantity of [0, -3.5, 1e6]) {
      const res = await call(fx.ctx, 'POST', path, { body: { id: randomUUID(), quantity } });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json()['quantity'], quantity);
    }
  });

  it('a line signed by the company is read-only; an identical replay is accepted', async () => {
    const body = { id: randomUUID(), quantity: 2, price: 5, remark: 'signed', signed_by_company: true };
    await post(path, body);
    const changed = await call(fx.ctx, 'POST', `${path}/Save`, { body: { ...body, remark: 'changed' } });
    assert.equal(changed.statusCode, 409, changed.body);
    assert.deepEqual(names(changed, 'read_only'), ['signed_by_company']);
    const replay = await call(fx.ctx, 'POST', `${path}/Save`, { body });
    assert.equal(replay.statusCode, 200, replay.body);
    const put = await call(fx.ctx, 'PUT', `${path}(${body.id})`, { body: { remark: 'changed' } });
    assert.equal(put.statusCode, 409, put.body);
    const del = await call(fx.ctx, 'DELETE', `${path}(${body.id})`);
    assert.equal(del.statusCode, 409, del.body);
    const other = { id: randomUUID(), quantity: 1 };
    const batch = await call(fx.ctx, 'POST', `${path}/SaveMultiple`, {
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
    const res = await call(fx.ctx, 'POST', '/api/Jobs', { body: { name: 'Nothing' } });
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
    const base = { name: 'J', project_id: fx.projectId, job_status_code: 'Open' };
    const type = await call(fx.ctx, 'POST', '/api/Jobs', { body: { ...base, job_type_code: 'NOPE' } });
    assert.equal(type.statusCode, 422, type.body);
    assert.deepEqual(names(type), ['job_type_code']);
    const body = { ...base, job_type_id: fx.jobTypeId, project_id: randomUUID() };
    const project = await call(fx.ctx, 'POST', '/api/Jobs', { body });
    assert.equal(project.statusCode, 422, project.body);
    assert.deepEqual(names(project), ['project_id']);
  });

  it('a job is created only with the documented status codes', async () => {
    const completed = await call(fx.ctx, 'POST', '/api/Jobs', {
      body: { name: 'J', project_id: fx.projectId, job_type_id: fx.jobTypeId, job_status_code: 'Completed' },
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
    const unknownType = await call(fx.ctx, 'POST', '/api/Jobs', { body });
    assert.equal(unknownType.statusCode, 422, unknownType.body);
    const { name: _, ...noName } = { ...body, job_type_id: fx.jobTypeId, job_type_code: undefined };
    const missingName = await call(fx.ctx, 'POST', '/api/Jobs', { body: noName });
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
    const replay = await call(fx.ctx, 'POST', '/api/Jobs/Save', {
      body: { name: 'Job', project_id: fx.projectId, job_type_id: fx.jobTypeId, ...body },
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
    assert.equal(created['company_id'], fx.companyId);
    assert.equal(created['company_code'], 'ACME');
  });

  it('id2 is numbered 1, 2, 3 per tenant', async () => {
    const other = await createTenant(fx.ctx.db, 'rules-id2.test');
    const as = { as: other };
    const project = (await call(fx.ctx, 'POST', '/api/Project', { ...as, body: { name: 'P' } })).json();
    const numbers: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const body = {
        name: `J${i}`,
        project_id: project['id'],
        job_type: { name: 'T', code: 'T' },
        job_status_code: 'Open',
      };
      const res = await call(fx.ctx, 'POST', '/api/Jobs', { ...as, body });
      assert.equal(res.statusCode, 201, res.body);
      numbers.push(res.json()['id2']);
    }
    assert.deepEqual(numbers, [1, 2, 3]);
  });

  it('db_address_street of 51 characters is refused', async () => {
    const body = { name: 'J', project_id: fx.projectId, job_type_id: fx.jobTypeId, job_status_code: 'Open' };
    const res = await call(fx.ctx, 'POST', '/api/Jobs', {
      body: { ...body, db_address_street: 'x'.repeat(51) },
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(names(res, 'max_length'), ['db_address_street']);
  });

  it('PUT with a nested project resolves it the same way', async () => {
    const created = await job();
    const res = await call(fx.ctx, 'PUT', `/api/Jobs(${String(created['id'])})`, {
      body: { project: { reference_back_office: 'PRJ-PUT', name: 'Put' } },
    });
    assert.equal(res.statusCode, 200, res.body);
    const project = (await list('Project', "reference_back_office eq 'PRJ-PUT'"))[0]!;
    assert.equal(res.json()['project_id'], project['id']);
  });
});
