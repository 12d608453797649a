import { defineEntity, idField, modifiedField } from './define.js';

export const dbCountry = defineEntity({
  name: 'db_country',
  route: 'DbCountry',
  description: 'A country',
  erpKey: 'code',
  fields: {
    id: idField,
    code: { type: 'string', description: 'ISO code of the country (ERP PK)', maxLength: 50 },
    name: { type: 'string', description: 'Name of the country', maxLength: 255, required: true },
    modified_dateutc: modifiedField,
  },
});
