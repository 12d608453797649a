/**
 * What a single-record write sends to PostgreSQL, read on the wire: a proxy between the server and
 * the database decodes the frontend messages (simple queries, and the Parse/Bind/Sync of prepared
 * statements) as node-postgres writes them. A Save with nothing after it is one round trip: the
 * tenant set on the connection with the write, then the prepared write alone in autocommit; a Save
 * with an Idempotency-Key keeps its stored response in the same transaction as its write.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { createTenant, onPostgres, openEmptyDatabase, type Tenant, type TestDatabase } from './helpers.js';

/** One round trip: the statements of a simple query, or those of the extended messages up to Sync. */
type Trip = string[];

/** A loopback proxy to the PostgreSQL server that records what clients send, as round trips. */
class WireProxy {
  readonly trips: Trip[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      this.sockets.add(client).add(upstream);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
      upstream.pipe(client);
      const statements = new Map<string, string>();
      let pending: string[] = [];
      let buffer = Buffer.alloc(0);
      let started = false;
      client.on('data', (chunk: Buffer) => {
        upstream.write(chunk);
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          // The startup message has no type byte; every later message has one.
          const head = started ? 1 : 0;
          if (buffer.length < head + 4) break;
          const length = buffer.readInt32BE(head);
          if (buffer.length < head + length) break;
          const type = started ? String.fromCharCode(buffer[0]!) : '';
          const body = buffer.subarray(head + 4, head + length);
          buffer = buffer.subarray(head + length);
          if (!started) {
            started = true;
            continue;
          }
          const cstring = (from: number): [string, number] => {
            const end = body.indexOf(0, from);
            return [body.subarray(from, end).toString('utf8'), end + 1];
          };
          if (type === 'Q') {
            this.trips.push(splitStatements(cstring(0)[0]));
          } else if (type === 'P') {
            const [name, next] = cstring(0);
            const [text] = cstring(next);
            statements.set(name, text);
            pending.push(text);
          } else if (type === 'B') {
            const [, next] = cstring(0);
            const [name] = cstring(next);
            if (name !== '' || !pending.length) pending.push(statements.get(name) ?? `(prepared ${name})`);
          } else if (type === 'S') {
            this.trips.push(dedupe(pending));
            pending = [];
          }
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** A Parse followed by the Bind of the same unnamed statement is one statement. */
const dedupe = (texts: string[]): string[] => texts.filter((t, i) => i === 0 || texts[i - 1] !== t);

/** The statements of a simple query (no statement here holds a `;` inside a literal). */
const splitStatements = (text: string): string[] =>
  text
    .split(/;\s*(?=[A-Z(])/)
    .map((s) => s.trim())
    .filter(Boolean);

const first = (statement: string): string => statement.split(/\s+/).slice(0, 3).join(' ');

describe('single-record writes on the wire', { skip: !onPostgres && 'needs a PostgreSQL server' }, () => {
  let test: TestDatabase;
  let proxy: WireProxy;
  let db: Database;
  let app: FastifyInstance;
  let tenant: Tenant;
  let refs: { jobs_id: string; article_id: string; user_id: string };

  before(async () => {
    test = await openEmptyDatabase();
    await migrate(test.db);
    const url = new URL(test.url!);
    proxy = new WireProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(await proxy.start());
    db = await openDatabase({ url: url.toString(), poolSize: 4 });
    tenant = await createTenant(db, 'wire.test');
    const tenantId = (await db.query<{ id: string }>("SELECT id FROM tenant WHERE domain = 'wire.test'"))
      .rows[0]!.id;
    refs = await db.withTenant(tenantId, async (tx) => {
      const project = await tx.query<{ id: string }>(
        "INSERT INTO project (name) VALUES ('site') RETURNING id",
      );
      const job = await tx.query<{ id: string }>(
        "INSERT INTO jobs (name, project_id) VALUES ('job', $1) RETURNING id",
        [project.rows[0]!.id],
      );
      const article = await tx.query<{ id: string }>(
        "INSERT INTO article (name, code) VALUES ('Filter', 'F1') RETURNING id",
      );
      const user = await tx.query<{ id: string }>(
        "INSERT INTO \"user\" (code, lastname) VALUES ('T1', 'Tech') RETURNING id",
      );
      return { jobs_id: job.rows[0]!.id, article_id: article.rows[0]!.id, user_id: user.rows[0]!.id };
    });
    app = await buildApp({ db, logger: false, config: { rateLimitPerMinute: 0 } });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await db?.close();
    await proxy?.stop();
    await test?.close();
  });

  // Every field the entity's rules read is given: nothing stored needs to be read first.
  const full = { quantity: 2, serial_number: 'SN-1', is_under_warranty: false, price: 12.5, remark: 'wire' };
  const save = async (
    headers: Record<string, string> = {},
    fields: Record<string, unknown> = full,
  ): Promise<{ id: string; status: number }> => {
    const id = randomUUID();
    const res = await app.inject({
      method: 'POST',
      url: '/api/JobPartUsage/Save',
      headers: { authorization: tenant.auth, 'content-type': 'application/json', ...headers },
      payload: { id, ...refs, ...fields },
    });
    assert.ok(res.statusCode === 200 || res.statusCode === 201, res.body);
    return { id, status: res.statusCode };
  };

  it('a Save with nothing after its write is one round trip: the tenant and the write, then the write alone', async () => {
    proxy.trips.length = 0;
    await save(); // the credential is verified and cached; the connection is given the tenant
    // The tenant set at session level and the write, in one implicit transaction, no BEGIN.
    const [setup, write, ...rest] = proxy.trips.at(-1)!;
    assert.match(
      setup!,
      /^SELECT set_config\('role', 'fieldservice_app', false\), set_config\('fieldservice.tenant_id'/,
    );
    assert.match(write!, /^INSERT INTO "job_part_usage"/);
    assert.deepEqual(rest, []);
    // The next on that connection: the prepared write alone, in autocommit.
    proxy.trips.length = 0;
    await save();
    assert.equal(proxy.trips.length, 1, JSON.stringify(proxy.trips));
    const [trip] = proxy.trips as [Trip];
    assert.equal(trip.length, 1, JSON.stringify(trip.map(first)));
    assert.match(trip[0]!, /^INSERT INTO "job_part_usage" AS t \("id"/);
    assert.match(trip[0]!, /\$1/);
  });

  it('a read of one statement is one round trip, the owner finds its connection reset', async () => {
    const { id } = await save();
    proxy.trips.length = 0;
    const res = await app.inject({
      method: 'GET',
      url: `/api/JobPartUsage(${id})`,
      headers: { authorization: tenant.auth },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(proxy.trips.length, 1, JSON.stringify(proxy.trips));
    assert.match(proxy.trips[0]![0]!, /^SELECT .* FROM "job_part_usage" t WHERE id = \$1/);
    proxy.trips.length = 0;
    await db.query('SELECT 1');
    assert.deepEqual(
      proxy.trips.map((trip) => trip.map(first)),
      [['RESET ROLE', "SELECT set_config('fieldservice.tenant_id', '',", 'RESET TimeZone'], ['SELECT 1']],
    );
  });

  it('a Save that leaves out a field a rule reads first reads the stored record, with BEGIN', async () => {
    proxy.trips.length = 0;
    await save({}, { quantity: 1, serial_number: 'SN-2' });
    assert.equal(proxy.trips.length, 2, JSON.stringify(proxy.trips));
    assert.match(proxy.trips[0]!.at(-1)!, /^SELECT .* FROM "job_part_usage" WHERE id = ANY/);
    assert.match(proxy.trips[1]![0]!, /^INSERT INTO "job_part_usage"/);
    assert.equal(proxy.trips[1]!.at(-1), 'COMMIT');
  });

  it('a Save with an Idempotency-Key stores its response in the transaction of its write', async () => {
    proxy.trips.length = 0;
    const key = `wire-${randomUUID()}`;
    const { id, status } = await save({ 'idempotency-key': key });
    const statements = proxy.trips.flat();
    const at = (re: RegExp): number => statements.findIndex((s) => re.test(s));
    const begin = at(/^BEGIN/);
    const write = at(/^INSERT INTO "job_part_usage"/);
    const stored = at(/^UPDATE idempotency_key SET status/);
    const commits = statements.flatMap((s, i) => (s === 'COMMIT' ? [i] : []));
    assert.ok(begin >= 0 && write > begin && stored > write, JSON.stringify(statements.map(first)));
    assert.deepEqual(commits, [statements.length - 1], 'one COMMIT, after the stored response');
    const row = await test.db.query<{ status: number; body: string }>(
      'SELECT status, body FROM idempotency_key WHERE key = $1',
      [key],
    );
    assert.equal(row.rows[0]?.status, status);
    assert.equal(JSON.parse(row.rows[0]!.body)['id'], id);
  });
});
