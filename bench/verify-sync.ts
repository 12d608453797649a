/**
 * `npm run verify:sync`: the sync feed against real processes and faults, for a bounded time.
 *
 * Writers (Save, SaveMultiple with overlapping ids, PUT, DELETE of a physically deleted entity,
 * JobType, and of a logically deleted one, JobDispatchLog, re-creations, Idempotency-Key retries
 * sent to two processes, If-Match races) and pullers (small pages, each page from any process,
 * 410 = start again from nothing) run against the server while faults are injected: a transaction
 * held open from the side that commits late, purges with a zero retention, a kill -9 and restart
 * of a server process, a restart of the database. At the end every puller catches up and its copy
 * is compared record by record with the tables, and every acknowledged write is checked against
 * the database. Exit code 1 on any mismatch, lost write or broken guarantee.
 *
 * Scenarios: `postgres` (N processes on a scratch database of a PostgreSQL cluster of its own,
 * started with the machine's initdb/pg_ctl on a free loopback port; without the binaries, the
 * server of TEST_DATABASE_URL, no database restart) and `pglite` (one process on an embedded
 * database in a temporary folder, killed and restarted on the same folder).
 *
 * Options: --seconds N (SYNC_VERIFY_SECONDS, 60) per scenario, --processes N (SYNC_VERIFY_PROCESSES,
 * 3), --scenario postgres|pglite|postgres,pglite (SYNC_VERIFY_SCENARIO, both).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { purgeExpired } from '../src/domain/purge.js';
import { registry } from '../src/schema/registry.js';
import { createTenantWithUser } from '../src/setup.js';
import { postgresBin, startCluster, type Cluster } from '../test/cluster.js';
import { scratchDatabase, startProcess, waitReady } from './processes.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string' },
    processes: { type: 'string' },
    scenario: { type: 'string' },
  },
});

function whole(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number >= 1, got "${raw}"`);
  return n;
}
const SECONDS = whole('--seconds', args.seconds ?? process.env['SYNC_VERIFY_SECONDS'], 60);
const PROCESSES = whole('--processes', args.processes ?? process.env['SYNC_VERIFY_PROCESSES'], 3);
const SCENARIOS = (args.scenario ?? process.env['SYNC_VERIFY_SCENARIO'] ?? 'postgres,pglite').split(',');
for (const s of SCENARIOS)
  if (s !== 'postgres' && s !== 'pglite') throw new Error(`--scenario: ${s} is not postgres or pglite`);

const WRITERS = 4;
/** Pullers: page size and the encoding they ask for (an XML client reads its pages with fast-xml-parser). */
const PULLERS: { limit: number; xml: boolean }[] = [
  { limit: 3, xml: false },
  { limit: 7, xml: true },
  { limit: 25, xml: false },
  { limit: 200, xml: false },
  { limit: 11, xml: true },
];
const DOMAIN = 'verify.test';
const USER = 'verify';
const PASSWORD = 'verify-sync-password';
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}@${DOMAIN}`).toString('base64')}`;

/** The two entities written: a physical delete and a logical one; `field` carries each write's token. */
const ENTITIES = {
  JobType: { table: 'job_type', field: 'name', live: {} },
  JobDispatchLog: {
    table: 'job_dispatch_log',
    field: 'rejected_reason',
    live: { sys_logical_delete: false },
  },
} as const;
type Route = keyof typeof ENTITIES;
const ROUTES = Object.keys(ENTITIES) as Route[];
const fieldOf = (table: string): string =>
  Object.values(ENTITIES).find((e) => e.table === table)?.field ?? 'name';

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (err) {
      process.stderr.write(`cleanup: ${(err as Error).message}\n`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));

const now = (): number => performance.now();
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
const log = (line: string): void => void process.stdout.write(`  ${line}\n`);

// The servers run as `npm start` runs them: compiled, from dist/ (built here when stale).
if (spawnSync(process.execPath, ['scripts/build.js', '--if-stale'], { stdio: 'inherit' }).status !== 0)
  throw new Error('the build failed');

/** A server process that can be killed and started again with the same environment. */
class Server {
  proc: ChildProcess | undefined;
  url = '';
  up = false;
  constructor(
    readonly name: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}
  async start(): Promise<void> {
    const started = await startProcess('dist/server.js', this.env);
    this.proc = started.proc;
    this.url = started.url;
    await waitReady(this.url);
    this.up = true;
  }
  private async signal(signal: NodeJS.Signals): Promise<void> {
    this.up = false;
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((resolve) => p.once('exit', resolve));
    p.kill(signal);
    await exited;
  }
  kill9 = (): Promise<void> => this.signal('SIGKILL');
  stop = (): Promise<void> => this.signal('SIGTERM');
}

