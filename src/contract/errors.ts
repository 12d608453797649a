/**
 * Every error the API can answer with, once: its code, HTTP status, title and when it happens, and
 * the kinds of route that can give it. The error handler, the OpenAPI document and the help pages
 * read this table; code below `http/` raises a `ContractError` by code and never picks a status.
 */
import type { FieldError } from '../schema/validate.js';
import type { RouteKind } from './routes.js';

export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly when: string;
  /** The route kinds that can answer with it. */
  readonly routes: readonly RouteKind[];
  /** Nothing was wrong with the request: the same request may succeed when retried. */
  readonly transient?: true;
}

/** How deep embedded records may be nested in one write. */
export const MAX_EMBED_DEPTH = 8;
/** How deep objects and arrays may be nested in a request body. */
export const MAX_BODY_NESTING = 32;

const ALL: readonly RouteKind[] = [
  'list',
  'get',
  'count',
  'create',
  'update',
  'delete',
  'save',
  'saveMultiple',
  'sync',
  'metadata',
  'service',
];
/** Routes that take a body. */
const BODY: readonly RouteKind[] = ['create', 'update', 'save', 'saveMultiple'];
/** Routes that write one record. */
const ONE: readonly RouteKind[] = ['create', 'update', 'save'];
const KEYED: readonly RouteKind[] = ['get', 'update', 'delete'];

export const ERRORS = {
  validation_failed: {
    status: 400,
    title: 'Invalid input',
    when: 'A value is missing, of the wrong type or out of its range, or the key in the URL is not a GUID; errors names every bad field',
    routes: [...KEYED, ...BODY],
  },
  invalid_value: {
    status: 400,
    title: 'Invalid value',
    when: 'The database refused a value as out of range or not valid for its field',
    routes: ['list', 'count', ...ONE],
  },
  malformed_xml: { status: 400, title: 'Malformed XML', when: 'The XML body cannot be read', routes: BODY },
  xml_doctype_forbidden: {
    status: 400,
    title: 'XML declarations refused',
    when: 'The XML body declares a DOCTYPE or entities',
    routes: BODY,
  },
  empty_body: { status: 400, title: 'Empty body', when: 'A JSON content type with no body', routes: BODY },
  invalid_content_length: {
    status: 400,
    title: 'Invalid Content-Length',
    when: 'The Content-Length header does not match the body',
    routes: BODY,
  },
  bad_request: {
    status: 400,
    title: 'Bad request',
    when: 'The request cannot be read (e.g. broken JSON)',
    routes: BODY,
  },
  bad_url: {
    status: 400,
    title: 'Bad URL',
    when: 'The URL cannot be decoded or a segment is too long',
    routes: ALL,
  },
  invalid_query: {
    status: 400,
    title: 'Invalid query',
    when: 'A query parameter is not valid or given twice',
    routes: ALL,
  },
  unsupported_query_option: {
    status: 400,
    title: 'Unsupported query option',
    when: 'An OData system query option this route does not take ($expand, $apply, $search, $compute, $levels, ...); the message names it',
    routes: ALL,
  },
  invalid_filter: {
    status: 400,
    title: 'Invalid $filter',
    when: '$filter cannot be read',
    routes: ['list', 'count'],
  },
  invalid_select: {
    status: 400,
    title: 'Invalid $select',
    when: '$select names something that is not a field of the entity',
    routes: ['list', 'get'],
  },
  invalid_orderby: {
    status: 400,
    title: 'Invalid $orderby',
    when: '$orderby names no field',
    routes: ['list'],
  },
  invalid_if_match: {
    status: 400,
    title: 'Invalid If-Match',
    when: 'If-Match is not an ETag given by this server',
    routes: ONE,
  },
  invalid_idempotency_key: {
    status: 400,
    title: 'Invalid Idempotency-Key',
    when: 'Idempotency-Key is empty or too long',
    routes: BODY,
  },
  too_deep: {
    status: 400,
    title: 'Nested too deeply',
    when: `Embedded records nested more than ${MAX_EMBED_DEPTH} deep, or a body nested more than ${MAX_BODY_NESTING} levels`,
    routes: BODY,
  },
  batch_rejected: {
    status: 400,
    title: 'Batch rejected',
    when: 'With allOrNone=true, a record failed: nothing was saved; errors names each failure as [index].field and results holds every record',
    routes: ['saveMultiple'],
  },
  invalid_cursor: {
    status: 400,
    title: 'Invalid cursor',
    when: 'since is not a cursor given by this server',
    routes: ['sync'],
  },
  unauthorized: { status: 401, title: 'Unauthorized', when: 'No credentials, or wrong ones', routes: ALL },
  not_found: { status: 404, title: 'Not found', when: 'No record with this id', routes: KEYED },
  method_not_allowed: {
    status: 405,
    title: 'Method not allowed',
    when: 'The path exists but does not take this method; the Allow header lists the methods it takes',
    routes: [],
  },
  duplicate_key: {
    status: 409,
    title: 'Duplicate key',
    when: 'Another record already has this ERP key (code or reference_back_office)',
    routes: ONE,
  },
  still_referenced: {
    status: 409,
    title: 'Still referenced',
    when: 'The record is still referenced by another record',
    routes: ['delete'],
  },
  read_only: {
    status: 409,
    title: 'Read-only record',
    when: 'The record can no longer be changed (a part usage line signed by the company)',
    routes: ['update', 'save', 'delete'],
  },
  version_conflict: {
    status: 409,
    title: 'Version conflict',
    when: 'If-Match or row_version names an older version than the stored one; current holds the stored record',
    routes: ['update', 'save'],
  },
  idempotency_retry: {
    status: 409,
    title: 'Request still running',
    when: 'The first request with this Idempotency-Key has not finished: retry',
    routes: BODY,
  },
  cursor_expired: {
    status: 410,
    title: 'Cursor expired',
    when: 'The cursor is older than the retention of deletions: resynchronise from scratch',
    routes: ['sync'],
  },
  body_too_large: {
    status: 413,
    title: 'Body too large',
    when: 'The body is larger than the limit of its route (BODY_LIMIT for SaveMultiple, SINGLE_BODY_LIMIT for the others), or an XML body holds more elements, attributes on one element or distinct children of one element than it may',
    routes: BODY,
  },
  batch_too_large: {
    status: 413,
    title: 'Batch too large',
    when: 'A batch holds more records than BATCH_MAX_RECORDS',
    routes: ['saveMultiple'],
  },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported media type',
    when: 'The body is not application/json, text/json, application/xml or text/xml',
    routes: BODY,
  },
  unresolved_reference: {
    status: 422,
    title: 'Unresolved reference',
    when: 'A reference (id or ERP key) names no record, or several',
    routes: ONE,
  },
  idempotency_key_reused: {
    status: 422,
    title: 'Idempotency-Key reused',
    when: 'The Idempotency-Key was used with another request body',
    routes: BODY,
  },
  too_many_failures: {
    status: 429,
    title: 'Too many failed logins',
    when:
      'Too many failed logins from this address (for this user, for unknown user names, or for this token prefix): ' +
      'wait Retry-After seconds; other addresses are not affected',
    routes: ALL,
  },
  rate_limited: {
    status: 429,
    title: 'Rate limited',
    when: 'More than RATE_LIMIT_PER_MINUTE requests per minute for these credentials: wait Retry-After seconds',
    routes: ALL,
  },
  tenant_busy: {
    status: 429,
    title: 'Tenant busy',
    when:
      'This tenant already has MAX_IN_FLIGHT_PER_TENANT requests (or BATCH_CONCURRENCY_PER_TENANT batches) being answered: ' +
      'retry after Retry-After seconds; other tenants are not affected',
    routes: ALL,
    transient: true,
  },
  internal_error: {
    status: 500,
    title: 'Internal error',
    when: 'An unexpected failure; it is logged, never shown',
    routes: ALL,
    transient: true,
  },
  overloaded: {
    status: 503,
    title: 'Overloaded',
    when:
      'MAX_IN_FLIGHT requests are being answered, or their bodies hold BODY_BYTES_IN_FLIGHT bytes: ' +
      'retry after Retry-After seconds',
    routes: ALL,
    transient: true,
  },
  database_unavailable: {
    status: 503,
    title: 'Database unavailable',
    when: 'The database cannot be reached: retry after Retry-After seconds',
    routes: ALL,
    transient: true,
  },
  retry: {
    status: 503,
    title: 'Retry',
    when: 'A concurrent change conflicted with this request (serialization failure or deadlock): retry it',
    routes: [...BODY, 'delete'],
    transient: true,
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** The errors a kind of route can answer with, in the table's order. */
export const errorsOf = (kind: RouteKind): Array<[ErrorCode, ErrorSpec]> =>
  (Object.entries(ERRORS) as Array<[ErrorCode, ErrorSpec]>).filter(([, e]) => e.routes.includes(kind));

/** Whether the request itself was fine and may succeed when sent again. */
export const isTransient = (code: ErrorCode): boolean => (ERRORS[code] as ErrorSpec).transient === true;

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERRORS, code);

