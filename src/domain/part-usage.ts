/**
 * job_part_usage rules: a part under warranty costs nothing (discount = price); an article with
 * serial numbers needs one; a line signed by the company is read-only (also guarded by a trigger,
 * so no path can change it).
 */
import type { Row } from '../db/records.js';
import type { EntityRules } from './rules.js';
import { differs, existingRows } from './existing.js';

export const SIGNED_MESSAGE = 'This part usage line is signed by the company and can no longer be changed';

export const partUsageSql = `
CREATE OR REPLACE FUNCTION job_part_usage_signed_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.signed_by_company IS TRUE THEN
    IF TG_OP = 'DELETE' THEN
      RAISE EXCEPTION '${SIGNED_MESSAGE}' USING ERRCODE = 'FS409', COLUMN = 'signed_by_company';
    END IF;
    IF (to_jsonb(NEW) - 'modified_dateutc') IS DISTINCT FROM (to_jsonb(OLD) - 'modified_dateutc') THEN
      RAISE EXCEPTION '${SIGNED_MESSAGE}' USING ERRCODE = 'FS409', COLUMN = 'signed_by_company';
    END IF;
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE OR REPLACE TRIGGER job_part_usage_signed_guard BEFORE UPDATE OR DELETE ON job_part_usage
  FOR EACH ROW EXECUTE FUNCTION job_part_usage_signed_guard();
`;

export const partUsageRules: EntityRules = {
  async beforeWrite(ctx, records) {
    const existing = await existingRows(ctx.tx, ctx.entity, records);
    const articleIds = new Set<string>();
    for (const p of records) {
      const id = p.values['article_id'] ?? existing.get(String(p.values['id']))?.['article_id'];
      if (id) articleIds.add(String(id));
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
      const stored = existing.get(String(p.values['id']));
      const effective: Row = { ...stored, ...p.values };
      if (effective['is_under_warranty'] === true) p.values['discount'] = effective['price'] ?? null;
      if (stored?.['signed_by_company'] === true && differs(stored, p.values)) {
        ctx.fail(p, 409, [{ field: 'signed_by_company', code: 'read_only', message: SIGNED_MESSAGE }]);
        continue;
      }
      const article = effective['article_id'];
      if (article && serialArticles.has(String(article)) && !effective['serial_number']) {
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
