import { defineEntity, idField, modifiedField } from './define.js';

export const company = defineEntity({
  name: 'company',
  route: 'Company',
  description: 'A company: customer and/or supplier',
  erpKey: 'code',
  fields: {
    id: idField,
    code: { type: 'string', description: 'Code of the company (ERP PK)', maxLength: 50 },
    name: { type: 'string', description: 'Name of the company', maxLength: 255, required: true },
    vat_reg_code: { type: 'string', description: 'VAT registration number', maxLength: 50 },
    street: { type: 'string', description: 'Street', maxLength: 50 },
    street2: { type: 'string', description: 'Sub street', maxLength: 50 },
    street_number: { type: 'string', description: 'Street number', maxLength: 50 },
    zip: { type: 'string', description: 'Zip code', maxLength: 50 },
    city: { type: 'string', description: 'City', maxLength: 50 },
    db_country_id: {
      type: 'uuid',
      description: 'Foreign key of the country of the company',
      ref: {
        entity: 'db_country',
        key: {
          field: 'db_country_code',
          description: 'Embedded entity "db_country" using ERP PK when adding/updating',
        },
      },
    },
    phone: { type: 'string', description: 'Phone number', maxLength: 50 },
    fax: { type: 'string', description: 'Fax number', maxLength: 50 },
    email: { type: 'string', description: 'Email address', maxLength: 250 },
    url: { type: 'string', description: 'Web site', maxLength: 255 },
    is_supplier: { type: 'boolean', description: 'The company is a supplier' },
    is_customer: { type: 'boolean', description: 'The company is a customer' },
    sales_organization_id: {
      type: 'uuid',
      description: 'Foreign key of the sales organization (null = global)',
      ref: {
        entity: 'sales_organization',
        key: {
          field: 'sales_organization_code',
          description: 'Embedded entity "sales_organization" using ERP PK when adding/updating',
        },
      },
    },
    archived: { type: 'boolean', description: 'The company is archived' },
    modified_dateutc: modifiedField,
  },
});
