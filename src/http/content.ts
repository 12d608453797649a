/**
 * Content negotiation: JSON (`application/json`, `text/json`) and XML (`application/xml`,
 * `text/xml`) in and out. XML bodies are parsed here as they arrive (streaming, a slice at a time,
 * yielding to the event loop between slices), within the route's body limit, and converted per
 * entity by the route.
 */
import type { TextDecoder } from 'node:util';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { xmlReader, XmlRefused, type ParsedXml, type XmlNode } from '../schema/xml.js';
import { turns } from '../schema/turns.js';
import { ContractError, MAX_BODY_NESTING, type ErrorCode } from '../contract/errors.js';
import { markLongNumbers, reviveLongNumbers } from '../schema/decimal.js';
import { declaredCharset, decodeJson, decoderFor, xmlEncoding } from './charset.js';
import { QUERY_OPTIONS, type RouteKind } from '../contract/routes.js';

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

/** Elements an XML body may hold per record of a full batch (and never fewer than the floor). */
export const XML_ELEMENTS_PER_RECORD = 100;
const XML_ELEMENTS_FLOOR = 100_000;
/** Characters given to the XML parser at once, between two checks of the time spent. */
const SLICE = 16 * 1024;

/** The methods whose requests carry a body. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The request says it has no body (Content-Length 0, or neither a length nor chunks). */
const noBody = (req: FastifyRequest): boolean =>
  req.headers['content-length'] === '0' ||
  (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined);

export interface ParserLimits {
  /** Most records in one batch: the element bound of an XML body follows from it. */
  maxBatch: number;
}

/** The 413 of a body over its route's limit (JSON and XML alike). */
export const bodyTooLarge = (limit: number): ContractError =>
  new ContractError({
    code: 'body_too_large',
    message: `The body is larger than the limit of ${limit} bytes for this route`,
  });

const XML_CODES: Record<XmlRefused['reason'], ErrorCode> = {
  malformed: 'malformed_xml',
  doctype: 'xml_doctype_forbidden',
  too_deep: 'too_deep',
  too_large: 'body_too_large',
};

export function registerParsers(app: FastifyInstance, limits: ParserLimits): void {
  const maxElements = Math.max(XML_ELEMENTS_FLOOR, XML_ELEMENTS_PER_RECORD * limits.maxBatch);
  app.removeAllContentTypeParsers();
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  const parseJson = (req: FastifyRequest, text: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      void defaultJson(req, text, (err, value) => (err ? reject(err) : resolve(value)));
    });
  // Decoded by its charset; number literals a double would change are kept exact (ExactNumber).
  // A GET or DELETE carries no body, but some clients send their Content-Type on every request:
  // an empty body is then no body.
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'buffer' }, async (req: FastifyRequest, body: Buffer) => {
    if (body.length === 0 && !BODY_METHODS.has(req.method)) return undefined;
    const text = decodeJson(req, body);
    const marked = markLongNumbers(text);
    if (!marked) return parseJson(req, text);
    // On a refusal, the error of the text as sent (positions included).
    const value = await parseJson(req, marked.text).catch(() => parseJson(req, text));
    return reviveLongNumbers(value, marked);
  });
  // No parseAs: the parser gets the request stream and reads it itself.
  app.addContentTypeParser(XML_TYPES, async (req: FastifyRequest, payload: NodeJS.ReadableStream) => {
    if (!BODY_METHODS.has(req.method) && noBody(req)) return undefined;
    try {
      const { root, node } = await readXml(req, payload, maxElements);
      return new XmlBody(root, node);
    } catch (err) {
      if (!(err instanceof XmlRefused)) throw err;
      throw new ContractError({ code: XML_CODES[err.reason], message: err.message });
    }
  });
}

/**
 * Reads an XML body from the request stream into the parser, a slice at a time: the stream is
 * paused while a chunk is parsed, the event loop gets a turn whenever the parse has run for a few
 * milliseconds, and the body's size is held to the route's limit as it arrives.
 */
