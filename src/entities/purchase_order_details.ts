import { defineEntity, idField, modifiedField } from './define.js';

export const purchaseOrderDetails = defineEntity({
  name: 'purchase_order_details',
  route: 'PurchaseOrderDetails',
  description: 'A line of a purchase order',
  erpKey: 'reference_back_office',
  fields: {
    id: idField,
    purchase_order_id: {
      type: 'uuid',
      description: 'Foreign key of the purchase_order',
      ref: {
        entity: 'purchase_order',
        key: {
          field: 'purchase_order_reference_back_office',
          description: 'Embedded entity "purchase_order" using ERP PK when adding/updating',
        },
        embed: {
          field: 'purchase_order',
          description: 'Embedded entity "purchase_order" when adding/updating',
        },
        optionallyRequired: true,
      },
    },
    article_id: {
      type: 'uuid',
      description: 'Foreign key of article',
      ref: {
        entity: 'article',
        key: {
          field: 'article_code',
          description: 'Embedded entity "article" using ERP PK when adding/updating',
        },
        embed: { field: 'article', description: 'Embedded entity "article" when adding/updating' },
        optionallyRequired: true,
      },
    },
    line_number: {
      type: 'integer',
      description: 'Line Number, auto filled with (Highest+1) if value is 0/null',
      minimum: 0,
    },
    code: { type: 'string', description: 'Code of the article (auto filled if empty)', maxLength: 255 },
    supplier_code: { type: 'string', description: 'Code of the supplier for this article', maxLength: 255 },
    name: {
      type: 'string',
      description: 'Article Name (will be auto filled if article.name+description are empty)',
      maxLength: 255,
    },
    description: {
      type: 'string',
      description:
        'Article description (will be auto filled by article.short_description if name+description are empty)',
      maxLength: 255,
    },
    price: {
      type: 'decimal',
      description: 'Unit Price',
      pattern: '^[0-9]\\d*(\\.\\d+)?$',
      minimum: 0.1,
      maximum: Number.MAX_VALUE,
    },
    quantity: {
      type: 'decimal',
      description: 'Quantity',
      required: true,
      minimum: 0.1,
      maximum: Number.MAX_VALUE,
    },
    memo: { type: 'string', maxLength: 4000, description: 'Line memo/remark' },
    cost_price: {
      type: 'decimal',
      description: 'Unit Cost Price (statistic purpose)',
      pattern: '^[0-9]\\d*(\\.\\d+)?$',
    },
    reference_back_office: {
      type: 'string',
      description: 'Field used for Embedded entity (store there your ERP PK)',
      maxLength: 50,
    },
    modified_dateutc: modifiedField,
  },
});
