import { defineEntity, idField, modifiedField } from './define.js';

export const dbAddress = defineEntity({
  name: 'db_address',
  route: 'DbAddress',
  description: 'An address (location of a company, an equipment or a stock)',
  erpKey: 'code',
  fields: {
    id: idField,
    code: { type: 'string', description: 'Code of the address (ERP PK)', maxLength: 50 },
    name: { type: 'string', description: 'Name of the address', maxLength: 100 },
    street: { type: 'string', description: 'Street', maxLength: 50 },
    street2: { type: 'string', description: 'Sub street', maxLength: 50 },
    street_number: { type: 'string', description: 'Street number', maxLength: 50 },
    city: { type: 'string', description: 'City', maxLength: 50 },
    zip: { type: 'string', description: 'Zip code', maxLength: 50 },
    db_country_id: {
      type: 'uuid',
      description: 'Foreign key of the country of the address',
      ref: {
        entity: 'db_country',
        key: {
          field: 'db_country_code',
          description: 'Embedded entity "db_country" using ERP PK when adding/updating',
        },
      },
    },
    phone: { type: 'string', description: 'Phone number', maxLength: 50 },
    email: { type: 'string', description: 'Email address', maxLength: 250 },
    latitude_decimal: { type: 'decimal', description: 'Latitude', minimum: -90, maximum: 90 },
    longitude_decimal: { type: 'decimal', description: 'Longitude', minimum: -180, maximum: 180 },
    company_id: {
      type: 'uuid',
      description: 'Foreign key of the company the address belongs to',
      ref: {
        entity: 'company',
        key: {
          field: 'company_code',
          description: 'Embedded entity "company" using ERP PK when adding/updating',
        },
      },
    },
    modified_dateutc: modifiedField,
  },
});
