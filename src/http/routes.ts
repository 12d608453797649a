/**
 * The route family of every entity, registered from the route catalog (`contract/routes.ts`):
 * `GET api/X`, `GET api/X/$count`, `GET api/X(<guid>)`, `POST api/X`, `PUT` and `PATCH
 * api/X(<guid>)`, `DELETE api/X(<guid>)`, `POST api/X/Save`, `POST api/X/SaveMultiple`. Every
 * write goes through the one save pipeline, inside one tenant transaction, under its
 * Idempotency-Key when one is given.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { ContractError, MAX_BODY_NESTING, notFound } from '../contract/errors.js';
import { asRefused, resultJson } from '../contract/results.js';
import {
  KEY_SEGMENT,
  METADATA_PATH,
  METHODS,
  routeCatalog,
  type RouteDoc,
  type RouteKind,
  type RouteLimits,
} from '../contract/routes.js';
import type { Database, Executor, QueryOptions } from '../db/database.js';
import { parseFilter, parseOrderBy, parseSelect } from '../db/odata.js';
import { countRows, findById, listRows, type Row } from '../db/records.js';
import { fromDatabaseError } from '../db/errors.js';
import { deleteRecord } from '../domain/delete.js';
import { missingReferences } from '../domain/references.js';
import type { SaveMode } from '../domain/rules.js';
import { saveRecords, type SaveOutcome } from '../domain/save.js';
import type { Entity, Registry } from '../schema/registry.js';
import { toRecord } from '../schema/serialize.js';
import type { Validator } from '../schema/validate.js';
import { turns } from '../schema/turns.js';
import { foreignItem, fromXml, xmlItems, type XmlNode } from '../schema/xml.js';
import { odataQuery, XmlBody } from './content.js';
import { principalOf } from './auth.js';
import { idempotencyKey, withIdempotency, type StoredResponse } from './idempotency.js';
import { listResponse, recordResponse, resultsResponse, send } from './responses.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route only answers 405 (a method its path does not take). */
    refusal?: boolean;
  }
}

export interface RouteDeps {
  db: Database;
  registry: Registry;
  validator: Validator;
  limits: RouteLimits;
  /** Largest body in bytes: of SaveMultiple (batch), of the routes that write one record (single). */
  bodyLimits: { batch: number; single: number };
  idempotencyTtlMs: number;
}

/** The key segment after the entity name, `(<guid>)` or `(guid'<guid>')`, as a route parameter. */
const KEY = ':key(^\\(.+\\)$)';
const urlOf = (route: RouteDoc): string => `/${route.path.replace(KEY_SEGMENT, KEY)}`;
const GUID_KEY =
  /^\((?:guid)?'?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})'?\)$/i;

function keyOf(req: FastifyRequest): string {
  const m = GUID_KEY.exec((req.params as { key?: string }).key ?? '');
  if (!m) {
    throw new ContractError({
      code: 'validation_failed',
      message: 'The key in the URL must be a GUID',
      errors: [{ field: 'id', code: 'format', message: 'id must be a globally unique identifier' }],
    });
  }
  return m[1]!.toLowerCase();
}

/**
 * Refuses a body nested deeper than MAX_BODY_NESTING, walking it without recursion (`depth`: the
 * level of `body` itself in the request, 2 for a record of a batch).
 */
function checkNesting(body: unknown, depth = 1): void {
  // Values and their levels side by side: nothing is allocated per value of a large batch.
  const values: unknown[] = [body];
  const levels: number[] = [depth];
  while (values.length) {
    const value = values.pop();
    const level = levels.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (level > MAX_BODY_NESTING) {
      throw new ContractError({
        code: 'too_deep',
        message: `The body is nested more than ${MAX_BODY_NESTING} levels deep`,
      });
    }
    const node = value as Record<string, unknown>;
    for (const key in node) {
      const child = node[key];
      if (child !== null && typeof child === 'object') {
        values.push(child);
        levels.push(level + 1);
      }
    }
  }
}

