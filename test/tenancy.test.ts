/**
 * Isolation is enforced by the database: a statement without any tenant filter still sees and
 * writes only the current tenant's rows.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { migrate } from '../src/db/migrate.js';
import { registry } from '../src/schema/registry.js';
import { call, createTenant, openDatabaseAt, setup, type TestContext } from './helpers.js';

let ctx: TestContext;
let tenantA: string;
let tenantB: string;
before(async () => {
  ctx = await setup();
  const ids = await ctx.db.query<{ id: string; domain: string }>('SELECT id, domain FROM tenant');
  tenantA = ids.rows.find((r) => r.domain === ctx.a.domain)!.id;
  tenantB = ids.rows.find((r) => r.domain === ctx.b.domain)!.id;
});
after(async () => {
  await ctx.close();
});

it('a query that forgets the tenant filter reads only the current tenant', async () => {
  await call(ctx, 'POST', '/api/JobType', { body: { name: 'only in a', code: 'A1' } });
  await call(ctx, 'POST', '/api/JobType', { as: ctx.b, body: { name: 'only in b', code: 'B1' } });
  const seenByA = await ctx.db.withTenant(tenantA, (tx) =>
    tx.query<{ name: string }>('SELECT name FROM job_type'),
  );
  assert.deepEqual(
    seenByA.rows.map((r) => r.name),
    ['only in a'],
  );
  const seenByB = await ctx.db.withTenant(tenantB, (tx) =>
    tx.query<{ name: string }>('SELECT name FROM job_type'),
  );
  assert.deepEqual(
    seenByB.rows.map((r) => r.name),
    ['only in b'],
  );
});

it('a write into another tenant is refused by the database', async () => {
  await assert.rejects(
    ctx.db.withTenant(tenantA, (tx) =>
      tx.query('INSERT INTO job_type (tenant_id, id, name) VALUES ($1, $2, $3)', [
        tenantB,
        randomUUID(),
        'intruder',
      ]),
    ),
    /row-level security/,
  );
  const updated = await ctx.db.withTenant(tenantA, (tx) => tx.query("UPDATE job_type SET name = 'hijacked'"));
  assert.equal(updated.rowCount, 1, 'only the own row is updated');
  const b = await ctx.db.withTenant(tenantB, (tx) => tx.query<{ name: string }>('SELECT name FROM job_type'));
  assert.deepEqual(
    b.rows.map((r) => r.name),
    ['only in b'],
  );
});

it('without a tenant the application role sees nothing', async () => {
  const r = await ctx.db.transaction(async (tx) => {
    await tx.query("SELECT set_config('role', 'fieldservice_app', true)");
    return tx.query('SELECT count(*)::int AS n FROM job_type');
  });
  assert.deepEqual(r.rows, [{ n: 0 }]);
});

it('ERP keys are unique per tenant, not across tenants', async () => {
  const a = await call(ctx, 'POST', '/api/Skill', { body: { name: 'Welding', code: 'WELD' } });
  assert.equal(a.statusCode, 201);
  const dup = await call(ctx, 'POST', '/api/Skill', { body: { name: 'Welding 2', code: 'WELD' } });
  assert.equal(dup.statusCode, 409);
  assert.equal(dup.json()['code'], 'duplicate_key');
  const b = await call(ctx, 'POST', '/api/Skill', { as: ctx.b, body: { name: 'Welding', code: 'WELD' } });
  assert.equal(b.statusCode, 201);
});

it('ERP keys are unique per sales organization where the entity has one', async () => {
  const org = await call(ctx, 'POST', '/api/SalesOrganization', { body: { name: 'North', code: 'N' } });
  const orgId = String(org.json()['id']);
  const global = await call(ctx, 'POST', '/api/JobPriority', { body: { name: 'High', code: 'HIGH' } });
  assert.equal(global.statusCode, 201);
  const scoped = await call(ctx, 'POST', '/api/JobPriority', {
    body: { name: 'High (North)', code: 'HIGH', sales_organization_id: orgId },
  });
  assert.equal(scoped.statusCode, 201, scoped.body);
  const again = await call(ctx, 'POST', '/api/JobPriority', {
    body: { name: 'High again', code: 'HIGH', sales_organization_id: orgId },
  });
  assert.equal(again.statusCode, 409);
});

it('id2 is numbered per tenant and modified_dateutc moves on update', async () => {
  const refs = async (as: typeof ctx.a) => {
    const project = await call(ctx, 'POST', '/api/Project', { as, body: { name: 'P' } });
    const type = await call(ctx, 'POST', '/api/JobType', { as, body: { name: 'T' } });
    return { project_id: project.json()['id'], job_type_id: type.json()['id'], job_status_code: 'Open' };
  };
  const ra = await refs(ctx.a);
  const rb = await refs(ctx.b);
  const a1 = await call(ctx, 'POST', '/api/Jobs', { body: { ...ra, name: 'a1' } });
  const a2 = await call(ctx, 'POST', '/api/Jobs', { body: { ...ra, name: 'a2', id2: 999 } });
  const b1 = await call(ctx, 'POST', '/api/Jobs', { as: ctx.b, body: { ...rb, name: 'b1' } });
  assert.equal(a1.json()['id2'], 1);
  assert.equal(a2.json()['id2'], 2, 'id2 is read-only');
  assert.equal(b1.json()['id2'], 1);
  const id = String(a1.json()['id']);
  const before = String(a1.json()['modified_dateutc']);
  const created = String(a1.json()['date_create']);
  await new Promise((r) => setTimeout(r, 5));
  const upd = await call(ctx, 'PUT', `/api/Jobs(${id})`, {
    body: { name: 'a1 renamed', date_create: '2001-01-01' },
  });
  assert.equal(upd.statusCode, 200, upd.body);
  assert.ok(String(upd.json()['modified_dateutc']) > before);
  assert.equal(upd.json()['date_create'], created, 'date_create is kept');
  assert.equal(upd.json()['id2'], 1);
  assert.ok(upd.json()['date_update']);
});

it('migration 0008 on a database that holds data: a deleted tenant takes its records and feed with it', async () => {
  const test = await openDatabaseAt(7);
  try {
    // Two tenants with records before the migration (a job with a part used on it, and its feed).
    const before = new Map<string, string>();
    for (const domain of ['leaving.test', 'staying.test']) {
      const id = (
        await test.db.query<{ id: string }>('INSERT INTO tenant (domain) VALUES ($1) RETURNING id', [domain])
      ).rows[0]!.id;
      before.set(domain, id);
      await test.db.withTenant(id, async (tx) => {
        const project = randomUUID();
        const job = randomUUID();
        await tx.query("INSERT INTO project (id, name) VALUES ($1, 'site')", [project]);
        await tx.query("INSERT INTO jobs (id, name, project_id) VALUES ($1, 'job', $2)", [job, project]);
        await tx.query('INSERT INTO job_part_usage (jobs_id, quantity) VALUES ($1, 2)', [job]);
      });
    }
    await migrate(test.db);
    const keys = await test.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND conname = 'job_part_usage_tenant_id_fkey'",
    );
    assert.equal(keys.rows[0]!.n, 0, 'the foreign key is gone');
    // The records are all there, and the API goes on with them.
    const leaving = await createTenant(test.db, 'leaving.test');
    const app = await buildApp({ db: test.db, logger: false });
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/api/Sync/Changes?entities=Jobs,JobPartUsage',
        headers: { authorization: leaving.auth },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<{ changes: unknown[] }>().changes.length, 2);
    } finally {
      await app.close();
    }
    const counts = async (tenant: string): Promise<Record<string, number>> => {
      const out: Record<string, number> = {};
      for (const table of [...registry.entities.map((e) => e.name), 'change_log']) {
        const r = await test.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${table}" WHERE tenant_id = $1`,
          [tenant],
        );
        if (r.rows[0]!.n) out[table] = r.rows[0]!.n;
      }
      return out;
    };
    const staying = await counts(before.get('staying.test')!);
    assert.deepEqual(Object.keys(staying).sort(), ['change_log', 'job_part_usage', 'jobs', 'project']);
    // A signed part usage line refuses any deletion, the tenant's too: nothing is removed then.
    const signed = await test.db.withTenant(before.get('leaving.test')!, (tx) =>
      tx.query<{ id: string }>(
        'INSERT INTO job_part_usage (quantity, signed_by_company) VALUES (1, true) RETURNING id',
      ),
    );
    const leavingBefore = await counts(before.get('leaving.test')!);
    await assert.rejects(
      test.db.query("DELETE FROM tenant WHERE domain = 'leaving.test'"),
      /signed by the company/,
    );
    assert.deepEqual(await counts(before.get('leaving.test')!), leavingBefore);
    await test.db.withTenant(before.get('leaving.test')!, async (tx) => {
      await tx.query("SELECT set_config('fieldservice.backfill', 'on', true)");
      await tx.query('DELETE FROM job_part_usage WHERE id = $1', [signed.rows[0]!.id]);
    });
    await test.db.query("DELETE FROM tenant WHERE domain = 'leaving.test'");
    assert.deepEqual(await counts(before.get('leaving.test')!), {}, 'nothing of the deleted tenant is left');
    assert.deepEqual(await counts(before.get('staying.test')!), staying, 'the other tenant keeps everything');
  } finally {
    await test.close();
  }
});
