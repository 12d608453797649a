/**
 * The contract suite, generated over the registry: for every entity, create, read, update, list
 * with $filter, delete/archive, the XML round trip, one validation failure per kind of rule the
 * entity has, and tenant isolation.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ScalarField } from '../src/entities/define.js';
import { q } from '../src/schema/schema-model.js';
import { isList, registry, type Entity } from '../src/schema/registry.js';
import { recordXml } from '../src/schema/serialize.js';
import { fromXml, parseXml } from '../src/schema/xml.js';
import { call, setup, type TestContext } from './helpers.js';
import { mismatches, requiredRefs, sampleRecord } from './samples.js';

let ctx: TestContext;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx.close();
});

interface BadCase {
  rule: string;
  field: string;
  code: string;
  apply(body: Record<string, unknown>): void;
}

/** One invalid body per kind of rule the entity declares. */
function badCases(entity: Entity): BadCase[] {
  const scalars = entity.writable
    .map((name) => [name, entity.spec.fields[name]!] as const)
    .filter((e): e is readonly [string, ScalarField] => !isList(e[1]) && !e[1].ref);
  const cases: BadCase[] = [];
  const long = scalars.find(([, f]) => f.type === 'string' && f.maxLength);
  if (long) {
    cases.push({
      rule: 'max length',
      field: long[0],
      code: 'max_length',
      apply: (b) => void (b[long[0]] = 'x'.repeat(long[1].maxLength! + 1)),
    });
  }
  const required = scalars.find(([, f]) => f.required);
  if (required)
    cases.push({
      rule: 'required',
      field: required[0],
      code: 'required',
      apply: (b) => void delete b[required[0]],
    });
  const pattern = scalars.find(([, f]) => f.pattern);
  if (pattern)
    cases.push({
      rule: 'pattern',
      field: pattern[0],
      code: 'pattern',
      // A negative number: the decimal patterns are of unsigned values (1e25 is one, written plain).
      apply: (b) => void (b[pattern[0]] = -5),
    });
  const ranged =
    scalars.find(([, f]) => f.minimum !== undefined && f.type === 'decimal') ??
    scalars.find(([, f]) => f.type === 'integer');
  if (ranged) {
    const below = ranged[1].type === 'integer' ? -2147483649 : ranged[1].minimum! - 1;
    cases.push({ rule: 'range', field: ranged[0], code: 'range', apply: (b) => void (b[ranged[0]] = below) });
  }
  const typed =
    scalars.find(([, f]) => f.type === 'boolean') ??
    scalars.find(([n, f]) => f.type === 'uuid' && n !== 'id');
  if (typed)
    cases.push({
      rule: 'type',
      field: typed[0],
      code: typed[1].type === 'uuid' ? 'format' : 'type',
      apply: (b) => void (b[typed[0]] = typed[1].type === 'uuid' ? 'not-a-guid' : 'yes'),
    });
  return cases;
}

