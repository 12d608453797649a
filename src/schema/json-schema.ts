/**
 * JSON Schemas derived from the registry: `create` (POST), `update` (PUT), `embed` (a nested
 * embedded entity: every field optional) and `read` (responses). Ajv validates JSON and XML input
 * with the same schemas; OpenAPI reuses them.
 */
import type { EnumSpec, FieldSpec, ScalarField, ScalarType } from '../entities/define.js';
import { isList, type Entity, type Registry } from './registry.js';

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

/** The `enum` keyword of a closed list, where it binds in this mode (null stays allowed). */
export function enumSchema(spec: EnumSpec | undefined, mode: SchemaMode | 'any'): JsonSchema {
  if (!spec || (spec.onCreateOnly && mode !== 'create')) return {};
  return { enum: [...spec.values, null] };
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
  const { required, forInput, mode } = use;
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
  if ((field.system && field.system !== 'created') || field.computed) s['readOnly'] = true;
  return s;
}

function fieldSchema(field: FieldSpec, use: FieldUse): JsonSchema {
  const { required, forInput } = use;
  if (!isList(field)) return scalarSchema(field, use);
  const properties: Record<string, JsonSchema> = {};
  const requiredItems: string[] = [];
  for (const [name, item] of Object.entries(field.fields)) {
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
    description: entity.spec.description,
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
