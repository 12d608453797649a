-- Migration 0001: the schema as it stood before versioned migrations. Every statement is
-- idempotent, so a database created before them is adopted as it is and a new one is created.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fieldservice_app') THEN
    CREATE ROLE fieldservice_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$ BEGIN
  EXECUTE format('GRANT fieldservice_app TO %I', current_user);
EXCEPTION WHEN OTHERS THEN NULL;
END $$;
GRANT USAGE ON SCHEMA public TO fieldservice_app;

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
GRANT USAGE ON SEQUENCE fs_change_seq TO fieldservice_app;

CREATE TABLE IF NOT EXISTS sync_tombstone (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  entity text NOT NULL,
  id uuid NOT NULL,
  sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  row_version bigint NOT NULL DEFAULT nextval('fs_change_seq'),
  deleted_at timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (tenant_id, entity, id)
);
CREATE INDEX IF NOT EXISTS sync_tombstone_changes ON sync_tombstone (tenant_id, sys_change_txid, row_version);
COMMENT ON TABLE sync_tombstone IS 'Physically deleted records, kept for the sync feed until the retention expires';
ALTER TABLE "sync_tombstone" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "sync_tombstone" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "sync_tombstone";
CREATE POLICY tenant_isolation ON "sync_tombstone" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "sync_tombstone" TO fieldservice_app;

CREATE OR REPLACE FUNCTION fs_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The purge removes expired rows without leaving tombstones behind.
  IF current_setting('fieldservice.purging', true) IS DISTINCT FROM 'on' THEN
    INSERT INTO sync_tombstone (tenant_id, entity, id) VALUES (OLD.tenant_id, TG_TABLE_NAME, OLD.id)
    ON CONFLICT (tenant_id, entity, id) DO UPDATE
      SET sys_change_txid = pg_current_xact_id(), row_version = nextval('fs_change_seq'), deleted_at = clock_timestamp();
  END IF;
  RETURN OLD;
END $$;

