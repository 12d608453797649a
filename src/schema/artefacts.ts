/** The generated artefacts committed with the code; a test fails when they drift from the registry. */
import { domainSql } from '../domain/entity-rules.js';
import { schemaSql } from './ddl.js';
import { allSchemas } from './json-schema.js';
import type { Registry } from './registry.js';
import { openApiDocument } from './openapi.js';
import { typesSource } from './ts-types.js';

export function artefacts(registry: Registry): Record<string, string> {
  return {
    'generated/schema.sql': `${schemaSql(registry)}\n${domainSql}`,
    'generated/json-schemas.json': `${JSON.stringify(allSchemas(registry), null, 2)}\n`,
    'src/generated/entities.ts': typesSource(registry),
    'generated/openapi.json': `${JSON.stringify(openApiDocument(registry), null, 2)}\n`,
  };
}
