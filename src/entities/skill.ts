import { defineEntity, idField, modifiedField } from './define.js';

export const skill = defineEntity({
  name: 'skill',
  route: 'Skill',
  description: 'A skill a job may require and a technician may have (used for planning)',
  erpKey: 'code',
  fields: {
    id: idField,
    name: { type: 'string', description: 'Name of the skill', maxLength: 255, required: true },
    description: { type: 'string', description: 'Description of the skill', maxLength: 255 },
    code: { type: 'string', description: 'Code of the skill (ERP PK)', maxLength: 50 },
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
    modified_dateutc: modifiedField,
  },
});
