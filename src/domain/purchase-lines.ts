/**
 * Purchase order line rules: code, name and description filled from the article when empty;
 * line_number = highest + 1 within the order when 0/null (computed under a lock on the order row,
 * so concurrent inserts from any number of processes never share a number); the order's
 * total_lines kept exact by statement-level triggers.
 */
import type { SchemaAddition } from '../schema/schema-model.js';
import type { Rule } from './rules.js';

const totalLines = `UPDATE purchase_order o SET total_lines = (SELECT count(*) FROM purchase_order_details d
      WHERE d.tenant_id = o.tenant_id AND d.purchase_order_id = o.id)`;

/** Line numbers under a lock on the order, and total_lines kept by statement-level triggers. */
export const purchaseLinesSchema: SchemaAddition = {
  functions: {
    purchase_order_details_line_number: {
      returns: 'trigger',
      body: `
BEGIN
  IF NEW.purchase_order_id IS NOT NULL AND COALESCE(NEW.line_number, 0) = 0 THEN
    PERFORM 1 FROM purchase_order WHERE tenant_id = NEW.tenant_id AND id = NEW.purchase_order_id FOR UPDATE;
    SELECT COALESCE(max(line_number), 0) + 1 INTO NEW.line_number FROM purchase_order_details
      WHERE tenant_id = NEW.tenant_id AND purchase_order_id = NEW.purchase_order_id;
  END IF;
  RETURN NEW;
END `,
    },
    purchase_order_total_lines: {
      returns: 'trigger',
      body: `
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    ${totalLines}
    WHERE (o.tenant_id, o.id) IN (SELECT tenant_id, purchase_order_id FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    ${totalLines}
    WHERE (o.tenant_id, o.id) IN (SELECT tenant_id, purchase_order_id FROM old_rows);
  END IF;
  RETURN NULL;
END `,
    },
  },
  tables: {
    purchase_order_details: {
      indexes: {
        purchase_order_details_line_key: { unique: true, on: '(tenant_id, purchase_order_id, line_number)' },
      },
      triggers: {
        purchase_order_details_line_number: {
          timing: 'BEFORE INSERT OR UPDATE OF line_number, purchase_order_id',
          each: 'FOR EACH ROW',
          function: 'purchase_order_details_line_number',
        },
        purchase_order_total_lines_insert: {
          timing: 'AFTER INSERT',
          each: 'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT',
          function: 'purchase_order_total_lines',
        },
        purchase_order_total_lines_update: {
          timing: 'AFTER UPDATE',
          each: 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT',
          function: 'purchase_order_total_lines',
        },
        purchase_order_total_lines_delete: {
          timing: 'AFTER DELETE',
          each: 'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT',
          function: 'purchase_order_total_lines',
        },
      },
    },
  },
};

const empty = (v: unknown): boolean => v === undefined || v === null || v === '';

/** Code, name and description from the article when the line leaves them empty. */
const fillFromArticle: Rule = {
  name: 'fill_from_article',
  async beforeWrite(ctx, records) {
    const existing = await ctx.stored(records);
    const articleIds = [
      ...new Set(
        records
          .map((p) => p.values['article_id'] ?? existing.get(String(p.values['id']))?.['article_id'])
          .filter(Boolean)
          .map(String),
      ),
    ];
    const articles = new Map<
      string,
      { code: string | null; name: string | null; description_short: string | null }
    >();
    if (articleIds.length) {
      const r = await ctx.tx.query<{
        id: string;
        code: string | null;
        name: string | null;
        description_short: string | null;
      }>('SELECT id, code, name, description_short FROM article WHERE id = ANY($1::uuid[])', [articleIds]);
      for (const row of r.rows) articles.set(row.id, row);
    }
    for (const p of records) {
      const stored = existing.get(String(p.values['id']));
      // A stored line keeps its number when a replay sends 0/null (the trigger would renumber it).
      if (stored && empty(p.values['line_number']) && 'line_number' in p.values) {
        p.values['line_number'] = stored['line_number'];
      }
      const effective = { ...stored, ...p.values };
      const article = articles.get(String(effective['article_id']));
      if (!article) continue;
      if (empty(effective['code'])) p.values['code'] = article.code;
      if (empty(effective['name']) && empty(effective['description'])) {
        p.values['name'] = article.name;
        p.values['description'] = article.description_short;
      }
    }
  },
};

export const purchaseLineRules: readonly Rule[] = [fillFromArticle];
