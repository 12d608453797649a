/**
 * What operators need: liveness (`/health`), readiness (`/ready`: database reachable, schema
 * applied), Prometheus metrics (`/metrics`), a bound on requests in flight (503 beyond it instead
 * of an unbounded queue), a share of it per tenant and a bound on batches per tenant (429, decided
 * before the body is read, so slow bodies of one tenant cannot take every slot), a bound on the
 * bytes of request bodies held at once (503 beyond it, so that the memory a process needs stays
 * within its heap) and a request rate limit per credential (429).
 */
import { buildCommit, buildVersion } from '../build.js';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry as Metrics, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db/database.js';
import { schemaProblems } from '../db/migrate.js';
import { ContractError } from '../contract/errors.js';

export interface OperationsOptions {
  maxInFlight: number;
  /** Requests one tenant may have in flight; beyond, 429 tenant_busy (others keep their share). */
  maxInFlightPerTenant: number;
  /** Batch requests (SaveMultiple) one tenant may have in flight. */
  batchConcurrencyPerTenant: number;
  /** Bytes of request bodies all requests in flight may hold together. */
  bodyBytesInFlight: number;
  /** The largest body of any route (what a chunked body of a route without its own limit counts). */
  bodyLimit: number;
  /** Requests per minute per credential; 0 turns the limit off. */
  rateLimitPerMinute: number;
}

const routeOf = (req: FastifyRequest): string => req.routeOptions.url ?? 'unknown';

export async function registerOperations(
  app: FastifyInstance,
  db: Database,
  options: OperationsOptions,
): Promise<void> {
  const metrics = new Metrics();
  collectDefaultMetrics({ register: metrics });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'Requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [metrics],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a request, by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metrics],
  });
  const batchSize = new Histogram({
    name: 'save_multiple_records',
    help: 'Records per SaveMultiple request',
    buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000],
    registers: [metrics],
  });
  new Gauge({
    name: 'build_info',
    help: 'The build that answers: its version and the Node.js it runs on (always 1)',
    labelNames: ['version', 'commit', 'node'],
    registers: [metrics],
  }).set({ version: buildVersion, commit: buildCommit ?? '', node: process.versions.node }, 1);
  let inFlight = 0;
  new Gauge({
    name: 'http_requests_in_flight',
    help: 'Requests being answered',
    registers: [metrics],
    collect() {
      this.set(inFlight);
    },
  });
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state (PostgreSQL only)',
    labelNames: ['state'],
    registers: [metrics],
    collect() {
      const stats = db.poolStats();
      if (!stats) return;
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });

  // Bounded work: past maxInFlight requests, answer 503 at once rather than queue.
  app.addHook('onRequest', async (req, reply) => {
    if (inFlight >= options.maxInFlight) {
      throw new ContractError({
        code: 'overloaded',
        message: 'The server is at its limit of requests in flight, retry shortly',
        retryAfter: 1,
      });
    }
    inFlight++;
    let done = false;
    reply.raw.once('close', () => {
      if (!done) inFlight--;
      done = true;
    });
  });
  // Fairness: once the tenant is known (authentication ran in onRequest) and before the body is
  // read, a tenant beyond its share of requests, or of batches, in flight is answered 429.
  const perTenant = new Map<string, { requests: number; batches: number }>();
  const tenantRejections = new Counter({
    name: 'http_tenant_busy_total',
    help: 'Requests refused because their tenant had its share in flight, by kind',
    labelNames: ['kind'],
    registers: [metrics],
  });
  app.addHook('preParsing', async (req, reply, payload) => {
    const tenant = req.principal?.tenantId;
    if (!tenant) return payload;
    const batch = /\/SaveMultiple$/i.test(routeOf(req));
    const used = perTenant.get(tenant) ?? { requests: 0, batches: 0 };
    const over =
      used.requests >= options.maxInFlightPerTenant
        ? `${options.maxInFlightPerTenant} requests`
        : batch && used.batches >= options.batchConcurrencyPerTenant
          ? `${options.batchConcurrencyPerTenant} batches`
          : undefined;
    if (over) {
      tenantRejections.inc({ kind: batch ? 'batch' : 'request' });
      throw new ContractError({
        code: 'tenant_busy',
        message: `This tenant already has ${over} in flight: retry when one has been answered`,
        retryAfter: 1,
      });
    }
    used.requests++;
    if (batch) used.batches++;
    perTenant.set(tenant, used);
    reply.raw.once('close', () => {
      used.requests--;
      if (batch) used.batches--;
      if (used.requests === 0) perTenant.delete(tenant);
    });
    return payload;
  });
  // Memory: a body counts from before it is read until its request is answered (its parsed form
  // lives as long), by its Content-Length, or by its route's limit when it comes in chunks. One
  // body is always taken when no other is held, whatever its size.
  let bodyBytes = 0;
  const bodyRefusals = new Counter({
    name: 'http_body_budget_refused_total',
    help: 'Requests refused because the bodies in flight held BODY_BYTES_IN_FLIGHT bytes',
    registers: [metrics],
  });
  new Gauge({
    name: 'http_body_bytes_in_flight',
    help: 'Bytes of request bodies held by the requests in flight',
    registers: [metrics],
    collect() {
      this.set(bodyBytes);
    },
  });
  app.addHook('preParsing', async (req, reply, payload) => {
    const limit = req.routeOptions.bodyLimit ?? options.bodyLimit;
    const length = req.headers['content-length'];
    const bytes =
      length !== undefined
        ? Math.min(Number(length) || 0, limit)
        : req.headers['transfer-encoding'] !== undefined
          ? limit
          : 0;
    if (bytes === 0) return payload;
    if (bodyBytes > 0 && bodyBytes + bytes > options.bodyBytesInFlight) {
      bodyRefusals.inc();
      throw new ContractError({
        code: 'overloaded',
        message: 'The server holds its limit of request bodies in flight, retry shortly',
        retryAfter: 1,
      });
    }
    bodyBytes += bytes;
    reply.raw.once('close', () => {
      bodyBytes -= bytes;
    });
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = routeOf(req);
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    if (route.endsWith('/SaveMultiple') && Array.isArray(req.body)) batchSize.observe(req.body.length);
  });

  if (options.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      hook: 'preHandler',
      max: options.rateLimitPerMinute,
      timeWindow: 60_000,
      // Per credential (tenant and user); the public pages by address.
      keyGenerator: (req) => (req.principal ? `${req.principal.domain}|${req.principal.username}` : req.ip),
      allowList: (req) => !req.principal,
      errorResponseBuilder: (_req, context) =>
        new ContractError({
          code: 'rate_limited',
          message: `More than ${context.max} requests per minute for these credentials`,
          retryAfter: Math.ceil(context.ttl / 1000),
        }),
    });
  }

  app.get('/health', async () => ({ status: 'ok', version: buildVersion }));
  app.get('/ready', async (_req, reply) => {
    try {
      const problems = await schemaProblems(db);
      if (!problems.length) return { status: 'ready', version: buildVersion };
      return reply.code(503).send({
        status: 'not_ready',
        version: buildVersion,
        reason: `the database schema is not this build's: ${problems.join('; ')}`,
      });
    } catch {
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ status: 'not_ready', version: buildVersion, reason: 'the database is unreachable' });
    }
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
}
