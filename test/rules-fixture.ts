/** The shared fixture of the business-rule tests: one database, a company, a project, a job type. */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { call, setup, type TestContext } from './helpers.js';

export const fx = { ctx: undefined as unknown as TestContext, projectId: '', companyId: '', jobTypeId: '' };

/** Registers the file's set-up and tear-down. */
export function useRulesFixture(): void {
  before(async () => {
    fx.ctx = await setup();
    const company = await post('/api/Company', { name: 'ACME', code: 'ACME' });
    fx.companyId = String(company['id']);
    fx.projectId = String((await post('/api/Project', { name: 'Boiler', company_id: fx.companyId }))['id']);
    fx.jobTypeId = String((await post('/api/JobType', { name: 'Repair', code: 'REPAIR' }))['id']);
  });
  after(async () => {
    await fx.ctx.close();
  });
}

export type Body = Record<string, unknown>;
export interface ErrorBody {
  code: string;
  message: string;
  errors?: Array<{ field: string; code: string; message: string }>;
}

/** POST that must succeed with 201; returns the record. */
export async function post(url: string, body: unknown): Promise<Body> {
  const res = await call(fx.ctx, 'POST', url, { body });
  assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
  return res.json();
}

export async function list(route: string, filter: string): Promise<Body[]> {
  const res = await call(fx.ctx, 'GET', `/api/${route}?$filter=${encodeURIComponent(filter)}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json<{ value: Body[] }>().value;
}

export const get = async (route: string, id: unknown): Promise<Body> =>
  (await call(fx.ctx, 'GET', `/api/${route}(${String(id)})`)).json();
export const statusId = async (code: string): Promise<string> =>
  String((await list('JobStatus', `code eq '${code}'`))[0]!['id']);
export const job = (extra: Body = {}): Promise<Body> =>
  post('/api/Jobs', {
    name: 'Job',
    project_id: fx.projectId,
    job_type_id: fx.jobTypeId,
    job_status_code: 'Open',
    ...extra,
  });

export async function rowCount(table: string): Promise<number> {
  const tenant = await fx.ctx.db.query<{ id: string }>('SELECT id FROM tenant WHERE domain = $1', [
    fx.ctx.a.domain,
  ]);
  const r = await fx.ctx.db.withTenant(tenant.rows[0]!.id, (tx) =>
    tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`),
  );
  return r.rows[0]!.n;
}

export function names(res: { json<T>(): T }, code?: string): string[] {
  return (res.json<ErrorBody>().errors ?? []).filter((e) => !code || e.code === code).map((e) => e.field);
}
