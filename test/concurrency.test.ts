/**
 * Optimistic concurrency (row_version, ETag and If-Match; per-record conflicts in a batch) and the
 * Idempotency-Key of POST and PUT: replays, reuse with another body, failures, expiry, the purge,
 * concurrent retries and tenants.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { purgeExpired } from '../src/domain/purge.js';
import { registry } from '../src/schema/registry.js';
import { call, setup, type Tenant, type TestContext, tenantIdOf } from './helpers.js';

let ctx: TestContext;
before(async () => {
  ctx = await setup();
});
after(async () => {
  await ctx.close();
});

type Body = Record<string, unknown>;
const path = '/api/JobType';

async function create(name: string): Promise<Body> {
  const res = await call(ctx, 'POST', path, { body: { id: randomUUID(), name } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

const version = (etag: unknown): number => Number(String(etag).replace(/"/g, ''));

async function read(id: unknown): Promise<{ record: Body; etag: string }> {
  const res = await call(ctx, 'GET', `${path}(${String(id)})`);
  assert.equal(res.statusCode, 200, res.body);
  return { record: res.json(), etag: String(res.headers['etag']) };
}

async function count(sql: string, params: unknown[], as: Tenant = ctx.a): Promise<number> {
  const t = await ctx.db.query<{ id: string }>('SELECT id FROM tenant WHERE domain = $1', [as.domain]);
  const r = await ctx.db.withTenant(t.rows[0]!.id, (tx) =>
    tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params),
  );
  return r.rows[0]!.n;
}

const named = (name: string, as?: Tenant) => count('job_type WHERE name = $1', [name], as);
const keyRows = (key: string) =>
  ctx.db.query<{ created_at: string }>('SELECT created_at FROM idempotency_key WHERE key = $1', [key]);

describe('versions of single records', () => {
  it('PUT with If-Match: the current etag wins, a stale one is 409 with the stored record', async () => {
    const { id } = await create('first');
    const { etag } = await read(id);
    assert.match(etag, /^"\d+"$/);
    const ok = await call(ctx, 'PUT', `${path}(${String(id)})`, {
      body: { name: 'second' },
      headers: { 'if-match': etag },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const newer = String(ok.headers['etag']);
    assert.ok(version(newer) > version(etag));
    assert.equal(ok.json()['row_version'], version(newer));

    const stale = await call(ctx, 'PUT', `${path}(${String(id)})`, {
      body: { name: 'third' },
      headers: { 'if-match': etag },
    });
    assert.equal(stale.statusCode, 409, stale.body);
    const body = stale.json<{ code: string; current: Body }>();
    assert.equal(body.code, 'version_conflict');
    assert.equal(body.current['row_version'], version(newer));
    assert.equal(body.current['name'], 'second');
    const stored = await read(id);
    assert.equal(stored.record['name'], 'second', 'the stale write is not stored');
    assert.equal(stored.etag, newer);

    const weak = await call(ctx, 'PUT', `${path}(${String(id)})`, {
      body: { name: 'weak' },
      headers: { 'if-match': `W/${newer}` },
    });
    assert.equal(weak.statusCode, 200, weak.body);
    const blind = await call(ctx, 'PUT', `${path}(${String(id)})`, { body: { name: 'last wins' } });
    assert.equal(blind.statusCode, 200, blind.body);
    assert.equal((await read(id)).record['name'], 'last wins');
  });

  it('Save with row_version in the body: stale is 409, fresh is 200', async () => {
    const created = await create('save v1');
    const id = created['id'];
    const v1 = Number(created['row_version']);
    const fresh = await call(ctx, 'POST', `${path}/Save`, { body: { id, name: 'save v2', row_version: v1 } });
    assert.equal(fresh.statusCode, 200, fresh.body);
    const v2 = Number(fresh.json()['row_version']);
    assert.ok(v2 > v1);
    const stale = await call(ctx, 'POST', `${path}/Save`, { body: { id, name: 'save v3', row_version: v1 } });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.equal(stale.json()['code'], 'version_conflict');
    assert.equal(stale.json<{ current: Body }>().current['row_version'], v2);
    assert.equal((await read(id)).record['name'], 'save v2');
    const again = await call(ctx, 'POST', `${path}/Save`, {
      body: { id, name: 'save v3', row_version: String(v2) },
    });
    assert.equal(again.statusCode, 200, again.body);
  });

  it('a row_version or If-Match that is not a version is 400', async () => {
    const { id } = await create('bad version');
    const save = await call(ctx, 'POST', `${path}/Save`, { body: { id, name: 'x', row_version: 'abc' } });
    assert.equal(save.statusCode, 400, save.body);
    const errors = save.json<{ errors: Array<{ field: string }> }>().errors;
    assert.ok(
      errors.some((e) => e.field === 'row_version'),
      save.body,
    );
    const put = await call(ctx, 'PUT', `${path}(${String(id)})`, { body: { name: 'x', row_version: 1.5 } });
    assert.equal(put.statusCode, 400, put.body);
    const header = await call(ctx, 'PUT', `${path}(${String(id)})`, {
      body: { name: 'x' },
      headers: { 'if-match': 'abc' },
    });
    assert.equal(header.statusCode, 400, header.body);
    assert.equal(header.json()['code'], 'invalid_if_match');
    assert.equal((await read(id)).record['name'], 'bad version');
  });

  it('a version for a record that does not exist is 409 with current null', async () => {
    const id = randomUUID();
    const res = await call(ctx, 'POST', `${path}/Save`, { body: { id, name: 'ghost', row_version: 5 } });
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json()['code'], 'version_conflict');
    assert.equal(res.json()['current'], null);
    assert.equal((await call(ctx, 'GET', `${path}(${id})`)).statusCode, 404);
  });
});

describe('versions in a batch', () => {
  it('reports the stale record as a conflict and writes the others', async () => {
    const fresh = await create('batch fresh');
    const stale = await create('batch stale');
    const moved = await call(ctx, 'PUT', `${path}(${String(stale['id'])})`, { body: { name: 'server' } });
    assert.equal(moved.statusCode, 200, moved.body);
    const newId = randomUUID();
    const body = [
      { id: fresh['id'], name: 'batch fresh 2', row_version: fresh['row_version'] },
      { id: stale['id'], name: 'client', row_version: stale['row_version'] },
      { id: newId, name: 'batch new' },
    ];
    const res = await call(ctx, 'POST', `${path}/SaveMultiple`, { body });
    assert.equal(res.statusCode, 200, res.body);
    const results = res.json<Body[]>();
    assert.deepEqual(
      results.map((r) => [r['status'], r['success']]),
      [
        ['updated', true],
        ['conflict', false],
        ['created', true],
      ],
    );
    const current = results[1]!['current'] as Body;
    assert.equal(current['name'], 'server');
    assert.equal(current['row_version'], moved.json()['row_version']);
    assert.equal((await read(stale['id'])).record['name'], 'server', 'the stale record is not written');
    assert.equal((await read(fresh['id'])).record['name'], 'batch fresh 2');
    assert.equal((await read(newId)).record['name'], 'batch new');

    const xml = await call(ctx, 'POST', `${path}/SaveMultiple`, {
      body: [body[1]],
      accept: 'application/xml',
    });
    assert.equal(xml.statusCode, 200, xml.body);
    assert.match(xml.body, /<status>conflict<\/status>/);
    assert.match(xml.body, /<current><job_type>.*<name>server<\/name>.*<\/job_type><\/current>/);
  });
});

describe('Idempotency-Key', () => {
  it('replays a POST, refuses the key with another body, and keys are per tenant', async () => {
    const body = { name: `idem-${randomUUID()}` };
    const headers = { 'idempotency-key': 'k1' };
    const first = await call(ctx, 'POST', path, { body, headers });
    const second = await call(ctx, 'POST', path, { body, headers });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(second.statusCode, 201, second.body);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(second.body, first.body);
    assert.equal(second.headers['etag'], first.headers['etag']);
    assert.equal(await named(body.name), 1);

    const other = await call(ctx, 'POST', path, { body: { name: 'other' }, headers });
    assert.equal(other.statusCode, 422, other.body);
    assert.equal(other.json()['code'], 'idempotency_key_reused');
    assert.equal(await named('other'), 0);

    const b = await call(ctx, 'POST', path, { body, headers, as: ctx.b });
    assert.equal(b.statusCode, 201, b.body);
    assert.equal(b.headers['idempotent-replayed'], undefined);
    assert.notEqual(b.json()['id'], first.json()['id']);
    assert.equal(await named(body.name, ctx.b), 1);
  });

  it('replays a PUT and a SaveMultiple without writing again', async () => {
    const { id } = await create('put idem');
    const headers = { 'idempotency-key': `put-${String(id)}` };
    const put1 = await call(ctx, 'PUT', `${path}(${String(id)})`, { body: { name: 'put 2' }, headers });
    assert.equal(put1.statusCode, 200, put1.body);
    const put2 = await call(ctx, 'PUT', `${path}(${String(id)})`, { body: { name: 'put 2' }, headers });
    assert.equal(put2.statusCode, 200, put2.body);
    assert.equal(put2.headers['idempotent-replayed'], 'true');
    assert.equal(put2.body, put1.body);
    assert.equal((await read(id)).etag, put1.headers['etag'], 'not written again');

    const batch = [
      { id: randomUUID(), name: 'many 1' },
      { id, name: 'many 2' },
    ];
    const key = { 'idempotency-key': 'batch-1' };
    const m1 = await call(ctx, 'POST', `${path}/SaveMultiple`, { body: batch, headers: key });
    assert.equal(m1.statusCode, 200, m1.body);
    const versions = await Promise.all(batch.map(async (r) => (await read(r.id)).etag));
    const m2 = await call(ctx, 'POST', `${path}/SaveMultiple`, { body: batch, headers: key });
    assert.equal(m2.statusCode, 200, m2.body);
    assert.equal(m2.headers['idempotent-replayed'], 'true');
    assert.equal(m2.body, m1.body);
    assert.deepEqual(await Promise.all(batch.map(async (r) => (await read(r.id)).etag)), versions);
  });

  it('a failed request does not keep its key', async () => {
    const headers = { 'idempotency-key': 'fails' };
    const bad = { name: 'x'.repeat(300) };
    for (let i = 0; i < 2; i++) {
      const res = await call(ctx, 'POST', path, { body: bad, headers });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.headers['idempotent-replayed'], undefined, 'evaluated again, not replayed');
    }
    assert.equal((await keyRows('fails')).rows.length, 0);
    const fixed = await call(ctx, 'POST', path, {
      body: { name: 'fixed' },
      headers: { 'idempotency-key': 'fixed' },
    });
    assert.equal(fixed.statusCode, 201, fixed.body);
    const sameKey = await call(ctx, 'POST', path, { body: { name: 'fixed same key' }, headers });
    assert.equal(sameKey.statusCode, 201, sameKey.body);
    assert.equal(sameKey.headers['idempotent-replayed'], undefined);
  });

  it('an expired key is new again, and the purge removes expired keys', async () => {
    const body = { name: `expiring-${randomUUID()}` };
    const headers = { 'idempotency-key': 'expiring' };
    const first = await call(ctx, 'POST', path, { body, headers });
    assert.equal(first.statusCode, 201, first.body);
    await ctx.db.query("UPDATE idempotency_key SET created_at = now() - interval '2 days' WHERE key = $1", [
      'expiring',
    ]);
    const second = await call(ctx, 'POST', path, { body, headers });
    assert.equal(second.statusCode, 201, second.body);
    assert.equal(second.headers['idempotent-replayed'], undefined);
    assert.notEqual(second.json()['id'], first.json()['id']);
    assert.equal(await named(body.name), 2);

    await ctx.db.query("UPDATE idempotency_key SET created_at = now() - interval '2 days' WHERE key = $1", [
      'k1',
    ]);
    const purged = await purgeExpired(ctx.db, registry, {
      retentionMs: 30 * 86_400_000,
      idempotencyTtlMs: 86_400_000,
    });
    assert.ok(purged.idempotencyKeys >= 2, JSON.stringify(purged)); // k1 in tenants a and b
    assert.equal((await keyRows('k1')).rows.length, 0);
    assert.equal((await keyRows('expiring')).rows.length, 1, 'a key within its TTL is kept');
  });

  it('an empty or over-long key is a 400 and stores nothing', async () => {
    const body = { name: `bad-key-${randomUUID()}` };
    for (const key of ['', 'k'.repeat(256)]) {
      const res = await call(ctx, 'POST', path, { body, headers: { 'idempotency-key': key } });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json()['code'], 'invalid_idempotency_key');
    }
    assert.equal(await named(body.name), 0);
  });

  it('concurrent retries with one key create one record', async () => {
    const body = { name: `race-${randomUUID()}` };
    const headers = { 'idempotency-key': 'race' };
    const all = await Promise.all(
      Array.from({ length: 10 }, () => call(ctx, 'POST', path, { body, headers })),
    );
    assert.deepEqual(
      all.map((r) => r.statusCode),
      Array(10).fill(201),
      all.map((r) => r.body).join('\n'),
    );
    assert.equal(new Set(all.map((r) => r.json()['id'])).size, 1);
    assert.equal(all.filter((r) => r.headers['idempotent-replayed'] === 'true').length, 9);
    assert.equal(await named(body.name), 1);
  });
});

describe('overlapping batches', () => {
  it('batches writing the same records in different orders at once never deadlock', async () => {
    const ids = Array.from({ length: 400 }, () => randomUUID());
    const shuffled = (round: number): string[] =>
      [...ids].sort(
        (a, b) =>
          ((a.charCodeAt(round % 30) ^ round) % 7) - ((b.charCodeAt(round % 30) ^ round) % 7) ||
          (a < b ? -1 : 1),
      );
    for (let round = 0; round < 4; round++) {
      const orders = [ids, [...ids].reverse(), shuffled(round), shuffled(round + 11)];
      const answers = await Promise.all(
        orders.map((order, n) =>
          call(ctx, 'POST', `${path}/SaveMultiple`, {
            body: order.map((id) => ({ id, name: `round ${round} writer ${n}` })),
          }),
        ),
      );
      for (const res of answers) {
        assert.equal(res.statusCode, 200, res.body.slice(0, 300));
        assert.ok(
          res.json<Array<{ success: boolean }>>().every((r) => r.success),
          res.body.slice(0, 300),
        );
      }
    }
    // Each record holds the values of one of the last round's writers, whole.
    const names = new Set(
      (
        await ctx.db.withTenant(await tenantIdOf(ctx.db, ctx.a.domain), (tx) =>
          tx.query<{ name: string }>('SELECT name FROM job_type WHERE id = ANY($1::uuid[])', [ids]),
        )
      ).rows.map((r) => r.name),
    );
    assert.ok(
      [...names].every((n) => n.startsWith('round 3 ')),
      [...names].join(', '),
    );
  });
});
