/**
 * Bounded cost per request, against a real server process over real sockets: a body over the
 * limit of a single-record route is a 413 naming the limit (Content-Length or not); a 10 MB XML
 * batch is read while /health keeps answering (the server's own event-loop delay and a poller
 * both stay low); XML nested too deep is a 400; character references are decoded once;
 * DataContract batches still save; nothing is stored by a refused or cut-off request.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { XSI } from '../src/schema/xml.js';
import { createTenant, onPostgres, openTestDatabase, type TestDatabase } from './helpers.js';
import { startServer, type ServerProcess } from './process.js';
import { seedDataDir } from './templates.js';

const SINGLE_LIMIT = 1024 * 1024;
const MAX_BATCH = 10_000;
/** The longest the server may hold its event loop while it reads a 10 MB XML body. */
const MAX_HOLD_MS = 500;
const DATACONTRACT = 'http://schemas.datacontract.org/2004/07/FieldService.Models';

let server: ServerProcess;
let testDb: TestDatabase | undefined;
let dataDir: string | undefined;
let token = '';
let port = 0;

before(async () => {
  let env: NodeJS.ProcessEnv;
  if (onPostgres) {
    testDb = await openTestDatabase();
    token = (await createTenant(testDb.db, 'limits.test')).token;
    env = { DATABASE_URL: testDb.url };
  } else {
    // The embedded database is one process: prepared here, closed, then opened by the server.
    dataDir = mkdtempSync(join(tmpdir(), 'fs-limits-'));
    await seedDataDir(join(dataDir, 'db'));
    const db = await openDatabase({ dataDir: join(dataDir, 'db') });
    await migrate(db);
    token = (await createTenant(db, 'limits.test')).token;
    await db.close();
    env = { DATABASE_URL: '', PGLITE_DATA_DIR: join(dataDir, 'db') };
  }
  server = await startServer({ ...env, RATE_LIMIT_PER_MINUTE: '0', PURGE_INTERVAL_MINUTES: '0' });
  port = Number(new URL(server.url).port);
});
after(async () => {
  if (server) await server.stop();
  if (testDb) await testDb.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One request as raw bytes on its own connection, written as a client that sends its whole body
 * before it reads: the head, then the body in 64 KB writes (with Content-Length, or chunked), then
 * the answer is read. A server that refuses the body early must not lose its answer to a reset
 * of the connection while bytes still arrive. `cutAfter`: the connection is dropped after that
 * many bytes, and no answer is expected.
 */
async function raw(
  method: string,
  path: string,
  options: {
    type?: string;
    accept?: string;
    body?: Buffer;
    chunked?: boolean;
    cutAfter?: number;
    authorization?: string;
  } = {},
): Promise<Answer | undefined> {
  const body = options.body ?? Buffer.alloc(0);
  const socket = connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  let closed = false;
  socket.on('data', (d: Buffer) => received.push(d));
  // The server may answer and close before the whole body is sent: the rest is refused by the
  // peer (EPIPE, ECONNRESET), which is expected here.
  socket.on('error', () => undefined);
  const ended = new Promise<void>((resolve) =>
    socket.on('close', () => {
      closed = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const head = [
    `${method} ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    `Authorization: ${options.authorization ?? `Bearer ${token}`}`,
    'Connection: close',
    `Accept: ${options.accept ?? 'application/json'}`,
    ...(options.type ? [`Content-Type: ${options.type}`] : []),
    options.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`,
  ];
  socket.write(`${head.join('\r\n')}\r\n\r\n`);
  const limit = Math.min(options.cutAfter ?? body.length, body.length);
  for (let at = 0; at < limit && !closed; at += 65536) {
    const piece = body.subarray(at, Math.min(at + 65536, limit));
    const frame = options.chunked
      ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
      : piece;
    if (!socket.write(frame)) {
      await new Promise<void>((resolve) => {
        socket.once('drain', resolve);
        socket.once('close', resolve);
      });
    }
  }
  if (options.cutAfter !== undefined) {
    socket.destroy();
    await ended;
    return undefined;
  }
  if (options.chunked && !closed) socket.write('0\r\n\r\n');
  const timer = setTimeout(() => socket.destroy(), 60_000);
  await ended;
  clearTimeout(timer);
  const text = Buffer.concat(received).toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  assert.ok(split > 0, `no answer to ${method} ${path}: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let rest = text.slice(split + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    let out = '';
    for (;;) {
      const eol = rest.indexOf('\r\n');
      const size = parseInt(rest.slice(0, eol), 16);
      if (!size) break;
      out += rest.slice(eol + 2, eol + 2 + size);
      rest = rest.slice(eol + 2 + size + 2);
    }
    rest = out;
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: rest };
}

/** `raw`, with an answer expected. */
async function answered(method: string, path: string, options: Parameters<typeof raw>[2]): Promise<Answer> {
  const answer = await raw(method, path, options);
  assert.ok(answer, `no answer to ${method} ${path}`);
  return answer;
}

const post = async (
  path: string,
  type: string,
  body: string | Buffer,
  options: { chunked?: boolean; accept?: string } = {},
): Promise<Answer> => answered('POST', path, { type, body: Buffer.from(body), ...options });
const get = async (path: string, accept = 'application/json'): Promise<Answer> => {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}`, accept } });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
};
const codeOf = (a: Answer): string => (JSON.parse(a.body) as { code: string }).code;
const absent = async (entityRoute: string, ids: string[]): Promise<void> => {
  for (const id of ids)
    assert.equal((await get(`/api/${entityRoute}(${id})`)).status, 404, `${id} was stored`);
};

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A job_part_usage record as the .NET DataContractSerializer writes it: sorted elements, i:nil. */
function part(id: string, i: number): string {
  const fields: Record<string, string | null> = {
    article_code: `ART-${i % 500}`,
    article_description: 'Replacement filter cartridge, 10 inch, for the kitchen sink unit',
    article_name: `Filter cartridge ${i % 500}`,
    discount: '1.25',
    id,
    is_dummy: 'false',
    no_warranty_reason: null,
    price: '13.5',
    quantity: String(1 + (i % 5)),
    remark: `replaced during yearly maintenance & checked <ok>; ${'x'.repeat(200)}`,
    serial_number: `SN-${i}`,
    working_date: '2026-06-16T21:15:51.772Z',
  };
  const inner = Object.entries(fields)
    .map(([k, v]) => (v === null ? `<${k} i:nil="true"/>` : `<${k}>${esc(v)}</${k}>`))
    .join('');
  return `<job_part_usage>${inner}</job_part_usage>`;
}

function dataContractBatch(ids: string[]): string {
  const items = ids.map((id, i) => part(id, i)).join('');
  return `<?xml version="1.0" encoding="utf-8"?><ArrayOfjob_part_usage xmlns:i="${XSI}" xmlns="${DATACONTRACT}">${items}</ArrayOfjob_part_usage>`;
}

/** The server's largest event-loop delay since the last scrape of /metrics, in ms. */
async function serverHoldMs(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
  assert.ok(m, 'the server reports its event-loop delay');
  return Number(m[1]) * 1000;
}

/** Polls /health one request after the other (at most 20,000, at most 2 minutes) until stopped. */
function pollHealth(): { stop(): Promise<{ longest: number; count: number }> } {
  let running = true;
  let longest = 0;
  let count = 0;
  const started = performance.now();
  const done = (async () => {
    while (running && count < 20_000 && performance.now() - started < 120_000) {
      const t = performance.now();
      const res = await fetch(`${server.url}/health`);
      await res.text();
      assert.equal(res.status, 200);
      longest = Math.max(longest, performance.now() - t);
      count++;
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return { longest, count };
    },
  };
}

describe('body limits per route', () => {
  it('a 10 MB XML body to a single-record route is a 413 naming the limit; nothing is stored', async () => {
    const id = randomUUID();
    const big = `<job_part_usage xmlns:i="${XSI}"><id>${id}</id><remark>${'x'.repeat(10 << 20)}</remark></job_part_usage>`;
    for (const path of ['/api/JobPartUsage', '/api/JobPartUsage/Save', `/api/JobPartUsage(${id})`]) {
      const method = path.includes('(') ? 'PUT' : 'POST';
      // Refused on its Content-Length: the server answers before the body is sent.
      const res = await answered(method, path, { type: 'application/xml', body: Buffer.from(big) });
      assert.equal(res.status, 413, `${method} ${path}: ${res.body.slice(0, 300)}`);
      assert.equal(codeOf(res), 'body_too_large');
      assert.match(res.body, new RegExp(`limit of ${SINGLE_LIMIT} bytes`));
    }
    await absent('JobPartUsage', [id]);
  });

  it('the same limit holds for JSON and for a body sent chunked, without Content-Length', async () => {
    const id = randomUUID();
    const json = JSON.stringify({ id, quantity: 1, remark: 'y'.repeat(2 << 20) });
    const xml = `<job_part_usage xmlns:i="${XSI}"><id>${id}</id><remark>${'y'.repeat(2 << 20)}</remark></job_part_usage>`;
    for (const [type, body, chunked] of [
      ['application/json', json, false],
      ['application/json', json, true],
      ['application/xml', xml, true],
      ['text/xml', xml, true],
    ] as const) {
      // Without Content-Length the server counts the bytes: it answers once past the limit.
      const res = await post('/api/JobPartUsage/Save', type, body, { chunked });
      assert.equal(res.status, 413, `${type} chunked=${chunked}: ${res.body.slice(0, 300)}`);
      assert.equal(codeOf(res), 'body_too_large');
    }
    // Just under the limit is read (and refused by the field's length, not by its size).
    const under = `<job_part_usage xmlns:i="${XSI}"><id>${id}</id><remark>${'z'.repeat(SINGLE_LIMIT - 200)}</remark></job_part_usage>`;
    const res = await post('/api/JobPartUsage/Save', 'application/xml', under, { chunked: true });
    assert.equal(res.status, 400, res.body.slice(0, 300));
    assert.equal(codeOf(res), 'validation_failed');
    await absent('JobPartUsage', [id]);
  });

  it('a client that writes its whole body before it reads gets every refusal, none lost to a reset', async () => {
    // 4 MB on one connection: the server refuses on the head (413, or 401 for a bad credential)
    // while most of the body is still to come. Closed with those bytes unread, the connection
    // would be reset and the answer lost, about one time in three on loopback.
    const body = Buffer.alloc(4 << 20, 'a');
    for (let attempt = 0; attempt < 12; attempt++) {
      const res = await answered('POST', '/api/JobPartUsage/Save', { type: 'application/json', body });
      assert.equal(res.status, 413, `attempt ${attempt}: ${res.body.slice(0, 300)}`);
      assert.equal(res.headers['connection'], 'close');
    }
    for (let attempt = 0; attempt < 4; attempt++) {
      const res = await answered('POST', '/api/JobPartUsage/Save', {
        type: 'application/json',
        body,
        authorization: 'Bearer not-a-token',
      });
      assert.equal(res.status, 401, `attempt ${attempt}: ${res.body.slice(0, 300)}`);
    }
  });

  it(
    'a 10 MB XML batch is read while /health keeps answering, then refused by the batch limit',
    { timeout: 180_000 },
    async () => {
      const ids = Array.from({ length: MAX_BATCH + 4000 }, () => randomUUID());
      const body = Buffer.from(dataContractBatch(ids));
      assert.ok(body.length > 10 << 20, `${body.length} bytes`);
      // The poller's own baseline on this machine, just before, with the server idle.
      const idle = pollHealth();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const baseline = await idle.stop();
      await serverHoldMs(); // resets the server's measure
      const poller = pollHealth();
      const t = performance.now();
      const res = await post('/api/JobPartUsage/SaveMultiple', 'application/xml', body);
      const ms = performance.now() - t;
      const during = await poller.stop();
      const hold = await serverHoldMs();
      const figures = `${Math.round(ms)} ms; server event loop held at most ${Math.round(hold)} ms; /health waited at most ${Math.round(during.longest)} ms over ${during.count} requests (idle: ${Math.round(baseline.longest)} ms)`;
      console.log(`10 MB XML batch: ${figures}`);
      assert.equal(res.status, 413, res.body.slice(0, 300));
      assert.equal(codeOf(res), 'batch_too_large');
      assert.match(res.body, new RegExp(`at most ${MAX_BATCH} records, this one has ${ids.length}`));
      assert.ok(hold < MAX_HOLD_MS, figures);
      assert.ok(during.longest < MAX_HOLD_MS + baseline.longest, figures);
      assert.ok(during.count > 5, figures);
      await absent('JobPartUsage', [ids[0]!, ids[ids.length - 1]!]);
    },
  );
});

describe('XML as it is read', () => {
  it('XML nested deeper than 32 levels is a 400 too_deep on single and batch routes', async () => {
    const id = randomUUID();
    for (const levels of [33, 5000]) {
      const deep = `${'<a>'.repeat(levels)}x${'</a>'.repeat(levels)}`;
      for (const [path, body] of [
        ['/api/JobType', `<job_type xmlns:i="${XSI}"><id>${id}</id><name>n</name>${deep}</job_type>`],
        [
          '/api/JobType/SaveMultiple',
          `<ArrayOfjob_type xmlns:i="${XSI}"><job_type><id>${id}</id><name>n</name>${deep}</job_type></ArrayOfjob_type>`,
        ],
      ] as const) {
        const res = await post(path, 'application/xml', body);
        assert.equal(res.status, 400, `${levels} levels, ${path}: ${res.body.slice(0, 300)}`);
        assert.equal(codeOf(res), 'too_deep');
        assert.match(res.body, /nested more than 32 levels/);
      }
    }
    // Within the bound the unknown nested element is ignored and the record is saved.
    const within = `<job_type xmlns:i="${XSI}"><id>${id}</id><name>n</name>${'<a>'.repeat(30)}x${'</a>'.repeat(30)}</job_type>`;
    assert.equal((await post('/api/JobType', 'application/xml', within)).status, 201);
  });

  it('character references are decoded once: &amp;lt; is stored as &lt; and written back as &amp;lt;', async () => {
    const id = randomUUID();
    const xml = `<job_type xmlns:i="${XSI}"><code i:nil="true"/><description><![CDATA[a &amp; <b>]]></description><id>${id}</id><name>x &amp;lt; y &#x26;gt; &#65;</name></job_type>`;
    const res = await post('/api/JobType', 'application/xml', xml);
    assert.equal(res.status, 201, res.body);
    const json = JSON.parse((await get(`/api/JobType(${id})`)).body) as Record<string, unknown>;
    assert.equal(json['name'], 'x &lt; y &gt; A');
    assert.equal(json['description'], 'a &amp; <b>');
    assert.ok(!('code' in json), 'no value: left out');
    const back = (await get(`/api/JobType(${id})`, 'application/xml')).body;
    assert.match(back, /<name>x &amp;lt; y &amp;gt; A<\/name>/);
    assert.match(back, /<description>a &amp;amp; &lt;b&gt;<\/description>/);
  });

  it(
    'DataContract XML batches save, across several bulk statements, and replay unchanged',
    { timeout: 120_000 },
    async () => {
      const ids = Array.from({ length: 2500 }, () => randomUUID());
      const body = dataContractBatch(ids);
      const xml = { accept: 'application/xml' };
      const first = await post('/api/JobPartUsage/SaveMultiple', 'application/xml', body, xml);
      assert.equal(first.status, 200, first.body.slice(0, 300));
      assert.match(first.headers['content-type'] ?? '', /application\/xml/);
      const statuses = (xml: string) => [...xml.matchAll(/<status>(\w+)<\/status>/g)].map((m) => m[1]);
      assert.deepEqual(new Set(statuses(first.body)), new Set(['created']));
      assert.equal(statuses(first.body).length, ids.length);
      const stored = JSON.parse((await get(`/api/JobPartUsage(${ids[1234]!})`)).body) as Record<
        string,
        unknown
      >;
      assert.equal(stored['remark'], `replaced during yearly maintenance & checked <ok>; ${'x'.repeat(200)}`);
      assert.ok(!('no_warranty_reason' in stored), 'no value: left out');
      assert.equal(stored['quantity'], 1 + (1234 % 5));
      const again = await post('/api/JobPartUsage/SaveMultiple', 'text/xml', body, xml);
      assert.equal(again.status, 200, again.body.slice(0, 300));
      assert.deepEqual(new Set(statuses(again.body)), new Set(['unchanged']));
    },
  );

  it('malformed, declared or oversized XML stores nothing, and neither does a body cut off midway', async () => {
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const whole = dataContractBatch(ids);
    const cases: Array<[string, string, number, string]> = [
      ['truncated', whole.slice(0, whole.length - 40), 400, 'malformed_xml'],
      ['two roots', `${whole}<x/>`, 400, 'malformed_xml'],
      [
        'an entity declaration',
        whole.replace('<job_part_usage>', '<!ENTITY x "y"><job_part_usage>'),
        400,
        'xml_doctype_forbidden',
      ],
      [
        'a DOCTYPE',
        `<!DOCTYPE r [<!ENTITY x "y">]>${whole.slice(whole.indexOf('<Array'))}`,
        400,
        'xml_doctype_forbidden',
      ],
      ['an undefined entity', whole.replace('ART-0', '&x;'), 400, 'malformed_xml'],
      [
        'a __proto__ element',
        whole.replace('<price>', '<__proto__><polluted>1</polluted></__proto__><price>'),
        400,
        'malformed_xml',
      ],
      [
        'too many attributes',
        whole.replace(
          '<job_part_usage>',
          `<job_part_usage${Array.from({ length: 100 }, (_, i) => ` a${i}="1"`).join('')}>`,
        ),
        413,
        'body_too_large',
      ],
    ];
    for (const [what, body, status, code] of cases) {
      const res = await post('/api/JobPartUsage/SaveMultiple', 'application/xml', body);
      assert.equal(res.status, status, `${what}: ${res.body.slice(0, 300)}`);
      assert.equal(codeOf(res), code, what);
    }
    const malformed = await post('/api/JobPartUsage/SaveMultiple', 'application/xml', '<a>\n<b></c></a>');
    assert.match(JSON.parse(malformed.body).message as string, /line 2, column \d+/);
    // A client that drops the connection halfway through its body.
    await raw('POST', '/api/JobPartUsage/SaveMultiple', {
      type: 'application/xml',
      body: Buffer.from(whole),
      cutAfter: Math.floor(whole.length / 2),
    });
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    await absent('JobPartUsage', [ids[0]!, ids[25]!, ids[49]!]);
  });
});
