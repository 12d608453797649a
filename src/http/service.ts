/**
 * What a service answers around the API itself: the landing page at `/`, the request log line
 * (with tenant, API user and error code), CORS for the origins configured, compression, ETag and
 * 304 on GET, and security headers on the HTML pages.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import fastifyCors from '@fastify/cors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildVersion } from '../build.js';

declare module 'fastify' {
  interface FastifyReply {
    /** The `code` of the error body this reply carries, for the request log. */
    errorCode?: string;
  }
}

export const SERVICE_NAME = 'Field-service back-office API';

/** The pages a newcomer looks for, relative to the server's root. */
export const LINKS = {
  docs: '/docs',
  help: '/Help',
  openapi: '/openapi.json',
  health: '/health',
  ready: '/ready',
  metrics: '/metrics',
} as const;

const LINK_TITLES: Record<keyof typeof LINKS, string> = {
  docs: 'Interactive API reference (OpenAPI)',
  help: 'Help pages of every operation, with samples in JSON and XML',
  openapi: 'OpenAPI 3.1 document',
  health: 'Liveness',
  ready: 'Readiness (database reachable, schema applied)',
  metrics: 'Prometheus metrics',
};

function landingHtml(): string {
  const items = Object.entries(LINKS)
    .map(
      ([key, href]) => `<li><a href="${href}">${href}</a> — ${LINK_TITLES[key as keyof typeof LINKS]}</li>`,
    )
    .join('\n');
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${SERVICE_NAME}</title>` +
    `<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}</style>` +
    `</head><body><h1>${SERVICE_NAME}</h1><p>Version ${buildVersion}. Work orders, parts used on jobs, purchase ` +
    `order lines and dispatch answers, in JSON or XML, under <code>/api</code>. Authenticate with HTTP Basic ` +
    `<code>username:password@domain</code> or a bearer token.</p>\n<ul>\n${items}\n</ul></body></html>`
  );
}

/**
 * Whether the client prefers HTML (a browser) to JSON: it names `text/html` (or XHTML) with a
 * weight above 0 and at least that of JSON (`application/json`, else `application/*`, else `*\/*`).
 * Any other Accept (none, `*\/*`, XML) gets JSON.
 */
export function wantsHtml(accept: string | undefined): boolean {
  if (!accept || !/html/i.test(accept)) return false;
  let html = 0;
  const json = [0, 0, 0]; // application/json, application/*, */*
  const named = [false, false, false];
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Math.min(1, Number(q.slice(2)) || 0);
    if (range === 'text/html' || range === 'application/xhtml+xml') html = Math.max(html, weight);
    const at = ['application/json', 'application/*', '*/*'].indexOf(range);
    if (at >= 0) {
      json[at] = Math.max(json[at]!, weight);
      named[at] = true;
    }
  }
  const jsonWeight = named[0] ? json[0]! : named[1] ? json[1]! : json[2]!;
  return html > 0 && html >= jsonWeight;
}

const HTML_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** A strong validator of a body: its SHA-1, quoted. */
const etagOf = (payload: string | Buffer): string =>
  `"${createHash('sha1').update(payload).digest('base64url')}"`;

/** If-None-Match as RFC 9110 compares it (weak comparison, a list, or `*`). */
function matches(ifNoneMatch: string, etag: string): boolean {
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || t.replace(/^W\//, '') === bare);
}

const API_PATH = /^\/api\//i;
/** Bodies smaller than this are sent as they are. */
const COMPRESS_THRESHOLD = 1024;

export interface ServiceOptions {
  /** Origins allowed to call the API from a browser (`*`: any); empty: no CORS headers. */
  corsOrigins: string[];
}

/**
 * Compression when the client asks for it (Accept-Encoding), for bodies over 1 KB; brotli at
 * quality 1: on a 2.8 MB feed page 7 ms for 499 KB, where quality 4 took 34 ms for 471 KB and gzip
 * (level 6) 27 ms for 507 KB. Registered before any route (it hooks each route as it
 * is added), so that /metrics is compressed too. Request bodies sent with Content-Encoding gzip,
 * deflate or br are decompressed; the body limits count the decompressed bytes.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, {
    threshold: COMPRESS_THRESHOLD,
    encodings: ['br', 'gzip', 'deflate'],
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } },
  });
}

export async function registerService(app: FastifyInstance, options: ServiceOptions): Promise<void> {
  if (options.corsOrigins.length) {
    const any = options.corsOrigins.includes('*');
    await app.register(fastifyCors, {
      origin: any ? '*' : options.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'accept',
        'if-match',
        'if-none-match',
        'idempotency-key',
        'prefer',
        'odata-version',
        'odata-maxversion',
        'x-request-id',
      ],
      exposedHeaders: [
        'etag',
        'location',
        'link',
        'retry-after',
        'x-request-id',
        'idempotent-replayed',
        'preference-applied',
        'odata-version',
      ],
      maxAge: 600,
      strictPreflight: false,
    });
  }

  app.get('/', async (req, reply) => {
    if (wantsHtml(req.headers.accept)) return reply.type('text/html; charset=utf-8').send(landingHtml());
    return { service: SERVICE_NAME, version: buildVersion, links: LINKS };
  });

  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    reply.header('x-content-type-options', 'nosniff');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) reply.headers(HTML_HEADERS);
    // A 304 has no body (nor a Content-Length of its own, nor a compressed empty body).
    if (reply.statusCode === 304) return null;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || reply.statusCode !== 200) return payload;
    // The API and the landing page answer JSON or XML (HTML) by Accept, with one ETag a record.
    if (req.routeOptions.url === '/' || API_PATH.test(req.url)) {
      const vary = reply.getHeader('vary');
      reply.header('vary', vary ? `${String(vary)}, Accept` : 'Accept');
    }
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    let etag = reply.getHeader('etag');
    // An answer no cache may keep (the sync feed) has no ETag, nor the hash of its body.
    if (etag === undefined && /no-store/.test(String(reply.getHeader('cache-control') ?? ''))) return payload;
    if (etag === undefined) {
      etag = etagOf(payload);
      reply.header('etag', etag);
    }
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && matches(ifNoneMatch, String(etag))) {
      // The 304 names what the 200 would vary by, compression included.
      if (payload.length >= COMPRESS_THRESHOLD) {
        const vary = reply.getHeader('vary');
        reply.header('vary', vary ? `${String(vary)}, Accept-Encoding` : 'Accept-Encoding');
      }
      reply.code(304);
      return null;
    }
    return payload;
  });

  // One line per request: what an operator needs to tell why it was answered so.
  app.addHook('onResponse', async (req, reply) => {
    const principal = req.principal;
    req.log.info(
      {
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        ...(principal ? { tenant: principal.domain, user: principal.username } : {}),
        ...(reply.errorCode ? { code: reply.errorCode } : {}),
      },
      'request',
    );
  });
}
