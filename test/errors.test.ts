/** Unexpected failures: logged with their cause, answered with a generic body that leaks nothing. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { openTestDatabase, type TestDatabase } from './helpers.js';

let test: TestDatabase;
let app: FastifyInstance;
let logged = '';

before(async () => {
  test = await openTestDatabase();
  const stream = new PassThrough();
  stream.on('data', (d: Buffer) => (logged += d.toString()));
  app = await buildApp({ db: test.db, logStream: stream, config: { logLevel: 'error' } });
  app.get('/boom', () => {
    throw new Error('connection string postgres://secret@db');
  });
  await app.ready();
});
after(async () => {
  await app.close();
  await test.close();
});

it('a 500 logs the cause and returns a generic body', async () => {
  const res = await app.inject({ method: 'GET', url: '/boom' });
  assert.equal(res.statusCode, 500);
  assert.deepEqual(res.json(), {
    status: 500,
    code: 'internal_error',
    message: 'An internal error occurred; it has been logged',
  });
  assert.doesNotMatch(res.body, /secret/);
  assert.match(logged, /connection string postgres:\/\/secret@db/);
  assert.ok(res.headers['x-request-id']);
});

it('credentials never reach the log', async () => {
  await app.inject({ method: 'GET', url: '/boom', headers: { authorization: 'Basic c2VjcmV0OnB3QGQ=' } });
  assert.doesNotMatch(logged, /c2VjcmV0OnB3QGQ=/);
});
