/**
 * Contract errors as HTTP answers: the status from the table of error codes, the headers that go
 * with some of them, and the one error body `{status, code, message, errors?}` (a 401 also names the
 * `docs`). A 5xx never shows its cause.
 */
import { ERRORS, type ContractError, type ErrorCode } from '../contract/errors.js';
import type { FieldError } from '../schema/validate.js';
import { LINKS } from './service.js';

export interface ErrorBody {
  status: number;
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
  /** On a 401: where the API reference tells how to authenticate. */
  docs?: string;
}

export const statusOf = (code: ErrorCode): number => ERRORS[code].status;

export function errorHeaders(err: ContractError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (err.retryAfter !== undefined) headers['retry-after'] = String(err.retryAfter);
  if (err.allow) headers['allow'] = err.allow.join(', ');
  if (err.code === 'unauthorized') headers['www-authenticate'] = 'Basic realm="api", charset="UTF-8", Bearer';
  return headers;
}

export function errorBody(err: ContractError): ErrorBody & Record<string, unknown> {
  const body: ErrorBody & Record<string, unknown> = {
    status: statusOf(err.code),
    code: err.code,
    message: err.message,
  };
  if (err.errors?.length) body.errors = err.errors;
  if (err.code === 'unauthorized') body.docs = LINKS.docs;
  return Object.assign(body, err.details);
}