/** One write attempt on one record, as the lost-write check needs it. */
interface Attempt {
  sent: number;
  /** When the answer came; Infinity when the outcome is unknown (it may commit later). */
  done: number;
  outcome: 'ack' | 'unknown' | 'none';
  deleted: boolean;
  token: string;
  /** An Idempotency-Key's stored answer: the write it reports was done by an earlier attempt. */
  replayed?: boolean;
}
interface Target {
  key: string;
  deleted: boolean;
  token: string;
}

interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

class Stats {
  acked = 0;
  unknown = 0;
  conflicts = 0;
  retries = 0;
  networkErrors = 0;
  /** `503 retry`, `429 tenant_busy`, ... */
  readonly transient = new Map<string, number>();
  races = 0;
  raceOneWinner = 0;
  raceNoWinner = 0;
  raceBothWon: string[] = [];
  idempotentPairs = 0;
  idempotentReplayed = 0;
  idempotentDiffer: string[] = [];
  unexpected: string[] = [];
  readonly history = new Map<string, Attempt[]>();
  note(kind: string): void {
    this.transient.set(kind, (this.transient.get(kind) ?? 0) + 1);
  }
}

/** What a scenario runs against, and its faults. */
interface Scenario {
  name: string;
  servers: Server[];
  /** Tables of the tenant: live records by `table:id`. */
  readState(): Promise<Map<string, { version: number; token: string }>>;
  /** Faults, each at its fraction of the run. */
  faults: { at: number; name: string; run(h: Harness): Promise<string> }[];
  /** Faults one after the other (each not before its time), as on a single process. */
  serial?: boolean;
}

class Harness {
  readonly stats = new Stats();
  running = true;
  /**
   * Purge starts and ends so far, each counted (a purge may let a re-created record's version start
   * again): a value that grew between two moments means a purge ran, at least in part, between them.
   */
  purges = 0;
  readonly deadline: number;
  readonly pools: Record<Route, string[]> = { JobType: [], JobDispatchLog: [] };
  /** When the first attempt with each Idempotency-Key was sent. */
  private readonly keySent = new Map<string, number>();
  constructor(readonly servers: Server[]) {
    this.deadline = now() + SECONDS * 1000;
  }

  async liveServer(not?: Server): Promise<Server> {
    for (let i = 0; i < 1200; i++) {
      const up = this.servers.filter((s) => s.up && s !== not);
      if (up.length) return pick(up);
      const any = this.servers.filter((s) => s.up);
      if (any.length) return pick(any);
      await sleep(50);
    }
    throw new Error('no server process came back within 60 s');
  }

