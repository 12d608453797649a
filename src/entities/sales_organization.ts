import { defineEntity, idField, modifiedField } from './define.js';

export const salesOrganization = defineEntity({
  name: 'sales_organization',
  route: 'SalesOrganization',
  description: 'A sales organization: partitions the reference data of a tenant',
  erpKey: 'code',
  fields: {
    id: idField,
    code: { type: 'string', description: 'Code of the sales organization (ERP PK)', maxLength: 50 },
    name: { type: 'string', description: 'Name of the sales organization', maxLength: 255, required: true },
    description: { type: 'string', description: 'Description of the sales organization', maxLength: 255 },
    db_country_id: {
      type: 'uuid',
      description: 'Foreign key of the country of the sales organization',
      ref: { entity: 'db_country' },
    },
    db_currency_id: { type: 'uuid', description: 'Foreign key of the currency of the sales organization' },
    db_language_id: { type: 'uuid', description: 'Foreign key of the language of the sales organization' },
    accountancy_code: {
      type: 'string',
      description: 'Code of the sales organization in the accountancy',
      maxLength: 50,
    },
    archived: { type: 'boolean', description: 'The sales organization is archived' },
    default_unit_of_measure_system_type: {
      type: 'string',
      description: 'Default unit of measure system type of the sales organization',
      maxLength: 50,
    },
    street: { type: 'string', description: 'Street', maxLength: 50 },
    street2: { type: 'string', description: 'Sub street', maxLength: 50 },
    street_number: { type: 'string', description: 'Street number', maxLength: 50 },
    zip: { type: 'string', description: 'Zip code', maxLength: 50 },
    city: { type: 'string', description: 'City', maxLength: 50 },
    email: { type: 'string', description: 'Email address', maxLength: 250 },
    phone: { type: 'string', description: 'Phone number', maxLength: 50 },
    fax: { type: 'string', description: 'Fax number', maxLength: 50 },
    url: { type: 'string', description: 'Web site', maxLength: 255 },
    vat_reg_code: { type: 'string', description: 'VAT registration number', maxLength: 50 },
    modified_dateutc: modifiedField,
  },
});
