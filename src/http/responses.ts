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

/** The entity as `$select` narrows it: its output is the fields chosen (JSON and XML alike). */
export const projected = (entity: Entity, fields: readonly string[] | undefined): Entity =>
  fields ? { ...entity, output: fields } : entity;

export interface RecordAnswer {
  entity: Entity;
  status: number;
  row: Row;
  headers?: Record<string, string>;
  /** The fields `$select` chose; all when absent. */
  select?: readonly string[] | undefined;
  /** The `@odata.context` of a JSON answer, when it has one. */
  context?: string | undefined;
}

export function recordResponse(req: FastifyRequest, answer: RecordAnswer): StoredResponse {
  const { status, row, headers = {}, context } = answer;
  const entity = projected(answer.entity, answer.select);
  const format = responseFormat(req);
  const record = toRecord(entity, row);
  const all = { ...headers, etag: etag(record) };
  if (minimal(req)) {
    const id = { id: record['id'] };
    const body = format === 'xml' ? toXml(entity.name, id, { root: true }) : JSON.stringify(id);
    return text(req, { status, format, body, headers: { ...all, 'preference-applied': 'return=minimal' } });
  }
  let body = format === 'xml' ? recordXml(entity, record) : recordJson(entity, record);
  if (format === 'json' && context !== undefined) {
    body = `{"@odata.context":${JSON.stringify(context)}${body === '{}' ? '}' : `,${body.slice(1)}`}`;
  }
  return text(req, { status, format, body, headers: all });
}

export interface ListAnswer {
  entity: Entity;
  records: ApiRecord[];
  /** The `@odata.context` of the page. */
  context: string;
  /** The URL of the next page, when there is one. */
  next?: string | undefined;
  /** `@odata.count`: how many records match the filter, over all pages (`$count=true`). */
  count?: number | undefined;
  /** The fields `$select` chose; all when absent. */
  select?: readonly string[] | undefined;
}

export function listResponse(req: FastifyRequest, answer: ListAnswer): StoredResponse {
  const { records, context, next, count } = answer;
  const entity = projected(answer.entity, answer.select);
  const format = responseFormat(req);
  const headers: Record<string, string> = next ? { link: `<${next}>; rel="next"` } : {};
  if (format === 'xml') return text(req, { status: 200, format, body: listXml(entity, records), headers });
  const value = records.map((r) => recordJson(entity, r)).join(',');
  const nextLink = next ? `,"@odata.nextLink":${JSON.stringify(next)}` : '';
  const counted = count !== undefined ? `,"@odata.count":${count}` : '';
  const body = `{"@odata.context":${JSON.stringify(context)}${counted},"value":[${value}]${nextLink}}`;
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
