/**
 * The one resolver of references, for single writes, batches and nested records alike: the
 * embedded-entity algorithm of the original service applied to every reference of the registry.
 * An `<x>_id` is used as given (its existence checked with one query for the whole set); an ERP
 * key (`<x>_code` / `<x>_reference_back_office`) is looked up with one query for the whole set;
 * a nested `<x>` object is found by id or ERP key, updated when its given values differ, created
 * when it matches nothing, its own references resolved the same way. Where one ERP key names
 * several records, the record's sales organization chooses (its own, else the global one).
 */
import { randomUUID } from 'node:crypto';
import {
  ContractError,
  isTransient,
  MAX_EMBED_DEPTH,
  unresolved,
  validationError,
} from '../contract/errors.js';
import { fromDatabaseError } from '../db/errors.js';
import { findById, insertRow, updateRow, type Row } from '../db/records.js';
import { normalizeInput } from '../schema/defaults.js';
import { q } from '../schema/schema-model.js';
import type { Entity, Ref } from '../schema/registry.js';
import { given, missingGroups, pickWritable, type FieldError } from '../schema/validate.js';
import { writeMany } from '../db/bulk.js';
import { differs, existingRows } from './existing.js';
import type { Pending, RuleContext } from './rules.js';
import type { Executor } from '../db/database.js';

interface Match {
  id: string;
  org: string | null;
}

/**
 * Every record of `target` with one of these ERP keys, by the key as given. Keys compare without
 * regard to case, as the unique index of the key does.
 */