function bodyOf(entity: Entity, req: FastifyRequest): unknown {
  const body = bodyOrXml(entity, req);
  checkNesting(body);
  return body;
}

function bodyOrXml(entity: Entity, req: FastifyRequest): unknown {
  const body = req.body;
  if (body instanceof XmlBody) {
    if (body.root !== entity.name) {
      throw new ContractError({
        code: 'validation_failed',
        message: `The XML root element must be <${entity.name}>`,
        errors: [{ field: '(body)', code: 'type', message: `expected <${entity.name}>, got <${body.root}>` }],
      });
    }
    return fromXml(entity, body.node);
  }
  if (body === undefined)
    throw new ContractError({ code: 'validation_failed', message: 'A request body is required' });
  return body;
}

/**
 * The records of a batch body: a JSON array, or `<ArrayOfX>` with `<X>` elements; more than `max`
 * is a 413 before any record is read. A large batch is converted and checked a slice at a time.
 */
async function batchOf(entity: Entity, req: FastifyRequest, max: number): Promise<unknown[]> {
  const items = batchOrXml(entity, req);
  if (items.length > max) {
    const message = `A batch holds at most ${max} records, this one has ${items.length}`;
    throw new ContractError({ code: 'batch_too_large', message });
  }
  const xml = req.body instanceof XmlBody;
  const pause = turns();
  const records: unknown[] = [];
  for (const item of items) {
    const record = xml ? fromXml(entity, item as XmlNode) : item;
    checkNesting(record, 2);
    records.push(record);
    await pause();
  }
  return records;
}

/**
 * The items of a batch body: the JSON array, or the `<X>` elements of `<ArrayOfX>` (as
 * DataContractSerializer writes a list). One record where a list is expected (a JSON object, a
 * root `<X>`) is a batch of one; any other element is refused, named.
 */
function batchOrXml(entity: Entity, req: FastifyRequest): unknown[] {
  const body = req.body;
  if (body instanceof XmlBody) {
    if (body.root === entity.name) return [body.node];
    const list = `ArrayOf${entity.name}`;
    if (body.root !== list) {
      throw new ContractError({
        code: 'validation_failed',
        message: `The XML root element must be <${list}> (or one <${entity.name}>), not <${body.root}>`,
        errors: [{ field: '(body)', code: 'type', message: `expected <${list}>, got <${body.root}>` }],
      });
    }
    const other = foreignItem(entity, body.node);
    if (other !== undefined) {
      throw new ContractError({
        code: 'validation_failed',
        message: `<${list}> may hold only <${entity.name}> elements, not <${other}>`,
        errors: [{ field: '(body)', code: 'type', message: `expected <${entity.name}>, got <${other}>` }],
      });
    }
    return xmlItems(entity, body.node);
  }
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) return [body];
  if (!Array.isArray(body)) {
    throw new ContractError({
      code: 'validation_failed',
      message: `The body must be an array of ${entity.name} records`,
      errors: [{ field: '(body)', code: 'type', message: 'expected a JSON array' }],
    });
  }
  return body;
}

/** The version named by If-Match (`"12"`, `W/"12"`); `*` or none: no condition. */
function ifMatch(req: FastifyRequest): number | undefined {
  const header = req.headers['if-match'];
  if (!header || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,18})"?\s*$/.exec(header);
  if (!m)
    throw new ContractError({
      code: 'invalid_if_match',
      message: 'If-Match must be an ETag given by this server',
    });
  return Number(m[1]);
}

/** The error a failed single record answers with. */
function refusal(outcome: SaveOutcome): ContractError {
  const result = outcome.results[0]!;
  const failure = outcome.failures.get(0) ?? {
    code: 'validation_failed' as const,
    errors: result.errors ?? [],
  };
  const errors = result.errors ?? failure.errors;
  const message =
    failure.message ??
    (failure.code === 'validation_failed'
      ? `Invalid or missing values: ${[...new Set(errors.map((e) => e.field))].join(', ')}`
      : (errors[0]?.message ?? 'The record was refused'));
  const details = result.current !== undefined ? { current: result.current } : undefined;
  return new ContractError({ code: failure.code, message, errors, details });
}

