import { defineEntity, idField, modifiedField } from './define.js';

export const equipmentFamily = defineEntity({
  name: 'equipment_family',
  route: 'EquipmentFamily',
  description: 'A family of equipment (hierarchical)',
  erpKey: 'code',
  fields: {
    id: idField,
    name: { type: 'string', description: 'Name of the equipment family', maxLength: 255, required: true },
    description: { type: 'string', description: 'Description of the equipment family', maxLength: 255 },
    code: { type: 'string', description: 'Code of the equipment family (ERP PK)', maxLength: 50 },
    _parent_id: {
      type: 'uuid',
      description: 'Reference to the parent equipment family',
      ref: {
        entity: 'equipment_family',
        key: {
          field: '_parent_code',
          description: 'Parent equipment family using ERP PK when adding/updating',
        },
      },
    },
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