  async raw(
    server: Server,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: AUTH,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: await res.text(), headers: res.headers };
  }

  /** Writes made from the side, straight in the tables: acknowledged when their transaction committed. */
  recordSide(targets: Target[], sent: number, committed: boolean): void {
    this.record(targets, sent, () => (committed ? 'ack' : 'none'));
  }

  private record(
    targets: Target[],
    sent: number,
    outcome: (t: Target, i: number) => Attempt['outcome'],
    replayed = false,
  ): void {
    const done = now();
    targets.forEach((t, i) => {
      const o = outcome(t, i);
      if (o === 'ack') this.stats.acked++;
      if (o === 'unknown') this.stats.unknown++;
      const list = this.stats.history.get(t.key) ?? [];
      list.push({
        sent,
        done: o === 'unknown' ? Infinity : done,
        outcome: o,
        deleted: t.deleted,
        token: t.token,
        ...(replayed ? { replayed } : {}),
      });
      this.stats.history.set(t.key, list);
    });
  }

  /**
   * A write, retried after 429/503 (Retry-After) and network errors, every attempt recorded. A
   * batch's records are acknowledged one by one from its results.
   */
  async write(
    method: string,
    path: string,
    body: unknown,
    targets: Target[],
    options: { headers?: Record<string, string>; server?: Server; batch?: boolean } = {},
  ): Promise<Answer | undefined> {
    const key = options.headers?.['idempotency-key'];
    for (let attempt = 0; attempt < 40; attempt++) {
      const server = options.server?.up ? options.server : await this.liveServer();
      const sent = now();
      if (key !== undefined && !this.keySent.has(key)) this.keySent.set(key, sent);
      let res: Answer;
      try {
        res = await this.raw(server, method, path, body, options.headers);
      } catch {
        this.record(targets, sent, () => 'unknown');
        this.stats.networkErrors++;
        this.stats.retries++;
        await sleep(100);
        continue;
      }
      if (res.status === 429 || res.status === 503) {
        const code = (JSON.parse(res.body || '{}') as { code?: string }).code ?? '';
        this.stats.note(`${res.status} ${code}`.trim());
        // 429 is decided before the body is read; a 503 may come after the commit was sent.
        this.record(targets, sent, () => (res.status === 429 ? 'none' : 'unknown'));
        this.stats.retries++;
        const after = Number(res.headers.get('retry-after') ?? 1);
        await sleep(Math.min(Number.isFinite(after) ? after : 1, 5) * 1000);
        continue;
      }
      if (res.status === 409) this.stats.conflicts++;
      if (res.status >= 200 && res.status < 300 && options.batch) {
        const results = JSON.parse(res.body) as { success: boolean; status: string }[];
        this.record(targets, sent, (_t, i) => (results[i]?.success ? 'ack' : 'none'));
        for (const r of results)
          if (!r.success) this.stats.unexpected.push(`SaveMultiple record refused: ${JSON.stringify(r)}`);
      } else {
        // A replayed answer reports the write of the key's first attempt: done after that was sent,
        // not after this one was (a write answered in between may be the later one).
        const replayed = key !== undefined && res.headers.get('idempotent-replayed') === 'true';
        this.record(
          targets,
          replayed ? this.keySent.get(key)! : sent,
          () => (res.status >= 200 && res.status < 300 ? 'ack' : 'none'),
          replayed,
        );
        if (res.status >= 400 && res.status !== 404 && res.status !== 409)
          this.stats.unexpected.push(`${method} ${path}: ${res.status} ${res.body.slice(0, 200)}`);
      }
      return res;
    }
    return undefined;
  }

  poolId(route: Route, fresh: number): string {
    const pool = this.pools[route];
    if (pool.length < 10 || Math.random() < fresh) {
      const id = randomUUID();
      if (pool.length < 150) pool.push(id);
      else pool[Math.floor(Math.random() * pool.length)] = id;
      return id;
    }
    return pick(pool);
  }

  body(route: Route, id: string, token: string): Record<string, unknown> {
    return { id, [ENTITIES[route].field]: token, ...ENTITIES[route].live };
  }

  target(route: Route, id: string, token: string, deleted = false): Target {
    return { key: `${ENTITIES[route].table}:${id}`, deleted, token };
  }

  async writer(w: number): Promise<void> {
    for (let n = 0; this.running && n < 100_000; n++) {
      const route = pick(ROUTES);
      const token = `w${w}-${n}`;
      const op = Math.random();
      if (op < 0.22) {
        const id = this.poolId(route, 0.4);
        await this.write('POST', `/api/${route}/Save`, this.body(route, id, token), [
          this.target(route, id, token),
        ]);
      } else if (op < 0.44) {
        const ids = [
          ...new Set(
            Array.from({ length: 2 + Math.floor(Math.random() * 5) }, () => this.poolId(route, 0.3)),
          ),
        ];
        const records = ids.map((id, i) => this.body(route, id, `${token}.${i}`));
        await this.write(
          'POST',
          `/api/${route}/SaveMultiple`,
          records,
          ids.map((id, i) => this.target(route, id, `${token}.${i}`)),
          { batch: true },
        );
      } else if (op < 0.58) {
        const id = this.poolId(route, 0);
        const { id: _, ...fields } = this.body(route, id, token);
        await this.write('PUT', `/api/${route}(${id})`, fields, [this.target(route, id, token)]);
      } else if (op < 0.74) {
        const id = this.poolId(route, 0);
        await this.write('DELETE', `/api/${route}(${id})`, undefined, [this.target(route, id, token, true)]);
      } else if (op < 0.87) {
        await this.idempotentPair(route, token);
      } else {
        await this.ifMatchRace(route, token);
      }
    }
  }

  /** The same Save with the same Idempotency-Key, to two processes, at once or one after the other. */
  async idempotentPair(route: Route, token: string): Promise<void> {
    const id = this.poolId(route, 0.5);
    const body = this.body(route, id, token);
    const headers = { 'idempotency-key': `verify-${token}-${randomUUID()}` };
    const a = await this.liveServer();
    const b = await this.liveServer(a);
    const send = (server: Server) =>
      this.write('POST', `/api/${route}/Save`, body, [this.target(route, id, token)], { headers, server });
    const [first, second] =
      Math.random() < 0.5 ? await Promise.all([send(a), send(b)]) : [await send(a), await send(b)];
    if (!first || !second || first.status >= 300 || second.status >= 300) return;
    this.stats.idempotentPairs++;
    if (
      first.headers.get('idempotent-replayed') === 'true' ||
      second.headers.get('idempotent-replayed') === 'true'
    )
      this.stats.idempotentReplayed++;
    if (first.status !== second.status || first.body !== second.body)
      this.stats.idempotentDiffer.push(
        `${route} ${id} key ${headers['idempotency-key']}: ${first.status} ${first.body.slice(0, 120)} / ${second.status} ${second.body.slice(0, 120)}`,
      );
  }

  /** Two PUTs of one record with the same If-Match, to two processes at once: at most one may win. */
  async ifMatchRace(route: Route, token: string): Promise<void> {
    const id = this.poolId(route, 0);
    let got: Answer;
    try {
      got = await this.raw(await this.liveServer(), 'GET', `/api/${route}(${id})`);
    } catch {
      return;
    }
    if (got.status !== 200) return;
    const version = (JSON.parse(got.body) as { row_version: number }).row_version;
    const a = await this.liveServer();
    const b = await this.liveServer(a);
    const put = (server: Server, t: string) => {
      const { id: _, ...fields } = this.body(route, id, t);
      return this.write('PUT', `/api/${route}(${id})`, fields, [this.target(route, id, t)], {
        headers: { 'if-match': `"${version}"` },
        server,
      });
    };
    const answers = await Promise.all([put(a, `${token}.a`), put(b, `${token}.b`)]);
    this.stats.races++;
    const won = answers.filter((r) => r && r.status === 200).length;
    if (won === 1) this.stats.raceOneWinner++;
    else if (won === 0) this.stats.raceNoWinner++;
    else this.stats.raceBothWon.push(`${route} ${id}: both PUTs with If-Match "${version}" answered 200`);
  }
}

