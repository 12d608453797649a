import { defineEntity, idField, modifiedField } from './define.js';

export const articleColor = defineEntity({
  name: 'article_color',
  route: 'ArticleColor',
  description: 'A color of articles',
  erpKey: 'code',
  fields: {
    id: idField,
    name: { type: 'string', description: 'Name of the color', maxLength: 255, required: true },
    code: { type: 'string', description: 'Code of the color (ERP PK)', maxLength: 50 },
    modified_dateutc: modifiedField,
  },
});
