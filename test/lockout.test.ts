/**
 * The failed-login lockout cannot be turned against a user: guessing from one address never refuses
 * the correct password from another, every spelling the database takes for a user shares its count,
 * bad bearer tokens never refuse another token, unknown user names are refused past the limit
 * before any hash runs, concurrent identical credentials share one hash, and a password reset or a
 * revoked token is refused as soon as the change returns (in this process) and within 2 s in other
 * server processes on the same PostgreSQL.
 *
 * Every call of node's crypto.scrypt is counted: the password checks the server really runs.
 */
import assert from 'node:assert/strict';
import crypto, { randomBytes } from 'node:crypto';
import { after, before, it, mock } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { ensureTenant, issueToken, revokeToken, setApiUser } from '../src/auth/credentials.js';
import { ERRORS, isErrorCode } from '../src/contract/errors.js';
import { LISTENER_APPLICATION_NAME } from '../src/db/database.js';
import { addressKey } from '../src/http/auth.js';
import { createTenant, onPostgres, openTestDatabase, setup, type TestContext } from './helpers.js';
import { basicAuth, cli, startServer, type ServerProcess } from './process.js';

const LIMIT = 10;
let ctx: TestContext;
let app: FastifyInstance;
const tenantIds: Record<'a' | 'b', string> = { a: '', b: '' };
let scrypts = 0;

before(async () => {
  const original = crypto.scrypt.bind(crypto) as (...args: unknown[]) => void;
  mock.method(crypto, 'scrypt', (...args: unknown[]) => {
    scrypts++;
    original(...args);
  });
  ctx = await setup({ authFailureLimit: LIMIT, rateLimitPerMinute: 0 });
  app = ctx.app;
  tenantIds.a = await ctx.db.transaction((tx) => ensureTenant(tx, ctx.a.domain));
  tenantIds.b = await ctx.db.transaction((tx) => ensureTenant(tx, ctx.b.domain));
});
after(async () => {
  await ctx.close();
  mock.restoreAll();
});

interface User {
  id: string;
  name: string;
  domain: string;
  /** Basic credentials with the user's password, or with `password`. */
  auth(password?: string): string;
}

/** A new API user (its own counts, nothing of it cached yet). */
async function newUser(tenant: 'a' | 'b' = 'a', name = `u${randomBytes(4).toString('hex')}`): Promise<User> {
  const domain = ctx[tenant].domain;
  const right = `right-${name}`;
  const { id } = await setApiUser(ctx.db, tenantIds[tenant], name, right);
  return { id, name, domain, auth: (password = right) => basicAuth(name, password, domain) };
}

/**
 * Logs in until a login is served from the cache: creating or changing a user notifies, and on
 * PostgreSQL that notification may arrive after the first login and drop it again (bounded wait).
 */
