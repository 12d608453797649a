/**
 * Which fields of an entity always hold a value: the NOT NULL columns of the schema model (the
 * one place that decides them), so that OData `$filter` and the CSDL document follow the schema.
 */
import { registry as defaultRegistry, type Entity } from './registry.js';
import { schemaModel } from './schema-model.js';

let model: ReturnType<typeof schemaModel> | undefined;
const cache = new WeakMap<Entity, ReadonlySet<string>>();

/** The fields of `entity` that are never null (computed fields are not columns: never in it). */
export function notNullFields(entity: Entity): ReadonlySet<string> {
  let fields = cache.get(entity);
  if (!fields) {
    model ??= schemaModel(defaultRegistry);
    const table = model.tables[entity.name];
    fields = new Set(
      table
        ? Object.entries(table.columns)
            .filter(([name, column]) => column.notNull && entity.field(name))
            .map(([name]) => name)
        : ['id'],
    );
    cache.set(entity, fields);
  }
  return fields;
}
