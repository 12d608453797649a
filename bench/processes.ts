/**
 * What the benchmarks share: a free loopback port, a server process started and awaited, its
 * memory, and a scratch PostgreSQL database created for one run and dropped after it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * How `npm start` runs the server, read from package.json's start script
 * (`[NAME=value ..] exec node [--flag ..] dist/server.js`): its environment and node's flags.
 */
export function startCommand(): { env: Record<string, string>; flags: string[] } {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0) throw new Error(`npm start does not run node: ${pkg.scripts.start}`);
  const env: Record<string, string> = {};
  for (const word of words.slice(0, node)) {
    const assignment = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(word);
    if (assignment) env[assignment[1]!] = assignment[2]!;
  }
  const flags = words.slice(node + 1).filter((w) => w.startsWith('--'));
  return { env, flags };
}

/** Starts `script` on a free loopback port and waits (bounded) until it answers HTTP. */
export async function startProcess(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ proc: ChildProcess; url: string; port: number }> {
  const port = await freePort();
  // A compiled script (dist/) runs as `npm start` runs it (its environment and node's flags); a
  // TypeScript one through tsx.
  const start = script.endsWith('.js') ? startCommand() : { env: {}, flags: ['--import', 'tsx'] };
  const proc = spawn(process.execPath, [...start.flags, script], {
    env: {
      ...process.env,
      ...start.env,
      LOG_LEVEL: 'error',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  // Until it answers (the API server says 503 while it opens its database), or exits; the bound
  // is only against a hang.
  const until = Date.now() + 300_000;
  while (Date.now() < until) {
    if (proc.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/health`)).status === 503) throw new Error('starting');
      return { proc, url, port };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  proc.kill('SIGKILL');
  throw new Error(`${script} did not start`);
}

export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

/** Resident memory of a process, in KB (Linux). */
export const rssKb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

/** A new database on the PostgreSQL server of `adminUrl`, and how to drop it. */
export async function scratchDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const run = async (sql: string) => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Waits (bounded) until `url` answers `GET /ready` with 200: the database is reachable, the schema this build's. */
export async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms: ${last}`);
}

/** CPU time (user + system) a process has used so far, in milliseconds (Linux; 100 ticks a second). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
