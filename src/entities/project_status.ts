import { defineEntity, idField, modifiedField } from './define.js';

export const projectStatus = defineEntity({
  name: 'project_status',
  route: 'ProjectStatus',
  description: 'A status of a project (installation / equipment)',
  erpKey: 'code',
  fields: {
    id: idField,
    name: { type: 'string', description: 'Name of the project status', maxLength: 255, required: true },
    is_default: { type: 'boolean', description: 'Project status used by default' },
    is_closed: { type: 'boolean', description: 'Projects with this status are closed' },
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
    code: { type: 'string', description: 'Code of the project status (ERP PK)', maxLength: 50 },
    modified_dateutc: modifiedField,
  },
});
