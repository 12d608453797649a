import { defineEntity, idField, modifiedField } from './define.js';

export const jobPlanning = defineEntity({
  name: 'job_planning',
  route: 'JobPlanning',
  description: 'A planned slot of a job for a user (technician)',
  fields: {
    id: idField,
    jobs_id: {
      type: 'uuid',
      description: 'Foreign key of jobs',
      ref: {
        entity: 'jobs',
        key: {
          field: 'jobs_reference_back_office',
          description: 'Embedded entity "jobs" using ERP PK when adding/updating',
        },
      },
    },
    user_id: {
      type: 'uuid',
      description: 'Foreign key of the user (technician) planned',
      ref: {
        entity: 'user',
        key: { field: 'user_code', description: 'Embedded entity "user" using ERP PK when adding/updating' },
      },
    },
    date_start: { type: 'datetime', description: 'Planned date+time start', required: true },
    date_end: { type: 'datetime', description: 'Planned date+time end', required: true },
    is_locked: { type: 'boolean', description: 'The planning is locked and may not be moved' },
    remark: { type: 'string', description: 'Remark about the planning', maxLength: 4000 },
    sys_logical_delete: {
      type: 'boolean',
      description:
        "Boolean used to logically delete the record. This is to optimize the synchronization. sys_logical_delete doesn't need to be proceeded offline (record can be physically deleted offline)",
    },
    modified_dateutc: modifiedField,
  },
});
