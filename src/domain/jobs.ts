/**
 * Work order rules: the company copied from the project; the address street, city and zip
 * mandatory when the project is a mobile installation; a Suggested job with a suggested user and
 * start gets its job_planning entry; a deleted job leaves no planning behind. (The status codes a
 * new job may start with are the `enum` of `job_status_code` in the registry.)
 */
import { mobileAddressFields } from '../entities/jobs.js';
import type { Row } from '../db/records.js';
import { given } from '../schema/validate.js';
import type { Pending, Rule } from './rules.js';

/**
 * The job's company is its project's; a job on a mobile installation needs the address where the
 * equipment stands. An update that leaves out the project or the address keeps the stored ones.
 */
const fromProject: Rule = {
  name: 'from_project',
  async beforeWrite(ctx, records) {
    const partial = records.filter(
      (p) => ctx.mode !== 'insert' && ['project_id', ...mobileAddressFields].some((f) => !(f in p.values)),
    );
    const stored = partial.length ? await ctx.stored(partial) : new Map<string, Row>();
    const effective = new Map<Pending, Row>(
      records.map((p) => [p, { ...stored.get(String(p.values['id'])), ...p.values }]),
    );
    const projects = [
      ...new Set(
        [...effective.values()]
          .map((v) => v['project_id'])
          .filter(Boolean)
          .map(String),
      ),
    ];
    if (!projects.length) return;
    const r = await ctx.tx.query<{
      id: string;
      company_id: string | null;
      code: string | null;
      mobile: boolean;
    }>(
      `SELECT p.id, p.company_id, c.code, p.is_mobile_installation AS mobile
       FROM project p LEFT JOIN company c ON c.id = p.company_id WHERE p.id = ANY($1::uuid[])`,
      [projects],
    );
    const project = new Map(r.rows.map((row) => [row.id, row]));
    for (const p of records) {
      const v = effective.get(p)!;
      const found = project.get(String(v['project_id']));
      if (!found) continue;
      if ('project_id' in p.values && found.company_id) {
        p.values['company_id'] = found.company_id;
        p.values['company_code'] = found.code;
      }
      const missing = found.mobile ? mobileAddressFields.filter((f) => !given(v[f])) : [];
      if (missing.length) {
        ctx.fail(p, {
          code: 'validation_failed',
          errors: missing.map((field) => ({
            field,
            code: 'required',
            message: `${field} is required: the job's project is a mobile installation`,
          })),
        });
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

export const jobRules: readonly Rule[] = [fromProject, planningForSuggested, planningRemovedWithJob];
