/**
 * The change feed (`GET api/Sync/Changes`): concurrent writers that commit out of order while a client
 * pulls, tombstones of physical and logical deletes, one change per record, the query parameters,
 * expired cursors after the purge (410), XML and tenant isolation.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { purgeExpired } from '../src/domain/purge.js';
import { registry } from '../src/schema/registry.js';
import { call, createTenant, setup, type Tenant, type TestContext, tenantIdOf } from './helpers.js';

let ctx: TestContext;
let tenantA: string;
before(async () => {
  ctx = await setup();
  tenantA = await tenantIdOf(ctx.db, ctx.a.domain);
});
after(async () => {
  await ctx.close();
});

type Body = Record<string, unknown>;
type Change = { entity: string; id: string; deleted: boolean; row_version: number; record: Body | null };
type Page = { changes: Change[]; next: string; has_more: boolean };

const FEED = 'entities=JobType,JobDispatchLog';
const get = (query: string, as = ctx.a, accept?: string) =>
  call(ctx, 'GET', `/api/Sync/Changes?${query}`, { as, ...(accept ? { accept } : {}) });

async function pull(query: string, as: Tenant = ctx.a): Promise<Page> {
  const res = await get(query, as);
  assert.equal(res.statusCode, 200, res.body);
  return res.json<Page>();
}

/**
 * Pulls until `done` holds: on a shared PostgreSQL server any open transaction (of any database)
 * holds the feed back, so a change may come a little after its commit.
 */
async function pullUntil(query: string, done: (page: Page) => boolean, as = ctx.a): Promise<Page> {
  for (let i = 0; i < 200; i++) {
    const page = await pull(query, as);
    if (done(page)) return page;
    await sleep(25);
  }
  assert.fail(`${query}: the expected changes did not arrive`);
}

/** Follows the cursors from `since` to the end, again until `done` holds. */
async function feed(
  since: string | undefined,
  done = (_: Change[]) => true,
  as = ctx.a,
  entities = 'JobType,JobDispatchLog',
) {
  const changes: Change[] = [];
  let cursor = since;
  for (let i = 0; i < 200; i++) {
    const page = await pull(`entities=${entities}&limit=50${cursor ? `&since=${cursor}` : ''}`, as);
    changes.push(...page.changes);
    cursor = page.next;
    if (page.has_more) continue;
    if (done(changes)) return { changes, next: cursor };
    await sleep(25);
  }
  assert.fail(`the expected changes did not arrive: ${JSON.stringify(changes)}`);
}

const post = async (url: string, body: Body, as: Tenant = ctx.a): Promise<Body> => {
  const res = await call(ctx, 'POST', url, { body, as });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
};
const pick = <T>(list: readonly T[], n: number): T | undefined => list[n % Math.max(list.length, 1)];

