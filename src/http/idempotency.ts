/**
 * `Idempotency-Key` on POST and PUT: the first response of a key is stored in the same transaction
 * as the work it answers, so it exists exactly when the work was committed. A retry with the same
 * key and body gets that response without the work being done again; a concurrent retry waits on
 * the key's row until the first commits (or rolls back, and then does the work itself). The same
 * key with another body is refused (422).
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Executor } from '../db/database.js';
import { XmlBody } from './content.js';
import { ContractError } from '../contract/errors.js';

export interface StoredResponse {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
  replayed?: boolean;
}

const MAX_KEY = 255;

function requestHash(req: FastifyRequest): string {
  const body = req.body instanceof XmlBody ? { xml: req.body } : req.body;
  const path = req.url.toLowerCase();
  return createHash('sha256')
    .update(`${req.method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

export function idempotencyKey(req: FastifyRequest): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  const text = Array.isArray(key) ? key[0]! : key;
  if (text.length === 0 || text.length > MAX_KEY) {
    throw new ContractError({
      code: 'invalid_idempotency_key',
      message: `Idempotency-Key must have 1 to ${MAX_KEY} characters`,
    });
  }
  return text;
}

export interface IdempotentRequest {
  req: FastifyRequest;
  key: string;
  /** How long the first response of a key is remembered. */
  ttlMs: number;
}

export async function withIdempotency(
  tx: Executor,
  request: IdempotentRequest,
  work: () => Promise<StoredResponse>,
): Promise<StoredResponse> {
  const { req, key, ttlMs } = request;
  const hash = requestHash(req);
  const expired = new Date(Date.now() - ttlMs).toISOString();
  await tx.query('DELETE FROM idempotency_key WHERE key = $1 AND created_at < $2', [key, expired]);
  const claimed = await tx.query(
    'INSERT INTO idempotency_key (key, request_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING key',
    [key, hash],
  );
  if (claimed.rowCount === 0) {
    const stored = await tx.query<{
      request_hash: string;
      status: number;
      content_type: string;
      headers: string | null;
      body: string;
    }>('SELECT request_hash, status, content_type, headers, body FROM idempotency_key WHERE key = $1', [key]);
    const row = stored.rows[0];
    if (!row)
      throw new ContractError({
        code: 'idempotency_retry',
        message: 'The first request with this key is still running: retry',
      });
    if (row.request_hash !== hash) {
      throw new ContractError({
        code: 'idempotency_key_reused',
        message: 'This Idempotency-Key was used with another request body',
      });
    }
    const headers = row.headers ? (JSON.parse(row.headers) as Record<string, string>) : {};
    return { status: row.status, contentType: row.content_type, body: row.body, headers, replayed: true };
  }
  const response = await work();
  await tx.query(
    'UPDATE idempotency_key SET status = $2, content_type = $3, headers = $4, body = $5 WHERE key = $1',
    [key, response.status, response.contentType, JSON.stringify(response.headers ?? {}), response.body],
  );
  return response;
}
