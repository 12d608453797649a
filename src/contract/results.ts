/**
 * The per-record result of SaveMultiple, once: its type, its members' meaning (which the OpenAPI
 * schema and the help pages read), and its one JSON and one XML writer (which the routes, the
 * refused batch and the help samples use).
 */
import type { Entity } from '../schema/registry.js';
import { recordXml, type ApiRecord } from '../schema/serialize.js';
import type { FieldError } from '../schema/validate.js';
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
    schema: { type: ['string', 'null'], format: 'uuid' },
    description: 'Id of the record (given or generated); null when none could be read',
    required: true,
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
  const out: Record<string, unknown> = { index: r.index, id: r.id, success: r.success, status: r.status };
  if (r.errors?.length) out['errors'] = r.errors;
  if (r.superseded_by !== undefined) out['superseded_by'] = r.superseded_by;
  if (r.current !== undefined) out['current'] = r.current;
  return out;
}

/** The results of a batch whose records are all refused (allOrNone): every one failed. */
export const asRefused = (results: readonly RecordResult[]): RecordResult[] =>
  results.map((r) => (r.success ? { ...r, success: false, status: 'failed' } : r));

export const resultsJson = (results: readonly RecordResult[]): string =>
  JSON.stringify(results.map(resultJson));

/** `<ArrayOfSaveResult>` with one `<SaveResult>` a record (DataContract: members in alphabetical order). */
export function resultsXml(entity: Entity, results: readonly RecordResult[]): string {
  const items = results.map((r) => {
    const { errors, current, ...plain } = resultJson(r);
    const inner = toXml('SaveResult', plain).replace(/<\/SaveResult>$/, '');
    const errorXml = ((errors as FieldError[] | undefined) ?? []).map((e) => toXml('error', e)).join('');
    const currentXml =
      current === undefined
        ? ''
        : `<current>${current ? recordXml(entity, current as ApiRecord, false) : ''}</current>`;
    return `${inner}${currentXml}<errors>${errorXml}</errors></SaveResult>`;
  });
  return `<ArrayOfSaveResult xmlns:i="${XSI}">${items.join('')}</ArrayOfSaveResult>`;
}
