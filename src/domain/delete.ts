/**
 * DELETE of one record: the entity's rules before a delete, then a logical delete, an archive or a
 * physical delete as the entity has it (`deleteRow`), in the same transaction.
 */
import { notFound } from '../contract/errors.js';
import type { Executor } from '../db/database.js';
import { deleteRow } from '../db/records.js';
import type { Entity } from '../schema/registry.js';
import { rulesOf } from './entity-rules.js';

export async function deleteRecord(tx: Executor, entity: Entity, id: string): Promise<void> {
  for (const rule of rulesOf(entity.name))
    if ('beforeDelete' in rule) await rule.beforeDelete({ tx, entity }, [id]);
  if (!(await deleteRow(tx, entity, id))) throw notFound(`${entity.name} ${id}`);
}
