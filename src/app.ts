/**
 * `buildApp` assembles the server: database (opened and migrated unless one is given), content
 * negotiation, authentication, the routes of every entity and the error mapping.
 */
import { randomUUID } from 'node:crypto';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyServerFactory,
} from 'fastify';
import { loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { createAuthenticator } from './http/auth.js';
import { bodyTooLarge, registerParsers, responseFormat, sendText } from './http/content.js';
import { ContractError, type ErrorCode } from './contract/errors.js';
import { errorJson, errorXml } from './contract/results.js';
import { fromDatabaseError } from './db/errors.js';
import { errorBody, errorHeaders, statusOf } from './http/errors.js';
import { registerEntityRoutes, registerMethodNotAllowed } from './http/routes.js';
import { registerODataRoutes } from './http/odata-routes.js';
import { registerSyncRoutes } from './http/sync-routes.js';
import { registerDocsRoutes } from './http/docs-routes.js';
import { registerHelpRoutes } from './http/help-routes.js';
import { lingerOnClose } from './http/linger.js';
import { registerOperations } from './http/operations.js';
import { registerCompression, registerService } from './http/service.js';
import { registry } from './schema/registry.js';
import { createValidator } from './schema/validate.js';

export interface AppOptions {
  config?: Partial<Config>;
  /** An already opened and migrated database (tests share one per file). */
  db?: Database;
  logger?: boolean;
  /** A logger made beforehand (the server logs its start-up before the app exists). */
  loggerInstance?: FastifyBaseLogger;
  /** An HTTP server already bound to its port (the server binds it before opening the database). */
  serverFactory?: FastifyServerFactory;
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

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const FASTIFY_CODES: Record<string, ErrorCode> = {
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
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : {}),
    logger:
      options.logger === false || options.loggerInstance
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.authorization'],
            ...(options.logStream ? { stream: options.logStream } : {}),
          },
    // One line per request, written by the service layer once it is answered (with tenant, user, code).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    // Behind a reverse proxy: whose X-Forwarded-For/-Proto/-Host to believe (links, client address).
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
    // A client that sends its request slowly is cut off (408) instead of holding a slot for ever;
    // the timeouts are checked every second.
    requestTimeout: config.requestTimeoutSeconds * 1000,
    http: {
      requestTimeout: config.requestTimeoutSeconds * 1000,
      headersTimeout: Math.min(config.headersTimeoutSeconds, config.requestTimeoutSeconds) * 1000,
      connectionsCheckingInterval: 1000,
    },
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 200 },
    // A client's request id is kept when short and printable, and never looks like one of ours.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) && !given.startsWith('req-')
        ? given
        : `req-${randomUUID()}`;
    },
    // Errors of the router itself (malformed URL, parameter too long) get the API's error body.
    frameworkErrors: (err, req, reply) => {
      void sendError(
        reply,
        req,
        new ContractError({ code: 'bad_url', message: `The URL is not acceptable: ${err.message}` }),
      );
    },
  });
  app.decorate('db', db);
  const routes: Array<{ method: string; url: string }> = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    // The answers of 405 to the methods a path does not take serve nothing: not listed.
    if (route.config?.refusal) return;
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  registerParsers(app, { maxBatch: config.maxBatch });
  await registerCompression(app);

  await registerOperations(app, db, {
    maxInFlight: config.maxInFlight,
    maxInFlightPerTenant: config.maxInFlightPerTenant,
    batchConcurrencyPerTenant: config.batchConcurrencyPerTenant,
    bodyBytesInFlight: config.bodyBytesInFlight,
    bodyLimit: config.bodyLimit,
    rateLimitPerMinute: config.rateLimitPerMinute,
  });
  await registerService(app, { corsOrigins: config.corsOrigins });
  // The authenticator listens for changes of credentials (also those of other servers) until closed.
  const auth = createAuthenticator(db, config.authFailureLimit);
  await auth.start().catch(async (err: unknown) => {
    if (!options.db) await db.close();
    throw err;
  });
  app.addHook('onClose', () => auth.stop());
  // Authentication decides on the route the router matched (percent-decoded, case-folded), and
  // on the raw URL for the paths that match no route.
  const API = /^\/api(\/|$)/i;
  app.addHook('onRequest', async (req) => {
    // A browser's CORS preflight carries no credentials (answered above when CORS_ORIGINS allows it).
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (!preflight && (API.test(req.routeOptions.url ?? '') || API.test(req.url)))
      req.principal = await auth.authenticate(req);
    // A path that matches no route is answered before any body is read.
    if (req.routeOptions.url === undefined) throw notFound(req);
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    // While the server stops, answered connections are not kept alive.
    if (closing) reply.header('connection', 'close');
    // Answered before its body has all arrived (a refusal): the connection is closed after the
    // answer, and what the client still sends is read and dropped first, so that no reset loses it.
    if (!req.raw.complete) {
      reply.header('connection', 'close');
      lingerOnClose(req.raw.socket);
    }
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    let known: ContractError | undefined;
    if (err instanceof ContractError) known = err;
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      known = new ContractError({
        code: 'unsupported_media_type',
        message: `Unsupported content type ${req.headers['content-type'] ?? ''}; send application/json, text/json, application/xml or text/xml`,
      });
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      known = bodyTooLarge(req.routeOptions.bodyLimit ?? config.bodyLimit);
    } else if (err.code && FASTIFY_CODES[err.code]) {
      known = new ContractError({ code: FASTIFY_CODES[err.code]!, message: err.message });
    } else known = fromDatabaseError(err);
    if (!known && err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      known = new ContractError({ code: 'bad_request', message: err.message });
    }
    if (!known) {
      req.log.error({ err }, 'request failed');
      known = new ContractError({
        code: 'internal_error',
        message: 'An internal error occurred; it has been logged',
      });
    } else if (statusOf(known.code) >= 500) req.log.warn({ err }, known.message);
    return sendError(reply, req, known);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, req, notFound(req)));

  const limits = { pageSize: config.pageSize, maxBatch: config.maxBatch };
  registerEntityRoutes(app, {
    db,
    registry,
    validator: createValidator(registry),
    limits,
    bodyLimits: { batch: config.bodyLimit, single: Math.min(config.singleBodyLimit, config.bodyLimit) },
    idempotencyTtlMs: config.idempotencyTtlHours * 3_600_000,
  });
  registerSyncRoutes(app, db, registry);
  registerODataRoutes(app, registry);
  registerMethodNotAllowed(app, registry, limits);
  await registerDocsRoutes(app, registry, limits);
  registerHelpRoutes(app, registry, limits);

  if (!options.db) app.addHook('onClose', () => db.close());
  for (const line of migrated) app.log.info({ migration: line }, 'schema migrated');
  return app;
}

const notFound = (req: { method: string; url: string }): ContractError =>
  new ContractError({ code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` });

function sendError(
  reply: Parameters<typeof sendText>[0],
  req: Parameters<typeof responseFormat>[0],
  err: ContractError,
): ReturnType<typeof sendText> {
  const body = errorBody(err);
  reply.errorCode = body.code;
  for (const [name, value] of Object.entries(errorHeaders(err))) reply.header(name, value);
  const format = responseFormat(req);
  return sendText(reply, body.status, format, format === 'xml' ? errorXml(body) : errorJson(body));
}
