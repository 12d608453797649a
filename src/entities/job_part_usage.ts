import { defineEntity, modifiedField } from './define.js';

export const jobPartUsage = defineEntity({
  name: 'job_part_usage',
  route: 'JobPartUsage',
  description: 'A part (article) used by a technician on a job',
  fields: {
    id: { type: 'uuid', description: 'Primary Key', required: true },
    jobs_id: { type: 'uuid', description: 'Foreign key of jobs', ref: { entity: 'jobs' } },
    job_approval_id: { type: 'uuid', description: 'Job approval Id' },
    article_stock_location_id: {
      type: 'uuid',
      description: 'In case of stock management enabled, the stock that has been used',
      ref: { entity: 'article_stock_location' },
    },
    article_id: {
      type: 'uuid',
      description: 'Foreign key of article. Can be empty if user keys in manually the object',
      ref: { entity: 'article' },
    },
    is_dummy: { type: 'boolean', description: 'In case of dummy' },
    article_code: { type: 'string', description: 'Article code', maxLength: 255 },
    article_name: { type: 'string', description: 'Article name', maxLength: 255 },
    article_description: { type: 'string', description: 'Article description', maxLength: 255 },
    working_date: { type: 'datetime', description: 'Date when the part has been used' },
    // No range: a part returned is a negative quantity.
    quantity: { type: 'decimal', description: 'Quantity' },
    serial_number: {
      type: 'string',
      description: 'When the article.use_serial then the serial should be saved here',
      maxLength: 255,
    },
    price: {
      type: 'decimal',
      description:
        'Unit price of the part. Computed with the price logic or filled via purchase_order_details.price',
    },
    is_under_warranty: {
      type: 'boolean',
      description:
        'In case the logic detect that the parts was in warranty, this field will be set to true and the discount will be set equal to the price',
    },
    discount: { type: 'decimal', description: 'Manual discount , in money, added by the technician' },
    purchase_order_details_id: {
      type: 'uuid',
      description:
        'Foreign key of purchase_order_details, if the line was generated based on a purchase_order_details',
      ref: { entity: 'purchase_order_details' },
    },
    user_id: { type: 'uuid', description: 'User Id', ref: { entity: 'user' } },
    remark: { type: 'string', maxLength: 255 },
    no_warranty_reason: { type: 'string', maxLength: 255 },
    db_unit_of_measure_id: { type: 'uuid', ref: { entity: 'db_unit_of_measure' } },
    included_on_last_stock_compute: { type: 'boolean' },
    signed_by_company: { type: 'boolean', description: 'Needed for integration' },
    company_vat_id: { type: 'uuid' },
    vat_value: { type: 'decimal' },
    vat_rate: { type: 'decimal' },
    invoice_id: { type: 'uuid' },
    invoice_details_id: { type: 'uuid' },
    is_customized: { type: 'boolean' },
    modified_dateutc: modifiedField,
  },
});
