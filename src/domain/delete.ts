/**
 * DELETE of one record: a logical delete, an archive or a physical delete as the entity has it
 * (`deleteRow`), then the entity's rules on delete, in the same transaction.
 */
import { notFound } from '../contract/errors.js';
import type { Executor } from '../db/database.js';
import { deleteRow } from '../db/records.js';
import type { Entity } from '../schema/registry.js';
import { rulesOf } from './entity-rules.js';

export async function deleteRecord(tx: Executor, entity: Entity, id: string): Promise<void> {
  if (!(await deleteRow(tx, entity, id))) throw notFound(`${entity.name} ${id}`);
  for (const rule of rulesOf(entity.name)) if ('onDelete' in rule) await rule.onDelete({ tx, entity }, [id]);
}
