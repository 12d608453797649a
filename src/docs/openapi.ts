/**
 * The OpenAPI 3.1 document of every route, derived from the registry (schemas, descriptions, max
 * lengths, patterns, ranges, required and "optionally required" rules) and the route catalog.
 */
import { ERRORS, errorsOf } from '../contract/errors.js';
import { RESULT_MEMBERS } from '../contract/results.js';
import {
  DEFAULT_LIMITS,
  routeCatalog,
  SYNC_PAGE_DEFAULT,
  SYNC_PAGE_MAX,
  type RouteDoc,
  type RouteLimits,
} from '../contract/routes.js';
import { entitySchema, type JsonSchema, type SchemaMode } from '../schema/json-schema.js';
import type { Entity, Registry } from '../schema/registry.js';
import { readSample, writeSample } from '../schema/samples.js';

const URN = /^urn:fieldservice:([a-z_0-9]+):([a-z]+)$/;
const schemaName = (entity: string, mode: SchemaMode): string =>
  mode === 'read' ? entity : `${entity}_${mode}`;
const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** A registry JSON Schema as an OpenAPI schema: local $refs, validator-only keywords renamed. */
function toOpenApi(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toOpenApi);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$id' || key === 'noControl') continue;
    if (key === '$ref' && typeof v === 'string') {
      const m = URN.exec(v);
      out[key] = m ? `#/components/schemas/${schemaName(m[1]!, m[2] as SchemaMode)}` : v;
    } else if (key === 'decimalPattern') out['x-pattern'] = v;
    else out[key] = toOpenApi(v);
  }
  return out;
}

function optionallyRequired(entity: Entity): string[][] {
  return entity.refs
    .filter((r) => r.spec.optionallyRequired)
    .map((r) => [r.idField, r.spec.key?.field, r.spec.embed?.field].filter((n): n is string => !!n));
}

function componentSchemas(registry: Registry): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const entity of registry.entities) {
    for (const mode of ['create', 'update', 'embed', 'read'] as const) {
      const schema = toOpenApi(entitySchema(entity, mode)) as JsonSchema;
      const groups = optionallyRequired(entity);
      if (groups.length && mode !== 'read' && mode !== 'embed') {
        schema['x-optionally-required'] = groups;
        schema['description'] = `${entity.spec.description}. ${groups
          .map((g) => `Optionally required : ${g.slice(0, -1).join(', ')} or ${g.at(-1)!} must be provided`)
          .join('. ')}`;
      }
      schema['xml'] = { name: entity.name };
      schemas[schemaName(entity.name, mode)] = schema;
    }
  }
  const fieldError = {
    type: 'object',
    properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
    required: ['field', 'code', 'message'],
  };
  schemas['FieldError'] = fieldError;
  schemas['Error'] = {
    type: 'object',
    description: 'The body of every error: status, a stable code, a message, and the fields at fault',
    properties: {
      status: { type: 'integer' },
      code: {
        enum: Object.keys(ERRORS),
        description: 'Stable error code (see the table of error codes in the API description)',
      },
      message: { type: 'string' },
      errors: { type: 'array', items: ref('FieldError') },
      current: { type: ['object', 'null'], description: 'On a version conflict: the stored record' },
    },
    required: ['status', 'code', 'message'],
    xml: { name: 'error' },
  };
  schemas['SaveResult'] = {
    type: 'object',
    description: 'The result of one record of a SaveMultiple',
    properties: Object.fromEntries(
      Object.entries(RESULT_MEMBERS).map(([name, m]) => [name, { ...m.schema, description: m.description }]),
    ),
    required: Object.entries(RESULT_MEMBERS)
      .filter(([, m]) => m.required)
      .map(([name]) => name),
  };
  schemas['SyncPage'] = {
    type: 'object',
    properties: {
      changes: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            entity: { type: 'string' },
            id: { type: 'string', format: 'uuid' },
            deleted: { type: 'boolean' },
            time: { type: 'string', format: 'date-time' },
            row_version: { type: 'integer' },
            record: { type: ['object', 'null'] },
          },
        },
      },
      next: { type: 'string', description: 'The cursor to send as since next time' },
      has_more: { type: 'boolean' },
    },
  };
  return schemas;
}

