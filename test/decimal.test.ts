/**
 * Exact decimals without a database: the JSON reader that keeps long number literals is held to
 * lossless-json (a parser that keeps every number's text) on generated documents, and the plain
 * form of a decimal to PostgreSQL's reading of the same literal's digits.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { isLosslessNumber, parse as losslessParse } from 'lossless-json';
import {
  ExactNumber,
  markLongNumbers,
  plainDecimal,
  reviveLongNumbers,
  significantDigits,
  stringifyExact,
} from '../src/schema/decimal.js';

/** The JSON reading the server does: JSON.parse, long literals kept as ExactNumber. */
function readExact(text: string): unknown {
  const marked = markLongNumbers(text);
  return marked ? reviveLongNumbers(JSON.parse(marked.text), marked) : JSON.parse(text);
}

/** lossless-json's reading, in the same shape: long literals as ExactNumber, others as numbers. */
function readOracle(text: string): unknown {
  return losslessParse(text, null, (literal) =>
    significantDigits(literal) > 15 ? new ExactNumber(literal) : Number(literal),
  );
}

const literal = fc
  .tuple(
    fc.boolean(),
    fc.stringMatching(/^(0|[1-9]\d{0,30})$/),
    fc.option(fc.stringMatching(/^\d{1,30}$/)),
    fc.option(fc.integer({ min: -40, max: 40 })),
  )
  .map(([neg, whole, fraction, exp]) => {
    const e = exp === null ? '' : `e${exp}`;
    return `${neg ? '-' : ''}${whole}${fraction === null ? '' : `.${fraction}`}${e}`;
  });

/** JSON values whose numbers are literals of any length, and strings with digits, quotes and escapes. */
const { value: jsonText } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    literal,
    fc
      .string({ unit: fc.constantFrom('1', '2', '"', '\\', 'a', '.', 'e', ' ', 'é') })
      .map((s) => JSON.stringify(s)),
    fc.constantFrom('true', 'false', 'null'),
    fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(', ')}]`),
    fc
      // Distinct names: lossless-json refuses a name given twice with two values.
      .uniqueArray(fc.tuple(fc.string({ maxLength: 4 }), tie('value')), {
        maxLength: 5,
        selector: ([k]) => k,
      })
      .map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
}));

it('reads every number literal as lossless-json does, long ones digit for digit', () => {
  fc.assert(
    fc.property(jsonText, (text) => {
      assert.deepEqual(readExact(text), readOracle(text));
    }),
    { numRuns: 2000 },
  );
});

it('leaves malformed JSON malformed', () => {
  for (const text of [
    '[12345678901234567890',
    '{"a":12345678901234567890,}',
    '[01234567890123456789]',
    '"\\"12345678901234567890',
  ]) {
    assert.throws(() => JSON.parse(text));
    assert.throws(() => readExact(text), text);
  }
});

/** Every number as its plain decimal text (1e15 and 1000000000000000 are one value). */
const plain = (value: unknown): unknown =>
  typeof value === 'number' || value instanceof ExactNumber
    ? plainDecimal(value)
    : Array.isArray(value)
      ? value.map(plain)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
        : value;

it('writes ExactNumbers back as their literals', () => {
  fc.assert(
    fc.property(jsonText, (text) => {
      const value = readExact(text);
      assert.deepEqual(plain(readExact(stringifyExact(value))), plain(value));
    }),
    { numRuns: 500 },
  );
  const oracle = losslessParse(stringifyExact({ a: [new ExactNumber('1234567890123456.789012345678')] })) as {
    a: unknown[];
  };
  assert.ok(isLosslessNumber(oracle.a[0]) && String(oracle.a[0]) === '1234567890123456.789012345678');
});

it('writes decimals in plain form, digits kept', () => {
  const cases: Array<[string, string | undefined]> = [
    ['1e-7', '0.0000001'],
    ['1e21', '1000000000000000000000'],
    ['-1.50', '-1.50'],
    ['+.5', '0.5'],
    ['12345678901234567890.5e-30', '0.0000000000123456789012345678905'],
    ['1.5E+3', '1500'],
    ['0012', '0012'],
    ['1e999', undefined],
  ];
  for (const [text, plain] of cases) assert.equal(plainDecimal(new ExactNumber(text)), plain, text);
  assert.equal(plainDecimal(1e-7), '0.0000001');
  assert.equal(plainDecimal(0.1 + 0.2), '0.30000000000000004');
});
