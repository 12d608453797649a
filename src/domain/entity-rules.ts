/** Which rules apply to which entity, and the SQL (triggers) the rules add to the schema. */
import { dispatchRules } from './dispatch.js';
import { jobRules } from './jobs.js';
import type { SchemaAddition } from '../schema/schema-model.js';
import { partUsageRules, partUsageSchema } from './part-usage.js';
import { purchaseLineRules, purchaseLinesSchema } from './purchase-lines.js';
import type { EntityRules } from './rules.js';

const byEntity: Record<string, EntityRules> = {
  job_part_usage: partUsageRules,
  jobs: jobRules,
  purchase_order_details: purchaseLineRules,
  job_dispatch_log: dispatchRules,
};

const none: EntityRules = {};

export const rulesOf = (entity: string): EntityRules => byEntity[entity] ?? none;

/** Added to the registry's schema: triggers that keep the rules whatever statement writes. */
export const rulesSchema: readonly SchemaAddition[] = [partUsageSchema, purchaseLinesSchema];
