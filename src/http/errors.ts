/**
 * The one error type of the API and its mapping from PostgreSQL and Fastify errors. Every 4xx has
 * the same body: `{status, code, message, errors?}`; a 5xx never shows its cause.
 */
import type { FieldError } from '../schema/validate.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
    /** More members of the error body (e.g. the per-record results of a refused batch). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  status: number;
  code: string;
  message: string;
  errors?: FieldError[];
}

export function validationError(errors: FieldError[]): ApiError {
  const fields = [...new Set(errors.map((e) => e.field))].join(', ');
  return new ApiError(400, 'validation_failed', `Invalid or missing values: ${fields}`, errors);
}

export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} was not found`);

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
  table?: string;
  column?: string;
  message?: string;
}

const CONNECTION_LOST = /^(08|57P0|53)/;

const unavailable = (): ApiError =>
  new ApiError(503, 'database_unavailable', 'The database is unavailable, retry later', undefined, {
    'retry-after': '2',
  });

/** Maps a database error to an ApiError where the client can act on it, else undefined (500). */
export function fromDatabaseError(
  err: unknown,
  fieldOfConstraint: (c: string) => string | undefined,
): ApiError | undefined {
  const pg = err as PgError;
  const message = (err as Error)?.message ?? '';
  const network = /^E[A-Z]+$/.test(pg?.code ?? '');
  if (
    network ||
    /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|not queryable/i.test(
      message,
    )
  ) {
    // The database is down or restarting: the client should retry (the pool reconnects by itself).
    return unavailable();
  }
  if (typeof pg?.code !== 'string') return undefined;
  const field = pg.constraint ? fieldOfConstraint(pg.constraint) : undefined;
  switch (pg.code) {
    case '23505':
      return new ApiError(409, 'duplicate_key', `A record with this ${field ?? 'key'} already exists`, [
        { field: field ?? 'id', code: 'duplicate', message: pg.detail ?? 'duplicate key' },
      ]);
    case '23503':
      if (/still referenced/.test(pg.detail ?? '')) {
        return new ApiError(
          409,
          'still_referenced',
          `The record is still referenced from ${pg.table ?? 'another record'}`,
        );
      }
      return new ApiError(
        422,
        'unresolved_reference',
        `${field ?? 'A foreign key'} refers to a record that does not exist`,
        [{ field: field ?? 'id', code: 'not_found', message: `${field ?? 'reference'}: no such record` }],
      );
    case 'FS409':
      return new ApiError(409, 'read_only', pg.message ?? 'The record can no longer be changed', [
        { field: pg.column ?? '(record)', code: 'read_only', message: pg.message ?? 'read-only record' },
      ]);
    case '23502':
      return new ApiError(400, 'validation_failed', `${pg.column ?? 'A field'} is required`, [
        { field: pg.column ?? '(body)', code: 'required', message: `${pg.column ?? 'value'} is required` },
      ]);
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22021':
    case '22P02':
    case '22P05':
    case '54000':
      return new ApiError(400, 'invalid_value', 'A value is out of range or not valid for its field');
    case '40001':
    case '40P01':
      return new ApiError(
        503,
        'retry',
        'A concurrent change conflicted with this request, retry it',
        undefined,
        {
          'retry-after': '1',
        },
      );
    default:
      if (CONNECTION_LOST.test(pg.code)) return unavailable();
      return undefined;
  }
}
