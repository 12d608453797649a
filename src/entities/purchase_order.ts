import { defineEntity, idField, modifiedField } from './define.js';

export const purchaseOrder = defineEntity({
  name: 'purchase_order',
  route: 'PurchaseOrder',
  description: 'A purchase order of parts to a supplier, possibly for a job',
  erpKey: 'reference_back_office',
  fields: {
    id: idField,
    id2: { type: 'integer', description: 'Internal ID (numeric)', system: 'autoNumber' },
    jobs_id: {
      type: 'uuid',
      description: 'Foreign key of the job the order is for',
      ref: {
        entity: 'jobs',
        key: {
          field: 'jobs_reference_back_office',
          description: 'Embedded entity "jobs" using ERP PK when adding/updating',
        },
      },
    },
    supplier_company_id: {
      type: 'uuid',
      description: 'Foreign key of the supplier company',
      ref: {
        entity: 'company',
        key: {
          field: 'supplier_company_code',
          description: 'Supplier company using ERP PK when adding/updating',
        },
      },
    },
    user_id: {
      type: 'uuid',
      description: 'Foreign key of the user who made the order',
      ref: {
        entity: 'user',
        key: { field: 'user_code', description: 'Embedded entity "user" using ERP PK when adding/updating' },
      },
    },
    description: { type: 'string', description: 'Description of the purchase order', maxLength: 255 },
    memo: { type: 'string', maxLength: 4000, description: 'Memo of the purchase order' },
    total_lines: {
      type: 'integer',
      description: 'Total of the lines of the order (kept up to date by the server)',
      system: 'kept',
    },
    date_create: { type: 'datetime', description: 'Creation date+time', system: 'created' },
    date_update: { type: 'datetime', description: 'Update date+time', system: 'updated' },
    date_delivery: { type: 'datetime', description: 'Requested delivery date' },
    confirmed_date_delivery: { type: 'datetime', description: 'Delivery date confirmed by the supplier' },
    delivery_db_address_id: {
      type: 'uuid',
      description: 'Foreign key of the delivery address',
      ref: { entity: 'db_address' },
    },
    approved_by_user_id: {
      type: 'uuid',
      description: 'Foreign key of the user who approved the order',
      ref: {
        entity: 'user',
        key: {
          field: 'approved_by_user_code',
          description: 'Approving user using ERP PK when adding/updating',
        },
      },
    },
    technical_user_id: {
      type: 'uuid',
      description: 'Foreign key of the technical user (technician) of the order',
      ref: {
        entity: 'user',
        key: {
          field: 'technical_user_code',
          description: 'Technical user using ERP PK when adding/updating',
        },
      },
    },
    purchase_order_status_id: {
      type: 'uuid',
      description: 'Foreign key of the status of the order',
      ref: {
        entity: 'purchase_order_status',
        key: {
          field: 'purchase_order_status_code',
          description: 'Embedded entity "purchase_order_status" using ERP PK when adding/updating',
        },
      },
    },
    article_stock_location_id: {
      type: 'uuid',
      description: 'Foreign key of the stock location the order is delivered to',
      ref: { entity: 'article_stock_location' },
    },
    is_pickup: { type: 'boolean', description: 'The order is picked up at the supplier' },
    reference_back_office: {
      type: 'string',
      description: 'Field used for Embedded entity (store there your ERP PK)',
      maxLength: 50,
    },
    modified_dateutc: modifiedField,
  },
});