/** A read's only or last statement: sent with the COMMIT (one round trip for a read of one statement). */
const LAST: QueryOptions = { commit: true };

/** How many times a write rolled back by a serialization failure or deadlock is run. */
const WRITE_ATTEMPTS = 3;

export function registerEntityRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { db, validator } = deps;
  /** Single-record writes refused for a missing reference, by their error. */
  const singleWrites = new WeakMap<object, { entity: Entity; body: unknown }>();
  const inTenant = <T>(req: FastifyRequest, fn: (tx: Executor) => Promise<T>): Promise<T> =>
    db.withTenant(principalOf(req).tenantId, fn);

  /** A write: one tenant transaction, replayed from its Idempotency-Key when there is one. */
  const write = async (
    req: FastifyRequest,
    reply: FastifyReply,
    work: (tx: Executor) => Promise<StoredResponse>,
  ) => {
    const key = idempotencyKey(req);
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await inTenant(req, (tx) =>
          key ? withIdempotency(tx, { req, key, ttlMs: deps.idempotencyTtlMs }, () => work(tx)) : work(tx),
        );
        return await send(reply, response);
      } catch (err) {
        // A serialization failure or a deadlock rolled the whole request back: it runs again from
        // its body in memory, a few times, before the client is told to retry (503 `retry`).
        if (attempt < WRITE_ATTEMPTS && fromDatabaseError(err)?.code === 'retry') continue;
        throw await withEveryMissingReference(req, err);
      }
    }
  };

  /**
   * A record written alone leaves its ids to the foreign keys, which name only the first one that
   * is missing: the refused request's transaction is over, another one lists them all.
   */
  const withEveryMissingReference = async (req: FastifyRequest, err: unknown): Promise<unknown> => {
    const written = singleWrites.get(err as object);
    if (!written) return err;
    const errors = await inTenant(req, (tx) => missingReferences(tx, written.entity, written.body));
    if (errors.length < 2) return err;
    const message = errors.map((e) => e.message).join('; ');
    return new ContractError({ code: 'unresolved_reference', message, errors });
  };

  /** One record through the pipeline; a failure rolls the whole request back (nested records too). */
  const saveOne = async (
    tx: Executor,
    req: FastifyRequest,
    what: { entity: Entity; mode: SaveMode; body: unknown },
  ) => {
    const { entity, mode, body } = what;
    const options = {
      mode,
      validator,
      returnRows: true,
      single: true,
      expectedVersion: ifMatch(req),
      // A response kept for an Idempotency-Key is written after the record.
      commitWithWrite: idempotencyKey(req) === undefined,
    };
    let outcome: SaveOutcome;
    try {
      outcome = await saveRecords(tx, entity, [body], options);
    } catch (err) {
      const mapped = err instanceof ContractError ? err : fromDatabaseError(err);
      if (mapped?.code === 'unresolved_reference' && err && typeof err === 'object')
        singleWrites.set(err, { entity, body });
      throw err;
    }
    const result = outcome.results[0]!;
    if (!result.success) throw refusal(outcome);
    return { row: outcome.rows.get(0)!, status: result.status };
  };

  /** The handler of each kind of route, for one entity and one of its route segments. */
  const handlers: Record<
    Exclude<RouteKind, 'sync' | 'metadata' | 'service'>,
    (entity: Entity, route: RouteDoc) => RouteHandlerMethod
  > = {
    list: (entity, route) => async (req, reply) => {
      const query = odataQuery(req, 'list');
      const top = optionalInt(query['$top'], '$top');
      const skip = optionalInt(query['$skip'], '$skip') ?? 0;
      const filter = query['$filter'] !== undefined ? parseFilter(entity, query['$filter']) : undefined;
      const orderBy = parseOrderBy(entity, query['$orderby']);
      const select = parseSelect(entity, query['$select']);
      const counted = optionalBoolean(query['$count'], '$count');
      const limit = Math.min(top ?? Infinity, deps.limits.pageSize);
      // The last statement goes out with the COMMIT.
      const { rows, count } = await inTenant(req, async (tx) => ({
        rows: await listRows(
          tx,
          entity,
          { filter, orderBy, limit: limit + 1, offset: skip },
          counted ? undefined : LAST,
        ),
        count: counted ? await countRows(tx, entity, filter, LAST) : undefined,
      }));
      const base = baseUrl(req);
      let next: string | undefined;
      if (rows.length > limit && (top === undefined || top > limit)) {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(query)) {
          if (v !== undefined && k !== '$skip' && k !== '$top') params.set(k, v);
        }
        params.set('$skip', String(skip + limit));
        if (top !== undefined) params.set('$top', String(top - limit));
        next = `${base}/${route.path}?${params.toString()}`;
      }
      const records = rows.slice(0, limit).map((row) => toRecord(entity, row));
      const context = `${base}/${METADATA_PATH}#${entitySet(route)}${selection(select)}`;
      reply.header('odata-version', '4.0');
      return send(reply, listResponse(req, { entity, records, context, next, count, select }));
    },

    count: (entity) => async (req, reply) => {
      const query = odataQuery(req, 'count');
      const filter = query['$filter'] !== undefined ? parseFilter(entity, query['$filter']) : undefined;
      const count = await inTenant(req, (tx) => countRows(tx, entity, filter, LAST));
      return reply
        .code(200)
        .header('odata-version', '4.0')
        .type('text/plain; charset=utf-8')
        .send(String(count));
    },

    get: (entity, route) => async (req, reply) => {
      const id = keyOf(req);
      const select = parseSelect(entity, odataQuery(req, 'get')['$select']);
      const row = await inTenant(req, (tx) => findById(tx, entity, id, false, LAST));
      if (!row) throw notFound(`${entity.name} ${id}`);
      const context = `${baseUrl(req)}/${METADATA_PATH}#${entitySet(route)}${selection(select)}/$entity`;
      reply.header('odata-version', '4.0');
      return send(reply, recordResponse(req, { entity, status: 200, row, select, context }));
    },

    create: (entity, route) => (req, reply) =>
      write(req, reply, async (tx) => {
        const { row } = await saveOne(tx, req, { entity, mode: 'insert', body: bodyOf(entity, req) });
        const location = `/${route.path}(${String(row['id'])})`;
        return recordResponse(req, { entity, status: 201, row, headers: { location } });
      }),

    update: (entity) => (req, reply) =>
      write(req, reply, async (tx) => {
        const id = keyOf(req);
        const body = bodyOf(entity, req) as Row;
        const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
        if (isObject && body['id'] != null && String(body['id']).toLowerCase() !== id) {
          throw new ContractError({
            code: 'validation_failed',
            message: 'The id in the body differs from the id in the URL',
            errors: [{ field: 'id', code: 'mismatch', message: 'id must match the id in the URL' }],
          });
        }
        const { row } = await saveOne(tx, req, {
          entity,
          mode: 'update',
          body: isObject ? { ...body, id } : body,
        });
        return recordResponse(req, { entity, status: 200, row });
      }),

    delete: (entity) => async (req, reply) => {
      const id = keyOf(req);
      await inTenant(req, (tx) => deleteRecord(tx, entity, id));
      return reply.code(204).send();
    },

    save: (entity) => (req, reply) =>
      write(req, reply, async (tx) => {
        const { row, status } = await saveOne(tx, req, { entity, mode: 'upsert', body: bodyOf(entity, req) });
        return recordResponse(req, { entity, status: status === 'created' ? 201 : 200, row });
      }),

    saveMultiple: (entity) => async (req, reply) => {
      const atomic = /^(true|1)$/i.test(odataQuery(req, 'saveMultiple')['allOrNone'] ?? '');
      const records = await batchOf(entity, req, deps.limits.maxBatch);
      return write(req, reply, async (tx) => {
        const outcome = await saveRecords(tx, entity, records, {
          mode: 'upsert',
          validator,
          returnRows: false,
        });
        const failed = outcome.results.filter((r) => !r.success);
        if (atomic && failed.length) {
          const errors = failed.flatMap((r) =>
            (r.errors ?? []).map((e) => ({ ...e, field: `[${r.index}].${e.field}` })),
          );
          const results = asRefused(outcome.results).map(resultJson);
          const message = `${failed.length} of ${records.length} records failed; nothing was saved (allOrNone)`;
          throw new ContractError({ code: 'batch_rejected', message, errors, details: { results } });
        }
        return resultsResponse(req, entity, outcome.results);
      });
    },
  };

  for (const route of routeCatalog(deps.registry, deps.limits)) {
    if (route.kind === 'sync' || route.kind === 'metadata' || route.kind === 'service' || !route.entity)
      continue;
    const handler = handlers[route.kind](route.entity, route);
    const checked: RouteHandlerMethod = ['list', 'count', 'get', 'saveMultiple'].includes(route.kind)
      ? handler
      : function (req, reply) {
          odataQuery(req, route.kind);
          return handler.call(this, req, reply);
        };
    app.route({
      method: route.method,
      url: urlOf(route),
      bodyLimit: route.kind === 'saveMultiple' ? deps.bodyLimits.batch : deps.bodyLimits.single,
      handler: checked,
    });
  }
}

