/** The stored rows of a set of records, fetched in one query, and value comparison with them. */
import type { Executor } from '../db/database.js';
import type { Row } from '../db/records.js';
import { q } from '../schema/schema-model.js';
import type { Entity } from '../schema/registry.js';

export async function existingRows(
  tx: Executor,
  entity: Entity,
  ids: readonly string[],
): Promise<Map<string, Row>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, Row>();
  if (!unique.length) return out;
  const r = await tx.query(`SELECT * FROM ${q(entity.name)} WHERE id = ANY($1::uuid[])`, [unique]);
  for (const row of r.rows) out.set(String(row['id']), row);
  return out;
}

/** Whether any given value differs from the stored one (dates and numbers compared as values). */
export function differs(stored: Row, values: Row): boolean {
  for (const [name, value] of Object.entries(values)) {
    const current = stored[name];
    if (value === null || value === undefined) {
      if (current !== null && current !== undefined) return true;
    } else if (current instanceof Date) {
      if (current.getTime() !== new Date(String(value)).getTime()) return true;
    } else if (typeof value === 'number') {
      if (current === null || Number(current) !== value) return true;
    } else if (typeof value === 'object') {
      if (JSON.stringify(current) !== JSON.stringify(value)) return true;
    } else if (typeof value === 'string' && typeof current === 'string') {
      if (current.toLowerCase() !== value.toLowerCase() || (current !== value && !isUuid(value))) return true;
    } else if (current !== value) return true;
  }
  return false;
}

const isUuid = (v: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
