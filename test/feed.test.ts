/**
 * The feed against the races that break a feed ordered by transaction ids or guarded by clocks:
 * a record deleted while another transaction creates it again, one tenant's (or another
 * database's) open transaction while a second tenant pulls, purges that commit while clients page,
 * and versions that count one record's changes only. Each ends by comparing every client's copy
 * with the database, record by record.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { migrate } from '../src/db/migrate.js';
import { purgeExpired } from '../src/domain/purge.js';
import { registry } from '../src/schema/registry.js';
import {
  adminUrl,
  call,
  createTenant,
  onPostgres,
  openDatabaseAt,
  setup,
  type Tenant,
  type TestContext,
} from './helpers.js';

let ctx: TestContext;
const tenantIds = new Map<string, string>();
before(async () => {
  ctx = await setup();
  for (const t of [ctx.a, ctx.b]) {
    const r = await ctx.db.query<{ id: string }>('SELECT id FROM tenant WHERE domain = $1', [t.domain]);
    tenantIds.set(t.domain, r.rows[0]!.id);
  }
});
after(() => ctx.close());

type Body = Record<string, unknown>;
type Change = { entity: string; id: string; deleted: boolean; row_version: number; record: Body | null };
type Page = { changes: Change[]; next: string; has_more: boolean };
const tenantOf = (t: Tenant): string => tenantIds.get(t.domain)!;

/** A client following the README's protocol: pages in order, 410 means start again from nothing. */
class Client {
  readonly local = new Map<string, Body>();
  cursor = '';
  resyncs = 0;
  constructor(
    readonly as: Tenant,
    readonly entities = 'JobType',
    readonly limit = 7,
  ) {}

  async pullOnce(): Promise<Page> {
    const since = this.cursor ? `&since=${this.cursor}` : '';
    const res = await call(
      ctx,
      'GET',
      `/api/Sync/Changes?entities=${this.entities}&limit=${this.limit}${since}`,
      {
        as: this.as,
      },
    );
    if (res.statusCode === 410) {
      this.resyncs++;
      this.local.clear();
      this.cursor = '';
      return { changes: [], next: '', has_more: true };
    }
    assert.equal(res.statusCode, 200, res.body);
    const page = res.json<Page>();
    for (const c of page.changes) {
      if (c.deleted) this.local.delete(c.id);
      else this.local.set(c.id, c.record!);
    }
    this.cursor = page.next;
    return page;
  }

  /** Pulls until a page says there is nothing more. */
  async catchUp(): Promise<void> {
    for (let i = 0; i < 10_000; i++) if (!(await this.pullOnce()).has_more) return;
    assert.fail('the feed did not end');
  }
}

/** What the database holds, as the client should have it: id -> "name row_version". */
async function stored(as: Tenant): Promise<Map<string, string>> {
  const rows = await ctx.db.withTenant(tenantOf(as), (tx) =>
    tx.query<{ id: string; name: string; row_version: string }>('SELECT id, name, row_version FROM job_type'),
  );
  return new Map(rows.rows.map((r) => [r.id, `${r.name} ${r.row_version}`]));
}

async function assertSame(client: Client): Promise<void> {
  const expected = await stored(client.as);
  const mine = new Map(
    [...client.local].map(([id, r]) => [id, `${String(r['name'])} ${String(r['row_version'])}`]),
  );
  const missing = [...expected].filter(([id, v]) => mine.get(id) !== v);
  const extra = [...mine.keys()].filter((id) => !expected.has(id));
  assert.deepEqual(
    { missing, extra },
    { missing: [], extra: [] },
    'the client holds what the database holds',
  );
}

/** A promise and the function that resolves it: one side waits, the other says when. */
function signal(): [Promise<void>, () => void] {
  let fire!: () => void;
  const done = new Promise<void>((r) => (fire = r));
  return [done, fire];
}

const save = async (as: Tenant, body: Body[]): Promise<Body[]> => {
  const res = await call(ctx, 'POST', '/api/JobType/SaveMultiple', { body, as });
  assert.equal(res.statusCode, 200, res.body);
  return res.json<Body[]>();
};

