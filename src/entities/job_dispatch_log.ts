import { defineEntity, idField, modifiedField } from './define.js';

export const jobDispatchLog = defineEntity({
  name: 'job_dispatch_log',
  route: 'JobDispatchLog',
  description: 'A dispatch of a job to a technician and the technician’s answer (accepted or rejected)',
  fields: {
    id: idField,
    jobs_id: { type: 'uuid', description: 'Job Id', ref: { entity: 'jobs' } },
    user_id: { type: 'uuid', description: 'User Id', ref: { entity: 'user' } },
    date_create: {
      type: 'datetime',
      description: 'Date+Time in UTC when the row has been created',
      system: 'created',
    },
    date_proceeded: {
      type: 'datetime',
      description: 'Date+Time in UTC when the Dispatch goes to PLanned or Rejected',
    },
    is_accepted: { type: 'boolean', description: 'Case the technician accept it.' },
    is_rejected: { type: 'boolean', description: 'Case the technician reject it' },
    rejected_reason: {
      type: 'string',
      description: 'In case the technician reject it, what is the reason',
      maxLength: 4000,
    },
    sys_logical_delete: {
      type: 'boolean',
      description:
        "Boolean used to logically delete the record. This is to optimize the synchronization. sys_logical_delete doesn't need to be proceeded offline (record can be physically deleted offline)",
    },
    is_workshop: { type: 'boolean', description: 'Using to distinguish between dispatch and workshop' },
    modified_dateutc: modifiedField,
    sequence: { type: 'integer', description: 'sequence' },
    assigned_user_ids: {
      type: 'string',
      description: "The list of user_id that assigned to the job, separate by commas. It's not a real column",
      computed: true,
      computedSql: `(SELECT string_agg(DISTINCT p.user_id::text, ',' ORDER BY p.user_id::text) FROM job_planning p
        WHERE p.jobs_id = t.jobs_id AND p.user_id IS NOT NULL AND p.sys_logical_delete IS NOT TRUE)`,
    },
  },
});
