/**
 * Authentication of `/api` requests: HTTP Basic `username:password@domain` (the domain is the
 * tenant) as the original, or `Authorization: Bearer <token>`.
 *
 * Verified credentials are cached for a minute by the hash of the header, so the password hash is
 * not recomputed on every request; a change of credentials (password reset, token revoked) drops
 * the cached credentials of its tenant at once, in every server on the database (the
 * `fieldservice_credentials` notification, see auth/credentials.ts). While that notification cannot
 * be received (the listening connection is lost), nothing is cached. Concurrent requests with the
 * same header share one verification.
 *
 * Failed logins are counted so that guessing is slowed down and cannot lock a user out (L is
 * AUTH_FAILURE_LIMIT, the window 15 minutes from the first failure of a counter):
 * - Basic, a name that matches an API user: failures count per address and user, the user being
 *   the row the database matched (so every spelling the database takes for that user shares the
 *   count). An address with L failures for a user is refused (429) until its window ends; an
 *   address without failures for the user is always verified. When L addresses or more have failed
 *   for one user, an address that has failed for it waits 1 minute after its failure before it is
 *   verified again, doubled at each further failure; the others are verified one attempt at a
 *   time. A success clears the count of its address.
 * - Basic, a name that matches no user (or a malformed one): failures count per address for all
 *   such names together; past L the answer is 429 at once, before any hash is computed (below the
 *   limit a placeholder hash is checked, so an unknown name costs as long as a wrong password).
 * - Bearer: failures count per address and first characters of the token, so bad tokens never
 *   refuse another token.
 * An address is an IPv4 address or the /64 network of an IPv6 address. Attempts in flight count
 * against the limits, so a burst of concurrent attempts cannot pass them. The counts are kept in
 * the memory of each server process.
 */
import { isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/database.js';
import {
  CREDENTIALS_CHANNEL,
  checkPassword,
  findLogin,
  onCredentialsChange,
  sha256,
  splitBasic,
  verifyToken,
  type BasicParts,
  type Login,
  type Principal,
} from '../auth/credentials.js';
import { ContractError } from '../contract/errors.js';

const CACHE_MS = 60_000;
const TABLE_MAX = 10_000;
const FAILURE_WINDOW_MS = 15 * 60_000;
/** Under attack, an address's wait after its first failure for the user; doubled at each failure. */
const BACKOFF_MS = 60_000;
const MAX_HEADER = 4096;
/** The part of a bearer token its failures are counted by: `fsk_` and 8 random characters. */
const TOKEN_PREFIX_LENGTH = 12;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Where a client that is refused learns how to authenticate. */
export const AUTH_DOCS = '/Help and /docs (Basic username:password@domain, or Bearer token)';

export const unauthorized = (message: string): ContractError =>
  new ContractError({ code: 'unauthorized', message: `${message}; how to authenticate: ${AUTH_DOCS}` });

/** The authenticated caller of an /api route; no route runs without one. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized('Credentials are required');
  return req.principal;
}

/**
 * Who failures are counted against: an IPv4 address as it is (also when mapped into IPv6), an IPv6
 * address by its /64 network, which one host is commonly given whole.
 */
export function addressKey(ip: string): string {
  const bare = ip.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (!isIPv6(bare)) return bare;
  const [head = '', tail] = bare.split('::');
  const groups = (part: string): string[] => (part ? part.split(':') : []);
  // An IPv4 tail (64:ff9b::192.0.2.1) holds two groups.
  const width = (list: string[]): number => list.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all =
    tail === undefined
      ? left
      : [...left, ...Array<string>(Math.max(8 - width(left) - width(right), 0)).fill('0'), ...right];
  return `${all
    .slice(0, 4)
    .map((g) => (g.includes('.') ? g : parseInt(g, 16).toString(16)))
    .join(':')}::/64`;
}

interface Counter {
  /** Failures in the window. */
  count: number;
  /** Attempts being verified now. */
  pending: number;
  /** For a user: the addresses that have failed for it in the window (up to the limit). */
  addresses: Set<string>;
  /** When the last failure was. */
  last: number;
  /** When the window (from the first failure) ends. */
  until: number;
}

/** Counters by key, each for a window from its first attempt; at most TABLE_MAX, the oldest go first. */
class Counters {
  private readonly entries = new Map<string, Counter>();

  /** The counter of `key` in its window, or undefined. */
  get(key: string, now: number): Counter | undefined {
    const counter = this.entries.get(key);
    if (!counter || counter.until > now) return counter;
    if (counter.pending === 0) {
      this.entries.delete(key);
      return undefined;
    }
    Object.assign(counter, { count: 0, addresses: new Set(), last: 0, until: now + FAILURE_WINDOW_MS });
    return counter;
  }

  /** The counter of `key`, opened when there is none. */
  open(key: string, now: number): Counter {
    const found = this.get(key, now);
    if (found) return found;
    if (this.entries.size >= TABLE_MAX) this.entries.delete(this.entries.keys().next().value!);
    const counter: Counter = {
      count: 0,
      pending: 0,
      addresses: new Set(),
      last: 0,
      until: now + FAILURE_WINDOW_MS,
    };
    this.entries.set(key, counter);
    return counter;
  }

  /** Forgets `counter` once it holds nothing. */
  settle(key: string, counter: Counter): void {
    if (counter.count === 0 && counter.pending === 0 && this.entries.get(key) === counter) {
      this.entries.delete(key);
    }
  }
}

const tooManyFailures = (retryAfter: number): ContractError =>
  new ContractError({
    code: 'too_many_failures',
    message: 'Too many failed logins: wait before trying again',
    retryAfter: Math.max(1, Math.ceil(retryAfter)),
  });

/** Refused until the window of `counter` ends. */
const untilWindowEnds = (counter: Counter, now: number): ContractError =>
  tooManyFailures((counter.until - now) / 1000);

export interface Authenticator {
  /** The principal of the request's credentials; throws 401 `unauthorized` or 429 `too_many_failures`. */
  authenticate(req: FastifyRequest): Promise<Principal>;
  /**
   * Listens for changes of credentials (this process's and the database's notifications); verified
   * credentials are cached only from then on.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAuthenticator(db: Database, failureLimit = 10): Authenticator {
  const limit = failureLimit;
  const cache = new Map<string, { principal: Principal; until: number }>();
  /** Verifications in progress by header hash, with the epoch they started in. */
  const inflight = new Map<string, { epoch: number; result: Promise<Principal | undefined> }>();
  const lookups = new Map<string, { epoch: number; result: Promise<Login | undefined> }>();
  /** Moves on at every change of credentials: what was verified before is not cached nor shared. */
  let epoch = 0;
  /** Whether changes of credentials reach this process: only then is anything cached. */
  let listening = false;
  const unknownNames = new Counters();
  const pairs = new Counters();
  const users = new Counters();
  const tokens = new Counters();
  let stops: Array<() => Promise<void> | void> = [];

  const forget = (tenantId?: string): void => {
    epoch++;
    for (const [key, entry] of cache) {
      if (tenantId === undefined || entry.principal.tenantId === tenantId) cache.delete(key);
    }
  };

  const cached = (key: string): Principal | undefined => {
    const hit = cache.get(key);
    if (!hit) return undefined;
    if (hit.until > Date.now()) return hit.principal;
    cache.delete(key);
    return undefined;
  };

  /**
   * Whether a verification of this header is running, started in the epoch `since` (the epoch when
   * the request came): a request that joins it is no new attempt.
   */
  const running = (key: string, since: number): boolean => inflight.get(key)?.epoch === since;

  /**
   * Runs `verify` for this header unless a verification of it is already running; caches a success
   * unless credentials changed since the request came (what it read may be older than the change).
   */
  const verifyOnce = (key: string, since: number, verify: () => Promise<Principal | undefined>) => {
    const current = inflight.get(key);
    if (current && current.epoch === since) return current.result;
    const started = since;
    const result = verify().then((principal) => {
      if (principal && listening && started === epoch) {
        if (cache.size >= TABLE_MAX) cache.delete(cache.keys().next().value!);
        cache.set(key, { principal, until: Date.now() + CACHE_MS });
      }
      return principal;
    });
    const entry = { epoch: started, result };
    inflight.set(key, entry);
    result
      .finally(() => {
        if (inflight.get(key) === entry) inflight.delete(key);
      })
      .catch(() => undefined);
    return result;
  };

  /** A name that matches no API user: one count per address for all of them. */
  const unknownName = async (
    address: string,
    key: string,
    since: number,
    password: string,
  ): Promise<never> => {
    const now = Date.now();
    const counter = unknownNames.open(address, now);
    if (counter.count >= limit) throw untilWindowEnds(counter, now);
    // Counted before the hash runs: concurrent attempts cannot pass the limit.
    counter.count++;
    await verifyOnce(key, since, async () => {
      await checkPassword(password, undefined);
      return undefined;
    });
    throw unauthorized('Invalid credentials');
  };

  const knownUser = async (address: string, key: string, since: number, password: string, login: Login) => {
    const now = Date.now();
    const pairKey = `${address}|${login.userId}`;
    const pair = pairs.get(pairKey, now);
    const user = users.get(login.userId, now);
    // Guessed at from many addresses: those that failed wait, longer at each failure.
    const underAttack = user !== undefined && user.addresses.size >= limit;
    const joins = running(key, since);
    if (pair) {
      if (pair.count >= limit) throw untilWindowEnds(pair, now);
      const wait = pair.count > 0 ? Math.min(BACKOFF_MS * 2 ** (pair.count - 1), pair.until - pair.last) : 0;
      if (underAttack && now < pair.last + wait) throw tooManyFailures((pair.last + wait - now) / 1000);
      // Other passwords of this address for this user being verified now.
      const busy = pair.count + pair.pending >= limit || (underAttack && pair.pending > 0);
      if (busy && !joins) throw tooManyFailures(1);
    }
    const mine = pairs.open(pairKey, now);
    if (!joins) mine.pending++;
    let principal: Principal | undefined;
    try {
      principal = await verifyOnce(key, since, async () =>
        (await checkPassword(password, login.passwordHash))
          ? { tenantId: login.tenantId, domain: login.domain, username: login.username }
          : undefined,
      );
    } finally {
      if (!joins) mine.pending--;
    }
    if (principal) {
      mine.count = 0;
      pairs.settle(pairKey, mine);
      return principal;
    }
    mine.count++;
    mine.last = Date.now();
    const counted = users.open(login.userId, mine.last);
    if (counted.addresses.size < limit) counted.addresses.add(address);
    throw unauthorized('Invalid credentials');
  };

  /** Looks up the user of these Basic credentials, once for concurrent requests with this header. */
  const lookup = (key: string, since: number, parts: BasicParts): Promise<Login | undefined> => {
    const current = lookups.get(key);
    if (current && current.epoch === since) return current.result;
    const entry = { epoch: since, result: findLogin(db, parts) };
    lookups.set(key, entry);
    entry.result
      .finally(() => {
        if (lookups.get(key) === entry) lookups.delete(key);
      })
      .catch(() => undefined);
    return entry.result;
  };

  const basic = async (
    req: FastifyRequest,
    key: string,
    since: number,
    value: string,
  ): Promise<Principal> => {
    const parts = splitBasic(Buffer.from(value, 'base64').toString('utf8'));
    const address = addressKey(req.ip);
    const login = parts ? await lookup(key, since, parts) : undefined;
    if (!parts || !login) return unknownName(address, key, since, parts?.password ?? '');
    // The same header may have been verified while the user was looked up.
    return cached(key) ?? knownUser(address, key, since, parts.password, login);
  };

  const bearer = async (
    req: FastifyRequest,
    key: string,
    since: number,
    token: string,
  ): Promise<Principal> => {
    const now = Date.now();
    const counterKey = `${addressKey(req.ip)}|${token.slice(0, TOKEN_PREFIX_LENGTH)}`;
    const counter = tokens.get(counterKey, now);
    const joins = running(key, since);
    if (counter && counter.count >= limit) throw untilWindowEnds(counter, now);
    if (counter && counter.count + counter.pending >= limit && !joins) throw tooManyFailures(1);
    const mine = tokens.open(counterKey, now);
    if (!joins) mine.pending++;
    let principal: Principal | undefined;
    try {
      principal = await verifyOnce(key, since, () => verifyToken(db, token));
    } finally {
      if (!joins) mine.pending--;
    }
    if (!principal) {
      mine.count++;
      throw unauthorized('Invalid credentials');
    }
    mine.count = 0;
    tokens.settle(counterKey, mine);
    return principal;
  };

  return {
    async authenticate(req) {
      const header = req.headers.authorization;
      if (!header) {
        throw unauthorized('Credentials are required');
      }
      if (header.length > MAX_HEADER) throw unauthorized('Invalid credentials');
      const key = sha256(header);
      const hit = cached(key);
      if (hit) return hit;
      const since = epoch;
      const space = header.indexOf(' ');
      const scheme = header.slice(0, Math.max(space, 0)).toLowerCase();
      const value = header.slice(space + 1).trim();
      if (scheme === 'basic') return basic(req, key, since, value);
      if (scheme === 'bearer') return bearer(req, key, since, value);
      throw unauthorized('Invalid credentials');
    },

    async start() {
      if (listening) return;
      stops.push(onCredentialsChange((tenantId) => forget(tenantId)));
      stops.push(
        await db.listen(
          CREDENTIALS_CHANNEL,
          (payload) => forget(UUID.test(payload) ? payload : undefined),
          (up) => {
            listening = up;
            forget();
          },
        ),
      );
      listening = true;
    },

    async stop() {
      listening = false;
      forget();
      const pending = stops;
      stops = [];
      for (const stop of pending) await stop();
    },
  };
}
