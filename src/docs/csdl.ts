/**
 * The OData CSDL document (EDMX 4.0 XML) served at `api/$metadata` and the service document at
 * `api/`, both made from the registry: an entity type per entity (key `id`, a property per field
 * with its Edm type and facets), a complex type per list field, and an entity set per route.
 */
import type { ScalarField } from '../entities/define.js';
import { isList, VERSION_FIELD, type Entity, type Registry } from '../schema/registry.js';
import { notNullFields } from '../schema/nullability.js';
import { escapeXml } from '../schema/xml.js';

/** The schema namespace of every type of the document. */
export const NAMESPACE = 'FieldService';
export const CONTAINER = 'Container';

/** The Edm type and facets of a scalar field. */
export function edmType(field: ScalarField): { type: string; facets: Record<string, string> } {
  switch (field.type) {
    case 'uuid':
      return { type: 'Edm.Guid', facets: {} };
    case 'string':
      return { type: 'Edm.String', facets: field.maxLength ? { MaxLength: String(field.maxLength) } : {} };
    case 'integer':
      return { type: field.system === 'version' ? 'Edm.Int64' : 'Edm.Int32', facets: {} };
    case 'decimal':
      // Without Scale a CSDL decimal has scale 0; the stored numbers keep every digit they are given.
      return { type: 'Edm.Decimal', facets: { Scale: 'variable' } };
    case 'boolean':
      return { type: 'Edm.Boolean', facets: {} };
    case 'datetime':
      return { type: 'Edm.DateTimeOffset', facets: { Precision: '3' } };
  }
}

const attrs = (values: Record<string, string>): string =>
  Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXml(value)}"`)
    .join('');

/** The complex type of a list field: `<entity>_<item>`. */
export const complexTypeName = (entity: Entity, item: string): string => `${entity.name}_${item}`;

function description(text: string | undefined, indent: string): string {
  return text
    ? `\n${indent}  <Annotation Term="Core.Description" String="${escapeXml(text)}"/>\n${indent}`
    : '';
}

function property(name: string, field: ScalarField, notNull: boolean, indent: string): string {
  const { type, facets } = edmType(field);
  const attributes = attrs({ Name: name, Type: type, ...(notNull ? { Nullable: 'false' } : {}), ...facets });
  const inner = description(field.description, indent);
  return inner ? `${indent}<Property${attributes}>${inner}</Property>` : `${indent}<Property${attributes}/>`;
}

function entityType(entity: Entity): string[] {
  const notNull = notNullFields(entity);
  const lines = [`      <EntityType Name="${entity.name}">`];
  lines.push('        <Key>', '          <PropertyRef Name="id"/>', '        </Key>');
  for (const name of entity.output) {
    const field = entity.spec.fields[name]!;
    if (isList(field)) {
      const type = `Collection(${NAMESPACE}.${complexTypeName(entity, field.item)})`;
      lines.push(`        <Property${attrs({ Name: name, Type: type })}/>`);
    } else {
      const always = notNull.has(name) || name === 'id' || name === VERSION_FIELD;
      lines.push(property(name, field, always, '        '));
    }
  }
  lines.push(
    `        <Annotation Term="Core.Description" String="${escapeXml(entity.spec.description)}"/>`,
    '      </EntityType>',
  );
  return lines;
}

function complexTypes(entity: Entity): string[] {
  return entity.output.flatMap((name) => {
    const field = entity.spec.fields[name]!;
    if (!isList(field)) return [];
    return [
      `      <ComplexType Name="${complexTypeName(entity, field.item)}">`,
      ...Object.entries(field.fields).map(([n, f]) => property(n, f, f.required === true, '        ')),
      '      </ComplexType>',
    ];
  });
}

const CORE = 'https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml';

/** The EDMX document of every entity set of the registry. */
export function csdlDocument(registry: Registry): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">',
    `  <edmx:Reference Uri="${CORE}">`,
    '    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/>',
    '  </edmx:Reference>',
    '  <edmx:DataServices>',
    `    <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="${NAMESPACE}">`,
  ];
  for (const entity of registry.entities) lines.push(...entityType(entity), ...complexTypes(entity));
  lines.push(`      <EntityContainer Name="${CONTAINER}">`);
  for (const { name, entity } of entitySets(registry)) {
    lines.push(`        <EntitySet Name="${name}" EntityType="${NAMESPACE}.${entity.name}"/>`);
  }
  lines.push('      </EntityContainer>', '    </Schema>', '  </edmx:DataServices>', '</edmx:Edmx>', '');
  return lines.join('\n');
}

/** Every entity set: one per route segment (aliases too), with its entity. */
export function entitySets(registry: Registry): Array<{ name: string; entity: Entity }> {
  return registry.entities.flatMap((entity) => entity.routes.map((name) => ({ name, entity })));
}

/** The service document (JSON): the context and an entry per entity set. */
export function serviceDocument(registry: Registry, metadataUrl: string): string {
  const value = entitySets(registry).map(({ name }) => ({ name, kind: 'EntitySet', url: name }));
  return JSON.stringify({ '@odata.context': metadataUrl, value });
}
