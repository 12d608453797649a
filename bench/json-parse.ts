/**
 * `node --import tsx bench/json-parse.ts`: the cost of reading a 10,000-record SaveMultiple JSON
 * body as the server does (long number literals kept exact), next to JSON.parse of the same text
 * and to lossless-json, for a body of ordinary decimals and one whose every price has 28 digits.
 * Median of 7 runs after a warm-up.
 */
import { randomUUID } from 'node:crypto';
import { parse as losslessParse } from 'lossless-json';
import { markLongNumbers, reviveLongNumbers } from '../src/schema/decimal.js';

const RECORDS = 10_000;

function body(price: string): string {
  const records = Array.from({ length: RECORDS }, (_, i) => ({
    id: randomUUID(),
    jobs_id: randomUUID(),
    article_id: randomUUID(),
    article_code: `ART-${i % 500}`,
    article_description: 'Replacement filter cartridge, 10 inch',
    quantity: 1 + (i % 5),
    price: '@',
    discount: 1.25,
    vat_rate: 21,
    vat_value: 2.84,
    remark: 'replaced during yearly maintenance',
    serial_number: `SN-${i}`,
    is_dummy: false,
    working_date: '2026-06-16T21:15:51.772Z',
  }));
  return JSON.stringify(records).replaceAll('"@"', price);
}

function exact(text: string): unknown {
  const marked = markLongNumbers(text);
  return marked ? reviveLongNumbers(JSON.parse(marked.text), marked) : JSON.parse(text);
}

function median(fn: () => unknown): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[3]!;
}

for (const [name, price] of [
  ['ordinary decimals', '13.5'],
  ['28-digit prices', '1234567890123456.789012345678'],
]) {
  const text = body(price!);
  const rows = {
    'JSON.parse': median(() => JSON.parse(text)),
    'server (exact)': median(() => exact(text)),
    'lossless-json': median(() => losslessParse(text)),
  };
  const mb = (text.length / 1024 / 1024).toFixed(1);
  console.log(`${name}, ${RECORDS} records, ${mb} MB:`);
  for (const [k, ms] of Object.entries(rows)) console.log(`  ${k.padEnd(16)} ${ms.toFixed(1)} ms`);
}
