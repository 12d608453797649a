/**
 * `GET /openapi.json` (the document generated from the registry) and `GET /docs`, the interactive
 * reference (Swagger UI served from the installed swagger-ui-dist package: no CDN, works offline).
 */
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { RouteLimits } from '../contract/routes.js';
import { openApiDocument } from '../docs/openapi.js';
import type { Registry } from '../schema/registry.js';

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Field-service API reference</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script src="/docs/static/docs-init.js"></script>
</body>
</html>`;

// Served as a file of its own so that the page needs no inline script.
const DOCS_INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: false,
  docExpansion: 'none',
  filter: true,
  validatorUrl: null,
});`;

export async function registerDocsRoutes(
  app: FastifyInstance,
  registry: Registry,
  limits: RouteLimits,
): Promise<void> {
  const document = JSON.stringify(openApiDocument(registry, limits));
  app.get('/openapi.json', async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send(document),
  );
  app.get('/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').send(DOCS_HTML));
  app.get('/docs/static/docs-init.js', async (_req, reply) => reply.type('text/javascript').send(DOCS_INIT));
  await app.register(fastifyStatic, {
    root: swaggerUiDir,
    prefix: '/docs/static/',
    decorateReply: false,
    index: false,
    allowedPath: (path) =>
      /^\/(swagger-ui\.css|swagger-ui-bundle\.js|favicon-(16x16|32x32)\.png)$/.test(path),
  });
}