interface Page {
  changes: {
    entity: string;
    id: string;
    deleted: boolean;
    row_version: number;
    record?: Record<string, unknown>;
  }[];
  next: string;
  has_more: boolean;
}

/** A page of `<SyncChanges>` as an XML client reads it: element values are text, nothing inferred. */
const xmlReader = new XMLParser({
  parseTagValue: false,
  ignoreAttributes: true,
  isArray: (name, path) => name === 'change' && path === 'SyncChanges.changes.change',
});
function xmlPage(body: string): Page {
  const doc = xmlReader.parse(body) as {
    SyncChanges: {
      changes: '' | { change: Record<string, string | Record<string, Record<string, unknown>>>[] };
      next: string;
      has_more: string;
    };
  };
  const root = doc.SyncChanges;
  const list = root.changes === '' ? [] : root.changes.change;
  return {
    changes: list.map((c) => {
      const entity = String(c['entity']);
      const record = c['record'] as Record<string, Record<string, unknown>> | undefined;
      return {
        entity,
        id: String(c['id']),
        deleted: c['deleted'] === 'true',
        row_version: Number(c['row_version']),
        ...(record ? { record: record[entity] ?? {} } : {}),
      };
    }),
    next: String(root.next),
    has_more: root.has_more === 'true',
  };
}

/** A client following the README's protocol; each page from any live process. */
class Puller {
  readonly local = new Map<string, { version: number; token: string }>();
  /**
   * The last change delivered of each record since the last start from nothing, with the purges
   * counted when its page was asked for.
   */
  private readonly seen = new Map<string, { version: number; deleted: boolean; purges: number }>();
  cursor = '';
  restarts = 0;
  pages = 0;
  duplicates = 0;
  regressions = 0;
  /** A record created (and maybe deleted) again after its deletion was purged: versions from 1 again. */
  restartedVersions = 0;
  /** The deliveries counted as twice or older, described. */
  readonly odd: string[] = [];
  constructor(
    readonly name: string,
    readonly harness: Harness,
    readonly limit: number,
    readonly xml = false,
  ) {}

  /** One page; undefined when the page could not be had (process down, 503), to try again. */
  async pullOnce(): Promise<{ changes: number; hasMore: boolean } | undefined> {
    const since = this.cursor ? `&since=${this.cursor}` : '';
    // The purges counted when the page was asked for: its snapshot may come before a purge that
    // started later, even one that has ended by the time the answer is read.
    const requested = this.harness.purges;
    let res: Answer;
    try {
      const server = await this.harness.liveServer();
      res = await this.harness.raw(
        server,
        'GET',
        `/api/Sync/Changes?entities=${ROUTES.join(',')}&limit=${this.limit}${since}`,
        undefined,
        this.xml ? { accept: 'application/xml' } : {},
      );
    } catch {
      return undefined;
    }
    if (res.status === 410) {
      this.restarts++;
      this.local.clear();
      this.seen.clear();
      this.cursor = '';
      return { changes: 0, hasMore: true };
    }
    if (res.status === 429 || res.status === 503) return undefined;
    if (res.status !== 200) {
      this.harness.stats.unexpected.push(`${this.name} pull: ${res.status} ${res.body.slice(0, 200)}`);
      return undefined;
    }
    const page = this.xml ? xmlPage(res.body) : (JSON.parse(res.body) as Page);
    for (const c of page.changes) {
      const key = `${c.entity}:${c.id}`;
      const before = this.seen.get(key);
      const purges = this.harness.purges;
      if (before && before.version >= c.row_version) {
        // Once its deletion is purged, a record created again starts again from version 1; so may its
        // next deletion, delivered at a version that is not above the purged one.
        if (before.deleted && purges > before.purges) this.restartedVersions++;
        else {
          if (before.version === c.row_version) this.duplicates++;
          else this.regressions++;
          this.odd.push(
            `${key}: v${before.version}${before.deleted ? ' deleted' : ''} (purges ${before.purges}) then ` +
              `v${c.row_version}${c.deleted ? ' deleted' : ''} (purges ${purges}), cursor ${Buffer.from(this.cursor, 'base64url').toString()}`,
          );
        }
      }
      this.seen.set(key, { version: c.row_version, deleted: c.deleted, purges: requested });
      if (c.deleted) this.local.delete(key);
      else this.local.set(key, { version: c.row_version, token: String(c.record?.[fieldOf(c.entity)]) });
    }
    this.cursor = page.next;
    this.pages++;
    return { changes: page.changes.length, hasMore: page.has_more };
  }

