/**
 * Non-interactive administration: `npm run cli -- <command> [options]`. Prints JSON on stdout.
 *
 *   migrate                                         apply the pending migrations, a line each with
 *                                                   its duration (on stderr)
 *   migrate --status                                applied and pending migrations, changing nothing
 *   migrate --dry-run                               print the SQL of the pending migrations, changing
 *                                                   nothing
 *   purge                                           remove deletions older than SYNC_RETENTION_DAYS and
 *                                                   Idempotency-Keys older than IDEMPOTENCY_TTL_HOURS
 *   create-tenant --domain D [--name N]             create a tenant (or find it)
 *   create-user   --domain D --username U [--password P] [--token]
 *                                                   create/reset an API user (tenant created if missing);
 *                                                   a password is generated when none is given
 *   create-token  --domain D --username U [--name N]
 *                                                   issue a bearer token for an API user
 *   revoke-token  <token>                           revoke a bearer token; every server on the
 *                                                   database refuses it at once
 *
 * Uses DATABASE_URL, or the embedded database in PGLITE_DATA_DIR (stop the server first: the
 * embedded database allows one process at a time).
 */
import { parseArgs } from 'node:util';
import { ensureTenant, normalName, revokeToken } from './auth/credentials.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrate, migrationStatus, pendingSql } from './db/migrate.js';
import { purgeExpired } from './domain/purge.js';
import { registry } from './schema/registry.js';
import { createTenantWithUser, createToken } from './setup.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    domain: { type: 'string' },
    name: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    token: { type: 'boolean' },
    status: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  },
});

/** A domain or user name, in the form it is stored in (Unicode NFC). */
function need(name: 'domain' | 'username'): string {
  const value = values[name];
  if (!value) throw new Error(`--${name} is required`);
  return normalName(value);
}

const config = loadConfig();
const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
const log = (line: string): void => void process.stderr.write(`${line}\n`);
try {
  const command = positionals[0];
  const inspectOnly = command === 'migrate' && (values.status || values['dry-run']);
  const applied = inspectOnly ? [] : await migrate(db, { log });
  let result: unknown;
  switch (command) {
    case 'migrate':
      if (values.status) result = await migrationStatus(db);
      else if (values['dry-run']) {
        const pending = await pendingSql(db);
        for (const m of pending) process.stdout.write(`-- ${m.id}.sql\n${m.sql}\n`);
        if (!pending.length) process.stdout.write('-- no pending migration\n');
        result = undefined;
      } else result = { applied: applied.map((m) => m.id) };
      break;
    case 'purge':
      result = await purgeExpired(db, registry, {
        retentionMs: config.syncRetentionDays * 86_400_000,
        idempotencyTtlMs: config.idempotencyTtlHours * 3_600_000,
      });
      break;
    case 'create-tenant':
      result = {
        domain: need('domain'),
        tenant_id: await db.transaction((tx) => ensureTenant(tx, need('domain'), values.name)),
      };
      break;
    case 'create-user': {
      const issued = await createTenantWithUser(db, {
        domain: need('domain'),
        username: need('username'),
        password: values.password,
        withToken: values.token,
      });
      result = {
        domain: issued.domain,
        username: issued.username,
        ...(values.password ? {} : { password: issued.password }),
        ...(values.token ? { token: issued.token } : {}),
        basic: `${issued.username}:<password>@${issued.domain}`,
      };
      break;
    }
    case 'create-token':
      result = { token: await createToken(db, need('domain'), need('username'), values.name) };
      break;
    case 'revoke-token': {
      const token = positionals[1];
      if (!token) throw new Error('revoke-token needs the token: revoke-token <token>');
      const revoked = await db.transaction((tx) => revokeToken(tx, token));
      if (!revoked) throw new Error('No token matches');
      result = { revoked: true, domain: revoked.domain, username: revoked.username, name: revoked.name };
      break;
    }
    default:
      throw new Error(
        `Unknown command "${command ?? ''}". Commands: migrate, purge, create-tenant, create-user, create-token, revoke-token`,
      );
  }
  if (result !== undefined) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
}
