/** Starts the server: `npm start`. Configuration comes from the environment (see README.md). */
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { SchemaError } from './db/migrate.js';
import { purgeExpired } from './domain/purge.js';
import { registry } from './schema/registry.js';
import { createDemoTenant } from './setup.js';

const config = loadConfig();
const app = await buildApp({ config }).catch((err: unknown) => {
  // A database this build must not run on: one line that says why, and a failed start.
  if (!(err instanceof SchemaError)) throw err;
  process.stderr.write(`fieldservice: not started: ${err.message}\n`);
  process.exit(1);
});
if (!config.databaseUrl && config.demoTenant) {
  const demo = await createDemoTenant(app.db);
  if (demo) {
    const basic = `${demo.username}:${demo.password}@${demo.domain}`;
    process.stdout.write(
      `\nEmpty embedded database: created the demo tenant "${demo.domain}" (shown once, keep it):\n` +
        `  Basic credentials: ${basic}\n  Bearer token:      ${demo.token}\n` +
        `  Try: curl -u '${basic}' http://${config.host}:${config.port}/api/JobType\n\n`,
    );
  }
}

// The purge of expired tombstones, logically deleted rows and idempotency keys.
if (config.purgeIntervalMinutes > 0) {
  const purge = (): void => {
    purgeExpired(app.db, registry, {
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
        process.exit(0);
      },
      () => process.exit(1),
    );
  });
}

await app.listen({ port: config.port, host: config.host });
