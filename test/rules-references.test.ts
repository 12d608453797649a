/**
 * One resolver for every way a reference comes: the same ERP key resolves to the same record on a
 * flat write, in a batch and inside a nested record; and the rules on delete.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { call } from './helpers.js';
import { fx, job, list, post, useRulesFixture } from './rules-fixture.js';

useRulesFixture();

describe('an ERP key that two records share', () => {
  it('resolves the same way on POST api/Project, in SaveMultiple and nested in POST api/Jobs', async () => {
    const org = await post('/api/SalesOrganization', { code: 'ORG-X', name: 'Org X' });
    const global = await post('/api/EquipmentModel', { code: 'EM', name: 'Global model' });
    await post('/api/EquipmentModel', { code: 'EM', name: 'Model of X', sales_organization_id: org['id'] });

    const flat = await post('/api/Project', { name: 'Flat', equipment_model_code: 'EM' });
    assert.equal(flat['equipment_model_id'], global['id']);

    const batch = await call(fx.ctx, 'POST', '/api/Project/SaveMultiple', {
      body: [{ name: 'In a batch', equipment_model_code: 'EM' }],
    });
    const [result] = batch.json<Array<{ success: boolean; id: string }>>();
    assert.ok(result!.success, batch.body);

    const created = await job({
      project_id: undefined,
      project: { reference_back_office: 'P-EM', name: 'Nested', equipment_model_code: 'EM' },
    });
    const [nested] = await list('Project', "reference_back_office eq 'P-EM'");
    assert.equal(nested!['id'], created['project_id']);
    assert.equal(nested!['equipment_model_id'], global['id']);
    const [fromBatch] = await list('Project', `id eq ${result!.id}`);
    assert.equal(fromBatch!['equipment_model_id'], global['id']);
  });

  it('that names no record is the same 422 on both routes', async () => {
    const flat = await call(fx.ctx, 'POST', '/api/Project', {
      body: { name: 'X', equipment_model_code: 'NONE' },
    });
    const nested = await call(fx.ctx, 'POST', '/api/Jobs', {
      body: {
        name: 'J',
        job_type_id: fx.jobTypeId,
        job_status_code: 'Open',
        project: { reference_back_office: 'P-NONE', name: 'X', equipment_model_code: 'NONE' },
      },
    });
    assert.equal(flat.statusCode, 422);
    assert.equal(nested.statusCode, 422);
    assert.deepEqual(
      [
        flat.json<{ errors: Array<{ field: string }> }>().errors[0]!.field,
        nested.json<{ errors: Array<{ field: string }> }>().errors[0]!.field,
      ],
      ['equipment_model_code', 'project.equipment_model_code'],
    );
  });
});

describe('rules on delete', () => {
  it('a deleted job leaves no planning: its job_planning entries are deleted with it', async () => {
    await post('/api/User', { code: 'TECH-DEL', firstname: 'Del' });
    const id = randomUUID();
    await job({
      id,
      job_status_code: 'Suggested',
      suggested_user_code: 'TECH-DEL',
      suggested_date_start: '2026-04-01T08:00:00.000Z',
      estimated_time: 60,
    });
    const [planning] = await list('JobPlanning', `jobs_id eq ${id}`);
    assert.ok(planning);
    assert.equal((await call(fx.ctx, 'DELETE', `/api/Jobs(${id})`)).statusCode, 204);
    assert.deepEqual(await list('JobPlanning', `jobs_id eq ${id}`), []);
    // The sync feed delivers the deletion of the planning entry too, once the transactions open
    // before it have ended (other tests share the database server).
    let deleted: boolean | undefined;
    for (let i = 0; i < 300 && deleted === undefined; i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      const feed = await call(fx.ctx, 'GET', '/api/Sync/Changes?entities=JobPlanning&limit=5000');
      const changes = feed.json<{ changes: Array<{ id: string; deleted: boolean }> }>().changes;
      deleted = changes.find((c) => c.id === planning['id'] && c.deleted)?.deleted;
    }
    assert.equal(deleted, true);
  });
});