const MEDIA = ['application/json', 'text/json', 'application/xml', 'text/xml'];
/** The four media types with one schema; `example` names a shared example (components/examples). */
const content = (schema: JsonSchema, example?: string): Record<string, unknown> =>
  Object.fromEntries(
    MEDIA.map((m) => [
      m,
      {
        schema,
        ...(example && m === 'application/json'
          ? { examples: { sample: { $ref: `#/components/examples/${example}` } } }
          : {}),
      },
    ]),
  );

/** The OData query options a route may take: their schema type and description. */
const QUERY_PARAMS: Record<string, [string, string]> = {
  $filter: ['string', "OData filter, e.g. modified_dateutc gt '2026-01-01T00:00:00.000Z'"],
  $orderby: ['string', 'Fields, each optionally followed by asc or desc (id breaks ties)'],
  $top: ['integer', 'Most records to return'],
  $skip: ['integer', 'Records to skip'],
  $count: ['boolean', 'true: @odata.count gives the number of records that match $filter'],
  $select: ['string', 'Comma-separated fields to return (id is always returned)'],
};

/** The description of an error status: the errors of the table with this status, for this route. */
function errorDescription(status: number, route: RouteDoc): string {
  return errorsOf(route.kind)
    .filter(([, e]) => e.status === status)
    .map(([code, e]) => `${code}: ${e.when}`)
    .join('; ');
}

