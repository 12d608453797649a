/**
 * Validation of request bodies by the registry's JSON Schemas (Ajv), with every failure reported as
 * `{field, code, message}`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { DataValidationCxt } from 'ajv/dist/types/index.js';
import addFormatsModule from 'ajv-formats';
import { isList, type Entity, type Registry } from './registry.js';
import { allSchemas, schemaId, type SchemaMode } from './json-schema.js';
import { ExactNumber, plainDecimal } from './decimal.js';

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the instants a date may name. */
const EARLIEST = new Date('0001-01-01T00:00:00Z').getTime();
const LATEST = new Date('9999-12-31T23:59:59.999Z').getTime();

/**
 * Dates as .NET clients send them: date only, with or without fraction and zone (UTC if none).
 * The zone is at most 14 hours away, and the instant falls within years 1 to 9999.
 */
export function isDateTime(text: string): boolean {
  const m = DATETIME.exec(text);
  if (!m) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((v) => Number(v ?? 0));
  if (year! < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(2000, month! - 1, day!));
  date.setUTCFullYear(year!);
  if (date.getUTCMonth() !== month! - 1 || date.getUTCDate() !== day) return false;
  const offsetHours = Number(m[9] ?? 0);
  const offsetMinutes = Number(m[10] ?? 0);
  if (offsetHours > 14 || offsetMinutes > 59 || (offsetHours === 14 && offsetMinutes > 0)) return false;
  const sign = m[8] === '-' ? -1 : 1;
  const instant =
    date.getTime() + ((hour * 60 + minute - sign * (offsetHours * 60 + offsetMinutes)) * 60 + second) * 1000;
  return instant >= EARLIEST && instant <= LATEST;
}

/** The copies Ajv validates in place of objects holding ExactNumbers, and the objects they copy. */
const originals = new WeakMap<object, object>();

/**
 * The body as Ajv sees it: each ExactNumber as its double (NaN when it has no plain form), in
 * copies of the objects that hold one; the body itself when it holds none.
 */
function numericView(value: unknown): unknown {
  if (value instanceof ExactNumber) return plainDecimal(value) === undefined ? NaN : Number(value.text);
  if (value === null || typeof value !== 'object') return value;
  let copy: Record<string, unknown> | unknown[] | undefined;
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const child = source[key];
    const seen = numericView(child);
    if (seen === child) continue;
    copy ??= Array.isArray(value) ? [...(value as unknown[])] : { ...source };
    (copy as Record<string, unknown>)[key] = seen;
  }
  if (!copy) return value;
  originals.set(copy, value);
  return copy;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

function createAjv(registry: Registry): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false });
  const addFormats = addFormatsModule as unknown as (a: Ajv, formats: string[]) => Ajv;
  addFormats(ajv, ['uuid', 'date-time']);
  ajv.addFormat('fs-datetime', { type: 'string', validate: isDateTime });
  ajv.addVocabulary(['x-label', 'x-ref', 'x-pattern']);
  ajv.addKeyword({
    keyword: 'noControl',
    type: 'string',
    schemaType: 'boolean',
    // Control characters (but tab and line breaks) cannot be written in XML 1.0: refused on input.
    validate: (enabled: boolean, data: string) => !enabled || !CONTROL.test(data),
  });
  ajv.addKeyword({
    keyword: 'decimalPattern',
    type: 'number',
    schemaType: 'string',
    // Checked on the plain text of the value as sent (an exact literal, not its double).
    compile: (pattern: string) => {
      const re = new RegExp(pattern, 'u');
      return (data: number, cxt?: DataValidationCxt) => {
        const original = cxt?.parentData ? originals.get(cxt.parentData as object) : undefined;
        const sent = original
          ? (original as Record<string | number, unknown>)[cxt!.parentDataProperty]
          : data;
        const plain = plainDecimal(sent instanceof ExactNumber ? sent : data);
        return plain !== undefined && re.test(plain);
      };
    },
  });
  for (const schema of allSchemas(registry)) ajv.addSchema(schema);
  return ajv;
}

function fieldPath(error: ErrorObject): string {
  const base = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return base ? `${base}.${missing}` : missing;
  }
  return base;
}

