/**
 * XML in the .NET DataContract style of the original service: the root is the entity name with
 * `xmlns:i`, children in alphabetical order, null as `i:nil="true"`. Parsing is streaming (SAX):
 * a body is read chunk by chunk, bounded in nesting and element count as it is read; it refuses
 * DOCTYPE and entity declarations and converts text by the registry's field types (never by
 * guessing).
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { ScalarField } from '../entities/define.js';
import { isList, type Entity } from './registry.js';
import { decimalValue, ExactNumber } from './decimal.js';

export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const NIL = '@i:nil';

/** An XML document refused: malformed, declaring a DOCTYPE or entities, or over a limit. */
export class XmlRefused extends Error {
  override readonly name = 'XmlRefused';
  constructor(
    readonly reason: 'malformed' | 'doctype' | 'too_deep' | 'too_large',
    message: string,
  ) {
    super(message);
  }
}

/**
 * An element: its text when it has neither attributes nor child elements; else an object of its
 * attributes (`@name`), its child elements by name (an array when repeated) and, when it has no
 * child elements, its text (`#text`). Names that would reach a prototype are refused.
 */
export type XmlNode = string | { [key: string]: XmlNode | XmlNode[] };

export interface ParsedXml {
  /** The root element's local name. */
  root: string;
  node: XmlNode;
}

/** The bounds a document is read within. */
export interface XmlLimits {
  /** Most levels of elements holding elements (the root is the first level). */
  maxNesting: number;
  /** Most elements in the document. */
  maxElements: number;
}

/** For documents the server itself wrote (tests, samples): far beyond any request body. */
const GENEROUS: XmlLimits = { maxNesting: 256, maxElements: 10_000_000 };
/** Most attributes of one element (a DataContract element has one or two). */
export const MAX_XML_ATTRIBUTES = 64;
/** Most distinct child element names of one element (a record has one per field). */
export const MAX_XML_CHILD_NAMES = 1000;

/** Element names that would reach an object's prototype once used as keys. */
const CRITICAL = new Set(['__proto__', 'constructor', 'prototype']);
/** Declarations refused wherever they appear (the parser never expands entities either). */
const DECLARATION = /<!(?:DOCTYPE|ENTITY)/i;
const DECLARATION_TAIL = 8;

type XmlObject = { [key: string]: XmlNode | XmlNode[] };

interface Frame {
  name: string;
  /** Attributes and children, created when the first one is met. */
  node: XmlObject | undefined;
  text: string;
  hasChildren: boolean;
  childNames: number;
}

/** A document read incrementally: `write` each piece of text as it arrives, then `end`. */
export interface XmlReader {
  write(text: string): void;
  end(): ParsedXml;
}

export function xmlReader(limits: XmlLimits = GENEROUS): XmlReader {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: Frame[] = [];
  let result: ParsedXml | undefined;
  let elements = 0;
  let attributes: XmlObject | undefined;
  let attributeCount = 0;
  let tail = '';

  const malformed = (message: string): XmlRefused =>
    new XmlRefused('malformed', `Malformed XML at line ${parser.line}, column ${parser.column}: ${message}`);
  const tooLarge = (what: string): XmlRefused => new XmlRefused('too_large', `The XML body ${what}`);

  parser.on('error', (err) => {
    const message = err.message.replace(/^\d+:\d+: /, '');
    // A control character in text is kept: the validator refuses it naming its field.
    if (message === 'disallowed character.') return;
    throw malformed(message);
  });
  parser.on('doctype', () => {
    throw new XmlRefused('doctype', 'XML with a DOCTYPE or entity declaration is not accepted');
  });
  // Attributes come one by one before their element opens.
  parser.on('attribute', ({ name, value }) => {
    if (++attributeCount > MAX_XML_ATTRIBUTES)
      throw tooLarge(`has an element with more than ${MAX_XML_ATTRIBUTES} attributes`);
    (attributes ??= {})[`@${name}`] = value;
  });
  parser.on('opentag', ({ name }: SaxesTagPlain) => {
    if (CRITICAL.has(localName(name)))
      throw new XmlRefused('malformed', `Unacceptable XML: the element name ${name} is not accepted`);
    if (++elements > limits.maxElements)
      throw tooLarge(`holds more than ${limits.maxElements.toLocaleString('en-US')} elements`);
    // The parent becomes a level holding elements.
    if (stack.length > limits.maxNesting)
      throw new XmlRefused('too_deep', `The body is nested more than ${limits.maxNesting} levels deep`);
    const parent = stack[stack.length - 1];
    if (parent) {
      // Text of an element holding elements is dropped (indentation; mixed content is refused later).
      parent.hasChildren = true;
      parent.text = '';
    }
    stack.push({ name, node: attributes, text: '', hasChildren: false, childNames: 0 });
    attributes = undefined;
    attributeCount = 0;
  });
  const onText = (text: string): void => {
    const top = stack[stack.length - 1];
    if (top && !top.hasChildren) top.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const frame = stack.pop()!;
    let value: XmlNode;
    if (!frame.node && !frame.hasChildren) value = frame.text;
    else {
      value = frame.node ?? {};
      if (!frame.hasChildren && frame.text !== '') value['#text'] = frame.text;
    }
    const parent = stack[stack.length - 1];
    if (!parent) {
      result = { root: localName(frame.name), node: value };
      return;
    }
    const siblings = (parent.node ??= {});
    const existing = Object.hasOwn(siblings, frame.name) ? siblings[frame.name] : undefined;
    if (existing === undefined) {
      if (++parent.childNames > MAX_XML_CHILD_NAMES)
        throw tooLarge(`has an element with more than ${MAX_XML_CHILD_NAMES} distinct child elements`);
      siblings[frame.name] = value;
    } else if (Array.isArray(existing)) existing.push(value);
    else siblings[frame.name] = [existing, value];
  });

  return {
    write(text) {
      if (DECLARATION.test(text) || DECLARATION.test(tail + text.slice(0, DECLARATION_TAIL))) {
        throw new XmlRefused('doctype', 'XML with a DOCTYPE or entity declaration is not accepted');
      }
      tail = (text.length >= DECLARATION_TAIL ? text : tail + text).slice(-DECLARATION_TAIL);
      parser.write(text);
    },
    end() {
      parser.close();
      if (!result) throw new XmlRefused('malformed', 'The XML document must have one root element');
      return result;
    },
  };
}

