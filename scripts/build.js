/* global process, URL */
/**
 * `npm run build`: compiles src/ to dist/ (tsc -p tsconfig.build.json), from an empty dist/.
 * `node scripts/build.js --if-stale` (before `npm start` and `npm run cli`): builds only when
 * dist/ is missing or older than a source file, so a start stays quick. `--check`: builds nothing,
 * exits 1 when dist/ is missing or stale (the tests run the compiled server, built by `npm test`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.built');

/** Newest modification time of the files the build reads. */
function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let max = info.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

const fresh = () => {
  if (!existsSync(stamp)) return false;
  const sources = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
  const built = statSync(stamp).mtimeMs;
  return sources.every((s) => newest(join(root, s)) <= built);
};
if (process.argv.includes('--check')) {
  if (fresh()) process.exit(0);
  process.stderr.write(
    'dist/ is missing or older than src/: run `npm run build` (npm test builds it first)\n',
  );
  process.exit(1);
}
if (process.argv.includes('--if-stale') && fresh()) process.exit(0);

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write(
    'dist/ is missing or older than src/, and TypeScript is not installed: run `npm ci` (with the ' +
      'development dependencies) and `npm run build` first\n',
  );
  process.exit(1);
}
const started = Date.now();
rmSync(join(root, 'dist'), { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
writeFileSync(stamp, new Date().toISOString());
process.stderr.write(`built dist/ in ${Date.now() - started} ms\n`);
