/**
 * Authentication of `/api` requests: HTTP Basic `username:password@domain` (the domain is the
 * tenant) as the original, or `Authorization: Bearer <token>`. Verified credentials are cached for a
 * short time by the hash of the header, so the password hash is not recomputed on every request.
 */
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/database.js';
import { sha256, verifyBasic, verifyToken, type Principal } from '../auth/credentials.js';
import { ApiError } from './errors.js';

const CACHE_MS = 60_000;
const CACHE_MAX = 10_000;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message, undefined, {
    'www-authenticate': 'Basic realm="api", charset="UTF-8", Bearer',
  });
}

export function createAuthenticator(db: Database): (req: FastifyRequest) => Promise<Principal> {
  const cache = new Map<string, { principal: Principal; until: number }>();
  return async (req) => {
    const header = req.headers.authorization;
    if (!header)
      throw unauthorized('Credentials are required (Basic username:password@domain, or Bearer token)');
    const key = sha256(header);
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.principal;
    const space = header.indexOf(' ');
    const scheme = header.slice(0, space).toLowerCase();
    const value = header.slice(space + 1).trim();
    let principal: Principal | undefined;
    if (scheme === 'basic') principal = await verifyBasic(db, Buffer.from(value, 'base64').toString('utf8'));
    else if (scheme === 'bearer') principal = await verifyToken(db, value);
    if (!principal) throw unauthorized('Invalid credentials');
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(key, { principal, until: Date.now() + CACHE_MS });
    return principal;
  };
}
