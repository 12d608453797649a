/**
 * JSON Schemas derived from the registry: `create` (POST), `update` (PUT), `embed` (a nested
 * embedded entity: every field optional) and `read` (responses). Ajv validates JSON and XML input
 * with the same schemas; OpenAPI reuses them.
 *
 * A read schema requires the members every answer holds (the id, the NOT NULL columns and the
 * fields the database always sets) and no member is null in it: a member without a value is left
 * out. The input schemas also name the members the server keeps (`readOnly`, any value accepted and
 * ignored), so that a record read from the API can be sent back as it is.
 */
import type { EnumSpec, FieldSpec, ScalarField, ScalarType, SystemRole } from '../entities/define.js';
import { isList, VERSION_FIELD, type Entity, type Registry } from './registry.js';
import { schemaModel } from './schema-model.js';

export type SchemaMode = 'create' | 'update' | 'embed' | 'read';
export type JsonSchema = Record<string, unknown>;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Type names as the original help pages print them. */
export const typeLabel: Record<ScalarType, string> = {
  uuid: 'globally unique identifier',
  string: 'string',
  integer: 'integer',
  decimal: 'decimal number',
  boolean: 'boolean',
  datetime: 'date',
};

export const schemaId = (entity: string, mode: SchemaMode): string => `urn:fieldservice:${entity}:${mode}`;

function nullable(type: string, required: boolean): string | string[] {
  return required ? type : [type, 'null'];
}

/**
 * The `enum` keyword of a closed list, where it binds in this mode (null stays allowed on input; a
 * read value is always one of the list, when the list binds on every write).
 */
export function enumSchema(spec: EnumSpec | undefined, mode: SchemaMode | 'any'): JsonSchema {
  if (mode === 'read') return spec && !spec.onCreateOnly ? { enum: [...spec.values] } : {};
  if (!spec || (spec.onCreateOnly && mode !== 'create')) return {};
  return { enum: [...spec.values, null] };
}

/** System fields the database sets on every insert (and keeps or renews on update): never empty. */
const ALWAYS_SET: ReadonlySet<SystemRole> = new Set([
  'modified',
  'version',
  'created',
  'updated',
  'autoNumber',
]);

const sentCache = new WeakMap<Entity, ReadonlySet<string>>();

/**
 * The members every stored record of `entity` has a value for: its id, the columns the schema
 * model makes NOT NULL, and the system fields its write trigger always sets.
 */
export function alwaysSent(entity: Entity): ReadonlySet<string> {
  let names = sentCache.get(entity);
  if (names) return names;
  // The table of one entity depends on that entity only.
  const one: Registry = { entities: [entity], entity: () => entity, byRoute: () => undefined };
  const columns = schemaModel(one).tables[entity.name]?.columns ?? {};
  names = new Set(
    entity.output.filter((name) => {
      const field = entity.spec.fields[name]!;
      if (name === 'id' || columns[name]?.notNull) return true;
      return !isList(field) && field.system !== undefined && ALWAYS_SET.has(field.system);
    }),
  );
  sentCache.set(entity, names);
  return names;
}

/** Kept by the server (system fields but a creation time, computed fields): ignored on input. */
export const isServerKept = (field: FieldSpec): boolean =>
  !isList(field) && ((field.system !== undefined && field.system !== 'created') || Boolean(field.computed));

/** A server-kept member in an input schema: documented, any value accepted, and ignored. */
function keptOnInput(name: string, field: ScalarField): JsonSchema {
  const use =
    name === VERSION_FIELD
      ? 'Sent back, it is the version the change is based on: a newer stored version refuses the change (conflict)'
      : 'Kept by the server: a value sent is ignored';
  return {
    'x-label': typeLabel[field.type],
    description: field.description ? `${field.description}. ${use}` : use,
    readOnly: true,
  };
}

/** How a field is used by the schema being written. */
interface FieldUse {
  /** Never null. */
  required: boolean;
  /** An input schema (validator keywords), not the read shape. */
  forInput: boolean;
  mode: SchemaMode | 'any';
}

