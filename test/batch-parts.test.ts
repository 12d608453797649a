/**
 * A large batch goes through the save pipeline in parts (src/domain/batch-parts.ts): the parts,
 * which batches may go in parts, and a batch of several parts with every kind of outcome, compared
 * record by record with the database; on PostgreSQL, overlapping batches in parts at once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { inParts, PART_SIZE, partsOf } from '../src/domain/batch-parts.js';
import { rulesOf } from '../src/domain/entity-rules.js';
import { registry } from '../src/schema/registry.js';
import { call, onPostgres, setup, tenantIdOf, type TestContext } from './helpers.js';

type Body = Record<string, unknown>;

describe('the parts of a batch', () => {
  // Ids given in no order, some twice, some records without one (or with the empty GUID).
  const ids = Array.from({ length: 900 }, () => randomUUID());
  const bodies: unknown[] = Array.from({ length: 2600 }, (_, i) => {
    if (i % 97 === 0) return { quantity: 1 };
    if (i % 101 === 0) return { id: '00000000-0000-0000-0000-000000000000' };
    return { id: i % 3 ? ids[i % ids.length]!.toUpperCase() : randomUUID() };
  });
  const idOf = (i: number): string | undefined => {
    const id = (bodies[i] as Body)['id'];
    return typeof id === 'string' && !/^0{8}-/.test(id) ? id.toLowerCase() : undefined;
  };
  const parts = partsOf(bodies, 1000);

  it('hold every record once, all records of one id in one part, parts in id order', () => {
    assert.deepEqual(
      parts.flat().sort((a, b) => a - b),
      bodies.map((_, i) => i),
    );
    const partOf = new Map<string, number>();
    parts.forEach((part, k) => {
      for (const i of part) {
        const id = idOf(i);
        if (id === undefined) continue;
        assert.equal(partOf.get(id) ?? k, k, `id ${id} is in two parts`);
        partOf.set(id, k);
      }
    });
    // Ids ascend across the parts; within one id, the records keep the order they were sent in.
    const keyed = parts.flat().filter((i) => idOf(i) !== undefined);
    for (let n = 1; n < keyed.length; n++) {
      const [a, b] = [keyed[n - 1]!, keyed[n]!];
      assert.ok(idOf(a)! < idOf(b)! || (idOf(a) === idOf(b) && a < b), `${a} before ${b}`);
    }
  });

  it('end at their size, except to keep one id together; records without an id come last, as sent', () => {
    for (const part of parts.slice(0, -1)) {
      assert.ok(part.length >= 1000, `a part of ${part.length}`);
      const extra = part.slice(1000);
      assert.ok(extra.every((i) => idOf(i) !== undefined && idOf(i) === idOf(part[999]!)));
    }
    const keyless = parts.flat().filter((i) => idOf(i) === undefined);
    assert.deepEqual(
      parts.flat().slice(-keyless.length),
      [...keyless].sort((a, b) => a - b),
    );
  });

  it('are only for large batches of entities whose rules look at one record at a time', () => {
    const many = Array.from({ length: PART_SIZE + 1 }, () => ({ id: randomUUID() }));
    const usage = registry.entity('job_part_usage');
    assert.ok(inParts(usage, many, 'upsert'));
    assert.ok(!inParts(usage, many.slice(0, PART_SIZE), 'upsert'));
    assert.ok(!inParts(usage, many, 'update'));
    // Work orders: a rule looks across the records of the request.
    assert.ok(!inParts(registry.entity('jobs'), many, 'upsert'));
    // An entity that can reference itself: a record may name another of the same batch.
    const selfRef = registry.entities.find((e) => e.refs.some((r) => r.target === e));
    if (selfRef) assert.ok(!inParts(selfRef, many, 'upsert'));
    // A record with a nested object: nested records are written together across the batch.
    const embedding = registry.entities.find(
      (e) =>
        e.refs.some((r) => r.spec.embed) &&
        !e.refs.some((r) => r.target === e) &&
        rulesOf(e.name).every((rule) => rule.perRecord),
    );
    assert.ok(embedding, 'an entity with a nested reference and no rule across records');
    const field = embedding.refs.find((r) => r.spec.embed)!.spec.embed!.field;
    assert.ok(inParts(embedding, many, 'upsert'));
    assert.ok(!inParts(embedding, [...many, { id: randomUUID(), [field]: { name: 'nested' } }], 'upsert'));
  });
});

describe('a batch of several parts', () => {
  let ctx: TestContext;
  let tenantId: string;
  before(async () => {
    ctx = await setup();
    tenantId = await tenantIdOf(ctx.db, ctx.a.domain);
  });
  after(async () => {
    await ctx.close();
  });

  interface Result {
    index: number;
    id?: string;
    success: boolean;
    status: string;
    errors?: Array<{ field: string; code: string }>;
    superseded_by?: number;
  }

  async function saveMultiple(records: unknown[]): Promise<Result[]> {
    const res = await call(ctx, 'POST', '/api/JobPartUsage/SaveMultiple', { body: records });
    assert.equal(res.statusCode, 200, res.body.slice(0, 2000));
    return res.json<Result[]>();
  }

  async function post(path: string, body: Body): Promise<string> {
    const res = await call(ctx, 'POST', path, { body });
    assert.equal(res.statusCode, 201, res.body);
    return String(res.json()['id']);
  }

  /** The stored lines of a tag, by id. */
  async function stored(tag: string): Promise<Map<string, Body>> {
    const r = await ctx.db.withTenant(tenantId, (tx) =>
      tx.query<Body>(
        'SELECT id, quantity::text AS quantity, remark, serial_number FROM job_part_usage WHERE article_code = $1',
        [tag],
      ),
    );
    return new Map(r.rows.map((row) => [String(row['id']), row]));
  }

  it(
    'gives every record its outcome and stores exactly the records that succeeded',
    { timeout: 300_000 },
    async () => {
      const plain = await post('/api/Article', { name: 'Filter', code: 'PARTS-F' });
      const serial = await post('/api/Article', { name: 'Pump', code: 'PARTS-S', use_serial: true });
      const tag = 'BPARTS';
      const pool = Array.from({ length: 2600 }, () => randomUUID());
      // A signed line whose id is among the last of the first part: the database refuses its change
      // late in the part's INSERT, while the next part's rules already read (and may have to again).
      const signedId = [...pool].sort()[990]!;
      const signedAt = pool.indexOf(signedId);
      await saveMultiple([{ id: signedId, article_code: tag, quantity: 1, signed_by_company: true }]);
      const twice = randomUUID();
      const records: Body[] = Array.from({ length: 2600 }, (_, i) => ({
        id: pool[i],
        article_code: tag,
        quantity: (i % 7) + 1,
        remark: `p${i}`,
        // One column set for all (one INSERT a part). Rules read the database for every part (the
        // stored warranty and price, the article's serial numbers).
        article_id: i % 100 === 0 ? plain : null,
        serial_number: i % 100 === 0 ? null : `SN-${i}`,
        signed_by_company: false,
      }));
      records[5] = { ...records[5], id: twice, remark: 'first' };
      records[2550] = { ...records[2550], id: twice, remark: 'second' };
      records[signedAt] = { ...records[signedAt], quantity: 9, signed_by_company: true };
      const others = (list: number[]): number[] => list.filter((i) => ![5, 2550, signedAt].includes(i));
      const serialMissing = others([2400, 2401, 2402, 601, 1201]);
      for (const i of serialMissing) records[i] = { ...records[i], article_id: serial, serial_number: null };
      const invalid = others([7, 1007, 2007]);
      for (const i of invalid) records[i] = { ...records[i], remark: 'x'.repeat(300) };
      const keyless = others(Array.from({ length: 20 }, (_, k) => 2560 + k));
      for (const i of keyless) delete records[i]!['id'];

      const check = (results: Result[], replay: boolean): void => {
        assert.deepEqual(
          results.map((r) => r.index),
          records.map((_, i) => i),
        );
        results.forEach((r, i) => {
          const sent = records[i]!;
          if (i === signedAt) {
            assert.equal(r.success, false);
            assert.equal(r.errors?.[0]?.code, 'read_only');
          } else if (serialMissing.includes(i)) {
            assert.deepEqual(
              r.errors?.map((e) => [e.field, e.code]),
              [['serial_number', 'required']],
            );
          } else if (invalid.includes(i)) {
            assert.deepEqual(
              r.errors?.map((e) => [e.field, e.code]),
              [['remark', 'max_length']],
            );
          } else if (keyless.includes(i)) {
            // A part usage line is identified by the client (an offline app makes its GUIDs).
            assert.deepEqual(
              r.errors?.map((e) => [e.field, e.code]),
              [['id', 'required']],
            );
          } else if (i === 5) {
            assert.deepEqual([r.success, r.status, r.superseded_by], [true, 'unchanged', 2550]);
          } else {
            const status = replay ? 'unchanged' : 'created';
            assert.deepEqual(
              [r.success, r.status],
              [true, status],
              `record ${i}: ${JSON.stringify(r.errors)}`,
            );
            assert.equal(r.id, sent['id']);
          }
        });
      };

      const first = await saveMultiple(records);
      check(first, false);
      const second = await saveMultiple(records);
      check(second, true);

      // Record by record: what succeeded is stored as sent (the later of two with one id), the
      // refused are not, the signed line is as it was.
      const rows = await stored(tag);
      const saved = new Map<string, Body>();
      for (const results of [first, second]) {
        results.forEach((r, i) => {
          if (!r.success || r.superseded_by !== undefined) return;
          saved.set(r.id!, records[i]!);
        });
      }
      assert.equal(rows.size, saved.size + 1, 'the lines stored: the saved ones and the signed line');
      for (const [id, sent] of saved) {
        const row = rows.get(id);
        assert.ok(row, `line ${id} is stored`);
        assert.deepEqual([row['quantity'], row['remark']], [String(sent['quantity']), sent['remark']], id);
      }
      assert.equal(rows.get(twice)?.['remark'], 'second');
      assert.equal(rows.get(signedId)?.['quantity'], '1');
      for (const i of [...serialMissing, ...invalid]) assert.ok(!rows.has(String(records[i]!['id'])));
      assert.equal(saved.size, 2600 - 1 - serialMissing.length - invalid.length - keyless.length - 1);
    },
  );

  it(
    'overlapping batches in parts at once: no deadlock, each record as one of them wrote it',
    { skip: !onPostgres, timeout: 300_000 },
    async () => {
      const tag = 'BPARTS-RACE';
      const ids = Array.from({ length: 2500 }, () => randomUUID());
      for (let round = 0; round < 3; round++) {
        const batch = (writer: string): Body[] =>
          ids.map((id, i) => ({ id, article_code: tag, quantity: round + 1, remark: `${writer}${i}` }));
        const a = batch('a');
        // The other writer sends the same ids in the opposite order.
        const b = batch('b').reverse();
        const [ra, rb] = await Promise.all([saveMultiple(a), saveMultiple(b)]);
        assert.ok(ra.every((r) => r.success) && rb.every((r) => r.success));
        const rows = await stored(tag);
        assert.equal(rows.size, ids.length);
        ids.forEach((id, i) => {
          const row = rows.get(id)!;
          assert.equal(row['quantity'], String(round + 1));
          assert.ok([`a${i}`, `b${i}`].includes(String(row['remark'])), `${id}: ${String(row['remark'])}`);
        });
      }
    },
  );
});
