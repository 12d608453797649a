/** Response bodies of the entity routes: records, lists and batch results, in JSON or XML. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Row } from '../db/records.js';
import type { RecordResult } from '../domain/save.js';
import { VERSION_FIELD, type Entity } from '../schema/registry.js';
import { listXml, recordJson, recordXml, toRecord, type ApiRecord } from '../schema/serialize.js';
import { toXml, XSI } from '../schema/xml.js';
import { mediaTypeFor, responseFormat, type Format } from './content.js';
import type { StoredResponse } from './idempotency.js';

export const etag = (record: ApiRecord): string => `"${String(record[VERSION_FIELD])}"`;

const minimal = (req: FastifyRequest): boolean =>
  /return\s*=\s*minimal/i.test(String(req.headers.prefer ?? ''));

function text(
  req: FastifyRequest,
  status: number,
  format: Format,
  body: string,
  headers: Record<string, string> = {},
): StoredResponse {
  return { status, contentType: `${mediaTypeFor(req, format)}; charset=utf-8`, body, headers };
}

export function recordResponse(
  req: FastifyRequest,
  entity: Entity,
  status: number,
  row: Row,
  headers: Record<string, string> = {},
): StoredResponse {
  const format = responseFormat(req);
  const record = toRecord(entity, row);
  const all = { ...headers, etag: etag(record) };
  if (minimal(req)) {
    const id = { id: record['id'] };
    const body = format === 'xml' ? toXml(entity.name, id, true) : JSON.stringify(id);
    return text(req, status, format, body, { ...all, 'preference-applied': 'return=minimal' });
  }
  return text(
    req,
    status,
    format,
    format === 'xml' ? recordXml(entity, record) : recordJson(entity, record),
    all,
  );
}

export function listResponse(
  req: FastifyRequest,
  entity: Entity,
  records: ApiRecord[],
  context: string,
  next?: string,
): StoredResponse {
  const format = responseFormat(req);
  const headers: Record<string, string> = next ? { link: `<${next}>; rel="next"` } : {};
  if (format === 'xml') return text(req, 200, format, listXml(entity, records), headers);
  const value = records.map((r) => recordJson(entity, r)).join(',');
  const nextLink = next ? `,"@odata.nextLink":${JSON.stringify(next)}` : '';
  return text(
    req,
    200,
    format,
    `{"@odata.context":${JSON.stringify(context)},"value":[${value}]${nextLink}}`,
    headers,
  );
}

export function resultJson(r: RecordResult): Record<string, unknown> {
  const out: Record<string, unknown> = { index: r.index, id: r.id, success: r.success, status: r.status };
  if (r.errors?.length) out['errors'] = r.errors;
  if (r.superseded_by !== undefined) out['superseded_by'] = r.superseded_by;
  if (r.current !== undefined) out['current'] = r.current;
  return out;
}

export function resultsResponse(
  req: FastifyRequest,
  entity: Entity,
  results: RecordResult[],
): StoredResponse {
  const format = responseFormat(req);
  if (format === 'json') return text(req, 200, format, JSON.stringify(results.map(resultJson)));
  const items = results.map((r) => {
    const { errors, current, ...plain } = resultJson(r);
    const inner = toXml('SaveResult', plain).replace(/<\/SaveResult>$/, '');
    const errorXml = ((errors as RecordResult['errors']) ?? []).map((e) => toXml('error', e)).join('');
    const currentXml =
      current === undefined
        ? ''
        : `<current>${current ? recordXml(entity, current as ApiRecord, false) : ''}</current>`;
    return `${inner}${currentXml}<errors>${errorXml}</errors></SaveResult>`;
  });
  return text(req, 200, format, `<ArrayOfSaveResult xmlns:i="${XSI}">${items.join('')}</ArrayOfSaveResult>`);
}

export function send(reply: FastifyReply, response: StoredResponse): FastifyReply {
  for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
  if (response.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(response.status).type(response.contentType).send(response.body);
}
