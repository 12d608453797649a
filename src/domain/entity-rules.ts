/** Which rules apply to which entity, in order, and the SQL (triggers) the rules add to the schema. */
import type { SchemaAddition } from '../schema/schema-model.js';
import { dispatchRules } from './dispatch.js';
import { jobRules } from './jobs.js';
import { partUsageRules, partUsageSchema } from './part-usage.js';
import { purchaseLineRules, purchaseLinesSchema } from './purchase-lines.js';
import type { Rule } from './rules.js';

const byEntity: Record<string, readonly Rule[]> = {
  job_part_usage: partUsageRules,
  jobs: jobRules,
  purchase_order_details: purchaseLineRules,
  job_dispatch_log: dispatchRules,
};

export const rulesOf = (entity: string): readonly Rule[] => byEntity[entity] ?? [];

/** Added to the registry's schema: triggers that keep the rules whatever statement writes. */
export const rulesSchema: readonly SchemaAddition[] = [partUsageSchema, purchaseLinesSchema];