function readXml(
  req: FastifyRequest,
  payload: NodeJS.ReadableStream,
  maxElements: number,
): Promise<ParsedXml> {
  const limit = req.routeOptions.bodyLimit ?? Infinity;
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(bodyTooLarge(limit));
  const reader = xmlReader({ maxNesting: MAX_BODY_NESTING, maxElements });
  const charset = declaredCharset(req);
  // Chosen from the first bytes (byte order mark, Content-Type, declaration); until then, kept.
  let decoder: TextDecoder | undefined;
  let head = Buffer.alloc(0);
  const decode = (bytes: Buffer | undefined): string => {
    if (!decoder) {
      head = bytes ? Buffer.concat([head, bytes]) : head;
      const label = xmlEncoding(head, charset, bytes === undefined);
      if (label === undefined) return '';
      decoder = decoderFor(label, label === charset ? 'of the Content-Type' : 'of the XML body');
      bytes = head;
    }
    return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
  };
  const pause = turns();

  const feed = async (text: string): Promise<void> => {
    for (let i = 0; i < text.length; i += SLICE) {
      reader.write(text.length <= SLICE ? text : text.slice(i, i + SLICE));
      const turn = pause();
      if (turn) await turn;
    }
  };

  return new Promise<ParsedXml>((resolve, reject) => {
    let received = 0;
    let settled = false;
    let parsed: Promise<void> = Promise.resolve();
    const settle = (err: unknown, value?: ParsedXml): void => {
      if (settled) return;
      settled = true;
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      payload.removeListener('close', onClose);
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve(value!);
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > limit) return settle(bodyTooLarge(limit));
      payload.pause();
      parsed = parsed
        .then(() => feed(decode(bytes)))
        .then(() => {
          if (!settled) payload.resume();
        });
      parsed.catch(settle);
    };
    const onEnd = (): void => {
      parsed = parsed.then(async () => {
        if (!Number.isNaN(declared) && received !== declared) {
          throw new ContractError({
            code: 'invalid_content_length',
            message: `The body has ${received} bytes where Content-Length says ${declared}`,
          });
        }
        await feed(decode(undefined));
        if (decoder) await feed(decoder.decode());
        settle(undefined, reader.end());
      });
      parsed.catch(settle);
    };
    const onError = (err: Error & { statusCode?: number }): void => {
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
      settle(err);
    };
    const onClose = (): void => {
      // A connection closed before the end of its body: nothing to answer, nothing to keep.
      if (settled) return;
      const cut = Object.assign(new Error('The connection closed before the end of the body'), {
        statusCode: 400,
      });
      parsed.then(() => settle(cut), settle);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.on('close', onClose);
    payload.resume();
  });
}

const mediaType = (header: string | undefined): string => (header ?? '').split(';')[0]!.trim().toLowerCase();

/** The format `$format` names (`json`, `xml` or a JSON or XML media type), if any. */
function formatOption(req: FastifyRequest): Format | undefined {
  const value = (req.query as Record<string, unknown> | undefined)?.['$format'];
  if (typeof value !== 'string') return undefined;
  const type = mediaType(value);
  if (type === 'json' || JSON_TYPES.includes(type)) return 'json';
  if (type === 'xml' || XML_TYPES.includes(type)) return 'xml';
  return undefined;
}

/** The response format: by `$format`, else by `Accept`, else the request's own format, else JSON. */
export function responseFormat(req: FastifyRequest): Format {
  const option = formatOption(req);
  if (option) return option;
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
  if (formatOption(req)) return format === 'xml' ? 'application/xml' : 'application/json';
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

/**
 * The query string of a route of `kind`, as `queryOf` gives it, with every OData system query
 * option (a name starting with `$`) checked: one the route does not take is refused, naming it,
 * and `$format` must name JSON or XML. Other names are custom options, left to the route.
 */
export function odataQuery(req: FastifyRequest, kind: RouteKind): Record<string, string | undefined> {
  const query = queryOf(req);
  const allowed = QUERY_OPTIONS[kind];
  for (const name of Object.keys(query)) {
    if (!name.startsWith('$') || allowed.includes(name)) continue;
    throw new ContractError({
      code: 'unsupported_query_option',
      message: `The query option ${name} is not supported here (this route takes ${allowed.join(', ')})`,
    });
  }
  const format = query['$format'];
  if (format !== undefined && !formatOption(req)) {
    throw new ContractError({
      code: 'invalid_query',
      message: `$format must be json or xml (or a JSON or XML media type), not ${format}`,
    });
  }
  return query;
}
