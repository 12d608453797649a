import { defineEntity, idField, modifiedField, translationsField } from './define.js';

export const equipmentModel = defineEntity({
  name: 'equipment_model',
  route: 'EquipmentModel',
  description: 'A model of equipment of a brand',
  erpKey: 'code',
  fields: {
    id: idField,
    code: { type: 'string', description: 'Code of the equipment model (ERP PK)', maxLength: 50 },
    name: { type: 'string', description: 'Name of the equipment model', maxLength: 255, required: true },
    description: { type: 'string', description: 'Description of the equipment model', maxLength: 255 },
    equipment_brand_id: {
      type: 'uuid',
      description: 'Foreign key of the brand of the model',
      ref: {
        entity: 'equipment_brand',
        key: {
          field: 'equipment_brand_code',
          description: 'Embedded entity "equipment_brand" using ERP PK when adding/updating',
        },
        embed: {
          field: 'equipment_brand',
          description: 'Embedded entity "equipment_brand" when adding/updating',
        },
      },
    },
    equipment_family_id: {
      type: 'uuid',
      description: 'Foreign key of the equipment family of the model',
      ref: {
        entity: 'equipment_family',
        key: {
          field: 'equipment_family_code',
          description: 'Embedded entity "equipment_family" using ERP PK when adding/updating',
        },
        embed: {
          field: 'equipment_family',
          description: 'Embedded entity "equipment_family" when adding/updating',
        },
      },
    },
    date_in_production_since: { type: 'datetime', description: 'Date the model is produced since' },
    date_out_of_production_since: {
      type: 'datetime',
      description: 'Date the model is no longer produced since',
    },
    date_end_support: { type: 'datetime', description: 'Date the support of the model ends' },
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
    replacement_period_nb_months: {
      type: 'integer',
      description: 'Number of months after which the equipment should be replaced',
      minimum: 0,
    },
    warranty_period_nb_months: { type: 'integer', description: 'Warranty period in months', minimum: 0 },
    translations: translationsField,
    modified_dateutc: modifiedField,
  },
});
