/**
 * The database schema as data: every table, column, constraint, index, trigger, function and
 * row-level security setting the registry implies. `npm run generate` compares this model with the
 * snapshot committed next to the migrations and writes the migration between them
 * (`schema-diff.ts`); the server checks the database's functions against the snapshot.
 */
import type { ScalarField } from '../entities/define.js';
import { isList, VERSION_FIELD, type Entity, type Registry } from './registry.js';

/** The role every tenant request runs as; row-level security applies to it. */
export const APP_ROLE = 'fieldservice_app';
/** The setting that carries the current tenant inside a transaction. */
export const TENANT_SETTING = 'fieldservice.tenant_id';
/** The sequence that numbers change log entries in the order they were written. */
export const CHANGE_SEQUENCE = 'fs_change_seq';
/** The setting under which the purge removes expired rows without logging them as changes. */
export const PURGE_SETTING = 'fieldservice.purging';
export const CURRENT_TENANT = `NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid`;
const NO_SALES_ORG = `'00000000-0000-0000-0000-000000000000'::uuid`;

export interface ColumnModel {
  /** SQL type as written in DDL (`varchar(255)`, `timestamptz(3)`, ...). */
  readonly type: string;
  readonly notNull?: true;
  /** SQL expression. */
  readonly default?: string;
  readonly comment?: string;
}

export interface IndexModel {
  readonly unique?: true;
  /** What follows `ON <table>`: the key columns or expressions in parentheses (and a partial index's WHERE). */
  readonly on: string;
}

export interface TriggerModel {
  /** Timing and events, e.g. `BEFORE INSERT OR UPDATE`. */
  readonly timing: string;
  /** What stands between the table and EXECUTE, e.g. `FOR EACH ROW`. */
  readonly each: string;
  readonly function: string;
}

export interface FunctionModel {
  readonly returns: string;
  /** The PL/pgSQL body between the dollar quotes, exactly as the database keeps it (`prosrc`). */
  readonly body: string;
}

export interface TableModel {
  readonly comment?: string;
  readonly columns: Readonly<Record<string, ColumnModel>>;
  /** Named constraints: primary key, unique and foreign keys, as their definition text. */
  readonly constraints: Readonly<Record<string, string>>;
  readonly indexes: Readonly<Record<string, IndexModel>>;
  /** Row-level security by tenant (enabled, forced, one policy) and the application role's grants. */
  readonly tenantIsolation?: true;
  readonly triggers: Readonly<Record<string, TriggerModel>>;
}

export interface SchemaModel {
  readonly sequences: readonly string[];
  readonly functions: Readonly<Record<string, FunctionModel>>;
  readonly tables: Readonly<Record<string, TableModel>>;
  /** Views by name, as their SELECT. */
  readonly views: Readonly<Record<string, string>>;
}

/** What the business rules add to the registry's schema (their triggers and indexes). */
export interface SchemaAddition {
  readonly functions?: Readonly<Record<string, FunctionModel>>;
  readonly tables?: Readonly<
    Record<
      string,
      {
        readonly indexes?: Readonly<Record<string, IndexModel>>;
        readonly triggers?: Readonly<Record<string, TriggerModel>>;
      }
    >
  >;
}

export const q = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;
export const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** Name of the foreign key constraint of a reference; errors map it back to the field. */
export const foreignKeyName = (entity: string, field: string): string => `${entity}_${field}_fkey`;
export const erpKeyIndexName = (entity: string): string => `${entity}_erp_key`;

