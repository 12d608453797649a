/**
 * `buildApp` assembles the server: database (opened and migrated unless one is given), content
 * negotiation, authentication, the routes of every entity and the error mapping.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { createAuthenticator } from './http/auth.js';
import { registerParsers, responseFormat, sendText } from './http/content.js';
import { ApiError, fromDatabaseError, type ErrorBody } from './http/errors.js';
import { registerEntityRoutes } from './http/routes.js';
import { registerSyncRoutes } from './http/sync-routes.js';
import { registerDocsRoutes } from './http/docs-routes.js';
import { registerHelpRoutes } from './http/help-routes.js';
import { registerOperations } from './http/operations.js';
import { erpKeyIndexName, foreignKeyName } from './schema/schema-model.js';
import { registry, type Registry } from './schema/registry.js';
import { createValidator } from './schema/validate.js';
import { toXml } from './schema/xml.js';

export interface AppOptions {
  config?: Partial<Config>;
  /** An already opened and migrated database (tests share one per file). */
  db?: Database;
  logger?: boolean;
  /** Where JSON log lines go (default stdout). */
  logStream?: NodeJS.WritableStream;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    /** Every route registered (method and URL pattern), for the checks of the API reference. */
    registeredRoutes: Array<{ method: string; url: string }>;
  }
}

/** Maps constraint names back to the field they protect, for error bodies. */
function constraintFields(reg: Registry): Map<string, string> {
  const map = new Map<string, string>();
  for (const entity of reg.entities) {
    map.set(`${entity.name}_pkey`, 'id');
    if (entity.erpKey) map.set(erpKeyIndexName(entity.name), entity.erpKey);
    for (const ref of entity.refs) map.set(foreignKeyName(entity.name, ref.idField), ref.idField);
  }
  return map;
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
};

export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const config = { ...loadConfig(), ...options.config };
  const db =
    options.db ??
    (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize }));
  const migrated: string[] = [];
  if (!options.db) {
    try {
      await migrate(db, { log: (line) => migrated.push(line) });
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.authorization'],
            ...(options.logStream ? { stream: options.logStream } : {}),
          },
    bodyLimit: config.bodyLimit,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 200 },
    requestIdHeader: 'x-request-id',
    // Errors of the router itself (malformed URL, parameter too long) get the API's error body.
    frameworkErrors: (err, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      void sendError(
        reply,
        req,
        new ApiError(status, 'bad_url', `The URL is not acceptable: ${err.message}`),
      );
    },
  });
  app.decorate('db', db);
  const routes: Array<{ method: string; url: string }> = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  registerParsers(app);

  await registerOperations(app, db, {
    maxInFlight: config.maxInFlight,
    rateLimitPerMinute: config.rateLimitPerMinute,
  });
  const authenticate = createAuthenticator(db, config.authFailureLimit);
  app.addHook('onRequest', async (req) => {
    if (/^\/api(\/|$)/i.test(req.url)) req.principal = await authenticate(req);
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    // While the server stops, answered connections are not kept alive.
    if (closing) reply.header('connection', 'close');
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  const fields = constraintFields(registry);
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let apiError: ApiError | undefined;
    if (err instanceof ApiError) apiError = err;
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      apiError = new ApiError(
        415,
        'unsupported_media_type',
        `Unsupported content type ${req.headers['content-type'] ?? ''}; send application/json, text/json, application/xml or text/xml`,
      );
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      apiError = new ApiError(
        413,
        'body_too_large',
        `The body is larger than the limit of ${config.bodyLimit} bytes`,
      );
    } else if (err.code && FASTIFY_CODES[err.code]) {
      apiError = new ApiError(err.statusCode ?? 400, FASTIFY_CODES[err.code]!, err.message);
    } else apiError = fromDatabaseError(err, (c) => fields.get(c));
    if (!apiError && err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      apiError = new ApiError(
        err.statusCode,
        err.statusCode === 400 ? 'bad_request' : 'client_error',
        err.message,
      );
    }
    if (!apiError) {
      req.log.error({ err }, 'request failed');
      apiError = new ApiError(500, 'internal_error', 'An internal error occurred; it has been logged');
    } else if (apiError.status >= 500) req.log.warn({ err }, apiError.message);
    return sendError(reply, req, apiError);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, req, new ApiError(404, 'not_found', `No route ${req.method} ${req.url.split('?')[0]}`)),
  );

  registerEntityRoutes(app, {
    db,
    registry,
    validator: createValidator(registry),
    pageSize: config.pageSize,
    maxBatch: config.maxBatch,
    idempotencyTtlMs: config.idempotencyTtlHours * 3_600_000,
    fieldOfConstraint: (c) => fields.get(c),
  });
  registerSyncRoutes(app, db, registry);
  await registerDocsRoutes(app, registry);
  registerHelpRoutes(app, registry);

  if (!options.db) app.addHook('onClose', () => db.close());
  for (const line of migrated) app.log.info({ migration: line }, 'schema migrated');
  return app;
}

function sendError(
  reply: Parameters<typeof sendText>[0],
  req: Parameters<typeof responseFormat>[0],
  err: ApiError,
): ReturnType<typeof sendText> {
  const body: ErrorBody = { status: err.status, code: err.code, message: err.message };
  if (err.errors?.length) body.errors = err.errors;
  Object.assign(body, err.extra);
  for (const [name, value] of Object.entries(err.headers ?? {})) reply.header(name, value);
  const format = responseFormat(req);
  return sendText(
    reply,
    err.status,
    format,
    format === 'xml' ? toXml('error', body, true, 'error') : JSON.stringify(body),
  );
}
