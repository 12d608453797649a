/**
 * Everything the database's own catalog says about the schema, one line per fact, as PostgreSQL
 * prints it (pg_get_indexdef, pg_get_constraintdef, format_type...): two databases whose dumps are
 * equal have the same schema, however each got there.
 */
import type { Executor } from '../src/db/database.js';

const NS = `(SELECT oid FROM pg_namespace WHERE nspname = current_schema())`;

const QUERIES: Record<string, string> = {
  relation: `SELECT c.relname || ' kind=' || c.relkind::text || ' rls=' || c.relrowsecurity::text || ' force=' || c.relforcerowsecurity::text
      || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '-') AS line
    FROM pg_class c WHERE c.relnamespace = ${NS} AND c.relkind IN ('r', 'v', 'S')`,
  column: `SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
      || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
      || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
      || ' comment=' || coalesce(col_description(c.oid, a.attnum), '-') AS line
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = ${NS} AND c.relkind IN ('r', 'v') AND a.attnum > 0 AND NOT a.attisdropped`,
  constraint: `SELECT c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) AS line
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = ${NS}`,
  index: `SELECT indexdef AS line FROM pg_indexes WHERE schemaname = current_schema()`,
  function: `SELECT p.proname || '(' || pg_get_function_arguments(p.oid) || ') ' || pg_get_function_result(p.oid)
      || ' ' || md5(p.prosrc) AS line FROM pg_proc p WHERE p.pronamespace = ${NS}`,
  trigger: `SELECT pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text AS line
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = ${NS} AND NOT t.tgisinternal`,
  policy: `SELECT tablename || ' ' || policyname || ' ' || cmd || ' ' || array_to_string(roles, ',') || ' '
      || coalesce(qual, '-') || ' ' || coalesce(with_check, '-') AS line
    FROM pg_policies WHERE schemaname = current_schema()`,
  grant: `SELECT table_name || ' ' || grantee || ' ' || privilege_type AS line
    FROM information_schema.table_privileges WHERE table_schema = current_schema() AND grantee = 'fieldservice_app'`,
  view: `SELECT viewname || ' ' || definition AS line FROM pg_views WHERE schemaname = current_schema()`,
};

export async function catalog(db: Executor): Promise<string[]> {
  const lines: string[] = [];
  for (const [kind, sql] of Object.entries(QUERIES)) {
    const r = await db.query<{ line: string }>(sql);
    for (const row of r.rows) lines.push(`${kind} ${row.line}`);
  }
  return lines.sort();
}
