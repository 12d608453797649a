/**
 * The help pages, in the manner of the original ASP.NET Web API help pages: an index of every
 * route, one page per route (URI and body parameters, request and response samples in JSON and
 * XML, error responses) and one page per resource model. Pure functions of the registry and the
 * route catalog; every text is HTML-escaped.
 */
import { errorsOf } from '../contract/errors.js';
import { RESULT_MEMBERS } from '../contract/results.js';
import {
  DEFAULT_LIMITS,
  helpName,
  routeCatalog,
  SYNC_PAGE_DEFAULT,
  SYNC_PAGE_MAX,
  type RouteDoc,
  type RouteLimits,
} from '../contract/routes.js';
import { requestSample, responseSample, type SampleText } from './help-samples.js';
import {
  bodyRows,
  escapeHtml,
  fieldTable,
  listTables,
  modelLink,
  outputRows,
  page,
  table,
  type FieldRow,
} from './help-html.js';
import type { Entity, Registry } from '../schema/registry.js';

export { escapeHtml } from './help-html.js';

const TITLE = 'Field-service API Help Page';

export const helpHref = (route: RouteDoc): string => `/Help/Api/${encodeURIComponent(helpName(route))}`;

const routeTitle = (route: RouteDoc): string => `${route.method} ${route.path}`;

function routeLink(route: RouteDoc): string {
  return (
    `<a href="${escapeHtml(helpHref(route))}"><span class="method">${escapeHtml(route.method)}</span> ` +
    `<span class="path">${escapeHtml(route.path)}</span></a>`
  );
}

export function helpIndex(registry: Registry, limits: RouteLimits = DEFAULT_LIMITS): string {
  const routes = routeCatalog(registry, limits);
  const groups: { title: string; entity?: Entity; routes: RouteDoc[] }[] = registry.entities.map((e) => ({
    title: e.name,
    entity: e,
    routes: routes.filter((r) => r.entity === e),
  }));
  groups.push(
    { title: 'Synchronisation', routes: routes.filter((r) => r.kind === 'sync') },
    { title: 'OData service', routes: routes.filter((r) => r.kind === 'service' || r.kind === 'metadata') },
  );
  const rows = groups.map((g) => {
    const head = g.entity
      ? `${modelLink(g.entity.name).html} <span class="muted">&mdash; ${escapeHtml(g.entity.spec.description)}</span>`
      : escapeHtml(g.title);
    const lines = g.routes.map(
      (r) => `<tr data-testid="route-row"><td>${routeLink(r)}</td><td>${escapeHtml(r.description)}</td></tr>`,
    );
    return `<tr class="group"><th colspan="2">${head}</th></tr>\n${lines.join('\n')}`;
  });
  const body =
    `<h1>${escapeHtml(TITLE)}</h1>\n` +
    `<p data-testid="intro">The API of the field-service back office: work orders (jobs), their planning and ` +
    `dispatch, parts used, purchase orders and the reference data they use, for ERP integrations and the ` +
    `mobile synchronisation. Every route under <code>/api</code> needs credentials: HTTP Basic ` +
    `<code>username:password@domain</code> (the domain is the tenant) or <code>Authorization: Bearer ` +
    `&lt;token&gt;</code>. Bodies and responses are JSON (<code>application/json</code>, ` +
    `<code>text/json</code>) or XML (<code>application/xml</code>, <code>text/xml</code>), chosen by ` +
    `<code>Content-Type</code> and <code>Accept</code>.</p>\n` +
    `<table data-testid="route-table"><thead><tr><th>API</th><th>Description</th></tr></thead><tbody>\n` +
    `${rows.join('\n')}\n</tbody></table>`;
  return page(TITLE, body, false);
}

const FILTER: FieldRow = {
  name: '$filter',
  description:
    "OData filter: eq ne gt ge lt le (a field without a value is ne to every value), and, or, not, parentheses, contains/startswith/endswith (e.g. modified_dateutc gt '2026-01-01T00:00:00Z')",
  type: 'string',
  info: [],
};
const SELECT: FieldRow = {
  name: '$select',
  description: 'Comma-separated fields to return (id is always returned)',
  type: 'string',
  info: [],
};
const ODATA: FieldRow[] = [
  FILTER,
  {
    name: '$orderby',
    description: 'Fields to sort by, each with asc or desc (id breaks ties)',
    type: 'string',
    info: [],
  },
  { name: '$top', description: 'Maximum number of records to return', type: 'integer', info: [] },
  { name: '$skip', description: 'Number of records to skip', type: 'integer', info: [] },
  {
    name: '$count',
    description: 'true: @odata.count gives the number of records that match $filter',
    type: 'boolean',
    info: [],
  },
  SELECT,
];

const SYNC: FieldRow[] = [
  {
    name: 'since',
    description: 'The cursor returned as next by the previous pull; none (or 0) starts from the beginning',
    type: 'string',
    info: [],
  },
  {
    name: 'entities',
    description: 'Comma-separated route or entity names (Jobs,JobPartUsage); all entities when absent',
    type: 'string',
    info: [],
  },
  {
    name: 'limit',
    description: `Maximum number of changes in the page (default ${SYNC_PAGE_DEFAULT})`,
    type: 'integer',
    info: [`Range: inclusive between 1 and ${SYNC_PAGE_MAX}`],
  },
];

function uriRows(route: RouteDoc): FieldRow[] {
  switch (route.kind) {
    case 'get':
    case 'update':
    case 'delete': {
      const id: FieldRow = {
        name: 'id',
        description: `Primary Key of the ${route.entity!.name}`,
        type: 'globally unique identifier',
        info: ['Required'],
      };
      return route.kind === 'get' ? [id, SELECT] : [id];
    }
    case 'list':
      return ODATA;
    case 'count':
      return [FILTER];
    case 'sync':
      return SYNC;
    case 'saveMultiple':
      return [
        {
          name: 'allOrNone',
          description: 'true: save every record or none (the first failure rolls the batch back)',
          type: 'boolean',
          info: [],
        },
      ];
    default:
      return [];
  }
}