describe('pulling while concurrent writers commit out of order', () => {
  it('ends with the database state, each change seen once, versions increasing', async () => {
    let running = true;
    const local = new Map<string, Body>();
    const seen = new Set<string>();
    const duplicates: string[] = [];
    const lastVersion = new Map<string, number>();
    const regressions: string[] = [];
    let cursor = '';
    const apply = (page: Page) => {
      for (const c of page.changes) {
        const key = `${c.entity}:${c.id}`;
        const position = `${key}:${c.row_version}`;
        if (seen.has(position)) duplicates.push(position);
        seen.add(position);
        if ((lastVersion.get(key) ?? -1) >= c.row_version) regressions.push(position);
        lastVersion.set(key, c.row_version);
        if (c.deleted) local.delete(key);
        else {
          assert.ok(c.record, `record of ${position}`);
          assert.equal(c.record['row_version'], c.row_version, `record of ${position} is its version`);
          local.set(key, c.record);
        }
      }
      cursor = page.next;
    };
    const pullOnce = async () => {
      const page = await pull(`entities=JobType,JobDispatchLog&limit=7${cursor ? `&since=${cursor}` : ''}`);
      apply(page);
      return page;
    };

    const writer = async (w: number) => {
      const types: string[] = [];
      const logs: string[] = [];
      const viaHttp: string[] = [];
      for (let i = 0; i < 40; i++) {
        await ctx.db.withTenant(tenantA, async (tx) => {
          const run = (text: string, ...params: unknown[]) => tx.query(text, params);
          types.push(randomUUID());
          await run('INSERT INTO job_type (id, name) VALUES ($1, $2)', types.at(-1), `w${w}-${i}`);
          await run('UPDATE job_type SET name = $2 WHERE id = $1', pick(types, i * 7 + w), `w${w}-${i}-u`);
          if (i % 4 === 3)
            await run('DELETE FROM job_type WHERE id = $1', types.splice((i * 3) % types.length, 1)[0]);
          logs.push(randomUUID());
          await run(
            'INSERT INTO job_dispatch_log (id, rejected_reason) VALUES ($1, $2)',
            logs.at(-1),
            `w${w}-${i}`,
          );
          await run(
            'UPDATE job_dispatch_log SET rejected_reason = $2 WHERE id = $1',
            pick(logs, i * 5 + w),
            `u${i}`,
          );
          if (i % 5 === 4) {
            const gone = logs.splice((i * 2) % logs.length, 1)[0];
            await run('UPDATE job_dispatch_log SET sys_logical_delete = true WHERE id = $1', gone);
          }
          // Held open after writing: it commits after transactions that started later.
          if ((i + w) % 3 === 0) await sleep(20 + ((i * 37 + w * 53) % 131));
        });
        if (i % 8 === 2) {
          const body: Body[] = [{ id: randomUUID(), name: `http-${w}-${i}` }];
          if (viaHttp.length) body.push({ id: pick(viaHttp, i), name: `http-${w}-${i}-u` });
          const res = await call(ctx, 'POST', '/api/JobType/SaveMultiple', { body });
          assert.ok(res.statusCode === 200 && res.json<Body[]>().every((r) => r['success']), res.body);
          viaHttp.push(String(body[0]!['id']));
        }
      }
    };

    const puller = (async () => {
      while (running) {
        const page = await pullOnce();
        if (!page.changes.length) await sleep(5);
      }
    })();
    try {
      await Promise.all([0, 1, 2, 3].map(writer));
    } finally {
      running = false;
      await puller;
    }
    // A write that starts after every writer committed: once it is in the feed, so is all before it.
    const marker = randomUUID();
    await ctx.db.withTenant(tenantA, (tx) =>
      tx.query('INSERT INTO job_type (id, name) VALUES ($1, $2)', [marker, 'marker']),
    );
    for (let i = 0; !local.has(`job_type:${marker}`); i++) {
      assert.ok(i < 2000, 'the marker reaches the feed');
      if (!(await pullOnce()).changes.length) await sleep(10);
    }
    while ((await pullOnce()).has_more);
    assert.deepEqual((await pullOnce()).changes, [], 'a last pull finds nothing more');

    const expected = await ctx.db.withTenant(tenantA, async (tx) => {
      const types = await tx.query<Body>(`SELECT 'job_type:' || id AS key, name, row_version FROM job_type`);
      const logs = await tx.query<Body>(`SELECT 'job_dispatch_log:' || id AS key, rejected_reason AS name,
        row_version FROM job_dispatch_log WHERE sys_logical_delete IS NOT TRUE`);
      return [...types.rows, ...logs.rows].map(
        (r) => `${String(r['key'])} ${String(r['name'])} ${String(r['row_version'])}`,
      );
    });
    const mine = [...local].map(
      ([k, r]) => `${k} ${String(r['name'] ?? r['rejected_reason'])} ${String(r['row_version'])}`,
    );
    assert.ok(expected.length > 100, `enough rows written (${expected.length})`);
    assert.deepEqual(mine.sort(), expected.sort());
    assert.deepEqual(duplicates, [], 'no change seen twice');
    assert.deepEqual(regressions, [], 'versions of a record only increase');
  });
});