describe('versions', () => {
  it('count the changes of one record, across a deletion and a re-creation', async () => {
    const id = randomUUID();
    for (const name of ['v1', 'v2', 'v3']) await save(ctx.a, [{ id, name }]);
    const got = await call(ctx, 'GET', `/api/JobType(${id})`);
    assert.equal(got.json()['row_version'], 3);
    assert.equal((await call(ctx, 'DELETE', `/api/JobType(${id})`)).statusCode, 204);
    const client = new Client(ctx.a);
    await save(ctx.a, [{ id, name: 'again' }]);
    const again = await call(ctx, 'GET', `/api/JobType(${id})`);
    assert.equal(again.json()['row_version'], 5, 'the deletion was version 4');
    // Another tenant's writes move nothing of this tenant's versions.
    for (let i = 0; i < 5; i++) await save(ctx.b, [{ id: randomUUID(), name: `b${i}` }]);
    await save(ctx.a, [{ id, name: 'after b' }]);
    assert.equal((await call(ctx, 'GET', `/api/JobType(${id})`)).json()['row_version'], 6);
    await client.catchUp();
    await assertSame(client);
  });
});

describe('versions of records a large batch creates again', () => {
  it('go on from their deletions, looked up by the batch statement itself', async () => {
    // More records than go through VALUES: the batch is copied and inserted in one statement.
    const ids = Array.from({ length: 150 }, () => randomUUID());
    await save(
      ctx.a,
      ids.map((id, i) => ({ id, name: `first ${i}` })),
    );
    await save(
      ctx.a,
      ids.slice(0, 50).map((id, i) => ({ id, name: `second ${i}` })),
    );
    for (const id of ids.slice(0, 100)) {
      assert.equal((await call(ctx, 'DELETE', `/api/JobType(${id})`)).statusCode, 204);
    }
    const client = new Client(ctx.a, 'JobType', 50);
    const fresh = [randomUUID(), randomUUID()];
    const results = await save(
      ctx.a,
      [...ids, ...fresh].map((id, i) => ({ id, name: `again ${i}` })),
    );
    assert.ok(results.every((r) => r['success']));
    const stored = await ctx.db.withTenant(tenantOf(ctx.a), (tx) =>
      tx.query<{ id: string; row_version: number }>(
        'SELECT id, row_version FROM job_type WHERE id = ANY($1::uuid[])',
        [[...ids, ...fresh]],
      ),
    );
    const version = new Map(stored.rows.map((r) => [r.id, Number(r.row_version)]));
    // Saved twice then deleted (3): 4; saved once then deleted (2): 3; never deleted, saved again: 2.
    ids.slice(0, 50).forEach((id) => assert.equal(version.get(id), 4, id));
    ids.slice(50, 100).forEach((id) => assert.equal(version.get(id), 3, id));
    ids.slice(100).forEach((id) => assert.equal(version.get(id), 2, id));
    fresh.forEach((id) => assert.equal(version.get(id), 1, id));
    await client.catchUp();
    await assertSame(client);
  });
});

describe('a record deleted while another transaction creates it again', () => {
  it(
    'is in every client after both commit, in either order',
    { skip: !onPostgres && 'needs concurrent transactions' },
    async () => {
      for (const deleteFirst of [true, false]) {
        const id = randomUUID();
        await save(ctx.a, [{ id, name: 'z' }]);
        const client = new Client(ctx.a);
        await client.catchUp();
        assert.ok(client.local.has(id));
        // The delete holds the row; a batch that re-creates it waits for it, then inserts.
        const [gate, release] = signal();
        const [holding, locked] = signal();
        const deleting = ctx.db.withTenant(tenantOf(ctx.a), async (tx) => {
          await tx.query('DELETE FROM job_type WHERE id = $1', [id]);
          locked();
          await gate;
        });
        await holding;
        const batch = [
          { id, name: 'z again' },
          ...Array.from({ length: 200 }, (_, i) => ({ id: randomUUID(), name: `n${i}` })),
        ];
        // A batch, or one record alone (Save), as the other request.
        const saving = deleteFirst
          ? save(ctx.a, batch)
          : call(ctx, 'POST', '/api/JobType/Save', { body: { id, name: 'z again' } }).then((res) => {
              assert.equal(res.statusCode, 201, res.body);
              return [{ success: true }];
            });
        // The batch is waiting on the row lock (bounded wait for it to get there).
        for (let i = 0; i < 100; i++) {
          const waiting = await ctx.db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
          );
          if (waiting.rows[0]!.n > 0) break;
          await sleep(20);
        }
        await client.pullOnce(); // a pull while both are open
        release();
        await deleting;
        const results = await saving;
        assert.ok(
          results.every((r) => r['success']),
          JSON.stringify(results.slice(0, 3)),
        );
        const again = await call(ctx, 'GET', `/api/JobType(${id})`);
        assert.equal(again.statusCode, 200);
        // Created (1), deleted (2), created again (3): the version goes on across the race.
        assert.equal(again.json<Body>()['row_version'], 3, again.body);
        await client.catchUp();
        assert.ok(client.local.has(id), 'the re-created record reached the client');
        const fresh = new Client(ctx.a, 'JobType', 500);
        await fresh.catchUp();
        assert.ok(fresh.local.has(id), 'and a client starting now');
        await assertSame(client);
        await assertSame(fresh);
      }
    },
  );
});

