/** Writes the generated artefacts from the registry: `npm run generate`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { artefacts } from '../src/schema/artefacts.js';
import { registry } from '../src/schema/registry.js';

for (const [path, text] of Object.entries(artefacts(registry))) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  process.stdout.write(`wrote ${path}\n`);
}