describe('tombstones', () => {
  it('a physical delete appears as deleted, without a record', async () => {
    const { next } = await feed(undefined);
    const type = await post('/api/JobType', { name: 'to delete' });
    const id = String(type['id']);
    assert.equal((await call(ctx, 'DELETE', `/api/JobType(${id})`)).statusCode, 204);
    const { changes } = await feed(next, (cs) => cs.some((c) => c.id === id && c.deleted));
    const mine = changes.filter((c) => c.id === id);
    assert.equal(mine.length, 1, JSON.stringify(mine));
    assert.equal(mine[0]!.entity, 'job_type');
    assert.ok(!('record' in mine[0]!), JSON.stringify(mine[0]));
    assert.ok(mine[0]!.row_version > Number(type['row_version']));
  });

  it('a logical delete appears as deleted and the $filter on modified_dateutc still lists it', async () => {
    const { next } = await feed(undefined);
    const since = new Date(Date.now() - 1000).toISOString();
    const id = randomUUID();
    await post('/api/JobDispatchLog', { id, rejected_reason: 'logical' });
    assert.equal((await call(ctx, 'DELETE', `/api/JobDispatchLog(${id})`)).statusCode, 204);
    const { changes } = await feed(next, (cs) => cs.some((c) => c.id === id && c.deleted));
    const mine = changes.filter((c) => c.id === id);
    assert.deepEqual(
      mine.map((c) => [c.entity, c.deleted, 'record' in c]),
      [['job_dispatch_log', true, false]],
    );
    // Other tests of this file write many logs at the same time: the filter names this one too.
    const filter = encodeURIComponent(`modified_dateutc gt '${since}' and id eq ${id}`);
    const list = await call(ctx, 'GET', `/api/JobDispatchLog?$filter=${filter}`);
    assert.equal(list.statusCode, 200, list.body);
    const row = list.json<{ value: Body[] }>().value.find((r) => r['id'] === id);
    assert.equal(row?.['sys_logical_delete'], true, list.body);
  });

  it('a record changed several times between pulls appears once, at its latest version', async () => {
    const { next } = await feed(undefined);
    const id = String((await post('/api/JobType', { name: 'v1' }))['id']);
    for (const name of ['v2', 'v3', 'v4']) {
      const res = await call(ctx, 'PUT', `/api/JobType(${id})`, { body: { name } });
      assert.equal(res.statusCode, 200, res.body);
    }
    const latest = Number((await call(ctx, 'GET', `/api/JobType(${id})`)).headers['etag']!.replace(/"/g, ''));
    const { changes } = await feed(next, (cs) => cs.some((c) => c.id === id && c.row_version === latest));
    const mine = changes.filter((c) => c.id === id);
    assert.equal(mine.length, 1, JSON.stringify(mine));
    assert.equal(mine[0]!.record?.['name'], 'v4');
  });
});

describe('query parameters', () => {
  it('entities restricts the feed; unknown entities, bad cursors and bad limits are 400', async () => {
    await post('/api/JobDispatchLog', { id: randomUUID() });
    await post('/api/JobType', { name: 'only types' });
    const { changes } = await feed(undefined, undefined, ctx.a, 'JobType');
    assert.ok(changes.length > 0);
    assert.deepEqual([...new Set(changes.map((c) => c.entity))], ['job_type']);
    for (const [query, code] of [
      ['entities=JobType,Nope', 'invalid_query'],
      ['since=not-a-cursor', 'invalid_cursor'],
      [`since=${Buffer.from('9.1.1').toString('base64url')}`, 'invalid_cursor'],
      [`since=${Buffer.from('2.1').toString('base64url')}`, 'invalid_cursor'],
      ['limit=abc', 'invalid_query'],
      ['limit=-1', 'invalid_query'],
    ] as const) {
      const res = await get(query);
      assert.equal(res.statusCode, 400, `${query}: ${res.body}`);
      assert.equal(res.json()['code'], code, query);
    }
    // A cursor of the former feed (transaction, version, time) can only start again.
    const former = await get(`since=${Buffer.from('1.812.40.1764633600000').toString('base64url')}`);
    assert.equal(former.statusCode, 410, former.body);
    assert.equal(former.json()['code'], 'cursor_expired');
  });

  it('caps limit at 5000', async () => {
    const c = await createTenant(ctx.db, 'tenant-c.test');
    const r = await ctx.db.query<{ id: string }>('SELECT id FROM tenant WHERE domain = $1', [c.domain]);
    await ctx.db.withTenant(r.rows[0]!.id, (tx) =>
      tx.query(`INSERT INTO job_type (name) SELECT 'bulk ' || n FROM generate_series(1, 5010) n`),
    );
    const page = await pullUntil('entities=JobType&limit=100000', (p) => p.changes.length > 0, c);
    assert.equal(page.changes.length, 5000);
    assert.equal(page.has_more, true);
    const rest = await pull(`entities=JobType&limit=100000&since=${page.next}`, c);
    assert.equal(rest.changes.length, 10);
  });
});

describe('XML and tenants', () => {
  it('answers <SyncChanges> with <change> elements holding the record', async () => {
    const { next } = await feed(undefined);
    const id = String((await post('/api/JobType', { name: 'in xml' }))['id']);
    await feed(next, (cs) => cs.some((c) => c.id === id));
    const res = await get(`${FEED}&since=${next}`, ctx.a, 'application/xml');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.headers['content-type'] as string, /xml/);
    assert.match(res.body, /^<SyncChanges[ >]/);
    assert.match(
      res.body,
      new RegExp(`<change><deleted>false</deleted><entity>job_type</entity><id>${id}</id><record><job_type>`),
    );
    assert.match(res.body, /<name>in xml<\/name>/);
    assert.match(res.body, /<has_more>false<\/has_more><next>[\w-]+<\/next><\/SyncChanges>$/);
  });

  it("tenant b's feed holds none of tenant a's changes", async () => {
    const mine = await post('/api/JobType', { name: 'b only' }, ctx.b);
    const a = new Set((await feed(undefined)).changes.map((c) => c.id));
    const b = (await feed(undefined, (cs) => cs.some((c) => c.id === mine['id']), ctx.b)).changes;
    assert.ok(a.size > 0);
    assert.deepEqual(
      b.filter((c) => a.has(c.id)),
      [],
    );
  });
});

describe('purge', () => {
  const full = `${FEED}&limit=5000`;

  it('a cursor older than the purged deletions is 410; a pull without since works', async () => {
    const old = (await feed(undefined)).next;
    const id = String((await post('/api/JobType', { name: 'purged' }))['id']);
    assert.equal((await call(ctx, 'DELETE', `/api/JobType(${id})`)).statusCode, 204);
    await feed(old, (cs) => cs.some((c) => c.id === id && c.deleted));
    await sleep(10);
    const purged = await purgeExpired(ctx.db, registry, { retentionMs: 0, idempotencyTtlMs: 86_400_000 });
    assert.ok(purged.tombstones >= 1, JSON.stringify(purged));
    const expired = await get(`${FEED}&since=${old}`);
    assert.equal(expired.statusCode, 410, expired.body);
    assert.equal(expired.json()['code'], 'cursor_expired');
    assert.match(String(expired.json()['message']), /resynchronise/);
    const fresh = await pull(full);
    assert.equal(fresh.has_more, false);
    assert.ok(fresh.changes.length > 0);
    assert.ok(!fresh.changes.some((c) => c.id === id), 'the tombstone is gone');
  });

  it('a cursor taken after the purge works', async () => {
    const id = String((await post('/api/JobType', { name: 'after purge' }))['id']);
    const page = await pullUntil(full, (p) => p.changes.some((c) => c.id === id));
    const res = await get(`${FEED}&since=${page.next}`);
    assert.equal(res.statusCode, 200, res.body);
  });

  it('a resynchronisation after the purge can follow its cursors when the purged deletion was the latest change', async () => {
    const d = await createTenant(ctx.db, 'tenant-d.test');
    for (const name of ['d1', 'd2']) await post('/api/JobType', { name }, d);
    const gone = await post('/api/JobType', { name: 'd3' }, d);
    assert.equal(
      (await call(ctx, 'DELETE', `/api/JobType(${String(gone['id'])})`, { as: d })).statusCode,
      204,
    );
    await sleep(10);
    await purgeExpired(ctx.db, registry, { retentionMs: 0, idempotencyTtlMs: 86_400_000 });
    const first = await pull('entities=JobType&limit=1', d);
    const second = await get(`entities=JobType&limit=1&since=${first.next}`, d);
    assert.equal(second.statusCode, 200, `second page of a resynchronisation: ${second.body}`);
    const again = await get(`entities=JobType&since=${(await pull('entities=JobType', d)).next}`, d);
    assert.equal(again.statusCode, 200, `pull after a resynchronisation: ${again.body}`);
  });
});