  async run(): Promise<void> {
    while (this.harness.running) {
      const r = await this.pullOnce();
      if (!r || (!r.changes && !r.hasMore)) await sleep(30);
    }
  }

  /** Pulls until has_more is false and a further page brings nothing (bounded). */
  async catchUp(): Promise<boolean> {
    const until = now() + 120_000;
    while (now() < until) {
      const r = await this.pullOnce();
      if (!r) await sleep(100);
      else if (!r.hasMore && r.changes === 0) return true;
    }
    return false;
  }
}

interface Comparison {
  name: string;
  compared: number;
  missing: number;
  extra: number;
  stale: number;
  restarts: number;
  pages: number;
  duplicates: number;
  regressions: number;
  restartedVersions: number;
  caughtUp: boolean;
  examples: string[];
}

function compare(
  p: Puller,
  state: Map<string, { version: number; token: string }>,
  caughtUp: boolean,
): Comparison {
  const c: Comparison = {
    name: `${p.name} (limit ${p.limit}${p.xml ? ', XML' : ''})`,
    compared: 0,
    missing: 0,
    extra: 0,
    stale: 0,
    restarts: p.restarts,
    pages: p.pages,
    duplicates: p.duplicates,
    regressions: p.regressions,
    restartedVersions: p.restartedVersions,
    caughtUp,
    examples: [],
  };
  for (const [key, want] of state) {
    c.compared++;
    const mine = p.local.get(key);
    if (!mine) {
      c.missing++;
      c.examples.push(`missing ${key} (database v${want.version} "${want.token}")`);
    } else if (mine.version !== want.version || mine.token !== want.token) {
      c.stale++;
      c.examples.push(
        `stale ${key}: v${mine.version} "${mine.token}", database v${want.version} "${want.token}"`,
      );
    }
  }
  for (const key of p.local.keys())
    if (!state.has(key)) {
      c.compared++;
      c.extra++;
      c.examples.push(`extra ${key}: not live in the database`);
    }
  return c;
}