async function matchesOf(
  tx: Executor,
  target: Entity,
  keys: readonly string[],
): Promise<Map<string, Match[]>> {
  const erpKey = target.erpKey!;
  const r = await tx.query<{ id: string; key: string; org: string | null }>(
    `SELECT t.id, k.key, ${target.salesOrgScoped ? 't.sales_organization_id' : 'NULL::uuid'} AS org
     FROM unnest($1::text[]) k(key) JOIN ${q(target.name)} t ON lower(t.${q(erpKey)}) = lower(k.key)`,
    [[...new Set(keys)]],
  );
  const byKey = new Map<string, Match[]>();
  for (const row of r.rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
  // A record without an ERP key is found by its automatic number instead (jobs.id2).
  const fallback = target.erpKeyFallback;
  const numbers = fallback ? [...new Set(keys)].filter((k) => !byKey.has(k) && NUMBER.test(k)) : [];
  if (fallback && numbers.length) {
    const n = await tx.query<{ id: string; key: string; org: string | null }>(
      `SELECT t.id, k.key, ${target.salesOrgScoped ? 't.sales_organization_id' : 'NULL::uuid'} AS org
       FROM unnest($1::text[]) k(key) JOIN ${q(target.name)} t ON t.${q(fallback)} = k.key::bigint
       WHERE COALESCE(t.${q(erpKey)}, '') = ''`,
      [numbers],
    );
    for (const row of n.rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
  }
  return byKey;
}

/** An automatic number as text (within bigint). */
const NUMBER = /^[1-9]\d{0,17}$/;

/** Of several records with one key: the one of the given sales organization, else the global one. */
function choose(matches: readonly Match[], org: unknown): Match[] {
  let out = [...matches];
  if (out.length > 1 && given(org)) out = out.filter((m) => m.org === String(org) || m.org === null);
  if (out.length > 1) out = out.filter((m) => m.org === null);
  return out;
}

const notFound = (field: string, message: string) => ({
  code: 'unresolved_reference' as const,
  errors: [{ field, code: 'not_found' as const, message }],
  message,
});

export interface ResolveOptions {
  /** Check that given ids exist up front (a batch); else the foreign keys report them. */
  checkIds: boolean;
  /** Where the records stand in the request, for the field names of errors (`project.`). */
  path?: string;
  depth?: number;
}

/** Replaces, in each record's values, every reference given by ERP key or nested object by its id. */
export async function resolveReferences(
  ctx: RuleContext,
  pending: Pending[],
  options: ResolveOptions,
): Promise<void> {
  const at = (field: string): string => (options.path ? `${options.path}.${field}` : field);
  for (const p of pending) p.values = { ...p.input };
  // Every reference of a record that resolves to nothing is reported at once, each by its path.
  const unresolvedOf = new Map<Pending, FieldError[]>();
  const refCtx: RuleContext = {
    ...ctx,
    fail(p, failure) {
      if (failure.code !== 'unresolved_reference') return ctx.fail(p, failure);
      unresolvedOf.set(p, [...(unresolvedOf.get(p) ?? []), ...failure.errors]);
    },
  };
  const batchIds = new Set(pending.map((p) => String(p.input['id'] ?? '').toLowerCase()).filter(Boolean));
  for (const ref of ctx.entity.refs) {
    const keyField = ref.spec.key?.field;
    const embedField = ref.spec.embed?.field;
    const byKey: Array<{ p: Pending; key: string }> = [];
    const byId: Array<{ p: Pending; id: string }> = [];
    const nodes: Array<{ p: Pending; node: Row }> = [];
    for (const p of pending) {
      if (p.failed) continue;
      const id = p.input[ref.idField];
      const key = keyField ? p.input[keyField] : undefined;
      const node = embedField ? p.input[embedField] : undefined;
      if (keyField) delete p.values[keyField];
      if (embedField) delete p.values[embedField];
      if (given(id)) byId.push({ p, id: String(id) });
      else if (keyField && given(key)) byKey.push({ p, key: String(key) });
      else if (embedField && node && typeof node === 'object') nodes.push({ p, node: node as Row });
    }
    if (nodes.length) {
      await resolveNodes(refCtx, ref, nodes, { path: at(embedField!), depth: options.depth ?? 0 });
    }
    if (byKey.length) {
      const found = await matchesOf(
        ctx.tx,
        ref.target,
        byKey.map((i) => i.key),
      );
      const target = ref.target;
      for (const { p, key } of byKey) {
        const matches = choose(found.get(key) ?? [], p.values['sales_organization_id']);
        const field = at(keyField!);
        if (matches.length === 1) p.values[ref.idField] = matches[0]!.id;
        else if (!matches.length)
          refCtx.fail(p, notFound(field, `${field}: no ${target.name} has ${target.erpKey} '${key}'`));
        else
          refCtx.fail(
            p,
            notFound(
              field,
              `${field}: several ${target.name} records have ${target.erpKey} '${key}'; give the id`,
            ),
          );
      }
    }
    if (byId.length && options.checkIds) await checkIds(refCtx, ref, byId, { batchIds, at });
  }
  if (unresolvedOf.size && !options.checkIds) {
    // Given ids are left to the foreign keys when the record is alone; once it fails anyway, they
    // are checked too, so that the answer names every missing reference.
    for (const ref of ctx.entity.refs) {
      const byId = [...unresolvedOf.keys()]
        .filter((p) => !p.failed && given(p.input[ref.idField]))
        .map((p) => ({ p, id: String(p.input[ref.idField]) }));
      if (byId.length) await checkIds(refCtx, ref, byId, { batchIds, at });
    }
  }
  for (const [p, errors] of unresolvedOf) {
    const message = errors.map((e) => e.message).join('; ');
    ctx.fail(p, { code: 'unresolved_reference', errors, message });
  }
}

async function checkIds(
  ctx: RuleContext,
  ref: Ref,
  items: Array<{ p: Pending; id: string }>,
  scope: { batchIds: Set<string>; at: (field: string) => string },
): Promise<void> {
  const { batchIds, at } = scope;
  // A record of the batch may reference another record of the same batch.
  const selfRef = ref.target === ctx.entity;
  const inBatch = (id: string): boolean => selfRef && batchIds.has(id);
  const ids = [...new Set(items.map((i) => i.id.toLowerCase()))].filter((id) => !inBatch(id));
  if (!ids.length) return;
  const r = await ctx.tx.query<{ id: string }>(
    `SELECT id FROM ${q(ref.target.name)} WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  const found = new Set(r.rows.map((row) => row.id));
  for (const { p, id } of items) {
    if (found.has(id.toLowerCase()) || inBatch(id.toLowerCase())) continue;
    ctx.fail(p, notFound(at(ref.idField), `${at(ref.idField)}: no ${ref.target.name} has id ${id}`));
  }
}

/** A nested object of a request, where it stands and how deep. */
interface NodeAt {
  node: Row;
  /** Field path of the node in the request (`project`, `project.equipment_model`). */
  path: string;
  depth: number;
}

/**
 * The nested objects of one reference across the records of a request, resolved by level: their
 * own references for all of them at once, the stored ones found with one query, the new ones
 * inserted in one statement. Any refusal (or a conflict with a concurrent writer) undoes that and
 * resolves them one by one, so that each failure fails its record alone, as when it is alone.
 */
async function resolveNodes(
  ctx: RuleContext,
  ref: Ref,
  nodes: Array<{ p: Pending; node: Row }>,
  at: { path: string; depth: number },
): Promise<void> {
  if (nodes.length > 1 && at.depth <= MAX_EMBED_DEPTH) {
    await ctx.tx.query('SAVEPOINT fs_embed_level');
    let ids: string[] | undefined;
    try {
      ids = await nodesInBulk(ctx, ref.target, nodes, at);
    } catch (err) {
      const mapped = err instanceof ContractError ? err : fromDatabaseError(err);
      if (mapped && isTransient(mapped.code)) {
        await ctx.tx.query('ROLLBACK TO SAVEPOINT fs_embed_level');
        throw err;
      }
      ids = undefined;
    }
    if (ids) {
      await ctx.tx.query('RELEASE SAVEPOINT fs_embed_level');
      nodes.forEach(({ p }, i) => (p.values[ref.idField] = ids[i]));
      return;
    }
    await ctx.tx.query('ROLLBACK TO SAVEPOINT fs_embed_level');
    await ctx.tx.query('RELEASE SAVEPOINT fs_embed_level');
  }
  for (const { p, node } of nodes) await resolveNodeOf(ctx, p, ref, { node, path: at.path, depth: at.depth });
}

/** The ids the nodes resolve to, in their order; undefined when one of them is refused. */
async function nodesInBulk(
  ctx: RuleContext,
  target: Entity,
  nodes: ReadonlyArray<{ node: Row }>,
  at: { path: string; depth: number },
): Promise<string[] | undefined> {
  let refused = false;
  const items: Pending[] = nodes.map(({ node }, index) => ({
    index,
    input: node,
    values: {},
    failed: false,
  }));
  const nodeCtx: RuleContext = {
    ...ctx,
    entity: target,
    fail(p) {
      p.failed = true;
      refused = true;
    },
  };
  await resolveReferences(nodeCtx, items, { checkIds: false, path: at.path, depth: at.depth + 1 });
  if (refused) return undefined;
  const writable = items.map((item) => pickWritable(target, item.values));
  // The stored record of each node: by its id, else by its ERP key.
  const keyOf = (i: number): string | undefined => {
    const node = nodes[i]!.node;
    if (given(node['id']) || !target.erpKey || !given(node[target.erpKey])) return undefined;
    return String(node[target.erpKey]);
  };
  const keys = nodes.map((_, i) => keyOf(i)).filter((k): k is string => k !== undefined);
  const matches = keys.length ? await matchesOf(ctx.tx, target, keys) : new Map<string, Match[]>();
  const storedId: Array<string | undefined> = [];
  for (const [i, { node }] of nodes.entries()) {
    if (given(node['id'])) storedId.push(String(node['id']).toLowerCase());
    else {
      const key = keyOf(i);
      const found =
        key === undefined ? [] : choose(matches.get(key) ?? [], writable[i]!['sales_organization_id']);
      if (found.length > 1) return undefined;
      storedId.push(found[0]?.id);
    }
  }
  const stored = await existingRows(
    ctx.tx,
    target,
    storedId.filter((id): id is string => id !== undefined),
  );
  // New records: one per id, or per ERP key and sales organization; nodes that name the same new
  // record must give it the same values.
  const ids: string[] = [];
  const created = new Map<string, { id: string; values: Row }>();
  const updates: Array<{ id: string; changes: Row }> = [];
  for (const [i, { node }] of nodes.entries()) {
    const values = writable[i]!;
    const existing = storedId[i] === undefined ? undefined : stored.get(storedId[i]!);
    if (existing) {
      const { id: _ignored, ...changes } = values;
      if (differs(existing, changes)) updates.push({ id: String(existing['id']), changes });
      ids.push(String(existing['id']));
      continue;
    }
    const missing = target.writable.some((name) => {
      const field = target.spec.fields[name]!;
      return field.type !== 'list' && field.required && !given(values[name]);
    });
    if (missing || missingGroups(target, node).length) return undefined;
    const identity =
      storedId[i] ??
      `${String(keyOf(i) ?? randomUUID()).toLowerCase()}|${String(values['sales_organization_id'] ?? '')}`;
    const same = created.get(identity);
    if (same) {
      if (JSON.stringify(same.values) !== JSON.stringify(values)) return undefined;
      ids.push(same.id);
      continue;
    }
    const id = storedId[i] ?? randomUUID();
    created.set(identity, { id, values });
    ids.push(id);
  }
  // Updates one by one in the nodes' order (two nodes may change one record: the later wins).
  for (const { id, changes } of updates) await updateRow(ctx.tx, target, id, changes);
  const groups = new Map<string, Row[]>();
  for (const { id, values } of created.values()) {
    const row = { ...values, id };
    const columns = Object.keys(row).sort().join(',');
    groups.set(columns, [...(groups.get(columns) ?? []), row]);
  }
  for (const [columns, rows] of groups) {
    rows.sort((a, b) => (String(a['id']) < String(b['id']) ? -1 : 1));
    await writeMany(ctx.tx, {
      entity: target,
      columns: columns.split(','),
      values: rows,
      mode: 'insert',
      returnRows: false,
    });
  }
  return ids;
}

/** A nested node of one record, under a savepoint: its failure fails the record, nothing else. */
async function resolveNodeOf(ctx: RuleContext, p: Pending, ref: Ref, at: NodeAt) {
  const { path } = at;
  await ctx.tx.query('SAVEPOINT fs_embed');
  try {
    p.values[ref.idField] = await resolveNode(ctx, ref.target, at);
    await ctx.tx.query('RELEASE SAVEPOINT fs_embed');
  } catch (err) {
    await ctx.tx.query('ROLLBACK TO SAVEPOINT fs_embed');
    const mapped = err instanceof ContractError ? err : fromDatabaseError(err);
    if (!mapped || isTransient(mapped.code)) throw err;
    // Field names by their path in the request (`project._parent_id`).
    const errors = mapped.errors
      ? prefix(path, mapped.errors)
      : [{ field: path, code: mapped.code, message: mapped.message }];
    ctx.fail(p, { code: mapped.code, errors, message: mapped.message });
  }
}

const prefix = (path: string, errors: FieldError[]): FieldError[] =>
  errors.map((e) => ({ ...e, field: e.field.startsWith(`${path}.`) ? e.field : `${path}.${e.field}` }));

/** Resolves a nested object to the id of an existing, updated or new record of `target`. */
async function resolveNode(ctx: RuleContext, target: Entity, at: NodeAt): Promise<string> {
  const { node, path, depth } = at;
  if (depth > MAX_EMBED_DEPTH) {
    throw new ContractError({
      code: 'too_deep',
      message: `${path}: embedded entities are nested too deeply`,
    });
  }
  // The node's own references, by the same resolver.
  let failure:
    { code: ContractError['code']; errors: FieldError[]; message?: string | undefined } | undefined;
  const item: Pending = { index: 0, input: node, values: {}, failed: false };
  const nodeCtx: RuleContext = {
    ...ctx,
    entity: target,
    fail(p, f) {
      if (p.failed) return;
      p.failed = true;
      failure = f;
    },
  };
  await resolveReferences(nodeCtx, [item], { checkIds: false, path, depth: depth + 1 });
  if (failure)
    throw new ContractError({ ...failure, message: failure.message ?? failure.errors[0]?.message ?? path });
  const writable = pickWritable(target, item.values);
  let existing: Row | undefined;
  if (given(node['id'])) existing = await findById(ctx.tx, target, String(node['id']));
  else if (target.erpKey && given(node[target.erpKey])) {
    const key = String(node[target.erpKey]);
    const matches = choose(
      (await matchesOf(ctx.tx, target, [key])).get(key) ?? [],
      writable['sales_organization_id'],
    );
    if (matches.length > 1)
      throw unresolved(path, `${path}: several ${target.name} records have this ${target.erpKey}`);
    if (matches[0]) existing = await findById(ctx.tx, target, matches[0].id);
  }
  if (existing) {
    const id = String(existing['id']);
    const { id: _ignored, ...changes } = writable;
    if (differs(existing, changes)) await updateRow(ctx.tx, target, id, changes);
    return id;
  }
  const missing: FieldError[] = [
    ...target.writable
      .filter((name) => {
        const field = target.spec.fields[name]!;
        return field.type !== 'list' && field.required && !given(writable[name]);
      })
      .map((name) => ({ field: name, code: 'required' as const, message: `${name} is required` })),
    ...missingGroups(target, node),
  ];
  if (missing.length) throw validationError(prefix(path, missing));
  return String((await insertConcurrently(ctx.tx, target, writable))['id']);
}

/**
 * Inserts a nested record; when a concurrent request created the same ERP key first (unique
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
    const matches = choose(
      (await matchesOf(tx, target, [String(key)])).get(String(key)) ?? [],
      values['sales_organization_id'],
    );
    const winner = matches.length === 1 ? await findById(tx, target, matches[0]!.id) : undefined;
    if (!winner) throw err;
    const { id: _id, ...changes } = values;
    if (differs(winner, changes)) await updateRow(tx, target, String(winner['id']), changes);
    return winner;
  }
}

/**
 * Every `<x>_id` of one record that names no record. A record written alone leaves its ids to the
 * foreign keys, which report only the first one missing; once that happened, this lists them all.
 */
export async function missingReferences(tx: Executor, entity: Entity, sent: unknown): Promise<FieldError[]> {
  const body = normalizeInput(entity, sent);
  if (!body || typeof body !== 'object') return [];
  const errors: FieldError[] = [];
  const item: Pending = { index: 0, input: body as Row, values: {}, failed: false };
  const ctx = {
    tx,
    entity,
    mode: 'insert',
    fail: (_p: Pending, failure: { errors: FieldError[] }) => void errors.push(...failure.errors),
    stored: () => Promise.resolve(new Map<string, Row>()),
  } satisfies RuleContext;
  const batchIds = new Set([String(item.input['id'] ?? '').toLowerCase()]);
  for (const ref of entity.refs) {
    const id = item.input[ref.idField];
    if (!given(id)) continue;
    await checkIds(ctx, ref, [{ p: item, id: String(id) }], { batchIds, at: (f) => f });
  }
  return errors;
}
