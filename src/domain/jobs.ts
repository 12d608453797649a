/**
 * Work order rules: the company copied from the project; a Suggested job with a suggested user and
 * start gets its job_planning entry; a deleted job leaves no planning behind. (The status codes a
 * new job may start with are the `enum` of `job_status_code` in the registry.)
 */
import type { Rule } from './rules.js';

/** The job's company is its project's. */
const companyFromProject: Rule = {
  name: 'company_from_project',
  async beforeWrite(ctx, records) {
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
};

/** A Suggested job with a suggested user and start is planned for that user then. */
const planningForSuggested: Rule = {
  name: 'planning_for_suggested',
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

/**
 * A deleted job is planned for nobody: its planning entries go with it (their tombstones carry
 * the deletion to the clients), where they would otherwise make the delete a 409.
 */
const planningRemovedWithJob: Rule = {
  name: 'planning_removed_with_job',
  async beforeDelete(ctx, ids) {
    await ctx.tx.query('DELETE FROM job_planning WHERE jobs_id = ANY($1::uuid[])', [ids]);
  },
};

export const jobRules: readonly Rule[] = [companyFromProject, planningForSuggested, planningRemovedWithJob];
