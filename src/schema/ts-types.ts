/** TypeScript interfaces of every entity (read shape and write shape), derived from the registry. */
import type { ScalarType } from '../entities/define.js';
import { isList, type Entity, type Registry } from './registry.js';

const TS: Record<ScalarType, string> = {
  uuid: 'string',
  string: 'string',
  integer: 'number',
  decimal: 'number',
  boolean: 'boolean',
  datetime: 'string',
};

const typeName = (entity: string): string =>
  entity
    .split('_')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');

function comment(text: string | undefined, indent: string): string {
  return text ? `${indent}/** ${text.replaceAll('*/', '* /')} */\n` : '';
}

function entityTypes(entity: Entity): string {
  const name = typeName(entity.name);
  const lines = [`${comment(entity.spec.description, '')}export interface ${name} {`];
  for (const field of entity.output) {
    const spec = entity.spec.fields[field]!;
    const type = isList(spec)
      ? `Array<{ ${Object.entries(spec.fields)
          .map(([k, f]) => `${k}${f.required ? '' : '?'}: ${TS[f.type]}${f.required ? '' : ' | null'}`)
          .join('; ')} }>`
      : TS[spec.type];
    lines.push(`${comment(spec.description, '  ')}  ${field}: ${type} | null;`);
  }
  lines.push('}');
  const writable = entity.writable.map((f) => `'${f}'`).join(' | ');
  const refs = entity.refs.flatMap((r) => [
    ...(r.spec.key ? [`  ${r.spec.key.field}?: string | null;`] : []),
    ...(r.spec.embed ? [`  ${r.spec.embed.field}?: Partial<${typeName(r.target.name)}Input> | null;`] : []),
  ]);
  lines.push(`export type ${name}Input = Partial<Pick<${name}, ${writable}>> & {`, ...refs, '};');
  return lines.join('\n');
}

export function typesSource(registry: Registry): string {
  return [
    '// Generated from the entity registry by `npm run generate`. Do not edit.',
    ...registry.entities.map(entityTypes),
    `export interface Entities {\n${registry.entities.map((e) => `  ${e.name}: ${typeName(e.name)};`).join('\n')}\n}`,
    '',
  ].join('\n\n');
}
