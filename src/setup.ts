/** Tenant and credential set-up shared by the CLI and the first start of an embedded database. */
import type { Database } from './db/database.js';
import { ensureTenant, findApiUser, issueToken, setApiUser } from './auth/credentials.js';

export interface IssuedCredentials {
  domain: string;
  username: string;
  password: string;
  token: string;
}

/** On an empty database only: a demo tenant with an API user and a token. */
export async function createDemoTenant(db: Database): Promise<IssuedCredentials | undefined> {
  const existing = await db.query('SELECT 1 FROM tenant LIMIT 1');
  if (existing.rowCount > 0) return undefined;
  return createTenantWithUser(db, { domain: 'demo.local', username: 'api', withToken: true });
}

export interface NewApiUser {
  /** The tenant, created when missing. */
  domain: string;
  username: string;
  /** Generated when not given. */
  password?: string | undefined;
  /** Issue a bearer token too. */
  withToken?: boolean | undefined;
}

export async function createTenantWithUser(db: Database, user: NewApiUser): Promise<IssuedCredentials> {
  const { domain, username, password, withToken = false } = user;
  return db.transaction(async (tx) => {
    const tenantId = await ensureTenant(tx, domain);
    const stored = await setApiUser(tx, tenantId, username, password);
    const token = withToken ? await issueToken(tx, stored.id, 'initial') : '';
    return { domain, username, password: stored.password, token };
  });
}

export async function createToken(
  db: Database,
  domain: string,
  username: string,
  name?: string,
): Promise<string> {
  return db.transaction(async (tx) => {
    const user = await findApiUser(tx, domain, username);
    if (!user) throw new Error(`No API user ${username}@${domain}`);
    return issueToken(tx, user.id, name);
  });
}
