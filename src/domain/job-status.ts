/** The job status workflow of the original service: the statuses every tenant starts with. */
import type { Executor } from '../db/database.js';

export const JOB_STATUSES = [
  'Open',
  'ToBePlanned',
  'Pooling',
  'Suggested',
  'Dispatched',
  'Planned',
  'DispatchRejected',
  'InProgress',
  'WaitingFurtherActions',
  'Completed',
  'Canceled',
  'Waiting',
  'Activated',
] as const;

/** SQL giving the id of the tenant-wide status with this code (a sales organization's own comes second). */
export const statusIdSql = (code: string): string =>
  `(SELECT id FROM job_status WHERE code = '${code}' ORDER BY sales_organization_id NULLS FIRST LIMIT 1)`;

/** Creates the standard statuses of a tenant (inside a transaction where the tenant is set). */
export async function seedJobStatuses(tx: Executor): Promise<void> {
  await tx.query(
    `INSERT INTO job_status (code, name, sequence, is_default)
     SELECT code, code, ord::int, code = 'Open' FROM unnest($1::text[]) WITH ORDINALITY AS s(code, ord)
     ON CONFLICT DO NOTHING`,
    [JOB_STATUSES],
  );
}
