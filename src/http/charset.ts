/**
 * The character encoding of a request body, as .NET clients declare it: a byte order mark (UTF-8,
 * or UTF-16 as `Encoding.Unicode` writes it), else the `charset` of the Content-Type, else (XML)
 * the encoding its declaration names, else UTF-8. An encoding the server cannot decode is a 415
 * naming it. Decoding is streaming: a character split across two chunks is decoded once whole.
 */
import { TextDecoder } from 'node:util';
import type { FastifyRequest } from 'fastify';
import { ContractError } from '../contract/errors.js';

/** The `charset` parameter of the request's Content-Type, when it has one. */
export function declaredCharset(req: FastifyRequest): string | undefined {
  const header = req.headers['content-type'] ?? '';
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(header);
  const value = (m?.[1] ?? m?.[2])?.trim();
  return value ? value : undefined;
}

/** A streaming decoder of `label`, or the 415 naming it. */
export function decoderFor(label: string, where: string): TextDecoder {
  try {
    return new TextDecoder(label);
  } catch {
    throw new ContractError({
      code: 'unsupported_media_type',
      message: `The charset ${JSON.stringify(label)} ${where} is not supported; send UTF-8, UTF-16 or ISO-8859-1`,
    });
  }
}

/** The encoding a byte order mark at the start of `head` names. */
function byBom(head: Buffer): string | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** Bytes of the start of a body looked at for its XML declaration, at most. */
const DECLARATION_BYTES = 1024;

/**
 * The encoding of an XML body from its first bytes, or undefined while more are needed (`final`:
 * there are no more). The declaration's encoding counts only for encodings whose bytes start the
 * way the declaration was read (a declaration naming UTF-16 over single bytes is UTF-8, as .NET
 * writes a string built with a StringWriter and sent as UTF-8).
 */
export function xmlEncoding(head: Buffer, charset: string | undefined, final: boolean): string | undefined {
  if (head.length < 4 && !final && !charset) return undefined;
  const bom = byBom(head);
  if (bom) return bom;
  if (charset) return charset;
  if (head[0] === 0x3c && head[1] === 0x00 && head[2] === 0x3f && head[3] === 0x00) return 'utf-16le';
  if (head[0] === 0x00 && head[1] === 0x3c && head[2] === 0x00 && head[3] === 0x3f) return 'utf-16be';
  const start = head.toString('latin1', 0, Math.min(head.length, DECLARATION_BYTES));
  if (!start.startsWith('<?xml')) return 'utf-8';
  const end = start.indexOf('?>');
  if (end < 0 && !final && head.length < DECLARATION_BYTES) return undefined;
  const m = /\sencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']/.exec(end < 0 ? start : start.slice(0, end));
  const named = m?.[1];
  return named && !/^utf-?16/i.test(named) ? named : 'utf-8';
}

/** A JSON body as text: by its byte order mark, else the declared charset, else UTF-8. */
export function decodeJson(req: FastifyRequest, body: Buffer): string {
  const charset = declaredCharset(req);
  const label = byBom(body) ?? charset ?? 'utf-8';
  return decoderFor(label, charset === label ? 'of the Content-Type' : 'of the body').decode(body);
}
