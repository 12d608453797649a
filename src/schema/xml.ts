/**
 * XML in the .NET DataContract style of the original service: the root is the entity name with
 * `xmlns:i`, children in alphabetical order, null as `i:nil="true"`. Parsing refuses DOCTYPE and
 * entity declarations and converts text by the registry's field types (never by guessing).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ScalarField } from '../entities/define.js';
import { isList, type Entity } from './registry.js';

export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const NIL = '@i:nil';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  allowBooleanAttributes: false,
});

const ENTITY = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the predefined and numeric character references in one pass. */
function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (_, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref]!;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\uFFFD';
  });
}

/** An XML document refused: malformed, or declaring a DOCTYPE or entities. */
export class XmlRefused extends Error {
  override readonly name = 'XmlRefused';
  constructor(
    readonly reason: 'malformed' | 'doctype',
    message: string,
  ) {
    super(message);
  }
}

export type XmlNode = string | { [key: string]: XmlNode | XmlNode[] };

/** Parses an XML document; returns its root element name and content. */
export function parseXml(xml: string): { root: string; node: XmlNode } {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new XmlRefused('doctype', 'XML with a DOCTYPE or entity declaration is not accepted');
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new XmlRefused('malformed', `Malformed XML at line ${line}, column ${col}: ${msg}`);
  }
  let doc: Record<string, XmlNode>;
  try {
    doc = parser.parse(xml) as Record<string, XmlNode>;
  } catch (err) {
    // The parser refuses some element names (e.g. __proto__): the document is not acceptable.
    throw new XmlRefused('malformed', `Unacceptable XML: ${(err as Error).message}`);
  }
  const roots = Object.keys(doc).filter((k) => k !== '?xml' && !k.startsWith('#'));
  if (roots.length !== 1) throw new XmlRefused('malformed', 'The XML document must have one root element');
  const root = roots[0]!;
  return { root: localName(root), node: doc[root]! };
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

function children(node: XmlNode): Record<string, XmlNode | XmlNode[]> {
  if (typeof node === 'string') return {};
  const out: Record<string, XmlNode | XmlNode[]> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@') || key.startsWith('#')) continue;
    out[localName(key)] = value;
  }
  return out;
}

const isNil = (node: XmlNode): boolean => typeof node === 'object' && node[NIL] === 'true';

function scalar(field: ScalarField, node: XmlNode | XmlNode[]): unknown {
  if (Array.isArray(node)) return node; // repeated element: left as is, fails validation by type
  if (isNil(node)) return null;
  if (typeof node !== 'string') {
    const text = node['#text'];
    if (Object.keys(children(node)).length > 0) return node; // nested elements where a value is expected
    node = typeof text === 'string' ? text : '';
  }
  const text = decode(node);
  if (field.type === 'string') return text;
  const trimmed = text.trim();
  if (trimmed === '') return null;
  switch (field.type) {
    case 'integer':
      return /^[+-]?\d{1,16}$/.test(trimmed) ? Number(trimmed) : trimmed;
    case 'decimal':
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) && Number.isFinite(Number(trimmed))
        ? Number(trimmed)
        : trimmed;
    case 'boolean':
      return trimmed === 'true' || trimmed === '1'
        ? true
        : trimmed === 'false' || trimmed === '0'
          ? false
          : trimmed;
    default:
      return trimmed;
  }
}

/** Converts one XML element into the JSON shape of `entity`; unknown elements are dropped. */
export function fromXml(entity: Entity, node: XmlNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(children(node))) {
    const field = entity.field(name);
    if (field && isList(field)) {
      if (Array.isArray(value) || isNil(value)) {
        out[name] = isNil(value as XmlNode) ? null : value;
        continue;
      }
      const items = children(value)[field.item] ?? [];
      out[name] = (Array.isArray(items) ? items : [items]).map((item) => {
        const record: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(children(item))) {
          const itemField = Object.hasOwn(field.fields, k) ? field.fields[k] : undefined;
          if (itemField) record[k] = scalar(itemField, v);
        }
        return record;
      });
    } else if (field) {
      out[name] = scalar(field, value);
    } else {
      const ref = entity.refs.find((r) => r.spec.key?.field === name || r.spec.embed?.field === name);
      if (!ref) continue;
      if (ref.spec.key?.field === name) out[name] = scalar({ type: 'string' }, value);
      else out[name] = Array.isArray(value) ? value : isNil(value) ? null : fromXml(ref.target, value);
    }
  }
  return out;
}

/** The element list of a batch: `<ArrayOfX><X>..</X>..</ArrayOfX>` (any wrapper name). */
export function xmlItems(entity: Entity, node: XmlNode): XmlNode[] {
  const items = children(node)[entity.name];
  if (items === undefined) return [];
  return Array.isArray(items) ? items : [items];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
export const escapeXml = (text: string): string => text.replace(/[&<>"]/g, (c) => ESCAPES[c]!);

/** Serializes a plain value (object, array, scalar) as DataContract XML. */
export interface XmlOptions {
  /** The document's root element: it carries the XSI namespace declaration. */
  root?: boolean;
  /** Element name of the items of a list. */
  itemName?: string;
}

export function toXml(name: string, value: unknown, options: XmlOptions = {}): string {
  const { root = false, itemName = 'item' } = options;
  const attrs = root ? ` xmlns:i="${XSI}"` : '';
  if (value === null || value === undefined) return `<${name}${attrs} i:nil="true"/>`;
  if (Array.isArray(value)) {
    return `<${name}${attrs}>${value.map((v) => toXml(itemName, v)).join('')}</${name}>`;
  }
  if (value instanceof Date) return `<${name}${attrs}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const body = keys.map((k) => toXml(k, (value as Record<string, unknown>)[k])).join('');
    return `<${name}${attrs}>${body}</${name}>`;
  }
  return `<${name}${attrs}>${escapeXml(String(value))}</${name}>`;
}