export function sqlType(field: ScalarField | { type: 'list' }): string {
  if (field.type === 'list') return 'jsonb';
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

const TENANT_FK = 'FOREIGN KEY (tenant_id) REFERENCES tenant (id) ON DELETE CASCADE';
const tenantColumn: ColumnModel = { type: 'uuid', notNull: true, default: CURRENT_TENANT };
const createdAt: ColumnModel = { type: 'timestamptz(3)', notNull: true, default: 'now()' };
const clockAt: ColumnModel = { type: 'timestamptz(3)', notNull: true, default: 'clock_timestamp()' };

const table = (t: Omit<TableModel, 'triggers' | 'indexes'> & Partial<TableModel>): TableModel => ({
  indexes: {},
  triggers: {},
  ...t,
});

/** The tables of the service itself: tenants, credentials, the sync feed's bookkeeping. */
function serviceTables(): Record<string, TableModel> {
  return {
    tenant: table({
      comment: 'A customer of the service; its domain is the part after @ in API user names',
      columns: {
        id: { type: 'uuid', notNull: true, default: 'gen_random_uuid()' },
        domain: { type: 'text', notNull: true },
        name: { type: 'text' },
        created_at: createdAt,
      },
      constraints: { tenant_pkey: 'PRIMARY KEY (id)' },
      indexes: { tenant_domain_key: { unique: true, on: '(lower(domain))' } },
    }),
    api_user: table({
      comment: 'Credentials of systems calling the API (not the technicians of the user entity)',
      columns: {
        id: { type: 'uuid', notNull: true, default: 'gen_random_uuid()' },
        tenant_id: { type: 'uuid', notNull: true },
        username: { type: 'text', notNull: true },
        password_hash: { type: 'text' },
        created_at: createdAt,
      },
      constraints: { api_user_pkey: 'PRIMARY KEY (id)', api_user_tenant_id_fkey: TENANT_FK },
      indexes: { api_user_name_key: { unique: true, on: '(tenant_id, lower(username))' } },
    }),
    api_token: table({
      comment: 'Bearer tokens of API users, stored as SHA-256 of the token',
      columns: {
        id: { type: 'uuid', notNull: true, default: 'gen_random_uuid()' },
        api_user_id: { type: 'uuid', notNull: true },
        token_hash: { type: 'text', notNull: true },
        name: { type: 'text' },
        created_at: createdAt,
        expires_at: { type: 'timestamptz(3)' },
        revoked_at: { type: 'timestamptz(3)' },
      },
      constraints: {
        api_token_pkey: 'PRIMARY KEY (id)',
        api_token_api_user_id_fkey: 'FOREIGN KEY (api_user_id) REFERENCES api_user (id) ON DELETE CASCADE',
        api_token_token_hash_key: 'UNIQUE (token_hash)',
      },
    }),
    change_log: table({
      comment:
        'One entry per change of a record, written with the change; positions are given per tenant after ' +
        'commit (fs_sequence_changes), so the feed order is the order in which changes became visible',
      columns: {
        log_id: { type: 'bigint', notNull: true, default: `nextval('${CHANGE_SEQUENCE}'::regclass)` },
        tenant_id: tenantColumn,
        entity: { type: 'text', notNull: true },
        record_id: { type: 'uuid', notNull: true },
        position: { type: 'bigint' },
        [VERSION_FIELD]: { type: 'bigint', notNull: true },
        deleted: { type: 'boolean', notNull: true },
        changed_at: clockAt,
      },
      // Written with every record: no foreign key to the tenant either (see the entity tables).
      constraints: { change_log_pkey: 'PRIMARY KEY (log_id)' },
      indexes: {
        change_log_position: { unique: true, on: '(tenant_id, position)' },
        change_log_record: { on: '(tenant_id, entity, record_id)' },
        // Deletions only: what a record created again continues its version from.
        change_log_deletion: { on: '(tenant_id, entity, record_id) WHERE deleted' },
      },
      tenantIsolation: true,
    }),
    feed_state: table({
      comment:
        'Per tenant: the last feed position given, and how many purges removed entries from the feed (a cursor carries the count it saw)',
      columns: {
        tenant_id: tenantColumn,
        last_position: { type: 'bigint', notNull: true, default: '0' },
        purge_generation: { type: 'bigint', notNull: true, default: '0' },
        floor_generation: { type: 'bigint', notNull: true, default: '0' },
      },
      constraints: { feed_state_pkey: 'PRIMARY KEY (tenant_id)', feed_state_tenant_id_fkey: TENANT_FK },
      tenantIsolation: true,
    }),
    feed_purge: table({
      comment:
        'Each purge that removed feed entries: the highest position it removed. A cursor given before a purge ' +
        'that removed a position after it must resynchronise',
      columns: {
        tenant_id: tenantColumn,
        generation: { type: 'bigint', notNull: true },
        max_position: { type: 'bigint', notNull: true },
        purged_at: clockAt,
      },
      constraints: {
        feed_purge_pkey: 'PRIMARY KEY (tenant_id, generation)',
        feed_purge_tenant_id_fkey: TENANT_FK,
      },
      tenantIsolation: true,
    }),
    idempotency_key: table({
      comment: 'First response of each Idempotency-Key, replayed to retries until it expires',
      columns: {
        tenant_id: tenantColumn,
        key: { type: 'text', notNull: true },
        request_hash: { type: 'text', notNull: true },
        status: { type: 'integer' },
        content_type: { type: 'text' },
        headers: { type: 'text' },
        body: { type: 'text' },
        created_at: clockAt,
      },
      constraints: {
        idempotency_key_pkey: 'PRIMARY KEY (tenant_id, key)',
        idempotency_key_tenant_id_fkey: TENANT_FK,
      },
      tenantIsolation: true,
    }),
    tenant_counter: table({
      comment: 'Last automatic number (id2) given per tenant and entity',
      columns: {
        tenant_id: tenantColumn,
        name: { type: 'text', notNull: true },
        value: { type: 'bigint', notNull: true },
      },
      constraints: {
        tenant_counter_pkey: 'PRIMARY KEY (tenant_id, name)',
        tenant_counter_tenant_id_fkey: TENANT_FK,
      },
      tenantIsolation: true,
    }),
  };
}

const serviceFunctions: Record<string, FunctionModel> = {
  // Statement triggers of every entity table: one log entry per row written or deleted.
  fs_log_change: {
    returns: 'trigger',
    body: `
BEGIN
  -- The purge removes expired rows without logging them.
  IF current_setting('${PURGE_SETTING}', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    INSERT INTO change_log (tenant_id, entity, record_id, ${VERSION_FIELD}, deleted)
    SELECT tenant_id, TG_TABLE_NAME, id, ${VERSION_FIELD} + 1, true FROM fs_old ORDER BY id;
  ELSE
    -- An insert that waited on a deletion of the same id (a re-create racing the delete) took its
    -- version before that deletion committed: refused as a serialization failure, so that the
    -- retry goes on from the deletion's version. This statement sees what committed meanwhile.
    IF TG_OP = 'INSERT' AND EXISTS (
      SELECT 1 FROM fs_new n JOIN change_log c ON c.tenant_id = n.tenant_id AND c.entity = TG_TABLE_NAME
        AND c.record_id = n.id AND c.deleted AND c.${VERSION_FIELD} >= n.${VERSION_FIELD}
    ) THEN
      RAISE EXCEPTION 'a deletion of this record committed while it was created again: retry'
        USING ERRCODE = 'serialization_failure';
    END IF;
    INSERT INTO change_log (tenant_id, entity, record_id, ${VERSION_FIELD}, deleted)
    SELECT tenant_id, TG_TABLE_NAME, id, ${VERSION_FIELD}, false FROM fs_new ORDER BY id;
  END IF;
  RETURN NULL;
END `,
  },
  // Gives the current tenant's committed, unpositioned log entries the next positions, under the
  // tenant's feed_state row lock, and drops the entries they supersede. A change gets its position
  // after its commit, so positions follow the order in which changes became visible.
  fs_sequence_changes: {
    returns: 'bigint',
    body: `
DECLARE
  tenant uuid := ${CURRENT_TENANT};
  last bigint;
  added bigint;
BEGIN
  IF tenant IS NULL THEN
    RAISE EXCEPTION 'fs_sequence_changes: no tenant is set';
  END IF;
  INSERT INTO feed_state (tenant_id) VALUES (tenant) ON CONFLICT (tenant_id) DO NOTHING;
  SELECT last_position INTO last FROM feed_state WHERE tenant_id = tenant FOR UPDATE;
  -- A new statement, so a new snapshot: every entry committed before the lock was taken is seen.
  WITH pending AS (
    SELECT log_id, row_number() OVER (ORDER BY log_id) AS n
    FROM change_log WHERE tenant_id = tenant AND position IS NULL
  )
  UPDATE change_log c SET position = last + p.n FROM pending p WHERE c.log_id = p.log_id;
  GET DIAGNOSTICS added = ROW_COUNT;
  IF added > 0 THEN
    DELETE FROM change_log o USING change_log c
    WHERE c.tenant_id = tenant AND c.position > last AND o.tenant_id = tenant
      AND o.entity = c.entity AND o.record_id = c.record_id AND o.position < c.position;
    UPDATE feed_state SET last_position = last + added WHERE tenant_id = tenant;
  END IF;
  RETURN last + added;
END `,
  },
  // A build from before versioned migrations reads `schema_migrations`; the view in its place makes
  // that build stop at start instead of re-applying its own, older schema.
  fs_refuse_unversioned_build: {
    returns: 'text',
    body: `
BEGIN
  RAISE EXCEPTION 'this database is at schema version % (table schema_history); this build predates versioned migrations and must not run on it: deploy a newer build',
    (SELECT max(version) FROM schema_history);
END `,
  },
};

const serviceViews: Record<string, string> = {
  schema_migrations: 'SELECT fs_refuse_unversioned_build() AS checksum, now() AS applied_at',
};

function systemField(entity: Entity, role: string): string | undefined {
  return Object.entries(entity.spec.fields).find(([, f]) => !isList(f) && f.system === role)?.[0];
}

/**
 * The version a record created with id `idSql` starts at: one past the version its deletion was
 * logged with when it existed before, else 1 (the change log keeps deletions for the feed).
 */
export function firstVersion(entity: Entity, idSql: string, tenantSql: string): string {
  const v = q(VERSION_FIELD);
  return `COALESCE((SELECT max(c.${v}) FROM change_log c WHERE c.tenant_id = ${tenantSql}
    AND c.entity = ${literal(entity.name)} AND c.record_id = ${idSql} AND c.deleted), 0) + 1`;
}

/**
 * The version column's default: not a version. A statement that creates many records gives each
 * its first version itself (one lookup in the statement); for any other, the trigger does.
 */
export const VERSION_NOT_GIVEN = '0';

/** The trigger function that keeps the system fields whatever statement writes the row. */
function writeFunction(entity: Entity): FunctionModel {
  const modified = systemField(entity, 'modified');
  const created = systemField(entity, 'created');
  const updated = systemField(entity, 'updated');
  const autoNumber = systemField(entity, 'autoNumber');
  // The version counts the changes of this record, across a deletion and a re-creation.
  const v = q(VERSION_FIELD);
  const body: string[] = [
    `IF TG_OP = 'UPDATE' THEN NEW.${v} := OLD.${v} + 1;`,
    `ELSIF NEW.${v} = ${VERSION_NOT_GIVEN} THEN NEW.${v} := ${firstVersion(entity, 'NEW.id', 'NEW.tenant_id')}; END IF;`,
  ];
  if (modified) body.push(`NEW.${q(modified)} := clock_timestamp();`);
  if (updated) body.push(`NEW.${q(updated)} := clock_timestamp();`);
  if (created) {
    body.push(`IF TG_OP = 'UPDATE' THEN NEW.${q(created)} := OLD.${q(created)};`);
    body.push(`ELSE NEW.${q(created)} := COALESCE(NEW.${q(created)}, clock_timestamp()); END IF;`);
  }
  if (autoNumber) {
    body.push(`IF TG_OP = 'UPDATE' THEN NEW.${q(autoNumber)} := OLD.${q(autoNumber)};`);
    body.push(`ELSE INSERT INTO tenant_counter (tenant_id, name, value) VALUES (NEW.tenant_id, ${literal(entity.name)}, 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_counter.value + 1
    RETURNING value INTO NEW.${q(autoNumber)}; END IF;`);
  }
  return { returns: 'trigger', body: `\nBEGIN\n  ${body.join('\n  ')}\n  RETURN NEW;\nEND ` };
}

function entityTable(entity: Entity): TableModel {
  const t = entity.name;
  const columns: Record<string, ColumnModel> = {
    tenant_id: tenantColumn,
    id: { type: 'uuid', notNull: true },
  };
  for (const name of entity.columns) {
    const field = entity.spec.fields[name]!;
    const system = isList(field) ? undefined : field.system;
    // Flags are two-valued, as in the original's database: a flag not given is false.
    const flag = !isList(field) && field.type === 'boolean';
    const notNull =
      (!isList(field) && field.required) || flag || system === 'modified' || system === 'version';
    const dflt =
      system === 'modified'
        ? 'clock_timestamp()'
        : system === 'version'
          ? VERSION_NOT_GIVEN
          : name === 'id'
            ? 'gen_random_uuid()'
            : flag
              ? 'false'
              : undefined;
    columns[name] = {
      type: name === 'id' ? 'uuid' : sqlType(field),
      ...(notNull || name === 'id' ? { notNull: true as const } : {}),
      ...(dflt ? { default: dflt } : {}),
      ...(field.description ? { comment: field.description } : {}),
    };
  }
  // No foreign key to the tenant: row-level security admits only rows of the request's tenant, and
  // the key's check would cost every row written; a tenant's deletion removes its rows by trigger.
  const constraints: Record<string, string> = { [`${t}_pkey`]: 'PRIMARY KEY (tenant_id, id)' };
  const indexes: Record<string, IndexModel> = {};
  if (entity.spec.fields['modified_dateutc'])
    indexes[`${t}_modified`] = { on: '(tenant_id, modified_dateutc)' };
  if (entity.erpKey) {
    const scope = entity.salesOrgScoped ? `COALESCE(sales_organization_id, ${NO_SALES_ORG}), ` : '';
    // ERP keys compare without regard to case, as on the original's database (SQL Server's
    // default collation): `ABC` and `abc` are one key.
    indexes[erpKeyIndexName(t)] = { unique: true, on: `(tenant_id, ${scope}lower(${q(entity.erpKey)}))` };
  }
  if (entity.erpKeyFallback) {
    const f = entity.erpKeyFallback;
    indexes[`${t}_${f}_idx`] = { on: `(tenant_id, ${q(f)})` };
  }
  for (const index of entity.spec.indexes ?? []) {
    for (const f of index.fields) {
      if (!(f in columns)) throw new Error(`${t}: index on ${f}, which is not a column`);
    }
    indexes[`${t}_${index.fields.join('_')}_idx`] = {
      ...(index.unique ? { unique: true as const } : {}),
      on: `(tenant_id, ${index.fields.map(q).join(', ')})`,
    };
  }
  for (const ref of entity.refs) {
    constraints[foreignKeyName(t, ref.idField)] =
      `FOREIGN KEY (tenant_id, ${q(ref.idField)}) REFERENCES ${q(ref.target.name)} (tenant_id, id)`;
    // For the lookups by reference (a job's lines, the foreign key's check when a referenced record
    // is deleted): both look for a value, so rows without one (most optional references are
    // empty) are left out of the index and cost nothing to write.
    indexes[`${t}_${ref.idField}_idx`] = {
      on: `(tenant_id, ${q(ref.idField)}) WHERE ${q(ref.idField)} IS NOT NULL`,
    };
  }
  return {
    comment: entity.spec.description,
    columns,
    constraints,
    indexes,
    tenantIsolation: true,
    triggers: {
      [`${t}_before_write`]: {
        timing: 'BEFORE INSERT OR UPDATE',
        each: 'FOR EACH ROW',
        function: `${t}_before_write`,
      },
      [`${t}_log_insert`]: {
        timing: 'AFTER INSERT',
        each: 'REFERENCING NEW TABLE AS fs_new FOR EACH STATEMENT',
        function: 'fs_log_change',
      },
      [`${t}_log_update`]: {
        timing: 'AFTER UPDATE',
        each: 'REFERENCING NEW TABLE AS fs_new FOR EACH STATEMENT',
        function: 'fs_log_change',
      },
      [`${t}_log_delete`]: {
        timing: 'AFTER DELETE',
        each: 'REFERENCING OLD TABLE AS fs_old FOR EACH STATEMENT',
        function: 'fs_log_change',
      },
    },
  };
}

/** The SQL literal of a field's backfill value, for the migration generator. */
export function backfillOf(registry: Registry, table: string, column: string): string | undefined {
  const entity = registry.entities.find((e) => e.name === table);
  const field = entity?.field(column);
  if (!field || isList(field)) return undefined;
  // A flag never set is false.
  const value = field.backfill ?? (field.type === 'boolean' ? false : undefined);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return literal(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

const DELETE_TENANT_DATA = 'fs_delete_tenant_data';

/**
 * The trigger function that removes the records and the feed of deleted tenants (what a cascading
 * foreign key would do, without its cost on every write): each tenant's rows under its own
 * row-level security, the referencing entities before those they reference, the deletions not
 * logged. A rule that refuses a deletion (a signed line) refuses the tenant's deletion too.
 */
function deleteTenantData(registry: Registry): FunctionModel {
  const deletes = [...registry.entities]
    .reverse()
    .map((e) => `DELETE FROM ${q(e.name)} WHERE tenant_id = gone.id;`);
  return {
    returns: 'trigger',
    body: `
DECLARE
  gone record;
  tenant text := current_setting('${TENANT_SETTING}', true);
  purging text := current_setting('${PURGE_SETTING}', true);
BEGIN
  PERFORM set_config('${PURGE_SETTING}', 'on', true);
  FOR gone IN SELECT id FROM fs_old LOOP
    PERFORM set_config('${TENANT_SETTING}', gone.id::text, true);
    ${deletes.join('\n    ')}
    DELETE FROM change_log WHERE tenant_id = gone.id;
  END LOOP;
  PERFORM set_config('${TENANT_SETTING}', COALESCE(tenant, ''), true);
  PERFORM set_config('${PURGE_SETTING}', COALESCE(purging, ''), true);
  RETURN NULL;
END `,
  };
}

/** The whole schema: the service's tables, one table per entity, and what the rules add. */
export function schemaModel(registry: Registry, additions: readonly SchemaAddition[] = []): SchemaModel {
  const functions: Record<string, FunctionModel> = { ...serviceFunctions };
  const tables: Record<string, TableModel> = serviceTables();
  for (const entity of registry.entities) {
    functions[`${entity.name}_before_write`] = writeFunction(entity);
    tables[entity.name] = entityTable(entity);
  }
  functions[DELETE_TENANT_DATA] = deleteTenantData(registry);
  tables['tenant'] = {
    ...tables['tenant']!,
    triggers: {
      tenant_delete_data: {
        timing: 'AFTER DELETE',
        each: 'REFERENCING OLD TABLE AS fs_old FOR EACH STATEMENT',
        function: DELETE_TENANT_DATA,
      },
    },
  };
  for (const addition of additions) {
    Object.assign(functions, addition.functions);
    for (const [name, extra] of Object.entries(addition.tables ?? {})) {
      const base = tables[name];
      if (!base) throw new Error(`schema addition for unknown table ${name}`);
      tables[name] = {
        ...base,
        indexes: { ...base.indexes, ...extra.indexes },
        triggers: { ...base.triggers, ...extra.triggers },
      };
    }
  }
  return { sequences: [CHANGE_SEQUENCE], functions, tables, views: { ...serviceViews } };
}
