/** Configuration, entirely from environment variables (documented in README.md). */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL server; without it the embedded PGlite database is used. */
  databaseUrl: string | undefined;
  /** PGlite data folder, or `memory://` for a database that lives only as long as the process. */
  dataDir: string;
  dbPoolSize: number;
  /** Largest accepted request body, in bytes: the limit of SaveMultiple. */
  bodyLimit: number;
  /** Largest body of the single-record routes (POST, PUT, Save), in bytes (at most bodyLimit). */
  singleBodyLimit: number;
  /** Most records one SaveMultiple may carry (more: 413). */
  maxBatch: number;
  /** Records per page of a list (`$top` may ask for fewer). */
  pageSize: number;
  logLevel: string;
  /** How long deletions stay in the sync feed (tombstones, logically deleted rows), in days. */
  syncRetentionDays: number;
  /** How long an Idempotency-Key is remembered, in hours. */
  idempotencyTtlHours: number;
  /** How often the purge of expired tombstones and keys runs, in minutes (0: never in this process). */
  purgeIntervalMinutes: number;
  /** Requests answered at once; beyond, 503 with Retry-After. */
  maxInFlight: number;
  /** Requests one tenant may have in flight; beyond, 429 tenant_busy with Retry-After. */
  maxInFlightPerTenant: number;
  /** SaveMultiple requests one tenant may have in flight; beyond, 429 tenant_busy. */
  batchConcurrencyPerTenant: number;
  /** Longest time a client may take to send a whole request (headers and body), in seconds. */
  requestTimeoutSeconds: number;
  /** Longest time a client may take to send the request headers, in seconds. */
  headersTimeoutSeconds: number;
  /** Requests per minute per credential (429 beyond); 0: no limit. */
  rateLimitPerMinute: number;
  /**
   * Failed logins in 15 minutes before 429 `too_many_failures` (with Retry-After), counted so that
   * they cannot lock a user out: per address and API user (the row the database matched, whatever
   * the spelling of the name; an address without failures for that user is always verified; once
   * that many addresses have failed for one user, each waits 1 minute after its failure, doubled at
   * each further one), per address for names that match no user (past the limit refused before any
   * hash is computed), and per address and bearer token prefix (a bad token never refuses another).
   * IPv6 addresses count by /64.
   */
  authFailureLimit: number;
  /** Create a demo tenant and API user on first start of an empty embedded database. */
  demoTenant: boolean;
  /**
   * Which proxies' X-Forwarded-For, -Proto and -Host headers to believe (Fastify's trustProxy):
   * false (none), true (any), the addresses or CIDRs of the proxies, or the number of hops.
   */
  trustProxy: boolean | string[] | number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

function trustProxy(raw: string | undefined): boolean | string[] | number {
  const text = (raw ?? '').trim();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  const list = text.split(',').map((p) => p.trim());
  if (list.some((p) => !/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(p)))
    throw new Error(`TRUST_PROXY must be true, false, a hop count or addresses/CIDRs, got "${text}"`);
  return list;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: int(env, 'PORT', 8080, 0),
    host: env['HOST'] || '127.0.0.1',
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: env['PGLITE_DATA_DIR'] || './data/pglite',
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10),
    bodyLimit: int(env, 'BODY_LIMIT', 32 * 1024 * 1024),
    singleBodyLimit: int(env, 'SINGLE_BODY_LIMIT', 1024 * 1024),
    pageSize: int(env, 'PAGE_SIZE', 100),
    maxBatch: int(env, 'BATCH_MAX_RECORDS', 10_000),
    logLevel: env['LOG_LEVEL'] || 'info',
    syncRetentionDays: int(env, 'SYNC_RETENTION_DAYS', 30),
    idempotencyTtlHours: int(env, 'IDEMPOTENCY_TTL_HOURS', 24),
    purgeIntervalMinutes: int(env, 'PURGE_INTERVAL_MINUTES', 60, 0),
    demoTenant: (env['DEMO_TENANT'] ?? 'true') !== 'false',
    maxInFlight: int(env, 'MAX_IN_FLIGHT', 512),
    maxInFlightPerTenant: int(env, 'MAX_IN_FLIGHT_PER_TENANT', 128),
    batchConcurrencyPerTenant: int(env, 'BATCH_CONCURRENCY_PER_TENANT', 8),
    requestTimeoutSeconds: int(env, 'REQUEST_TIMEOUT_SECONDS', 120),
    headersTimeoutSeconds: int(env, 'HEADERS_TIMEOUT_SECONDS', 15),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 12_000, 0),
    authFailureLimit: int(env, 'AUTH_FAILURE_LIMIT', 10),
    trustProxy: trustProxy(env['TRUST_PROXY']),
  };
}
