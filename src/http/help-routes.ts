/**
 * The help pages (`/Help`, `/Help/Api/<name>`, `/Help/ResourceModel?modelName=<entity>`): HTML made
 * from the registry and the route catalog. They sit outside `/api`, so they need no credentials.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { helpIndex, helpResourceModel, helpRoute } from '../schema/help.js';
import type { Registry } from '../schema/registry.js';
import { helpName, routeCatalog } from './catalog.js';
import { ApiError } from './errors.js';

const html = (reply: FastifyReply, body: string): FastifyReply =>
  reply.code(200).type('text/html; charset=utf-8').send(body);

export function registerHelpRoutes(app: FastifyInstance, registry: Registry): void {
  const routes = new Map(routeCatalog(registry).map((r) => [helpName(r).toLowerCase(), r]));
  const index = helpIndex(registry);

  app.get('/Help', (_req, reply) => html(reply, index));

  app.get('/Help/Api/:name', (req, reply) => {
    const name = (req.params as { name: string }).name;
    const route = routes.get(name.toLowerCase());
    if (!route) throw new ApiError(404, 'not_found', `No help page ${name}`);
    return html(reply, helpRoute(registry, route));
  });

  app.get('/Help/ResourceModel', (req, reply) => {
    const modelName = (req.query as Record<string, string | undefined>)['modelName'] ?? '';
    const body = helpResourceModel(registry, modelName);
    if (body === undefined) throw new ApiError(404, 'not_found', `No resource model ${modelName}`);
    return html(reply, body);
  });
}
