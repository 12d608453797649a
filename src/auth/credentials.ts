/**
 * Tenants, API users and tokens. Passwords are stored as scrypt hashes, tokens as SHA-256 (they are
 * random and long, so a fast hash is enough); both are compared in constant time.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Executor } from '../db/database.js';
import { seedJobStatuses } from '../domain/job-status.js';
import { TENANT_SETTING } from '../schema/schema-model.js';

const scrypt = promisify(scryptCb) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: object,
) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1 };
const TOKEN_PREFIX = 'fsk_';

export interface Principal {
  tenantId: string;
  domain: string;
  username: string;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
export const randomSecret = (bytes = 18): string => randomBytes(bytes).toString('base64url');

/** Creates the tenant of `domain` with its standard job statuses, or returns the existing one (in a transaction). */
export async function ensureTenant(db: Executor, domain: string, name?: string): Promise<string> {
  const found = await db.query<{ id: string }>('SELECT id FROM tenant WHERE lower(domain) = lower($1)', [
    domain,
  ]);
  if (found.rows[0]) return found.rows[0].id;
  const created = await db.query<{ id: string }>(
    'INSERT INTO tenant (domain, name) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id',
    [domain, name ?? domain],
  );
  const id = created.rows[0]?.id;
  if (!id) return ensureTenant(db, domain, name);
  await db.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [id]);
  await seedJobStatuses(db);
  return id;
}

/** Creates or resets an API user; returns its password (generated when not given). */
export async function setApiUser(
  db: Executor,
  tenantId: string,
  username: string,
  password?: string,
): Promise<{ id: string; password: string }> {
  if (/[:@]/.test(username)) throw new Error('A username may not contain ":" or "@"');
  const secret = password ?? randomSecret();
  const hash = await hashPassword(secret);
  const r = await db.query<{ id: string }>(
    `INSERT INTO api_user (tenant_id, username, password_hash) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, lower(username)) DO UPDATE SET password_hash = EXCLUDED.password_hash
     RETURNING id`,
    [tenantId, username, hash],
  );
  return { id: r.rows[0]!.id, password: secret };
}

/** Issues a new bearer token for an API user; the token is shown once, only its hash is kept. */
export async function issueToken(db: Executor, apiUserId: string, name?: string): Promise<string> {
  const token = TOKEN_PREFIX + randomSecret(32);
  await db.query('INSERT INTO api_token (api_user_id, token_hash, name) VALUES ($1, $2, $3)', [
    apiUserId,
    sha256(token),
    name ?? null,
  ]);
  return token;
}

export async function findApiUser(
  db: Executor,
  domain: string,
  username: string,
): Promise<{ id: string; tenantId: string } | undefined> {
  const r = await db.query<{ id: string; tenant_id: string }>(
    `SELECT u.id, u.tenant_id FROM api_user u JOIN tenant t ON t.id = u.tenant_id
     WHERE lower(t.domain) = lower($1) AND lower(u.username) = lower($2)`,
    [domain, username],
  );
  const row = r.rows[0];
  return row ? { id: row.id, tenantId: row.tenant_id } : undefined;
}

/** A valid placeholder hash: unknown users cost as much time as a wrong password. */
let dummyHash: Promise<string> | undefined;

/** `username:password@domain` → its parts (the domain follows the last `@`). */
export function splitBasic(
  decoded: string,
): { username: string; password: string; domain: string } | undefined {
  const colon = decoded.indexOf(':');
  const at = decoded.lastIndexOf('@');
  if (colon <= 0 || at <= colon) return undefined;
  // Control characters (a NUL byte) are in no user name, password or domain.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return undefined;
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1, at),
    domain: decoded.slice(at + 1),
  };
}

export async function verifyBasic(db: Executor, decoded: string): Promise<Principal | undefined> {
  const parts = splitBasic(decoded);
  dummyHash ??= hashPassword(randomSecret());
  if (!parts) {
    await verifyPassword('x', await dummyHash);
    return undefined;
  }
  const r = await db.query<{
    tenant_id: string;
    domain: string;
    username: string;
    password_hash: string | null;
  }>(
    `SELECT u.tenant_id, t.domain, u.username, u.password_hash FROM api_user u JOIN tenant t ON t.id = u.tenant_id
     WHERE lower(t.domain) = lower($1) AND lower(u.username) = lower($2)`,
    [parts.domain, parts.username],
  );
  const row = r.rows[0];
  const ok = await verifyPassword(parts.password, row?.password_hash ?? (await dummyHash));
  return ok && row ? { tenantId: row.tenant_id, domain: row.domain, username: row.username } : undefined;
}

export async function verifyToken(db: Executor, token: string): Promise<Principal | undefined> {
  const r = await db.query<{ tenant_id: string; domain: string; username: string }>(
    `SELECT u.tenant_id, t.domain, u.username FROM api_token k
     JOIN api_user u ON u.id = k.api_user_id JOIN tenant t ON t.id = u.tenant_id
     WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`,
    [sha256(token)],
  );
  const row = r.rows[0];
  return row ? { tenantId: row.tenant_id, domain: row.domain, username: row.username } : undefined;
}
