/** Configuration, entirely from environment variables (documented in README.md). */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL server; without it the embedded PGlite database is used. */
  databaseUrl: string | undefined;
  /** PGlite data folder, or `memory://` for a database that lives only as long as the process. */
  dataDir: string;
  dbPoolSize: number;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Most records one SaveMultiple may carry (more: 413). */
  maxBatch: number;
  /** Records per page of a list (`$top` may ask for fewer). */
  pageSize: number;
  logLevel: string;
  /** Create a demo tenant and API user on first start of an empty embedded database. */
  demoTenant: boolean;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: int(env, 'PORT', 8080, 0),
    host: env['HOST'] || '127.0.0.1',
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: env['PGLITE_DATA_DIR'] || './data/pglite',
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10),
    bodyLimit: int(env, 'BODY_LIMIT', 32 * 1024 * 1024),
    pageSize: int(env, 'PAGE_SIZE', 100),
    maxBatch: int(env, 'BATCH_MAX_RECORDS', 10_000),
    logLevel: env['LOG_LEVEL'] || 'info',
    demoTenant: (env['DEMO_TENANT'] ?? 'true') !== 'false',
  };
}