/** Acknowledged writes the database does not show, though no write that may come after them explains it. */
function lostWrites(
  history: Map<string, Attempt[]>,
  state: Map<string, { version: number; token: string }>,
): string[] {
  const lost: string[] = [];
  for (const [key, attempts] of history) {
    const acks = attempts.filter((a) => a.outcome === 'ack');
    if (!acks.length) continue;
    // A write may be the last one unless an acknowledged write was sent after it was answered.
    const lastAckSent = Math.max(...acks.map((a) => a.sent));
    const candidates = attempts.filter((a) => a.outcome !== 'none' && a.done >= lastAckSent);
    const live = state.get(key);
    if (candidates.some((a) => (live ? !a.deleted && a.token === live.token : a.deleted))) continue;
    const last = acks.reduce((a, b) => (b.sent > a.sent ? b : a));
    const ms = (t: number): string => (Number.isFinite(t) ? t.toFixed(0) : '-');
    const story = attempts
      .slice(-12)
      .map(
        (a) =>
          `${a.deleted ? 'delete' : `"${a.token}"`} ${a.outcome}${a.replayed ? ' (replayed)' : ''} ${ms(a.sent)}-${ms(a.done)}`,
      )
      .join(', ');
    lost.push(
      `${key}: database ${live ? `holds "${live.token}" v${live.version}` : 'has it deleted or absent'}; ` +
        `last acknowledged: ${last.deleted ? 'delete' : `"${last.token}"`}; last attempts (sent-answered ms): ${story}`,
    );
  }
  return lost;
}

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(headers),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** Runs writers, pullers and faults for the time given, then compares; true when everything holds. */
async function runScenario(scenario: Scenario): Promise<boolean> {
  const h = new Harness(scenario.servers);
  const pullers = PULLERS.map((p, i) => new Puller(`puller ${i + 1}`, h, p.limit, p.xml));
  const started = now();
  const faultLog: string[] = [];
  // Each fault at its own time; they may overlap (a restart still under way when the next begins).
  let previous: Promise<unknown> = Promise.resolve();
  const faults = Promise.all(
    scenario.faults.map(async (f) => {
      if (scenario.serial) {
        const before = previous;
        let done!: () => void;
        previous = new Promise<void>((r) => (done = r));
        await before;
        try {
          await runFault(f);
        } finally {
          done();
        }
      } else await runFault(f);
    }),
  );
  async function runFault(f: Scenario['faults'][number]): Promise<void> {
    {
      const at = started + f.at * SECONDS * 1000;
      if (now() < at) await sleep(at - now());
      if (!h.running) return;
      const purging = f.name.includes('purge');
      if (purging) h.purges++;
      const t0 = now();
      try {
        const what = await f.run(h);
        faultLog.push(
          `${((t0 - started) / 1000).toFixed(1)} s  ${f.name}: ${what} (${Math.round(now() - t0)} ms)`,
        );
      } catch (err) {
        faultLog.push(`${((t0 - started) / 1000).toFixed(1)} s  ${f.name}: FAILED ${(err as Error).message}`);
        h.stats.unexpected.push(`fault ${f.name} failed: ${(err as Error).message}`);
      }
      if (purging) h.purges++;
      log(faultLog.at(-1)!);
    }
  }
  const pulling = pullers.map((p) => p.run());
  const writers = Array.from({ length: WRITERS }, (_, w) => h.writer(w));
  await sleep(Math.max(0, h.deadline - now()));
  h.running = false;
  await Promise.all(writers);
  await faults;
  await Promise.all(pulling);
  const writeSeconds = (now() - started) / 1000;
  for (const s of scenario.servers) if (!s.up) await s.start();
  const fresh = new Puller('fresh client', h, 500);
  const caught = await Promise.all([...pullers, fresh].map((p) => p.catchUp()));
  const state = await scenario.readState();
  const rows = [...pullers, fresh].map((p, i) => compare(p, state, caught[i]!));
  const lost = lostWrites(h.stats.history, state);
  const s = h.stats;

  process.stdout.write(
    `\n${scenario.name}: ${writeSeconds.toFixed(0)} s of writes, ${state.size} live records at the end\n\n`,
  );
  process.stdout.write(
    `${table(
      [
        'puller',
        'records compared',
        'missing',
        'extra',
        'stale version',
        '410 restarts',
        'pages',
        'delivered twice / older',
        'versions from 1 after purge',
        'caught up',
      ],
      rows.map((r) => [
        r.name,
        r.compared,
        r.missing,
        r.extra,
        r.stale,
        r.restarts,
        r.pages,
        `${r.duplicates} / ${r.regressions}`,
        r.restartedVersions,
        r.caughtUp ? 'yes' : 'NO',
      ]),
    )}\n\n`,
  );
  const transient = [...s.transient].map(([k, v]) => `${k}: ${v}`).join(', ') || 'none';
  process.stdout.write(
    `${table(
      ['writes', 'count'],
      [
        ['acknowledged (records)', s.acked],
        ['acknowledged writes lost', lost.length],
        ['outcome unknown (network error or 503)', s.unknown],
        ['409 answers', s.conflicts],
        ['retries (429/503 after Retry-After, network errors)', s.retries],
        ['429/503 by code', transient],
        ['network errors (process killed)', s.networkErrors],
        [
          'If-Match races: one winner / none / both won',
          `${s.raceOneWinner} / ${s.raceNoWinner} / ${s.raceBothWon.length}`,
        ],
        [
          'Idempotency-Key pairs (replay seen) / answers differing',
          `${s.idempotentPairs} (${s.idempotentReplayed}) / ${s.idempotentDiffer.length}`,
        ],
        ['unexpected answers', s.unexpected.length],
      ],
    )}\n`,
  );
  const problems = [
    ...rows.flatMap((r) => r.examples.slice(0, 5).map((e) => `${r.name}: ${e}`)),
    ...pullers.flatMap((p) => p.odd.slice(0, 5).map((o) => `${p.name}: ${o}`)),
    ...rows
      .filter((r) => r.duplicates || r.regressions)
      .map(
        (r) =>
          `${r.name}: ${r.duplicates} changes delivered twice at one version, ${r.regressions} at an older version`,
      ),
    ...rows.filter((r) => !r.caughtUp).map((r) => `${r.name}: did not catch up within 120 s`),
    ...lost.slice(0, 10).map((l) => `lost write ${l}`),
    ...s.raceBothWon.slice(0, 5),
    ...s.idempotentDiffer.slice(0, 5).map((d) => `idempotent replay differs: ${d}`),
    ...s.unexpected.slice(0, 10),
  ];
  const failed =
    rows.some((r) => r.missing || r.extra || r.stale || r.duplicates || r.regressions || !r.caughtUp) ||
    lost.length > 0 ||
    s.raceBothWon.length > 0 ||
    s.idempotentDiffer.length > 0 ||
    s.unexpected.length > 0;
  if (problems.length) process.stdout.write(`\nProblems:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.stdout.write(`\n${scenario.name}: ${failed ? 'FAILED' : 'passed'}\n`);
  return !failed;
}

/** The tenant's live records, read from the tables. */
async function readTables(
  db: Database,
  tenantId: string,
): Promise<Map<string, { version: number; token: string }>> {
  const state = new Map<string, { version: number; token: string }>();
  await db.withTenant(
    tenantId,
    async (tx) => {
      for (const { table, field, live } of Object.values(ENTITIES)) {
        const where = 'sys_logical_delete' in live ? 'WHERE sys_logical_delete IS NOT TRUE' : '';
        const r = await tx.query<{ id: string; row_version: number; token: string }>(
          `SELECT id, row_version, ${field} AS token FROM ${table} ${where}`,
        );
        for (const row of r.rows)
          state.set(`${table}:${row.id}`, { version: Number(row.row_version), token: String(row.token) });
      }
    },
    true,
  );
  return state;
}

const tenantOf = async (db: Database): Promise<string> =>
  (await db.query<{ id: string }>('SELECT id FROM tenant WHERE domain = $1', [DOMAIN])).rows[0]!.id;

const purge = async (db: Database): Promise<string> => {
  const r = await purgeExpired(db, registry, { retentionMs: 0, idempotencyTtlMs: 86_400_000 });
  return `${r.tombstones} deletions and ${r.rows} logically deleted rows removed`;
};

async function postgresScenario(): Promise<Scenario> {
  let cluster: Cluster | undefined;
  let adminUrl = process.env['TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
  if (postgresBin()) {
    cluster = await startCluster();
    cleanups.push(() => cluster!.destroy());
    adminUrl = cluster.url;
  }
  const scratch = await scratchDatabase(adminUrl, 'fs_verify');
  if (!cluster) cleanups.push(() => scratch.drop());
  const db = await openDatabase({ url: scratch.url, poolSize: 4 });
  cleanups.push(() => db.close());
  await migrate(db);
  await createTenantWithUser(db, { domain: DOMAIN, username: USER, password: PASSWORD });
  const tenantId = await tenantOf(db);
  const env = {
    DATABASE_URL: scratch.url,
    DB_POOL_SIZE: '6',
    PURGE_INTERVAL_MINUTES: '0',
    LOG_LEVEL: 'fatal',
  };
  const servers = Array.from({ length: PROCESSES }, (_, i) => new Server(`process ${i + 1}`, env));
  for (const s of servers) cleanups.push(() => s.kill9());
  await Promise.all(servers.map((s) => s.start()));
  // A transaction held open from the side: it inserts a record, updates one, deletes one and
  // deletes one of the logically deleted entity (rows locked in id order), then commits 4 s later,
  // after writes through the servers that began after it have committed.
  const side = async (h: Harness): Promise<string> => {
    const sent = now();
    const id = randomUUID();
    const token = `side-${id.slice(0, 8)}`;
    const [a, b] = [pick(h.pools.JobType), pick(h.pools.JobType)];
    const ops = (a && b && a !== b ? [a, b].sort() : []).map((target, i) =>
      i === 0 ? { kind: 'update' as const, id: target } : { kind: 'delete' as const, id: target },
    );
    const dispatch = pick(h.pools.JobDispatchLog);
    const changed: Target[] = [];
    try {
      await db.withTenant(tenantId, async (tx) => {
        await tx.query('INSERT INTO job_type (id, name) VALUES ($1, $2)', [id, token]);
        changed.push(h.target('JobType', id, token));
        for (const op of ops) {
          const r =
            op.kind === 'update'
              ? await tx.query('UPDATE job_type SET name = $2 WHERE id = $1', [op.id, `${token}.u`])
              : await tx.query('DELETE FROM job_type WHERE id = $1', [op.id]);
          if (r.rowCount) changed.push(h.target('JobType', op.id, `${token}.u`, op.kind === 'delete'));
        }
        if (dispatch) {
          const r = await tx.query(
            'UPDATE job_dispatch_log SET sys_logical_delete = true WHERE id = $1 AND sys_logical_delete IS NOT TRUE',
            [dispatch],
          );
          if (r.rowCount) changed.push(h.target('JobDispatchLog', dispatch, token, true));
        }
        await sleep(4000);
      });
    } catch (err) {
      h.recordSide(changed, sent, false);
      // A database restart that overlaps ends the transaction, and a deadlock with a batch may
      // choose it: nothing of it committed, which the comparison with the tables then checks.
      const code = (err as { code?: string }).code;
      if (code === '57P01' || code === '40P01' || /terminat/i.test((err as Error).message))
        return `${changed.length} writes (insert, update, deletes), transaction ended (${code ?? 'terminated'}, not committed)`;
      throw err;
    }
    h.recordSide(changed, sent, true);
    h.pools.JobType.push(id);
    return `${changed.length} writes (insert ${id.slice(0, 8)}, ${ops.map((o) => o.kind).join(', ')}${dispatch ? ', logical delete' : ''}) committed 4 s later`;
  };
  const purgeLoop = async (): Promise<string> => purge(db);
  const kill = async (): Promise<string> => {
    const victim = servers.at(-1)!;
    await victim.kill9();
    await sleep(500);
    const t0 = now();
    await victim.start();
    return `${victim.name} killed, started again and ready in ${Math.round(now() - t0)} ms`;
  };
  const restartDb = async (): Promise<string> => {
    if (!cluster) return 'skipped (not a cluster of its own)';
    cluster.stop();
    await sleep(2000);
    cluster.start();
    const t0 = now();
    // A process that was starting when the database stopped may have given up: started again.
    await Promise.all(
      servers.map(async (s) => {
        try {
          await waitReady(s.url, 120_000);
        } catch {
          await s.kill9();
          await s.start();
        }
      }),
    );
    return `stopped 2 s, every process ready again ${Math.round(now() - t0)} ms after the start`;
  };
  return {
    name: `PostgreSQL (${PROCESSES} processes${cluster ? `, own cluster on port ${cluster.port}` : ''})`,
    servers,
    readState: () => readTables(db, tenantId),
    faults: [
      { at: 0.1, name: 'purge', run: purgeLoop },
      { at: 0.15, name: 'late commit', run: side },
      { at: 0.3, name: 'purge', run: purgeLoop },
      { at: 0.35, name: 'kill -9', run: kill },
      { at: 0.5, name: 'late commit', run: side },
      { at: 0.55, name: 'purge', run: purgeLoop },
      { at: 0.65, name: 'database restart', run: restartDb },
      { at: 0.8, name: 'purge', run: purgeLoop },
      { at: 0.85, name: 'late commit', run: side },
    ],
  };
}

async function pgliteScenario(): Promise<Scenario> {
  const dir = mkdtempSync(join(tmpdir(), 'fs-verify-pglite-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'data');
  const offline = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
    const db = await openDatabase({ dataDir });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  const tenantId = await offline(async (db) => {
    await migrate(db);
    await createTenantWithUser(db, { domain: DOMAIN, username: USER, password: PASSWORD });
    return tenantOf(db);
  });
  const server = new Server('process 1', {
    PGLITE_DATA_DIR: dataDir,
    DEMO_TENANT: 'false',
    PURGE_INTERVAL_MINUTES: '0',
    LOG_LEVEL: 'fatal',
  });
  cleanups.push(() => server.kill9());
  await server.start();
  const lock = join(dataDir, '.fieldservice.lock');
  return {
    name: 'PGlite (1 process, persisted folder)',
    servers: [server],
    serial: true,
    async readState() {
      await server.stop();
      return offline((db) => readTables(db, tenantId));
    },
    faults: [
      {
        at: 0.35,
        name: 'kill -9',
        async run() {
          await server.kill9();
          const stale = existsSync(lock);
          const t0 = now();
          await server.start();
          return `killed; lock file left: ${stale ? 'yes' : 'no'}; started again on it and ready in ${Math.round(now() - t0)} ms`;
        },
      },
      {
        at: 0.65,
        name: 'kill -9 + purge',
        async run() {
          await server.kill9();
          const what = await offline(purge);
          await server.start();
          return `killed; purge on the folder while down: ${what}; started again`;
        },
      },
    ],
  };
}

let ok = true;
try {
  process.stdout.write(
    `verify:sync: ${SECONDS} s per scenario, ${WRITERS} writers, pullers with pages of ${PULLERS.map((p) => `${p.limit}${p.xml ? ' (XML)' : ''}`).join(', ')}\n`,
  );
  for (const name of SCENARIOS) {
    process.stdout.write(`\n== ${name}\n`);
    const scenario = name === 'postgres' ? await postgresScenario() : await pgliteScenario();
    if (!(await runScenario(scenario))) ok = false;
    await cleanUp();
  }
} catch (err) {
  ok = false;
  process.stderr.write(`verify:sync: ${(err as Error).stack ?? String(err)}\n`);
} finally {
  await cleanUp();
}
process.exit(ok ? 0 : 1);
