/**
 * The embedded-entity algorithm of the original service, applied to every reference of the
 * registry: an `<x>_id` is used as given; else the ERP key (`<x>_code` / `<x>_reference_back_office`
 * or the key inside a nested `<x>` object) is looked up; a nested object that matches nothing is
 * created, one that matches a record whose given properties differ updates it. Nested objects are
 * resolved the same way, recursively, inside the caller's transaction.
 */
import type { Executor } from '../db/database.js';
import { findById, findByKey, insertRow, updateRow, type Row } from '../db/records.js';
import { ApiError, validationError } from '../http/errors.js';
import type { Entity, Ref } from '../schema/registry.js';
import { missingGroups, pickWritable, type FieldError } from '../schema/validate.js';
import { differs } from './existing.js';

const given = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
const MAX_DEPTH = 8;

function unresolved(field: string, message: string): ApiError {
  return new ApiError(422, 'unresolved_reference', message, [{ field, code: 'not_found', message }]);
}

async function lookupKey(tx: Executor, ref: Ref, key: string, field: string): Promise<string> {
  const rows = await findByKey(tx, ref.target, key);
  if (rows.length === 0)
    throw unresolved(field, `${field}: no ${ref.target.name} has ${ref.target.erpKey} '${key}'`);
  if (rows.length > 1) {
    throw unresolved(
      field,
      `${field}: several ${ref.target.name} records have ${ref.target.erpKey} '${key}'; give the id`,
    );
  }
  return String(rows[0]!['id']);
}

const prefix = (path: string, errors: FieldError[]): FieldError[] =>
  errors.map((e) => ({ ...e, field: path ? `${path}.${e.field}` : e.field }));

/** Resolves a nested embedded object to the id of an existing, updated or new record. */
export async function resolveEmbedded(
  tx: Executor,
  target: Entity,
  node: Row,
  path: string,
  depth: number,
): Promise<string> {
  if (depth > MAX_DEPTH)
    throw new ApiError(400, 'too_deep', `${path}: embedded entities are nested too deeply`);
  const values = await resolveReferences(tx, target, node, path, depth + 1);
  const writable = pickWritable(target, values);
  let existing: Row | undefined;
  if (given(node['id'])) existing = await findById(tx, target, String(node['id']));
  else if (target.erpKey && given(node[target.erpKey])) {
    const rows = await findByKey(tx, target, String(node[target.erpKey]));
    if (rows.length > 1)
      throw unresolved(path, `${path}: several ${target.name} records have this ${target.erpKey}`);
    existing = rows[0];
  }
  if (existing) {
    const id = String(existing['id']);
    const { id: _ignored, ...changes } = writable;
    if (differs(existing, changes)) await updateRow(tx, target, id, changes);
    return id;
  }
  const missing = [
    ...target.writable
      .filter((name) => {
        const field = target.spec.fields[name]!;
        return field.type !== 'list' && field.required && !given(writable[name]);
      })
      .map((name) => ({ field: name, code: 'required', message: `${name} is required` })),
    ...missingGroups(target, node),
  ];
  if (missing.length) throw validationError(prefix(path, missing));
  return String((await insertConcurrently(tx, target, writable))['id']);
}

/**
 * Returns `body` with every reference given by ERP key or nested object replaced by its `<x>_id`.
 * The key and nested fields themselves are removed.
 */
async function resolveReferences(
  tx: Executor,
  entity: Entity,
  body: Row,
  path = '',
  depth = 0,
): Promise<Row> {
  const out: Row = { ...body };
  for (const ref of entity.refs) {
    const keyField = ref.spec.key?.field;
    const embedField = ref.spec.embed?.field;
    const key = keyField ? body[keyField] : undefined;
    const node = embedField ? body[embedField] : undefined;
    if (keyField) delete out[keyField];
    if (embedField) delete out[embedField];
    if (given(body[ref.idField])) continue;
    const at = (field: string): string => (path ? `${path}.${field}` : field);
    if (keyField && given(key)) {
      out[ref.idField] = await lookupKey(tx, ref, String(key), at(keyField));
    } else if (embedField && node && typeof node === 'object') {
      out[ref.idField] = await resolveEmbedded(tx, ref.target, node as Row, at(embedField), depth);
    }
  }
  return out;
}

/**
 * Inserts an embedded record; when a concurrent request created the same ERP key first (unique
 * violation), uses that record instead of failing.
 */
async function insertConcurrently(tx: Executor, target: Entity, values: Row): Promise<Row> {
  const key = target.erpKey ? values[target.erpKey] : undefined;
  if (!given(key)) return insertRow(tx, target, values);
  await tx.query('SAVEPOINT fs_embed_insert');
  try {
    const row = await insertRow(tx, target, values);
    await tx.query('RELEASE SAVEPOINT fs_embed_insert');
    return row;
  } catch (err) {
    await tx.query('ROLLBACK TO SAVEPOINT fs_embed_insert');
    if ((err as { code?: string }).code !== '23505') throw err;
    const [winner] = await findByKey(tx, target, String(key));
    if (!winner) throw err;
    const { id: _id, ...changes } = values;
    if (differs(winner, changes)) await updateRow(tx, target, String(winner['id']), changes);
    return winner;
  }
}
