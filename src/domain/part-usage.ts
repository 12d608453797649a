/**
 * job_part_usage rules: a part under warranty costs nothing (discount = price); an article with
 * serial numbers needs one; a line signed by the company is read-only, guarded by a trigger so
 * that no path can change or delete it (in a batch, the refused line is isolated like any other
 * database refusal).
 */
import type { Row } from '../db/records.js';
import { BACKFILL_SETTING } from '../schema/schema-diff.js';
import type { SchemaAddition } from '../schema/schema-model.js';
import type { EntityRules } from './rules.js';
import { existingRows } from './existing.js';

export const SIGNED_MESSAGE = 'This part usage line is signed by the company and can no longer be changed';

/** The trigger that keeps signed lines read-only. */
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
    IF (to_jsonb(NEW) - 'modified_dateutc') IS DISTINCT FROM (to_jsonb(OLD) - 'modified_dateutc') THEN
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

/** Fields the rules read; a record that gives them all needs nothing from the stored row. */
const RULE_FIELDS = ['is_under_warranty', 'price', 'article_id', 'serial_number'];

export const partUsageRules: EntityRules = {
  async beforeWrite(ctx, records) {
    // The stored rows only of records that leave a field the rules read to the stored value.
    const partial = records.filter((p) => RULE_FIELDS.some((f) => !(f in p.values)));
    const existing = partial.length
      ? await existingRows(ctx.tx, ctx.entity, partial)
      : new Map<string, Row>();
    const effective = new Map(
      records.map((p) => [p, { ...existing.get(String(p.values['id'])), ...p.values }]),
    );
    // Articles only of records without a serial number.
    const articleIds = new Set<string>();
    for (const values of effective.values()) {
      if (values['article_id'] && !values['serial_number']) articleIds.add(String(values['article_id']));
    }
    const serialArticles = new Set<string>();
    if (articleIds.size) {
      const r = await ctx.tx.query<{ id: string }>(
        'SELECT id FROM article WHERE id = ANY($1::uuid[]) AND use_serial',
        [[...articleIds]],
      );
      for (const row of r.rows) serialArticles.add(row.id);
    }
    for (const p of records) {
      const values = effective.get(p)!;
      if (values['is_under_warranty'] === true) p.values['discount'] = values['price'] ?? null;
      if (values['article_id'] && serialArticles.has(String(values['article_id']))) {
        ctx.fail(p, 400, [
          {
            field: 'serial_number',
            code: 'required',
            message: 'serial_number is required: the article uses serial numbers',
          },
        ]);
      }
    }
  },
};
