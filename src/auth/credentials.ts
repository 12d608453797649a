/**
 * Tenants, API users and tokens. Passwords are stored as scrypt hashes, tokens as SHA-256 (they are
 * random and long, so a fast hash is enough); both are compared in constant time.
 *
 * User names and domains are Unicode NFC before they are stored or looked up; which spellings are the
 * same user beyond that is the database's rule (`lower()`, the rule of the unique index).
 *
 * Every change of a credential (a password set or reset, a token revoked) sends
 * `pg_notify('fieldservice_credentials', <tenant id>)` in its transaction, so that every server on
 * the database drops the credentials of that tenant it has verified and cached; servers of this
 * process are told at once (`onCredentialsChange`). A change made by hand in SQL sends nothing.
 */
import crypto, { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Executor } from '../db/database.js';
import { seedJobStatuses } from '../domain/job-status.js';
import { TENANT_SETTING } from '../schema/schema-model.js';

/** crypto.scrypt looked up at each call (not bound at import), as a promise. */
const scrypt = (password: string, salt: Buffer, length: number, options: crypto.ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    crypto.scrypt(password, salt, length, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
const SCRYPT = { N: 16384, r: 8, p: 1 };
const TOKEN_PREFIX = 'fsk_';

/** The channel on which changes of credentials are announced; the payload is the tenant id. */
export const CREDENTIALS_CHANNEL = 'fieldservice_credentials';

const localListeners = new Set<(tenantId: string) => void>();

/**
 * Called with the tenant id whenever a credential of that tenant is changed by this process (before
 * its transaction commits; the notification of the database follows the commit). Returns the
 * function that stops the calls.
 */
export function onCredentialsChange(listener: (tenantId: string) => void): () => void {
  localListeners.add(listener);
  return () => void localListeners.delete(listener);
}

/** Announces a change of the credentials of a tenant, in the transaction that makes it. */
async function credentialsChanged(db: Executor, tenantId: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [CREDENTIALS_CHANNEL, tenantId]);
  for (const listener of localListeners) listener(tenantId);
}

/** The form user names and domains are kept and compared in (Unicode NFC). */
export const normalName = (text: string): string => text.normalize('NFC');

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
  const normal = normalName(domain);
  const found = await db.query<{ id: string }>('SELECT id FROM tenant WHERE lower(domain) = lower($1)', [
    normal,
  ]);
  if (found.rows[0]) return found.rows[0].id;
  const created = await db.query<{ id: string }>(
    'INSERT INTO tenant (domain, name) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id',
    [normal, name ?? normal],
  );
  const id = created.rows[0]?.id;
  if (!id) return ensureTenant(db, normal, name);
  await db.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [id]);
  await seedJobStatuses(db);
  return id;
}

/**
 * Creates or resets an API user (its name stored in NFC); returns its password (generated when not
 * given). A reset takes effect at once on every server of the database (see the module comment).
 */
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
    [tenantId, normalName(username), hash],
  );
  await credentialsChanged(db, tenantId);
  return { id: r.rows[0]!.id, password: secret };
}

/**
 * Revokes a bearer token (given in full); it is refused at once on every server of the database.
 * Returns whose token it was, or undefined when no token matches. Revoking a revoked token keeps
 * its first revocation time.
 */
export async function revokeToken(
  db: Executor,
  token: string,
): Promise<{ tenantId: string; domain: string; username: string; name: string | null } | undefined> {
  const r = await db.query<{ tenant_id: string; domain: string; username: string; name: string | null }>(
    `UPDATE api_token k SET revoked_at = COALESCE(k.revoked_at, now())
     FROM api_user u JOIN tenant t ON t.id = u.tenant_id
     WHERE u.id = k.api_user_id AND k.token_hash = $1
     RETURNING u.tenant_id, t.domain, u.username, k.name`,
    [sha256(token)],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  await credentialsChanged(db, row.tenant_id);
  return { tenantId: row.tenant_id, domain: row.domain, username: row.username, name: row.name };
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
    [normalName(domain), normalName(username)],
  );
  const row = r.rows[0];
  return row ? { id: row.id, tenantId: row.tenant_id } : undefined;
}

