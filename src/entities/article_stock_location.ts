import { defineEntity, idField, modifiedField } from './define.js';

export const articleStockLocation = defineEntity({
  name: 'article_stock_location',
  route: 'ArticleStockLocation',
  description: 'A stock location of articles (warehouse, or a technician’s van)',
  erpKey: 'code',
  fields: {
    id: idField,
    code: { type: 'string', description: 'Code of the stock location (ERP PK)', maxLength: 50 },
    name: { type: 'string', description: 'Name of the stock location', maxLength: 255, required: true },
    user_id: {
      type: 'uuid',
      description: 'Foreign key of the user (technician) whose van stock this is',
      ref: {
        entity: 'user',
        key: { field: 'user_code', description: 'Embedded entity "user" using ERP PK when adding/updating' },
      },
    },
    db_address_id: {
      type: 'uuid',
      description: 'Foreign key of the address of the stock location',
      ref: { entity: 'db_address' },
    },
    is_default: { type: 'boolean', description: 'Stock location used by default' },
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
    archived: { type: 'boolean', description: 'The stock location is archived' },
    modified_dateutc: modifiedField,
  },
});
