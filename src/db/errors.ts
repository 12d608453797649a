/**
 * PostgreSQL errors the client can act on, mapped once to the contract's error codes (SQLSTATE
 * 23505 -> duplicate_key, 23503 -> unresolved_reference or still_referenced, ...). Anything else
 * is undefined: an internal error.
 */
import { ContractError } from '../contract/errors.js';
import { registry } from '../schema/registry.js';
import { erpKeyIndexName, foreignKeyName } from '../schema/schema-model.js';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
  table?: string;
  column?: string;
  message?: string;
}

const CONNECTION_LOST = /^(08|57P0|53)/;
const NETWORK =
  /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|not queryable/i;
/** SQLSTATEs of a value the column cannot hold (too long, out of range, malformed). */
const INVALID_VALUE = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05', '54000']);

const unavailable = (): ContractError =>
  new ContractError({
    code: 'database_unavailable',
    message: 'The database is unavailable, retry later',
    retryAfter: 2,
  });

let constraints: Map<string, string> | undefined;

/** The field a constraint of the schema protects, for error bodies. */
export function fieldOfConstraint(constraint: string): string | undefined {
  if (!constraints) {
    constraints = new Map();
    for (const entity of registry.entities) {
      constraints.set(`${entity.name}_pkey`, 'id');
      if (entity.erpKey) constraints.set(erpKeyIndexName(entity.name), entity.erpKey);
      for (const ref of entity.refs) constraints.set(foreignKeyName(entity.name, ref.idField), ref.idField);
    }
  }
  return constraints.get(constraint);
}

/** Maps a database error to a ContractError where the client can act on it, else undefined. */
export function fromDatabaseError(err: unknown): ContractError | undefined {
  const pg = err as PgError;
  const message = (err as Error)?.message ?? '';
  // The database is down or restarting: the client should retry (the pool reconnects by itself).
  if (/^E[A-Z]+$/.test(pg?.code ?? '') || NETWORK.test(message)) return unavailable();
  if (typeof pg?.code !== 'string') return undefined;
  const field = pg.constraint ? fieldOfConstraint(pg.constraint) : undefined;
  switch (pg.code) {
    case '23505':
      return new ContractError({
        code: 'duplicate_key',
        message: `A record with this ${field ?? 'key'} already exists`,
        errors: [{ field: field ?? 'id', code: 'duplicate', message: pg.detail ?? 'duplicate key' }],
      });
    case '23503':
      if (/still referenced/.test(pg.detail ?? '')) {
        return new ContractError({
          code: 'still_referenced',
          message: `The record is still referenced from ${pg.table ?? 'another record'}`,
        });
      }
      return new ContractError({
        code: 'unresolved_reference',
        message: `${field ?? 'A foreign key'} refers to a record that does not exist`,
        errors: [
          { field: field ?? 'id', code: 'not_found', message: `${field ?? 'reference'}: no such record` },
        ],
      });
    case 'FS409':
      return new ContractError({
        code: 'read_only',
        message: pg.message ?? 'The record can no longer be changed',
        errors: [
          { field: pg.column ?? '(record)', code: 'read_only', message: pg.message ?? 'read-only record' },
        ],
      });
    case '23502':
      return new ContractError({
        code: 'validation_failed',
        message: `${pg.column ?? 'A field'} is required`,
        errors: [
          { field: pg.column ?? '(body)', code: 'required', message: `${pg.column ?? 'value'} is required` },
        ],
      });
    case '40001':
    case '40P01':
      return new ContractError({
        code: 'retry',
        message: 'A concurrent change conflicted with this request, retry it',
        retryAfter: 1,
      });
    default:
      if (INVALID_VALUE.has(pg.code)) {
        return new ContractError({
          code: 'invalid_value',
          message: 'A value is out of range or not valid for its field',
        });
      }
      if (CONNECTION_LOST.test(pg.code)) return unavailable();
      return undefined;
  }
}
