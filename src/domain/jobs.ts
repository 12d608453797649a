/**
 * Work order rules: the status codes a new job may start with; the company copied from the
 * project; a Suggested job with a suggested user and start gets its job_planning entry.
 */
import type { EntityRules } from './rules.js';
import { CREATE_STATUS_CODES } from './job-status.js';

export const jobRules: EntityRules = {
  async beforeWrite(ctx, records) {
    if (ctx.mode !== 'update') {
      for (const p of records) {
        // Only when the code is what gives the status (a given job_status_id wins).
        const code = p.input['job_status_id'] ? undefined : p.input['job_status_code'];
        if (typeof code === 'string' && code !== '' && !CREATE_STATUS_CODES.includes(code)) {
          ctx.fail(p, 400, [
            {
              field: 'job_status_code',
              code: 'enum',
              message: `job_status_code must be one of ${CREATE_STATUS_CODES.join(', ')}`,
            },
          ]);
        }
      }
    }
    const projects = [
      ...new Set(
        records
          .map((p) => p.values['project_id'])
          .filter(Boolean)
          .map(String),
      ),
    ];
    if (!projects.length) return;
    const r = await ctx.tx.query<{ id: string; company_id: string | null; code: string | null }>(
      `SELECT p.id, p.company_id, c.code FROM project p LEFT JOIN company c ON c.id = p.company_id
       WHERE p.id = ANY($1::uuid[])`,
      [projects],
    );
    const company = new Map(r.rows.map((row) => [row.id, row]));
    for (const p of records) {
      const found = company.get(String(p.values['project_id']));
      if (found?.company_id) {
        p.values['company_id'] = found.company_id;
        p.values['company_code'] = found.code;
      }
    }
  },

  async afterWrite(ctx, written) {
    const ids = written.filter((w) => w.status !== 'unchanged').map((w) => String(w.pending.values['id']));
    if (!ids.length) return;
    await ctx.tx.query(
      `INSERT INTO job_planning (jobs_id, user_id, date_start, date_end)
       SELECT j.id, j.suggested_user_id, j.suggested_date_start,
              j.suggested_date_start + make_interval(mins => COALESCE(j.estimated_time, 0))
       FROM jobs j JOIN job_status s ON s.id = j.job_status_id
       WHERE j.id = ANY($1::uuid[]) AND s.code = 'Suggested'
         AND j.suggested_user_id IS NOT NULL AND j.suggested_date_start IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM job_planning p WHERE p.jobs_id = j.id AND p.user_id = j.suggested_user_id
                         AND p.date_start = j.suggested_date_start AND p.sys_logical_delete IS NOT TRUE)`,
      [ids],
    );
  },
};