describe('open transactions elsewhere', () => {
  it(
    "hold back neither another tenant's feed nor the feed of any tenant because of another database",
    { skip: !onPostgres && 'needs concurrent transactions' },
    async () => {
      const client = new Client(ctx.a);
      await client.catchUp();
      // Tenant b: a long batch, open with its rows written.
      const [gate, release] = signal();
      const [open, written] = signal();
      const bWriting = ctx.db.withTenant(tenantOf(ctx.b), async (tx) => {
        await tx.query(
          "INSERT INTO job_type (id, name) SELECT gen_random_uuid(), 'b-long-' || g FROM generate_series(1, 1000) g",
        );
        written();
        await gate;
      });
      await open;
      // Another database of the cluster: a transaction with an id, left open.
      const other = new pg.Client({ connectionString: adminUrl });
      await other.connect();
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()');
      try {
        const [mine] = await save(ctx.a, [{ id: randomUUID(), name: 'a while b writes' }]);
        // One pull, no waiting: a's commit is in a's feed at once.
        const page = await client.pullOnce();
        assert.ok(
          page.changes.some((c) => c.id === mine!['id']),
          `tenant a's change is in its next page: ${JSON.stringify(page.changes.map((c) => c.record?.['name']))}`,
        );
      } finally {
        await other.query('ROLLBACK');
        await other.end();
        release();
        await bWriting;
      }
      const bClient = new Client(ctx.b, 'JobType', 5000);
      await bClient.catchUp();
      await assertSame(bClient);
    },
  );
});

