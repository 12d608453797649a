/**
 * Generic statements over any entity of the registry. They run inside a tenant transaction: the
 * tenant column is filled by its default and every row is filtered by row-level security.
 */
import type { Executor, QueryOptions } from './database.js';
import type { SqlFragment } from './odata.js';
import { q } from '../schema/schema-model.js';
import { isList, type Entity } from '../schema/registry.js';

export type Row = Record<string, unknown>;

const table = (entity: Entity): string => q(entity.name);

const selectLists = new WeakMap<Entity, string>();

/** `t.*` and the computed fields, for SELECT and RETURNING over the entity aliased `t`. */
export function selectList(entity: Entity): string {
  let list = selectLists.get(entity);
  if (list === undefined) {
    const computed = entity.output.flatMap((name) => {
      const field = entity.spec.fields[name]!;
      return !isList(field) && field.computedSql ? [`${field.computedSql} AS ${q(name)}`] : [];
    });
    list = ['t.*', ...computed].join(', ');
    selectLists.set(entity, list);
  }
  return list;
}

/** Parameter text for a column value: lists go to jsonb as JSON text. */
export function param(entity: Entity, name: string, value: unknown): unknown {
  const field = entity.spec.fields[name];
  if (field && isList(field) && value !== null && value !== undefined) return JSON.stringify(value);
  return value ?? null;
}

export function placeholder(entity: Entity, name: string, index: number): string {
  const field = entity.spec.fields[name];
  return field && isList(field) ? `$${index}::text::jsonb` : `$${index}`;
}

export async function findById(
  tx: Executor,
  entity: Entity,
  id: string,
  lock = false,
  options?: QueryOptions,
): Promise<Row | undefined> {
  const r = await tx.query(
    `SELECT ${selectList(entity)} FROM ${table(entity)} t WHERE id = $1${lock ? ' FOR UPDATE OF t' : ''}`,
    [id],
    options,
  );
  return r.rows[0];
}

export async function findByKey(tx: Executor, entity: Entity, key: string): Promise<Row[]> {
  if (!entity.erpKey) return [];
  const r = await tx.query(
    `SELECT ${selectList(entity)} FROM ${table(entity)} t WHERE lower(${q(entity.erpKey)}) = lower($1) LIMIT 2`,
    [key],
  );
  return r.rows;
}

export interface ListQuery {
  filter?: SqlFragment | undefined;
  orderBy: string;
  limit: number;
  offset: number;
}

export async function listRows(
  tx: Executor,
  entity: Entity,
  query: ListQuery,
  options?: QueryOptions,
): Promise<Row[]> {
  const params = [...(query.filter?.params ?? []), query.limit, query.offset];
  const n = params.length;
  const where = query.filter ? `WHERE ${query.filter.sql}` : '';
  const sql = `SELECT ${selectList(entity)} FROM ${table(entity)} t ${where} ORDER BY ${query.orderBy} LIMIT $${n - 1} OFFSET $${n}`;
  return (await tx.query(sql, params, options)).rows;
}

/** How many records match the filter (all pages). */
export async function countRows(
  tx: Executor,
  entity: Entity,
  filter?: SqlFragment,
  options?: QueryOptions,
): Promise<number> {
  const where = filter ? `WHERE ${filter.sql}` : '';
  const r = await tx.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${table(entity)} t ${where}`,
    [...(filter?.params ?? [])],
    options,
  );
  return Number(r.rows[0]!.n);
}

export async function insertRow(tx: Executor, entity: Entity, values: Row): Promise<Row> {
  const names = Object.keys(values);
  const cols = names.map(q).join(', ');
  const marks = names.map((name, i) => placeholder(entity, name, i + 1)).join(', ');
  const sql = names.length
    ? `INSERT INTO ${table(entity)} AS t (${cols}) VALUES (${marks}) RETURNING ${selectList(entity)}`
    : `INSERT INTO ${table(entity)} AS t DEFAULT VALUES RETURNING ${selectList(entity)}`;
  const r = await tx.query(
    sql,
    names.map((name) => param(entity, name, values[name])),
  );
  return r.rows[0]!;
}

/** Updates the given columns of one row; `undefined` when the row does not exist. */
export async function updateRow(
  tx: Executor,
  entity: Entity,
  id: string,
  values: Row,
): Promise<Row | undefined> {
  const names = Object.keys(values).filter((n) => n !== 'id');
  if (names.length === 0) return findById(tx, entity, id);
  const sets = names.map((name, i) => `${q(name)} = ${placeholder(entity, name, i + 2)}`).join(', ');
  const r = await tx.query(
    `UPDATE ${table(entity)} AS t SET ${sets} WHERE id = $1 RETURNING ${selectList(entity)}`,
    [id, ...names.map((name) => param(entity, name, values[name]))],
  );
  return r.rows[0];
}

/** Deletes as the entity is declared: flag, archive or remove. `false` when there is no such row. */
export async function deleteRow(tx: Executor, entity: Entity, id: string): Promise<boolean> {
  const t = table(entity);
  const sql =
    entity.deleteMode === 'logical'
      ? `UPDATE ${t} SET sys_logical_delete = true WHERE id = $1`
      : entity.deleteMode === 'archive'
        ? `UPDATE ${t} SET archived = true WHERE id = $1`
        : `DELETE FROM ${t} WHERE id = $1`;
  return (await tx.query(sql, [id])).rowCount > 0;
}

const jsonTexts = new WeakMap<Entity, string>();

/**
 * The record's JSON text written by the database itself, over the entity's row aliased `t`: the
 * same text as the registry's JSON writer (serialize.ts) gives the row, members in output order and
 * a member without a value left out, decimals as the database's exact digits, times in UTC with
 * milliseconds. A page of records is then one text column a row, with nothing to parse or build.
 */
export function recordJsonSql(entity: Entity): string {
  let sql = jsonTexts.get(entity);
  if (sql === undefined) {
    const members = entity.output.map((name) => {
      const field = entity.spec.fields[name]!;
      const value = !isList(field) && field.computedSql ? `(${field.computedSql})` : `t.${q(name)}`;
      const key = `'${JSON.stringify(name)}:'`;
      if (isList(field)) return `${key} || ${value}::text`;
      switch (field.type) {
        case 'datetime':
          return `${key} || '"' || to_char(${value} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'`;
        case 'uuid':
          return `${key} || '"' || ${value}::text || '"'`;
        case 'string':
          return `${key} || to_json(${value}::text)::text`;
        default:
          return `${key} || ${value}::text`;
      }
    });
    // concat_ws leaves out the members whose value is NULL; a function takes at most 100
    // arguments, so long records join groups (an empty group is NULL, not an empty member).
    const groups: string[] = [];
    for (let i = 0; i < members.length; i += 90) {
      groups.push(`NULLIF(concat_ws(',', ${members.slice(i, i + 90).join(', ')}), '')`);
    }
    const list = groups.length === 1 ? members.join(', ') : groups.join(', ');
    sql = `'{' || concat_ws(',', ${list}) || '}'`;
    jsonTexts.set(entity, sql);
  }
  return sql;
}
