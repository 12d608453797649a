/**
 * The help pages (`/Help`, `/Help/Api/<name>`, `/Help/ResourceModel?modelName=<entity>`): HTML made
 * from the registry and the route catalog. They sit outside `/api`, so they need no credentials.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { helpIndex, helpResourceModel, helpRoute } from '../docs/help.js';
import type { Registry } from '../schema/registry.js';
import { helpName, routeCatalog, type RouteLimits } from '../contract/routes.js';
import { ContractError } from '../contract/errors.js';

const html = (reply: FastifyReply, body: string): FastifyReply =>
  reply.code(200).type('text/html; charset=utf-8').send(body);

export function registerHelpRoutes(app: FastifyInstance, registry: Registry, limits: RouteLimits): void {
  const routes = new Map(routeCatalog(registry, limits).map((r) => [helpName(r).toLowerCase(), r]));
  const index = helpIndex(registry, limits);

  app.get('/Help', (_req, reply) => html(reply, index));

  app.get('/Help/Api/:name', (req, reply) => {
    const name = (req.params as { name: string }).name;
    const route = routes.get(name.toLowerCase());
    if (!route) throw new ContractError({ code: 'not_found', message: `No help page ${name}` });
    return html(reply, helpRoute(registry, route));
  });

  app.get('/Help/ResourceModel', (req, reply) => {
    const modelName = (req.query as Record<string, string | undefined>)['modelName'] ?? '';
    const body = helpResourceModel(registry, modelName, limits);
    if (body === undefined)
      throw new ContractError({ code: 'not_found', message: `No resource model ${modelName}` });
    return html(reply, body);
  });
}
