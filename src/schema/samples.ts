/**
 * Sample records derived from the registry, in the style of the original help pages ("sample
 * string 3"), for the help pages and the OpenAPI examples. A sample for writing is accepted by its
 * route on an empty tenant: references are given as nested objects (created on the way) or by an
 * example key, never by ids that would not exist.
 */
import type { ScalarField } from '../entities/define.js';
import { isList, type Entity } from './registry.js';

const SAMPLE_DATE = '2026-06-16T21:15:51.772Z';

function guid(n: number): string {
  const hex = (n * 2654435761).toString(16).padStart(8, '0').slice(-8);
  return `${hex}-1d9a-4cfa-8241-${n.toString(16).padStart(12, '0')}`;
}

export function sampleScalar(field: ScalarField, n: number): unknown {
  switch (field.type) {
    case 'uuid':
      return guid(n);
    case 'string': {
      const text = `sample string ${n}`;
      return field.maxLength ? text.slice(0, field.maxLength) : text;
    }
    case 'integer':
      return Math.min(Math.max(n, field.minimum ?? 0), field.maximum ?? n);
    case 'decimal':
      return Math.max(n, field.minimum ?? 0);
    case 'boolean':
      return true;
    case 'datetime':
      return SAMPLE_DATE;
  }
}

/**
 * A record for writing. `depth` limits nested samples; references are left out unless required
 * ("optionally required" groups get a nested object, or the key's example).
 */
export function writeSample(entity: Entity, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const name of entity.writable) {
    n++;
    const field = entity.spec.fields[name]!;
    if (isList(field)) {
      out[name] = [
        Object.fromEntries(Object.entries(field.fields).map(([k, f], i) => [k, sampleScalar(f, i + 1)])),
      ];
      continue;
    }
    if (field.ref) continue;
    // The ERP key must be unique: a sample keeps the entity's name in it.
    out[name] =
      name === entity.erpKey ? `${entity.name}-${n}`.slice(0, field.maxLength ?? 50) : sampleScalar(field, n);
  }
  // A signed line could no longer be changed; the sample shows an unsigned one.
  if ('signed_by_company' in out) out['signed_by_company'] = false;
  for (const ref of entity.refs) {
    if (!ref.spec.optionallyRequired) continue;
    if (ref.spec.key?.example) out[ref.spec.key.field] = ref.spec.key.example;
    else if (ref.spec.embed && depth < 3) out[ref.spec.embed.field] = writeSample(ref.target, depth + 1);
  }
  return out;
}

/** A record as read: every output field, references as GUIDs. */
export function readSample(entity: Entity): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const name of entity.output) {
    n++;
    const field = entity.spec.fields[name]!;
    out[name] = isList(field)
      ? [Object.fromEntries(Object.entries(field.fields).map(([k, f], i) => [k, sampleScalar(f, i + 1)]))]
      : sampleScalar(field, n);
  }
  return out;
}
