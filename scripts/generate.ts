/**
 * `npm run generate [-- --name <migration_name>]`: writes the artefacts derived from the registry
 * and, when the registry's schema differs from the last snapshot in `migrations/`, the next
 * migration and the new snapshot. On an unchanged registry it writes nothing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadMigrations, loadSnapshot, MIGRATIONS_DIR, SNAPSHOT_FILE } from '../src/db/migrate.js';
import { rulesSchema } from '../src/domain/entity-rules.js';
import { artefacts } from '../src/docs/artefacts.js';
import { registry } from '../src/schema/registry.js';
import { diffSchema, migrationName, migrationText } from '../src/schema/schema-diff.js';
import { backfillOf, schemaModel } from '../src/schema/schema-model.js';

const { values } = parseArgs({ options: { name: { type: 'string' } } });

function write(path: string, text: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  process.stdout.write(`wrote ${path}\n`);
}

for (const [path, text] of Object.entries(artefacts(registry, rulesSchema))) write(path, text);

const model = schemaModel(registry, rulesSchema);
const snapshot = loadSnapshot(MIGRATIONS_DIR, true);
const migrations = loadMigrations();
if (snapshot.version !== migrations.length) {
  throw new Error(
    `${SNAPSHOT_FILE} is for migration ${snapshot.version}, the last migration is ${migrations.length}`,
  );
}
const changes = diffSchema(snapshot.schema, model, (table, column) => backfillOf(registry, table, column));
if (!changes.statements.length) {
  process.stdout.write(`schema unchanged: no migration (at ${migrations.at(-1)!.id})\n`);
} else {
  const name = values.name ?? migrationName(changes);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error('--name: lowercase letters, digits and _ only');
  const version = migrations.length + 1;
  const id = `${String(version).padStart(4, '0')}_${name}`;
  write(join(MIGRATIONS_DIR, `${id}.sql`), migrationText(id, changes));
  write(join(MIGRATIONS_DIR, SNAPSHOT_FILE), `${JSON.stringify({ version, schema: model }, null, 2)}\n`);
  for (const warning of changes.warnings) process.stdout.write(`WARNING: ${warning}\n`);
}
