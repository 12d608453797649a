/**
 * The OpenAPI 3.1 document of every route, derived from the registry (schemas, descriptions, max
 * lengths, patterns, ranges, required and "optionally required" rules) and the route catalog.
 */
import { buildVersion } from '../build.js';
import { ERRORS, errorsOf } from '../contract/errors.js';
import { RESULT_MEMBERS } from '../contract/results.js';
import {
  DEFAULT_LIMITS,
  routeCatalog,
  SYNC_PAGE_DEFAULT,
  SYNC_PAGE_MAX,
  type RouteDoc,
  type RouteLimits,
  NOT_MODIFIED,
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

/** The modes whose schemas describe a request (the others describe an answer). */
const INPUT_MODES: readonly SchemaMode[] = ['create', 'update', 'embed'];

/** A regular expression matching `value` whatever the case of its letters. */
const caselessPattern = (values: readonly string[]): string =>
  `^(?:${values
    .map((v) =>
      [...v]
        .map((c) =>
          c.toLowerCase() !== c.toUpperCase()
            ? `[${c.toUpperCase()}${c.toLowerCase()}]`
            : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
        )
        .join(''),
    )
    .join('|')})$`;

/**
 * An input schema whose closed lists also take their values in another case, as the server does
 * (`open` is `Open`): the list stays an `enum` of the spellings, beside a pattern of the others.
 */
function caselessEnums(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(caselessEnums);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = caselessEnums(v);
  const list = out['enum'];
  if (Array.isArray(list)) {
    const texts = list.filter((v): v is string => typeof v === 'string');
    if (texts.length) {
      delete out['enum'];
      out['anyOf'] = [
        { enum: list },
        {
          type: 'string',
          pattern: caselessPattern(texts),
          description: 'A value of the list in another case',
        },
      ];
    }
  }
  return out;
}

/** The error body, with the stored record of a conflict and the results of a refused batch typed. */
function errorSchema(current: JsonSchema, result: JsonSchema): JsonSchema {
  return {
    type: 'object',
    description:
      'The body of every error: status, a stable code, a message, and the fields at fault. In XML the root element is <error>',
    properties: {
      status: { type: 'integer' },
      code: {
        enum: Object.keys(ERRORS),
        description: 'Stable error code (see the table of error codes in the API description)',
      },
      message: { type: 'string' },
      docs: {
        type: 'string',
        description:
          'On a 401 (unauthorized): the path of the API reference, which tells how to authenticate',
      },
      errors: {
        type: 'array',
        items: { ...ref('FieldError'), xml: { name: 'item' } },
        xml: { wrapped: true },
      },
      current: {
        anyOf: [current, { type: 'null' }],
        description:
          'On a version conflict (version_conflict): the stored record the given version no longer matches (null: it no longer exists)',
      },
      results: {
        type: 'array',
        items: result,
        description: 'On a refused batch (batch_rejected): the result of every record, in input order',
        xml: { wrapped: true },
      },
    },
    required: ['status', 'code', 'message'],
    xml: { name: 'error' },
  };
}

/** The result of one record of a SaveMultiple, its stored copy typed as `current` schema. */
function saveResultSchema(current: JsonSchema): JsonSchema {
  const properties: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(RESULT_MEMBERS)) {
    properties[name] =
      name === 'current'
        ? { anyOf: [current, { type: 'null' }], description: m.description }
        : name === 'errors'
          ? { ...m.schema, description: m.description, xml: { wrapped: true } }
          : { ...m.schema, description: m.description };
  }
  return {
    type: 'object',
    description: 'The result of one record of a SaveMultiple. In XML each is a <SaveResult> element',
    properties,
    required: Object.entries(RESULT_MEMBERS)
      .filter(([, m]) => m.required)
      .map(([name]) => name),
    xml: { name: 'SaveResult' },
  };
}

