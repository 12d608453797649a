/**
 * SQL schema derived from the registry. The output is idempotent (safe to apply again) and additive:
 * a field added to an entity becomes `ADD COLUMN IF NOT EXISTS` on the next start.
 */
import type { FieldSpec } from '../entities/define.js';
import { isList, type Entity, type Registry } from './registry.js';

/** The role every tenant request runs as; row-level security applies to it. */
export const APP_ROLE = 'fieldservice_app';
/** The setting that carries the current tenant inside a transaction. */
export const TENANT_SETTING = 'fieldservice.tenant_id';
const CURRENT_TENANT = `NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid`;
const NO_SALES_ORG = `'00000000-0000-0000-0000-000000000000'::uuid`;

export const q = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;
const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

export function sqlType(field: FieldSpec): string {
  if (isList(field)) return 'jsonb';
  switch (field.type) {
    case 'uuid':
      return 'uuid';
    case 'string':
      return field.maxLength ? `varchar(${field.maxLength})` : 'text';
    case 'integer':
      return 'integer';
    case 'decimal':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'datetime':
      // Millisecond precision: what the API shows is exactly what is stored.
      return 'timestamptz(3)';
  }
}

const PRELUDE = `-- Generated from the entity registry by \`npm run generate\`. Do not edit.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
    CREATE ROLE ${APP_ROLE} NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$ BEGIN
  EXECUTE format('GRANT ${APP_ROLE} TO %I', current_user);
EXCEPTION WHEN OTHERS THEN NULL;
END $$;
GRANT USAGE ON SCHEMA public TO ${APP_ROLE};

CREATE TABLE IF NOT EXISTS tenant (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  domain text NOT NULL,
  name text,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS tenant_domain_key ON tenant (lower(domain));
COMMENT ON TABLE tenant IS 'A customer of the service; its domain is the part after @ in API user names';

CREATE TABLE IF NOT EXISTS api_user (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  username text NOT NULL,
  password_hash text,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS api_user_name_key ON api_user (tenant_id, lower(username));
COMMENT ON TABLE api_user IS 'Credentials of systems calling the API (not the technicians of the user entity)';

CREATE TABLE IF NOT EXISTS api_token (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  api_user_id uuid NOT NULL REFERENCES api_user (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  name text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3),
  revoked_at timestamptz(3)
);
COMMENT ON TABLE api_token IS 'Bearer tokens of API users, stored as SHA-256 of the token';

CREATE TABLE IF NOT EXISTS tenant_counter (
  tenant_id uuid NOT NULL DEFAULT ${CURRENT_TENANT} REFERENCES tenant (id) ON DELETE CASCADE,
  name text NOT NULL,
  value bigint NOT NULL,
  PRIMARY KEY (tenant_id, name)
);
COMMENT ON TABLE tenant_counter IS 'Last automatic number (id2) given per tenant and entity';
${rowSecurity('tenant_counter')}
`;

function rowSecurity(table: string): string {
  const t = q(table);
  return `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON ${t};
CREATE POLICY tenant_isolation ON ${t} USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT});
GRANT SELECT, INSERT, UPDATE, DELETE ON ${t} TO ${APP_ROLE};`;
}

function has(entity: Entity, system: string): string | undefined {
  return Object.entries(entity.spec.fields).find(([, f]) => !isList(f) && f.system === system)?.[0];
}