/**
 * Every path of the catalog answers the methods it does not take with 405 and an `Allow` header
 * (HEAD with GET), decided once the caller is authenticated and before any body is read.
 */
export function registerMethodNotAllowed(
  app: FastifyInstance,
  registry: Registry,
  limits: RouteLimits,
): void {
  const byUrl = new Map<string, Set<string>>();
  for (const route of routeCatalog(registry, limits)) {
    const url = urlOf(route);
    let methods = byUrl.get(url.toLowerCase());
    if (!methods) byUrl.set(url.toLowerCase(), (methods = new Set()));
    methods.add(route.method);
  }
  for (const [url, methods] of byUrl) {
    // HEAD is answered wherever GET is; elsewhere it is refused like the others.
    const others = [...METHODS.filter((m) => !methods.has(m)), ...(methods.has('GET') ? [] : ['HEAD'])];
    if (others.length === 0) continue;
    const allow = METHODS.filter((m) => methods.has(m)).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));
    const refuse = async (req: FastifyRequest): Promise<never> => {
      throw new ContractError({
        code: 'method_not_allowed',
        message: `${req.method} is not allowed on ${req.url.split('?')[0]}; it takes ${allow.join(', ')}`,
        allow,
      });
    };
    app.route({
      method: [...others],
      url,
      bodyLimit: 1,
      config: { refusal: true },
      onRequest: refuse,
      handler: refuse,
    });
  }
}

/** The scheme and host the client used (those its proxy forwarded when TRUST_PROXY trusts it). */
export const baseUrl = (req: FastifyRequest): string => `${req.protocol}://${req.host}`;

/** The entity set a route serves: its segment after `api/`. */
const entitySet = (route: RouteDoc): string => route.path.slice('api/'.length).split(/[/(]/)[0]!;

/** The `(a,b)` of a context URL for the fields `$select` chose. */
const selection = (select: readonly string[] | undefined): string => (select ? `(${select.join(',')})` : '');

function optionalBoolean(raw: string | undefined, name: string): boolean {
  if (raw === undefined) return false;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ContractError({ code: 'invalid_query', message: `${name} must be true or false` });
}

function optionalInt(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw)) {
    throw new ContractError({ code: 'invalid_query', message: `${name} must be a whole number >= 0` });
  }
  return Number(raw);
}
