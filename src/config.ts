import { getHeapStatistics } from 'node:v8';

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
  /** `json` lines, `pretty` (readable) or `auto` (readable when stdout is a terminal). */
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
  /**
   * Bytes of request bodies the requests in flight may hold together (a body's Content-Length, or
   * its route's limit when it is sent chunked); beyond, 503 overloaded before the body is read.
   * A parsed body takes a few times its size in memory: the default is a sixth of the heap.
   */
  bodyBytesInFlight: number;
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
  /** Origins a browser may call the API from (CORS), `*` for any; empty: none. */
  corsOrigins: string[];
}

/** Every problem of the configuration, one line each: the server does not start with any. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS = ['json', 'pretty', 'auto'] as const;

/** Reads the environment, collecting a line per invalid variable. */
class Reader {
  readonly problems: string[] = [];
  constructor(readonly env: NodeJS.ProcessEnv) {}

  int(name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(
        `${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got "${raw}"`,
      );
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = (this.env[name] ?? '').trim().toLowerCase();
    if (raw === '') return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    this.problems.push(`${name} must be true or false, got "${this.env[name]}"`);
    return fallback;
  }

  check<T>(fallback: T, read: () => T): T {
    try {
      return read();
    } catch (err) {
      this.problems.push((err as Error).message);
      return fallback;
    }
  }
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

/** A PostgreSQL connection URL, checked before any connection is tried. */
function databaseUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('DATABASE_URL is not a URL: expected postgres://user:password@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql://, got "${url.protocol}//"`);
  if (!url.hostname && !url.searchParams.get('host'))
    throw new Error('DATABASE_URL names no host: expected postgres://user:password@host:5432/database');
  return raw;
}

/** CORS_ORIGINS: `*`, or origins such as https://app.example.com, comma-separated. */
function corsOrigins(raw: string | undefined): string[] {
  const list = (raw ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of list) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin.replace(/\/$/, ''))
      throw new Error(`CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port]) or *`);
  }
  return list.map((o) => o.replace(/\/$/, ''));
}

/** The configuration; throws a ConfigError listing every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = new Reader(env);
  const bodyLimit = r.int('BODY_LIMIT', 32 * 1024 * 1024);
  const config: Config = {
    port: r.int('PORT', 8080, 0, 65535),
    host: env['HOST'] || '127.0.0.1',
    databaseUrl: r.check(undefined, () => databaseUrl(env['DATABASE_URL'])),
    dataDir: env['PGLITE_DATA_DIR'] || './data/pglite',
    dbPoolSize: r.int('DB_POOL_SIZE', 10),
    bodyLimit,
    singleBodyLimit: r.int('SINGLE_BODY_LIMIT', 1024 * 1024),
    pageSize: r.int('PAGE_SIZE', 100),
    maxBatch: r.int('BATCH_MAX_RECORDS', 10_000),
    logLevel: r.check('info', () => {
      const level = (env['LOG_LEVEL'] || 'info').toLowerCase();
      if (!LOG_LEVELS.includes(level))
        throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env['LOG_LEVEL']}"`);
      return level;
    }),
    logFormat: r.check('json', () => {
      const format = LOG_FORMATS.find((f) => f === (env['LOG_FORMAT'] || 'json').toLowerCase());
      if (!format)
        throw new Error(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${env['LOG_FORMAT']}"`);
      return format;
    }),
    syncRetentionDays: r.int('SYNC_RETENTION_DAYS', 30),
    idempotencyTtlHours: r.int('IDEMPOTENCY_TTL_HOURS', 24),
    purgeIntervalMinutes: r.int('PURGE_INTERVAL_MINUTES', 60, 0),
    demoTenant: r.bool('DEMO_TENANT', true),
    maxInFlight: r.int('MAX_IN_FLIGHT', 512),
    maxInFlightPerTenant: r.int('MAX_IN_FLIGHT_PER_TENANT', 128),
    batchConcurrencyPerTenant: r.int('BATCH_CONCURRENCY_PER_TENANT', 8),
    bodyBytesInFlight: r.int(
      'BODY_BYTES_IN_FLIGHT',
      Math.max(bodyLimit, Math.floor(getHeapStatistics().heap_size_limit / 6)),
    ),
    requestTimeoutSeconds: r.int('REQUEST_TIMEOUT_SECONDS', 120),
    headersTimeoutSeconds: r.int('HEADERS_TIMEOUT_SECONDS', 15),
    rateLimitPerMinute: r.int('RATE_LIMIT_PER_MINUTE', 12_000, 0),
    authFailureLimit: r.int('AUTH_FAILURE_LIMIT', 10),
    trustProxy: r.check(false, () => trustProxy(env['TRUST_PROXY'])),
    corsOrigins: r.check([], () => corsOrigins(env['CORS_ORIGINS'])),
  };
  if (r.problems.length) throw new ConfigError(r.problems);
  return config;
}