function operation(route: RouteDoc): Record<string, unknown> {
  const entity = route.entity;
  const params: unknown[] = [];
  if (route.path.includes('{id}')) {
    params.push({ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
  }
  const options: Partial<Record<RouteDoc['kind'], readonly string[]>> = {
    list: ['$filter', '$orderby', '$top', '$skip', '$count', '$select'],
    count: ['$filter'],
    get: ['$select'],
  };
  for (const name of options[route.kind] ?? []) {
    const [type, description] = QUERY_PARAMS[name]!;
    params.push({ name, in: 'query', description, schema: { type } });
  }
  if (route.kind === 'sync') {
    params.push(
      {
        name: 'since',
        in: 'query',
        description: 'The next cursor of the previous page',
        schema: { type: 'string' },
      },
      {
        name: 'entities',
        in: 'query',
        description: 'Comma-separated entities (route names)',
        schema: { type: 'string' },
      },
      {
        name: 'limit',
        in: 'query',
        description: `Changes per page (1 to ${SYNC_PAGE_MAX}, default ${SYNC_PAGE_DEFAULT})`,
        schema: { type: 'integer' },
      },
    );
  }
  if (route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH') {
    params.push({
      name: 'Idempotency-Key',
      in: 'header',
      description:
        'A retry with the same key and body returns the first response without doing the work again',
      schema: { type: 'string', maxLength: 255 },
    });
  }
  if (route.kind === 'update' || route.kind === 'save') {
    params.push({
      name: 'If-Match',
      in: 'header',
      description: 'The row_version (ETag) the change is based on',
      schema: { type: 'string' },
    });
  }
  if (route.kind === 'saveMultiple') {
    params.push({
      name: 'allOrNone',
      in: 'query',
      description: 'Save all records or none',
      schema: { type: 'boolean' },
    });
  }
  const op: Record<string, unknown> = {
    operationId: `${route.method.toLowerCase()}_${route.path.replace(/[^A-Za-z0-9]+/g, '_')}`,
    summary: route.summary,
    description: route.description,
    tags: [entity?.route ?? (route.kind === 'sync' ? 'Sync' : 'OData')],
    parameters: params,
    responses: {} as Record<string, unknown>,
  };
  const responses = op['responses'] as Record<string, unknown>;
  if (entity) {
    const write = route.kind === 'create' ? 'create' : route.kind === 'update' ? 'update' : 'create';
    if (route.kind === 'saveMultiple') {
      op['requestBody'] = {
        required: true,
        content: content(
          { type: 'array', items: ref(schemaName(entity.name, 'create')) },
          `${entity.name}_batch`,
        ),
      };
      responses['200'] = {
        description: 'One result per record, in input order',
        content: content({ type: 'array', items: ref('SaveResult') }),
      };
    } else if (['create', 'update', 'save'].includes(route.kind)) {
      op['requestBody'] = {
        required: true,
        content: content(ref(schemaName(entity.name, write)), `${entity.name}_write`),
      };
    }
    const record = content(ref(entity.name), `${entity.name}_read`);
    if (route.kind === 'list') {
      responses['200'] = {
        description: 'A page of records',
        content: content({
          type: 'object',
          properties: {
            '@odata.context': { type: 'string' },
            '@odata.count': { type: 'integer' },
            value: { type: 'array', items: ref(entity.name) },
            '@odata.nextLink': { type: 'string' },
          },
        }),
      };
    } else if (route.kind === 'count') {
      responses['200'] = {
        description: 'The number of records that match $filter',
        content: { 'text/plain': { schema: { type: 'string', pattern: '^[0-9]+$' } } },
      };
    } else if (route.kind === 'get' || route.kind === 'update')
      responses['200'] = { description: `The ${entity.name}`, content: record };
    else if (route.kind === 'create')
      responses['201'] = { description: `The created ${entity.name}`, content: record };
    else if (route.kind === 'save') {
      responses['201'] = { description: `Created`, content: record };
      responses['200'] = { description: `Updated or unchanged`, content: record };
    } else if (route.kind === 'delete') responses['204'] = { description: 'Deleted' };
  } else if (route.kind === 'metadata') {
    responses['200'] = {
      description: 'The CSDL document (EDMX 4.0 XML)',
      content: { 'application/xml': { schema: { type: 'string' } } },
    };
  } else if (route.kind === 'service') {
    responses['200'] = {
      description: 'The OData service document',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              '@odata.context': { type: 'string' },
              value: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    name: { type: 'string' },
                    kind: { type: 'string', const: 'EntitySet' },
                    url: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    };
  } else {
    responses['200'] = { description: 'A page of changes', content: content(ref('SyncPage')) };
  }
  for (const status of route.statuses.filter((s) => s >= 400)) {
    responses[String(status)] = {
      description: errorDescription(status, route),
      content: content(ref('Error')),
    };
  }
  return op;
}

/** The table of error codes, as the API description shows it. */
const errorTable = (): string =>
  [
    '| code | status | title | when |',
    '|---|---|---|---|',
    ...Object.entries(ERRORS).map(([code, e]) => `| ${code} | ${e.status} | ${e.title} | ${e.when} |`),
  ].join('\n');

export function openApiDocument(
  registry: Registry,
  limits: RouteLimits = DEFAULT_LIMITS,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routeCatalog(registry, limits)) {
    const path = `/${route.path}`;
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Field-service back-office API',
      version: '1.0.0',
      description:
        'Work orders, parts used on jobs, purchase order lines, dispatch answers and their reference data, in JSON or XML. Authenticate with HTTP Basic username:password@domain (the domain is the tenant) or a bearer token.\n\nEvery error has one body: status, a stable code, a message and the fields at fault. The codes:\n\n' +
        errorTable(),
    },
    servers: [{ url: '/' }],
    security: [{ basic: [] }, { bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        basic: {
          type: 'http',
          scheme: 'basic',
          description: 'username and password@domain (e.g. api / secret@acme.example)',
        },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token issued by `npm run cli -- create-token`',
        },
      },
      schemas: componentSchemas(registry),
      examples: Object.fromEntries(
        registry.entities.flatMap((e) => [
          [`${e.name}_write`, { value: writeSample(e) }],
          [`${e.name}_batch`, { value: [writeSample(e)] }],
          [`${e.name}_read`, { value: readSample(e) }],
        ]),
      ),
    },
  };
}
