import { defineEntity, idField, modifiedField } from './define.js';

export const contact = defineEntity({
  name: 'contact',
  route: 'Contact',
  description: 'A contact person, usually of a company',
  erpKey: 'reference_back_office',
  fields: {
    id: idField,
    company_id: {
      type: 'uuid',
      description: 'Foreign key of the company of the contact',
      ref: {
        entity: 'company',
        key: {
          field: 'company_code',
          description: 'Embedded entity "company" using ERP PK when adding/updating',
        },
      },
    },
    reference_back_office: {
      type: 'string',
      description: 'Field used for Embedded entity (store there your ERP PK)',
      maxLength: 50,
    },
    firstname: { type: 'string', description: 'First name', maxLength: 255 },
    lastname: { type: 'string', description: 'Last name', maxLength: 255, required: true },
    email: { type: 'string', description: 'Email address', maxLength: 250 },
    phone: { type: 'string', description: 'Phone number', maxLength: 50 },
    mobile: { type: 'string', description: 'Mobile phone number', maxLength: 50 },
    function: { type: 'string', description: 'Function of the contact in the company', maxLength: 255 },
    db_language_id: { type: 'uuid', description: 'Foreign key of the language of the contact' },
    modified_dateutc: modifiedField,
  },
});
