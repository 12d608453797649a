/**
 * The request and response samples of the help pages, as text. Request samples are the registry's
 * write samples (accepted by their route on an empty tenant); their XML follows the conventions of
 * the server's own XML (root = entity name with `xmlns:i`, children in alphabetical order, embedded
 * objects as an element named like the field, lists as `<translations><translation>..`) and parses
 * back with `fromXml` to the JSON sample.
 */
import { resultsJson, resultsXml, type RecordResult } from '../contract/results.js';
import type { RouteDoc } from '../contract/routes.js';
import { isList, type Entity, type Registry } from '../schema/registry.js';
import { readSample, writeSample } from '../schema/samples.js';
import { listFieldXml, listXml, recordJson, recordXml } from '../schema/serialize.js';
import { escapeXml, XSI } from '../schema/xml.js';

export interface SampleText {
  json: string;
  xml: string;
}

const pretty = (value: unknown): string => JSON.stringify(value, null, 2);

/** XML of one input record (writable fields, ERP-key fields, embedded objects), without the root. */
function inputXmlChildren(entity: Entity, record: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const name of Object.keys(record).sort()) {
    const value = record[name];
    if (value === null || value === undefined) {
      parts.push(`<${name} i:nil="true"/>`);
      continue;
    }
    const field = entity.field(name);
    if (field && isList(field)) {
      parts.push(listFieldXml(name, field, value));
      continue;
    }
    const embedded = field ? undefined : entity.refs.find((r) => r.spec.embed?.field === name);
    if (embedded && typeof value === 'object') {
      parts.push(`<${name}>${inputXmlChildren(embedded.target, value as Record<string, unknown>)}</${name}>`);
    } else parts.push(`<${name}>${escapeXml(String(value))}</${name}>`);
  }
  return parts.join('');
}

/** A request body in XML: `<entity xmlns:i=..>` with the record's elements. */
export function inputXml(entity: Entity, record: Record<string, unknown>, root = true): string {
  const attrs = root ? ` xmlns:i="${XSI}"` : '';
  return `<${entity.name}${attrs}>${inputXmlChildren(entity, record)}</${entity.name}>`;
}

const TOKEN = /<[^>]+>|[^<]+/g;

/**
 * Indents compact XML as generated here (no mixed content): an element holding only text stays on
 * one line, an element holding elements gets its children indented below it.
 */
export function indentXml(xml: string): string {
  const tokens = xml.match(TOKEN) ?? [];
  const lines: string[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const pad = '  '.repeat(depth);
    if (token.startsWith('</')) {
      depth--;
      lines.push(`${'  '.repeat(depth)}${token}`);
    } else if (token.startsWith('<') && token.endsWith('/>')) {
      lines.push(`${pad}${token}`);
    } else if (token.startsWith('<')) {
      const next = tokens[i + 1];
      const close = tokens[i + 2];
      if (next !== undefined && !next.startsWith('<') && close?.startsWith('</')) {
        lines.push(`${pad}${token}${next}${close}`);
        i += 2;
      } else if (next?.startsWith('</')) {
        lines.push(`${pad}${token}${next}`);
        i += 1;
      } else {
        lines.push(`${pad}${token}`);
        depth++;
      }
    } else lines.push(`${pad}${token}`);
  }
  return lines.join('\n');
}

/** The body a write route documents: one record, or an array of one record for SaveMultiple. */
export function requestSample(route: RouteDoc): SampleText | undefined {
  const entity = route.entity;
  if (!entity || !['create', 'update', 'save', 'saveMultiple'].includes(route.kind)) return undefined;
  const record = writeSample(entity);
  if (route.kind === 'saveMultiple') {
    const items = inputXml(entity, record, false);
    return {
      json: pretty([record]),
      xml: indentXml(`<ArrayOf${entity.name} xmlns:i="${XSI}">${items}</ArrayOf${entity.name}>`),
    };
  }
  return { json: pretty(record), xml: indentXml(inputXml(entity, record)) };
}

const SAMPLE_HOST = 'https://api.example.com';

/**
 * The response body of a route, or undefined when it has none in JSON and XML (DELETE: 204 No
 * Content; $count: text; $metadata: CSDL XML; the service document: JSON only).
 */
export function responseSample(registry: Registry, route: RouteDoc): SampleText | undefined {
  const entity = route.entity;
  if (route.kind === 'sync') return syncSample(registry.entities[0]!);
  if (!entity || route.kind === 'delete' || route.kind === 'count') return undefined;
  const record = readSample(entity);
  const id = String(record['id']);
  switch (route.kind) {
    case 'list': {
      const json = `{"@odata.context":${JSON.stringify(`${SAMPLE_HOST}/api/$metadata#${entity.route}`)},"value":[${recordJson(entity, record)}]}`;
      return { json: pretty(JSON.parse(json)), xml: indentXml(listXml(entity, [record])) };
    }
    case 'get': {
      const context = JSON.stringify(`${SAMPLE_HOST}/api/$metadata#${entity.route}/$entity`);
      const json = `{"@odata.context":${context},${recordJson(entity, record).slice(1)}`;
      return { json: pretty(JSON.parse(json)), xml: indentXml(recordXml(entity, record)) };
    }
    case 'saveMultiple': {
      const results: RecordResult[] = [{ index: 0, id, success: true, status: 'created' }];
      return { json: pretty(JSON.parse(resultsJson(results))), xml: indentXml(resultsXml(entity, results)) };
    }
    default:
      return {
        json: pretty(JSON.parse(recordJson(entity, record))),
        xml: indentXml(recordXml(entity, record)),
      };
  }
}

/** One page of the change feed: a changed record and a deletion (tombstone). */
function syncSample(entity: Entity): SampleText {
  const record = readSample(entity);
  const next = Buffer.from('1.1024.57').toString('base64url');
  const time = '2026-06-16T21:15:51.772Z';
  const changed = { entity: entity.name, id: String(record['id']), deleted: false, time, row_version: 56 };
  const deleted = { entity: entity.name, id: '9e3779b1-1d9a-4cfa-8241-0000000000ff', deleted: true, time };
  const json =
    `{"changes":[${JSON.stringify(changed).slice(0, -1)},"record":${recordJson(entity, record)}},` +
    `${JSON.stringify({ ...deleted, row_version: 57 })}],` +
    `"next":${JSON.stringify(next)},"has_more":false}`;
  const change = (c: { id: string; deleted: boolean }, version: number, recordText = '') =>
    `<change><deleted>${c.deleted}</deleted><entity>${entity.name}</entity><id>${c.id}</id>${recordText}` +
    `<row_version>${version}</row_version><time>${time}</time></change>`;
  const xml =
    `<SyncChanges xmlns:i="${XSI}"><changes>` +
    change(changed, 56, `<record>${recordXml(entity, record, false)}</record>`) +
    change(deleted, 57) +
    `</changes><has_more>false</has_more><next>${next}</next></SyncChanges>`;
  return { json: pretty(JSON.parse(json)), xml: indentXml(xml) };
}
