import { defineEntity, idField, modifiedField } from './define.js';

export const purchaseOrderStatus = defineEntity({
  name: 'purchase_order_status',
  route: 'PurchaseOrderStatus',
  description: 'A status of a purchase order',
  erpKey: 'code',
  fields: {
    id: idField,
    code: { type: 'string', description: 'Code of the purchase order status (ERP PK)', maxLength: 50 },
    name: {
      type: 'string',
      description: 'Name of the purchase order status',
      maxLength: 255,
      required: true,
    },
    is_default: { type: 'boolean', description: 'Purchase order status used by default' },
    is_closed: { type: 'boolean', description: 'Purchase orders with this status are closed' },
    sequence: { type: 'integer', description: 'Display order of the status', minimum: 0 },
    modified_dateutc: modifiedField,
  },
});
