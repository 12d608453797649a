import { defineEntity, idField, modifiedField } from './define.js';

export const jobPriority = defineEntity({
  name: 'job_priority',
  route: 'JobPriority',
  description: 'A priority of a job',
  erpKey: 'code',
  fields: {
    id: idField,
    name: { type: 'string', description: 'Name of the job priority', maxLength: 255, required: true },
    is_default: { type: 'boolean', description: 'Job priority used by default' },
    sequence: { type: 'integer', description: 'Display order of the priority', minimum: 0 },
    sales_organization_id: {
      type: 'uuid',
      description: 'Foreign key of the sales organization (null = global)',
      ref: {
        entity: 'sales_organization',
        key: {
          field: 'sales_organization_code',
          description: 'Embedded entity "sales_organization" using ERP PK when adding/updating',
        },
        embed: {
          field: 'sales_organization',
          description: 'Embedded entity "sales_organization" when adding/updating',
        },
      },
    },
    code: { type: 'string', description: 'Code of the job priority (ERP PK)', maxLength: 50 },
    modified_dateutc: modifiedField,
  },
});