/** Parses a whole XML document held in memory; returns its root element name and content. */
export function parseXml(xml: string, limits?: XmlLimits): ParsedXml {
  const reader = xmlReader(limits);
  reader.write(xml);
  return reader.end();
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
  // The text as the parser decoded it: character references are decoded once, there.
  let text: string;
  if (typeof node === 'string') text = node;
  else {
    if (Object.keys(children(node)).length > 0) return node; // nested elements where a value is expected
    const own = node['#text'];
    text = typeof own === 'string' ? own : '';
  }
  if (field.type === 'string') return text;
  const trimmed = text.trim();
  if (trimmed === '') return null;
  switch (field.type) {
    case 'integer':
      return /^[+-]?\d{1,16}$/.test(trimmed) ? Number(trimmed) : trimmed;
    case 'decimal':
      // Exact: a literal a double would change is kept as its text.
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) && Number.isFinite(Number(trimmed))
        ? decimalValue(trimmed)
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

/** The element list of a batch: the `<X>` items of `<ArrayOfX><X>..</X>..</ArrayOfX>`. */
export function xmlItems(entity: Entity, node: XmlNode): XmlNode[] {
  const items = children(node)[entity.name];
  if (items === undefined) return [];
  return Array.isArray(items) ? items : [items];
}

/** The first child element of a batch's list that is not an `<X>` item, when there is one. */
export const foreignItem = (entity: Entity, node: XmlNode): string | undefined =>
  Object.keys(children(node)).find((name) => name !== entity.name);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
export const escapeXml = (text: string): string => text.replace(/[&<>"]/g, (c) => ESCAPES[c]!);

/** Serializes a plain value (object, array, scalar) as DataContract XML. */
export interface XmlOptions {
  /** The document's root element: it carries the XSI namespace declaration. */
  root?: boolean;
  /** Element name of the items of a list (when `items` does not name them). */
  itemName?: string;
  /** Element name of the items of each list, by the list's own element name (at any depth). */
  items?: Readonly<Record<string, string>>;
}

/** DataContract order: members sorted by ordinal comparison of their names. */
const ordinal = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function toXml(name: string, value: unknown, options: XmlOptions = {}): string {
  const { root = false, itemName = 'item', items } = options;
  const attrs = root ? ` xmlns:i="${XSI}"` : '';
  if (value === null || value === undefined) return `<${name}${attrs} i:nil="true"/>`;
  if (Array.isArray(value)) {
    const item = (items && Object.hasOwn(items, name) ? items[name] : undefined) ?? itemName;
    return `<${name}${attrs}>${value.map((v) => toXml(item, v, { items })).join('')}</${name}>`;
  }
  if (value instanceof Date) return `<${name}${attrs}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object' && !(value instanceof ExactNumber)) {
    const keys = Object.keys(value).sort(ordinal);
    const body = keys.map((k) => toXml(k, (value as Record<string, unknown>)[k], { items })).join('');
    return `<${name}${attrs}>${body}</${name}>`;
  }
  return `<${name}${attrs}>${escapeXml(String(value))}</${name}>`;
}