CREATE TABLE IF NOT EXISTS sync_purge (
  tenant_id uuid PRIMARY KEY DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  purged_txid xid8 NOT NULL,
  purged_version bigint NOT NULL,
  purged_at timestamptz(3) NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE sync_purge IS 'Latest change position removed by the purge: an older cursor must resynchronise';
ALTER TABLE "sync_purge" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "sync_purge" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "sync_purge";
CREATE POLICY tenant_isolation ON "sync_purge" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "sync_purge" TO fieldservice_app;

CREATE TABLE IF NOT EXISTS idempotency_key (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
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
ALTER TABLE "idempotency_key" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "idempotency_key" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "idempotency_key";
CREATE POLICY tenant_isolation ON "idempotency_key" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "idempotency_key" TO fieldservice_app;

CREATE TABLE IF NOT EXISTS tenant_counter (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  name text NOT NULL,
  value bigint NOT NULL,
  PRIMARY KEY (tenant_id, name)
);
COMMENT ON TABLE tenant_counter IS 'Last automatic number (id2) given per tenant and entity';
ALTER TABLE "tenant_counter" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenant_counter" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "tenant_counter";
CREATE POLICY tenant_isolation ON "tenant_counter" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "tenant_counter" TO fieldservice_app;

-- db_country
CREATE TABLE IF NOT EXISTS "db_country" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "db_country" IS 'A country';
ALTER TABLE "db_country" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "db_country" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "db_country" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "db_country" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "db_country" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "db_country"."id" IS 'Primary Key';
COMMENT ON COLUMN "db_country"."code" IS 'ISO code of the country (ERP PK)';
COMMENT ON COLUMN "db_country"."name" IS 'Name of the country';
COMMENT ON COLUMN "db_country"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "db_country"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "db_country_changes" ON "db_country" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "db_country_modified" ON "db_country" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "db_country_erp_key" ON "db_country" (tenant_id, "code");
ALTER TABLE "db_country" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "db_country" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "db_country";
CREATE POLICY tenant_isolation ON "db_country" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "db_country" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "db_country_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "db_country_before_write" BEFORE INSERT OR UPDATE ON "db_country"
  FOR EACH ROW EXECUTE FUNCTION "db_country_before_write"();
CREATE OR REPLACE TRIGGER "db_country_tombstone" AFTER DELETE ON "db_country"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- sales_organization
CREATE TABLE IF NOT EXISTS "sales_organization" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "sales_organization" IS 'A sales organization: partitions the reference data of a tenant';
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "description" varchar(255);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "db_country_id" uuid;
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "db_currency_id" uuid;
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "db_language_id" uuid;
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "accountancy_code" varchar(50);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "archived" boolean;
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "default_unit_of_measure_system_type" varchar(50);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "street" varchar(50);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "street2" varchar(50);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "street_number" varchar(50);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "zip" varchar(50);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "city" varchar(50);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "email" varchar(250);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "phone" varchar(50);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "fax" varchar(50);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "url" varchar(255);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "vat_reg_code" varchar(50);
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "sales_organization" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "sales_organization"."id" IS 'Primary Key';
COMMENT ON COLUMN "sales_organization"."code" IS 'Code of the sales organization (ERP PK)';
COMMENT ON COLUMN "sales_organization"."name" IS 'Name of the sales organization';
COMMENT ON COLUMN "sales_organization"."description" IS 'Description of the sales organization';
COMMENT ON COLUMN "sales_organization"."db_country_id" IS 'Foreign key of the country of the sales organization';
COMMENT ON COLUMN "sales_organization"."db_currency_id" IS 'Foreign key of the currency of the sales organization';
COMMENT ON COLUMN "sales_organization"."db_language_id" IS 'Foreign key of the language of the sales organization';
COMMENT ON COLUMN "sales_organization"."accountancy_code" IS 'Code of the sales organization in the accountancy';
COMMENT ON COLUMN "sales_organization"."archived" IS 'The sales organization is archived';
COMMENT ON COLUMN "sales_organization"."default_unit_of_measure_system_type" IS 'Default unit of measure system type of the sales organization';
COMMENT ON COLUMN "sales_organization"."street" IS 'Street';
COMMENT ON COLUMN "sales_organization"."street2" IS 'Sub street';
COMMENT ON COLUMN "sales_organization"."street_number" IS 'Street number';
COMMENT ON COLUMN "sales_organization"."zip" IS 'Zip code';
COMMENT ON COLUMN "sales_organization"."city" IS 'City';
COMMENT ON COLUMN "sales_organization"."email" IS 'Email address';
COMMENT ON COLUMN "sales_organization"."phone" IS 'Phone number';
COMMENT ON COLUMN "sales_organization"."fax" IS 'Fax number';
COMMENT ON COLUMN "sales_organization"."url" IS 'Web site';
COMMENT ON COLUMN "sales_organization"."vat_reg_code" IS 'VAT registration number';
COMMENT ON COLUMN "sales_organization"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "sales_organization"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "sales_organization_changes" ON "sales_organization" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "sales_organization_modified" ON "sales_organization" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "sales_organization_erp_key" ON "sales_organization" (tenant_id, "code");
ALTER TABLE "sales_organization" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "sales_organization" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "sales_organization";
CREATE POLICY tenant_isolation ON "sales_organization" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "sales_organization" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "sales_organization_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "sales_organization_before_write" BEFORE INSERT OR UPDATE ON "sales_organization"
  FOR EACH ROW EXECUTE FUNCTION "sales_organization_before_write"();
CREATE OR REPLACE TRIGGER "sales_organization_tombstone" AFTER DELETE ON "sales_organization"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- db_unit_of_measure
CREATE TABLE IF NOT EXISTS "db_unit_of_measure" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "db_unit_of_measure" IS 'A unit of measure (piece, hour, meter, ...)';
ALTER TABLE "db_unit_of_measure" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "db_unit_of_measure" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "db_unit_of_measure" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "db_unit_of_measure" ADD COLUMN IF NOT EXISTS "system_type" varchar(50);
ALTER TABLE "db_unit_of_measure" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "db_unit_of_measure" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "db_unit_of_measure"."id" IS 'Primary Key';
COMMENT ON COLUMN "db_unit_of_measure"."code" IS 'Code of the unit of measure (ERP PK)';
COMMENT ON COLUMN "db_unit_of_measure"."name" IS 'Name of the unit of measure';
COMMENT ON COLUMN "db_unit_of_measure"."system_type" IS 'Unit of measure system the unit belongs to (e.g. metric, imperial)';
COMMENT ON COLUMN "db_unit_of_measure"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "db_unit_of_measure"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "db_unit_of_measure_changes" ON "db_unit_of_measure" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "db_unit_of_measure_modified" ON "db_unit_of_measure" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "db_unit_of_measure_erp_key" ON "db_unit_of_measure" (tenant_id, "code");
ALTER TABLE "db_unit_of_measure" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "db_unit_of_measure" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "db_unit_of_measure";
CREATE POLICY tenant_isolation ON "db_unit_of_measure" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "db_unit_of_measure" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "db_unit_of_measure_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "db_unit_of_measure_before_write" BEFORE INSERT OR UPDATE ON "db_unit_of_measure"
  FOR EACH ROW EXECUTE FUNCTION "db_unit_of_measure_before_write"();
CREATE OR REPLACE TRIGGER "db_unit_of_measure_tombstone" AFTER DELETE ON "db_unit_of_measure"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- company
CREATE TABLE IF NOT EXISTS "company" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "company" IS 'A company: customer and/or supplier';
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "vat_reg_code" varchar(50);
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "street" varchar(50);
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "street2" varchar(50);
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "street_number" varchar(50);
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "zip" varchar(50);
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "city" varchar(50);
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "db_country_id" uuid;
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "phone" varchar(50);
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "fax" varchar(50);
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "email" varchar(250);
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "url" varchar(255);
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "is_supplier" boolean;
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "is_customer" boolean;
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "sales_organization_id" uuid;
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "archived" boolean;
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "company" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "company"."id" IS 'Primary Key';
COMMENT ON COLUMN "company"."code" IS 'Code of the company (ERP PK)';
COMMENT ON COLUMN "company"."name" IS 'Name of the company';
COMMENT ON COLUMN "company"."vat_reg_code" IS 'VAT registration number';
COMMENT ON COLUMN "company"."street" IS 'Street';
COMMENT ON COLUMN "company"."street2" IS 'Sub street';
COMMENT ON COLUMN "company"."street_number" IS 'Street number';
COMMENT ON COLUMN "company"."zip" IS 'Zip code';
COMMENT ON COLUMN "company"."city" IS 'City';
COMMENT ON COLUMN "company"."db_country_id" IS 'Foreign key of the country of the company';
COMMENT ON COLUMN "company"."phone" IS 'Phone number';
COMMENT ON COLUMN "company"."fax" IS 'Fax number';
COMMENT ON COLUMN "company"."email" IS 'Email address';
COMMENT ON COLUMN "company"."url" IS 'Web site';
COMMENT ON COLUMN "company"."is_supplier" IS 'The company is a supplier';
COMMENT ON COLUMN "company"."is_customer" IS 'The company is a customer';
COMMENT ON COLUMN "company"."sales_organization_id" IS 'Foreign key of the sales organization (null = global)';
COMMENT ON COLUMN "company"."archived" IS 'The company is archived';
COMMENT ON COLUMN "company"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "company"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "company_changes" ON "company" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "company_modified" ON "company" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "company_erp_key" ON "company" (tenant_id, COALESCE(sales_organization_id, '00000000-0000-0000-0000-000000000000'::uuid), "code");
ALTER TABLE "company" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "company" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "company";
CREATE POLICY tenant_isolation ON "company" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "company" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "company_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "company_before_write" BEFORE INSERT OR UPDATE ON "company"
  FOR EACH ROW EXECUTE FUNCTION "company_before_write"();
CREATE OR REPLACE TRIGGER "company_tombstone" AFTER DELETE ON "company"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- db_address
CREATE TABLE IF NOT EXISTS "db_address" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "db_address" IS 'An address (location of a company, an equipment or a stock)';
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "name" varchar(100);
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "street" varchar(50);
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "street2" varchar(50);
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "street_number" varchar(50);
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "city" varchar(50);
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "zip" varchar(50);
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "db_country_id" uuid;
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "phone" varchar(50);
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "email" varchar(250);
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "latitude_decimal" numeric;
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "longitude_decimal" numeric;
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "company_id" uuid;
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "db_address" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "db_address"."id" IS 'Primary Key';
COMMENT ON COLUMN "db_address"."code" IS 'Code of the address (ERP PK)';
COMMENT ON COLUMN "db_address"."name" IS 'Name of the address';
COMMENT ON COLUMN "db_address"."street" IS 'Street';
COMMENT ON COLUMN "db_address"."street2" IS 'Sub street';
COMMENT ON COLUMN "db_address"."street_number" IS 'Street number';
COMMENT ON COLUMN "db_address"."city" IS 'City';
COMMENT ON COLUMN "db_address"."zip" IS 'Zip code';
COMMENT ON COLUMN "db_address"."db_country_id" IS 'Foreign key of the country of the address';
COMMENT ON COLUMN "db_address"."phone" IS 'Phone number';
COMMENT ON COLUMN "db_address"."email" IS 'Email address';
COMMENT ON COLUMN "db_address"."latitude_decimal" IS 'Latitude';
COMMENT ON COLUMN "db_address"."longitude_decimal" IS 'Longitude';
COMMENT ON COLUMN "db_address"."company_id" IS 'Foreign key of the company the address belongs to';
COMMENT ON COLUMN "db_address"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "db_address"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "db_address_changes" ON "db_address" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "db_address_modified" ON "db_address" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "db_address_erp_key" ON "db_address" (tenant_id, "code");
ALTER TABLE "db_address" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "db_address" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "db_address";
CREATE POLICY tenant_isolation ON "db_address" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "db_address" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "db_address_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "db_address_before_write" BEFORE INSERT OR UPDATE ON "db_address"
  FOR EACH ROW EXECUTE FUNCTION "db_address_before_write"();
CREATE OR REPLACE TRIGGER "db_address_tombstone" AFTER DELETE ON "db_address"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- contact
CREATE TABLE IF NOT EXISTS "contact" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "contact" IS 'A contact person, usually of a company';
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "company_id" uuid;
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "reference_back_office" varchar(50);
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "firstname" varchar(255);
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "lastname" varchar(255) NOT NULL;
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "email" varchar(250);
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "phone" varchar(50);
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "mobile" varchar(50);
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "function" varchar(255);
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "db_language_id" uuid;
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "contact" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "contact"."id" IS 'Primary Key';
COMMENT ON COLUMN "contact"."company_id" IS 'Foreign key of the company of the contact';
COMMENT ON COLUMN "contact"."reference_back_office" IS 'Field used for Embedded entity (store there your ERP PK)';
COMMENT ON COLUMN "contact"."firstname" IS 'First name';
COMMENT ON COLUMN "contact"."lastname" IS 'Last name';
COMMENT ON COLUMN "contact"."email" IS 'Email address';
COMMENT ON COLUMN "contact"."phone" IS 'Phone number';
COMMENT ON COLUMN "contact"."mobile" IS 'Mobile phone number';
COMMENT ON COLUMN "contact"."function" IS 'Function of the contact in the company';
COMMENT ON COLUMN "contact"."db_language_id" IS 'Foreign key of the language of the contact';
COMMENT ON COLUMN "contact"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "contact"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "contact_changes" ON "contact" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "contact_modified" ON "contact" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "contact_erp_key" ON "contact" (tenant_id, "reference_back_office");
ALTER TABLE "contact" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "contact" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "contact";
CREATE POLICY tenant_isolation ON "contact" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "contact" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "contact_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "contact_before_write" BEFORE INSERT OR UPDATE ON "contact"
  FOR EACH ROW EXECUTE FUNCTION "contact_before_write"();
CREATE OR REPLACE TRIGGER "contact_tombstone" AFTER DELETE ON "contact"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- user
CREATE TABLE IF NOT EXISTS "user" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "user" IS 'A user of the field service: technician, planner, team leader';
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "db_language_id" uuid;
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "username" varchar(255);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "firstname" varchar(255);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "lastname" varchar(255);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "archived" boolean;
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "disabled" boolean;
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "emergency_contact" varchar(255);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "bankaccount" varchar(255);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "social_security" varchar(255);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "place_of_birth" varchar(255);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "nationality" varchar(255);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "functions" varchar(255);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "birthdate" timestamptz(3);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "skype" varchar(255);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "notes" text;
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "sales_organization_id" uuid;
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "is_team_leader" boolean;
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "team_leader_user_id" uuid;
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "email" varchar(250);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "phone" varchar(50);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "fax" varchar(50);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "mobile" varchar(50);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "private_email" varchar(250);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "private_phone" varchar(50);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "private_fax" varchar(50);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "private_mobile" varchar(50);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "private_street" varchar(50);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "private_street_number" varchar(50);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "private_city" varchar(50);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "private_zip" varchar(50);
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "private_db_country_id" uuid;
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "allow_hero_app" boolean;
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "allow_sales_app" boolean;
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "allow_service_app" boolean;
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "user_group_id" uuid;
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "user"."id" IS 'Primary Key';
COMMENT ON COLUMN "user"."db_language_id" IS 'Foreign key of the language of the user';
COMMENT ON COLUMN "user"."username" IS 'User name (login)';
COMMENT ON COLUMN "user"."firstname" IS 'First name';
COMMENT ON COLUMN "user"."lastname" IS 'Last name';
COMMENT ON COLUMN "user"."code" IS 'Code of the user (ERP PK)';
COMMENT ON COLUMN "user"."archived" IS 'The user is archived';
COMMENT ON COLUMN "user"."disabled" IS 'The user is disabled';
COMMENT ON COLUMN "user"."emergency_contact" IS 'Person to contact in case of emergency';
COMMENT ON COLUMN "user"."bankaccount" IS 'Bank account number';
COMMENT ON COLUMN "user"."social_security" IS 'Social security number';
COMMENT ON COLUMN "user"."place_of_birth" IS 'Place of birth';
COMMENT ON COLUMN "user"."nationality" IS 'Nationality';
COMMENT ON COLUMN "user"."functions" IS 'Functions of the user';
COMMENT ON COLUMN "user"."birthdate" IS 'Birth date';
COMMENT ON COLUMN "user"."skype" IS 'Skype account';
COMMENT ON COLUMN "user"."notes" IS 'Notes about the user';
COMMENT ON COLUMN "user"."sales_organization_id" IS 'Foreign key of the sales organization (null = global)';
COMMENT ON COLUMN "user"."is_team_leader" IS 'The user is a team leader';
COMMENT ON COLUMN "user"."team_leader_user_id" IS 'Foreign key of the user that is the team leader of this user';
COMMENT ON COLUMN "user"."email" IS 'Professional email address';
COMMENT ON COLUMN "user"."phone" IS 'Professional phone number';
COMMENT ON COLUMN "user"."fax" IS 'Professional fax number';
COMMENT ON COLUMN "user"."mobile" IS 'Professional mobile phone number';
COMMENT ON COLUMN "user"."private_email" IS 'Private email address';
COMMENT ON COLUMN "user"."private_phone" IS 'Private phone number';
COMMENT ON COLUMN "user"."private_fax" IS 'Private fax number';
COMMENT ON COLUMN "user"."private_mobile" IS 'Private mobile phone number';
COMMENT ON COLUMN "user"."private_street" IS 'Private address: street';
COMMENT ON COLUMN "user"."private_street_number" IS 'Private address: street number';
COMMENT ON COLUMN "user"."private_city" IS 'Private address: city';
COMMENT ON COLUMN "user"."private_zip" IS 'Private address: zip code';
COMMENT ON COLUMN "user"."private_db_country_id" IS 'Private address: foreign key of the country';
COMMENT ON COLUMN "user"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "user"."allow_hero_app" IS 'The user may use the Hero app';
COMMENT ON COLUMN "user"."allow_sales_app" IS 'The user may use the Sales app';
COMMENT ON COLUMN "user"."allow_service_app" IS 'The user may use the Service app';
COMMENT ON COLUMN "user"."user_group_id" IS 'Foreign key of the user group of the user';
COMMENT ON COLUMN "user"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "user_changes" ON "user" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "user_modified" ON "user" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "user_erp_key" ON "user" (tenant_id, COALESCE(sales_organization_id, '00000000-0000-0000-0000-000000000000'::uuid), "code");
ALTER TABLE "user" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "user";
CREATE POLICY tenant_isolation ON "user" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "user" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "user_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "user_before_write" BEFORE INSERT OR UPDATE ON "user"
  FOR EACH ROW EXECUTE FUNCTION "user_before_write"();
CREATE OR REPLACE TRIGGER "user_tombstone" AFTER DELETE ON "user"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- skill
CREATE TABLE IF NOT EXISTS "skill" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "skill" IS 'A skill a job may require and a technician may have (used for planning)';
ALTER TABLE "skill" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "skill" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "skill" ADD COLUMN IF NOT EXISTS "description" varchar(255);
ALTER TABLE "skill" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "skill" ADD COLUMN IF NOT EXISTS "sales_organization_id" uuid;
ALTER TABLE "skill" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "skill" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "skill"."id" IS 'Primary Key';
COMMENT ON COLUMN "skill"."name" IS 'Name of the skill';
COMMENT ON COLUMN "skill"."description" IS 'Description of the skill';
COMMENT ON COLUMN "skill"."code" IS 'Code of the skill (ERP PK)';
COMMENT ON COLUMN "skill"."sales_organization_id" IS 'Foreign key of the sales organization (null = global)';
COMMENT ON COLUMN "skill"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "skill"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "skill_changes" ON "skill" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "skill_modified" ON "skill" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "skill_erp_key" ON "skill" (tenant_id, COALESCE(sales_organization_id, '00000000-0000-0000-0000-000000000000'::uuid), "code");
ALTER TABLE "skill" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "skill" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "skill";
CREATE POLICY tenant_isolation ON "skill" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "skill" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "skill_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "skill_before_write" BEFORE INSERT OR UPDATE ON "skill"
  FOR EACH ROW EXECUTE FUNCTION "skill_before_write"();
CREATE OR REPLACE TRIGGER "skill_tombstone" AFTER DELETE ON "skill"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- job_type
CREATE TABLE IF NOT EXISTS "job_type" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "job_type" IS 'A type of job (installation, repair, maintenance, ...)';
ALTER TABLE "job_type" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "job_type" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "job_type" ADD COLUMN IF NOT EXISTS "sales_organization_id" uuid;
ALTER TABLE "job_type" ADD COLUMN IF NOT EXISTS "description" varchar(255);
ALTER TABLE "job_type" ADD COLUMN IF NOT EXISTS "is_default" boolean;
ALTER TABLE "job_type" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "job_type" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "job_type" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "job_type"."id" IS 'Primary Key';
COMMENT ON COLUMN "job_type"."name" IS 'Name of the job type';
COMMENT ON COLUMN "job_type"."sales_organization_id" IS 'Foreign key of the sales organization (null = global)';
COMMENT ON COLUMN "job_type"."description" IS 'Description of the job type';
COMMENT ON COLUMN "job_type"."is_default" IS 'Job type used by default';
COMMENT ON COLUMN "job_type"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "job_type"."code" IS 'Code of the job type (ERP PK)';
COMMENT ON COLUMN "job_type"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "job_type_changes" ON "job_type" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "job_type_modified" ON "job_type" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "job_type_erp_key" ON "job_type" (tenant_id, COALESCE(sales_organization_id, '00000000-0000-0000-0000-000000000000'::uuid), "code");
ALTER TABLE "job_type" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "job_type" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "job_type";
CREATE POLICY tenant_isolation ON "job_type" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "job_type" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "job_type_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "job_type_before_write" BEFORE INSERT OR UPDATE ON "job_type"
  FOR EACH ROW EXECUTE FUNCTION "job_type_before_write"();
CREATE OR REPLACE TRIGGER "job_type_tombstone" AFTER DELETE ON "job_type"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- job_priority
CREATE TABLE IF NOT EXISTS "job_priority" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "job_priority" IS 'A priority of a job';
ALTER TABLE "job_priority" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "job_priority" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "job_priority" ADD COLUMN IF NOT EXISTS "is_default" boolean;
ALTER TABLE "job_priority" ADD COLUMN IF NOT EXISTS "sequence" integer;
ALTER TABLE "job_priority" ADD COLUMN IF NOT EXISTS "sales_organization_id" uuid;
ALTER TABLE "job_priority" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "job_priority" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "job_priority" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "job_priority"."id" IS 'Primary Key';
COMMENT ON COLUMN "job_priority"."name" IS 'Name of the job priority';
COMMENT ON COLUMN "job_priority"."is_default" IS 'Job priority used by default';
COMMENT ON COLUMN "job_priority"."sequence" IS 'Display order of the priority';
COMMENT ON COLUMN "job_priority"."sales_organization_id" IS 'Foreign key of the sales organization (null = global)';
COMMENT ON COLUMN "job_priority"."code" IS 'Code of the job priority (ERP PK)';
COMMENT ON COLUMN "job_priority"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "job_priority"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "job_priority_changes" ON "job_priority" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "job_priority_modified" ON "job_priority" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "job_priority_erp_key" ON "job_priority" (tenant_id, COALESCE(sales_organization_id, '00000000-0000-0000-0000-000000000000'::uuid), "code");
ALTER TABLE "job_priority" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "job_priority" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "job_priority";
CREATE POLICY tenant_isolation ON "job_priority" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "job_priority" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "job_priority_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "job_priority_before_write" BEFORE INSERT OR UPDATE ON "job_priority"
  FOR EACH ROW EXECUTE FUNCTION "job_priority_before_write"();
CREATE OR REPLACE TRIGGER "job_priority_tombstone" AFTER DELETE ON "job_priority"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- job_status
CREATE TABLE IF NOT EXISTS "job_status" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "job_status" IS 'A status of the job workflow';
ALTER TABLE "job_status" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "job_status" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "job_status" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "job_status" ADD COLUMN IF NOT EXISTS "description" varchar(255);
ALTER TABLE "job_status" ADD COLUMN IF NOT EXISTS "is_default" boolean;
ALTER TABLE "job_status" ADD COLUMN IF NOT EXISTS "sequence" integer;
ALTER TABLE "job_status" ADD COLUMN IF NOT EXISTS "sales_organization_id" uuid;
ALTER TABLE "job_status" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "job_status" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "job_status"."id" IS 'Primary Key';
COMMENT ON COLUMN "job_status"."code" IS 'Code of the job status (ERP PK): Open, ToBePlanned, Pooling, Suggested, Dispatched, Planned, DispatchRejected, InProgress, WaitingFurtherActions, Completed, Canceled, Waiting, Activated';
COMMENT ON COLUMN "job_status"."name" IS 'Name of the job status';
COMMENT ON COLUMN "job_status"."description" IS 'Description of the job status';
COMMENT ON COLUMN "job_status"."is_default" IS 'Job status used by default';
COMMENT ON COLUMN "job_status"."sequence" IS 'Display order of the status';
COMMENT ON COLUMN "job_status"."sales_organization_id" IS 'Foreign key of the sales organization (null = global)';
COMMENT ON COLUMN "job_status"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "job_status"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "job_status_changes" ON "job_status" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "job_status_modified" ON "job_status" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "job_status_erp_key" ON "job_status" (tenant_id, COALESCE(sales_organization_id, '00000000-0000-0000-0000-000000000000'::uuid), "code");
ALTER TABLE "job_status" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "job_status" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "job_status";
CREATE POLICY tenant_isolation ON "job_status" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "job_status" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "job_status_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "job_status_before_write" BEFORE INSERT OR UPDATE ON "job_status"
  FOR EACH ROW EXECUTE FUNCTION "job_status_before_write"();
CREATE OR REPLACE TRIGGER "job_status_tombstone" AFTER DELETE ON "job_status"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- project_status
CREATE TABLE IF NOT EXISTS "project_status" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "project_status" IS 'A status of a project (installation / equipment)';
ALTER TABLE "project_status" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "project_status" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "project_status" ADD COLUMN IF NOT EXISTS "is_default" boolean;
ALTER TABLE "project_status" ADD COLUMN IF NOT EXISTS "is_closed" boolean;
ALTER TABLE "project_status" ADD COLUMN IF NOT EXISTS "sales_organization_id" uuid;
ALTER TABLE "project_status" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "project_status" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "project_status" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "project_status"."id" IS 'Primary Key';
COMMENT ON COLUMN "project_status"."name" IS 'Name of the project status';
COMMENT ON COLUMN "project_status"."is_default" IS 'Project status used by default';
COMMENT ON COLUMN "project_status"."is_closed" IS 'Projects with this status are closed';
COMMENT ON COLUMN "project_status"."sales_organization_id" IS 'Foreign key of the sales organization (null = global)';
COMMENT ON COLUMN "project_status"."code" IS 'Code of the project status (ERP PK)';
COMMENT ON COLUMN "project_status"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "project_status"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "project_status_changes" ON "project_status" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "project_status_modified" ON "project_status" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "project_status_erp_key" ON "project_status" (tenant_id, COALESCE(sales_organization_id, '00000000-0000-0000-0000-000000000000'::uuid), "code");
ALTER TABLE "project_status" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "project_status" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "project_status";
CREATE POLICY tenant_isolation ON "project_status" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "project_status" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "project_status_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "project_status_before_write" BEFORE INSERT OR UPDATE ON "project_status"
  FOR EACH ROW EXECUTE FUNCTION "project_status_before_write"();
CREATE OR REPLACE TRIGGER "project_status_tombstone" AFTER DELETE ON "project_status"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- equipment_brand
CREATE TABLE IF NOT EXISTS "equipment_brand" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "equipment_brand" IS 'A brand of equipment';
ALTER TABLE "equipment_brand" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "equipment_brand" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "equipment_brand" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "equipment_brand" ADD COLUMN IF NOT EXISTS "sales_organization_id" uuid;
ALTER TABLE "equipment_brand" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "equipment_brand" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "equipment_brand"."id" IS 'Primary Key';
COMMENT ON COLUMN "equipment_brand"."name" IS 'Name of the brand';
COMMENT ON COLUMN "equipment_brand"."code" IS 'Code of the brand (ERP PK)';
COMMENT ON COLUMN "equipment_brand"."sales_organization_id" IS 'Foreign key of the sales organization (null = global)';
COMMENT ON COLUMN "equipment_brand"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "equipment_brand"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "equipment_brand_changes" ON "equipment_brand" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "equipment_brand_modified" ON "equipment_brand" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "equipment_brand_erp_key" ON "equipment_brand" (tenant_id, COALESCE(sales_organization_id, '00000000-0000-0000-0000-000000000000'::uuid), "code");
ALTER TABLE "equipment_brand" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "equipment_brand" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "equipment_brand";
CREATE POLICY tenant_isolation ON "equipment_brand" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "equipment_brand" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "equipment_brand_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "equipment_brand_before_write" BEFORE INSERT OR UPDATE ON "equipment_brand"
  FOR EACH ROW EXECUTE FUNCTION "equipment_brand_before_write"();
CREATE OR REPLACE TRIGGER "equipment_brand_tombstone" AFTER DELETE ON "equipment_brand"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- equipment_family
CREATE TABLE IF NOT EXISTS "equipment_family" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "equipment_family" IS 'A family of equipment (hierarchical)';
ALTER TABLE "equipment_family" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "equipment_family" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "equipment_family" ADD COLUMN IF NOT EXISTS "description" varchar(255);
ALTER TABLE "equipment_family" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "equipment_family" ADD COLUMN IF NOT EXISTS "_parent_id" uuid;
ALTER TABLE "equipment_family" ADD COLUMN IF NOT EXISTS "sales_organization_id" uuid;
ALTER TABLE "equipment_family" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "equipment_family" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "equipment_family"."id" IS 'Primary Key';
COMMENT ON COLUMN "equipment_family"."name" IS 'Name of the equipment family';
COMMENT ON COLUMN "equipment_family"."description" IS 'Description of the equipment family';
COMMENT ON COLUMN "equipment_family"."code" IS 'Code of the equipment family (ERP PK)';
COMMENT ON COLUMN "equipment_family"."_parent_id" IS 'Reference to the parent equipment family';
COMMENT ON COLUMN "equipment_family"."sales_organization_id" IS 'Foreign key of the sales organization (null = global)';
COMMENT ON COLUMN "equipment_family"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "equipment_family"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "equipment_family_changes" ON "equipment_family" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "equipment_family_modified" ON "equipment_family" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "equipment_family_erp_key" ON "equipment_family" (tenant_id, COALESCE(sales_organization_id, '00000000-0000-0000-0000-000000000000'::uuid), "code");
ALTER TABLE "equipment_family" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "equipment_family" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "equipment_family";
CREATE POLICY tenant_isolation ON "equipment_family" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "equipment_family" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "equipment_family_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "equipment_family_before_write" BEFORE INSERT OR UPDATE ON "equipment_family"
  FOR EACH ROW EXECUTE FUNCTION "equipment_family_before_write"();
CREATE OR REPLACE TRIGGER "equipment_family_tombstone" AFTER DELETE ON "equipment_family"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- equipment_model
CREATE TABLE IF NOT EXISTS "equipment_model" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "equipment_model" IS 'A model of equipment of a brand';
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "description" varchar(255);
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "equipment_brand_id" uuid;
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "equipment_family_id" uuid;
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "date_in_production_since" timestamptz(3);
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "date_out_of_production_since" timestamptz(3);
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "date_end_support" timestamptz(3);
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "sales_organization_id" uuid;
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "replacement_period_nb_months" integer;
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "warranty_period_nb_months" integer;
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "translations" jsonb;
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "equipment_model" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "equipment_model"."id" IS 'Primary Key';
COMMENT ON COLUMN "equipment_model"."code" IS 'Code of the equipment model (ERP PK)';
COMMENT ON COLUMN "equipment_model"."name" IS 'Name of the equipment model';
COMMENT ON COLUMN "equipment_model"."description" IS 'Description of the equipment model';
COMMENT ON COLUMN "equipment_model"."equipment_brand_id" IS 'Foreign key of the brand of the model';
COMMENT ON COLUMN "equipment_model"."equipment_family_id" IS 'Foreign key of the equipment family of the model';
COMMENT ON COLUMN "equipment_model"."date_in_production_since" IS 'Date the model is produced since';
COMMENT ON COLUMN "equipment_model"."date_out_of_production_since" IS 'Date the model is no longer produced since';
COMMENT ON COLUMN "equipment_model"."date_end_support" IS 'Date the support of the model ends';
COMMENT ON COLUMN "equipment_model"."sales_organization_id" IS 'Foreign key of the sales organization (null = global)';
COMMENT ON COLUMN "equipment_model"."replacement_period_nb_months" IS 'Number of months after which the equipment should be replaced';
COMMENT ON COLUMN "equipment_model"."warranty_period_nb_months" IS 'Warranty period in months';
COMMENT ON COLUMN "equipment_model"."translations" IS 'Translations of the text fields of this record';
COMMENT ON COLUMN "equipment_model"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "equipment_model"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "equipment_model_changes" ON "equipment_model" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "equipment_model_modified" ON "equipment_model" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "equipment_model_erp_key" ON "equipment_model" (tenant_id, COALESCE(sales_organization_id, '00000000-0000-0000-0000-000000000000'::uuid), "code");
ALTER TABLE "equipment_model" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "equipment_model" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "equipment_model";
CREATE POLICY tenant_isolation ON "equipment_model" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "equipment_model" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "equipment_model_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "equipment_model_before_write" BEFORE INSERT OR UPDATE ON "equipment_model"
  FOR EACH ROW EXECUTE FUNCTION "equipment_model_before_write"();
CREATE OR REPLACE TRIGGER "equipment_model_tombstone" AFTER DELETE ON "equipment_model"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- project
CREATE TABLE IF NOT EXISTS "project" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "project" IS 'A project: an installation / equipment of a customer on which jobs are done';
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "_parent_id" uuid;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "root_parent_id" uuid;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "equipment_family_id" uuid;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "equipment_model_id" uuid;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "project_status_id" uuid;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "company_id" uuid;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "db_address_id" uuid;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "location" varchar(255);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "contact_id" uuid;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "owner_user_id" uuid;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "description" varchar(255);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "reference_back_office" varchar(50);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "serial_number" varchar(255);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "barcode" varchar(255);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "date_start_production" timestamptz(3);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "date_create" timestamptz(3);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "date_update" timestamptz(3);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "updated_by_user_id" uuid;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "customer_reference" varchar(50);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "warranty_date_until" timestamptz(3);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "last_standard_result_score_1" varchar(255);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "last_standard_result_score_2" varchar(255);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "target_standard_result_score_1" varchar(255);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "target_standard_result_score_2" varchar(255);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "date_built" timestamptz(3);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "shutdown_consequence" varchar(255);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "id2" integer;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "nb_open_jobs" integer;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "date_next_job" timestamptz(3);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "date_last_job" timestamptz(3);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "nb_jobs_planned" integer;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "nb_jobs_tobeplanned" integer;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "nb_jobs_waitingfurtheraction" integer;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "back_office_timestamp" timestamptz(3);
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "is_mobile_installation" boolean;
ALTER TABLE "project" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "project"."id" IS 'Primary Key';
COMMENT ON COLUMN "project"."_parent_id" IS 'Reference to the parent project';
COMMENT ON COLUMN "project"."root_parent_id" IS 'Reference to the root project of the hierarchy';
COMMENT ON COLUMN "project"."equipment_family_id" IS 'Foreign key of the equipment family of the project';
COMMENT ON COLUMN "project"."equipment_model_id" IS 'Foreign key of the equipment model of the project';
COMMENT ON COLUMN "project"."project_status_id" IS 'Foreign key of the status of the project';
COMMENT ON COLUMN "project"."company_id" IS 'Foreign key of the customer company of the project';
COMMENT ON COLUMN "project"."db_address_id" IS 'Foreign key of the address where the project is located';
COMMENT ON COLUMN "project"."location" IS 'Location of the equipment at the address';
COMMENT ON COLUMN "project"."contact_id" IS 'Foreign key of the main contact of the project';
COMMENT ON COLUMN "project"."owner_user_id" IS 'Foreign key of the user owning the project';
COMMENT ON COLUMN "project"."name" IS 'Name of the project';
COMMENT ON COLUMN "project"."description" IS 'Description of the project';
COMMENT ON COLUMN "project"."reference_back_office" IS 'Field used for Embedded entity (store there your ERP PK)';
COMMENT ON COLUMN "project"."serial_number" IS 'Serial number of the equipment';
COMMENT ON COLUMN "project"."barcode" IS 'Barcode of the equipment';
COMMENT ON COLUMN "project"."date_start_production" IS 'Date the equipment started production';
COMMENT ON COLUMN "project"."date_create" IS 'Creation date+time';
COMMENT ON COLUMN "project"."date_update" IS 'Update date+time';
COMMENT ON COLUMN "project"."updated_by_user_id" IS 'Foreign key of the user who last updated the project';
COMMENT ON COLUMN "project"."customer_reference" IS 'Reference of this project for the customer';
COMMENT ON COLUMN "project"."warranty_date_until" IS 'End date of the warranty of the equipment';
COMMENT ON COLUMN "project"."last_standard_result_score_1" IS 'Last standard result score 1';
COMMENT ON COLUMN "project"."last_standard_result_score_2" IS 'Last standard result score 2';
COMMENT ON COLUMN "project"."target_standard_result_score_1" IS 'Target standard result score 1';
COMMENT ON COLUMN "project"."target_standard_result_score_2" IS 'Target standard result score 2';
COMMENT ON COLUMN "project"."date_built" IS 'Date the equipment was built';
COMMENT ON COLUMN "project"."shutdown_consequence" IS 'Consequence of a shutdown of the equipment';
COMMENT ON COLUMN "project"."id2" IS 'Internal ID (numeric)';
COMMENT ON COLUMN "project"."nb_open_jobs" IS 'Number of open jobs on the project (statistic)';
COMMENT ON COLUMN "project"."date_next_job" IS 'Date of the next planned job (statistic)';
COMMENT ON COLUMN "project"."date_last_job" IS 'Date of the last job (statistic)';
COMMENT ON COLUMN "project"."nb_jobs_planned" IS 'Number of planned jobs (statistic)';
COMMENT ON COLUMN "project"."nb_jobs_tobeplanned" IS 'Number of jobs to be planned (statistic)';
COMMENT ON COLUMN "project"."nb_jobs_waitingfurtheraction" IS 'Number of jobs waiting for further action (statistic)';
COMMENT ON COLUMN "project"."back_office_timestamp" IS 'Timestamp of the record in the back office';
COMMENT ON COLUMN "project"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "project"."is_mobile_installation" IS 'The equipment is mobile (no fixed address)';
COMMENT ON COLUMN "project"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "project_changes" ON "project" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "project_modified" ON "project" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "project_erp_key" ON "project" (tenant_id, "reference_back_office");
ALTER TABLE "project" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "project" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "project";
CREATE POLICY tenant_isolation ON "project" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "project" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "project_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  NEW."date_update" := clock_timestamp();
  IF TG_OP = 'UPDATE' THEN NEW."date_create" := OLD."date_create";
  ELSE NEW."date_create" := COALESCE(NEW."date_create", clock_timestamp()); END IF;
  IF TG_OP = 'UPDATE' THEN NEW."id2" := OLD."id2";
  ELSE INSERT INTO tenant_counter (tenant_id, name, value) VALUES (NEW.tenant_id, 'project', 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_counter.value + 1
    RETURNING value INTO NEW."id2"; END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "project_before_write" BEFORE INSERT OR UPDATE ON "project"
  FOR EACH ROW EXECUTE FUNCTION "project_before_write"();
CREATE OR REPLACE TRIGGER "project_tombstone" AFTER DELETE ON "project"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- jobs
CREATE TABLE IF NOT EXISTS "jobs" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "jobs" IS 'A job (work order) to be done by technicians on a project';
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "_parent_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "project_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "job_type_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "job_priority_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "job_status_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "db_address_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "contact_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "requested_by_company_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "requested_by_contact_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "reference_back_office" varchar(50);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "description" varchar(4000);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "working_sequence" integer;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "internal_memo" text;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "prejob_information" text;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "estimated_time" integer;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "earliest_date_plannable" timestamptz(3);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "due_date" timestamptz(3);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "date_create" timestamptz(3);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "date_update" timestamptz(3);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "date_closed" timestamptz(3);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "suggested_user_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "suggested_date_start" timestamptz(3);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "skill_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "customer_reference" varchar(50);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "approval_responsible_user_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "date_reported_by_company" timestamptz(3);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "id2" integer;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "company_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "company_code" varchar(50);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "db_address_name" varchar(100);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "db_address_street" varchar(50);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "db_address_street2" varchar(50);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "db_address_street_number" varchar(50);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "db_address_city" varchar(50);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "db_address_zip" varchar(50);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "db_address_db_country_id" uuid;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "db_address_phone" varchar(50);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "db_address_email" varchar(250);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "db_address_latitude_decimal" numeric;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "db_address_longitude_decimal" numeric;
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "estimated_quantity_remark" varchar(4000);
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "jobs" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "jobs"."id" IS 'Primary Key';
COMMENT ON COLUMN "jobs"."_parent_id" IS 'Reference to a parent job (in case of Multi Job)';
COMMENT ON COLUMN "jobs"."project_id" IS 'Foreign key of project for this job';
COMMENT ON COLUMN "jobs"."job_type_id" IS 'Foreign key of job type for this job';
COMMENT ON COLUMN "jobs"."job_priority_id" IS 'Foreign key of job priority for this job';
COMMENT ON COLUMN "jobs"."job_status_id" IS 'Foreign key of job status for this job';
COMMENT ON COLUMN "jobs"."db_address_id" IS 'Foreign key of db_address if job is not on a mobile equipment.Must be the address_id of the location or the equipment';
COMMENT ON COLUMN "jobs"."contact_id" IS 'Foreign key of contact if the main contact of the job is different than the one of the project';
COMMENT ON COLUMN "jobs"."requested_by_company_id" IS 'Foreign key of company if a specific company makes the request for this job';
COMMENT ON COLUMN "jobs"."requested_by_contact_id" IS 'Foreign key of contact to specify why contact of the requested_company_id makes the request';
COMMENT ON COLUMN "jobs"."reference_back_office" IS 'The Id/Ref of the back office for this job. Used by Embedded entity';
COMMENT ON COLUMN "jobs"."name" IS 'Name of the Job';
COMMENT ON COLUMN "jobs"."description" IS 'Description of the job';
COMMENT ON COLUMN "jobs"."working_sequence" IS 'In case of mutli job, they will be ordered by this sequence';
COMMENT ON COLUMN "jobs"."internal_memo" IS 'Internal field for communication between BackOffice/Planners/Technicians';
COMMENT ON COLUMN "jobs"."prejob_information" IS 'Information usefull for the technician before start (Call the customer,...)';
COMMENT ON COLUMN "jobs"."estimated_time" IS 'Estimation of the time needed (in minute). Will be used for planning and statistic';
COMMENT ON COLUMN "jobs"."earliest_date_plannable" IS 'Use this field if there is a minimum date for the planning (Not Before)';
COMMENT ON COLUMN "jobs"."due_date" IS 'Deadline of Max date for the planning (Not After)';
COMMENT ON COLUMN "jobs"."date_create" IS 'Creation date+time';
COMMENT ON COLUMN "jobs"."date_update" IS 'Update date+time';
COMMENT ON COLUMN "jobs"."date_closed" IS 'Date+time job goes to completed';
COMMENT ON COLUMN "jobs"."suggested_user_id" IS 'Foreign key of user if there is a suggested user (used for planning) If Status=Suggested AND suggested_user filled AND suggested_date_start filled THEN a job_planning will be added';
COMMENT ON COLUMN "jobs"."suggested_date_start" IS 'Suggested date+time start (used for planning) If Status=Suggested AND suggested_user filled AND suggested_date_start filled THEN a job_planning will be added';
COMMENT ON COLUMN "jobs"."skill_id" IS 'Foreign key of skill if the job requires a specific skill (used for planning)';
COMMENT ON COLUMN "jobs"."customer_reference" IS 'Reference of this job for the customer';
COMMENT ON COLUMN "jobs"."approval_responsible_user_id" IS 'In case of multi user job, foreign key of user that is the "WO Leader"';
COMMENT ON COLUMN "jobs"."date_reported_by_company" IS 'Date+time when company reported the problem';
COMMENT ON COLUMN "jobs"."id2" IS 'Internal ID (numeric). Will be used if reference_back_office is empty';
COMMENT ON COLUMN "jobs"."company_id" IS 'This field will be filled automatically based on the project_id';
COMMENT ON COLUMN "jobs"."company_code" IS 'This field will be filled automatically based on the project_id';
COMMENT ON COLUMN "jobs"."db_address_name" IS 'When mobile equipment, the address to use';
COMMENT ON COLUMN "jobs"."db_address_street" IS 'When mobile equipment, the address to use and this field is mandatory';
COMMENT ON COLUMN "jobs"."db_address_street2" IS 'It is sub street';
COMMENT ON COLUMN "jobs"."db_address_street_number" IS 'When mobile equipment, the address to use';
COMMENT ON COLUMN "jobs"."db_address_city" IS 'When mobile equipment, the address to use and this field is mandatory';
COMMENT ON COLUMN "jobs"."db_address_zip" IS 'When mobile equipment, the address to use and this field is mandatory';
COMMENT ON COLUMN "jobs"."db_address_db_country_id" IS 'When mobile equipment, the address to use';
COMMENT ON COLUMN "jobs"."db_address_phone" IS 'When mobile equipment, the address to use';
COMMENT ON COLUMN "jobs"."db_address_email" IS 'When mobile equipment, the address to use';
COMMENT ON COLUMN "jobs"."db_address_latitude_decimal" IS 'Latitude';
COMMENT ON COLUMN "jobs"."db_address_longitude_decimal" IS 'Latitude';
COMMENT ON COLUMN "jobs"."estimated_quantity_remark" IS 'Description of the parts your technician should use or pick up';
COMMENT ON COLUMN "jobs"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "jobs"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "jobs_changes" ON "jobs" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "jobs_modified" ON "jobs" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "jobs_erp_key" ON "jobs" (tenant_id, "reference_back_office");
ALTER TABLE "jobs" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "jobs" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "jobs";
CREATE POLICY tenant_isolation ON "jobs" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "jobs" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "jobs_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  NEW."date_update" := clock_timestamp();
  IF TG_OP = 'UPDATE' THEN NEW."date_create" := OLD."date_create";
  ELSE NEW."date_create" := COALESCE(NEW."date_create", clock_timestamp()); END IF;
  IF TG_OP = 'UPDATE' THEN NEW."id2" := OLD."id2";
  ELSE INSERT INTO tenant_counter (tenant_id, name, value) VALUES (NEW.tenant_id, 'jobs', 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_counter.value + 1
    RETURNING value INTO NEW."id2"; END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "jobs_before_write" BEFORE INSERT OR UPDATE ON "jobs"
  FOR EACH ROW EXECUTE FUNCTION "jobs_before_write"();
CREATE OR REPLACE TRIGGER "jobs_tombstone" AFTER DELETE ON "jobs"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- job_planning
CREATE TABLE IF NOT EXISTS "job_planning" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "job_planning" IS 'A planned slot of a job for a user (technician)';
ALTER TABLE "job_planning" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "job_planning" ADD COLUMN IF NOT EXISTS "jobs_id" uuid;
ALTER TABLE "job_planning" ADD COLUMN IF NOT EXISTS "user_id" uuid;
ALTER TABLE "job_planning" ADD COLUMN IF NOT EXISTS "date_start" timestamptz(3) NOT NULL;
ALTER TABLE "job_planning" ADD COLUMN IF NOT EXISTS "date_end" timestamptz(3) NOT NULL;
ALTER TABLE "job_planning" ADD COLUMN IF NOT EXISTS "is_locked" boolean;
ALTER TABLE "job_planning" ADD COLUMN IF NOT EXISTS "remark" varchar(4000);
ALTER TABLE "job_planning" ADD COLUMN IF NOT EXISTS "sys_logical_delete" boolean;
ALTER TABLE "job_planning" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "job_planning" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "job_planning"."id" IS 'Primary Key';
COMMENT ON COLUMN "job_planning"."jobs_id" IS 'Foreign key of jobs';
COMMENT ON COLUMN "job_planning"."user_id" IS 'Foreign key of the user (technician) planned';
COMMENT ON COLUMN "job_planning"."date_start" IS 'Planned date+time start';
COMMENT ON COLUMN "job_planning"."date_end" IS 'Planned date+time end';
COMMENT ON COLUMN "job_planning"."is_locked" IS 'The planning is locked and may not be moved';
COMMENT ON COLUMN "job_planning"."remark" IS 'Remark about the planning';
COMMENT ON COLUMN "job_planning"."sys_logical_delete" IS 'Boolean used to logically delete the record. This is to optimize the synchronization. sys_logical_delete doesn''t need to be proceeded offline (record can be physically deleted offline)';
COMMENT ON COLUMN "job_planning"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "job_planning"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "job_planning_changes" ON "job_planning" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "job_planning_modified" ON "job_planning" (tenant_id, modified_dateutc);
ALTER TABLE "job_planning" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "job_planning" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "job_planning";
CREATE POLICY tenant_isolation ON "job_planning" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "job_planning" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "job_planning_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "job_planning_before_write" BEFORE INSERT OR UPDATE ON "job_planning"
  FOR EACH ROW EXECUTE FUNCTION "job_planning_before_write"();
CREATE OR REPLACE TRIGGER "job_planning_tombstone" AFTER DELETE ON "job_planning"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- job_dispatch_log
CREATE TABLE IF NOT EXISTS "job_dispatch_log" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "job_dispatch_log" IS 'A dispatch of a job to a technician and the technician’s answer (accepted or rejected)';
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS "jobs_id" uuid;
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS "user_id" uuid;
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS "date_create" timestamptz(3);
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS "date_proceeded" timestamptz(3);
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS "is_accepted" boolean;
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS "is_rejected" boolean;
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS "rejected_reason" varchar(4000);
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS "sys_logical_delete" boolean;
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS "is_workshop" boolean;
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS "sequence" integer;
ALTER TABLE "job_dispatch_log" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "job_dispatch_log"."id" IS 'Primary Key';
COMMENT ON COLUMN "job_dispatch_log"."jobs_id" IS 'Job Id';
COMMENT ON COLUMN "job_dispatch_log"."user_id" IS 'User Id';
COMMENT ON COLUMN "job_dispatch_log"."date_create" IS 'Date+Time in UTC when the row has been created';
COMMENT ON COLUMN "job_dispatch_log"."date_proceeded" IS 'Date+Time in UTC when the Dispatch goes to PLanned or Rejected';
COMMENT ON COLUMN "job_dispatch_log"."is_accepted" IS 'Case the technician accept it.';
COMMENT ON COLUMN "job_dispatch_log"."is_rejected" IS 'Case the technician reject it';
COMMENT ON COLUMN "job_dispatch_log"."rejected_reason" IS 'In case the technician reject it, what is the reason';
COMMENT ON COLUMN "job_dispatch_log"."sys_logical_delete" IS 'Boolean used to logically delete the record. This is to optimize the synchronization. sys_logical_delete doesn''t need to be proceeded offline (record can be physically deleted offline)';
COMMENT ON COLUMN "job_dispatch_log"."is_workshop" IS 'Using to distinguish between dispatch and workshop';
COMMENT ON COLUMN "job_dispatch_log"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "job_dispatch_log"."sequence" IS 'sequence';
COMMENT ON COLUMN "job_dispatch_log"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "job_dispatch_log_changes" ON "job_dispatch_log" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "job_dispatch_log_modified" ON "job_dispatch_log" (tenant_id, modified_dateutc);
ALTER TABLE "job_dispatch_log" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "job_dispatch_log" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "job_dispatch_log";
CREATE POLICY tenant_isolation ON "job_dispatch_log" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "job_dispatch_log" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "job_dispatch_log_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  IF TG_OP = 'UPDATE' THEN NEW."date_create" := OLD."date_create";
  ELSE NEW."date_create" := COALESCE(NEW."date_create", clock_timestamp()); END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "job_dispatch_log_before_write" BEFORE INSERT OR UPDATE ON "job_dispatch_log"
  FOR EACH ROW EXECUTE FUNCTION "job_dispatch_log_before_write"();
CREATE OR REPLACE TRIGGER "job_dispatch_log_tombstone" AFTER DELETE ON "job_dispatch_log"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- article_category
CREATE TABLE IF NOT EXISTS "article_category" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "article_category" IS 'A category of articles (hierarchical)';
ALTER TABLE "article_category" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "article_category" ADD COLUMN IF NOT EXISTS "parent_id" uuid;
ALTER TABLE "article_category" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "article_category" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "article_category" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "article_category" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "article_category"."id" IS 'Primary Key';
COMMENT ON COLUMN "article_category"."parent_id" IS 'Reference to the parent article category';
COMMENT ON COLUMN "article_category"."code" IS 'Code of the article category (ERP PK)';
COMMENT ON COLUMN "article_category"."name" IS 'Name of the article category';
COMMENT ON COLUMN "article_category"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "article_category"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "article_category_changes" ON "article_category" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "article_category_modified" ON "article_category" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "article_category_erp_key" ON "article_category" (tenant_id, "code");
ALTER TABLE "article_category" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "article_category" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "article_category";
CREATE POLICY tenant_isolation ON "article_category" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "article_category" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "article_category_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "article_category_before_write" BEFORE INSERT OR UPDATE ON "article_category"
  FOR EACH ROW EXECUTE FUNCTION "article_category_before_write"();
CREATE OR REPLACE TRIGGER "article_category_tombstone" AFTER DELETE ON "article_category"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- article_color
CREATE TABLE IF NOT EXISTS "article_color" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "article_color" IS 'A color of articles';
ALTER TABLE "article_color" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "article_color" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "article_color" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "article_color" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "article_color" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "article_color"."id" IS 'Primary Key';
COMMENT ON COLUMN "article_color"."name" IS 'Name of the color';
COMMENT ON COLUMN "article_color"."code" IS 'Code of the color (ERP PK)';
COMMENT ON COLUMN "article_color"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "article_color"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "article_color_changes" ON "article_color" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "article_color_modified" ON "article_color" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "article_color_erp_key" ON "article_color" (tenant_id, "code");
ALTER TABLE "article_color" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "article_color" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "article_color";
CREATE POLICY tenant_isolation ON "article_color" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "article_color" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "article_color_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "article_color_before_write" BEFORE INSERT OR UPDATE ON "article_color"
  FOR EACH ROW EXECUTE FUNCTION "article_color_before_write"();
CREATE OR REPLACE TRIGGER "article_color_tombstone" AFTER DELETE ON "article_color"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- article
CREATE TABLE IF NOT EXISTS "article" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "article" IS 'An article (part, product or service) that can be used on jobs or ordered';
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_category_id" uuid;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_group_1_id" uuid;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_group_1_code" varchar(50);
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_group_2_id" uuid;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_group_2_code" varchar(50);
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_group_3_id" uuid;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_group_3_code" varchar(50);
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_group_4_id" uuid;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_group_4_code" varchar(50);
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_group_5_id" uuid;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_group_5_code" varchar(50);
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_group_6_id" uuid;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_group_6_code" varchar(50);
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "physical_stock" integer;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "back_order_client" integer;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "back_order_supplier" integer;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "expected_delivery_date_bo_supplier" timestamptz(3);
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_increment" integer;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "min_article_quantity" integer;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "entered_price" numeric;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "cost_price" numeric;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "no_stock" boolean;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "archived" boolean;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "is_travel_fee" boolean;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "is_mileage_fee" boolean;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "description_short" varchar(255);
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "description_long" text;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "barcode" varchar(255);
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "notes" text;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "date_create" timestamptz(3);
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "date_update" timestamptz(3);
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "article_color_id" uuid;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "warranty_period_nb_months" integer;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "use_serial" boolean;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "_replace_id" uuid;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "db_unit_of_measure_id_selling" uuid;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "translations" jsonb;
ALTER TABLE "article" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "article"."id" IS 'Primary Key';
COMMENT ON COLUMN "article"."article_category_id" IS 'Foreign key of the category of the article';
COMMENT ON COLUMN "article"."article_group_1_id" IS 'Foreign key of the article group 1';
COMMENT ON COLUMN "article"."article_group_1_code" IS 'Article group 1 using ERP PK';
COMMENT ON COLUMN "article"."article_group_2_id" IS 'Foreign key of the article group 2';
COMMENT ON COLUMN "article"."article_group_2_code" IS 'Article group 2 using ERP PK';
COMMENT ON COLUMN "article"."article_group_3_id" IS 'Foreign key of the article group 3';
COMMENT ON COLUMN "article"."article_group_3_code" IS 'Article group 3 using ERP PK';
COMMENT ON COLUMN "article"."article_group_4_id" IS 'Foreign key of the article group 4';
COMMENT ON COLUMN "article"."article_group_4_code" IS 'Article group 4 using ERP PK';
COMMENT ON COLUMN "article"."article_group_5_id" IS 'Foreign key of the article group 5';
COMMENT ON COLUMN "article"."article_group_5_code" IS 'Article group 5 using ERP PK';
COMMENT ON COLUMN "article"."article_group_6_id" IS 'Foreign key of the article group 6';
COMMENT ON COLUMN "article"."article_group_6_code" IS 'Article group 6 using ERP PK';
COMMENT ON COLUMN "article"."physical_stock" IS 'Physical stock quantity';
COMMENT ON COLUMN "article"."back_order_client" IS 'Quantity on back order for customers';
COMMENT ON COLUMN "article"."back_order_supplier" IS 'Quantity on back order at suppliers';
COMMENT ON COLUMN "article"."expected_delivery_date_bo_supplier" IS 'Expected delivery date of the supplier back order';
COMMENT ON COLUMN "article"."article_increment" IS 'Quantity increment in which the article is used/ordered';
COMMENT ON COLUMN "article"."min_article_quantity" IS 'Minimum quantity of the article';
COMMENT ON COLUMN "article"."entered_price" IS 'Sales price of the article';
COMMENT ON COLUMN "article"."cost_price" IS 'Cost price of the article';
COMMENT ON COLUMN "article"."no_stock" IS 'The article is not managed in stock';
COMMENT ON COLUMN "article"."archived" IS 'The article is archived';
COMMENT ON COLUMN "article"."is_travel_fee" IS 'The article is a travel fee';
COMMENT ON COLUMN "article"."is_mileage_fee" IS 'The article is a mileage fee';
COMMENT ON COLUMN "article"."code" IS 'Code of the article (ERP PK)';
COMMENT ON COLUMN "article"."name" IS 'Name of the article';
COMMENT ON COLUMN "article"."description_short" IS 'Short description of the article';
COMMENT ON COLUMN "article"."description_long" IS 'Long description of the article';
COMMENT ON COLUMN "article"."barcode" IS 'Barcode of the article';
COMMENT ON COLUMN "article"."notes" IS 'Notes about the article';
COMMENT ON COLUMN "article"."date_create" IS 'Creation date+time';
COMMENT ON COLUMN "article"."date_update" IS 'Update date+time';
COMMENT ON COLUMN "article"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "article"."article_color_id" IS 'Foreign key of the color of the article';
COMMENT ON COLUMN "article"."warranty_period_nb_months" IS 'Warranty period in months';
COMMENT ON COLUMN "article"."use_serial" IS 'A serial number must be given when the article is used';
COMMENT ON COLUMN "article"."_replace_id" IS 'Reference to the article replacing this article';
COMMENT ON COLUMN "article"."db_unit_of_measure_id_selling" IS 'Foreign key of the selling unit of measure';
COMMENT ON COLUMN "article"."translations" IS 'Translations of the text fields of this record';
COMMENT ON COLUMN "article"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "article_changes" ON "article" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "article_modified" ON "article" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "article_erp_key" ON "article" (tenant_id, "code");
ALTER TABLE "article" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "article" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "article";
CREATE POLICY tenant_isolation ON "article" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "article" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "article_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  NEW."date_update" := clock_timestamp();
  IF TG_OP = 'UPDATE' THEN NEW."date_create" := OLD."date_create";
  ELSE NEW."date_create" := COALESCE(NEW."date_create", clock_timestamp()); END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "article_before_write" BEFORE INSERT OR UPDATE ON "article"
  FOR EACH ROW EXECUTE FUNCTION "article_before_write"();
CREATE OR REPLACE TRIGGER "article_tombstone" AFTER DELETE ON "article"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- article_stock_location
CREATE TABLE IF NOT EXISTS "article_stock_location" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "article_stock_location" IS 'A stock location of articles (warehouse, or a technician’s van)';
ALTER TABLE "article_stock_location" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "article_stock_location" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "article_stock_location" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "article_stock_location" ADD COLUMN IF NOT EXISTS "user_id" uuid;
ALTER TABLE "article_stock_location" ADD COLUMN IF NOT EXISTS "db_address_id" uuid;
ALTER TABLE "article_stock_location" ADD COLUMN IF NOT EXISTS "is_default" boolean;
ALTER TABLE "article_stock_location" ADD COLUMN IF NOT EXISTS "sales_organization_id" uuid;
ALTER TABLE "article_stock_location" ADD COLUMN IF NOT EXISTS "archived" boolean;
ALTER TABLE "article_stock_location" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "article_stock_location" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "article_stock_location"."id" IS 'Primary Key';
COMMENT ON COLUMN "article_stock_location"."code" IS 'Code of the stock location (ERP PK)';
COMMENT ON COLUMN "article_stock_location"."name" IS 'Name of the stock location';
COMMENT ON COLUMN "article_stock_location"."user_id" IS 'Foreign key of the user (technician) whose van stock this is';
COMMENT ON COLUMN "article_stock_location"."db_address_id" IS 'Foreign key of the address of the stock location';
COMMENT ON COLUMN "article_stock_location"."is_default" IS 'Stock location used by default';
COMMENT ON COLUMN "article_stock_location"."sales_organization_id" IS 'Foreign key of the sales organization (null = global)';
COMMENT ON COLUMN "article_stock_location"."archived" IS 'The stock location is archived';
COMMENT ON COLUMN "article_stock_location"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "article_stock_location"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "article_stock_location_changes" ON "article_stock_location" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "article_stock_location_modified" ON "article_stock_location" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "article_stock_location_erp_key" ON "article_stock_location" (tenant_id, COALESCE(sales_organization_id, '00000000-0000-0000-0000-000000000000'::uuid), "code");
ALTER TABLE "article_stock_location" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "article_stock_location" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "article_stock_location";
CREATE POLICY tenant_isolation ON "article_stock_location" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "article_stock_location" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "article_stock_location_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "article_stock_location_before_write" BEFORE INSERT OR UPDATE ON "article_stock_location"
  FOR EACH ROW EXECUTE FUNCTION "article_stock_location_before_write"();
CREATE OR REPLACE TRIGGER "article_stock_location_tombstone" AFTER DELETE ON "article_stock_location"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- purchase_order_status
CREATE TABLE IF NOT EXISTS "purchase_order_status" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "purchase_order_status" IS 'A status of a purchase order';
ALTER TABLE "purchase_order_status" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "purchase_order_status" ADD COLUMN IF NOT EXISTS "code" varchar(50);
ALTER TABLE "purchase_order_status" ADD COLUMN IF NOT EXISTS "name" varchar(255) NOT NULL;
ALTER TABLE "purchase_order_status" ADD COLUMN IF NOT EXISTS "is_default" boolean;
ALTER TABLE "purchase_order_status" ADD COLUMN IF NOT EXISTS "is_closed" boolean;
ALTER TABLE "purchase_order_status" ADD COLUMN IF NOT EXISTS "sequence" integer;
ALTER TABLE "purchase_order_status" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "purchase_order_status" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "purchase_order_status"."id" IS 'Primary Key';
COMMENT ON COLUMN "purchase_order_status"."code" IS 'Code of the purchase order status (ERP PK)';
COMMENT ON COLUMN "purchase_order_status"."name" IS 'Name of the purchase order status';
COMMENT ON COLUMN "purchase_order_status"."is_default" IS 'Purchase order status used by default';
COMMENT ON COLUMN "purchase_order_status"."is_closed" IS 'Purchase orders with this status are closed';
COMMENT ON COLUMN "purchase_order_status"."sequence" IS 'Display order of the status';
COMMENT ON COLUMN "purchase_order_status"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "purchase_order_status"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "purchase_order_status_changes" ON "purchase_order_status" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "purchase_order_status_modified" ON "purchase_order_status" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "purchase_order_status_erp_key" ON "purchase_order_status" (tenant_id, "code");
ALTER TABLE "purchase_order_status" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "purchase_order_status" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "purchase_order_status";
CREATE POLICY tenant_isolation ON "purchase_order_status" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "purchase_order_status" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "purchase_order_status_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "purchase_order_status_before_write" BEFORE INSERT OR UPDATE ON "purchase_order_status"
  FOR EACH ROW EXECUTE FUNCTION "purchase_order_status_before_write"();
CREATE OR REPLACE TRIGGER "purchase_order_status_tombstone" AFTER DELETE ON "purchase_order_status"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- purchase_order
CREATE TABLE IF NOT EXISTS "purchase_order" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "purchase_order" IS 'A purchase order of parts to a supplier, possibly for a job';
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "id2" integer;
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "jobs_id" uuid;
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "supplier_company_id" uuid;
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "user_id" uuid;
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "description" varchar(255);
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "memo" text;
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "total_lines" integer;
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "date_create" timestamptz(3);
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "date_update" timestamptz(3);
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "date_delivery" timestamptz(3);
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "confirmed_date_delivery" timestamptz(3);
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "delivery_db_address_id" uuid;
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "approved_by_user_id" uuid;
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "technical_user_id" uuid;
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "purchase_order_status_id" uuid;
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "article_stock_location_id" uuid;
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "is_pickup" boolean;
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "reference_back_office" varchar(50);
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "purchase_order" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "purchase_order"."id" IS 'Primary Key';
COMMENT ON COLUMN "purchase_order"."id2" IS 'Internal ID (numeric)';
COMMENT ON COLUMN "purchase_order"."jobs_id" IS 'Foreign key of the job the order is for';
COMMENT ON COLUMN "purchase_order"."supplier_company_id" IS 'Foreign key of the supplier company';
COMMENT ON COLUMN "purchase_order"."user_id" IS 'Foreign key of the user who made the order';
COMMENT ON COLUMN "purchase_order"."description" IS 'Description of the purchase order';
COMMENT ON COLUMN "purchase_order"."memo" IS 'Memo of the purchase order';
COMMENT ON COLUMN "purchase_order"."total_lines" IS 'Total of the lines of the order (kept up to date by the server)';
COMMENT ON COLUMN "purchase_order"."date_create" IS 'Creation date+time';
COMMENT ON COLUMN "purchase_order"."date_update" IS 'Update date+time';
COMMENT ON COLUMN "purchase_order"."date_delivery" IS 'Requested delivery date';
COMMENT ON COLUMN "purchase_order"."confirmed_date_delivery" IS 'Delivery date confirmed by the supplier';
COMMENT ON COLUMN "purchase_order"."delivery_db_address_id" IS 'Foreign key of the delivery address';
COMMENT ON COLUMN "purchase_order"."approved_by_user_id" IS 'Foreign key of the user who approved the order';
COMMENT ON COLUMN "purchase_order"."technical_user_id" IS 'Foreign key of the technical user (technician) of the order';
COMMENT ON COLUMN "purchase_order"."purchase_order_status_id" IS 'Foreign key of the status of the order';
COMMENT ON COLUMN "purchase_order"."article_stock_location_id" IS 'Foreign key of the stock location the order is delivered to';
COMMENT ON COLUMN "purchase_order"."is_pickup" IS 'The order is picked up at the supplier';
COMMENT ON COLUMN "purchase_order"."reference_back_office" IS 'Field used for Embedded entity (store there your ERP PK)';
COMMENT ON COLUMN "purchase_order"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "purchase_order"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "purchase_order_changes" ON "purchase_order" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "purchase_order_modified" ON "purchase_order" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "purchase_order_erp_key" ON "purchase_order" (tenant_id, "reference_back_office");
ALTER TABLE "purchase_order" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "purchase_order" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "purchase_order";
CREATE POLICY tenant_isolation ON "purchase_order" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "purchase_order" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "purchase_order_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  NEW."date_update" := clock_timestamp();
  IF TG_OP = 'UPDATE' THEN NEW."date_create" := OLD."date_create";
  ELSE NEW."date_create" := COALESCE(NEW."date_create", clock_timestamp()); END IF;
  IF TG_OP = 'UPDATE' THEN NEW."id2" := OLD."id2";
  ELSE INSERT INTO tenant_counter (tenant_id, name, value) VALUES (NEW.tenant_id, 'purchase_order', 1)
    ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_counter.value + 1
    RETURNING value INTO NEW."id2"; END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "purchase_order_before_write" BEFORE INSERT OR UPDATE ON "purchase_order"
  FOR EACH ROW EXECUTE FUNCTION "purchase_order_before_write"();
CREATE OR REPLACE TRIGGER "purchase_order_tombstone" AFTER DELETE ON "purchase_order"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- purchase_order_details
CREATE TABLE IF NOT EXISTS "purchase_order_details" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "purchase_order_details" IS 'A line of a purchase order';
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "purchase_order_id" uuid;
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "article_id" uuid;
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "line_number" integer;
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "code" varchar(255);
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "supplier_code" varchar(255);
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "name" varchar(255);
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "description" varchar(255);
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "price" numeric;
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "quantity" numeric NOT NULL;
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "memo" text;
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "cost_price" numeric;
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "reference_back_office" varchar(50);
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "purchase_order_details" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "purchase_order_details"."id" IS 'Primary Key';
COMMENT ON COLUMN "purchase_order_details"."purchase_order_id" IS 'Foreign key of the purchase_order';
COMMENT ON COLUMN "purchase_order_details"."article_id" IS 'Foreign key of article';
COMMENT ON COLUMN "purchase_order_details"."line_number" IS 'Line Number, auto filled with (Highest+1) if value is 0/null';
COMMENT ON COLUMN "purchase_order_details"."code" IS 'Code of the article (auto filled if empty)';
COMMENT ON COLUMN "purchase_order_details"."supplier_code" IS 'Code of the supplier for this article';
COMMENT ON COLUMN "purchase_order_details"."name" IS 'Article Name (will be auto filled if article.name+description are empty)';
COMMENT ON COLUMN "purchase_order_details"."description" IS 'Article description (will be auto filled by article.short_description if name+description are empty)';
COMMENT ON COLUMN "purchase_order_details"."price" IS 'Unit Price';
COMMENT ON COLUMN "purchase_order_details"."quantity" IS 'Quantity';
COMMENT ON COLUMN "purchase_order_details"."memo" IS 'Line memo/remark';
COMMENT ON COLUMN "purchase_order_details"."cost_price" IS 'Unit Cost Price (statistic purpose)';
COMMENT ON COLUMN "purchase_order_details"."reference_back_office" IS 'Field used for Embedded entity (store there your ERP PK)';
COMMENT ON COLUMN "purchase_order_details"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "purchase_order_details"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "purchase_order_details_changes" ON "purchase_order_details" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "purchase_order_details_modified" ON "purchase_order_details" (tenant_id, modified_dateutc);
CREATE UNIQUE INDEX IF NOT EXISTS "purchase_order_details_erp_key" ON "purchase_order_details" (tenant_id, "reference_back_office");
ALTER TABLE "purchase_order_details" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "purchase_order_details" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "purchase_order_details";
CREATE POLICY tenant_isolation ON "purchase_order_details" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "purchase_order_details" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "purchase_order_details_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "purchase_order_details_before_write" BEFORE INSERT OR UPDATE ON "purchase_order_details"
  FOR EACH ROW EXECUTE FUNCTION "purchase_order_details_before_write"();
CREATE OR REPLACE TRIGGER "purchase_order_details_tombstone" AFTER DELETE ON "purchase_order_details"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- job_part_usage
CREATE TABLE IF NOT EXISTS "job_part_usage" (
  tenant_id uuid NOT NULL DEFAULT NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid REFERENCES tenant (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE "job_part_usage" IS 'A part (article) used by a technician on a job';
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS sys_change_txid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "jobs_id" uuid;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "job_approval_id" uuid;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "article_stock_location_id" uuid;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "article_id" uuid;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "is_dummy" boolean;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "article_code" varchar(255);
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "article_name" varchar(255);
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "article_description" varchar(255);
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "working_date" timestamptz(3);
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "quantity" numeric;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "serial_number" varchar(255);
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "price" numeric;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "is_under_warranty" boolean;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "discount" numeric;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "purchase_order_details_id" uuid;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "user_id" uuid;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "remark" varchar(255);
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "no_warranty_reason" varchar(255);
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "db_unit_of_measure_id" uuid;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "included_on_last_stock_compute" boolean;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "signed_by_company" boolean;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "company_vat_id" uuid;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "vat_value" numeric;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "vat_rate" numeric;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "invoice_id" uuid;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "invoice_details_id" uuid;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "is_customized" boolean;
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "modified_dateutc" timestamptz(3) NOT NULL DEFAULT clock_timestamp();
ALTER TABLE "job_part_usage" ADD COLUMN IF NOT EXISTS "row_version" bigint NOT NULL DEFAULT nextval('fs_change_seq');
COMMENT ON COLUMN "job_part_usage"."id" IS 'Primary Key';
COMMENT ON COLUMN "job_part_usage"."jobs_id" IS 'Foreign key of jobs';
COMMENT ON COLUMN "job_part_usage"."job_approval_id" IS 'Job approval Id';
COMMENT ON COLUMN "job_part_usage"."article_stock_location_id" IS 'In case of stock management enabled, the stock that has been used';
COMMENT ON COLUMN "job_part_usage"."article_id" IS 'Foreign key of article. Can be empty if user keys in manually the object';
COMMENT ON COLUMN "job_part_usage"."is_dummy" IS 'In case of dummy';
COMMENT ON COLUMN "job_part_usage"."article_code" IS 'Article code';
COMMENT ON COLUMN "job_part_usage"."article_name" IS 'Article name';
COMMENT ON COLUMN "job_part_usage"."article_description" IS 'Article description';
COMMENT ON COLUMN "job_part_usage"."working_date" IS 'Date when the part has been used';
COMMENT ON COLUMN "job_part_usage"."quantity" IS 'Quantity';
COMMENT ON COLUMN "job_part_usage"."serial_number" IS 'When the article.use_serial then the serial should be saved here';
COMMENT ON COLUMN "job_part_usage"."price" IS 'Unit price of the part. Computed with the price logic or filled via purchase_order_details.price';
COMMENT ON COLUMN "job_part_usage"."is_under_warranty" IS 'In case the logic detect that the parts was in warranty, this field will be set to true and the discount will be set equal to the price';
COMMENT ON COLUMN "job_part_usage"."discount" IS 'Manual discount , in money, added by the technician';
COMMENT ON COLUMN "job_part_usage"."purchase_order_details_id" IS 'Foreign key of purchase_order_details, if the line was generated based on a purchase_order_details';
COMMENT ON COLUMN "job_part_usage"."user_id" IS 'User Id';
COMMENT ON COLUMN "job_part_usage"."signed_by_company" IS 'Needed for integration';
COMMENT ON COLUMN "job_part_usage"."modified_dateutc" IS 'Readonly system field managed by database, filled with GetUtcDate when adding,updating';
COMMENT ON COLUMN "job_part_usage"."row_version" IS 'Version of the record, a new number on every change. Send it back (If-Match, or this field in Save and SaveMultiple) to refuse overwriting a newer change';
CREATE INDEX IF NOT EXISTS "job_part_usage_changes" ON "job_part_usage" (tenant_id, sys_change_txid, "row_version");
CREATE INDEX IF NOT EXISTS "job_part_usage_modified" ON "job_part_usage" (tenant_id, modified_dateutc);
ALTER TABLE "job_part_usage" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "job_part_usage" FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON "job_part_usage";
CREATE POLICY tenant_isolation ON "job_part_usage" USING (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('fieldservice.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON "job_part_usage" TO fieldservice_app;
CREATE OR REPLACE FUNCTION "job_part_usage_before_write"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sys_change_txid := pg_current_xact_id();
  NEW."row_version" := nextval('fs_change_seq');
  NEW."modified_dateutc" := clock_timestamp();
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "job_part_usage_before_write" BEFORE INSERT OR UPDATE ON "job_part_usage"
  FOR EACH ROW EXECUTE FUNCTION "job_part_usage_before_write"();
CREATE OR REPLACE TRIGGER "job_part_usage_tombstone" AFTER DELETE ON "job_part_usage"
  FOR EACH ROW EXECUTE FUNCTION fs_tombstone();

-- foreign keys (after every table exists)
DO $$ BEGIN
  ALTER TABLE "sales_organization" ADD CONSTRAINT "sales_organization_db_country_id_fkey" FOREIGN KEY (tenant_id, "db_country_id")
    REFERENCES "db_country" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "sales_organization_db_country_id_idx" ON "sales_organization" (tenant_id, "db_country_id");
DO $$ BEGIN
  ALTER TABLE "company" ADD CONSTRAINT "company_db_country_id_fkey" FOREIGN KEY (tenant_id, "db_country_id")
    REFERENCES "db_country" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "company_db_country_id_idx" ON "company" (tenant_id, "db_country_id");
DO $$ BEGIN
  ALTER TABLE "company" ADD CONSTRAINT "company_sales_organization_id_fkey" FOREIGN KEY (tenant_id, "sales_organization_id")
    REFERENCES "sales_organization" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "company_sales_organization_id_idx" ON "company" (tenant_id, "sales_organization_id");
DO $$ BEGIN
  ALTER TABLE "db_address" ADD CONSTRAINT "db_address_db_country_id_fkey" FOREIGN KEY (tenant_id, "db_country_id")
    REFERENCES "db_country" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "db_address_db_country_id_idx" ON "db_address" (tenant_id, "db_country_id");
DO $$ BEGIN
  ALTER TABLE "db_address" ADD CONSTRAINT "db_address_company_id_fkey" FOREIGN KEY (tenant_id, "company_id")
    REFERENCES "company" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "db_address_company_id_idx" ON "db_address" (tenant_id, "company_id");
DO $$ BEGIN
  ALTER TABLE "contact" ADD CONSTRAINT "contact_company_id_fkey" FOREIGN KEY (tenant_id, "company_id")
    REFERENCES "company" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "contact_company_id_idx" ON "contact" (tenant_id, "company_id");
DO $$ BEGIN
  ALTER TABLE "user" ADD CONSTRAINT "user_sales_organization_id_fkey" FOREIGN KEY (tenant_id, "sales_organization_id")
    REFERENCES "sales_organization" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "user_sales_organization_id_idx" ON "user" (tenant_id, "sales_organization_id");
DO $$ BEGIN
  ALTER TABLE "user" ADD CONSTRAINT "user_team_leader_user_id_fkey" FOREIGN KEY (tenant_id, "team_leader_user_id")
    REFERENCES "user" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "user_team_leader_user_id_idx" ON "user" (tenant_id, "team_leader_user_id");
DO $$ BEGIN
  ALTER TABLE "user" ADD CONSTRAINT "user_private_db_country_id_fkey" FOREIGN KEY (tenant_id, "private_db_country_id")
    REFERENCES "db_country" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "user_private_db_country_id_idx" ON "user" (tenant_id, "private_db_country_id");
DO $$ BEGIN
  ALTER TABLE "skill" ADD CONSTRAINT "skill_sales_organization_id_fkey" FOREIGN KEY (tenant_id, "sales_organization_id")
    REFERENCES "sales_organization" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "skill_sales_organization_id_idx" ON "skill" (tenant_id, "sales_organization_id");
DO $$ BEGIN
  ALTER TABLE "job_type" ADD CONSTRAINT "job_type_sales_organization_id_fkey" FOREIGN KEY (tenant_id, "sales_organization_id")
    REFERENCES "sales_organization" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_type_sales_organization_id_idx" ON "job_type" (tenant_id, "sales_organization_id");
DO $$ BEGIN
  ALTER TABLE "job_priority" ADD CONSTRAINT "job_priority_sales_organization_id_fkey" FOREIGN KEY (tenant_id, "sales_organization_id")
    REFERENCES "sales_organization" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_priority_sales_organization_id_idx" ON "job_priority" (tenant_id, "sales_organization_id");
DO $$ BEGIN
  ALTER TABLE "job_status" ADD CONSTRAINT "job_status_sales_organization_id_fkey" FOREIGN KEY (tenant_id, "sales_organization_id")
    REFERENCES "sales_organization" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_status_sales_organization_id_idx" ON "job_status" (tenant_id, "sales_organization_id");
DO $$ BEGIN
  ALTER TABLE "project_status" ADD CONSTRAINT "project_status_sales_organization_id_fkey" FOREIGN KEY (tenant_id, "sales_organization_id")
    REFERENCES "sales_organization" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "project_status_sales_organization_id_idx" ON "project_status" (tenant_id, "sales_organization_id");
DO $$ BEGIN
  ALTER TABLE "equipment_brand" ADD CONSTRAINT "equipment_brand_sales_organization_id_fkey" FOREIGN KEY (tenant_id, "sales_organization_id")
    REFERENCES "sales_organization" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "equipment_brand_sales_organization_id_idx" ON "equipment_brand" (tenant_id, "sales_organization_id");
DO $$ BEGIN
  ALTER TABLE "equipment_family" ADD CONSTRAINT "equipment_family__parent_id_fkey" FOREIGN KEY (tenant_id, "_parent_id")
    REFERENCES "equipment_family" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "equipment_family__parent_id_idx" ON "equipment_family" (tenant_id, "_parent_id");
DO $$ BEGIN
  ALTER TABLE "equipment_family" ADD CONSTRAINT "equipment_family_sales_organization_id_fkey" FOREIGN KEY (tenant_id, "sales_organization_id")
    REFERENCES "sales_organization" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "equipment_family_sales_organization_id_idx" ON "equipment_family" (tenant_id, "sales_organization_id");
DO $$ BEGIN
  ALTER TABLE "equipment_model" ADD CONSTRAINT "equipment_model_equipment_brand_id_fkey" FOREIGN KEY (tenant_id, "equipment_brand_id")
    REFERENCES "equipment_brand" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "equipment_model_equipment_brand_id_idx" ON "equipment_model" (tenant_id, "equipment_brand_id");
DO $$ BEGIN
  ALTER TABLE "equipment_model" ADD CONSTRAINT "equipment_model_equipment_family_id_fkey" FOREIGN KEY (tenant_id, "equipment_family_id")
    REFERENCES "equipment_family" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "equipment_model_equipment_family_id_idx" ON "equipment_model" (tenant_id, "equipment_family_id");
DO $$ BEGIN
  ALTER TABLE "equipment_model" ADD CONSTRAINT "equipment_model_sales_organization_id_fkey" FOREIGN KEY (tenant_id, "sales_organization_id")
    REFERENCES "sales_organization" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "equipment_model_sales_organization_id_idx" ON "equipment_model" (tenant_id, "sales_organization_id");
DO $$ BEGIN
  ALTER TABLE "project" ADD CONSTRAINT "project__parent_id_fkey" FOREIGN KEY (tenant_id, "_parent_id")
    REFERENCES "project" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "project__parent_id_idx" ON "project" (tenant_id, "_parent_id");
DO $$ BEGIN
  ALTER TABLE "project" ADD CONSTRAINT "project_root_parent_id_fkey" FOREIGN KEY (tenant_id, "root_parent_id")
    REFERENCES "project" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "project_root_parent_id_idx" ON "project" (tenant_id, "root_parent_id");
DO $$ BEGIN
  ALTER TABLE "project" ADD CONSTRAINT "project_equipment_family_id_fkey" FOREIGN KEY (tenant_id, "equipment_family_id")
    REFERENCES "equipment_family" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "project_equipment_family_id_idx" ON "project" (tenant_id, "equipment_family_id");
DO $$ BEGIN
  ALTER TABLE "project" ADD CONSTRAINT "project_equipment_model_id_fkey" FOREIGN KEY (tenant_id, "equipment_model_id")
    REFERENCES "equipment_model" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "project_equipment_model_id_idx" ON "project" (tenant_id, "equipment_model_id");
DO $$ BEGIN
  ALTER TABLE "project" ADD CONSTRAINT "project_project_status_id_fkey" FOREIGN KEY (tenant_id, "project_status_id")
    REFERENCES "project_status" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "project_project_status_id_idx" ON "project" (tenant_id, "project_status_id");
DO $$ BEGIN
  ALTER TABLE "project" ADD CONSTRAINT "project_company_id_fkey" FOREIGN KEY (tenant_id, "company_id")
    REFERENCES "company" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "project_company_id_idx" ON "project" (tenant_id, "company_id");
DO $$ BEGIN
  ALTER TABLE "project" ADD CONSTRAINT "project_db_address_id_fkey" FOREIGN KEY (tenant_id, "db_address_id")
    REFERENCES "db_address" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "project_db_address_id_idx" ON "project" (tenant_id, "db_address_id");
DO $$ BEGIN
  ALTER TABLE "project" ADD CONSTRAINT "project_contact_id_fkey" FOREIGN KEY (tenant_id, "contact_id")
    REFERENCES "contact" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "project_contact_id_idx" ON "project" (tenant_id, "contact_id");
DO $$ BEGIN
  ALTER TABLE "project" ADD CONSTRAINT "project_owner_user_id_fkey" FOREIGN KEY (tenant_id, "owner_user_id")
    REFERENCES "user" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "project_owner_user_id_idx" ON "project" (tenant_id, "owner_user_id");
DO $$ BEGIN
  ALTER TABLE "project" ADD CONSTRAINT "project_updated_by_user_id_fkey" FOREIGN KEY (tenant_id, "updated_by_user_id")
    REFERENCES "user" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "project_updated_by_user_id_idx" ON "project" (tenant_id, "updated_by_user_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs__parent_id_fkey" FOREIGN KEY (tenant_id, "_parent_id")
    REFERENCES "jobs" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs__parent_id_idx" ON "jobs" (tenant_id, "_parent_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_project_id_fkey" FOREIGN KEY (tenant_id, "project_id")
    REFERENCES "project" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_project_id_idx" ON "jobs" (tenant_id, "project_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_job_type_id_fkey" FOREIGN KEY (tenant_id, "job_type_id")
    REFERENCES "job_type" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_job_type_id_idx" ON "jobs" (tenant_id, "job_type_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_job_priority_id_fkey" FOREIGN KEY (tenant_id, "job_priority_id")
    REFERENCES "job_priority" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_job_priority_id_idx" ON "jobs" (tenant_id, "job_priority_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_job_status_id_fkey" FOREIGN KEY (tenant_id, "job_status_id")
    REFERENCES "job_status" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_job_status_id_idx" ON "jobs" (tenant_id, "job_status_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_db_address_id_fkey" FOREIGN KEY (tenant_id, "db_address_id")
    REFERENCES "db_address" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_db_address_id_idx" ON "jobs" (tenant_id, "db_address_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_contact_id_fkey" FOREIGN KEY (tenant_id, "contact_id")
    REFERENCES "contact" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_contact_id_idx" ON "jobs" (tenant_id, "contact_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_requested_by_company_id_fkey" FOREIGN KEY (tenant_id, "requested_by_company_id")
    REFERENCES "company" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_requested_by_company_id_idx" ON "jobs" (tenant_id, "requested_by_company_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_requested_by_contact_id_fkey" FOREIGN KEY (tenant_id, "requested_by_contact_id")
    REFERENCES "contact" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_requested_by_contact_id_idx" ON "jobs" (tenant_id, "requested_by_contact_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_suggested_user_id_fkey" FOREIGN KEY (tenant_id, "suggested_user_id")
    REFERENCES "user" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_suggested_user_id_idx" ON "jobs" (tenant_id, "suggested_user_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_skill_id_fkey" FOREIGN KEY (tenant_id, "skill_id")
    REFERENCES "skill" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_skill_id_idx" ON "jobs" (tenant_id, "skill_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_approval_responsible_user_id_fkey" FOREIGN KEY (tenant_id, "approval_responsible_user_id")
    REFERENCES "user" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_approval_responsible_user_id_idx" ON "jobs" (tenant_id, "approval_responsible_user_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_company_id_fkey" FOREIGN KEY (tenant_id, "company_id")
    REFERENCES "company" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_company_id_idx" ON "jobs" (tenant_id, "company_id");
DO $$ BEGIN
  ALTER TABLE "jobs" ADD CONSTRAINT "jobs_db_address_db_country_id_fkey" FOREIGN KEY (tenant_id, "db_address_db_country_id")
    REFERENCES "db_country" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "jobs_db_address_db_country_id_idx" ON "jobs" (tenant_id, "db_address_db_country_id");
DO $$ BEGIN
  ALTER TABLE "job_planning" ADD CONSTRAINT "job_planning_jobs_id_fkey" FOREIGN KEY (tenant_id, "jobs_id")
    REFERENCES "jobs" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_planning_jobs_id_idx" ON "job_planning" (tenant_id, "jobs_id");
DO $$ BEGIN
  ALTER TABLE "job_planning" ADD CONSTRAINT "job_planning_user_id_fkey" FOREIGN KEY (tenant_id, "user_id")
    REFERENCES "user" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_planning_user_id_idx" ON "job_planning" (tenant_id, "user_id");
DO $$ BEGIN
  ALTER TABLE "job_dispatch_log" ADD CONSTRAINT "job_dispatch_log_jobs_id_fkey" FOREIGN KEY (tenant_id, "jobs_id")
    REFERENCES "jobs" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_dispatch_log_jobs_id_idx" ON "job_dispatch_log" (tenant_id, "jobs_id");
DO $$ BEGIN
  ALTER TABLE "job_dispatch_log" ADD CONSTRAINT "job_dispatch_log_user_id_fkey" FOREIGN KEY (tenant_id, "user_id")
    REFERENCES "user" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_dispatch_log_user_id_idx" ON "job_dispatch_log" (tenant_id, "user_id");
DO $$ BEGIN
  ALTER TABLE "article_category" ADD CONSTRAINT "article_category_parent_id_fkey" FOREIGN KEY (tenant_id, "parent_id")
    REFERENCES "article_category" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "article_category_parent_id_idx" ON "article_category" (tenant_id, "parent_id");
DO $$ BEGIN
  ALTER TABLE "article" ADD CONSTRAINT "article_article_category_id_fkey" FOREIGN KEY (tenant_id, "article_category_id")
    REFERENCES "article_category" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "article_article_category_id_idx" ON "article" (tenant_id, "article_category_id");
DO $$ BEGIN
  ALTER TABLE "article" ADD CONSTRAINT "article_article_color_id_fkey" FOREIGN KEY (tenant_id, "article_color_id")
    REFERENCES "article_color" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "article_article_color_id_idx" ON "article" (tenant_id, "article_color_id");
DO $$ BEGIN
  ALTER TABLE "article" ADD CONSTRAINT "article__replace_id_fkey" FOREIGN KEY (tenant_id, "_replace_id")
    REFERENCES "article" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "article__replace_id_idx" ON "article" (tenant_id, "_replace_id");
DO $$ BEGIN
  ALTER TABLE "article" ADD CONSTRAINT "article_db_unit_of_measure_id_selling_fkey" FOREIGN KEY (tenant_id, "db_unit_of_measure_id_selling")
    REFERENCES "db_unit_of_measure" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "article_db_unit_of_measure_id_selling_idx" ON "article" (tenant_id, "db_unit_of_measure_id_selling");
DO $$ BEGIN
  ALTER TABLE "article_stock_location" ADD CONSTRAINT "article_stock_location_user_id_fkey" FOREIGN KEY (tenant_id, "user_id")
    REFERENCES "user" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "article_stock_location_user_id_idx" ON "article_stock_location" (tenant_id, "user_id");
DO $$ BEGIN
  ALTER TABLE "article_stock_location" ADD CONSTRAINT "article_stock_location_db_address_id_fkey" FOREIGN KEY (tenant_id, "db_address_id")
    REFERENCES "db_address" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "article_stock_location_db_address_id_idx" ON "article_stock_location" (tenant_id, "db_address_id");
DO $$ BEGIN
  ALTER TABLE "article_stock_location" ADD CONSTRAINT "article_stock_location_sales_organization_id_fkey" FOREIGN KEY (tenant_id, "sales_organization_id")
    REFERENCES "sales_organization" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "article_stock_location_sales_organization_id_idx" ON "article_stock_location" (tenant_id, "sales_organization_id");
DO $$ BEGIN
  ALTER TABLE "purchase_order" ADD CONSTRAINT "purchase_order_jobs_id_fkey" FOREIGN KEY (tenant_id, "jobs_id")
    REFERENCES "jobs" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "purchase_order_jobs_id_idx" ON "purchase_order" (tenant_id, "jobs_id");
DO $$ BEGIN
  ALTER TABLE "purchase_order" ADD CONSTRAINT "purchase_order_supplier_company_id_fkey" FOREIGN KEY (tenant_id, "supplier_company_id")
    REFERENCES "company" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "purchase_order_supplier_company_id_idx" ON "purchase_order" (tenant_id, "supplier_company_id");
DO $$ BEGIN
  ALTER TABLE "purchase_order" ADD CONSTRAINT "purchase_order_user_id_fkey" FOREIGN KEY (tenant_id, "user_id")
    REFERENCES "user" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "purchase_order_user_id_idx" ON "purchase_order" (tenant_id, "user_id");
DO $$ BEGIN
  ALTER TABLE "purchase_order" ADD CONSTRAINT "purchase_order_delivery_db_address_id_fkey" FOREIGN KEY (tenant_id, "delivery_db_address_id")
    REFERENCES "db_address" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "purchase_order_delivery_db_address_id_idx" ON "purchase_order" (tenant_id, "delivery_db_address_id");
DO $$ BEGIN
  ALTER TABLE "purchase_order" ADD CONSTRAINT "purchase_order_approved_by_user_id_fkey" FOREIGN KEY (tenant_id, "approved_by_user_id")
    REFERENCES "user" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "purchase_order_approved_by_user_id_idx" ON "purchase_order" (tenant_id, "approved_by_user_id");
DO $$ BEGIN
  ALTER TABLE "purchase_order" ADD CONSTRAINT "purchase_order_technical_user_id_fkey" FOREIGN KEY (tenant_id, "technical_user_id")
    REFERENCES "user" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "purchase_order_technical_user_id_idx" ON "purchase_order" (tenant_id, "technical_user_id");
DO $$ BEGIN
  ALTER TABLE "purchase_order" ADD CONSTRAINT "purchase_order_purchase_order_status_id_fkey" FOREIGN KEY (tenant_id, "purchase_order_status_id")
    REFERENCES "purchase_order_status" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "purchase_order_purchase_order_status_id_idx" ON "purchase_order" (tenant_id, "purchase_order_status_id");
DO $$ BEGIN
  ALTER TABLE "purchase_order" ADD CONSTRAINT "purchase_order_article_stock_location_id_fkey" FOREIGN KEY (tenant_id, "article_stock_location_id")
    REFERENCES "article_stock_location" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "purchase_order_article_stock_location_id_idx" ON "purchase_order" (tenant_id, "article_stock_location_id");
DO $$ BEGIN
  ALTER TABLE "purchase_order_details" ADD CONSTRAINT "purchase_order_details_purchase_order_id_fkey" FOREIGN KEY (tenant_id, "purchase_order_id")
    REFERENCES "purchase_order" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "purchase_order_details_purchase_order_id_idx" ON "purchase_order_details" (tenant_id, "purchase_order_id");
DO $$ BEGIN
  ALTER TABLE "purchase_order_details" ADD CONSTRAINT "purchase_order_details_article_id_fkey" FOREIGN KEY (tenant_id, "article_id")
    REFERENCES "article" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "purchase_order_details_article_id_idx" ON "purchase_order_details" (tenant_id, "article_id");
DO $$ BEGIN
  ALTER TABLE "job_part_usage" ADD CONSTRAINT "job_part_usage_jobs_id_fkey" FOREIGN KEY (tenant_id, "jobs_id")
    REFERENCES "jobs" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_part_usage_jobs_id_idx" ON "job_part_usage" (tenant_id, "jobs_id");
DO $$ BEGIN
  ALTER TABLE "job_part_usage" ADD CONSTRAINT "job_part_usage_article_stock_location_id_fkey" FOREIGN KEY (tenant_id, "article_stock_location_id")
    REFERENCES "article_stock_location" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_part_usage_article_stock_location_id_idx" ON "job_part_usage" (tenant_id, "article_stock_location_id");
DO $$ BEGIN
  ALTER TABLE "job_part_usage" ADD CONSTRAINT "job_part_usage_article_id_fkey" FOREIGN KEY (tenant_id, "article_id")
    REFERENCES "article" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_part_usage_article_id_idx" ON "job_part_usage" (tenant_id, "article_id");
DO $$ BEGIN
  ALTER TABLE "job_part_usage" ADD CONSTRAINT "job_part_usage_purchase_order_details_id_fkey" FOREIGN KEY (tenant_id, "purchase_order_details_id")
    REFERENCES "purchase_order_details" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_part_usage_purchase_order_details_id_idx" ON "job_part_usage" (tenant_id, "purchase_order_details_id");
DO $$ BEGIN
  ALTER TABLE "job_part_usage" ADD CONSTRAINT "job_part_usage_user_id_fkey" FOREIGN KEY (tenant_id, "user_id")
    REFERENCES "user" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_part_usage_user_id_idx" ON "job_part_usage" (tenant_id, "user_id");
DO $$ BEGIN
  ALTER TABLE "job_part_usage" ADD CONSTRAINT "job_part_usage_db_unit_of_measure_id_fkey" FOREIGN KEY (tenant_id, "db_unit_of_measure_id")
    REFERENCES "db_unit_of_measure" (tenant_id, id);
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE INDEX IF NOT EXISTS "job_part_usage_db_unit_of_measure_id_idx" ON "job_part_usage" (tenant_id, "db_unit_of_measure_id");

-- business rules (src/domain)

CREATE OR REPLACE FUNCTION job_part_usage_signed_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.signed_by_company IS TRUE THEN
    IF TG_OP = 'DELETE' THEN
      RAISE EXCEPTION 'This part usage line is signed by the company and can no longer be changed' USING ERRCODE = 'FS409', COLUMN = 'signed_by_company';
    END IF;
    IF (to_jsonb(NEW) - 'modified_dateutc') IS DISTINCT FROM (to_jsonb(OLD) - 'modified_dateutc') THEN
      RAISE EXCEPTION 'This part usage line is signed by the company and can no longer be changed' USING ERRCODE = 'FS409', COLUMN = 'signed_by_company';
    END IF;
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE OR REPLACE TRIGGER job_part_usage_signed_guard BEFORE UPDATE OR DELETE ON job_part_usage
  FOR EACH ROW EXECUTE FUNCTION job_part_usage_signed_guard();


CREATE OR REPLACE FUNCTION purchase_order_details_line_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.purchase_order_id IS NOT NULL AND COALESCE(NEW.line_number, 0) = 0 THEN
    PERFORM 1 FROM purchase_order WHERE tenant_id = NEW.tenant_id AND id = NEW.purchase_order_id FOR UPDATE;
    SELECT COALESCE(max(line_number), 0) + 1 INTO NEW.line_number FROM purchase_order_details
      WHERE tenant_id = NEW.tenant_id AND purchase_order_id = NEW.purchase_order_id;
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER purchase_order_details_line_number
  BEFORE INSERT OR UPDATE OF line_number, purchase_order_id ON purchase_order_details
  FOR EACH ROW EXECUTE FUNCTION purchase_order_details_line_number();
CREATE UNIQUE INDEX IF NOT EXISTS purchase_order_details_line_key
  ON purchase_order_details (tenant_id, purchase_order_id, line_number);

CREATE OR REPLACE FUNCTION purchase_order_total_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE purchase_order o SET total_lines = (SELECT count(*) FROM purchase_order_details d
      WHERE d.tenant_id = o.tenant_id AND d.purchase_order_id = o.id)
    WHERE (o.tenant_id, o.id) IN (SELECT tenant_id, purchase_order_id FROM new_rows);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE purchase_order o SET total_lines = (SELECT count(*) FROM purchase_order_details d
      WHERE d.tenant_id = o.tenant_id AND d.purchase_order_id = o.id)
    WHERE (o.tenant_id, o.id) IN (SELECT tenant_id, purchase_order_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER purchase_order_total_lines_insert AFTER INSERT ON purchase_order_details
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION purchase_order_total_lines();
CREATE OR REPLACE TRIGGER purchase_order_total_lines_update AFTER UPDATE ON purchase_order_details
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION purchase_order_total_lines();
CREATE OR REPLACE TRIGGER purchase_order_total_lines_delete AFTER DELETE ON purchase_order_details
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION purchase_order_total_lines();
