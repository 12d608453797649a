import { defineEntity, idField, modifiedField, translationsField } from './define.js';

export const article = defineEntity({
  name: 'article',
  route: 'Article',
  description: 'An article (part, product or service) that can be used on jobs or ordered',
  erpKey: 'code',
  fields: {
    id: idField,
    article_category_id: {
      type: 'uuid',
      description: 'Foreign key of the category of the article',
      ref: {
        entity: 'article_category',
        embed: {
          field: 'article_category',
          description: 'Embedded entity "article_category" when adding/updating',
        },
        key: {
          field: 'article_category_code',
          description: 'Embedded entity "article_category" using ERP PK when adding/updating',
        },
      },
    },
    article_group_1_id: { type: 'uuid', description: 'Foreign key of the article group 1' },
    article_group_1_code: { type: 'string', description: 'Article group 1 using ERP PK', maxLength: 50 },
    article_group_2_id: { type: 'uuid', description: 'Foreign key of the article group 2' },
    article_group_2_code: { type: 'string', description: 'Article group 2 using ERP PK', maxLength: 50 },
    article_group_3_id: { type: 'uuid', description: 'Foreign key of the article group 3' },
    article_group_3_code: { type: 'string', description: 'Article group 3 using ERP PK', maxLength: 50 },
    article_group_4_id: { type: 'uuid', description: 'Foreign key of the article group 4' },
    article_group_4_code: { type: 'string', description: 'Article group 4 using ERP PK', maxLength: 50 },
    article_group_5_id: { type: 'uuid', description: 'Foreign key of the article group 5' },
    article_group_5_code: { type: 'string', description: 'Article group 5 using ERP PK', maxLength: 50 },
    article_group_6_id: { type: 'uuid', description: 'Foreign key of the article group 6' },
    article_group_6_code: { type: 'string', description: 'Article group 6 using ERP PK', maxLength: 50 },
    physical_stock: { type: 'integer', description: 'Physical stock quantity' },
    back_order_client: { type: 'integer', description: 'Quantity on back order for customers' },
    back_order_supplier: { type: 'integer', description: 'Quantity on back order at suppliers' },
    expected_delivery_date_bo_supplier: {
      type: 'datetime',
      description: 'Expected delivery date of the supplier back order',
    },
    article_increment: {
      type: 'integer',
      description: 'Quantity increment in which the article is used/ordered',
    },
    min_article_quantity: { type: 'integer', description: 'Minimum quantity of the article' },
    entered_price: { type: 'decimal', description: 'Sales price of the article' },
    cost_price: { type: 'decimal', description: 'Cost price of the article' },
    no_stock: { type: 'boolean', description: 'The article is not managed in stock' },
    archived: { type: 'boolean', description: 'The article is archived' },
    is_travel_fee: { type: 'boolean', description: 'The article is a travel fee' },
    is_mileage_fee: { type: 'boolean', description: 'The article is a mileage fee' },
    code: { type: 'string', description: 'Code of the article (ERP PK)', maxLength: 50 },
    name: { type: 'string', description: 'Name of the article', maxLength: 255, required: true },
    description_short: { type: 'string', description: 'Short description of the article', maxLength: 255 },
    description_long: { type: 'string', maxLength: 4000, description: 'Long description of the article' },
    barcode: { type: 'string', description: 'Barcode of the article', maxLength: 255 },
    notes: { type: 'string', maxLength: 4000, description: 'Notes about the article' },
    date_create: { type: 'datetime', description: 'Creation date+time', system: 'created' },
    date_update: { type: 'datetime', description: 'Update date+time', system: 'updated' },
    modified_dateutc: modifiedField,
    article_color_id: {
      type: 'uuid',
      description: 'Foreign key of the color of the article',
      ref: {
        entity: 'article_color',
        key: {
          field: 'article_color_code',
          description: 'Embedded entity "article_color" using ERP PK when adding/updating',
        },
        embed: {
          field: 'article_color',
          description: 'Embedded entity "article_color" when adding/updating',
        },
      },
    },
    warranty_period_nb_months: { type: 'integer', description: 'Warranty period in months', minimum: 0 },
    use_serial: { type: 'boolean', description: 'A serial number must be given when the article is used' },
    _replace_id: {
      type: 'uuid',
      description: 'Reference to the article replacing this article',
      ref: {
        entity: 'article',
        key: {
          field: 'replace_article_code',
          description: 'Replacing article using ERP PK when adding/updating',
        },
      },
    },
    db_unit_of_measure_id_selling: {
      type: 'uuid',
      description: 'Foreign key of the selling unit of measure',
      ref: {
        entity: 'db_unit_of_measure',
        key: {
          field: 'db_unit_of_measure_code_selling',
          description: 'Selling unit of measure using ERP PK when adding/updating',
        },
      },
    },
    translations: translationsField,
  },
});
