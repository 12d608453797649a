/**
 * Embedded databases made once and copied: a new PGlite database runs initdb (seconds of CPU) and
 * the migrations; the tests that only need an empty or a migrated database start from a copy made
 * by this build. The copies live under the temporary folder, one set per content of the migrations,
 * build name and package.json (PGlite's version); test processes that make one at the same time each write their own
 * and keep the first one renamed into place.
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildName } from '../src/build.js';
import { openDatabase } from '../src/db/database.js';
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

/**
 * Templates of other builds made more than a week ago are removed when a new one is made (a build
 * that still needs one makes it again).
 */
function pruneStale(): void {
  const parent = dirname(rootDir());
  const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    try {
      if (path !== rootDir() && statSync(path).mtimeMs < weekAgo)
        rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

/** Makes `path` with `make(tmp)` unless it exists: `make` writes a scratch path renamed into place. */
async function once(path: string, make: (tmp: string) => Promise<void>): Promise<string> {
  if (existsSync(path)) return path;
  mkdirSync(rootDir(), { recursive: true });
  pruneStale();
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

/** The template of `kind`: a closed PGlite data folder (`data`), to copy, never to open. */
export async function template(kind: TemplateKind): Promise<{ data: string }> {
  const dir = await once(join(rootDir(), kind), async (tmp) => {
    const db = await openDatabase({ dataDir: join(tmp, 'data') });
    try {
      if (kind === 'migrated') await migrate(db);
    } finally {
      await db.close();
    }
  });
  return { data: join(dir, 'data') };
}

/** Fills `dataDir` (which must not exist yet) with a copy of the template of `kind`. */
export async function seedDataDir(dataDir: string, kind: TemplateKind = 'migrated'): Promise<void> {
  if (existsSync(dataDir)) throw new Error(`${dataDir} exists already`);
  cpSync((await template(kind)).data, dataDir, { recursive: true });
}