function componentSchemas(registry: Registry): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  const embedded = new Set(
    registry.entities.flatMap((e) => e.refs.filter((r) => r.spec.embed).map((r) => r.target)),
  );
  for (const entity of registry.entities) {
    for (const mode of ['create', 'update', 'embed', 'read'] as const) {
      if (mode === 'embed' && !embedded.has(entity)) continue;
      const converted = toOpenApi(entitySchema(entity, mode));
      const schema = (INPUT_MODES.includes(mode) ? caselessEnums(converted) : converted) as JsonSchema;
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
    schemas[`${entity.name}_minimal`] = {
      type: 'object',
      description: `The answer to Prefer: return=minimal: the id of the ${entity.name} only`,
      properties: { id: { type: 'string', format: 'uuid' } },
      required: ['id'],
      xml: { name: entity.name },
    };
    schemas[`${entity.name}_SaveResult`] = saveResultSchema(ref(entity.name));
    schemas[`${entity.name}_error`] = errorSchema(ref(entity.name), ref(`${entity.name}_SaveResult`));
  }
  schemas['FieldError'] = {
    type: 'object',
    properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
    required: ['field', 'code', 'message'],
    description: 'One fault: the field, a stable code and a message. In XML an <error> of a result',
    xml: { name: 'error' },
  };
  schemas['Error'] = errorSchema({ type: 'object' }, saveResultSchema({ type: 'object' }));
  schemas['SyncPage'] = {
    type: 'object',
    description: 'A page of the change feed. In XML the root element is <SyncChanges>',
    properties: {
      changes: {
        type: 'array',
        xml: { wrapped: true },
        items: {
          type: 'object',
          xml: { name: 'change' },
          properties: {
            entity: { type: 'string' },
            id: { type: 'string', format: 'uuid' },
            deleted: { type: 'boolean' },
            time: { type: 'string', format: 'date-time' },
            row_version: { type: 'integer' },
            record: {
              type: ['object', 'null'],
              description:
                'The record as its entity reads it (null for a deletion); in XML its element is inside <record>',
            },
          },
          required: ['entity', 'id', 'deleted', 'time', 'row_version'],
        },
      },
      next: { type: 'string', description: 'The cursor to send as since next time' },
      has_more: { type: 'boolean' },
    },
    required: ['changes', 'next', 'has_more'],
    xml: { name: 'SyncChanges' },
  };
  return schemas;
}

const JSON_MEDIA = ['application/json', 'text/json'];
const XML_MEDIA = ['application/xml', 'text/xml'];
/**
 * The four media types; `xml` is the schema of the XML text where it differs from the JSON one;
 * `example` names a shared example (components/examples).
 */
const content = (schema: JsonSchema, options: { xml?: JsonSchema; example?: string } = {}) =>
  Object.fromEntries([
    ...JSON_MEDIA.map((m) => [
      m,
      {
        schema,
        ...(options.example && m === 'application/json'
          ? { examples: { sample: { $ref: `#/components/examples/${options.example}` } } }
          : {}),
      },
    ]),
    ...XML_MEDIA.map((m) => [m, { schema: options.xml ?? schema }]),
  ]);

/** An XML list: `<ArrayOf{name}>` holding one element per item. */
const xmlArray = (name: string, items: JsonSchema): JsonSchema => ({
  type: 'array',
  items,
  xml: { name: `ArrayOf${name}`, wrapped: true },
});

const header = (description: string, schema: JsonSchema = { type: 'string' }, required = false) => ({
  description,
  ...(required ? { required: true } : {}),
  schema,
});