/** A valid placeholder hash: unknown users cost as much time as a wrong password. */
let dummyHash: Promise<string> | undefined;

export interface BasicParts {
  username: string;
  password: string;
  domain: string;
}

/** `username:password@domain` → its parts (the domain follows the last `@`), names in NFC. */
export function splitBasic(decoded: string): BasicParts | undefined {
  const colon = decoded.indexOf(':');
  const at = decoded.lastIndexOf('@');
  if (colon <= 0 || at <= colon) return undefined;
  // Control characters (a NUL byte) are in no user name, password or domain.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return undefined;
  return {
    username: normalName(decoded.slice(0, colon)),
    password: decoded.slice(colon + 1, at),
    domain: normalName(decoded.slice(at + 1)),
  };
}

/** The API user a Basic login names, as the database matches it; its password is not checked. */
export interface Login extends Principal {
  /** The id of the api_user row: the same user however its name was spelled. */
  userId: string;
  passwordHash: string | null;
}

export async function findLogin(db: Executor, parts: BasicParts): Promise<Login | undefined> {
  const r = await db.query<{
    id: string;
    tenant_id: string;
    domain: string;
    username: string;
    password_hash: string | null;
  }>(
    `SELECT u.id, u.tenant_id, t.domain, u.username, u.password_hash FROM api_user u JOIN tenant t ON t.id = u.tenant_id
     WHERE lower(t.domain) = lower($1) AND lower(u.username) = lower($2)`,
    [parts.domain, parts.username],
  );
  const row = r.rows[0];
  return row
    ? {
        userId: row.id,
        tenantId: row.tenant_id,
        domain: row.domain,
        username: row.username,
        passwordHash: row.password_hash,
      }
    : undefined;
}

/**
 * Checks a password against a stored hash; without one (an unknown user, a user without a
 * password) a placeholder hash is checked, so that the answer takes as long and is false.
 */
export async function checkPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  dummyHash ??= hashPassword(randomSecret());
  const placeholder = await dummyHash;
  const ok = await verifyPassword(password, stored ?? placeholder);
  return ok && Boolean(stored);
}

export async function verifyBasic(db: Executor, decoded: string): Promise<Principal | undefined> {
  const parts = splitBasic(decoded);
  const login = parts ? await findLogin(db, parts) : undefined;
  const ok = await checkPassword(parts?.password ?? 'x', login?.passwordHash);
  return ok && login
    ? { tenantId: login.tenantId, domain: login.domain, username: login.username }
    : undefined;
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

/** The API users, with their tenant and the number of tokens that still work. */
export async function listApiUsers(
  db: Executor,
  domain?: string,
): Promise<Array<{ domain: string; username: string; active_tokens: number; revoked_tokens: number }>> {
  const r = await db.query<{
    domain: string;
    username: string;
    active_tokens: number;
    revoked_tokens: number;
  }>(
    `SELECT t.domain, u.username,
            count(k.id) FILTER (WHERE k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now()))::int AS active_tokens,
            count(k.id) FILTER (WHERE k.revoked_at IS NOT NULL)::int AS revoked_tokens
       FROM api_user u JOIN tenant t ON t.id = u.tenant_id LEFT JOIN api_token k ON k.api_user_id = u.id
      WHERE $1::text IS NULL OR lower(t.domain) = lower($1)
      GROUP BY t.domain, u.username ORDER BY t.domain, u.username`,
    [domain === undefined ? null : normalName(domain)],
  );
  return r.rows;
}

/** Revokes every bearer token of an API user at once; returns how many were still valid. */
export async function revokeUserTokens(db: Executor, apiUserId: string, tenantId: string): Promise<number> {
  const r = await db.query(
    'UPDATE api_token SET revoked_at = now() WHERE api_user_id = $1 AND revoked_at IS NULL',
    [apiUserId],
  );
  await credentialsChanged(db, tenantId);
  return r.rowCount;
}
