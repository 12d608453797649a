/** Hostile inputs for the fuzz tests: values, bodies, XML and query fragments (fast-check). */
import fc from 'fast-check';
import type { Entity } from '../src/schema/registry.js';
import { escapeXml, XSI } from '../src/schema/xml.js';

/** Ids of another tenant's records, filled by the test's set-up: they must never be reachable. */
export const foreignIds: string[] = [];

export const TYPES = { json: 'application/json', xml: 'application/xml' };

/** A value written as is, as JSON text and as XML content (bytes: invalid UTF-8 gets through). */
export class Raw {
  readonly xml: Buffer;
  constructor(
    readonly json: Buffer,
    xml?: Buffer,
  ) {
    this.xml = xml ?? json;
  }
}
export const raw = (json: string | Buffer, xml?: string | Buffer): Raw =>
  new Raw(Buffer.from(json), xml === undefined ? undefined : Buffer.from(xml));
export type Entry = [string, unknown];

export const jsonOf = (v: unknown): Buffer =>
  v instanceof Raw ? v.json : Buffer.from(JSON.stringify(v) ?? 'null');
export const jsonObject = (entries: Entry[]): Buffer =>
  Buffer.concat([
    Buffer.from('{'),
    ...entries.flatMap(([k, v], i) => [Buffer.from(`${i ? ',' : ''}${JSON.stringify(k)}:`), jsonOf(v)]),
    Buffer.from('}'),
  ]);
export function xmlOf(name: string, v: unknown): Buffer {
  if (v === null || v === undefined) return Buffer.from(`<${name} i:nil="true"/>`);
  let inner: Buffer;
  if (v instanceof Raw) inner = v.xml;
  else if (Array.isArray(v)) inner = Buffer.concat(v.map((x) => xmlOf('item', x)));
  else if (typeof v === 'object') inner = Buffer.concat(Object.entries(v).map(([k, x]) => xmlOf(k, x)));
  else inner = Buffer.from(escapeXml(String(v)));
  return Buffer.concat([Buffer.from(`<${name}>`), inner, Buffer.from(`</${name}>`)]);
}
export const xmlRecord = (e: Entity, entries: Entry[], ns: boolean): Buffer =>
  Buffer.concat([
    Buffer.from(`<${e.name}${ns ? ` xmlns:i="${XSI}"` : ''}>`),
    ...entries.map(([k, v]) => xmlOf(k, v)),
    Buffer.from(`</${e.name}>`),
  ]);

const list = (text: string): string[] => text.split(' | ');
export const SQL = list(
  `'; DROP TABLE jobs; -- | 1=1 | ) or (1 eq 1 | ' or ''=' | x' OR 1=1-- | " | ' | (( | )) | /* | -- | ; | \\ | % | _ | $1 | ::text | pg_sleep(10) | null`,
);
export const DATES = list(
  '0000-01-01 | 10000-01-01 | 2026-02-30 | 2026-06-16T25:00:00Z | 2026-06-16T23:59:60Z | 2026-6-16 | -2026-06-16',
);
DATES.push(
  ...list('2026-06-16T12:00:00.1234567890Z | +002026-06-16 | 2026-06-16 12:00 |  2026-06-16 | 1970-01-01'),
);
DATES.push('2026-06-16T12:00:00+14:00', '9999-12-31T23:59:59-14:00');
export const NUMBERS = list(
  '1e309 | -1e309 | -0 | 9007199254740993 | 123456789012345678901234567890 | 1e-400 | 0x10',
);
NUMBERS.push(...list('-2147483649 | 2147483648 | 0.1e1 | 1E+2 | 00 | - | 1. | .5 | NaN | Infinity'));
export const BYTES = [
  [0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0x80],
  [0xe2],
];
export const POLLUTE = list(
  '{"__proto__":{"polluted":"yes"}} | {"constructor":{"prototype":{"polluted":"yes"}}}',
);
POLLUTE.push(
  '[{"__proto__":{"polluted":1}}]',
  '{"a":{"__proto__":{"polluted":1},"constructor":{"prototype":1}}}',
);
export const PROTO_XML =
  '<__proto__><polluted>1</polluted></__proto__><constructor><prototype>1</prototype></constructor>';

export const nest = (d: number, obj: boolean): Raw =>
  obj
    ? raw(`${'{"a":'.repeat(d)}1${'}'.repeat(d)}`, `${'<a>'.repeat(d)}1${'</a>'.repeat(d)}`)
    : raw(`${'['.repeat(d)}${']'.repeat(d)}`, `${'<item>'.repeat(d)}${'</item>'.repeat(d)}`);

/** Wrong types, huge strings, deep nesting, control characters, broken text, odd numbers and dates. */
export const hostile = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 20 })),
    fc.oneof(fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.nat())),
    fc
      .tuple(fc.integer({ min: 200, max: 100_000 }), fc.constantFrom('x', 'é', '😀', '<&>', "'"))
      .map(([n, c]) => c.repeat(Math.ceil(n / c.length))),
    fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.boolean()).map(([d, o]) => nest(d, o)),
    fc.string({
      unit: fc.constantFrom(...'\0\x01\b\v\f\x1b\x1f\x7f\x85\u2028\u202e\ufeff\ufffe\uffff'),
      minLength: 1,
    }),
    fc
      .constantFrom(['\ud800', 'D800'], ['a\udfffb', 'DFFF'])
      .map(([s, x]) => raw(JSON.stringify(s), `a&#x${x};`)),
    fc
      .constantFrom(...BYTES)
      .map((b) => raw(Buffer.from([0x22, 0x61, ...b, 0x22]), Buffer.from([0x61, ...b]))),
    fc.constantFrom(...NUMBERS).map((n) => raw(n)),
    fc.constantFrom(-0, 2 ** 53 + 1, Number.MIN_VALUE, 2 ** 31, -(2 ** 31) - 1, 1e21),
    fc.constantFrom(...DATES),
    fc.constantFrom(...POLLUTE).map((s) => raw(s, PROTO_XML)),
    fc.constantFrom(...foreignIds),
    fc.jsonValue({ maxDepth: 3 }),
  );

export const inputNames = (e: Entity): string[] => [
  ...e.writable,
  ...e.refs.flatMap((r) => [r.spec.key?.field, r.spec.embed?.field].filter((n): n is string => !!n)),
];
export const keyName = (e: Entity) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...inputNames(e)) },
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'row_version', 'tenant_id'),
    fc.string({ maxLength: 12 }),
  );
export const mutations = (e: Entity) =>
  fc.array(fc.tuple(fc.constantFrom('set', 'set', 'dup', 'drop'), keyName(e), hostile()), {
    minLength: 1,
    maxLength: 4,
  });

export function mutate(base: Record<string, unknown>, muts: Array<[string, string, unknown]>): Entry[] {
  let entries: Entry[] = Object.entries(base);
  for (const [op, key, value] of muts) {
    const at = entries.findIndex(([k]) => k === key);
    if (op === 'drop') entries = entries.filter(([k]) => k !== key);
    else if (op === 'set' && at >= 0) entries[at] = [key, value];
    else entries.push([key, value]);
  }
  return entries;
}

/** Percent-encodes any text, lone surrogates included (as the bytes of U+FFFD). */
export const encode = (s: string): string => {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
};

/** A 4xx with the API's error body `{status, code, message}`. */
export function apiError(body: string, status: number): boolean {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return status >= 400 && status < 500 && parsed['status'] === status && typeof parsed['code'] === 'string';
  } catch {
    return false;
  }
}
