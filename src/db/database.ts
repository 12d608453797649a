/**
 * One interface over the two drivers: PGlite (embedded, one connection, in-process) and `pg`
 * (a pool on a PostgreSQL server). Every tenant request runs in `withTenant`, a transaction under
 * the application role with the tenant set, so row-level security scopes every statement.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { APP_ROLE, TENANT_SETTING } from '../schema/schema-model.js';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * The statement ends its transaction: it goes out with COMMIT, in one round trip. A statement
   * sent after it runs in a transaction of its own (same role and tenant), so only a caller that
   * has nothing left to write with it asks for this.
   */
  commit?: boolean;
}

export interface Executor {
  /** The database runs in this process, on its event loop (PGlite): long statements hold everything. */
  readonly embedded: boolean;
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
  /** Runs several statements (no parameters), e.g. a migration. */
  exec(sql: string): Promise<void>;
  /** `COPY <table> (...) FROM STDIN` with `data` in COPY text format. */
  copyFrom(copySql: string, data: string): Promise<void>;
}

export interface Database extends Executor {
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T>;
  /**
   * A transaction as the application role for one tenant (row-level security applies);
   * `snapshot` makes it read-only on one snapshot (REPEATABLE READ), for consistent reads.
   */
  withTenant<T>(tenantId: string, fn: (tx: Executor) => Promise<T>, snapshot?: boolean): Promise<T>;
  close(): Promise<void>;
  /**
   * Calls `onMessage` with the payload of every notification (`NOTIFY` / `pg_notify`) sent on
   * `channel` by any session of the database, once its transaction commits; resolves once listening.
   * On PostgreSQL a dedicated connection listens and reconnects after it is lost: `onStatus(false)`
   * when it is lost, `onStatus(true)` when it listens again; notifications sent in between are
   * missed. The returned function (and `close`) stops listening.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onStatus?: (listening: boolean) => void,
  ): Promise<() => Promise<void>>;
  /** Connections of the pool (PostgreSQL), for metrics; undefined for PGlite. */
  poolStats(): { total: number; idle: number; waiting: number } | undefined;
}

// Dates without a zone are UTC, whatever the server's default time zone.
const SET_TENANT = `SELECT set_config('role', '${APP_ROLE}', true), set_config('${TENANT_SETTING}', $1, true),
  set_config('TimeZone', 'UTC', true)`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What SET_TENANT sets at session level, back to the connection's own. */
const RESET_SESSION = `RESET ROLE; SELECT set_config('${TENANT_SETTING}', '', false); RESET TimeZone`;

/** A SET_TENANT literal at session level (kept after its transaction) instead of transaction level. */
const sessionSetup = (setup: string): string => setup.replaceAll(', true)', ', false)');

/** SET_TENANT with the tenant id as a literal (checked to be a UUID), to go out with BEGIN. */
function setTenantLiteral(tenantId: string): string {
  if (!UUID.test(tenantId)) throw new Error('tenant id must be a UUID');
  return SET_TENANT.replace('$1', `'${tenantId}'`);
}

/**
 * node-postgres writes each message of a statement (parse, bind, describe, execute, sync) to the
 * socket on its own: several system calls a statement. Corked while the statement is handed over
 * (synchronously, on an idle connection), they leave in one write.
 */
function corked<T>(client: pg.ClientBase, send: () => T): T {
  const stream = (client as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection
    ?.stream;
  if (!stream?.cork || !stream.uncork) return send();
  stream.cork();
  try {
    return send();
  } finally {
    stream.uncork();
  }
}

/**
 * A statement with its parameters written in as literals, for the simple query protocol (several
 * statements in one message). A quoted literal takes its type from where it stands, as an untyped
 * parameter does; values are turned to text as node-postgres turns parameters.
 */
const { prepareValue } = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils;

function withLiterals(text: string, params: readonly unknown[] | undefined): string {
  if (!params?.length) return text;
  const parts = placeholderParts(text);
  let out = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const value = prepareValue(params[(parts[i] as number) - 1]);
    out +=
      value === null || value === undefined
        ? 'NULL'
        : Buffer.isBuffer(value)
          ? `'\\x${value.toString('hex')}'`
          : pg.escapeLiteral(String(value));
    out += parts[i + 1] as string;
  }
  return out;
}

/**
 * A statement's text split at its placeholders: text, number, text, .. (kept for the statements
 * sent again and again, bounded: a batch's text varies with its size).
 */
const placeholderSplits = new Map<string, ReadonlyArray<string | number>>();

