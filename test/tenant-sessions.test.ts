/**
 * On PostgreSQL a pooled connection keeps the tenant of its last single-statement save at session
 * level. Several server processes with two connections each serve four tenants at once, mixing
 * single saves (autocommit on the tenant's session), batches and reads (transactions), refused
 * credentials and readiness probes (the owner's statements): every record must end up in the
 * tenant that wrote it, as it was sent, and no tenant may read another's. Compared one by one
 * with the database at the end.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import {
  createTenant,
  onPostgres,
  openTestDatabase,
  tenantIdOf,
  type Tenant,
  type TestDatabase,
} from './helpers.js';
import { startServer, type ServerProcess } from './process.js';

const skip = onPostgres ? false : 'runs in the PostgreSQL pass (a pool of connections is PostgreSQL’s)';
const SERVERS = 2;
const TENANTS = 4;
const WORKERS_PER_TENANT_AND_SERVER = 2;
const STEPS = 40;

let test: TestDatabase;
let servers: ServerProcess[] = [];
const tenants: Array<Tenant & { id: string }> = [];

before(async () => {
  if (skip) return;
  test = await openTestDatabase();
  for (let t = 0; t < TENANTS; t++) {
    const tenant = await createTenant(test.db, `sessions-${t}-${randomUUID().slice(0, 6)}.test`);
    tenants.push({ ...tenant, id: await tenantIdOf(test.db, tenant.domain) });
  }
  servers = await Promise.all(
    Array.from({ length: SERVERS }, () =>
      startServer({ DATABASE_URL: test.url!, DB_POOL_SIZE: '2', RATE_LIMIT_PER_MINUTE: '0' }),
    ),
  );
});
after(async () => {
  if (skip) return;
  await Promise.all(servers.map((s) => s.stop()));
  await test.close();
});

it(
  'keeps every record in the tenant that wrote it, under concurrent tenants on few connections',
  { skip },
  async () => {
    /** What each tenant was told it stored: id -> name. */
    const sent = tenants.map(() => new Map<string, string>());
    const foreign: string[] = [];
    const request = async (server: ServerProcess, path: string, auth: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: auth,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return {
        status: res.status,
        body: (await res.json().catch(() => null)) as Record<string, unknown> | null,
      };
    };
    const worker = async (t: number, server: ServerProcess, w: number): Promise<void> => {
      const tenant = tenants[t]!;
      const mine = sent[t]!;
      for (let step = 0; step < STEPS; step++) {
        const kind = (step + w) % 5;
        if (kind === 0 || kind === 1) {
          const id = randomUUID();
          const name = `T${t} W${w} S${step}`;
          const r = await request(server, '/api/JobType/Save', tenant.auth, { id, name });
          assert.ok(r.status === 200 || r.status === 201, `Save: ${r.status} ${JSON.stringify(r.body)}`);
          assert.equal(r.body?.['id'], id);
          assert.equal(r.body?.['name'], name);
          mine.set(id, name);
          // Its own record reads back at once, in a transaction on whichever connection comes.
          const back = await request(server, `/api/JobType(${id})`, tenant.auth);
          assert.equal(back.status, 200);
          assert.equal(back.body?.['name'], name);
        } else if (kind === 2) {
          const batch = [0, 1, 2].map((i) => ({ id: randomUUID(), name: `T${t} W${w} S${step} B${i}` }));
          const r = await request(server, '/api/JobType/SaveMultiple', tenant.auth, batch);
          assert.equal(r.status, 200, JSON.stringify(r.body));
          for (const record of batch) mine.set(record.id, record.name);
        } else if (kind === 3) {
          // Another tenant's record is not found; a wrong password is refused (the owner's lookup).
          const other = sent[(t + 1) % TENANTS]!;
          const id = [...other.keys()].at(-1);
          if (id) {
            foreign.push(id);
            assert.equal((await request(server, `/api/JobType(${id})`, tenant.auth)).status, 404);
          }
          const wrong = `Basic ${Buffer.from(`api:wrong-${step}@${tenant.domain}`).toString('base64')}`;
          // (401, or 429 once the lockout counts the failures.)
          const refused = (await request(server, '/api/JobType/Save', wrong, { name: 'never' })).status;
          assert.ok(refused === 401 || refused === 429, `a wrong password: ${refused}`);
        } else {
          assert.equal((await fetch(`${server.url}/ready`)).status, 200);
        }
      }
    };
    await Promise.all(
      tenants.flatMap((_, t) =>
        servers.flatMap((server) =>
          Array.from({ length: WORKERS_PER_TENANT_AND_SERVER }, (__, w) => worker(t, server, w)),
        ),
      ),
    );
    assert.ok(foreign.length > 0);
    // Every record, one by one, as the owner sees it.
    const stored = await test.db.query<{ id: string; tenant_id: string; name: string }>(
      'SELECT id, tenant_id, name FROM job_type WHERE tenant_id = ANY($1::uuid[])',
      [tenants.map((t) => t.id)],
    );
    const byId = new Map(stored.rows.map((row) => [row.id, row]));
    let expected = 0;
    for (const [t, records] of sent.entries()) {
      for (const [id, name] of records) {
        expected++;
        assert.deepEqual(byId.get(id), { id, tenant_id: tenants[t]!.id, name });
      }
    }
    // Nothing else (the seeded job types of each tenant aside, which no worker wrote).
    const written = stored.rows.filter((row) => /^T\d W\d S\d+/.test(row.name));
    assert.equal(written.length, expected);
    assert.ok(!written.some((row) => row.name === 'never'));
  },
);
