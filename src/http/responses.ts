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

interface Answer {
  status: number;
  format: Format;
  body: string;
  headers?: Record<string, string>;
}

function text(req: FastifyRequest, answer: Answer): StoredResponse {
  const { status, format, body, headers = {} } = answer;
  return { status, contentType: `${mediaTypeFor(req, format)}; charset=utf-8`, body, headers };
}

export interface RecordAnswer {
  entity: Entity;
  status: number;
  row: Row;
  headers?: Record<string, string>;
}

export function recordResponse(req: FastifyRequest, answer: RecordAnswer): StoredResponse {
  const { entity, status, row, headers = {} } = answer;
  const format = responseFormat(req);
  const record = toRecord(entity, row);
  const all = { ...headers, etag: etag(record) };
  if (minimal(req)) {
    const id = { id: record['id'] };
    const body = format === 'xml' ? toXml(entity.name, id, { root: true }) : JSON.stringify(id);
    return text(req, { status, format, body, headers: { ...all, 'preference-applied': 'return=minimal' } });
  }
  const body = format === 'xml' ? recordXml(entity, record) : recordJson(entity, record);
  return text(req, { status, format, body, headers: all });
}

export interface ListAnswer {
  entity: Entity;
  records: ApiRecord[];
  /** The `@odata.context` of the page. */
  context: string;
  /** The URL of the next page, when there is one. */
  next?: string | undefined;
}

export function listResponse(req: FastifyRequest, answer: ListAnswer): StoredResponse {
  const { entity, records, context, next } = answer;
  const format = responseFormat(req);
  const headers: Record<string, string> = next ? { link: `<${next}>; rel="next"` } : {};
  if (format === 'xml') return text(req, { status: 200, format, body: listXml(entity, records), headers });
  const value = records.map((r) => recordJson(entity, r)).join(',');
  const nextLink = next ? `,"@odata.nextLink":${JSON.stringify(next)}` : '';
  const body = `{"@odata.context":${JSON.stringify(context)},"value":[${value}]${nextLink}}`;
  return text(req, { status: 200, format, body, headers });
}

export function resultsResponse(
  req: FastifyRequest,
  entity: Entity,
  results: RecordResult[],
): StoredResponse {
  const format = responseFormat(req);
  const body = format === 'json' ? resultsJson(results) : resultsXml(entity, results);
  return text(req, { status: 200, format, body });
}

export function send(reply: FastifyReply, response: StoredResponse): FastifyReply {
  for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
  if (response.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(response.status).type(response.contentType).send(response.body);
}
