/** The committed generated artefacts must be exactly what the registry produces today. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { rulesSchema } from '../src/domain/entity-rules.js';
import { artefacts } from '../src/docs/artefacts.js';
import { buildRegistry, registry } from '../src/schema/registry.js';
import { defineEntity } from '../src/entities/define.js';

for (const [path, expected] of Object.entries(artefacts(registry, rulesSchema))) {
  it(`${path} is up to date with the registry (else run npm run generate)`, () => {
    assert.equal(readFileSync(path, 'utf8'), expected);
  });
}

it('refuses a registry with a dangling reference or a duplicate input name', () => {
  const broken = defineEntity({
    name: 'thing',
    route: 'Thing',
    description: 'x',
    fields: { id: { type: 'uuid' }, other_id: { type: 'uuid', ref: { entity: 'nowhere' } } },
  });
  assert.throws(() => buildRegistry([broken]), /unknown entity nowhere/);
  const clash = defineEntity({
    name: 'thing',
    route: 'Thing',
    description: 'x',
    fields: {
      id: { type: 'uuid' },
      code: { type: 'string' },
      thing_id: { type: 'uuid', ref: { entity: 'thing', key: { field: 'code' } } },
    },
  });
  assert.throws(() => buildRegistry([clash]), /declared twice/);
});