export interface ContractErrorInit {
  code: ErrorCode;
  message: string;
  /** The fields at fault, every one of them. */
  errors?: FieldError[] | undefined;
  /** More members of the error body (the stored record of a conflict, the results of a batch). */
  details?: Record<string, unknown> | undefined;
  /** Seconds the client should wait before retrying (the `Retry-After` header). */
  retryAfter?: number | undefined;
  /** The methods the path takes (the `Allow` header of a 405). */
  allow?: readonly string[] | undefined;
}

/** The one error type: what went wrong, by code; `http/` turns it into a status and a body. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly code: ErrorCode;
  readonly errors: FieldError[] | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfter: number | undefined;
  readonly allow: readonly string[] | undefined;

  constructor(init: ContractErrorInit) {
    super(init.message);
    this.code = init.code;
    this.errors = init.errors;
    this.details = init.details;
    this.retryAfter = init.retryAfter;
    this.allow = init.allow;
  }
}

/** Invalid input, naming every field at fault. */
export function validationError(errors: FieldError[]): ContractError {
  const fields = [...new Set(errors.map((e) => e.field))].join(', ');
  return new ContractError({
    code: 'validation_failed',
    message: `Invalid or missing values: ${fields}`,
    errors,
  });
}

export const notFound = (what: string): ContractError =>
  new ContractError({ code: 'not_found', message: `${what} was not found` });

/** A reference that resolves to nothing (or to several records). */
export const unresolved = (field: string, message: string): ContractError =>
  new ContractError({
    code: 'unresolved_reference',
    message,
    errors: [{ field, code: 'not_found', message }],
  });
