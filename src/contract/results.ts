/**
 * The per-record result of SaveMultiple, once: its type, its members' meaning (which the OpenAPI
 * schema and the help pages read), and its one JSON and one XML writer (which the routes, the
 * refused batch and the help samples use).
 */
import type { Entity } from '../schema/registry.js';
import { recordXml, type ApiRecord } from '../schema/serialize.js';
import type { FieldError } from '../schema/validate.js';
import { stringifyExact } from '../schema/decimal.js';
import { toXml, XSI } from '../schema/xml.js';

export const RESULT_STATUSES = ['created', 'updated', 'unchanged', 'failed', 'conflict'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export interface RecordResult {
  index: number;
  id: string | null;
  success: boolean;
  status: ResultStatus;
  errors?: FieldError[] | undefined;
  /** On a version conflict: the stored record the client's version no longer matches (null: gone). */
  current?: ApiRecord | null | undefined;
  /** Set on an earlier record of the batch whose id a later record of the batch also has. */
  superseded_by?: number | undefined;
}

export interface ResultMember {
  /** The type as the help pages name it. */
  type: string;
  /** Its JSON Schema (OpenAPI). */
  schema: Record<string, unknown>;
  description: string;
  required?: true;
}

/** What each member of a result is and means, in the order they are written. */
export const RESULT_MEMBERS: Record<keyof RecordResult, ResultMember> = {
  index: {
    type: 'integer',
    schema: { type: 'integer' },
    description: 'Position of the record in the batch, from 0',
    required: true,
  },
  id: {
    type: 'globally unique identifier',
    schema: { type: 'string', format: 'uuid' },
    description: 'Id of the record (given or generated); left out when none could be read',
  },
  success: {
    type: 'boolean',
    schema: { type: 'boolean' },
    description: 'Whether the record is saved as sent',
    required: true,
  },
  status: {
    type: 'string',
    schema: { enum: [...RESULT_STATUSES] },
    description: `${RESULT_STATUSES.join(', ')}: unchanged when the stored record already held these values`,
    required: true,
  },
  errors: {
    type: 'Collection of error',
    schema: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
    description: 'Why the record failed: field, code and message of each fault',
  },
  superseded_by: {
    type: 'integer',
    schema: { type: 'integer' },
    description: 'A later record of the batch with the same id was saved instead',
  },
  current: {
    type: 'object',
    schema: { type: ['object', 'null'] },
    description: 'On a version conflict: the stored record (null: it no longer exists)',
  },
};

/** A result as a JSON value (members without a value left out). */
export function resultJson(r: RecordResult): Record<string, unknown> {
  const out: Record<string, unknown> = { index: r.index, success: r.success, status: r.status };
  // No id could be read from the record: the member is left out (a .NET Guid cannot be null).
  if (r.id !== null) out['id'] = r.id;
  if (r.errors?.length) out['errors'] = r.errors;
  if (r.superseded_by !== undefined) out['superseded_by'] = r.superseded_by;
  if (r.current !== undefined) out['current'] = r.current;
  return out;
}

/** The results of a batch whose records are all refused (allOrNone): every one failed. */
export const asRefused = (results: readonly RecordResult[]): RecordResult[] =>
  results.map((r) => (r.success ? { ...r, success: false, status: 'failed' } : r));

export const resultsJson = (results: readonly RecordResult[]): string => {
  const values = results.map(resultJson);
  // Only a conflict's stored copy holds decimals, which may be exact beyond a double.
  return results.some((r) => r.current) ? stringifyExact(values) : JSON.stringify(values);
};

/**
 * The element name of the items of each list the API writes in XML, wherever the list appears
 * (in a result, in an error body, in the results of a refused batch).
 */
export const XML_ITEMS: Readonly<Record<string, string>> = {
  errors: 'FieldError',
  results: 'SaveResult',
  changes: 'change',
};

/** One `<SaveResult>`: every member in DataContract (alphabetical) order, errors always present. */
function resultXml(entity: Entity, r: RecordResult): string {
  const members: Record<string, string> = {};
  for (const [name, value] of Object.entries(resultJson(r))) {
    members[name] =
      name === 'current' && value
        ? `<current>${recordXml(entity, value as ApiRecord, false)}</current>`
        : toXml(name, value, { items: XML_ITEMS });
  }
  members['errors'] ??= '<errors/>';
  const names = Object.keys(members).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `<SaveResult>${names.map((n) => members[n]).join('')}</SaveResult>`;
}

/** `<ArrayOfSaveResult>` with one `<SaveResult>` a record (DataContract: members in alphabetical order). */
export function resultsXml(entity: Entity, results: readonly RecordResult[]): string {
  return `<ArrayOfSaveResult xmlns:i="${XSI}">${results.map((r) => resultXml(entity, r)).join('')}</ArrayOfSaveResult>`;
}

/** An error body as XML: `<error>` with its members in alphabetical order, lists named by XML_ITEMS. */
export const errorXml = (body: Record<string, unknown>): string =>
  toXml('error', body, { root: true, items: XML_ITEMS });

/** An error body as JSON (a conflict's stored copy keeps its exact decimals). */
export const errorJson = (body: Record<string, unknown>): string => stringifyExact(body);
