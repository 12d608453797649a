/**
 * Every route of the API: its method, path, kind, the statuses it can answer and what documents
 * it. The server registers its routes from this list, and the OpenAPI document and the help pages
 * are made from it.
 */
import type { Entity, Registry } from '../schema/registry.js';
import { errorsOf } from './errors.js';

export type RouteKind =
  | 'list'
  | 'get'
  | 'count'
  | 'create'
  | 'update'
  | 'delete'
  | 'save'
  | 'saveMultiple'
  | 'sync'
  | 'metadata'
  | 'service';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];

export interface RouteDoc {
  method: Method;
  /** Path as the original writes it, without the leading slash: `api/Jobs({id})`. */
  path: string;
  kind: RouteKind;
  entity?: Entity;
  summary: string;
  description: string;
  /** Every status the route can answer, in order: its successes and the statuses of its errors. */
  statuses: number[];
}

/** The configurable limits the routes and their documentation speak of. */
export interface RouteLimits {
  /** Records per page of a list. */
  pageSize: number;
  /** Most records in one SaveMultiple. */
  maxBatch: number;
}

export const DEFAULT_LIMITS: RouteLimits = { pageSize: 100, maxBatch: 10_000 };

/** Changes per page of the sync feed: the default and the most a client may ask for. */
export const SYNC_PAGE_DEFAULT = 500;
export const SYNC_PAGE_MAX = 5000;
export const SYNC_PATH = 'api/Sync/Changes';
/** The OData service document and the CSDL document of every entity set. */
export const SERVICE_PATH = 'api';
export const METADATA_PATH = 'api/$metadata';
export const COUNT_SUFFIX = '/$count';
export const SAVE_SUFFIX = '/Save';
export const SAVE_MULTIPLE_SUFFIX = '/SaveMultiple';
/** The key segment of a single-record path. */
export const KEY_SEGMENT = '({id})';

/** A GET answers 304 (no body) when its If-None-Match names the ETag of what it would send. */
export const NOT_MODIFIED = 304;

const SUCCESS: Record<RouteKind, number[]> = {
  list: [200, NOT_MODIFIED],
  get: [200, NOT_MODIFIED],
  count: [200, NOT_MODIFIED],
  create: [201],
  update: [200],
  delete: [204],
  save: [200, 201],
  saveMultiple: [200],
  sync: [200, NOT_MODIFIED],
  metadata: [200, NOT_MODIFIED],
  service: [200, NOT_MODIFIED],
};

/**
 * The OData system query options each kind of route takes (`$format` everywhere); any other `$`
 * option is refused, naming it.
 */
export const QUERY_OPTIONS: Record<RouteKind, readonly string[]> = {
  list: ['$filter', '$orderby', '$top', '$skip', '$count', '$select', '$format'],
  get: ['$select', '$format'],
  count: ['$filter', '$format'],
  create: ['$format'],
  update: ['$format'],
  delete: ['$format'],
  save: ['$format'],
  saveMultiple: ['$format'],
  sync: ['$format'],
  metadata: ['$format'],
  service: ['$format'],
};

/** The statuses a kind of route can answer: its successes, then those of the errors it can give. */
export function statusesOf(kind: RouteKind): number[] {
  const errors = errorsOf(kind).map(([, e]) => e.status);
  return [...new Set([...SUCCESS[kind], ...errors])].sort((a, b) => a - b);
}

type Draft = Omit<RouteDoc, 'statuses'>;

/** The help page name of a route: `POST-api-JobPartUsage-Save`, `GET-api-Jobs(id)`. */
export const helpName = (route: RouteDoc): string =>
  `${route.method}-${route.path.replaceAll('/', '-').replace(KEY_SEGMENT, '(id)')}`;

