/**
 * OData v4 `$filter`, `$orderby` and `$select` translated to parameterised SQL over an entity's
 * columns. Supported: eq ne gt ge lt le, and, or, not, parentheses, contains/startswith/endswith,
 * and string, GUID, date, number, boolean and null literals. Anything else is a 400 naming the
 * problem.
 *
 * Comparisons follow OData's null semantics: they are true or false, never unknown (`null eq 5` is
 * false, `null ne 5` is true, `null gt 5` is false), so `not (...)` of a comparison is its exact
 * complement. Each comparison on a column that may hold null is written so that SQL cannot make
 * it unknown: `x = v AND x IS NOT NULL` (the `x = v` still uses an index on x), `x IS DISTINCT
 * FROM v`, `x > v AND x IS NOT NULL`. The string functions keep SQL's rule (a null field matches
 * neither `contains` nor `not contains`), as OData gives them a null result.
 */
import { ContractError } from '../contract/errors.js';
import { isList, type Entity } from '../schema/registry.js';
import { isDateTime } from '../schema/validate.js';
import { q, sqlType } from '../schema/schema-model.js';
import { notNullFields } from '../schema/nullability.js';

type Token =
  | { kind: 'name'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'typed'; type: string; text: string }
  | { kind: 'bare'; text: string }
  | { kind: '(' | ')' | ',' };

const MAX_FILTER = 4000;
const MAX_DEPTH = 32;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OPS: Record<string, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

const bad = (message: string): ContractError => new ContractError({ code: 'invalid_filter', message });

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c });
      i++;
    } else if (c === "'") {
      const { value, end } = readString(text, i);
      tokens.push({ kind: 'string', text: value });
      i = end;
    } else {
      const m =
        /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}-\d{2}(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?)(?![\w-])/i.exec(
          text.slice(i),
        );
      if (m) {
        tokens.push({ kind: 'bare', text: m[0] });
        i += m[0].length;
        continue;
      }
      const num = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?(?![\w])/.exec(text.slice(i));
      if (num) {
        tokens.push({ kind: 'number', text: num[0].replace(/[mMdDfFlL]$/, '') });
        i += num[0].length;
        continue;
      }
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      if (!name) throw bad(`Unexpected character '${c}' at position ${i} of $filter`);
      i += name[0].length;
      if (text[i] === "'" && /^(guid|datetime|datetimeoffset)$/i.test(name[0])) {
        const { value, end } = readString(text, i);
        tokens.push({ kind: 'typed', type: name[0].toLowerCase(), text: value });
        i = end;
      } else tokens.push({ kind: 'name', text: name[0] });
    }
  }
  return tokens;
}