function placeholderParts(text: string): ReadonlyArray<string | number> {
  let parts = placeholderSplits.get(text);
  if (parts) return parts;
  parts = text.split(/\$(\d+)/).map((part, i) => (i % 2 ? Number(part) : part));
  if (placeholderSplits.size < 512 && text.length <= 16_000) placeholderSplits.set(text, parts);
  return parts;
}

const statementNames = new Map<string, string>();

/**
 * Statements with parameters run as named prepared statements (parsed and planned once per
 * connection). Only short texts: batch statements vary with their size and are not worth keeping.
 */
function prepared(text: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  const values = params as unknown[] | undefined;
  if (!values?.length || text.length > 4000) return { text, ...(values ? { values } : {}) };
  let name = statementNames.get(text);
  if (!name) {
    if (statementNames.size >= 2000) return { text, values };
    name = `fs_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}

export interface DatabaseOptions {
  /** postgres:// URL; without it the embedded database is used. */
  url?: string | undefined;
  /** PGlite data folder, or `memory://` for an in-memory database. */
  dataDir?: string | undefined;
  /** A backup (`backupPglite`'s file) an in-memory embedded database starts from. */
  from?: string | undefined;
  poolSize?: number | undefined;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url
    ? openPostgres(options.url, options.poolSize ?? 10)
    : openPglite(options.dataDir ?? 'memory://', options.from);
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/** Longest time a server connection may stay idle inside a transaction before PostgreSQL ends it. */
export const IDLE_IN_TRANSACTION_MS = 60_000;

/** The name of the listening connections, as pg_stat_activity shows them. */
export const LISTENER_APPLICATION_NAME = 'fieldservice_listen';

/**
 * A dedicated connection that LISTENs on one channel and comes back after it is lost (the server
 * restarted, the connection was terminated), retrying with a growing delay up to 5 s.
 */
async function listenPostgres(
  url: string,
  channel: string,
  onMessage: (payload: string) => void,
  onStatus: ((listening: boolean) => void) | undefined,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delay = 100;
  const later = (): void => {
    timer = setTimeout(retry, delay);
    timer.unref();
    delay = Math.min(delay * 2, 5000);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 5000,
      application_name: LISTENER_APPLICATION_NAME,
    });
    // A lost connection emits 'error', then 'end': the 'end' brings the next connection.
    next.on('error', () => undefined);
    next.on('notification', (msg) => {
      if (msg.channel === channel) onMessage(msg.payload ?? '');
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
    } catch (err) {
      await next.end().catch(() => undefined);
      throw err;
    }
    if (stopped) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    delay = 100;
    next.once('end', () => {
      if (client === next) client = undefined;
      if (stopped) return;
      onStatus?.(false);
      later();
    });
  };
  const retry = (): void => {
    timer = undefined;
    if (stopped) return;
    connect().then(
      // Notifications sent while no connection listened are lost: the listener is told.
      () => {
        if (!stopped) onStatus?.(true);
      },
      () => {
        if (!stopped) later();
      },
    );
  };
  await connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const current = client;
    client = undefined;
    if (current) await current.end().catch(() => undefined);
  };
}

