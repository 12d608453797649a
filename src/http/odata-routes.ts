/**
 * `GET api/` (the OData service document) and `GET api/$metadata` (the CSDL document), made once
 * from the registry. Both need credentials like every route under /api: OData clients send them on
 * `$metadata` too.
 */
import type { FastifyInstance } from 'fastify';
import { METADATA_PATH, SERVICE_PATH } from '../contract/routes.js';
import { csdlDocument, serviceDocument } from '../docs/csdl.js';
import type { Registry } from '../schema/registry.js';
import { odataQuery } from './content.js';
import { baseUrl } from './routes.js';

export function registerODataRoutes(app: FastifyInstance, registry: Registry): void {
  const csdl = csdlDocument(registry);
  app.get(`/${METADATA_PATH}`, async (req, reply) => {
    odataQuery(req, 'metadata');
    return reply.header('odata-version', '4.0').type('application/xml; charset=utf-8').send(csdl);
  });
  app.get(`/${SERVICE_PATH}`, async (req, reply) => {
    odataQuery(req, 'service');
    return reply
      .header('odata-version', '4.0')
      .type('application/json; charset=utf-8')
      .send(serviceDocument(registry, `${baseUrl(req)}/${METADATA_PATH}`));
  });
}
