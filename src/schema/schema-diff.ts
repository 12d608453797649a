/**
 * The SQL that takes a database from one schema model to another: what `npm run generate` writes
 * as the next migration. Every statement is plain DDL (no IF EXISTS guesswork): a migration runs
 * once, on the schema its predecessor left.
 */
import {
  APP_ROLE,
  CURRENT_TENANT,
  literal,
  q,
  type ColumnModel,
  type FunctionModel,
  type IndexModel,
  type SchemaModel,
  type TableModel,
  type TriggerModel,
} from './schema-model.js';

export const EMPTY_SCHEMA: SchemaModel = { sequences: [], functions: {}, tables: {}, views: {} };

/** The setting under which a backfill runs; rules that refuse writes let a backfill through. */
export const BACKFILL_SETTING = 'fieldservice.backfill';

/** Gives the SQL literal existing rows get when a column becomes NOT NULL, if the registry has one. */
export type Backfill = (table: string, column: string) => string | undefined;

export interface SchemaChanges {
  /** The statements, in the order they must run. */
  readonly statements: string[];
  /** One line per change, for the migration's header and the generator's output. */
  readonly summary: string[];
  /** Changes that lose stored data (dropped tables and columns), to be reviewed. */
  readonly warnings: string[];
}

/** The role and its rights, created once per cluster; idempotent because roles outlive databases. */
export const ROLE_SQL = `DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
    CREATE ROLE ${APP_ROLE} NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$ BEGIN
  EXECUTE format('GRANT ${APP_ROLE} TO %I', current_user);
EXCEPTION WHEN OTHERS THEN NULL;
END $$;
GRANT USAGE ON SCHEMA public TO ${APP_ROLE};`;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const isForeignKey = (definition: string): boolean => definition.startsWith('FOREIGN KEY');

export function functionSql(name: string, f: FunctionModel): string {
  if (f.body.includes('$$')) throw new Error(`function ${name}: its body must not contain $$`);
  return `CREATE OR REPLACE FUNCTION ${q(name)}() RETURNS ${f.returns} LANGUAGE plpgsql AS $$${f.body}$$;`;
}

const triggerSql = (table: string, name: string, t: TriggerModel): string =>
  `CREATE OR REPLACE TRIGGER ${q(name)} ${t.timing} ON ${q(table)}\n  ${t.each} EXECUTE FUNCTION ${q(t.function)}();`;

const indexSql = (table: string, name: string, i: IndexModel): string =>
  `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${q(name)} ON ${q(table)} ${i.on};`;

const columnSql = (name: string, c: ColumnModel): string =>
  `${q(name)} ${c.type}${c.notNull ? ' NOT NULL' : ''}${c.default ? ` DEFAULT ${c.default}` : ''}`;

const commentSql = (target: string, text: string | undefined): string =>
  `COMMENT ON ${target} IS ${text === undefined ? 'NULL' : literal(text)};`;

