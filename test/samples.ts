/** Valid sample records for any entity, derived from the registry (so every entity gets tested). */
import { randomUUID } from 'node:crypto';
import type { ScalarField } from '../src/entities/define.js';
import { isList, type Entity } from '../src/schema/registry.js';
import { call, type Tenant, type TestContext } from './helpers.js';

let counter = 0;

export function sampleValue(name: string, field: ScalarField, seed: number): unknown {
  switch (field.type) {
    case 'uuid':
      return randomUUID();
    case 'string': {
      const text = `${name}-${seed}`;
      return field.maxLength ? text.slice(-field.maxLength) : text;
    }
    case 'integer':
      return Math.min(Math.max(field.minimum ?? 0, 0) + (seed % 7) + 1, field.maximum ?? 1000);
    case 'decimal': {
      const low = Math.max(field.minimum ?? 0, 0);
      return low > 10 ? low : 12.5;
    }
    case 'boolean':
      return true;
    case 'datetime':
      return '2026-06-16T21:15:51.772Z';
  }
}

/** Every writable field filled; references left empty unless given in `refs`. */
export function sampleRecord(entity: Entity, refs: Record<string, string> = {}): Record<string, unknown> {
  const seed = ++counter;
  const out: Record<string, unknown> = {};
  for (const name of entity.writable) {
    const field = entity.spec.fields[name]!;
    if (isList(field)) {
      out[name] = [{ field_name: 'name', language_code: 'fr', value_translated: `nom ${seed}` }];
      continue;
    }
    if (field.ref) {
      if (refs[name]) out[name] = refs[name];
      continue;
    }
    if ((name === 'latitude_decimal' || name === 'longitude_decimal') && field.type === 'decimal') {
      out[name] = 45.5;
      continue;
    }
    out[name] = sampleValue(name, field, seed);
  }
  // A signed part usage line is read-only: a sample that is to be updated must not start signed.
  if ('signed_by_company' in out) out['signed_by_company'] = false;
  out['id'] = randomUUID();
  return out;
}

/** Creates, through the API, the records an entity must reference ("optionally required" groups). */
export async function requiredRefs(
  ctx: TestContext,
  entity: Entity,
  as: Tenant,
): Promise<Record<string, string>> {
  const refs: Record<string, string> = {};
  for (const ref of entity.refs) {
    if (!ref.spec.optionallyRequired) continue;
    refs[ref.idField] = await createSample(ctx, ref.target, as);
  }
  return refs;
}

/** Creates a record of `target` with the given id (and what it must reference). */
async function createWithId(ctx: TestContext, target: Entity, id: string, as: Tenant): Promise<void> {
  const body = { ...sampleRecord(target, await requiredRefs(ctx, target, as)), id };
  const res = await call(ctx, 'POST', `/api/${target.route}`, { as, body });
  if (res.statusCode !== 201) throw new Error(`creating ${target.name} ${id}: ${res.statusCode} ${res.body}`);
}

/** A parent job, given its project and job type the ERP way (nested object and code). */
async function createParentJob(ctx: TestContext, id: string, as: Tenant): Promise<void> {
  const type = await call(ctx, 'POST', '/api/JobType', { as, body: { name: 'Parent type', code: 'PARENT' } });
  if (type.statusCode !== 201) throw new Error(`creating the parent job type: ${type.body}`);
  const res = await call(ctx, 'POST', '/api/Jobs', {
    as,
    body: {
      id,
      name: 'Parent job',
      project: { reference_back_office: 'PARENT-PRJ', name: 'Parent project' },
      job_type_code: 'PARENT',
      job_status_code: 'Open',
    },
  });
  if (res.statusCode !== 201) throw new Error(`creating the parent job: ${res.body}`);
}

/** Creates every registry record a sample references by id, with exactly that id. */
export async function createReferenced(
  ctx: TestContext,
  entity: Entity,
  sample: Record<string, unknown>,
  as: Tenant,
): Promise<void> {
  for (const ref of entity.refs) {
    const id = sample[ref.idField];
    if (typeof id !== 'string' || id === '') continue;
    if (entity.name === 'jobs' && ref.idField === '_parent_id') await createParentJob(ctx, id, as);
    else await createWithId(ctx, ref.target, id, as);
  }
}

export async function createSample(ctx: TestContext, entity: Entity, as: Tenant): Promise<string> {
  const body = sampleRecord(entity, await requiredRefs(ctx, entity, as));
  const res = await call(ctx, 'POST', `/api/${entity.route}`, { as, body });
  if (res.statusCode !== 201) throw new Error(`creating ${entity.name}: ${res.statusCode} ${res.body}`);
  return String(res.json()['id']);
}

/** Compares what was sent with what came back, by the field's type. */
export function sameValue(field: ScalarField | undefined, sent: unknown, got: unknown): boolean {
  if (sent === null || sent === undefined) return got === null;
  if (field?.type === 'datetime') return new Date(String(sent)).getTime() === new Date(String(got)).getTime();
  if (field?.type === 'decimal' || field?.type === 'integer') return Number(sent) === Number(got);
  if (field?.type === 'uuid') return String(sent).toLowerCase() === String(got).toLowerCase();
  return JSON.stringify(sent) === JSON.stringify(got);
}

export function mismatches(
  entity: Entity,
  sent: Record<string, unknown>,
  got: Record<string, unknown>,
): string[] {
  return Object.keys(sent).filter((name) => {
    const field = entity.spec.fields[name];
    return field && !sameValue(isList(field) ? undefined : field, sent[name], got[name]);
  });
}
