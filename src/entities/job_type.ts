import { defineEntity, idField, modifiedField } from './define.js';

export const jobType = defineEntity({
  name: 'job_type',
  route: 'JobType',
  description: 'A type of job (installation, repair, maintenance, ...)',
  erpKey: 'code',
  fields: {
    id: idField,
    name: { type: 'string', description: 'Name of the job type', maxLength: 255, required: true },
    sales_organization_id: {
      type: 'uuid',
      description: 'Foreign key of the sales organization (null = global)',
      ref: { entity: 'sales_organization' },
    },
    description: { type: 'string', description: 'Description of the job type', maxLength: 255 },
    is_default: { type: 'boolean', description: 'Job type used by default' },
    modified_dateutc: modifiedField,
    code: { type: 'string', description: 'Code of the job type (ERP PK)', maxLength: 50 },
  },
});
