/**
 * Authentication of `/api` requests: HTTP Basic `username:password@domain` (the domain is the
 * tenant) as the original, or `Authorization: Bearer <token>`. Verified credentials are cached for a
 * short time by the hash of the header, so the password hash is not recomputed on every request.
 */
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/database.js';
import { sha256, verifyBasic, verifyToken, type Principal } from '../auth/credentials.js';
import { ContractError } from '../contract/errors.js';

const CACHE_MS = 60_000;
const CACHE_MAX = 10_000;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export const unauthorized = (message: string): ContractError =>
  new ContractError({ code: 'unauthorized', message });

/** The authenticated caller of an /api route; no route runs without one. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized('Credentials are required');
  return req.principal;
}

const FAILURE_WINDOW_MS = 15 * 60_000;
const MAX_HEADER = 4096;

/** Who a failed attempt counts against: the address and the user name (not the password). */
function failureKey(req: FastifyRequest, scheme: string, value: string): string {
  if (scheme !== 'basic') return `${req.ip}|token`;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const login = decoded.slice(0, Math.max(decoded.indexOf(':'), 0));
  return `${req.ip}|${login.toLowerCase()}@${decoded.slice(decoded.lastIndexOf('@') + 1).toLowerCase()}`;
}

export function createAuthenticator(
  db: Database,
  failureLimit = 10,
): (req: FastifyRequest) => Promise<Principal> {
  const cache = new Map<string, { principal: Principal; until: number }>();
  const failures = new Map<string, { count: number; until: number }>();
  return async (req) => {
    const header = req.headers.authorization;
    if (!header) {
      throw unauthorized('Credentials are required (Basic username:password@domain, or Bearer token)');
    }
    if (header.length > MAX_HEADER) throw unauthorized('Invalid credentials');
    const key = sha256(header);
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.principal;
    const space = header.indexOf(' ');
    const scheme = header.slice(0, Math.max(space, 0)).toLowerCase();
    const value = header.slice(space + 1).trim();
    // Guessing passwords is slowed down: after failureLimit failures, 429 until the window ends.
    const who = failureKey(req, scheme, value);
    const failed = failures.get(who);
    const now = Date.now();
    if (failed && failed.until > now && failed.count >= failureLimit) {
      throw new ContractError({
        code: 'too_many_failures',
        message: 'Too many failed logins: wait before trying again',
        retryAfter: Math.ceil((failed.until - now) / 1000),
      });
    }
    let principal: Principal | undefined;
    if (scheme === 'basic') principal = await verifyBasic(db, Buffer.from(value, 'base64').toString('utf8'));
    else if (scheme === 'bearer') principal = await verifyToken(db, value);
    if (!principal) {
      const current = failed && failed.until > now ? failed : { count: 0, until: now + FAILURE_WINDOW_MS };
      current.count++;
      if (failures.size >= CACHE_MAX) failures.delete(failures.keys().next().value!);
      failures.set(who, current);
      throw unauthorized('Invalid credentials');
    }
    failures.delete(who);
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, { principal, until: Date.now() + CACHE_MS });
    return principal;
  };
}
