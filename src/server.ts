/**
 * Starts the server: `npm start`. Configuration comes from the environment (see README.md).
 *
 * Start-up order: the configuration is checked (exit 2 with a line per problem), the port is bound
 * (requests get 503 `starting` meanwhile; a taken port exits 1 before the database is touched), the
 * database is opened and migrated (a log line per step with its duration), then the API takes the
 * port and a banner names the version, the database and the URLs of the documentation.
 */
import { createServer, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { buildApp } from './app.js';
import { buildName, buildVersion } from './build.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate, migrationStatus, SchemaError } from './db/migrate.js';
import { purgeExpired } from './domain/purge.js';
import { createLogger, type Logger } from './logger.js';
import { registry } from './schema/registry.js';
import { createDemoTenant } from './setup.js';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  const log = createLogger(process.env['LOG_LEVEL'] === 'silent' ? 'silent' : 'info');
  const problems = err instanceof ConfigError ? err.problems : [(err as Error).message];
  for (const problem of problems) log.fatal(`configuration: ${problem}`);
  log.flush();
  process.exit(2);
}
const log: Logger = createLogger(config.logLevel);

/** One line naming the cause, then a non-zero exit. */
function fail(message: string, err?: unknown, code = 1): never {
  const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : '';
  log.fatal(`not started: ${message}${cause && !message.includes(cause) ? `: ${cause}` : ''}`);
  log.flush();
  process.exit(code);
}

const since = (t0: number): number => Math.round(performance.now() - t0);
const where = config.databaseUrl
  ? (() => {
      const u = new URL(config.databaseUrl);
      return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`;
    })()
  : `PGlite ${config.dataDir}`;

// 1. The port, before anything else: a taken port ends the start before the database is touched.
const placeholder: Server = createServer((req, res) => {
  const health = req.url === '/health';
  res.writeHead(health ? 200 : 503, {
    'content-type': 'application/json; charset=utf-8',
    'retry-after': '2',
    connection: 'close',
  });
  res.end(
    JSON.stringify(
      health
        ? { status: 'starting', version: buildVersion }
        : { status: 503, code: 'starting', message: 'The server is starting: retry in a moment' },
    ),
  );
});
await new Promise<void>((resolve) => {
  placeholder.once('error', (err: NodeJS.ErrnoException) =>
    fail(
      err.code === 'EADDRINUSE'
        ? `port ${config.port} on ${config.host} is in use by another process (choose another with PORT)`
        : `cannot listen on ${config.host}:${config.port} (${err.code ?? err.message})`,
      undefined,
    ),
  );
  placeholder.listen(config.port, config.host, () => resolve());
});

// PORT=0: the port the system chose for the placeholder is the API's too.
const bound = placeholder.address();
const port = (): number => (typeof bound === 'object' && bound ? bound.port : config.port);
const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port()}`;
log.info({ version: buildVersion }, `${buildName} starting on ${base}`);

// 2. The database, opened and migrated.
let db: Database;
let t0 = performance.now();
try {
  db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
  });
  // A PostgreSQL pool connects lazily: one query proves the server is there.
  await db.query('SELECT 1');
} catch (err) {
  fail(`the database could not be opened (${where})`, err);
}
log.info({ ms: since(t0) }, `database opened: ${where}`);
t0 = performance.now();
let schemaVersion = 0;
try {
  const applied = await migrate(db, {
    log: (line) => log.info(`schema: ${line}`),
  });
  const status = await migrationStatus(db);
  schemaVersion = Math.max(0, ...status.applied.map((m) => m.version));
  log.info(
    { ms: since(t0), applied: applied.length, schema_version: schemaVersion },
    applied.length
      ? `schema migrated to version ${schemaVersion}`
      : `schema up to date (version ${schemaVersion})`,
  );
} catch (err) {
  await db.close().catch(() => undefined);
  // A database this build must not run on says why in its own message.
  if (err instanceof SchemaError) fail(err.message);
  fail('the database schema could not be applied', err);
}

// 3. The API, then the port handed over to it.
t0 = performance.now();
const app = await buildApp({ config, db, loggerInstance: log }).catch(async (err: unknown) => {
  await db.close().catch(() => undefined);
  return fail('the application could not be built', err);
});
app.addHook('onClose', () => db.close());
await app.ready();
placeholder.closeAllConnections();
await new Promise<void>((resolve) => placeholder.close(() => resolve()));
try {
  await app.listen({ port: port(), host: config.host });
} catch (err) {
  await app.close().catch(() => undefined);
  fail(`cannot listen on ${config.host}:${config.port}`, err);
}
log.info({ ms: since(t0) }, 'API ready');

if (!config.databaseUrl && config.demoTenant) {
  const demo = await createDemoTenant(db);
  if (demo) {
    const basic = `${demo.username}:${demo.password}@${demo.domain}`;
    process.stdout.write(
      `\nEmpty embedded database: created the demo tenant "${demo.domain}" (shown once, keep it):\n` +
        `  Basic credentials: ${basic}\n  Bearer token:      ${demo.token}\n` +
        `  Try: curl -u '${basic}' ${base}/api/JobType\n\n`,
    );
  }
}
log.info(
  {
    version: buildVersion,
    database: config.databaseUrl ? 'postgresql' : 'pglite',
    schema_version: schemaVersion,
    uptime_ms: Math.round(performance.now()),
  },
  `${buildName} serving ${base} on ${where}, schema version ${schemaVersion}; ` +
    `docs ${base}/docs, help ${base}/Help, OpenAPI ${base}/openapi.json`,
);

// The purge of expired tombstones, logically deleted rows and idempotency keys.
if (config.purgeIntervalMinutes > 0) {
  const purge = (): void => {
    purgeExpired(db, registry, {
      retentionMs: config.syncRetentionDays * 86_400_000,
      idempotencyTtlMs: config.idempotencyTtlHours * 3_600_000,
    }).then(
      (removed) => app.log.info({ removed }, 'purge done'),
      (err: unknown) => app.log.error({ err }, 'purge failed'),
    );
  };
  setInterval(purge, config.purgeIntervalMinutes * 60_000).unref();
}

// Graceful stop: no new requests (503 while closing), the ones in flight finish, keep-alive
// connections are closed as soon as they are idle; past SHUTDOWN_TIMEOUT_MS the process exits anyway.
let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const idle = setInterval(() => app.server.closeIdleConnections(), 100);
    setTimeout(() => process.exit(1), Number(process.env['SHUTDOWN_TIMEOUT_MS'] ?? 30_000)).unref();
    app.close().then(
      () => {
        clearInterval(idle);
        app.log.info('stopped');
        log.flush();
        process.exit(0);
      },
      () => process.exit(1),
    );
  });
}