/** One trigger per table keeps the system fields whatever statement writes the row. */
function writeTrigger(entity: Entity): string {
  const t = entity.name;
  const modified = has(entity, 'modified');
  const created = has(entity, 'created');
  const updated = has(entity, 'updated');
  const autoNumber = has(entity, 'autoNumber');
  const body: string[] = [];
  if (modified) body.push(`NEW.${q(modified)} := clock_timestamp();`);
  if (updated) body.push(`NEW.${q(updated)} := clock_timestamp();`);
  if (created) {
    body.push(`IF TG_OP = 'UPDATE' THEN NEW.${q(created)} := OLD.${q(created)};`);
    body.push(`ELSE NEW.${q(created)} := COALESCE(NEW.${q(created)}, clock_timestamp()); END IF;`);
  }
  if (autoNumber) {
    body.push(`IF TG_OP = 'UPDATE' THEN NEW.${q(autoNumber)} := OLD.${q(autoNumber)};`);
    body.push(`ELSE INSERT INTO tenant_counter (tenant_id, name, value) VALUES (NEW.tenant_id, ${literal(t)}, 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_counter.value + 1
    RETURNING value INTO NEW.${q(autoNumber)}; END IF;`);
  }
  if (body.length === 0) return '';
  const fn = q(`${t}_before_write`);
  return `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${body.join('\n  ')}
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER ${q(`${t}_before_write`)} BEFORE INSERT OR UPDATE ON ${q(t)}
  FOR EACH ROW EXECUTE FUNCTION ${fn}();`;
}

function table(entity: Entity): string {
  const t = q(entity.name);
  const lines = [
    `CREATE TABLE IF NOT EXISTS ${t} (
  tenant_id uuid NOT NULL DEFAULT ${CURRENT_TENANT} REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);`,
    `COMMENT ON TABLE ${t} IS ${literal(entity.spec.description)};`,
  ];
  for (const name of entity.columns) {
    if (name === 'id') continue;
    const field = entity.spec.fields[name]!;
    const notNull = !isList(field) && (field.required || field.system === 'modified') ? ' NOT NULL' : '';
    const dflt = !isList(field) && field.system === 'modified' ? ' DEFAULT clock_timestamp()' : '';
    lines.push(`ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${q(name)} ${sqlType(field)}${notNull}${dflt};`);
  }
  for (const name of entity.columns) {
    const description = entity.spec.fields[name]!.description;
    if (description) lines.push(`COMMENT ON COLUMN ${t}.${q(name)} IS ${literal(description)};`);
  }
  if (entity.spec.fields['modified_dateutc']) {
    lines.push(
      `CREATE INDEX IF NOT EXISTS ${q(`${entity.name}_modified`)} ON ${t} (tenant_id, modified_dateutc);`,
    );
  }
  if (entity.erpKey) {
    const scope = entity.salesOrgScoped ? `COALESCE(sales_organization_id, ${NO_SALES_ORG}), ` : '';
    lines.push(
      `CREATE UNIQUE INDEX IF NOT EXISTS ${q(`${entity.name}_erp_key`)} ON ${t} (tenant_id, ${scope}${q(entity.erpKey)});`,
    );
  }
  lines.push(rowSecurity(entity.name));
  const trigger = writeTrigger(entity);
  if (trigger) lines.push(trigger);
  return lines.join('\n');
}

/** Name of the foreign key constraint of a reference; errors map it back to the field. */
export const foreignKeyName = (entity: string, field: string): string => `${entity}_${field}_fkey`;
export const erpKeyIndexName = (entity: string): string => `${entity}_erp_key`;

function foreignKeys(entity: Entity): string {
  return entity.refs
    .map((ref) => {
      const name = foreignKeyName(entity.name, ref.idField);
      return `DO $$ BEGIN
  ALTER TABLE ${q(entity.name)} ADD CONSTRAINT ${q(name)} FOREIGN KEY (tenant_id, ${q(ref.idField)})
    REFERENCES ${q(ref.target.name)} (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS ${q(`${entity.name}_${ref.idField}_idx`)} ON ${q(entity.name)} (tenant_id, ${q(ref.idField)});`;
    })
    .join('\n');
}

export function schemaSql(registry: Registry): string {
  const parts = [PRELUDE];
  for (const entity of registry.entities) parts.push(`-- ${entity.name}\n${table(entity)}\n`);
  parts.push('-- foreign keys (after every table exists)');
  for (const entity of registry.entities) {
    const fks = foreignKeys(entity);
    if (fks) parts.push(fks);
  }
  return parts.join('\n') + '\n';
}