function describe(error: ErrorObject, field: string): FieldError {
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const label = String(schema['x-label'] ?? 'value');
  switch (error.keyword) {
    case 'required':
      return { field, code: 'required', message: `${field} is required` };
    case 'maxLength':
      return {
        field,
        code: 'max_length',
        message: `${field} must be at most ${String(schema['maxLength'])} characters`,
      };
    case 'pattern':
    case 'decimalPattern':
      return {
        field,
        code: 'pattern',
        message: `${field} must match the regular expression ${String(schema['pattern'] ?? schema['decimalPattern'])}`,
      };
    case 'minimum':
    case 'maximum':
      return {
        field,
        code: 'range',
        message: `${field} must be between ${String(schema['minimum'] ?? '-∞')} and ${String(schema['maximum'] ?? '∞')}`,
      };
    case 'maxItems':
      return {
        field,
        code: 'max_items',
        message: `${field} has too many items (at most ${String(schema['maxItems'])})`,
      };
    case 'enum': {
      const values = ((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).filter(
        (v) => v !== null,
      );
      return { field, code: 'enum', message: `${field} must be one of ${values.join(', ')}` };
    }
    case 'noControl':
      return { field, code: 'invalid_character', message: `${field} must not contain control characters` };
    case 'format':
      return {
        field,
        code: 'format',
        message:
          label === 'date'
            ? `${field} must be a date (YYYY-MM-DDThh:mm:ss.fffZ)`
            : `${field} must be a ${label}`,
      };
    case 'type':
      return {
        field,
        code: 'type',
        message: `${field} must be ${label === 'value' ? 'valid' : `a ${label}`}`,
      };
    default:
      return { field, code: error.keyword, message: `${field} ${error.message ?? 'is invalid'}` };
  }
}

export function toFieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    // The failed branch of a condition is reported by the keyword inside it.
    if (error.keyword === 'if') continue;
    const field = fieldPath(error) || '(body)';
    const described = describe(error, field);
    const key = `${described.field}\u0000${described.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(described);
  }
  return out;
}

export interface Validator {
  /** Schema validation of one record; `[]` when valid. */
  validate(entity: Entity, mode: SchemaMode, body: unknown): FieldError[];
}

export function createValidator(registry: Registry): Validator {
  const ajv = createAjv(registry);
  const compiled = new Map<string, ValidateFunction>();
  const get = (entity: Entity, mode: SchemaMode): ValidateFunction => {
    const id = schemaId(entity.name, mode);
    let fn = compiled.get(id);
    if (!fn) {
      fn = ajv.getSchema(id);
      if (!fn) throw new Error(`no schema ${id}`);
      compiled.set(id, fn);
    }
    return fn;
  };
  // Compile everything up front: the first request should not pay for it.
  for (const entity of registry.entities)
    for (const mode of ['create', 'update', 'embed'] as const) get(entity, mode);
  return {
    validate(entity, mode, body) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return [{ field: '(body)', code: 'type', message: `The body must be one ${entity.name} object` }];
      }
      const fn = get(entity, mode);
      const errors = fn(numericView(body)) ? [] : toFieldErrors(fn.errors);
      if (mode !== 'embed')
        errors.push(...missingGroups(entity, body as Record<string, unknown>, mode === 'update'));
      return errors;
    },
  };
}

/** A value given: not absent, null or empty. */
export const given = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

/** "Optionally required" groups: the id, the ERP key or the embedded object must be provided. */
export function missingGroups(entity: Entity, body: Record<string, unknown>, partial = false): FieldError[] {
  const errors: FieldError[] = [];
  for (const ref of entity.refs) {
    if (!ref.spec.optionallyRequired) continue;
    const names = [ref.idField, ref.spec.key?.field, ref.spec.embed?.field].filter((n): n is string => !!n);
    if (names.some((n) => given(body[n]))) continue;
    // An update that does not mention the group keeps the stored reference.
    if (partial && !names.some((n) => Object.hasOwn(body, n))) continue;
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}` : names[0]!;
    errors.push({
      field: names.join('|'),
      code: 'optionally_required',
      message: `Optionally required : ${list} must be provided`,
    });
  }
  return errors;
}

/**
 * Known writable fields of a validated body (unknown and read-only fields are dropped). An exact
 * decimal becomes its plain text, which the database stores as it is; an exact literal given to
 * another kind of field (`5.0000000000000000`) becomes its number.
 */
export function pickWritable(entity: Entity, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of entity.writable) {
    if (Object.hasOwn(body, name)) {
      const field = entity.spec.fields[name]!;
      out[name] = isList(field) ? pickList(field.fields, body[name]) : storable(field.type, body[name]);
    }
  }
  return out;
}

const storable = (type: string, value: unknown): unknown =>
  value instanceof ExactNumber ? (type === 'decimal' ? plainDecimal(value) : Number(value.text)) : value;

function pickList(fields: Record<string, { type: string }>, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((item: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, storable(f.type, item[k] ?? null)])),
  );
}
