/** `GET api/Sync/Changes`: the change feed (see src/domain/sync.ts), in JSON or XML. */
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.js';
import { decodeCursor, pullChanges, pullChangesJson, type ChangePage } from '../domain/sync.js';
import type { Entity, Registry } from '../schema/registry.js';
import { recordJson, recordXml } from '../schema/serialize.js';
import { escapeXml, XSI } from '../schema/xml.js';
import { odataQuery, responseFormat, sendText } from './content.js';
import { SYNC_PAGE_DEFAULT, SYNC_PAGE_MAX, SYNC_PATH } from '../contract/routes.js';
import { principalOf } from './auth.js';
import { ContractError } from '../contract/errors.js';

function selected(registry: Registry, list: string | undefined): Entity[] {
  if (!list) return [...registry.entities];
  return list.split(',').map((name) => {
    const trimmed = name.trim();
    const entity =
      registry.byRoute(trimmed) ?? registry.entities.find((e) => e.name === trimmed.toLowerCase());
    if (!entity)
      throw new ContractError({ code: 'invalid_query', message: `entities: ${trimmed} is not an entity` });
    return entity;
  });
}

/** Records through the registry's JSON writer, so decimals stay exact numbers. */
export function pageJson(registry: Registry, page: ChangePage): string {
  const changes = page.changes.map((c) => {
    const { record, ...head } = c;
    // A deletion has no record: the member is left out, like every member without a value.
    if (!record) return JSON.stringify(head);
    return `${JSON.stringify(head).slice(0, -1)},"record":${recordJson(registry.entity(c.entity), record)}}`;
  });
  return `{"changes":[${changes.join(',')}],"next":${JSON.stringify(page.next)},"has_more":${page.has_more}}`;
}

function pageXml(registry: Registry, page: ChangePage): string {
  const changes = page.changes.map((c) => {
    const record = c.record ? recordXml(registry.entity(c.entity), c.record, false) : '';
    return (
      `<change><deleted>${c.deleted}</deleted><entity>${c.entity}</entity><id>${c.id}</id>` +
      `${c.record ? `<record>${record}</record>` : ''}<row_version>${c.row_version}</row_version>` +
      `<time>${c.time}</time></change>`
    );
  });
  return (
    `<SyncChanges xmlns:i="${XSI}"><changes>${changes.join('')}</changes>` +
    `<has_more>${page.has_more}</has_more><next>${escapeXml(page.next)}</next></SyncChanges>`
  );
}

export function registerSyncRoutes(app: FastifyInstance, db: Database, registry: Registry): void {
  app.get(`/${SYNC_PATH}`, async (req, reply) => {
    const query = odataQuery(req, 'sync');
    const cursor = decodeCursor(query['since']);
    const entities = selected(registry, query['entities']);
    const raw = query['limit'];
    if (raw !== undefined && !/^\d{1,6}$/.test(raw)) {
      throw new ContractError({
        code: 'invalid_query',
        message: `limit must be a whole number from 1 to ${SYNC_PAGE_MAX}`,
      });
    }
    const limit = Math.min(Math.max(Number(raw ?? SYNC_PAGE_DEFAULT), 1), SYNC_PAGE_MAX);
    const tenantId = principalOf(req).tenantId;
    const format = responseFormat(req);
    // A page is what the feed holds after the cursor now: never kept by a cache, no ETag.
    reply.header('cache-control', 'no-store');
    const body =
      format === 'xml'
        ? pageXml(registry, await pullChanges(db, tenantId, entities, cursor, limit))
        : await pullChangesJson(db, tenantId, entities, cursor, limit);
    return sendText(reply, 200, format, body);
  });
}
