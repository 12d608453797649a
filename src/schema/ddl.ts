/**
 * SQL schema derived from the registry. The output is idempotent (safe to apply again) and additive:
 * a field added to an entity becomes `ADD COLUMN IF NOT EXISTS` on the next start.
 */
import type { FieldSpec } from '../entities/define.js';
import { isList, VERSION_FIELD, type Entity, type Registry } from './registry.js';

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
      return field.system === 'version' ? 'bigint' : 'integer';
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

-- The sync feed: every write takes a new number; physical deletes leave a tombstone.
CREATE SEQUENCE IF NOT EXISTS fs_change_seq;
GRANT USAGE ON SEQUENCE fs_change_seq TO ${APP_ROLE};

CREATE TABLE IF NOT EXISTS sync_tombstone (
  tenant_id uuid NOT NULL DEFAULT ${CURRENT_TENANT} REFERENCES tenant (id) ON DELETE CASCADE,
  entity text NOT NULL,
  id uuid NOT NULL,
  sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  ${VERSION_FIELD} bigint NOT NULL DEFAULT nextval('fs_change_seq'),
  deleted_at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (tenant_id, entity, id)
);
CREATE INDEX IF NOT EXISTS sync_tombstone_changes ON sync_tombstone (tenant_id, sys_change_txid, ${VERSION_FIELD});
COMMENT ON TABLE sync_tombstone IS 'Physically deleted records, kept for the sync feed until the retention expires';
${rowSecurity('sync_tombstone')}

CREATE OR REPLACE FUNCTION fs_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The purge removes expired rows without leaving tombstones behind.
  IF current_setting('fieldservice.purging', true) IS DISTINCT FROM 'on' THEN
    INSERT INTO sync_tombstone (tenant_id, entity, id) VALUES (OLD.tenant_id, TG_TABLE_NAME, OLD.id)
    ON CONFLICT (tenant_id, entity, id) DO UPDATE
      SET sys_change_txid = pg_current_xact_id(), ${VERSION_FIELD} = nextval('fs_change_seq'), deleted_at = clock_timestamp();
  END IF;
  RETURN OLD;
END $$;

CREATE TABLE IF NOT EXISTS sync_purge (
  tenant_id uuid PRIMARY KEY DEFAULT ${CURRENT_TENANT} REFERENCES tenant (id) ON DELETE CASCADE,
  purged_txid xid8 NOT NULL,
  purged_version bigint NOT NULL,
  purged_at timestamptz(3) NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE sync_purge IS 'Latest change position removed by the purge: an older cursor must resynchronise';
${rowSecurity('sync_purge')}

CREATE TABLE IF NOT EXISTS idempotency_key (
  tenant_id uuid NOT NULL DEFAULT ${CURRENT_TENANT} REFERENCES tenant (id) ON DELETE CASCADE,
  key text NOT NULL,
  request_hash text NOT NULL,
  status integer,
  content_type text,
  headers text,
  body text,
  created_at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (tenant_id, key)
);
COMMENT ON TABLE idempotency_key IS 'First response of each Idempotency-Key, replayed to retries until it expires';
${rowSecurity('idempotency_key')}

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
  // The change position of the row for the sync feed: the writing transaction and a new version.
  const body: string[] = [
    'NEW.sys_change_txid := pg_current_xact_id();',
    `NEW.${q(VERSION_FIELD)} := nextval('fs_change_seq');`,
  ];
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
  const fn = q(`${t}_before_write`);
  return `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${body.join('\n  ')}
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER ${q(`${t}_before_write`)} BEFORE INSERT OR UPDATE ON ${q(t)}
  FOR EACH ROW EXECUTE FUNCTION ${fn}();
CREATE OR REPLACE TRIGGER ${q(`${t}_tombstone`)} AFTER DELETE ON ${q(t)}
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();`;
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
  lines.push(
    `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();`,
  );
  for (const name of entity.columns) {
    if (name === 'id') continue;
    const field = entity.spec.fields[name]!;
    const notNull =
      !isList(field) && (field.required || field.system === 'modified' || field.system === 'version')
        ? ' NOT NULL'
        : '';
    const dflt =
      !isList(field) && field.system === 'modified'
        ? ' DEFAULT clock_timestamp()'
        : !isList(field) && field.system === 'version'
          ? " DEFAULT nextval('fs_change_seq')"
          : '';
    lines.push(`ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${q(name)} ${sqlType(field)}${notNull}${dflt};`);
  }
  for (const name of entity.columns) {
    const description = entity.spec.fields[name]!.description;
    if (description) lines.push(`COMMENT ON COLUMN ${t}.${q(name)} IS ${literal(description)};`);
  }
  lines.push(
    `CREATE INDEX IF NOT EXISTS ${q(`${entity.name}_changes`)} ON ${t} (tenant_id, sys_change_txid, ${q(VERSION_FIELD)});`,
  );
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
