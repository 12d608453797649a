/**
 * `node --import tsx bench/xml-parse.ts`: the cost of reading XML bodies next to JSON.parse of the
 * same data, for the shapes clients send: a SaveMultiple of job_part_usage records as the .NET
 * DataContractSerializer writes them, records with a 4,000-character memo, one long text, many attributes,
 * many distinct element names. For each: total parse time and the longest stretch the parse holds
 * the event loop (one synchronous call for JSON.parse and a whole-document parse; for the parse fed
 * slice by slice as the server does, the longest slice). XML_BENCH_MB=1,10 chooses the sizes.
 */
import { randomUUID } from 'node:crypto';
import { parseXml, xmlReader, XmlRefused, XSI } from '../src/schema/xml.js';

const SIZES = (process.env['XML_BENCH_MB'] ?? '1,10').split(',').map(Number);
const MB = 1024 * 1024;
const NS = 'http://schemas.datacontract.org/2004/07/FieldService.Models';

function part(i: number): Record<string, unknown> {
  return {
    article_code: `ART-${i % 500}`,
    article_description: 'Replacement filter cartridge, 10 inch',
    article_id: randomUUID(),
    article_name: `Filter cartridge ${i % 500}`,
    discount: 1.25,
    id: randomUUID(),
    included_on_last_stock_compute: false,
    is_dummy: false,
    jobs_id: randomUUID(),
    no_warranty_reason: null,
    price: 13.5,
    quantity: 1 + (i % 5),
    remark: 'replaced during yearly maintenance & checked <ok>',
    serial_number: `SN-${i}`,
    user_id: randomUUID(),
    vat_rate: 21,
    vat_value: 2.84,
    working_date: '2026-06-16T21:15:51.772Z',
  };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const element = (name: string, v: unknown): string =>
  v === null ? `<${name} i:nil="true"/>` : `<${name}>${esc(String(v))}</${name}>`;

interface Shape {
  name: string;
  xml: string;
  json: string;
}

function batch(bytes: number): Shape {
  const items: string[] = [];
  const records: unknown[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const r = part(i);
    const x = `<job_part_usage>${Object.entries(r)
      .map(([k, v]) => element(k, v))
      .join('')}</job_part_usage>`;
    items.push(x);
    records.push(r);
    size += x.length;
  }
  return {
    name: `batch of ${records.length} job_part_usage`,
    xml: `<ArrayOfjob_part_usage xmlns:i="${XSI}" xmlns="${NS}">${items.join('')}</ArrayOfjob_part_usage>`,
    json: JSON.stringify(records),
  };
}

const MEMO = 'Customer reports a leak under the sink; replaced the seal & tested. '.repeat(60).slice(0, 4000);

function longText(bytes: number): Shape {
  const text = MEMO.repeat(Math.ceil(bytes / MEMO.length)).slice(0, bytes);
  return {
    name: 'one record, one text of the whole size',
    xml: `<jobs xmlns:i="${XSI}">${element('description', text)}</jobs>`,
    json: JSON.stringify({ description: text }),
  };
}

function memos(bytes: number): Shape {
  const n = Math.max(1, Math.floor(bytes / 4200));
  const records = Array.from({ length: n }, (_, i) => ({ id: randomUUID(), line: i + 1, memo: MEMO }));
  const items = records.map(
    (r) =>
      `<purchase_order_details>${Object.entries(r)
        .map(([k, v]) => element(k, v))
        .join('')}</purchase_order_details>`,
  );
  return {
    name: `batch of ${n} records with a 4,000-character memo`,
    xml: `<ArrayOfpurchase_order_details xmlns:i="${XSI}" xmlns="${NS}">${items.join('')}</ArrayOfpurchase_order_details>`,
    json: JSON.stringify(records),
  };
}

function attributes(bytes: number): Shape {
  const n = Math.floor(bytes / 16);
  const attrs = Array.from({ length: n }, (_, i) => ` a${i}="v${i}"`).join('');
  return {
    name: `one element with ${n} attributes`,
    xml: `<jobs xmlns:i="${XSI}"${attrs}><name>x</name></jobs>`,
    json: JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, `v${i}`]))),
  };
}

function distinct(bytes: number): Shape {
  const n = Math.floor(bytes / 22);
  const names = Array.from({ length: n }, (_, i) => `e${i}`);
  return {
    name: `${n} distinct element names`,
    xml: `<jobs xmlns:i="${XSI}">${names.map((k) => `<${k}>1</${k}>`).join('')}</jobs>`,
    json: JSON.stringify(Object.fromEntries(names.map((k) => [k, '1']))),
  };
}

/** Milliseconds `fn` ran, and whether it refused the document (a limit) instead of reading it. */
function time(fn: () => unknown): { ms: number; refused?: string } {
  const t = performance.now();
  try {
    fn();
    return { ms: performance.now() - t };
  } catch (err) {
    if (!(err instanceof XmlRefused)) throw err;
    return { ms: performance.now() - t, refused: err.reason };
  }
}

/** Feeds the text in slices of 16K characters, as the server does; returns total and longest slice. */
function streamed(text: string): { ms: number; longest: number; refused?: string } {
  const reader = xmlReader({ maxNesting: 32, maxElements: 1_000_000 });
  let longest = 0;
  const t = performance.now();
  for (let i = 0; i <= text.length; i += 16384) {
    const last = i + 16384 > text.length;
    const slice = time(() => {
      reader.write(text.slice(i, i + 16384));
      if (last) reader.end();
    });
    longest = Math.max(longest, slice.ms);
    if (slice.refused) return { ms: performance.now() - t, longest, refused: slice.refused };
  }
  return { ms: performance.now() - t, longest };
}

const fmt = (ms: number): string => `${Math.round(ms).toLocaleString('en-US')} ms`;
console.log(`# XML parse cost (node ${process.version})`);
// A warm-up, so that the first shape does not pay for compiling the parser.
streamed(batch(MB).xml);
console.log('| shape | size | parseXml (one call) | streamed: total / longest slice | JSON.parse |');
console.log('|---|---|---|---|---|');
for (const mb of SIZES) {
  for (const make of [batch, memos, longText, attributes, distinct]) {
    const shape = make(mb * MB);
    const one = time(() => parseXml(shape.xml));
    const whole = `${fmt(one.ms)}${one.refused ? ` (refused: ${one.refused})` : ''}`;
    const s = streamed(shape.xml);
    const stream = `${fmt(s.ms)} / ${fmt(s.longest)}${s.refused ? ` (refused: ${s.refused})` : ''}`;
    const json = fmt(time(() => JSON.parse(shape.json)).ms);
    const size = `${(shape.xml.length / MB).toFixed(1)} MB`;
    console.log(`| ${shape.name} | ${size} | ${whole} | ${stream} | ${json} |`);
  }
}