async function loginCached(authorization: string, address: string): Promise<void> {
  assert.equal(await status(authorization, address), 200);
  for (let i = 0; ; i++) {
    const hashes = scrypts;
    assert.equal(await status(authorization, address), 200);
    if (scrypts === hashes) return;
    assert.ok(i < 50, 'the login is served from the cache');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** GET /api/JobType with these credentials from this client address; errors are held to the table. */
async function get(authorization: string, address: string): Promise<LightMyRequestResponse> {
  const res = await app.inject({
    method: 'GET',
    url: '/api/JobType',
    headers: { authorization },
    remoteAddress: address,
  });
  if (res.statusCode >= 400) {
    const code = String(res.json<{ code: string }>().code);
    assert.ok(isErrorCode(code), `${code} is in the table`);
    assert.equal(ERRORS[code].status, res.statusCode, `${code} has the status of the table`);
  }
  return res;
}

const status = async (authorization: string, address: string): Promise<number> =>
  (await get(authorization, address)).statusCode;

function assertRefused(res: LightMyRequestResponse, where: string): void {
  assert.equal(res.statusCode, 429, `${where}: ${res.body}`);
  assert.equal(res.json<{ code: string }>().code, 'too_many_failures');
  const retry = Number(res.headers['retry-after']);
  assert.ok(retry > 0 && retry <= 15 * 60, `${where}: Retry-After ${String(res.headers['retry-after'])}`);
}

it('the correct password works from a clean address while another address guesses it', async () => {
  const user = await newUser();
  for (let i = 0; i < LIMIT; i++) assert.equal(await status(user.auth(`guess-${i}`), '10.1.0.1'), 401);
  assertRefused(await get(user.auth('guess-x'), '10.1.0.1'), 'a guess past the limit');
  const hashed = scrypts;
  assertRefused(await get(user.auth(), '10.1.0.1'), 'the guessing address, even with the password');
  assert.equal(scrypts, hashed, 'a refused attempt runs no hash');

  assert.equal(await status(user.auth('typo'), '10.1.0.2'), 401, 'a clean address is verified');
  assert.equal(await status(user.auth(), '10.1.0.2'), 200, 'the password, after a typo of its own');
  assert.equal(await status(user.auth(), '10.1.0.3'), 200, 'the password from another clean address');
  const other = await newUser();
  assert.equal(await status(other.auth(), '10.1.0.1'), 200, 'another user from the guessing address');
});

it('failures for one user from many addresses slow the addresses that failed, never a clean one', async () => {
  const user = await newUser('b');
  const wrong = (i: number): string => user.auth(`spray-${i}`);
  for (let i = 1; i < LIMIT; i++) assert.equal(await status(wrong(i), `10.2.0.${i}`), 401);
  assert.equal(await status(wrong(100), '10.2.0.1'), 401, 'fewer addresses: an address may try again');
  assert.equal(await status(wrong(LIMIT), `10.2.0.${LIMIT}`), 401);
  // LIMIT addresses have failed for this user: each of them waits, longer at each failure.
  const twice = await get(wrong(101), '10.2.0.1');
  assertRefused(twice, 'an address that failed twice');
  assert.ok(Number(twice.headers['retry-after']) > 60, 'two failures: two minutes');
  const once = await get(user.auth(), '10.2.0.2');
  assertRefused(once, 'an address that failed once, even with the password');
  assert.ok(Number(once.headers['retry-after']) <= 60, 'one failure: one minute');
  assert.equal(await status(wrong(102), '10.2.0.200'), 401, 'a clean address is still verified');
  assert.equal(await status(user.auth(), '10.2.0.201'), 200, 'the password from a clean address');
});

it('the spellings the database takes for one user share its count: case, İ, NFD', async () => {
  const admin = await newUser('a', 'admin');
  // Given decomposed (e + U+0301), stored composed.
  const jose = await newUser('a', 'jose\u0301');
  const stored = await ctx.db.query<{ username: string }>('SELECT username FROM api_user WHERE id = $1', [
    jose.id,
  ]);
  assert.equal(stored.rows[0]!.username, 'jos\u00e9');

  const cases = [
    {
      user: admin,
      spellings: ['admin', 'ADMIN', 'adm\u0130n', 'ADM\u0130N'],
      address: '10.3.0.1',
      clean: '10.3.0.2',
    },
    {
      user: jose,
      spellings: ['jos\u00e9', 'jose\u0301', 'JOSE\u0301', 'JOS\u00c9'],
      address: '10.3.0.3',
      clean: '10.3.0.4',
    },
  ];
  for (const { user, spellings, address, clean } of cases) {
    const as = (name: string, password: string): string => basicAuth(name, password, user.domain);
    for (let i = 0; i < LIMIT; i++) {
      const name = spellings[i % spellings.length]!;
      assert.equal(await status(as(name, `wrong-${i}`), address), 401, name);
    }
    for (const name of spellings)
      assertRefused(await get(as(name, 'wrong'), address), `${name} after the limit`);
    // An İ or a decomposed spelling with the password, from a clean address: the same user.
    const variant = spellings[2]!;
    assert.equal(await status(as(variant, `right-${user.name}`), clean), 200, variant);
  }
});

it('bad bearer tokens from one address never refuse another token from it', async () => {
  const address = '10.4.0.1';
  for (let i = 0; i < 2 * LIMIT; i++) {
    const token = `fsk_${randomBytes(32).toString('base64url')}`;
    assert.equal(await status(`Bearer ${token}`, address), 401, `bad token ${i}`);
  }
  // One bad token sent again and again is slowed down.
  const stale = `Bearer fsk_${randomBytes(32).toString('base64url')}`;
  for (let i = 0; i < LIMIT; i++) assert.equal(await status(stale, address), 401);
  assertRefused(await get(stale, address), 'the same bad token past the limit');
  // Tokens of two tenants, new: verified now, not served from a cache.
  for (const tenant of ['a', 'b'] as const) {
    const user = await newUser(tenant);
    const token = await issueToken(ctx.db, user.id);
    assert.equal(await status(`Bearer ${token}`, address), 200, `tenant ${tenant} token`);
  }
});

it('unknown user names from one address are refused past the limit, before any hash', async () => {
  const unknown = (): string => basicAuth(`nobody-${randomBytes(6).toString('hex')}`, 'pw', ctx.a.domain);
  assert.equal(await status(unknown(), '10.5.0.100'), 401, 'the placeholder hash exists');
  let hashed = scrypts;
  for (let i = 0; i < LIMIT; i++) assert.equal(await status(unknown(), '10.5.0.1'), 401);
  assert.equal(scrypts - hashed, LIMIT, 'below the limit each unknown name costs one hash');

  hashed = scrypts;
  const started = performance.now();
  const burst = await Promise.all(Array.from({ length: 16 }, () => get(unknown(), '10.5.0.1')));
  const burstMs = performance.now() - started;
  for (const res of burst) assertRefused(res, 'unknown name past the limit');
  const malformed = `Basic ${Buffer.from('no-colon').toString('base64')}`;
  assertRefused(await get(malformed, '10.5.0.1'), 'malformed credentials past the limit');
  assert.equal(scrypts, hashed, 'no hash runs past the limit');

  // A burst from a clean address: LIMIT of them are hashed, the rest refused at once.
  hashed = scrypts;
  const fresh = await Promise.all(Array.from({ length: 16 }, () => get(unknown(), '10.5.0.2')));
  assert.equal(fresh.filter((r) => r.statusCode === 401).length, LIMIT);
  assert.equal(fresh.filter((r) => r.statusCode === 429).length, 16 - LIMIT);
  assert.equal(scrypts - hashed, LIMIT);

  // Names that exist are counted apart: a user's password from that address still works.
  assert.equal(await status((await newUser()).auth(), '10.5.0.1'), 200);

  // A real user's first login alone, and while bogus logins keep coming from the refused address.
  const alone = await newUser();
  const aloneStart = performance.now();
  assert.equal(await status(alone.auth(), '10.5.0.3'), 200);
  const aloneMs = performance.now() - aloneStart;
  const real = await newUser();
  const flood = Promise.all(Array.from({ length: 48 }, () => get(unknown(), '10.5.0.1')));
  const loginStart = performance.now();
  assert.equal(await status(real.auth(), '10.5.0.3'), 200);
  const loginMs = performance.now() - loginStart;
  for (const res of await flood) assert.equal(res.statusCode, 429);
  console.log(
    `unknown names: 16 refused in ${burstMs.toFixed(0)} ms; a real first login alone ${aloneMs.toFixed(0)} ms, ` +
      `during 48 bogus ones ${loginMs.toFixed(0)} ms`,
  );
});

it('concurrent requests with the same credentials share one password check', async () => {
  const user = await newUser('b');
  let hashed = scrypts;
  const right = await Promise.all(
    Array.from({ length: 16 }, (_, i) => get(user.auth(), `10.6.0.${(i % 4) + 1}`)),
  );
  assert.deepEqual(new Set(right.map((r) => r.statusCode)), new Set([200]));
  assert.equal(scrypts - hashed, 1, 'one hash for 16 identical requests');

  hashed = scrypts;
  const wrong = await Promise.all(Array.from({ length: 16 }, () => get(user.auth('same-wrong'), '10.6.0.9')));
  assert.deepEqual(new Set(wrong.map((r) => r.statusCode)), new Set([401]));
  assert.equal(scrypts - hashed, 1, 'one hash for 16 identical wrong requests');
});

it('failures are counted per IPv4 address and per IPv6 /64 network', async () => {
  assert.equal(addressKey('::ffff:10.7.0.1'), '10.7.0.1');
  assert.equal(addressKey('2001:db8:1:2::a'), addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:1'));
  assert.notEqual(addressKey('2001:db8:1:2::a'), addressKey('2001:db8:1:3::a'));
  assert.equal(addressKey('::1'), addressKey('0:0:0:0:0:0:0:2'));
  const user = await newUser();
  for (let i = 0; i < LIMIT; i++) {
    assert.equal(await status(user.auth(`v6-${i}`), `2001:db8:1:2::${(i + 1).toString(16)}`), 401);
  }
  assertRefused(await get(user.auth(), '2001:db8:1:2:abcd::1'), 'another address of the same /64');
  assert.equal(await status(user.auth(), '2001:db8:1:3::1'), 200, 'another /64');
});

it('a password reset or a revoked token is refused as soon as the change returns', async () => {
  const tenant = await createTenant(ctx.db, 'reset.test');
  const tenantId = await ctx.db.transaction((tx) => ensureTenant(tx, tenant.domain));
  const bearer = `Bearer ${tenant.token}`;
  await loginCached(tenant.auth, '10.8.0.1');
  assert.equal(await status(bearer, '10.8.0.1'), 200);

  await ctx.db.transaction((tx) => setApiUser(tx, tenantId, 'api', 'next-password'));
  assert.equal(await status(tenant.auth, '10.8.0.1'), 401, 'the old password');
  assert.equal(await status(basicAuth('api', 'next-password', tenant.domain), '10.8.0.1'), 200);

  const revoked = await ctx.db.transaction((tx) => revokeToken(tx, tenant.token));
  assert.equal(revoked?.domain, tenant.domain);
  assert.equal(await status(bearer, '10.8.0.1'), 401, 'the revoked token');
  const unknown = `fsk_${randomBytes(32).toString('base64url')}`;
  assert.equal(await ctx.db.transaction((tx) => revokeToken(tx, unknown)), undefined);

  // The change of one tenant keeps the cached credentials of the others. Creating the user of the
  // other tenant notifies too, and that notification may arrive after its first login: wait
  // (bounded) until its login is served from the cache.
  const other = await newUser('b');
  await loginCached(other.auth(), '10.8.0.2');
  const before = scrypts;
  await ctx.db.transaction((tx) => revokeToken(tx, tenant.token));
  assert.equal(await status(other.auth(), '10.8.0.2'), 200);
  assert.equal(scrypts, before, 'no new hash for the other tenant');
});

it('a notification from the database drops the cached credentials of its tenant', async () => {
  const user = await newUser('b');
  assert.equal(await status(user.auth(), '10.9.0.1'), 200);
  const hashed = scrypts;
  // What another process changing a credential of the tenant sends.
  await ctx.db.query('SELECT pg_notify($1, $2)', ['fieldservice_credentials', tenantIds.b]);
  let dropped = false;
  for (let i = 0; i < 40 && !dropped; i++) {
    assert.equal(await status(user.auth(), '10.9.0.1'), 200);
    dropped = scrypts > hashed;
    if (!dropped) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(dropped, 'the next request checks the password again');
});

/** Polls until `check` holds, for at most `ms`; returns how long it took. */
async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await check()) return performance.now() - start;
    if (performance.now() - start > ms) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it(
  'other server processes refuse a reset password and a revoked token within 2 s',
  { skip: !onPostgres && 'needs PostgreSQL: PGlite is one process', timeout: 120_000 },
  async () => {
    const test = await openTestDatabase();
    const servers: ServerProcess[] = [];
    try {
      const tenant = await createTenant(test.db, 'cross.test');
      const env = { DATABASE_URL: test.url, RATE_LIMIT_PER_MINUTE: '0' };
      servers.push(...(await Promise.all([startServer(env), startServer(env)])));
      const statusAt = async (server: ServerProcess, authorization: string): Promise<number> =>
        (await fetch(`${server.url}/api/JobType`, { headers: { authorization } })).status;
      const bearer = `Bearer ${tenant.token}`;
      for (const server of servers) {
        assert.equal(await statusAt(server, tenant.auth), 200);
        assert.equal(await statusAt(server, bearer), 200);
      }

      cli(
        { DATABASE_URL: test.url },
        'create-user',
        '--domain',
        'cross.test',
        '--username',
        'api',
        '--password',
        'next-password',
      );
      const took: number[] = [];
      for (const server of servers) {
        took.push(
          await within(
            2000,
            'old password refused',
            async () => (await statusAt(server, tenant.auth)) === 401,
          ),
        );
        assert.equal(await statusAt(server, basicAuth('api', 'next-password', 'cross.test')), 200);
      }

      // The listening connections are cut: each server listens again, and is told again.
      const cut = await test.db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = $1`,
        [LISTENER_APPLICATION_NAME],
      );
      assert.equal(cut.rowCount, 2, 'one listening connection per server');
      await within(10_000, 'listening again', async () => {
        const r = await test.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = $1 AND query ILIKE 'LISTEN%'`,
          [LISTENER_APPLICATION_NAME],
        );
        return r.rows[0]!.n === 2;
      });
      for (const server of servers) assert.equal(await statusAt(server, bearer), 200);

      const revoked = cli({ DATABASE_URL: test.url }, 'revoke-token', tenant.token);
      assert.equal(revoked['revoked'], 1);
      for (const server of servers) {
        took.push(
          await within(2000, 'revoked token refused', async () => (await statusAt(server, bearer)) === 401),
        );
      }
      console.log(`refused in the other processes after ${took.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    } finally {
      for (const server of servers) await server.stop();
      await test.close();
    }
  },
);