describe('a deletion committed while a purge runs', () => {
  it(
    'is not removed before it is in the feed: a client that has the record is told it is gone',
    { skip: !onPostgres && 'needs concurrent transactions' },
    async () => {
      const tenant = tenantOf(ctx.a);
      const [category, held] = [randomUUID(), randomUUID()];
      // The row that stops the purge comes first in the feed: its removal expires no cursor past it.
      await ctx.db.withTenant(tenant, (tx) =>
        tx.query('INSERT INTO job_dispatch_log (id, sys_logical_delete) VALUES ($1, true)', [held]),
      );
      await ctx.db.withTenant(tenant, (tx) =>
        tx.query("INSERT INTO article_category (id, name) VALUES ($1, 'gone during a purge')", [category]),
      );
      const client = new Client(ctx.a, 'ArticleCategory', 50);
      await client.catchUp();
      assert.ok(client.local.has(category));
      // The purge positions the feed first, then removes what expired entity by entity. A lock on a
      // logically deleted row of job_dispatch_log stops it in between; the deletion of an entity
      // that comes later (article_category) commits there, after the positioning.
      const [lockGate, releaseLock] = signal();
      const [holding, locked] = signal();
      const locking = ctx.db.withTenant(tenant, async (tx) => {
        await tx.query('SELECT 1 FROM job_dispatch_log WHERE id = $1 FOR UPDATE', [held]);
        locked();
        await lockGate;
      });
      const [deleteGate, commitDelete] = signal();
      const [deletedOpen, deleted] = signal();
      const deleting = ctx.db.withTenant(tenant, async (tx) => {
        await tx.query('DELETE FROM article_category WHERE id = $1', [category]);
        deleted();
        await deleteGate;
      });
      await Promise.all([holding, deletedOpen]);
      const purging = purgeExpired(ctx.db, registry, { retentionMs: 0, idempotencyTtlMs: 86_400_000 });
      let waiting = false;
      for (let i = 0; i < 250 && !waiting; i++) {
        const r = await ctx.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE 'DELETE FROM %job_dispatch_log% WHERE sys_logical_delete%'`,
        );
        waiting = r.rows[0]!.n > 0;
        if (!waiting) await sleep(20);
      }
      assert.ok(waiting, 'the purge waits on the locked row');
      commitDelete();
      await deleting;
      releaseLock();
      await locking;
      await purging;
      await client.catchUp();
      assert.equal(client.resyncs, 0, 'the cursor is after everything the purge removed');
      assert.ok(!client.local.has(category), 'the client no longer holds the deleted record');
      const fresh = new Client(ctx.a, 'ArticleCategory', 500);
      await fresh.catchUp();
      assert.ok(!fresh.local.has(category));
    },
  );
});

describe('writers, purges and clients at once', () => {
  it('every client ends with the database state; a purge after a cursor gives 410, never a silent loss', async () => {
    const clients = [
      new Client(ctx.a, 'JobType', 3),
      new Client(ctx.a, 'JobType', 11),
      new Client(ctx.a, 'JobType', 50),
    ];
    for (const c of clients) await c.catchUp();
    const ids: string[] = [];
    const gone: string[] = [];
    let running = true;
    const writer = async (w: number) => {
      for (let i = 0; i < 60; i++) {
        const fresh = randomUUID();
        ids.push(fresh);
        const body: Body[] = [{ id: fresh, name: `w${w}-${i}` }];
        if (ids.length > 3) body.push({ id: ids[(i * 7 + w) % ids.length]!, name: `w${w}-${i}-u` });
        // Re-create a deleted id now and then.
        if (gone.length && i % 5 === 0) body.push({ id: gone.shift()!, name: `w${w}-${i}-back` });
        await save(
          ctx.a,
          body.filter((b, k) => body.findIndex((o) => o['id'] === b['id']) === k),
        );
        if (i % 3 === 1) {
          const victim = ids.splice((i * 11 + w) % ids.length, 1)[0]!;
          const res = await call(ctx, 'DELETE', `/api/JobType(${victim})`);
          assert.ok([204, 404].includes(res.statusCode), res.body);
          gone.push(victim);
        }
        if (i % 10 === 9) {
          // Out of order: a transaction that writes, then commits after later ones.
          await ctx.db.withTenant(tenantOf(ctx.a), async (tx) => {
            await tx.query("UPDATE job_type SET name = name || '+' WHERE id = $1", [ids[w % ids.length]]);
            await sleep(30);
          });
        }
      }
    };
    const purger = (async () => {
      let purges = 0;
      while (running) {
        await purgeExpired(ctx.db, registry, { retentionMs: 0, idempotencyTtlMs: 86_400_000 });
        purges++;
        await sleep(40);
      }
      return purges;
    })();
    const pullers = clients.map(async (c) => {
      while (running) if (!(await c.pullOnce()).changes.length) await sleep(5);
    });
    try {
      await Promise.all([0, 1, 2].map(writer));
    } finally {
      running = false;
      await Promise.all(pullers);
    }
    const purges = await purger;
    assert.ok(purges > 2, `purges ran (${purges})`);
    for (const c of clients) {
      await c.catchUp();
      await assertSame(c);
    }
    assert.ok(
      clients.some((c) => c.resyncs > 0),
      'a purge after a cursor was seen as 410 by some client',
    );
  });
});

describe('a database of the former feed (migration 0004)', () => {
  it('keeps every record and every kept deletion in the feed, and answers its cursors 410', async () => {
    const test = await openDatabaseAt(3);
    try {
      const id = (
        await test.db.query<{ id: string }>("INSERT INTO tenant (domain) VALUES ('former.test') RETURNING id")
      ).rows[0]!.id;
      const kept = [randomUUID(), randomUUID(), randomUUID()];
      const gone = randomUUID();
      await test.db.withTenant(id, async (tx) => {
        for (const [i, k] of [...kept, gone].entries())
          // Flags set: the later migration that fills in unset flags leaves these rows as they are.
          await tx.query('INSERT INTO job_type (id, name, is_default) VALUES ($1, $2, false)', [
            k,
            `former ${i}`,
          ]);
        await tx.query("UPDATE job_type SET name = 'former 0 changed' WHERE id = $1", [kept[0]]);
        await tx.query('DELETE FROM job_type WHERE id = $1', [gone]);
      });
      const versions = await test.db.withTenant(id, (tx) =>
        tx.query<{ id: string; row_version: string }>('SELECT id, row_version FROM job_type'),
      );
      await migrate(test.db);
      const tenant = await createTenant(test.db, 'former.test');
      const app = await buildApp({ db: test.db, logger: false });
      try {
        const res = await app.inject({
          method: 'GET',
          url: '/api/Sync/Changes?entities=JobType',
          headers: { authorization: tenant.auth },
        });
        assert.equal(res.statusCode, 200, res.body);
        const changes = res.json<Page>().changes;
        for (const row of versions.rows) {
          const change = changes.find((c) => c.id === row.id);
          assert.ok(change && !change.deleted, `record ${row.id} is in the feed`);
          assert.equal(change.row_version, Number(row.row_version), 'with its version');
        }
        assert.ok(
          changes.some((c) => c.id === gone && c.deleted),
          'the kept deletion is in the feed',
        );
        // The record's version goes on from where it was.
        const saved = await app.inject({
          method: 'PUT',
          url: `/api/JobType(${kept[1]})`,
          headers: { authorization: tenant.auth, 'content-type': 'application/json' },
          payload: { name: 'after the migration' },
        });
        assert.equal(saved.statusCode, 200, saved.body);
        const old = versions.rows.find((r) => r.id === kept[1])!;
        assert.equal(saved.json<Body>()['row_version'], Number(old.row_version) + 1);
        const former = await app.inject({
          method: 'GET',
          url: `/api/Sync/Changes?since=${Buffer.from('1.812.40.1764633600000').toString('base64url')}`,
          headers: { authorization: tenant.auth },
        });
        assert.equal(former.statusCode, 410, former.body);
      } finally {
        await app.close();
      }
    } finally {
      await test.close();
    }
  });
});

describe('migration 0007 on a database that holds data', () => {
  it('keeps every version; records created again after it go on from their deletions', async () => {
    const test = await openDatabaseAt(6);
    try {
      const tenantId = (
        await test.db.query<{ id: string }>(
          "INSERT INTO tenant (domain) VALUES ('versions.test') RETURNING id",
        )
      ).rows[0]!.id;
      const [changed, alone, inBatch] = [randomUUID(), randomUUID(), randomUUID()];
      await test.db.withTenant(tenantId, async (tx) => {
        for (const id of [changed, alone, inBatch])
          await tx.query("INSERT INTO job_type (id, name, is_default) VALUES ($1, 'before', false)", [id]);
        await tx.query("UPDATE job_type SET name = 'changed' WHERE id = ANY($1::uuid[])", [
          [changed, inBatch],
        ]);
        await tx.query('DELETE FROM job_type WHERE id = ANY($1::uuid[])', [[alone, inBatch]]);
      });
      await migrate(test.db);
      const tenant = await createTenant(test.db, 'versions.test');
      const app = await buildApp({ db: test.db, logger: false });
      try {
        const send = async (url: string, payload: unknown): Promise<Body | Body[]> => {
          const res = await app.inject({
            method: 'POST',
            url,
            headers: { authorization: tenant.auth, 'content-type': 'application/json' },
            payload: payload as Body,
          });
          assert.ok(res.statusCode === 200 || res.statusCode === 201, res.body);
          return res.json<Body | Body[]>();
        };
        const version = async (id: string): Promise<number> => {
          const r = await test.db.withTenant(tenantId, (tx) =>
            tx.query<{ row_version: string }>('SELECT row_version FROM job_type WHERE id = $1', [id]),
          );
          return Number(r.rows[0]!.row_version);
        };
        assert.equal(await version(changed), 2, 'a stored version is kept');
        // Alone (the row trigger finds the version) and in a large batch (the statement does).
        const one = (await send('/api/JobType/Save', { id: alone, name: 'alone again' })) as Body;
        assert.equal(one['row_version'], 3, 'created (1), deleted (2), created again (3)');
        const batch = [inBatch, ...Array.from({ length: 99 }, () => randomUUID())];
        const results = (await send(
          '/api/JobType/SaveMultiple',
          batch.map((id, i) => ({ id, name: `batch ${i}` })),
        )) as Body[];
        assert.ok(results.every((r) => r['success'] === true && r['status'] === 'created'));
        assert.equal(await version(inBatch), 4, 'created, changed, deleted (3), created again (4)');
        assert.equal(await version(batch[1]!), 1, 'a new record starts at 1');
        const plain = randomUUID();
        await test.db.withTenant(tenantId, (tx) =>
          tx.query("INSERT INTO job_type (id, name) VALUES ($1, 'by hand')", [plain]),
        );
        assert.equal(await version(plain), 1, 'a statement that gives no version gets 1 from the trigger');
      } finally {
        await app.close();
      }
    } finally {
      await test.close();
    }
  });
});
