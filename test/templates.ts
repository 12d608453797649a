/**
 * Embedded databases made once and copied: a new PGlite database runs initdb (seconds of CPU) and
 * the migrations; the tests that only need an empty or a migrated database start from a copy made
 * by this build. The copies live under the temporary folder, one set per content of the migrations,
 * build name and package.json (PGlite's version); test processes that make one at the same time each write their own
 * and keep the first one renamed into place.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildName } from '../src/build.js';
import { backupPglite, openDatabase } from '../src/db/database.js';
import { migrate, MIGRATIONS_DIR } from '../src/db/migrate.js';

export type TemplateKind = 'empty' | 'migrated';

function key(): string {
  const hash = createHash('sha256');
  // The project's package.json pins the PGlite version.
  hash.update(`${buildName}\0`);
  hash.update(readFileSync(new URL('../package.json', import.meta.url)));
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(MIGRATIONS_DIR, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

let root: string | undefined;
const rootDir = (): string => (root ??= join(tmpdir(), 'fs-test-templates', key()));

/** Makes `path` with `make(tmp)` unless it exists: `make` writes a scratch path renamed into place. */
async function once(path: string, make: (tmp: string) => Promise<void>): Promise<string> {
  if (existsSync(path)) return path;
  mkdirSync(rootDir(), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}`;
  try {
    await make(tmp);
    try {
      renameSync(tmp, path);
    } catch (err) {
      // Another process put its copy in place first.
      if (!existsSync(path)) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return path;
}

/**
 * The template of `kind`: a closed PGlite data folder (`data`, to copy, never to open) and the same
 * database as a backup file (`backup`), which an in-memory database starts from (`openDatabase`'s
 * `from`).
 */
export async function template(kind: TemplateKind): Promise<{ data: string; backup: string }> {
  const dir = await once(join(rootDir(), kind), async (tmp) => {
    const db = await openDatabase({ dataDir: join(tmp, 'data') });
    try {
      if (kind === 'migrated') await migrate(db);
    } finally {
      await db.close();
    }
    await backupPglite(join(tmp, 'data'), join(tmp, 'backup.tar.gz'));
  });
  return { data: join(dir, 'data'), backup: join(dir, 'backup.tar.gz') };
}

/** Fills `dataDir` (which must not exist yet) with a copy of the migrated template. */
export async function seedDataDir(dataDir: string): Promise<void> {
  if (existsSync(dataDir)) throw new Error(`${dataDir} exists already`);
  cpSync((await template('migrated')).data, dataDir, { recursive: true });
}
