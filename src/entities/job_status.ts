import { defineEntity, idField, modifiedField } from './define.js';

export const jobStatus = defineEntity({
  name: 'job_status',
  route: 'JobStatus',
  description: 'A status of the job workflow',
  erpKey: 'code',
  fields: {
    id: idField,
    code: {
      type: 'string',
      description:
        'Code of the job status (ERP PK): Open, ToBePlanned, Pooling, Suggested, Dispatched, Planned, DispatchRejected, InProgress, WaitingFurtherActions, Completed, Canceled, Waiting, Activated',
      maxLength: 50,
    },
    name: { type: 'string', description: 'Name of the job status', maxLength: 255, required: true },
    description: { type: 'string', description: 'Description of the job status', maxLength: 255 },
    is_default: { type: 'boolean', description: 'Job status used by default' },
    sequence: { type: 'integer', description: 'Display order of the status', minimum: 0 },
    sales_organization_id: {
      type: 'uuid',
      description: 'Foreign key of the sales organization (null = global)',
      ref: {
        entity: 'sales_organization',
        key: {
          field: 'sales_organization_code',
          description: 'Embedded entity "sales_organization" using ERP PK when adding/updating',
        },
      },
    },
    modified_dateutc: modifiedField,
  },
});
