/**
 * The .NET defaults for "no value", as the original's clients send them: a connector whose classes
 * have non-nullable members writes the empty GUID for a reference it does not have, and
 * `DateTime.MinValue` (`0001-01-01T00:00:00`) for a date it does not know. Both mean no value, and
 * a flag is two-valued: null is false. Values of a closed list compare without regard to case, as
 * on the original's database (`open` is `Open`). Applied to a request body before it is validated,
 * through the nested objects and lists the registry declares.
 */
import type { EnumSpec } from '../entities/define.js';
import { isList, type Entity } from './registry.js';

export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** `DateTime.MinValue` and `DateTimeOffset.MinValue` as .NET writes them (JSON and XML). */
const MIN_DATE = /^0001-01-01(?:[Tt ]00:00(?::00(?:\.0{1,9})?)?)?(?:[Zz]|[+-]00:?00)?$/;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GUID as the server keeps it (lower case); undefined for a value that is not one. */
export const guidText = (value: unknown): string | undefined =>
  typeof value === 'string' && GUID.test(value) ? value.toLowerCase() : undefined;

export const isEmptyGuid = (value: unknown): boolean =>
  typeof value === 'string' && value.length === EMPTY_GUID.length && value === EMPTY_GUID;

export const isMinDate = (value: unknown): boolean => typeof value === 'string' && MIN_DATE.test(value);

type Body = Record<string, unknown>;

/** A JSON object (not null, not a list). */
export const isObject = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The body with the .NET "no value" defaults replaced by null, null flags by false and values of
 * closed lists spelled as their list spells them. The body
 * itself is not changed; a body without any such value is returned as is.
 */
export function normalizeInput(entity: Entity, body: unknown): unknown {
  if (!isObject(body)) return body;
  let out: Body | undefined;
  const set = (name: string, value: unknown): void => {
    out ??= { ...body };
    out[name] = value;
  };
  // Its own keys, without a list of entries per record of a large batch.
  for (const name in body) {
    if (!Object.hasOwn(body, name)) continue;
    const value = body[name];
    const field = entity.field(name);
    if (field) {
      if (isList(field)) {
        if (!Array.isArray(value)) continue;
        let changed = false;
        const items = value.map((item: unknown) => {
          if (!isObject(item)) return item;
          let copy: Body | undefined;
          for (const [k, v] of Object.entries(item)) {
            const f = Object.hasOwn(field.fields, k) ? field.fields[k] : undefined;
            const replaced = f ? replacement(f.type, v) : undefined;
            if (replaced === undefined) continue;
            copy ??= { ...item };
            copy[k] = replaced.value;
          }
          if (copy) changed = true;
          return copy ?? item;
        });
        if (changed) set(name, items);
        continue;
      }
      const replaced = replacement(field.type, value) ?? listed(field.enum, value);
      if (replaced) set(name, replaced.value);
      continue;
    }
    const ref = entity.refs.find((r) => r.spec.embed?.field === name || r.spec.key?.field === name);
    if (!ref) continue;
    if (ref.spec.key?.field === name) {
      const replaced = listed(ref.spec.key.enum, value);
      if (replaced) set(name, replaced.value);
    } else if (isObject(value)) {
      // A reference given as a nested object: the same rules inside it.
      const inner = normalizeInput(ref.target, value);
      if (inner !== value) set(name, inner);
    }
  }
  return out ?? body;
}

function replacement(type: string, value: unknown): { value: unknown } | undefined {
  if (type === 'uuid' && isEmptyGuid(value)) return { value: null };
  if (type === 'datetime' && isMinDate(value)) return { value: null };
  if (type === 'boolean' && value === null) return { value: false };
  return undefined;
}

/** A value of a closed list given in another case, as the list spells it. */
function listed(spec: EnumSpec | undefined, value: unknown): { value: unknown } | undefined {
  if (!spec || typeof value !== 'string' || spec.values.includes(value)) return undefined;
  const lower = value.toLowerCase();
  const found = spec.values.find((v) => v.toLowerCase() === lower);
  return found === undefined ? undefined : { value: found };
}
