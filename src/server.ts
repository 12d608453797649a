/**
 * Starts the server: `npm start`. Configuration comes from the environment (see README.md).
 *
 * Order: the configuration is checked (exit 2 on any error, one line each), the port is bound
 * (answering 503 while starting), then the database is opened and migrated, then the API takes
 * the requests and a banner says what runs. A start-up error is one log line naming its cause.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from './app.js';
import { buildName, buildVersion } from './build.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate, migrationStatus } from './db/migrate.js';
import { purgeExpired } from './domain/purge.js';
import { createLogger } from './log.js';
import { registry } from './schema/registry.js';
import { createDemoTenant } from './setup.js';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  const format = process.env['LOG_FORMAT'] === 'pretty' ? 'pretty' : 'json';
  const log = createLogger('info', format);
  for (const problem of err.problems) log.fatal(`configuration: ${problem}`);
  process.exit(2);
}
const log = createLogger(config.logLevel, config.logFormat);
const elapsed = (since: number): number => Math.round(performance.now() - since);

/** The cause of a start-up error, in one line. */
function cause(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e.code === 'ENOTFOUND') return `host not found (${e.message})`;
  if (e.code === 'ECONNREFUSED') return `connection refused at ${e.address ?? ''}:${e.port ?? ''}`;
  if (err instanceof AggregateError && err.errors.length) return cause(err.errors[0]);
  return e.message || String(err);
}

function fail(what: string, err: unknown, code = 1): never {
  log.fatal(`not started: ${what}: ${cause(err)}`);
  process.exit(code);
}

// 1. The port, before anything touches the database: a taken port fails here, having written nothing.
let handler = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1', connection: 'close' });
  res.end('{"status":"starting","message":"The server is starting: retry in a moment"}');
};
const server = createServer(
  {
    requestTimeout: config.requestTimeoutSeconds * 1000,
    headersTimeout: Math.min(config.headersTimeoutSeconds, config.requestTimeoutSeconds) * 1000,
    connectionsCheckingInterval: 1000,
  },
  (req, res) => handler(req, res),
);
server.keepAliveTimeout = 72_000;
await new Promise<void>((done) => {
  server.once('error', (err: NodeJS.ErrnoException) =>
    fail(
      `port ${config.port} on ${config.host}`,
      err.code === 'EADDRINUSE'
        ? new Error('the port is in use by another process')
        : err.code === 'EACCES'
          ? new Error('no permission to bind the port')
          : err,
    ),
  );
  server.listen({ port: config.port, host: config.host }, done);
});
const address = server.address();
const port = typeof address === 'object' && address ? address.port : config.port;
const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
log.info({ port, host: config.host }, `port ${port} bound; opening the database`);

// A stop asked for while starting ends the start after the step under way (a migration is one
// transaction: it is never cut half-way), closing what is open.
let stopAsked: NodeJS.Signals | undefined;
const stopWhileStarting = (signal: NodeJS.Signals): void => {
  if (stopAsked) return;
  stopAsked = signal;
  log.info({ signal }, 'stop asked while starting: stopping after the current step');
};
process.on('SIGTERM', stopWhileStarting);
process.on('SIGINT', stopWhileStarting);
async function stopIfAsked(open?: Database): Promise<void> {
  if (!stopAsked) return;
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  await open?.close().catch(() => undefined);
  log.info('stopped');
  process.exit(0);
}

// 2. The database, opened and migrated, each step logged with its duration.
const where = config.databaseUrl
  ? (() => {
      const url = new URL(config.databaseUrl);
      return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
    })()
  : `PGlite in ${config.dataDir.startsWith('memory://') ? config.dataDir : resolve(config.dataDir)}`;
let db: Database;
let started = performance.now();
try {
  db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  // PostgreSQL connects on the first statement: reach it now, so that an error names the server.
  if (config.databaseUrl) await db.query('SELECT 1');
} catch (err) {
  fail(`database ${where}`, err);
}
log.info({ ms: elapsed(started) }, `database opened: ${where}`);
await stopIfAsked(db);
started = performance.now();
try {
  await migrate(db, {
    log: (line) => log.info({ migration: line }, `schema migrated: ${line}`),
  });
} catch (err) {
  await db.close().catch(() => undefined);
  fail(`database ${where}`, err);
}
const schema = (await migrationStatus(db)).applied.at(-1)?.version ?? 0;
log.info({ ms: elapsed(started), schema }, `schema checked: version ${schema}`);
await stopIfAsked(db);

// 3. The API, on the port bound above.
started = performance.now();
let fastifyHandler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
const app = await buildApp({
  config,
  db,
  loggerInstance: log as FastifyBaseLogger,
  serverFactory: (h) => {
    fastifyHandler = h;
    return server;
  },
}).catch(async (err: unknown) => {
  await db.close().catch(() => undefined);
  return fail('the API', err);
});
// The demo tenant is there before the first request is answered.
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
await app.ready();
process.off('SIGTERM', stopWhileStarting);
process.off('SIGINT', stopWhileStarting);
if (stopAsked) {
  await app.close().catch(() => undefined);
  await stopIfAsked(db);
}
let closing = false;
handler = (req, res) => {
  // While stopping: no new requests; the ones in flight finish.
  if (closing) {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1', connection: 'close' });
    res.end('{"status":"stopping","message":"The server is stopping: retry on another server"}');
  } else fastifyHandler!(req, res);
};
log.info({ ms: elapsed(started) }, 'API ready');

log.info(
  {
    version: buildVersion,
    build: buildName,
    database: { kind: db.embedded ? 'pglite' : 'postgres', where, schema },
    docs: `${base}/docs`,
    help: `${base}/Help`,
    openapi: `${base}/openapi.json`,
  },
  `fieldservice ${buildVersion} listening on ${base} | database: ${where}, schema version ${schema} | ` +
    `docs: ${base}/docs  help: ${base}/Help  OpenAPI: ${base}/openapi.json`,
);

// The purge of expired tombstones, logically deleted rows and idempotency keys.
if (config.purgeIntervalMinutes > 0) {
  const purge = (): void => {
    purgeExpired(db, registry, {
      retentionMs: config.syncRetentionDays * 86_400_000,
      idempotencyTtlMs: config.idempotencyTtlHours * 3_600_000,
    }).then(
      (removed) => log.info({ removed }, 'purge done'),
      (err: unknown) => log.error({ err }, 'purge failed'),
    );
  };
  setInterval(purge, config.purgeIntervalMinutes * 60_000).unref();
}

// Graceful stop: no new requests (503 while closing), the ones in flight finish, keep-alive
// connections are closed as soon as they are idle; past SHUTDOWN_TIMEOUT_MS the process exits anyway.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), Number(process.env['SHUTDOWN_TIMEOUT_MS'] ?? 30_000)).unref();
    new Promise<void>((done) => server.close(() => done()))
      .then(() => app.close())
      .then(() => db.close())
      .then(
        () => {
          clearInterval(idle);
          log.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          log.error(`stop failed: ${cause(err)}`);
          process.exit(1);
        },
      );
  });
}
