/**
 * A tenant transaction on PostgreSQL begins with its first statement, sent with BEGIN and the tenant
 * settings in one round trip, its parameters written in as literals. The values must arrive as
 * they do as parameters, the statement must see the tenant, and a transaction must stay atomic.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../src/db/database.js';
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

/**
 * On PostgreSQL a statement that is a whole tenant transaction runs in autocommit on a connection
 * holding the tenant at session level. One connection here, so that every request reuses it: each
 * must see its own tenant and role, and the owner's statements none.
 */
describe('a statement that is its own transaction', () => {
  let one: Database;
  let otherId: string;
  const who =
    "SELECT current_user AS u, coalesce(current_setting('fieldservice.tenant_id', true), '') AS t, current_setting('TimeZone') AS z";
  type Who = { u: string; t: string; z: string };
  const single = (tenant: string, text: string, params: unknown[] = []) =>
    one.withTenant(tenant, (tx) =>
      tx.query<Who & { id: string; tenant_id: string }>(text, params, { commit: true }),
    );
  let owner: Who;
  before(async () => {
    one = test.url ? await openDatabase({ url: test.url, poolSize: 1 }) : test.db;
    const other = await createTenant(test.db, `tx-${randomUUID().slice(0, 8)}.test`);
    otherId = await tenantIdOf(test.db, other.domain);
    owner = (await one.query<Who>(who)).rows[0]!;
  });
  after(async () => {
    if (one !== test.db) await one.close();
  });

  it("sees its tenant and role, the next tenant's statement its own, and the owner none", async () => {
    const mine = randomUUID();
    for (const id of [mine, randomUUID()]) {
      const r = await single(
        tenantId,
        "INSERT INTO job_type (id, name) VALUES ($1, 'Single') RETURNING id, tenant_id",
        [id],
      );
      assert.deepEqual(r.rows, [{ id, tenant_id: tenantId }]);
    }
    const mineWho = await single(tenantId, who);
    assert.deepEqual(mineWho.rows, [{ u: 'fieldservice_app', t: tenantId, z: 'UTC' }]);
    const theirs = await single(otherId, `${who}, (SELECT count(*)::int FROM job_type WHERE id = $1) AS n`, [
      mine,
    ]);
    assert.deepEqual(theirs.rows, [{ u: 'fieldservice_app', t: otherId, z: 'UTC', n: 0 }]);
    assert.deepEqual((await one.query<Who>(who)).rows[0], owner);
    await single(otherId, who);
    assert.deepEqual((await one.transaction((tx) => tx.query<Who>(who))).rows[0], owner);
    await single(otherId, who);
    // A transaction of several statements for the first tenant, on the connection holding the other.
    const several = await one.withTenant(tenantId, async (tx) => [
      (await tx.query<Who>(who)).rows[0],
      (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM job_type WHERE id = $1', [mine]))
        .rows[0],
    ]);
    assert.deepEqual(several, [{ u: 'fieldservice_app', t: tenantId, z: 'UTC' }, { n: 1 }]);
    assert.deepEqual((await one.query<Who>(who)).rows[0], owner);
    assert.deepEqual((await one.transaction((tx) => tx.query<Who>(who))).rows[0], owner);
    assert.equal((await one.query('SELECT id FROM job_type WHERE id = $1', [mine])).rows.length, 1);
  });

  it('leaves nothing set when it fails, and the connection usable', async () => {
    await single(otherId, who);
    await assert.rejects(single(tenantId, 'SELECT 1 / 0 AS n'));
    assert.deepEqual((await single(otherId, who)).rows[0], { u: 'fieldservice_app', t: otherId, z: 'UTC' });
    await assert.rejects(single(tenantId, 'SELECT 1 / 0 AS n'));
    assert.deepEqual((await one.query<Who>(who)).rows[0], owner);
    await assert.rejects(single(tenantId, 'SELECT 1 / 0 AS n'));
    assert.deepEqual((await single(tenantId, who)).rows[0], { u: 'fieldservice_app', t: tenantId, z: 'UTC' });
    const id = randomUUID();
    await assert.rejects(single(tenantId, 'INSERT INTO job_type (id, name) VALUES ($1, NULL)', [id]));
    assert.deepEqual((await single(tenantId, who)).rows[0], { u: 'fieldservice_app', t: tenantId, z: 'UTC' });
    assert.equal((await one.query('SELECT id FROM job_type WHERE id = $1', [id])).rows.length, 0);
  });
});