function openPostgres(url: string, max: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5000,
    // A transaction of the server is never idle for long (it waits on its own statements only): one
    // left open by a fault is ended, so that its locks and pending sync entries hold nothing back.
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
    },
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  /**
   * The tenant (its SET_TENANT literal) a connection holds at session level: a statement that is
   * a whole transaction on its own runs there in autocommit, prepared, in one round trip. Set only
   * by a statement that succeeded with it (one implicit transaction: on failure it is undone), and
   * reset before the connection serves the owner.
   */
  const sessions = new WeakMap<pg.PoolClient, string>();
  /** A connection for the owner's statements: one that holds a tenant is reset first. */
  const checkout = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    if (sessions.has(client)) {
      try {
        await client.query(RESET_SESSION);
      } catch (err) {
        client.release(true);
        throw err;
      }
      sessions.delete(client);
    }
    return client;
  };
  /**
   * A transaction begins with its first statement: BEGIN, `setup` (literals only) and that
   * statement go in one round trip, the statement's parameters written as literals. A transaction
   * that sends nothing sends no BEGIN nor COMMIT either.
   */
  const run = async <T>(
    setup: string | undefined,
    fn: (tx: Executor) => Promise<T>,
    snapshot = false,
  ): Promise<T> => {
    // A connection that holds a tenant at session level serves tenant transactions as it is (SET
    // LOCAL overrides the tenant inside them); the owner's, once reset.
    const client = setup === undefined ? await checkout() : await pool.connect();
    // A connection lost while checked out emits 'error' on the client: without a listener the
    // process would crash. The query in progress fails on its own; the client is then discarded.
    let broken = false;
    const onError = (): void => {
      broken = true;
    };
    client.on('error', onError);
    const begin = snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY' : 'BEGIN';
    const opening = setup ? `${begin}; ${setup}` : begin;
    /** Whether a transaction is open on the connection (it begins with its first statement). */
    let begun = false;
    const open = async (): Promise<void> => {
      if (begun) return;
      begun = true;
      await client.query(opening);
    };
    /**
     * Statements in one simple query (parameters as literals): PostgreSQL runs them in order and
     * stops at the first that fails. The result is the last statement's that returns one.
     */
    const together = async <R>(statements: string[], resultAt: number): Promise<QueryResult<R>> => {
      const results = (await corked(client, () => client.query(statements.join('; ')))) as unknown as
        pg.QueryResult | pg.QueryResult[];
      const all = Array.isArray(results) ? results : [results];
      const r = all[resultAt < 0 ? all.length + resultAt : resultAt]!;
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    };
    const inner = wrap(client);
    const tx: Executor = {
      embedded: false,
      async query<R>(text: string, params?: readonly unknown[], options?: QueryOptions) {
        if (begun && !options?.commit) return inner.query<R>(text, params);
        if (!begun && options?.commit && setup && !snapshot) {
          // A transaction of one statement: in autocommit under the tenant held by the session,
          // prepared; else with the tenant set at session level in the same implicit transaction.
          if (sessions.get(client) === setup) return inner.query<R>(text, params);
          const result = await together<R>([sessionSetup(setup), withLiterals(text, params)], -1);
          sessions.set(client, setup);
          return result;
        }
        const statements = begun ? [] : [opening];
        statements.push(withLiterals(text, params));
        begun = true;
        if (!options?.commit) return together<R>(statements, -1);
        statements.push('COMMIT');
        const result = await together<R>(statements, -2);
        begun = false;
        return result;
      },
      async exec(sql: string) {
        await open();
        await inner.exec(sql);
      },
      async copyFrom(copySql: string, data: string) {
        await open();
        await inner.copyFrom(copySql, data);
      },
    };
    try {
      const result = await fn(tx);
      if (begun) await client.query('COMMIT');
      return result;
    } catch (err) {
      if (begun) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
      }
      throw err;
    } finally {
      client.off('error', onError);
      client.release(broken || undefined);
    }
  };
  const wrap = (client: pg.PoolClient): Executor => ({
    embedded: false,
    async query<R>(text: string, params?: readonly unknown[]) {
      const r = await corked(client, () => client.query(prepared(text, params)));
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async copyFrom(copySql: string, data: string) {
      const stream = client.query(copyFrom(`${copySql} FROM STDIN`));
      await pipeline(Readable.from([data]), stream);
    },
  });
  const listeners = new Set<() => Promise<void>>();
  /** The owner's statements outside a transaction, on a connection that holds no tenant. */
  const owned = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await checkout();
    let broken = false;
    try {
      return await fn(client);
    } catch (err) {
      broken = !(err instanceof Error && 'severity' in err);
      throw err;
    } finally {
      client.release(broken || undefined);
    }
  };
  return {
    embedded: false,
    query: (text, params) => owned((client) => wrap(client).query(text, params)),
    exec: (sql) => owned((client) => wrap(client).exec(sql)),
    copyFrom: () => Promise.reject(new Error('COPY needs a transaction')),
    transaction: (fn) => run(undefined, fn),
    withTenant: (tenantId, fn, snapshot) => run(setTenantLiteral(tenantId), fn, snapshot),
    async listen(channel, onMessage, onStatus) {
      if (!CHANNEL.test(channel)) throw new Error(`Not a channel name: ${channel}`);
      const stop = await listenPostgres(url, channel, onMessage, onStatus);
      const unlisten = async (): Promise<void> => {
        listeners.delete(unlisten);
        await stop();
      };
      listeners.add(unlisten);
      return unlisten;
    },
    async close() {
      await Promise.all([...listeners].map((stop) => stop()));
      await pool.end();
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

/** Two processes on one PGlite folder corrupt it: the folder is locked while open. */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, '.fieldservice.lock');
  try {
    closeSync(openSync(lock, 'wx'));
  } catch {
    const pid = Number(readFileSync(lock, 'utf8'));
    let alive: boolean;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`The data folder ${dir} is in use by process ${pid}`);
  }
  writeFileSync(lock, String(process.pid));
  return () => {
    try {
      unlinkSync(lock);
    } catch {
      /* already gone */
    }
  };
}

