/**
 * Content negotiation: JSON (`application/json`, `text/json`) and XML (`application/xml`,
 * `text/xml`) in and out. XML bodies are parsed here and converted per entity by the route.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseXml, XmlRefused, type XmlNode } from '../schema/xml.js';
import { ContractError } from '../contract/errors.js';

export type Format = 'json' | 'xml';

/** A parsed XML body, converted to the entity's JSON shape by the route that knows the entity. */
export class XmlBody {
  constructor(
    readonly root: string,
    readonly node: XmlNode,
  ) {}
}

const JSON_TYPES = ['application/json', 'text/json'];
const XML_TYPES = ['application/xml', 'text/xml'];

export function registerParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  app.addContentTypeParser(XML_TYPES, { parseAs: 'string' }, (_req, body, done) => {
    try {
      const { root, node } = parseXml(body as string);
      done(null, new XmlBody(root, node));
    } catch (err) {
      if (!(err instanceof XmlRefused)) return done(err as Error, undefined);
      const code = err.reason === 'doctype' ? 'xml_doctype_forbidden' : 'malformed_xml';
      done(new ContractError({ code, message: err.message }), undefined);
    }
  });
}

const mediaType = (header: string | undefined): string => (header ?? '').split(';')[0]!.trim().toLowerCase();

/** The response format: by `Accept`, else the request's own format, else JSON. */
export function responseFormat(req: FastifyRequest): Format {
  const accept = (req.headers.accept ?? '').toLowerCase();
  const xmlAt = Math.min(
    ...['application/xml', 'text/xml'].map((t) => accept.indexOf(t)).filter((i) => i >= 0),
  );
  const jsonAt = Math.min(
    ...['application/json', 'text/json'].map((t) => accept.indexOf(t)).filter((i) => i >= 0),
  );
  if (Number.isFinite(xmlAt) || Number.isFinite(jsonAt)) return xmlAt < jsonAt ? 'xml' : 'json';
  return XML_TYPES.includes(mediaType(req.headers['content-type'])) ? 'xml' : 'json';
}

/** The media type to answer with: the one the client named (text/json, text/xml) or the standard one. */
export function mediaTypeFor(req: FastifyRequest, format: Format): string {
  const accept = (req.headers.accept ?? '').toLowerCase();
  const sent = mediaType(req.headers['content-type']);
  const [standard, alternative] =
    format === 'xml' ? ['application/xml', 'text/xml'] : ['application/json', 'text/json'];
  if (accept.includes(alternative) && !accept.includes(standard)) return alternative;
  if (!accept.includes(standard) && sent === alternative) return alternative;
  return standard;
}

export function sendText(reply: FastifyReply, status: number, format: Format, text: string): FastifyReply {
  return reply
    .code(status)
    .type(`${mediaTypeFor(reply.request, format)}; charset=utf-8`)
    .send(text);
}

/** The query string as single values: a parameter given twice is refused (400), not guessed. */
export function queryOf(req: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (Array.isArray(value))
      throw new ContractError({ code: 'invalid_query', message: `${name} is given more than once` });
    out[name] = value === undefined ? undefined : String(value);
  }
  return out;
}
