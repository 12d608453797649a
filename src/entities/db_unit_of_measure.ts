import { defineEntity, idField, modifiedField } from './define.js';

export const dbUnitOfMeasure = defineEntity({
  name: 'db_unit_of_measure',
  route: 'DbUnitOfMeasure',
  description: 'A unit of measure (piece, hour, meter, ...)',
  erpKey: 'code',
  fields: {
    id: idField,
    code: { type: 'string', description: 'Code of the unit of measure (ERP PK)', maxLength: 50 },
    name: { type: 'string', description: 'Name of the unit of measure', maxLength: 255, required: true },
    system_type: {
      type: 'string',
      description: 'Unit of measure system the unit belongs to (e.g. metric, imperial)',
      maxLength: 50,
    },
    modified_dateutc: modifiedField,
  },
});
