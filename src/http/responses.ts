/** Response bodies of the entity routes: records, lists and batch results, in JSON or XML. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Row } from '../db/records.js';
import { resultsJson, resultsXml, type RecordResult } from '../contract/results.js';
import { VERSION_FIELD, type Entity } from '../schema/registry.js';
import { listXml, recordJson, recordXml, toRecord, type ApiRecord } from '../schema/serialize.js';
import { toXml } from '../schema/xml.js';
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

export function resultsResponse(
  req: FastifyRequest,
  entity: Entity,
  results: RecordResult[],
): StoredResponse {
  const format = responseFormat(req);
  return text(req, 200, format, format === 'json' ? resultsJson(results) : resultsXml(entity, results));
}

export function send(reply: FastifyReply, response: StoredResponse): FastifyReply {
  for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
  if (response.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(response.status).type(response.contentType).send(response.body);
}
