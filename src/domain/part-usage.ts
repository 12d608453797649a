/**
 * job_part_usage rules: a part under warranty costs nothing (discount = price); an article with
 * serial numbers needs one; a line signed by the company is read-only for its content, guarded by
 * a trigger so that no path can change or delete it (in a batch, the refused line is isolated like
 * any other database refusal). The ERP still writes back what it did with the line after invoicing.
 */
import type { Row } from '../db/records.js';
import { BACKFILL_SETTING } from '../schema/schema-diff.js';
import type { SchemaAddition } from '../schema/schema-model.js';
import type { Pending, Rule, RuleContext } from './rules.js';

export const SIGNED_MESSAGE = 'This part usage line is signed by the company and can no longer be changed';

/** The fields the ERP writes back after invoicing: they stay writable on a signed line. */
export const WRITABLE_WHEN_SIGNED = ['invoice_id', 'invoice_details_id', 'included_on_last_stock_compute'];

/** What the server keeps on every write (not content). */
const KEPT = ['modified_dateutc', 'row_version'];
const notContent = [...KEPT, ...WRITABLE_WHEN_SIGNED].map((f) => ` - '${f}'`).join('');

/** The trigger that keeps the content of signed lines read-only. */
export const partUsageSchema: SchemaAddition = {
  functions: {
    job_part_usage_signed_guard: {
      returns: 'trigger',
      body: `
BEGIN
  -- A migration's backfill fills new columns of every row, signed ones included.
  IF OLD.signed_by_company IS TRUE AND current_setting('${BACKFILL_SETTING}', true) IS DISTINCT FROM 'on' THEN
    IF TG_OP = 'DELETE' THEN
      RAISE EXCEPTION '${SIGNED_MESSAGE}' USING ERRCODE = 'FS409', COLUMN = 'signed_by_company';
    END IF;
    IF (to_jsonb(NEW)${notContent}) IS DISTINCT FROM (to_jsonb(OLD)${notContent}) THEN
      RAISE EXCEPTION '${SIGNED_MESSAGE}' USING ERRCODE = 'FS409', COLUMN = 'signed_by_company';
    END IF;
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END `,
    },
  },
  tables: {
    job_part_usage: {
      triggers: {
        job_part_usage_signed_guard: {
          timing: 'BEFORE UPDATE OR DELETE',
          each: 'FOR EACH ROW',
          function: 'job_part_usage_signed_guard',
        },
      },
    },
  },
};

/** The values a rule sees: the stored row's, overridden by those sent (read only when needed). */
async function effective(
  ctx: RuleContext,
  records: Pending[],
  fields: readonly string[],
): Promise<(p: Pending, field: string) => unknown> {
  const partial = records.filter((p) => fields.some((f) => !(f in p.values)));
  const stored = partial.length ? await ctx.stored(partial) : new Map<string, Row>();
  return (p, field) => (field in p.values ? p.values[field] : stored.get(String(p.values['id']))?.[field]);
}

/** A part under warranty costs nothing: its discount is its price. */
const warrantyDiscount: Rule = {
  name: 'warranty_discount',
  perRecord: true,
  async beforeWrite(ctx, records) {
    const value = await effective(ctx, records, ['is_under_warranty', 'price']);
    for (const p of records) {
      if (value(p, 'is_under_warranty') === true) p.values['discount'] = value(p, 'price') ?? null;
    }
  },
};

/** An article with serial numbers needs the serial number of the part used. */
const serialNumberRequired: Rule = {
  name: 'serial_number_required',
  perRecord: true,
  async beforeWrite(ctx, records) {
    const value = await effective(ctx, records, ['article_id', 'serial_number']);
    // Articles only of records without a serial number.
    const articleIds = new Set<string>();
    for (const p of records)
      if (value(p, 'article_id') && !value(p, 'serial_number'))
        articleIds.add(String(value(p, 'article_id')));
    if (!articleIds.size) return;
    const r = await ctx.tx.query<{ id: string }>(
      'SELECT id FROM article WHERE id = ANY($1::uuid[]) AND use_serial',
      [[...articleIds]],
    );
    const serialArticles = new Set(r.rows.map((row) => row.id));
    for (const p of records) {
      if (value(p, 'serial_number') || !serialArticles.has(String(value(p, 'article_id')))) continue;
      const message = 'serial_number is required: the article uses serial numbers';
      ctx.fail(p, {
        code: 'validation_failed',
        errors: [{ field: 'serial_number', code: 'required', message }],
      });
    }
  },
};

export const partUsageRules: readonly Rule[] = [warrantyDiscount, serialNumberRequired];
