/**
 * The layers of the code, from the bottom: entities -> schema -> contract -> db -> domain, auth,
 * docs -> http -> the application (app, server, cli). A module imports its own layer or those
 * below it, never one above; config and build are read by any layer.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';

const LAYERS: Record<string, number> = {
  entities: 0,
  schema: 1,
  contract: 2,
  db: 3,
  domain: 4,
  auth: 4,
  docs: 4,
  http: 5,
  app: 6,
};
const SHARED = new Set(['config', 'build']);

function layerOf(file: string): { name: string; level: number } | undefined {
  const parts = relative('src', file).split('/');
  const top = parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.ts$/, '');
  if (SHARED.has(top)) return undefined;
  if (top in LAYERS) return { name: top, level: LAYERS[top]! };
  return { name: 'app', level: LAYERS['app']! };
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm;

it('no module imports a layer above its own', () => {
  const violations: string[] = [];
  let edges = 0;
  for (const file of files('src')) {
    const from = layerOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts');
      const to = layerOf(relative(process.cwd(), target));
      edges++;
      if (from && to && to.level > from.level)
        violations.push(`${file} (${from.name}) imports ${m[1]} (${to.name})`);
    }
  }
  assert.ok(edges > 100, `${edges} imports read`);
  assert.deepEqual(violations, []);
});
