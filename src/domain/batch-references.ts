/**
 * References of a whole set of records resolved with one query per reference, not one per record:
 * ERP keys are looked up together, given ids are checked for existence together. Nested embedded
 * objects (rare in batches) go through the per-record algorithm, each under its own savepoint.
 */
import { fromDatabaseError, ApiError } from '../http/errors.js';
import { q } from '../schema/schema-model.js';
import type { Ref } from '../schema/registry.js';
import type { Row } from '../db/records.js';
import { resolveEmbedded } from './references.js';
import type { Pending, RuleContext } from './rules.js';

const given = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

function notFound(
  field: string,
  message: string,
): [number, { field: string; code: string; message: string }[]] {
  return [422, [{ field, code: 'not_found', message }]];
}

async function lookupKeys(
  ctx: RuleContext,
  ref: Ref,
  items: Array<{ p: Pending; key: string }>,
): Promise<void> {
  const target = ref.target;
  const keyField = ref.spec.key!.field;
  const erpKey = target.erpKey!;
  const scoped = target.salesOrgScoped;
  const keys = [...new Set(items.map((i) => i.key))];
  const r = await ctx.tx.query<{ id: string; key: string; org: string | null }>(
    `SELECT id, ${q(erpKey)} AS key, ${scoped ? 'sales_organization_id' : 'NULL::uuid'} AS org
     FROM ${q(target.name)} WHERE ${q(erpKey)} = ANY($1::text[])`,
    [keys],
  );
  const byKey = new Map<string, Array<{ id: string; org: string | null }>>();
  for (const row of r.rows) byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);
  for (const { p, key } of items) {
    let matches = byKey.get(key) ?? [];
    const org = p.values['sales_organization_id'];
    if (matches.length > 1 && given(org)) matches = matches.filter((m) => m.org === org || m.org === null);
    if (matches.length > 1) matches = matches.filter((m) => m.org === null);
    if (matches.length === 1) p.values[ref.idField] = matches[0]!.id;
    else if (matches.length === 0)
      ctx.fail(p, ...notFound(keyField, `${keyField}: no ${target.name} has ${erpKey} '${key}'`));
    else
      ctx.fail(
        p,
        ...notFound(
          keyField,
          `${keyField}: several ${target.name} records have ${erpKey} '${key}'; give the id`,
        ),
      );
  }
}

async function checkIds(
  ctx: RuleContext,
  ref: Ref,
  items: Array<{ p: Pending; id: string }>,
  batchIds: Set<string>,
): Promise<void> {
  const selfRef = ref.target === ctx.entity;
  const ids = [...new Set(items.map((i) => i.id.toLowerCase()))].filter(
    (id) => !(selfRef && batchIds.has(id)),
  );
  if (ids.length === 0) return;
  const r = await ctx.tx.query<{ id: string }>(
    `SELECT id FROM ${q(ref.target.name)} WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  const found = new Set(r.rows.map((row) => row.id));
  for (const { p, id } of items) {
    const lower = id.toLowerCase();
    if (found.has(lower) || (selfRef && batchIds.has(lower))) continue;
    ctx.fail(p, ...notFound(ref.idField, `${ref.idField}: no ${ref.target.name} has id ${id}`));
  }
}

export async function resolveBatchReferences(
  ctx: RuleContext,
  pending: Pending[],
  fieldOfConstraint: (c: string) => string | undefined,
  /** Check given ids exist up front (a batch); else the foreign keys report them. */
  checkGivenIds = true,
): Promise<void> {
  for (const p of pending) p.values = { ...p.input };
  const batchIds = new Set(pending.map((p) => String(p.input['id'] ?? '').toLowerCase()).filter(Boolean));
  for (const ref of ctx.entity.refs) {
    const keyField = ref.spec.key?.field;
    const embedField = ref.spec.embed?.field;
    const byKey: Array<{ p: Pending; key: string }> = [];
    const byId: Array<{ p: Pending; id: string }> = [];
    for (const p of pending) {
      if (p.failed) continue;
      const id = p.input[ref.idField];
      const key = keyField ? p.input[keyField] : undefined;
      const node = embedField ? p.input[embedField] : undefined;
      if (keyField) delete p.values[keyField];
      if (embedField) delete p.values[embedField];
      if (given(id)) byId.push({ p, id: String(id) });
      else if (keyField && given(key)) byKey.push({ p, key: String(key) });
      else if (embedField && node && typeof node === 'object') {
        await ctx.tx.query('SAVEPOINT fs_embed');
        try {
          p.values[ref.idField] = await resolveEmbedded(ctx.tx, ref.target, node as Row, embedField, 0);
          await ctx.tx.query('RELEASE SAVEPOINT fs_embed');
        } catch (err) {
          await ctx.tx.query('ROLLBACK TO SAVEPOINT fs_embed');
          const mapped = err instanceof ApiError ? err : fromDatabaseError(err, fieldOfConstraint);
          if (!mapped || mapped.status >= 500) throw err;
          const errors = mapped.errors ?? [{ field: embedField, code: mapped.code, message: mapped.message }];
          ctx.fail(p, mapped.status, errors, mapped.code, mapped.message);
        }
      }
    }
    if (byKey.length) await lookupKeys(ctx, ref, byKey);
    if (byId.length && checkGivenIds) await checkIds(ctx, ref, byId, batchIds);
  }
}