/** The errors a route can answer with, one row a code: status, code, when. */
function errorRows(route: RouteDoc): string[][] {
  return errorsOf(route.kind)
    .sort(([, a], [, b]) => a.status - b.status)
    .map(([code, e]) => [String(e.status), code, e.when]);
}

function sampleBlocks(prefix: string, sample: SampleText): string {
  return (
    `<h3>application/json, text/json</h3>\n<pre data-testid="${prefix}-json">${escapeHtml(sample.json)}</pre>\n` +
    `<h3>application/xml, text/xml</h3>\n<pre data-testid="${prefix}-xml">${escapeHtml(sample.xml)}</pre>`
  );
}

const RESULT_ROWS: FieldRow[] = Object.entries(RESULT_MEMBERS).map(([name, m]) => ({
  name,
  description: m.description,
  type: m.type,
  info: [],
}));

function responseDescription(route: RouteDoc): string {
  const name = route.entity?.name ?? '';
  switch (route.kind) {
    case 'list':
      return `200 OK: a page of ${name} records in value, with @odata.nextLink when there are more (XML: ArrayOf${name}).`;
    case 'get':
      return `200 OK: the ${name}, with its row_version as ETag.`;
    case 'create':
      return `201 Created: the ${name} as stored, with its Location and ETag (Prefer: return=minimal returns only the id).`;
    case 'update':
      return `200 OK: the ${name} as stored, with its new ETag.`;
    case 'save':
      return `201 Created when the ${name} is new, 200 OK when it was updated or unchanged: the ${name} as stored.`;
    case 'saveMultiple':
      return '200 OK: one result per record, in the order sent; a failed record does not block the others.';
    case 'delete':
      return '204 No Content.';
    case 'sync':
      return '200 OK: the changes in order (a tombstone with record null for a deletion), the next cursor and has_more.';
    case 'count':
      return `200 OK: the number of ${name} records that match $filter, as text/plain.`;
    case 'metadata':
      return '200 OK: the CSDL document (EDMX 4.0, application/xml).';
    case 'service':
      return '200 OK: the service document: @odata.context and value, one entry (name, kind, url) per entity set.';
  }
}

function responseTable(route: RouteDoc): string {
  if (route.kind === 'saveMultiple') return fieldTable('response-body', RESULT_ROWS);
  if (!route.entity || route.kind === 'delete' || route.kind === 'sync') return '';
  const heading = route.kind === 'list' ? 'Collection of ' : '';
  return (
    `<p>${heading}${modelLink(route.entity.name).html}</p>\n` +
    `${fieldTable('response-body', outputRows(route.entity))}\n${listTables(route.entity)}`
  );
}

export function helpRoute(registry: Registry, route: RouteDoc): string {
  const title = routeTitle(route);
  const parts: string[] = [`<h1>${escapeHtml(title)}</h1>`];
  parts.push(`<p data-testid="description">${escapeHtml(route.description)}</p>`);
  parts.push('<h2>Request Information</h2>', '<h3>URI Parameters</h3>');
  const uri = uriRows(route);
  parts.push(uri.length ? fieldTable('uri-parameters', uri) : '<p>None.</p>');
  parts.push('<h3>Body Parameters</h3>');
  const request = requestSample(route);
  if (request && route.entity) {
    const list = route.kind === 'saveMultiple' ? 'Collection of ' : '';
    parts.push(`<p>${list}${modelLink(route.entity.name).html}</p>`);
    parts.push(fieldTable('body-parameters', bodyRows(route.entity, route.kind)));
    parts.push(listTables(route.entity));
    parts.push('<h2>Request Formats</h2>', sampleBlocks('request', request));
  } else parts.push('<p>None.</p>');
  parts.push('<h2>Response Information</h2>', '<h3>Resource Description</h3>');
  parts.push(`<p data-testid="response-description">${escapeHtml(responseDescription(route))}</p>`);
  parts.push(responseTable(route));
  const response = responseSample(registry, route);
  if (response) parts.push('<h2>Response Formats</h2>', sampleBlocks('response', response));
  parts.push('<h2>Error Responses</h2>');
  parts.push(
    '<p>Every error has the body <code>{"status", "code", "message", "errors": [{"field", "code", "message"}]}</code> ' +
      '(XML: <code>&lt;error&gt;</code>).</p>',
  );
  parts.push(table('error-responses', ['Status', 'Code', 'When'], errorRows(route)));
  return page(`${title} - ${TITLE}`, parts.filter(Boolean).join('\n'));
}

/** The page of one entity's model (every output field), or undefined for an unknown model. */
export function helpResourceModel(
  registry: Registry,
  modelName: string,
  limits: RouteLimits = DEFAULT_LIMITS,
): string | undefined {
  const entity = registry.entities.find((e) => e.name.toLowerCase() === modelName.toLowerCase());
  if (!entity) return undefined;
  const routes = routeCatalog(registry, limits).filter((r) => r.entity === entity);
  const body = [
    `<h1>${escapeHtml(entity.name)}</h1>`,
    `<p data-testid="description">${escapeHtml(entity.spec.description)}</p>`,
    fieldTable('resource-model', outputRows(entity)),
    listTables(entity),
    '<h2>Routes</h2>',
    `<ul>${routes.map((r) => `<li>${routeLink(r)}</li>`).join('')}</ul>`,
  ];
  return page(`${entity.name} - ${TITLE}`, body.filter(Boolean).join('\n'));
}
