/**
 * From database rows to API records and their JSON and XML text. Decimals stay exact: they travel
 * as the database's text and are written into JSON as number literals, never through a double.
 * A member without a value is left out of the JSON and XML text (never `null` or `i:nil`), so that
 * a client class with non-nullable members (.NET `Guid`, `DateTime`, `decimal`) reads every answer
 * and keeps its own default for what is absent.
 */
import type { ListField } from '../entities/define.js';
import { isList, type Entity } from './registry.js';
import { escapeXml, XSI } from './xml.js';
import { markLongNumbers, reviveLongNumbers } from './decimal.js';

export type ApiRecord = Record<string, unknown>;

/** The API shape of a stored row: output fields in documented order, tenant column dropped. */
export function toRecord(entity: Entity, row: Record<string, unknown>): ApiRecord {
  const out: ApiRecord = {};
  for (const name of entity.output) {
    const value = row[name];
    out[name] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  return out;
}

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

function decimalJson(value: unknown): string {
  const text = String(value);
  return DECIMAL_TEXT.test(text) ? text : JSON.stringify(Number(text));
}

export function recordJson(entity: Entity, record: ApiRecord): string {
  const parts: string[] = [];
  for (const name of entity.output) {
    const value = record[name];
    if (value === null || value === undefined) continue;
    const field = entity.spec.fields[name]!;
    let text: string;
    if (!isList(field) && field.type === 'decimal') text = decimalJson(value);
    else text = JSON.stringify(value);
    parts.push(`${JSON.stringify(name)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * A record as a plain JSON value, for bodies built with stringifyExact: decimals as numbers, or as
 * ExactNumbers where a double would change them.
 */
export function jsonValue(entity: Entity, record: ApiRecord): Record<string, unknown> {
  const text = recordJson(entity, record);
  const marked = markLongNumbers(text);
  if (!marked) return JSON.parse(text) as Record<string, unknown>;
  return reviveLongNumbers(JSON.parse(marked.text) as Record<string, unknown>, marked);
}

/** A list field (e.g. translations) as DataContract XML: one element per item, fields sorted. */
export function listFieldXml(name: string, field: ListField, value: unknown): string {
  const items = (value as Record<string, unknown>[]).map((item) => {
    const inner = Object.keys(field.fields)
      .sort()
      .map((k) => (item[k] == null ? '' : `<${k}>${escapeXml(String(item[k]))}</${k}>`))
      .join('');
    return `<${field.item}>${inner}</${field.item}>`;
  });
  return `<${name}>${items.join('')}</${name}>`;
}

const sortedOutput = new WeakMap<Entity, string[]>();

export function recordXml(entity: Entity, record: ApiRecord, root = true): string {
  let names = sortedOutput.get(entity);
  if (!names) {
    names = [...entity.output].sort();
    sortedOutput.set(entity, names);
  }
  const parts: string[] = [];
  for (const name of names) {
    const value = record[name];
    const field = entity.spec.fields[name]!;
    if (value === null || value === undefined) continue;
    if (isList(field)) parts.push(listFieldXml(name, field, value));
    else parts.push(`<${name}>${escapeXml(String(value))}</${name}>`);
  }
  const attrs = root ? ` xmlns:i="${XSI}"` : '';
  return `<${entity.name}${attrs}>${parts.join('')}</${entity.name}>`;
}

export function listXml(entity: Entity, records: readonly ApiRecord[]): string {
  return `<ArrayOf${entity.name} xmlns:i="${XSI}">${records.map((r) => recordXml(entity, r, false)).join('')}</ArrayOf${entity.name}>`;
}
