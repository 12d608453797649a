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
  return createTenantWithUser(db, 'demo.local', 'api', undefined, true);
}

export async function createTenantWithUser(
  db: Database,
  domain: string,
  username: string,
  password?: string,
  withToken = false,
): Promise<IssuedCredentials> {
  return db.transaction(async (tx) => {
    const tenantId = await ensureTenant(tx, domain);
    const user = await setApiUser(tx, tenantId, username, password);
    const token = withToken ? await issueToken(tx, user.id, 'initial') : '';
    return { domain, username, password: user.password, token };
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
