/**
 * The reference point for single saves: bare Fastify routes doing the same single-row upsert of a
 * job_part_usage with the same driver, and nothing else (no validation, rules or serialization);
 * `/save` without and `/save-in-tenant` with the tenant transaction the API runs every request in.
 * Env: PORT, DATABASE_URL or PGLITE_DATA_DIR, TENANT_ID.
 */
import Fastify from 'fastify';
import { openDatabase } from '../src/db/database.js';
import { q } from '../src/schema/schema-model.js';
import { registry } from '../src/schema/registry.js';

const entity = registry.entity('job_part_usage');
const columns = entity.writable;
const db = await openDatabase({
  url: process.env['DATABASE_URL'],
  dataDir: process.env['PGLITE_DATA_DIR'],
  poolSize: 10,
});
const tenantId = process.env['TENANT_ID']!;
const sql = `INSERT INTO job_part_usage (tenant_id, ${columns.map(q).join(', ')})
  VALUES ($1, ${columns.map((_, i) => `$${i + 2}`).join(', ')})
  ON CONFLICT (tenant_id, id) DO UPDATE SET ${columns
    .filter((c) => c !== 'id')
    .map((c) => `${q(c)} = EXCLUDED.${q(c)}`)
    .join(', ')}
  RETURNING id`;

const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
const params = (body: Record<string, unknown>): unknown[] => [
  tenantId,
  ...columns.map((c) => body[c] ?? null),
];
// The upsert alone, as the table owner, in its own implicit transaction.
app.post('/save', async (req) => (await db.query(sql, params(req.body as Record<string, unknown>))).rows[0]);
// The same upsert inside a tenant transaction (application role, row-level security), as the API does.
app.post('/save-in-tenant', async (req) =>
  db.withTenant(
    tenantId,
    async (tx) => (await tx.query(sql, params(req.body as Record<string, unknown>))).rows[0],
  ),
);
await app.listen({ port: Number(process.env['PORT']), host: '127.0.0.1' });
process.on('SIGTERM', () => {
  void app.close().then(() => db.close().then(() => process.exit(0)));
});