const HEADERS = {
  etag: header('The row_version of the record, quoted: send it as If-Match to update this version only'),
  location: header('The URL of the created record'),
  link: header('The next page, <url>; rel="next", when there is one (also @odata.nextLink)'),
  preferenceApplied: header('return=minimal when the body holds the id only'),
  replayed: header(
    'true when the answer is the stored answer of an earlier request with this Idempotency-Key',
  ),
  retryAfter: header('Seconds to wait before retrying', { type: 'integer', minimum: 0 }, true),
  authenticate: header('The accepted schemes: Basic and Bearer', { type: 'string' }, true),
};

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
  if (route.kind === 'create' || route.kind === 'update' || route.kind === 'save') {
    params.push({
      name: 'Prefer',
      in: 'header',
      description:
        'return=minimal answers with the id of the record only; return=representation (the default) with the whole record',
      schema: { type: 'string', examples: ['return=minimal', 'return=representation'] },
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
  const writes = route.method === 'POST' || route.method === 'PUT';
  /** The headers of a successful answer: those given, and Idempotent-Replayed on a write. */
  const headers = (given: Record<string, unknown> = {}) => {
    const all = writes ? { ...given, 'Idempotent-Replayed': HEADERS.replayed } : given;
    return Object.keys(all).length ? { headers: all } : {};
  };
  if (entity) {
    const write = route.kind === 'create' ? 'create' : route.kind === 'update' ? 'update' : 'create';
    if (route.kind === 'saveMultiple') {
      // Every record is checked by the server and reported in its own result: the body holds any
      // objects (a record that is not valid fails alone); a single record is a batch of one.
      const item: JsonSchema = {
        anyOf: [ref(schemaName(entity.name, 'create')), { type: 'object', additionalProperties: true }],
        description: `A ${entity.name} record; one that is not valid fails alone, reported in its result`,
      };
      op['requestBody'] = {
        required: true,
        description: `A list of ${entity.name} records, or a single one (a batch of one)`,
        content: content(
          { anyOf: [{ type: 'array', items: item }, item] },
          {
            example: `${entity.name}_batch`,
            xml: xmlArray(entity.name, {
              ...ref(schemaName(entity.name, 'create')),
              xml: { name: entity.name },
            }),
          },
        ),
      };
      const result = ref(`${entity.name}_SaveResult`);
      responses['200'] = {
        description: 'One result per record, in input order',
        ...headers(),
        content: content({ type: 'array', items: result }, { xml: xmlArray('SaveResult', result) }),
      };
    } else if (['create', 'update', 'save'].includes(route.kind)) {
      op['requestBody'] = {
        required: true,
        content: content(ref(schemaName(entity.name, write)), { example: `${entity.name}_write` }),
      };
    }
    const record = content(ref(entity.name), { example: `${entity.name}_read` });
    // Prefer: return=minimal answers with the id only.
    const written = content(
      { anyOf: [ref(entity.name), ref(`${entity.name}_minimal`)] },
      { example: `${entity.name}_read` },
    );
    const stored = {
      ETag: HEADERS.etag,
      'Preference-Applied': HEADERS.preferenceApplied,
    };
    if (route.kind === 'list') {
      responses['200'] = {
        description: 'A page of records',
        headers: { Link: HEADERS.link },
        content: content(
          {
            type: 'object',
            properties: {
              '@odata.context': { type: 'string' },
              '@odata.count': { type: 'integer' },
              value: { type: 'array', items: ref(entity.name) },
              '@odata.nextLink': { type: 'string' },
            },
            required: ['@odata.context', 'value'],
          },
          { xml: xmlArray(entity.name, ref(entity.name)) },
        ),
      };
    } else if (route.kind === 'count') {
      responses['200'] = {
        description: 'The number of records that match $filter',
        content: { 'text/plain': { schema: { type: 'string', pattern: '^[0-9]+$' } } },
      };
    } else if (route.kind === 'get')
      responses['200'] = {
        description: `The ${entity.name}`,
        headers: { ETag: HEADERS.etag },
        content: record,
      };
    else if (route.kind === 'update')
      responses['200'] = { description: `The ${entity.name}`, ...headers(stored), content: written };
    else if (route.kind === 'create')
      responses['201'] = {
        description: `The created ${entity.name}`,
        ...headers({ ...stored, Location: HEADERS.location }),
        content: written,
      };
    else if (route.kind === 'save') {
      responses['201'] = { description: `Created`, ...headers(stored), content: written };
      responses['200'] = { description: `Updated or unchanged`, ...headers(stored), content: written };
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
  if (route.statuses.includes(NOT_MODIFIED))
    responses[String(NOT_MODIFIED)] = {
      description: 'Not modified: If-None-Match names the ETag of the answer, which is not sent again',
    };
  const error = ref(entity ? `${entity.name}_error` : 'Error');
  for (const status of route.statuses.filter((s) => s >= 400)) {
    const errorHeaders =
      status === 429 || status === 503
        ? { headers: { 'Retry-After': HEADERS.retryAfter } }
        : status === 401
          ? { headers: { 'WWW-Authenticate': HEADERS.authenticate } }
          : {};
    responses[String(status)] = {
      description: errorDescription(status, route),
      ...errorHeaders,
      content: content(error),
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
      version: buildVersion,
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
