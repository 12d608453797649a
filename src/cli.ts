/**
 * Non-interactive administration: `npm run cli -- <command> [options]`. Prints JSON on stdout;
 * `npm run cli -- --help` lists the commands, `<command> --help` tells one. Bad arguments: one
 * line on stderr and exit code 2; a failed command: exit code 1.
 *
 * Uses DATABASE_URL, or the embedded database in PGLITE_DATA_DIR (stop the server first: the
 * embedded database allows one process at a time).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  ensureTenant,
  findApiUser,
  listApiUsers,
  normalName,
  revokeToken,
  revokeUserTokens,
  setApiUser,
} from './auth/credentials.js';
import { buildName, buildVersion } from './build.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { backupPglite, openDatabase, restorePglite, type Database } from './db/database.js';
import { migrate, migrationStatus, pendingSql } from './db/migrate.js';
import { purgeExpired } from './domain/purge.js';
import { registry } from './schema/registry.js';
import { createTenantWithUser, createToken } from './setup.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

interface Command {
  usage: string;
  summary: string;
  options: Options;
  /** The options that must be given (checked before the database is opened). */
  required?: string[];
  /** Runs without opening the database (it may open it itself). */
  noDatabase?: true;
  /** Opens the database without applying the pending migrations. */
  noMigrate?: (values: Values) => boolean;
  run(ctx: {
    db: Database;
    values: Values;
    positionals: string[];
    config: Config;
    /** The migrations applied before the command ran. */
    applied: string[];
  }): Promise<unknown>;
}

/** Bad arguments: exit code 2. */
class UsageError extends Error {}

const HOST_LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
const HOST_NAME = new RegExp(`^(?=.{1,253}$)${HOST_LABEL}(?:\\.${HOST_LABEL})*$`, 'u');

function need(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return normalName(value);
}

/** A tenant's domain: a host name (letters, digits and hyphens, in dot-separated labels). */
function domainOf(values: Values, required = true): string | undefined {
  if (!required && values['domain'] === undefined) return undefined;
  const domain = need(values, 'domain');
  if (!HOST_NAME.test(domain))
    throw new UsageError(
      `--domain: "${domain}" is not a host name (labels of letters, digits and hyphens, separated by dots)`,
    );
  return domain;
}

const domainOption = { domain: { type: 'string' } } as const;
const userOptions = { ...domainOption, username: { type: 'string' } } as const;

