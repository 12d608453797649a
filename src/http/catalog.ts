/**
 * Every route of the API with what documents it: the one list the OpenAPI document and the help
 * pages are made from (a test checks it against the routes the server registers).
 */
import type { Entity, Registry } from '../schema/registry.js';

export type RouteKind = 'list' | 'get' | 'create' | 'update' | 'delete' | 'save' | 'saveMultiple' | 'sync';

export interface RouteDoc {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path as the original writes it, without the leading slash: `api/Jobs({id})`. */
  path: string;
  kind: RouteKind;
  entity?: Entity;
  summary: string;
  description: string;
}

/** The help page name of a route: `POST-api-JobPartUsage-Save`, `GET-api-Jobs(id)`. */
export const helpName = (route: RouteDoc): string =>
  `${route.method}-${route.path.replaceAll('/', '-').replace('({id})', '(id)')}`;

function entityRoutes(entity: Entity, route: string): RouteDoc[] {
  const name = entity.name;
  const base = `api/${route}`;
  const key = `${base}({id})`;
  return [
    {
      method: 'GET',
      path: base,
      kind: 'list',
      entity,
      summary: `List ${name}`,
      description: `Returns ${name} records, 100 per page with @odata.nextLink. OData $filter (eq ne gt ge lt le, and, or, not, parentheses, contains/startswith/endswith), $orderby, $top and $skip apply to every field; $filter=modified_dateutc gt '<date>' returns what changed since a date.`,
    },
    {
      method: 'GET',
      path: key,
      kind: 'get',
      entity,
      summary: `Get one ${name}`,
      description: `Returns one ${name} by its id, with its row_version as ETag.`,
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
      path: `${base}/Save`,
      kind: 'save',
      entity,
      summary: `Add/update ${name}`,
      description: `Adds or updates one ${name} by its id (the client may generate it). Fields not sent are kept. 201 when created, 200 when updated or unchanged.`,
    },
    {
      method: 'POST',
      path: `${base}/SaveMultiple`,
      kind: 'saveMultiple',
      entity,
      summary: `Save multiple ${name} records`,
      description: `Save multiple ${name} records in a single batch request (at most 10,000). Each record returns its own result (index, id, success, status created/updated/unchanged/failed/conflict, errors); a failed record does not block the others. ?allOrNone=true saves all or nothing.`,
    },
  ];
}

export function routeCatalog(registry: Registry): RouteDoc[] {
  const routes = registry.entities.flatMap((entity) =>
    entity.routes.flatMap((route) => entityRoutes(entity, route)),
  );
  routes.push({
    method: 'GET',
    path: 'api/Sync/Changes',
    kind: 'sync',
    summary: 'Changes since a cursor',
    description:
      'Every record created, updated or deleted since the cursor (since), for the entities asked for (entities=Jobs,JobPartUsage), in one order, with deletions as tombstones and the next cursor. 410 when the cursor is older than the retention of deletions.',
  });
  return routes;
}
