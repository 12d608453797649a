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
  /** `json` (pino lines), `pretty` (readable, for development) or `auto` (pretty on a terminal). */
  logFormat: 'json' | 'pretty' | 'auto';
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

/** A configuration that cannot be used: every problem found, one line each. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1, max?: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max))
    throw new Error(
      `${name} must be an integer ${max === undefined ? `>= ${min}` : `from ${min} to ${max}`}, got "${raw}"`,
    );
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS = ['json', 'pretty', 'auto'] as const;

function databaseUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('DATABASE_URL is not a valid URL (expected postgres://user:password@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql://, got "${url.protocol}//"`);
  if (!url.hostname) throw new Error('DATABASE_URL names no host');
  return raw;
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

/** Reads the configuration; throws a ConfigError that lists every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const check = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (err) {
      problems.push((err as Error).message);
      return fallback;
    }
  };
  const config: Config = {
    port: check(() => int(env, 'PORT', 8080, 0, 65535), 0),
    host: env['HOST'] || '127.0.0.1',
    databaseUrl: check(() => databaseUrl(env['DATABASE_URL']), undefined),
    dataDir: env['PGLITE_DATA_DIR'] || './data/pglite',
    dbPoolSize: check(() => int(env, 'DB_POOL_SIZE', 10), 0),
    bodyLimit: check(() => int(env, 'BODY_LIMIT', 32 * 1024 * 1024), 0),
    singleBodyLimit: check(() => int(env, 'SINGLE_BODY_LIMIT', 1024 * 1024), 0),
    pageSize: check(() => int(env, 'PAGE_SIZE', 100), 0),
    maxBatch: check(() => int(env, 'BATCH_MAX_RECORDS', 10_000), 0),
    logLevel: check(() => {
      const level = env['LOG_LEVEL'] || 'info';
      if (!LOG_LEVELS.includes(level))
        throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
      return level;
    }, 'info'),
    logFormat: check(() => {
      const format = env['LOG_FORMAT'] || 'json';
      const known = LOG_FORMATS.find((f) => f === format);
      if (!known) throw new Error(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${format}"`);
      return known;
    }, 'json'),
    syncRetentionDays: check(() => int(env, 'SYNC_RETENTION_DAYS', 30), 0),
    idempotencyTtlHours: check(() => int(env, 'IDEMPOTENCY_TTL_HOURS', 24), 0),
    purgeIntervalMinutes: check(() => int(env, 'PURGE_INTERVAL_MINUTES', 60, 0), 0),
    demoTenant: (env['DEMO_TENANT'] ?? 'true') !== 'false',
    maxInFlight: check(() => int(env, 'MAX_IN_FLIGHT', 512), 0),
    maxInFlightPerTenant: check(() => int(env, 'MAX_IN_FLIGHT_PER_TENANT', 128), 0),
    batchConcurrencyPerTenant: check(() => int(env, 'BATCH_CONCURRENCY_PER_TENANT', 8), 0),
    requestTimeoutSeconds: check(() => int(env, 'REQUEST_TIMEOUT_SECONDS', 120), 0),
    headersTimeoutSeconds: check(() => int(env, 'HEADERS_TIMEOUT_SECONDS', 15), 0),
    rateLimitPerMinute: check(() => int(env, 'RATE_LIMIT_PER_MINUTE', 12_000, 0), 0),
    authFailureLimit: check(() => int(env, 'AUTH_FAILURE_LIMIT', 10), 0),
    trustProxy: check(() => trustProxy(env['TRUST_PROXY']), false),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
