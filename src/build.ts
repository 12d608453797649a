/**
 * Which build this is: the package version and, where the code runs from a git checkout, its
 * commit (or `BUILD_COMMIT` when the deployment sets it). Recorded with each applied migration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function gitCommit(): string | undefined {
  try {
    const head = readFileSync(`${root}.git/HEAD`, 'utf8').trim();
    if (!head.startsWith('ref: ')) return head.slice(0, 12);
    const ref = head.slice(5);
    if (existsSync(`${root}.git/${ref}`))
      return readFileSync(`${root}.git/${ref}`, 'utf8').trim().slice(0, 12);
    const packed = readFileSync(`${root}.git/packed-refs`, 'utf8')
      .split('\n')
      .find((line) => line.endsWith(` ${ref}`));
    return packed?.slice(0, 12);
  } catch {
    return undefined;
  }
}

const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { name: string; version: string };
const commit = process.env['BUILD_COMMIT'] || gitCommit();

/** Package name and version, with the commit when known: `fieldservice-api 0.1.0+1a2b3c4d5e6f`. */
export const buildName = `${pkg.name} ${pkg.version}${commit ? `+${commit}` : ''}`;
export const buildVersion = pkg.version;
/** The commit of this build, when known. */
export const buildCommit: string | undefined = commit;