const commands: Record<string, Command> = {
  migrate: {
    usage: 'migrate [--status | --dry-run]',
    summary:
      'apply the pending migrations, a line each with its duration (on stderr); --status: applied and ' +
      'pending migrations, changing nothing; --dry-run: print the SQL of the pending migrations',
    options: { status: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
    noMigrate: (v) => Boolean(v['status'] || v['dry-run']),
    async run({ db, values, applied }) {
      if (values['status']) return migrationStatus(db);
      if (values['dry-run']) {
        const pending = await pendingSql(db);
        for (const m of pending) process.stdout.write(`-- ${m.id}.sql\n${m.sql}\n`);
        if (!pending.length) process.stdout.write('-- no pending migration\n');
        return undefined;
      }
      return { applied };
    },
  },
  purge: {
    usage: 'purge',
    summary:
      'remove deletions older than SYNC_RETENTION_DAYS and Idempotency-Keys older than IDEMPOTENCY_TTL_HOURS',
    options: {},
    run: ({ db, config }) =>
      purgeExpired(db, registry, {
        retentionMs: config.syncRetentionDays * 86_400_000,
        idempotencyTtlMs: config.idempotencyTtlHours * 3_600_000,
      }),
  },
  'create-tenant': {
    usage: 'create-tenant --domain D [--name N]',
    summary: 'create a tenant (or find it)',
    required: ['domain'],
    options: { ...domainOption, name: { type: 'string' } },
    async run({ db, values }) {
      const domain = domainOf(values)!;
      const name = typeof values['name'] === 'string' ? values['name'] : undefined;
      return { domain, tenant_id: await db.transaction((tx) => ensureTenant(tx, domain, name)) };
    },
  },
  'create-user': {
    usage: 'create-user --domain D --username U [--password P] [--token]',
    summary:
      'create or reset an API user (the tenant is created if missing); a password is generated when none is given',
    required: ['domain', 'username'],
    options: { ...userOptions, password: { type: 'string' }, token: { type: 'boolean' } },
    async run({ db, values }) {
      const password = typeof values['password'] === 'string' ? values['password'] : undefined;
      const issued = await createTenantWithUser(db, {
        domain: domainOf(values)!,
        username: need(values, 'username'),
        password,
        withToken: Boolean(values['token']),
      });
      return {
        domain: issued.domain,
        username: issued.username,
        ...(password ? {} : { password: issued.password }),
        ...(values['token'] ? { token: issued.token } : {}),
        basic: `${issued.username}:<password>@${issued.domain}`,
      };
    },
  },
  'list-users': {
    usage: 'list-users [--domain D]',
    summary: 'the API users (of one tenant), with their numbers of valid and revoked tokens',
    options: domainOption,
    run: ({ db, values }) => listApiUsers(db, domainOf(values, false)),
  },
  'set-password': {
    usage: 'set-password --domain D --username U [--password P]',
    summary:
      'set the password of an existing API user (generated when none is given); every server refuses the old one at once',
    required: ['domain', 'username'],
    options: { ...userOptions, password: { type: 'string' } },
    async run({ db, values }) {
      const domain = domainOf(values)!;
      const username = need(values, 'username');
      const given = typeof values['password'] === 'string' ? values['password'] : undefined;
      return db.transaction(async (tx) => {
        const user = await findApiUser(tx, domain, username);
        if (!user) throw new Error(`No API user ${username}@${domain}`);
        const stored = await setApiUser(tx, user.tenantId, username, given);
        return { domain, username, ...(given ? {} : { password: stored.password }) };
      });
    },
  },
  'create-token': {
    usage: 'create-token --domain D --username U [--name N]',
    summary: 'issue a bearer token for an API user (shown once)',
    required: ['domain', 'username'],
    options: { ...userOptions, name: { type: 'string' } },
    async run({ db, values }) {
      const name = typeof values['name'] === 'string' ? values['name'] : undefined;
      return { token: await createToken(db, domainOf(values)!, need(values, 'username'), name) };
    },
  },
  'revoke-token': {
    usage: 'revoke-token <token> | revoke-token --domain D --username U',
    summary:
      'revoke a bearer token, or every token of an API user; every server on the database refuses them at once',
    options: userOptions,
    async run({ db, values, positionals }) {
      const token = positionals[0];
      if (token) {
        const revoked = await db.transaction((tx) => revokeToken(tx, token));
        if (!revoked) throw new Error('No token matches');
        return { revoked: 1, domain: revoked.domain, username: revoked.username, name: revoked.name };
      }
      if (values['domain'] === undefined && values['username'] === undefined)
        throw new UsageError('revoke-token needs a token, or --domain and --username');
      const domain = domainOf(values)!;
      const username = need(values, 'username');
      return db.transaction(async (tx) => {
        const user = await findApiUser(tx, domain, username);
        if (!user) throw new Error(`No API user ${username}@${domain}`);
        return { revoked: await revokeUserTokens(tx, user.id, user.tenantId), domain, username };
      });
    },
  },
  backup: {
    usage: 'backup --out FILE',
    summary:
      'write a copy of the embedded database (PGLITE_DATA_DIR) to FILE, a .tar.gz; stop the server first ' +
      '(for PostgreSQL use pg_dump, see README.md)',
    required: ['out'],
    options: { out: { type: 'string' } },
    noDatabase: true,
    async run({ values, config }) {
      const out = need(values, 'out');
      if (config.databaseUrl) throw new UsageError('backup is for the embedded database: use pg_dump');
      return { backup: out, ...(await backupPglite(config.dataDir, out)) };
    },
  },
  restore: {
    usage: 'restore --from FILE',
    summary:
      'load a backup into PGLITE_DATA_DIR, which must not hold a database yet (the server stopped); ' +
      'the next start applies any newer migrations',
    required: ['from'],
    options: { from: { type: 'string' } },
    noDatabase: true,
    async run({ values, config }) {
      const from = need(values, 'from');
      if (config.databaseUrl) throw new UsageError('restore is for the embedded database: use pg_restore');
      await restorePglite(from, config.dataDir);
      return { restored: from, dataDir: config.dataDir };
    },
  },
};

const help = { type: 'boolean', short: 'h' } as const;

function usage(): string {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  return [
    `${buildName}: administration of the field-service API`,
    '',
    'Usage: npm run cli -- <command> [options]     (prints JSON on stdout)',
    '',
    'Commands:',
    ...Object.values(commands).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    `  ${'help [command]'.padEnd(width)}  this text, or one command's`,
    `  ${'--version'.padEnd(width)}  the version`,
    '',
    'Uses DATABASE_URL, or the embedded database in PGLITE_DATA_DIR (stop the server first).',
    '',
  ].join('\n');
}

const commandHelp = (name: string, c: Command): string =>
  `Usage: npm run cli -- ${c.usage}\n\n${c.summary}\n\n(${name}: see npm run cli -- --help for all commands)\n`;

async function main(argv: string[]): Promise<number> {
  const first = argv.findIndex((a) => !a.startsWith('-'));
  const name = first === -1 ? undefined : argv[first];
  const globalFlags = first === -1 ? argv : argv.slice(0, first);
  for (const flag of globalFlags) {
    if (flag === '--version' || flag === '-v') {
      process.stdout.write(`${buildVersion}\n`);
      return 0;
    }
    if (flag !== '--help' && flag !== '-h') throw new UsageError(`Unknown option ${flag}`);
  }
  if (name === undefined || globalFlags.length) {
    process.stdout.write(usage());
    return name === undefined && !globalFlags.length ? 2 : 0;
  }
  const rest = argv.slice(first + 1);
  if (name === 'help') {
    const which = rest[0];
    const c = which === undefined ? undefined : commands[which];
    if (which !== undefined && !c) throw new UsageError(`Unknown command "${which}"`);
    process.stdout.write(c ? commandHelp(which!, c) : usage());
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command)
    throw new UsageError(`Unknown command "${name}"; commands: ${Object.keys(commands).join(', ')}`);
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, help },
      allowPositionals: name === 'revoke-token',
      strict: true,
    }) as { values: Values; positionals: string[] };
  } catch (err) {
    throw new UsageError(`${name}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed.values['help']) {
    process.stdout.write(commandHelp(name, command));
    return 0;
  }
  for (const option of command.required ?? []) need(parsed.values, option);
  if (parsed.values['domain'] !== undefined) domainOf(parsed.values);
  const config = loadConfig();
  const ctx = { ...parsed, config, applied: [] as string[] };
  if (command.noDatabase) {
    print(await command.run({ ...ctx, db: undefined as unknown as Database }));
    return 0;
  }
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    if (!command.noMigrate?.(parsed.values)) {
      const done = await migrate(db, { log: (line) => void process.stderr.write(`${line}\n`) });
      ctx.applied = done.map((m) => m.id);
    }
    print(await command.run({ ...ctx, db }));
    return 0;
  } finally {
    await db.close();
  }
}

function print(result: unknown): void {
  if (result !== undefined) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError || err instanceof ConfigError) {
    const lines = err instanceof ConfigError ? err.problems : [err.message];
    process.stderr.write(`${lines.join('\n')}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
