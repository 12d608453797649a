import { defineEntity, idField, modifiedField } from './define.js';

export const equipmentBrand = defineEntity({
  name: 'equipment_brand',
  route: 'EquipmentBrand',
  description: 'A brand of equipment',
  erpKey: 'code',
  fields: {
    id: idField,
    name: { type: 'string', description: 'Name of the brand', maxLength: 255, required: true },
    code: { type: 'string', description: 'Code of the brand (ERP PK)', maxLength: 50 },
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
