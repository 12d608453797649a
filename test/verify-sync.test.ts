/**
 * The sync feed harness (`npm run verify:sync`) for a short bounded time on the database of this
 * run: on PostgreSQL 3 server processes on a cluster of its own with a held-open transaction,
 * purges, kill -9 and a database restart; on PGlite one process killed and restarted on its
 * folder. Fails on any missing, extra, stale or twice-delivered record and any lost write.
 * SYNC_VERIFY_SECONDS sets the time (40 s here by default; README gives a 600 s run).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { onPostgres } from './helpers.js';

const seconds = process.env['SYNC_VERIFY_SECONDS'] || '40';

it(`verify:sync holds for ${seconds} s on ${onPostgres ? 'PostgreSQL' : 'PGlite'}`, async () => {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/verify-sync.ts',
      '--seconds',
      seconds,
      '--scenario',
      onPostgres ? 'postgres' : 'pglite',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  assert.equal(code, 0, out);
  assert.match(out, /: passed\n/, out);
});