function entityRoutes(entity: Entity, route: string, limits: RouteLimits): Draft[] {
  const name = entity.name;
  const base = `api/${route}`;
  const key = `${base}${KEY_SEGMENT}`;
  const batch = limits.maxBatch.toLocaleString('en-US');
  return [
    {
      method: 'GET',
      path: base,
      kind: 'list',
      entity,
      summary: `List ${name}`,
      description: `Returns ${name} records, ${limits.pageSize} per page with @odata.nextLink. OData $filter (eq ne gt ge lt le with OData's null semantics, and, or, not, parentheses, contains/startswith/endswith), $orderby (the id breaks ties), $top, $skip, $count=true (@odata.count) and $select apply to every field; $filter=modified_dateutc gt '<date>' returns what changed since a date.`,
    },
    {
      method: 'GET',
      path: `${base}${COUNT_SUFFIX}`,
      kind: 'count',
      entity,
      summary: `Count ${name}`,
      description: `The number of ${name} records that match $filter, as text/plain.`,
    },
    {
      method: 'GET',
      path: key,
      kind: 'get',
      entity,
      summary: `Get one ${name}`,
      description: `Returns one ${name} by its id, with its row_version as ETag; $select names the fields to return.`,
    },
    {
      method: 'POST',
      path: base,
      kind: 'create',
      entity,
      summary: `Create a ${name}`,
      description: `Creates a new ${name} and returns it (201). References may be given by id, by ERP key or as nested objects (found, updated or created). Prefer: return=minimal returns only the id.`,
    },
    {
      method: 'PUT',
      path: key,
      kind: 'update',
      entity,
      summary: `Update a ${name}`,
      description: `Updates the fields given (a field sent as null is cleared, a field not sent is kept). If-Match: "<row_version>" refuses to overwrite a newer change (409).`,
    },
    {
      method: 'PATCH',
      path: key,
      kind: 'update',
      entity,
      summary: `Update a ${name} (OData PATCH)`,
      description: `The same as PUT: updates the fields given (a field sent as null is cleared, a field not sent is kept). If-Match: "<row_version>" refuses to overwrite a newer change (409).`,
    },
    {
      method: 'DELETE',
      path: key,
      kind: 'delete',
      entity,
      summary: `Delete a ${name}`,
      description:
        entity.deleteMode === 'logical'
          ? `Sets sys_logical_delete on the ${name} (the synchronisation shows it as deleted).`
          : entity.deleteMode === 'archive'
            ? `Archives the ${name} (sets archived): it is never deleted.`
            : `Deletes the ${name}; the synchronisation keeps a tombstone of it.`,
    },
    {
      method: 'POST',
      path: `${base}${SAVE_SUFFIX}`,
      kind: 'save',
      entity,
      summary: `Add/update ${name}`,
      description: `Adds or updates one ${name} by its id (the client may generate it). Fields not sent are kept. 201 when created, 200 when updated or unchanged.`,
    },
    {
      method: 'POST',
      path: `${base}${SAVE_MULTIPLE_SUFFIX}`,
      kind: 'saveMultiple',
      entity,
      summary: `Save multiple ${name} records`,
      description: `Save multiple ${name} records in a single batch request (at most ${batch}). Each record returns its own result (index, id, success, status created/updated/unchanged/failed/conflict, errors); a failed record does not block the others. ?allOrNone=true saves all or nothing.`,
    },
  ];
}

export function routeCatalog(registry: Registry, limits: RouteLimits = DEFAULT_LIMITS): RouteDoc[] {
  const routes = registry.entities.flatMap((entity) =>
    entity.routes.flatMap((route) => entityRoutes(entity, route, limits)),
  );
  routes.push({
    method: 'GET',
    path: SYNC_PATH,
    kind: 'sync',
    summary: 'Changes since a cursor',
    description:
      'Every record created, updated or deleted since the cursor (since), for the entities asked for (entities=Jobs,JobPartUsage), in the order the changes became visible, with deletions as tombstones and the next cursor. 410 when a purge after the cursor removed a deletion it had not delivered.',
  });
  routes.push(
    {
      method: 'GET',
      path: SERVICE_PATH,
      kind: 'service',
      summary: 'OData service document',
      description: 'The OData service document: every entity set (name, kind EntitySet, url) of the API.',
    },
    {
      method: 'GET',
      path: METADATA_PATH,
      kind: 'metadata',
      summary: 'OData metadata (CSDL)',
      description:
        'The CSDL document (EDMX 4.0 XML) of every entity set: entity types with their key and typed properties, list fields as collections of complex types, one entity set per route.',
    },
  );
  return routes.map((r) => ({ ...r, statuses: statusesOf(r.kind) }));
}
