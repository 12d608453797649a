import { defineEntity, idField, modifiedField } from './define.js';

export const articleCategory = defineEntity({
  name: 'article_category',
  route: 'ArticleCategory',
  description: 'A category of articles (hierarchical)',
  erpKey: 'code',
  fields: {
    id: idField,
    parent_id: {
      type: 'uuid',
      description: 'Reference to the parent article category',
      ref: {
        entity: 'article_category',
        key: {
          field: 'parent_code',
          description: 'Parent article category using ERP PK when adding/updating',
        },
      },
    },
    code: { type: 'string', description: 'Code of the article category (ERP PK)', maxLength: 50 },
    name: { type: 'string', description: 'Name of the article category', maxLength: 255, required: true },
    modified_dateutc: modifiedField,
  },
});
