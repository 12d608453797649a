/**
 * The resolved registry: the entity declarations of `src/entities/` with what every interpreter
 * needs derived once (columns, references, delete mode, route names).
 */
import {
  versionField,
  type EntitySpec,
  type FieldSpec,
  type ListField,
  type RefSpec,
  type ScalarField,
} from '../entities/define.js';
import { entities as specs } from '../entities/index.js';

export type DeleteMode = 'logical' | 'archive' | 'physical';

export interface Ref {
  /** The `<x>_id` column. */
  readonly idField: string;
  readonly spec: RefSpec;
  readonly target: Entity;
  readonly field: ScalarField;
}

export interface Entity {
  readonly spec: EntitySpec;
  readonly name: string;
  readonly route: string;
  /** Every accepted route segment (route first, then aliases). */
  readonly routes: readonly string[];
  /** Stored fields, in documented order: scalar columns and list (jsonb) columns. */
  readonly columns: readonly string[];
  /** Fields a client may write (stored, not system). */
  readonly writable: readonly string[];
  /** Fields returned on read, in documented order (columns and computed fields). */
  readonly output: readonly string[];
  readonly refs: readonly Ref[];
  readonly deleteMode: DeleteMode;
  readonly erpKey: string | undefined;
  /** The automatic number that finds a record without an ERP key where the key is accepted. */
  readonly erpKeyFallback: string | undefined;
  /** Reference data partitioned by sales organization (null = global). */
  readonly salesOrgScoped: boolean;
  field(name: string): FieldSpec | undefined;
}

export interface Registry {
  readonly entities: readonly Entity[];
  entity(name: string): Entity;
  /** Case-insensitive lookup by route segment. */
  byRoute(route: string): Entity | undefined;
}

export function isList(field: FieldSpec): field is ListField {
  return field.type === 'list';
}

function deleteModeOf(spec: EntitySpec): DeleteMode {
  if ('sys_logical_delete' in spec.fields) return 'logical';
  if ('archived' in spec.fields) return 'archive';
  return 'physical';
}

/** Name of the version field the registry gives every entity. */
export const VERSION_FIELD = 'row_version';

export function buildRegistry(list: readonly EntitySpec[]): Registry {
  const byName = new Map<string, Entity>();
  const byRoute = new Map<string, Entity>();
  const pending: Array<() => void> = [];
  for (const declared of list) {
    const spec: EntitySpec = { ...declared, fields: { ...declared.fields, [VERSION_FIELD]: versionField } };
    const entries = Object.entries(spec.fields);
    const refs: Ref[] = [];
    const entity: Entity = {
      spec,
      name: spec.name,
      route: spec.route,
      routes: [spec.route, ...(spec.routeAliases ?? [])],
      columns: entries.filter(([, f]) => isList(f) || !f.computed).map(([n]) => n),
      // A creation time may be given (imports of history); the database keeps it on later updates.
      writable: entries
        .filter(([, f]) => isList(f) || (!f.computed && (!f.system || f.system === 'created')))
        .map(([n]) => n),
      output: entries.map(([n]) => n),
      refs,
      deleteMode: deleteModeOf(spec),
      erpKey: spec.erpKey,
      erpKeyFallback: spec.erpKeyFallback,
      salesOrgScoped: 'sales_organization_id' in spec.fields,
      // Own fields only: a name from a request (`constructor`, `__proto__`) is never a field.
      field: (name) => (Object.hasOwn(spec.fields, name) ? spec.fields[name] : undefined),
    };
    if (byName.has(spec.name)) throw new Error(`entity ${spec.name} declared twice`);
    byName.set(spec.name, entity);
    for (const route of entity.routes) byRoute.set(route.toLowerCase(), entity);
    for (const [name, field] of entries) {
      if (isList(field) || !field.ref) continue;
      const ref = field.ref;
      pending.push(() => {
        const target = byName.get(ref.entity);
        if (!target) throw new Error(`${spec.name}.${name} references unknown entity ${ref.entity}`);
        refs.push({ idField: name, spec: ref, target, field });
      });
    }
  }
  for (const link of pending) link();
  for (const entity of byName.values()) checkNames(entity);
  return {
    entities: [...byName.values()],
    entity(name) {
      const found = byName.get(name);
      if (!found) throw new Error(`unknown entity ${name}`);
      return found;
    },
    byRoute: (route) => byRoute.get(route.toLowerCase()),
  };
}

/** Input names (fields, ERP-key fields, embedded fields) must not collide within an entity. */
function checkNames(entity: Entity): void {
  const seen = new Set(Object.keys(entity.spec.fields));
  for (const ref of entity.refs) {
    for (const extra of [ref.spec.key?.field, ref.spec.embed?.field]) {
      if (!extra) continue;
      if (seen.has(extra)) throw new Error(`${entity.name}: input name ${extra} declared twice`);
      seen.add(extra);
    }
  }
  if (entity.erpKey && !(entity.erpKey in entity.spec.fields)) {
    throw new Error(`${entity.name}: ERP key ${entity.erpKey} is not a field`);
  }
  const fallback = entity.erpKeyFallback ? entity.field(entity.erpKeyFallback) : undefined;
  if (
    entity.erpKeyFallback &&
    (!entity.erpKey || !fallback || isList(fallback) || fallback.system !== 'autoNumber')
  ) {
    throw new Error(`${entity.name}: ERP key fallback ${entity.erpKeyFallback} is not an automatic number`);
  }
}

export const registry: Registry = buildRegistry(specs);