function isolationSql(table: string, on: boolean): string[] {
  const t = q(table);
  if (!on) {
    return [
      `DROP POLICY tenant_isolation ON ${t};`,
      `ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY;`,
      `ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY;`,
      `REVOKE SELECT, INSERT, UPDATE, DELETE ON ${t} FROM ${APP_ROLE};`,
    ];
  }
  return [
    `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY;`,
    `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY;`,
    `CREATE POLICY tenant_isolation ON ${t} USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT});`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ${t} TO ${APP_ROLE};`,
  ];
}

/** Keys of `to` that are new or changed against `from`, and keys of `from` that are gone. */
function delta<T>(from: Readonly<Record<string, T>>, to: Readonly<Record<string, T>>) {
  const added = Object.keys(to).filter((k) => !(k in from));
  const changed = Object.keys(to).filter((k) => k in from && !same(from[k], to[k]));
  const removed = Object.keys(from).filter((k) => !(k in to));
  return { added, changed, removed, upserted: [...added, ...changed] };
}

function createTable(name: string, t: TableModel): string[] {
  const body = [
    ...Object.entries(t.columns).map(([c, col]) => `  ${columnSql(c, col)}`),
    ...Object.entries(t.constraints)
      .filter(([, def]) => !isForeignKey(def))
      .map(([c, def]) => `  CONSTRAINT ${q(c)} ${def}`),
  ];
  const out = [`CREATE TABLE ${q(name)} (\n${body.join(',\n')}\n);`];
  if (t.comment !== undefined) out.push(commentSql(`TABLE ${q(name)}`, t.comment));
  for (const [c, col] of Object.entries(t.columns)) {
    if (col.comment !== undefined) out.push(commentSql(`COLUMN ${q(name)}.${q(c)}`, col.comment));
  }
  for (const [i, index] of Object.entries(t.indexes)) out.push(indexSql(name, i, index));
  if (t.tenantIsolation) out.push(...isolationSql(name, true));
  return out;
}

/** One table in both models. */
interface TableChange {
  name: string;
  from: TableModel;
  to: TableModel;
}

function alterColumns(change: TableChange, backfill: Backfill, out: SchemaChanges) {
  const { name, from, to } = change;
  const t = q(name);
  const { added, changed, removed } = delta(from.columns, to.columns);
  const needsBackfill = (column: string): string => {
    const value = backfill(name, column);
    if (value === undefined) {
      throw new Error(
        `${name}.${column} becomes NOT NULL on a table that may hold rows: give the field a backfill value in its entity`,
      );
    }
    return value;
  };
  // Columns that become NOT NULL: filled in by one statement for the table, then constrained.
  const fills: Array<{ column: string; value: string }> = [];
  const fill = (column: string, value: string): void => void fills.push({ column, value });
  for (const c of removed) {
    out.statements.push(`ALTER TABLE ${t} DROP COLUMN ${q(c)};`);
    out.summary.push(`${name}: drop column ${c}`);
    out.warnings.push(`${name}.${c} is dropped with every value it holds`);
  }
  for (const c of added) {
    const col = to.columns[c]!;
    const late = col.notNull && !col.default;
    out.statements.push(
      `ALTER TABLE ${t} ADD COLUMN ${columnSql(c, late ? { ...col, notNull: undefined } : col)};`,
    );
    if (late) fill(c, needsBackfill(c));
    if (col.comment !== undefined) out.statements.push(commentSql(`COLUMN ${t}.${q(c)}`, col.comment));
    out.summary.push(`${name}: add column ${c} ${col.type}${col.notNull ? ' NOT NULL' : ''}`);
  }
  for (const c of changed) {
    const a = from.columns[c]!;
    const b = to.columns[c]!;
    const column = `ALTER TABLE ${t} ALTER COLUMN ${q(c)}`;
    if (a.type !== b.type) {
      // Between text types the value converts as an assignment, which refuses a value too long for
      // the new length (an explicit cast would cut it short without a word).
      const textual = (t: string): boolean => t === 'text' || /^varchar\(\d+\)$/.test(t);
      const using = textual(a.type) && textual(b.type) ? '' : ` USING ${q(c)}::${b.type}`;
      out.statements.push(`${column} TYPE ${b.type}${using};`);
      out.summary.push(`${name}.${c}: type ${a.type} -> ${b.type}`);
    }
    if (a.default !== b.default) {
      out.statements.push(b.default ? `${column} SET DEFAULT ${b.default};` : `${column} DROP DEFAULT;`);
      out.summary.push(`${name}.${c}: default ${b.default ?? 'none'}`);
    }
    if (!a.notNull && b.notNull) {
      fill(c, needsBackfill(c));
      out.summary.push(`${name}.${c}: NOT NULL`);
    } else if (a.notNull && !b.notNull) {
      out.statements.push(`${column} DROP NOT NULL;`);
      out.summary.push(`${name}.${c}: nullable`);
    }
    if (a.comment !== b.comment) {
      out.statements.push(commentSql(`COLUMN ${t}.${q(c)}`, b.comment));
      out.summary.push(`${name}.${c}: comment`);
    }
  }
  if (fills.length) {
    // The row triggers run: the rows take a new version and the sync feed delivers the new values.
    const sets = fills.map(({ column, value }) => `${q(column)} = COALESCE(${q(column)}, ${value})`);
    const where = fills.map(({ column }) => `${q(column)} IS NULL`).join(' OR ');
    out.statements.push(`SET LOCAL ${BACKFILL_SETTING} = 'on';`);
    out.statements.push(`UPDATE ${t} SET ${sets.join(', ')} WHERE ${where};`);
    out.statements.push(`RESET ${BACKFILL_SETTING};`);
    for (const { column: c } of fills)
      out.statements.push(`ALTER TABLE ${t} ALTER COLUMN ${q(c)} SET NOT NULL;`);
  }
}

/** The statements from `from` to `to`. */
export function diffSchema(
  from: SchemaModel,
  to: SchemaModel,
  backfill: Backfill = () => undefined,
): SchemaChanges {
  const out: SchemaChanges = { statements: [], summary: [], warnings: [] };
  const push = (summary: string, ...statements: string[]): void => {
    out.statements.push(...statements);
    out.summary.push(summary);
  };
  const tables = delta(from.tables, to.tables);
  const views = delta(from.views, to.views);

  for (const s of to.sequences.filter((s) => !from.sequences.includes(s))) {
    push(`add sequence ${s}`, `CREATE SEQUENCE ${q(s)};`, `GRANT USAGE ON SEQUENCE ${q(s)} TO ${APP_ROLE};`);
  }
  const functions = delta(from.functions, to.functions);
  for (const f of functions.upserted) {
    const before = from.functions[f];
    if (before && before.returns !== to.functions[f]!.returns) {
      throw new Error(`function ${f} changes its return type: write that migration by hand`);
    }
    push(`${before ? 'replace' : 'add'} function ${f}`, functionSql(f, to.functions[f]!));
  }
  for (const v of [...views.changed, ...views.removed]) push(`drop view ${v}`, `DROP VIEW ${q(v)};`);

  for (const name of tables.added) push(`add table ${name}`, ...createTable(name, to.tables[name]!));
  for (const name of tables.changed) {
    const a = from.tables[name]!;
    const b = to.tables[name]!;
    const t = q(name);
    const triggers = delta(a.triggers, b.triggers);
    const constraints = delta(a.constraints, b.constraints);
    const indexes = delta(a.indexes, b.indexes);
    for (const g of triggers.removed) push(`${name}: drop trigger ${g}`, `DROP TRIGGER ${q(g)} ON ${t};`);
    for (const c of [...constraints.changed, ...constraints.removed]) {
      push(`${name}: drop constraint ${c}`, `ALTER TABLE ${t} DROP CONSTRAINT ${q(c)};`);
    }
    for (const i of [...indexes.changed, ...indexes.removed])
      push(`${name}: drop index ${i}`, `DROP INDEX ${q(i)};`);
    alterColumns({ name, from: a, to: b }, backfill, out);
    if (a.comment !== b.comment) push(`${name}: comment`, commentSql(`TABLE ${t}`, b.comment));
    if (!a.tenantIsolation !== !b.tenantIsolation) {
      push(
        `${name}: tenant isolation ${b.tenantIsolation ? 'on' : 'off'}`,
        ...isolationSql(name, !!b.tenantIsolation),
      );
    }
    for (const c of constraints.upserted.filter((c) => !isForeignKey(b.constraints[c]!))) {
      push(`${name}: add constraint ${c}`, `ALTER TABLE ${t} ADD CONSTRAINT ${q(c)} ${b.constraints[c]};`);
    }
    for (const i of indexes.upserted) push(`${name}: add index ${i}`, indexSql(name, i, b.indexes[i]!));
  }
  // Foreign keys and triggers once every table and function exists.
  for (const name of [...tables.added, ...tables.changed]) {
    const a = from.tables[name];
    const b = to.tables[name]!;
    for (const c of delta(a?.constraints ?? {}, b.constraints).upserted) {
      if (!isForeignKey(b.constraints[c]!)) continue;
      push(
        `${name}: add foreign key ${c}`,
        `ALTER TABLE ${q(name)} ADD CONSTRAINT ${q(c)} ${b.constraints[c]};`,
      );
    }
    for (const g of delta(a?.triggers ?? {}, b.triggers).upserted) {
      push(
        `${name}: ${a?.triggers[g] ? 'replace' : 'add'} trigger ${g}`,
        triggerSql(name, g, b.triggers[g]!),
      );
    }
  }
  for (const name of tables.removed) {
    push(`drop table ${name}`, `DROP TABLE ${q(name)} CASCADE;`);
    out.warnings.push(`table ${name} is dropped with every row it holds`);
  }
  for (const f of functions.removed) push(`drop function ${f}`, `DROP FUNCTION ${q(f)}();`);
  for (const s of from.sequences.filter((s) => !to.sequences.includes(s))) {
    push(`drop sequence ${s}`, `DROP SEQUENCE ${q(s)};`);
  }
  for (const v of views.upserted) push(`add view ${v}`, `CREATE VIEW ${q(v)} AS ${to.views[v]};`);
  return out;
}

/** The whole schema on an empty database (the role first, then every object). */
export function createSchemaSql(model: SchemaModel): string {
  return `${ROLE_SQL}\n${diffSchema(EMPTY_SCHEMA, model).statements.join('\n')}\n`;
}

/** A name for a migration from its first change: `jobs_add_column_foo`. */
export function migrationName(changes: SchemaChanges): string {
  const first = changes.summary[0] ?? 'schema';
  const more = changes.summary.length > 1 ? '_and_more' : '';
  return `${first
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 60)}${more}`;
}

/** The text of a generated migration: what it changes, what to review, then the statements. */
export function migrationText(id: string, changes: SchemaChanges): string {
  const lines = [
    `-- Migration ${id}, generated by \`npm run generate\` from the entity registry.`,
    '-- Review it like code; edit it before it is committed if it must do more (a data backfill,',
    '-- a rename instead of drop and add). Once applied anywhere, it never changes.',
    '--',
    ...changes.summary.map((s) => `-- ${s}`),
    ...changes.warnings.map((w) => `-- WARNING: ${w}`),
    '',
    ...changes.statements,
  ];
  return `${lines.join('\n')}\n`;
}