async function rowCount(entity: Entity): Promise<number> {
  const r = await ctx.db.withTenant(await tenantId(ctx.a.domain), (tx) =>
    tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q(entity.name)}`),
  );
  return r.rows[0]!.n;
}

async function tenantId(domain: string): Promise<string> {
  const r = await ctx.db.query<{ id: string }>('SELECT id FROM tenant WHERE domain = $1', [domain]);
  return r.rows[0]!.id;
}

/** A string field the update can change (not the ERP key, so uniqueness is not in play). */
function editableString(entity: Entity): string | undefined {
  return entity.writable.find((n) => {
    const f = entity.spec.fields[n]!;
    return !isList(f) && f.type === 'string' && n !== entity.erpKey && (f.maxLength ?? 100) >= 10;
  });
}

for (const entity of registry.entities) {
  describe(`${entity.name} (api/${entity.route})`, () => {
    const path = `/api/${entity.route}`;

    it('creates, reads, updates, lists with $filter and deletes', async () => {
      const body = sampleRecord(entity, await requiredRefs(ctx, entity, ctx.a));
      const created = await call(ctx, 'POST', path, { body });
      assert.equal(created.statusCode, 201, created.body);
      const id = String(body['id']);
      assert.deepEqual(mismatches(entity, body, created.json()), []);
      assert.ok(created.json()['modified_dateutc'], 'modified_dateutc is set by the database');

      const read = await call(ctx, 'GET', `${path}(${id})`);
      assert.equal(read.statusCode, 200);
      assert.deepEqual(mismatches(entity, body, read.json()), []);

      const field = editableString(entity);
      if (field) {
        const updated = await call(ctx, 'PUT', `${path}(${id})`, { body: { [field]: 'changed' } });
        assert.equal(updated.statusCode, 200, updated.body);
        assert.equal(updated.json()[field], 'changed');
        const { [field]: _, ...rest } = body;
        assert.deepEqual(mismatches(entity, rest, updated.json()), [], 'fields not sent are kept');
      }

      const list = await call(
        ctx,
        'GET',
        `${path}?$filter=id eq ${id} and modified_dateutc gt '2000-01-01T00:00:00.000Z'`,
      );
      assert.equal(list.statusCode, 200, list.body);
      const value = list.json<{ value: Array<Record<string, unknown>> }>().value;
      assert.deepEqual(
        value.map((r) => r['id']),
        [id],
      );

      const deleted = await call(ctx, 'DELETE', `${path}(${id})`);
      assert.equal(deleted.statusCode, 204);
      const after = await call(ctx, 'GET', `${path}(${id})`);
      if (entity.deleteMode === 'physical') assert.equal(after.statusCode, 404);
      else {
        const flag = entity.deleteMode === 'logical' ? 'sys_logical_delete' : 'archived';
        assert.equal(after.json()[flag], true, `${flag} is set instead of deleting`);
      }
    });

    it('round-trips XML', async () => {
      const body = sampleRecord(entity, await requiredRefs(ctx, entity, ctx.a));
      const created = await call(ctx, 'POST', path, {
        xml: recordXml(entity, body),
        accept: 'application/xml',
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.match(created.headers['content-type'] as string, /application\/xml/);
      const read = await call(ctx, 'GET', `${path}(${String(body['id'])})`, { accept: 'text/xml' });
      const { root, node } = parseXml(read.body);
      assert.equal(root, entity.name);
      assert.deepEqual(mismatches(entity, body, fromXml(entity, node)), []);
    });

    for (const bad of badCases(entity)) {
      it(`refuses a ${bad.rule} violation (${bad.field}) and stores nothing`, async () => {
        const body = sampleRecord(entity, await requiredRefs(ctx, entity, ctx.a));
        const before = await rowCount(entity);
        bad.apply(body);
        const res = await call(ctx, 'POST', path, { body });
        assert.equal(res.statusCode, 400, res.body);
        const errors = res.json<{ errors: Array<{ field: string; code: string }> }>().errors;
        assert.ok(
          errors.some((e) => e.field === bad.field && e.code === bad.code),
          JSON.stringify(errors),
        );
        assert.equal(await rowCount(entity), before, 'nothing stored');
      });
    }

    it('keeps tenants apart', async () => {
      const body = sampleRecord(entity, await requiredRefs(ctx, entity, ctx.a));
      assert.equal((await call(ctx, 'POST', path, { body })).statusCode, 201);
      const id = String(body['id']);
      assert.equal((await call(ctx, 'GET', `${path}(${id})`, { as: ctx.b })).statusCode, 404);
      const list = await call(ctx, 'GET', `${path}?$filter=id eq ${id}`, { as: ctx.b });
      assert.deepEqual(list.json<{ value: unknown[] }>().value, []);
      assert.equal((await call(ctx, 'PUT', `${path}(${id})`, { as: ctx.b, body: {} })).statusCode, 404);
      assert.equal((await call(ctx, 'DELETE', `${path}(${id})`, { as: ctx.b })).statusCode, 404);
      // The same GUID in another tenant is another record.
      const other = sampleRecord(entity, await requiredRefs(ctx, entity, ctx.b));
      other['id'] = id;
      assert.equal((await call(ctx, 'POST', path, { as: ctx.b, body: other })).statusCode, 201);
      const mine = await call(ctx, 'GET', `${path}(${id})`);
      assert.deepEqual(mismatches(entity, body, mine.json()), []);
      assert.equal((await call(ctx, 'GET', `${path}(${randomUUID()})`, { as: ctx.b })).statusCode, 404);
    });
  });
}