export function scalarSchema(field: ScalarField, use: FieldUse): JsonSchema {
  const { forInput, mode } = use;
  // A read value is never null: a member without a value is left out.
  const required = use.required || mode === 'read';
  const s: JsonSchema = { 'x-label': typeLabel[field.type] };
  if (field.description) s['description'] = field.description;
  Object.assign(s, enumSchema(field.enum, mode));
  switch (field.type) {
    case 'uuid':
      Object.assign(s, { type: nullable('string', required), format: 'uuid' });
      break;
    case 'string':
      s['type'] = nullable('string', required);
      if (field.maxLength !== undefined) s['maxLength'] = field.maxLength;
      if (field.pattern !== undefined) s['pattern'] = field.pattern;
      if (forInput) s['noControl'] = true;
      break;
    case 'integer':
      s['type'] = nullable('integer', required);
      if (field.system === 'version') break; // a bigint, never written by clients
      s['minimum'] = Math.max(field.minimum ?? INT_MIN, INT_MIN);
      s['maximum'] = Math.min(field.maximum ?? INT_MAX, INT_MAX);
      break;
    case 'decimal':
      s['type'] = nullable('number', required);
      if (field.minimum !== undefined) s['minimum'] = field.minimum;
      if (field.maximum !== undefined) s['maximum'] = field.maximum;
      if (field.pattern !== undefined) s[forInput ? 'decimalPattern' : 'x-pattern'] = field.pattern;
      break;
    case 'boolean':
      s['type'] = nullable('boolean', required);
      break;
    case 'datetime':
      Object.assign(s, {
        type: nullable('string', required),
        format: forInput ? 'fs-datetime' : 'date-time',
      });
      break;
  }
  if (isServerKept(field)) s['readOnly'] = true;
  return s;
}

function fieldSchema(field: FieldSpec, use: FieldUse): JsonSchema {
  const { forInput, mode } = use;
  if (!isList(field)) return scalarSchema(field, use);
  const required = use.required || mode === 'read';
  const properties: Record<string, JsonSchema> = {};
  const requiredItems: string[] = [];
  for (const [name, item] of Object.entries(field.fields)) {
    // Items are kept as sent: a member of an item may be null in a read record too.
    properties[name] = scalarSchema(item, { required: Boolean(item.required), forInput, mode: 'any' });
    if (item.required) requiredItems.push(name);
  }
  return {
    type: nullable('array', required),
    description: field.description,
    maxItems: 1000,
    items: { type: 'object', 'x-label': field.item, properties, required: requiredItems },
  };
}

export function entitySchema(entity: Entity, mode: SchemaMode): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const forInput = mode !== 'read';
  const fieldNames = forInput ? entity.writable : entity.output;
  for (const name of fieldNames) {
    const field = entity.spec.fields[name]!;
    // A required field may never be null; it must be present on create only (an update keeps what
    // it does not mention; the id of an update comes from the URL). Embedded nodes may be a bare key.
    const notNull = mode !== 'read' && mode !== 'embed' && !isList(field) && Boolean(field.required);
    properties[name] = fieldSchema(field, { required: notNull, forInput, mode });
    if (notNull && mode === 'create') required.push(name);
  }
  if (forInput) {
    for (const name of entity.output) {
      const field = entity.spec.fields[name]!;
      if (!isList(field) && isServerKept(field)) properties[name] = keptOnInput(name, field);
    }
  } else {
    const sent = alwaysSent(entity);
    required.push(...entity.output.filter((name) => sent.has(name)));
  }
  // An ERP key with a closed list binds where it is what gives the reference (a given id wins).
  const conditions: JsonSchema[] = [];
  if (forInput) {
    for (const ref of entity.refs) {
      const keyEnum = ref.spec.key ? enumSchema(ref.spec.key.enum, mode) : {};
      if (ref.spec.key && keyEnum['enum']) {
        conditions.push({
          if: { required: [ref.idField], properties: { [ref.idField]: { type: 'string', minLength: 1 } } },
          else: { properties: { [ref.spec.key.field]: keyEnum } },
        });
      }
      const erpField = ref.target.erpKey ? ref.target.spec.fields[ref.target.erpKey] : undefined;
      if (ref.spec.key) {
        const keySchema: JsonSchema = {
          type: ['string', 'null'],
          noControl: true,
          'x-label': 'string',
          'x-ref': ref.target.name,
        };
        if (ref.spec.key.description) keySchema['description'] = ref.spec.key.description;
        if (erpField && !isList(erpField) && erpField.maxLength) keySchema['maxLength'] = erpField.maxLength;
        properties[ref.spec.key.field] = keySchema;
      }
      if (ref.spec.embed) {
        properties[ref.spec.embed.field] = { $ref: schemaId(ref.target.name, 'embed') };
      }
    }
  }
  return {
    $id: schemaId(entity.name, mode),
    title: entity.name,
    description: forInput
      ? entity.spec.description
      : `${entity.spec.description}. A member without a value is left out (never null, nor i:nil in XML)`,
    type: mode === 'embed' ? ['object', 'null'] : 'object',
    'x-label': entity.name,
    properties,
    ...(required.length > 0 ? { required } : {}),
    ...(conditions.length > 0 ? { allOf: conditions } : {}),
  };
}

/** Every schema of every entity, in a stable order (the committed artefact and Ajv's input). */
export function allSchemas(registry: Registry): JsonSchema[] {
  const modes: SchemaMode[] = ['create', 'update', 'embed', 'read'];
  return registry.entities.flatMap((entity) => modes.map((mode) => entitySchema(entity, mode)));
}
