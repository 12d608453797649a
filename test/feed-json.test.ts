/**
 * The JSON feed page is written by the database in one statement (src/domain/sync.ts
 * `pullChangesJson`). It must be the page the registry's JSON writer gives for the same changes:
 * every entity, members without a value left out, exact decimals, times in UTC with milliseconds,
 * text with quotes, backslashes, control characters and characters outside the BMP, deletions
 * physical and logical, and the same cursors and has_more at every page size. Compared with
 * lossless-json, which keeps every number's digits.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { parse as losslessParse } from 'lossless-json';
import { decodeCursor, pullChanges, pullChangesJson, sequenceChanges } from '../src/domain/sync.js';
import { pageJson } from '../src/http/sync-routes.js';
import type { Database, QueryOptions } from '../src/db/database.js';
import { registry } from '../src/schema/registry.js';
import { createSample } from './samples.js';
import { call, setup, tenantIdOf, type TestContext } from './helpers.js';

let ctx: TestContext;
let tenantId: string;
const entities = registry.entities;

before(async () => {
  ctx = await setup();
  tenantId = await tenantIdOf(ctx.db, ctx.a.domain);
  for (const entity of entities) await createSample(ctx, entity, ctx.a);
  // Text and numbers that a writer can get wrong.
  const typeId = randomUUID();
  const tricky = {
    id: typeId,
    code: `T-"\\'-${typeId.slice(0, 4)}`,
    name: 'Réparation 🔧 \u2028 <&> "quoted" back\\slash',
  };
  let res = await call(ctx, 'POST', '/api/JobType', { body: tricky });
  assert.equal(res.statusCode, 201, res.body);
  // Control characters cannot come in through the API (XML 1.0 cannot carry them), but a row
  // written by other means may hold them.
  await ctx.db.withTenant(tenantId, (tx) =>
    tx.query('UPDATE job_type SET name = name || $1 WHERE id = $2', ['\t\n\r\u0001\u001f\u007f', typeId]),
  );
  // A price with 28 significant digits, sent as a JSON number literal.
  const article = randomUUID();
  res = await call(ctx, 'POST', '/api/Article', {
    body: `{"id":"${article}","code":"LONG-${article.slice(0, 6)}","name":"Long price","entered_price":1234567890123456.789012345678}`,
  });
  assert.equal(res.statusCode, 201, res.body);
  // A physical deletion and a logical one.
  const gone = await createSample(ctx, registry.entity('job_type'), ctx.a);
  res = await call(ctx, 'DELETE', `/api/JobType(${gone})`);
  assert.ok(res.statusCode < 300, res.body);
  const flagged = await createSample(ctx, registry.entity('project'), ctx.a);
  res = await call(ctx, 'DELETE', `/api/Project(${flagged})`);
  assert.ok(res.statusCode < 300, res.body);
  await ctx.db.withTenant(tenantId, (tx) => sequenceChanges(tx));
});
after(async () => {
  await ctx.close();
});

const read = (text: string): unknown => losslessParse(text);

async function bothPages(selection: typeof entities, since: string, limit: number) {
  const cursor = decodeCursor(since);
  const fromRows = pageJson(registry, await pullChanges(ctx.db, tenantId, selection, cursor, limit));
  const fromSql = await pullChangesJson(ctx.db, tenantId, selection, cursor, limit);
  return { fromRows, fromSql };
}

describe('the JSON feed page written by the database', () => {
  for (const limit of [1, 7, 1000]) {
    it(`is the registry writer's page, every entity, pages of ${limit}`, async () => {
      let since = '';
      let pages = 0;
      let changes = 0;
      for (;;) {
        const { fromRows, fromSql } = await bothPages(entities, since, limit);
        assert.deepEqual(read(fromSql), read(fromRows));
        const page = JSON.parse(fromSql) as { changes: unknown[]; next: string; has_more: boolean };
        changes += page.changes.length;
        pages++;
        since = page.next;
        if (!page.has_more) break;
        assert.ok(pages < 10_000);
      }
      assert.ok(changes >= entities.length + 2, `${changes} changes`);
    });
  }

  it('is the same for a selection of entities, and text is written exactly', async () => {
    const selection = [registry.entity('job_type'), registry.entity('project')];
    const { fromRows, fromSql } = await bothPages(selection, '', 1000);
    assert.deepEqual(read(fromSql), read(fromRows));
    const page = JSON.parse(fromSql) as { changes: Array<{ deleted: boolean; record?: { name?: string } }> };
    assert.ok(page.changes.some((c) => c.record?.name?.includes('🔧 \u2028 <&> "quoted" back\\slash')));
    assert.ok(page.changes.filter((c) => c.deleted).length >= 2);
    assert.ok(page.changes.every((c) => c.deleted === (c.record === undefined)));
  });

  it('is what GET api/Sync/Changes answers, with no ETag and no-store', async () => {
    const res = await call(ctx, 'GET', '/api/Sync/Changes?entities=JobType,Project&limit=1000');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['etag'], undefined);
    assert.equal(res.headers['cache-control'], 'no-store');
    const selection = [registry.entity('job_type'), registry.entity('project')];
    const { fromRows } = await bothPages(selection, '', 1000);
    assert.deepEqual(read(res.body), read(fromRows));
  });
});

describe('a pull right after a bulk load', () => {
  it('reads the feed through its index, not whole, while the statistics still see the entries unpositioned', async () => {
    const b = await tenantIdOf(ctx.db, ctx.b.domain);
    const body = Array.from({ length: 3000 }, (_, i) => ({ code: `BULK-${i}`, name: `Bulk ${i}` }));
    const res = await call(ctx, 'POST', '/api/JobType/SaveMultiple', { as: ctx.b, body });
    assert.equal(res.statusCode, 200, res.body);
    // Statistics taken while the entries wait for their positions, as after a bulk load.
    await ctx.db.query('ANALYZE change_log');
    const selection = [registry.entity('job_type')];
    const first = JSON.parse(await pullChangesJson(ctx.db, b, selection, decodeCursor(''), 1000)) as {
      next: string;
    };
    // The next pull, each statement on the feed explained first, in its own transaction and settings.
    const plans: string[] = [];
    const explaining: Database = {
      ...ctx.db,
      withTenant: (id, fn, snapshot) =>
        ctx.db.withTenant(
          id,
          (tx) =>
            fn({
              ...tx,
              async query<R>(text: string, params?: readonly unknown[], options?: QueryOptions) {
                if (/\bchange_log\b/.test(text)) {
                  const plan = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params);
                  plans.push(plan.rows.map((row) => row['QUERY PLAN']).join('\n'));
                }
                return tx.query<R>(text, params, options);
              },
            }),
          snapshot,
        ),
    };
    const page = JSON.parse(
      await pullChangesJson(explaining, b, selection, decodeCursor(first.next), 1000),
    ) as { changes: unknown[] };
    assert.equal(page.changes.length, 1000);
    assert.ok(plans.length >= 2, `${plans.length} statements on the feed`);
    for (const plan of plans) assert.doesNotMatch(plan, /Seq Scan on change_log/, plan);
  });
});