async function openPglite(dataDir: string, from: string | undefined): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  if (from !== undefined && !inMemory) throw new Error('Only an in-memory database starts from a backup');
  const unlock = inMemory ? () => undefined : lockDataDir(dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir, {
      parsers: { [pgliteTypes.INT8]: (v: string) => Number(v) },
      ...(from === undefined ? {} : { loadDataDir: new Blob([readFileSync(from)]) }),
    });
  } catch (err) {
    unlock();
    throw err;
  }
  const wrap = (client: Pick<PGlite, 'query' | 'exec'>): Executor => ({
    embedded: true,
    async query<R>(text: string, params?: readonly unknown[]) {
      const r = await client.query<R>(text, params as unknown[]);
      // affectedRows is 0 for a SELECT: the row count is the number of rows then.
      return { rows: r.rows, rowCount: r.rows.length || (r.affectedRows ?? 0) };
    },
    async exec(sql: string) {
      await client.exec(sql);
    },
    async copyFrom(copySql: string, data: string) {
      // PGlite reads COPY data from a virtual file, which only a superuser may do: the copy (into a
      // temporary table, from the blob given here) runs as the session user, then the role is back.
      const { rows } = await client.query<{ role: string }>("SELECT current_setting('role') AS role");
      const role = rows[0]?.role ?? 'none';
      if (role !== 'none') await client.query('SET LOCAL ROLE NONE');
      try {
        await client.query(`${copySql} FROM '/dev/blob'`, [], { blob: new Blob([data]) });
      } finally {
        if (role !== 'none') await client.query("SELECT set_config('role', $1, true)", [role]);
      }
    },
  });
  let closed = false;
  return {
    embedded: true,
    // PGlite has one connection: a plain query must not run inside someone else's transaction.
    query: (text, params) => db.transaction((tx) => wrap(tx).query(text, params)),
    async exec(sql) {
      await db.transaction((tx) => tx.exec(sql));
    },
    copyFrom: (copySql, data) => db.transaction((tx) => wrap(tx).copyFrom(copySql, data)),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    withTenant: (tenantId, fn, snapshot) =>
      db.transaction(async (tx) => {
        if (snapshot) await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        await tx.query(SET_TENANT, [tenantId]);
        return fn(wrap(tx));
      }),
    async listen(channel, onMessage) {
      if (!CHANNEL.test(channel)) throw new Error(`Not a channel name: ${channel}`);
      // One process: notifications are delivered in it, when the notifying transaction commits.
      const stop = await db.listen(channel, onMessage);
      return async () => {
        if (!closed) await stop();
      };
    },
    async close() {
      closed = true;
      await db.close();
      unlock();
    },
    poolStats: () => undefined,
  };
}

/** A PGlite data folder holds a database when it has Postgres's version file. */
const holdsDatabase = (dir: string): boolean => existsSync(join(dir, 'PG_VERSION'));

/**
 * Writes a consistent copy of the embedded database in `dataDir` to `file` (a gzip'd tar of the
 * data folder, PGlite's `dumpDataDir`). The folder is locked meanwhile: a running server refuses it.
 */
export async function backupPglite(dataDir: string, file: string): Promise<{ bytes: number }> {
  if (!holdsDatabase(dataDir)) throw new Error(`No embedded database in ${dataDir}`);
  const unlock = lockDataDir(dataDir);
  try {
    const db = await PGlite.create(dataDir);
    try {
      const dump = await db.dumpDataDir('gzip');
      const bytes = Buffer.from(await dump.arrayBuffer());
      writeFileSync(file, bytes);
      return { bytes: bytes.length };
    } finally {
      await db.close();
    }
  } finally {
    unlock();
  }
}

/** Loads a backup made by `backupPglite` into `dataDir`, which must not hold a database yet. */
export async function restorePglite(file: string, dataDir: string): Promise<void> {
  if (holdsDatabase(dataDir))
    throw new Error(
      `${dataDir} already holds a database: move it away (or set PGLITE_DATA_DIR to a new folder) and restore again`,
    );
  const unlock = lockDataDir(dataDir);
  try {
    const db = await PGlite.create(dataDir, { loadDataDir: new Blob([readFileSync(file)]) });
    await db.close();
  } finally {
    unlock();
  }
}