function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw bad('Unterminated string literal in $filter');
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += text[i];
    i++;
  }
}

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/** Translates `$filter`; parameters are numbered from `firstParam`. */
export function parseFilter(entity: Entity, text: string, firstParam = 1): SqlFragment {
  if (text.length > MAX_FILTER) throw bad(`$filter is longer than ${MAX_FILTER} characters`);
  const tokens = tokenize(text);
  const notNull = notNullFields(entity);
  const params: unknown[] = [];
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (t: Token | undefined, word: string): boolean =>
    t?.kind === 'name' && t.text.toLowerCase() === word;
  const param = (value: unknown, cast: string): string => {
    params.push(value);
    return `$${firstParam + params.length - 1}::${cast}`;
  };

  const column = (token: Token | undefined): { name: string; type: string } => {
    if (token?.kind !== 'name') throw bad('$filter expects a field name');
    const field = entity.field(token.text);
    if (!field || isList(field) || field.computed)
      throw bad(`$filter: ${token.text} is not a field of ${entity.name}`);
    return { name: token.text, type: field.type };
  };

  const literal = (token: Token | undefined, field: { name: string; type: string }): string | null => {
    if (!token) throw bad(`$filter: a value is missing after ${field.name}`);
    if (token.kind === 'name' && token.text === 'null') return null;
    const sqlCast = sqlType(entity.spec.fields[field.name]!).replace(/\(.*\)/, '');
    const wrong = (): ContractError =>
      bad(`$filter: the value given for ${field.name} is not a valid ${field.type}`);
    switch (field.type) {
      case 'string':
        if (token.kind !== 'string') throw wrong();
        return param(token.text, 'text');
      case 'uuid': {
        const text =
          token.kind === 'string' || token.kind === 'typed' || token.kind === 'bare' ? token.text : '';
        if (!UUID.test(text)) throw wrong();
        return param(text, 'uuid');
      }
      case 'datetime': {
        const text =
          token.kind === 'string' || token.kind === 'typed' || token.kind === 'bare' ? token.text : '';
        if (!isDateTime(text)) throw wrong();
        return param(text, 'timestamptz');
      }
      case 'integer':
      case 'decimal':
        if (token.kind !== 'number') throw wrong();
        if (
          field.type === 'integer' &&
          !(/^-?\d{1,10}$/.test(token.text) && Math.abs(Number(token.text)) <= 2147483647)
        ) {
          throw wrong();
        }
        return param(token.text, sqlCast);
      case 'boolean':
        if (token.kind !== 'name' || !/^(true|false)$/.test(token.text)) throw wrong();
        return param(token.text === 'true', 'boolean');
      default:
        throw wrong();
    }
  };

  const expect = (kind: Token['kind']): void => {
    if (peek()?.kind !== kind) throw bad(`$filter: expected '${kind}'`);
    pos++;
  };

  const primary = (depth: number): string => {
    if (depth > MAX_DEPTH) throw bad('$filter is nested too deeply');
    const token = peek();
    if (token?.kind === '(') {
      pos++;
      const inner = orExpr(depth + 1);
      expect(')');
      return `(${inner})`;
    }
    if (isWord(token, 'not')) {
      pos++;
      return `NOT (${primary(depth + 1)})`;
    }
    if (
      token?.kind === 'name' &&
      /^(contains|startswith|endswith)$/i.test(token.text) &&
      tokens[pos + 1]?.kind === '('
    ) {
      const fn = token.text.toLowerCase();
      pos += 2;
      const field = column(tokens[pos++]);
      if (field.type !== 'string') throw bad(`$filter: ${fn} needs a text field, ${field.name} is not`);
      expect(',');
      const value = tokens[pos++];
      if (value?.kind !== 'string') throw bad(`$filter: ${fn} needs a string literal`);
      expect(')');
      const escaped = value.text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
      const pattern =
        fn === 'contains' ? `%${escaped}%` : fn === 'startswith' ? `${escaped}%` : `%${escaped}`;
      return `${q(field.name)} LIKE ${param(pattern, 'text')}`;
    }
    const field = column(tokens[pos++]);
    const opToken = tokens[pos++];
    const op = opToken?.kind === 'name' ? OPS[opToken.text.toLowerCase()] : undefined;
    if (!op) throw bad(`$filter: expected eq, ne, gt, ge, lt or le after ${field.name}`);
    const value = literal(tokens[pos++], field);
    const name = q(field.name);
    if (value === null) {
      if (op !== '=' && op !== '<>') throw bad(`$filter: null can only be compared with eq or ne`);
      return `${name} IS ${op === '=' ? '' : 'NOT '}NULL`;
    }
    if (notNull.has(field.name)) return `${name} ${op} ${value}`;
    if (op === '<>') return `${name} IS DISTINCT FROM ${value}`;
    return `(${name} ${op} ${value} AND ${name} IS NOT NULL)`;
  };

  const andExpr = (depth: number): string => {
    const parts = [primary(depth)];
    while (isWord(peek(), 'and')) {
      pos++;
      parts.push(primary(depth));
    }
    return parts.join(' AND ');
  };
  const orExpr = (depth: number): string => {
    const parts = [andExpr(depth)];
    while (isWord(peek(), 'or')) {
      pos++;
      parts.push(andExpr(depth));
    }
    return parts.length > 1 ? `(${parts.join(' OR ')})` : parts[0]!;
  };

  if (tokens.length === 0) throw bad('$filter is empty');
  const sql = orExpr(0);
  if (pos !== tokens.length) throw bad('$filter: unexpected text after the end of the expression');
  return { sql, params };
}

/** Translates `$orderby`; `id` is always the last key so that pages are stable. */
export function parseOrderBy(entity: Entity, text: string | undefined): string {
  const keys: string[] = [];
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?$/i.exec(part);
    const field = m ? entity.field(m[1]!) : undefined;
    if (!m || !field || isList(field) || field.computed) {
      throw new ContractError({
        code: 'invalid_orderby',
        message: `$orderby: ${part} is not a field of ${entity.name}`,
      });
    }
    keys.push(`${q(m[1]!)} ${m[2]?.toLowerCase() === 'desc' ? 'DESC' : 'ASC'}`);
  }
  if (!keys.some((k) => k.startsWith('"id" '))) keys.push('"id" ASC');
  return keys.join(', ');
}

/**
 * The fields named by `$select` (`*` or absent: every field), in the order the entity declares
 * them; `id` is always included (the key of every record). A name that is not a field is a 400.
 */
export function parseSelect(entity: Entity, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((p) => p.trim());
  if (names.includes('*')) return undefined;
  const unknown = names.filter((name) => !entity.field(name));
  if (unknown.length || names.some((n) => n === '')) {
    const message = unknown.length
      ? `$select: ${unknown.join(', ')} ${unknown.length > 1 ? 'are not fields' : 'is not a field'} of ${entity.name}`
      : '$select: a field name is missing';
    throw new ContractError({
      code: 'invalid_select',
      message,
      errors: unknown.map((field) => ({
        field,
        code: 'unknown',
        message: `${field} is not a field of ${entity.name}`,
      })),
    });
  }
  const chosen = new Set(['id', ...names]);
  return entity.output.filter((name) => chosen.has(name));
}
