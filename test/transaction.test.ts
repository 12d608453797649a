/**
 * A tenant transaction on PostgreSQL begins with its first statement, sent with BEGIN and the tenant
 * settings in one round trip, its parameters written in as literals. The values must arrive as
 * they do as parameters, the statement must see the tenant, and a transaction must stay atomic.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTenant, openTestDatabase, tenantIdOf, type TestDatabase } from './helpers.js';

let test: TestDatabase;
let tenantId: string;
before(async () => {
  test = await openTestDatabase();
  const tenant = await createTenant(test.db, `tx-${randomUUID().slice(0, 8)}.test`);
  tenantId = await tenantIdOf(test.db, tenant.domain);
});
after(async () => {
  await test.close();
});

const awkward = [
  "it's",
  'back\\slash \\x00 \\\\',
  '$1 $2 $$ $tag$',
  "'; DROP TABLE tenant; --",
  'é ü 🔧 \u2028',
  '',
  'tab\tnew\nline',
];

describe('a tenant transaction', () => {
  it('gives its first statement the values it gives as parameters', async () => {
    for (const text of awkward) {
      const [first, second] = await test.db.withTenant(tenantId, async (tx) => [
        (await tx.query<{ v: string }>('SELECT $1::text AS v', [text])).rows[0]!.v,
        (await tx.query<{ v: string }>('SELECT $1::text AS v', [text])).rows[0]!.v,
      ]);
      assert.equal(first, text);
      assert.equal(second, text);
    }
    const ids = [randomUUID(), randomUUID()];
    const values = await test.db.withTenant(tenantId, async (tx) => {
      const r = await tx.query<Record<string, unknown>>(
        `SELECT $1::uuid[] AS ids, $2::numeric::text AS exact, $3::boolean AS flag, $4::int AS n,
           $5::text IS NULL AS absent, $6::text::jsonb AS list, $7::timestamptz AS at`,
        [ids, '1234567890123456.789012345678', false, -7, null, '[{"a":"b\'c"}]', new Date(0)],
      );
      return r.rows[0]!;
    });
    assert.deepEqual(values['ids'], ids);
    assert.equal(values['exact'], '1234567890123456.789012345678');
    assert.equal(values['flag'], false);
    assert.equal(values['n'], -7);
    assert.equal(values['absent'], true);
    assert.deepEqual(values['list'], [{ a: "b'c" }]);
    assert.equal((values['at'] as Date).getTime(), 0);
  });

  it("sees only the tenant's rows from its first statement on", async () => {
    const other = await createTenant(test.db, `tx-${randomUUID().slice(0, 8)}.test`);
    const otherId = await tenantIdOf(test.db, other.domain);
    const id = randomUUID();
    await test.db.withTenant(otherId, (tx) =>
      tx.query("INSERT INTO job_type (id, name) VALUES ($1, 'Other tenant')", [id]),
    );
    const seen = await test.db.withTenant(tenantId, async (tx) => [
      (await tx.query('SELECT id FROM job_type WHERE id = $1', [id])).rows.length,
      (await tx.query("SELECT current_setting('fieldservice.tenant_id') AS t")).rows[0],
    ]);
    assert.equal(seen[0], 0);
    assert.deepEqual(seen[1], { t: tenantId });
  });

  it('undoes its first statement when a later one fails', async () => {
    const id = randomUUID();
    await assert.rejects(
      test.db.withTenant(tenantId, async (tx) => {
        await tx.query("INSERT INTO job_type (id, name) VALUES ($1, 'Undone')", [id]);
        await tx.query('SELECT 1 / 0');
      }),
    );
    const left = await test.db.withTenant(tenantId, (tx) =>
      tx.query('SELECT id FROM job_type WHERE id = $1', [id]),
    );
    assert.equal(left.rows.length, 0);
  });

  it('is usable again after its first statement failed', async () => {
    await assert.rejects(test.db.withTenant(tenantId, (tx) => tx.query('SELECT $1::int', ['x'])));
    const r = await test.db.withTenant(tenantId, (tx) => tx.query<{ n: number }>('SELECT 1 AS n'));
    assert.deepEqual(r.rows, [{ n: 1 }]);
  });
});
