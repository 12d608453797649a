/**
 * HTML building blocks of the help pages: escaping, the page frame, tables, and the rows that
 * describe fields ("Additional information": Required, Max length, pattern, range) as the original
 * ASP.NET help pages print them.
 */
import type { RouteKind } from '../contract/routes.js';
import type { EnumSpec, ScalarField } from '../entities/define.js';
import { typeLabel } from '../schema/json-schema.js';
import { isList, type Entity, type Ref } from '../schema/registry.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** Marks a string as already HTML (built from escaped parts). */
export interface Html {
  readonly html: string;
}
export const raw = (html: string): Html => ({ html });
const cell = (value: string | Html): string => (typeof value === 'string' ? escapeHtml(value) : value.html);

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem 3rem;color:#1f2328;line-height:1.45}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
h3{font-size:1.05rem;margin:1.25rem 0 .4rem}a{color:#0550ae;text-decoration:none}a:hover{text-decoration:underline}
table{border-collapse:collapse;width:100%;margin:.25rem 0 1rem;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.35rem .55rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}tr.group th{background:#eaeef2;font-size:1rem}
td p{margin:0 0 .2rem}pre{background:#f6f8fa;border:1px solid #d0d7de;padding:.6rem .8rem;overflow:auto;font-size:.85rem;white-space:pre-wrap;word-break:break-all}
.method{font-weight:600;font-family:ui-monospace,monospace}.path{font-family:ui-monospace,monospace}
.back{font-size:.9rem}.muted{color:#59636e}`;

export function page(title: string, body: string, withBackLink = true): string {
  const back = withBackLink
    ? '<p class="back"><a href="/Help" data-testid="help-home">&larr; Help home</a></p>'
    : '';
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n` +
    `<body>${back}\n${body}\n</body></html>\n`
  );
}

/** A table with a header row; every cell is text (escaped) or Html. */
export function table(testId: string, head: string[], rows: (string | Html)[][]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table data-testid="${escapeHtml(testId)}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export const modelLink = (name: string): Html =>
  raw(`<a href="/Help/ResourceModel?modelName=${encodeURIComponent(name)}">${escapeHtml(name)}</a>`);

/** One row of a parameter or field table. */
export interface FieldRow {
  name: string;
  description: string;
  type: string | Html;
  info: (string | Html)[];
}

export const lines = (items: (string | Html)[]): Html => raw(items.map((i) => `<p>${cell(i)}</p>`).join(''));

export function fieldTable(testId: string, rows: FieldRow[]): string {
  return table(
    testId,
    ['Name', 'Description', 'Type', 'Additional information'],
    rows.map((r) => [r.name, r.description, r.type, lines(r.info)]),
  );
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Numbers as .NET prints them in range attributes (Double.MaxValue as 1.79769313486232E+308). */
export function formatNumber(n: number): string {
  if (n === Number.MAX_VALUE) return '1.79769313486232E+308';
  if (n === -Number.MAX_VALUE) return '-1.79769313486232E+308';
  return String(n);
}

const enumInfo = (spec: EnumSpec): string =>
  `One of: ${spec.values.join(', ')}${spec.onCreateOnly ? ' (when the record is created)' : ''}`;

/** The "Additional information" lines of a scalar field. */
export function scalarInfo(field: ScalarField, kind?: RouteKind): string[] {
  const info: string[] = [];
  if (field.required) {
    info.push(kind === 'update' ? 'Required (may be left out of an update, never null)' : 'Required');
  }
  if (field.maxLength !== undefined) info.push(`Max length: ${field.maxLength}`);
  if (field.enum) info.push(enumInfo(field.enum));
  if (field.pattern !== undefined) info.push(`Matching regular expression pattern: ${field.pattern}`);
  if (field.minimum !== undefined || field.maximum !== undefined) {
    const [low, high] = field.type === 'integer' ? [INT_MIN, INT_MAX] : [-Number.MAX_VALUE, Number.MAX_VALUE];
    const min = formatNumber(field.minimum ?? low);
    const max = formatNumber(field.maximum ?? high);
    info.push(`Range: inclusive between ${min} and ${max}`);
  }
  return info;
}

/** `a, b or c must be provided` for an "optionally required" reference. */
export function optionallyRequired(ref: Ref): string {
  const names = [ref.idField, ref.spec.key?.field, ref.spec.embed?.field].filter((n): n is string => !!n);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}` : names[0]!;
  return `Optionally required : ${list} must be provided`;
}

/**
 * The body parameters of a write: every writable field, each reference followed by its ERP-key
 * field and its embedded object.
 */
export function bodyRows(entity: Entity, kind: RouteKind): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const name of entity.writable) {
    const field = entity.spec.fields[name]!;
    if (isList(field)) {
      const info = [`At most 1000 items; each ${field.item} has ${Object.keys(field.fields).join(', ')}`];
      rows.push({ name, description: field.description ?? '', type: `Collection of ${field.item}`, info });
      continue;
    }
    const ref = entity.refs.find((r) => r.idField === name);
    const either = ref?.spec.optionallyRequired ? [optionallyRequired(ref)] : [];
    rows.push({
      name,
      description: field.description ?? '',
      type: typeLabel[field.type],
      info: [...scalarInfo(field, kind), ...either],
    });
    if (!ref) continue;
    const target = ref.target;
    if (ref.spec.key) {
      const erp = target.erpKey ? target.spec.fields[target.erpKey] : undefined;
      const max = erp && !isList(erp) && erp.maxLength ? [`Max length: ${erp.maxLength}`] : [];
      rows.push({
        name: ref.spec.key.field,
        description: ref.spec.key.description ?? `ERP key of the ${target.name}`,
        type: 'string',
        info: [...either, ...max, ...(ref.spec.key.enum ? [enumInfo(ref.spec.key.enum)] : [])],
      });
    }
    if (ref.spec.embed) {
      rows.push({
        name: ref.spec.embed.field,
        description: ref.spec.embed.description ?? `Embedded entity "${target.name}"`,
        type: modelLink(target.name),
        info: either,
      });
    }
  }
  return rows;
}

/** The fields of a record as read: every output field. */
export function outputRows(entity: Entity): FieldRow[] {
  return entity.output.map((name) => {
    const field = entity.spec.fields[name]!;
    if (isList(field)) {
      return {
        name,
        description: field.description ?? '',
        type: `Collection of ${field.item}`,
        info: [],
      };
    }
    const info: (string | Html)[] = scalarInfo(field);
    const ref = entity.refs.find((r) => r.idField === name);
    if (ref) info.push(raw(`Reference to ${modelLink(ref.target.name).html}`));
    if ((field.system && field.system !== 'created') || field.computed) info.push('Read only');
    return { name, description: field.description ?? '', type: typeLabel[field.type], info };
  });
}

/** The item fields of the entity's lists (e.g. `translation`), one table per list. */
export function listTables(entity: Entity): string {
  return entity.output
    .map((name) => entity.spec.fields[name]!)
    .filter(isList)
    .map((list) => {
      const rows = Object.entries(list.fields).map(([name, f]) => ({
        name,
        description: f.description ?? '',
        type: typeLabel[f.type],
        info: scalarInfo(f),
      }));
      return `<h3 id="${escapeHtml(list.item)}">${escapeHtml(list.item)}</h3>\n${fieldTable(`list-${list.item}`, rows)}`;
    })
    .join('\n');
}
