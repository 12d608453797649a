/**
 * Dispatch answers: a log saved with is_accepted moves an Open or Dispatched job to Planned, one
 * with is_rejected to DispatchRejected (accepted wins when both are set), and date_proceeded is
 * set when the answer is first recorded.
 */
import type { Rule } from './rules.js';
import { statusIdSql } from './job-status.js';

/** The time of the answer, set when it is first recorded. */
const dateProceeded: Rule = {
  name: 'date_proceeded',
  async beforeWrite(ctx, records) {
    const existing = await ctx.stored(records);
    const now = new Date().toISOString();
    for (const p of records) {
      const stored = existing.get(String(p.values['id']));
      const effective = { ...stored, ...p.values };
      if (
        (effective['is_accepted'] === true || effective['is_rejected'] === true) &&
        !effective['date_proceeded']
      ) {
        p.values['date_proceeded'] = now;
      }
    }
  },
};

/** The job follows the answer: Planned when accepted, DispatchRejected when rejected. */
const jobStatusFromAnswer: Rule = {
  name: 'job_status_from_answer',
  async afterWrite(ctx, written) {
    const ids = written.filter((w) => w.status !== 'unchanged').map((w) => String(w.pending.values['id']));
    if (!ids.length) return;
    await ctx.tx.query(
      `UPDATE jobs j SET job_status_id = CASE WHEN l.is_accepted THEN ${statusIdSql('Planned')}
                                             ELSE ${statusIdSql('DispatchRejected')} END
       FROM job_dispatch_log l
       WHERE l.id = ANY($1::uuid[]) AND j.id = l.jobs_id AND (l.is_accepted OR l.is_rejected)
         AND l.sys_logical_delete IS NOT TRUE
         AND j.job_status_id IN (${statusIdSql('Open')}, ${statusIdSql('Dispatched')})`,
      [ids],
    );
  },
};

export const dispatchRules: readonly Rule[] = [dateProceeded, jobStatusFromAnswer];
