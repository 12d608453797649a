/** The server as a real process on a free loopback port, for the tests that need one. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './cluster.js';

/**
 * The server's and the CLI's arguments to node: compiled, from dist/, as `npm start` and `npm run cli`
 * run them (`npm test` builds dist/ first; a test run on a stale dist/ stops here, saying so).
 */
export function nodeArgs(program: 'server' | 'cli', ...args: string[]): string[] {
  if (!built) {
    const r = spawnSync(process.execPath, ['scripts/build.js', '--check'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr.trim());
    built = true;
  }
  return [`dist/${program}.js`, ...args];
}
let built = false;

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  output(): string;
  /** Sends a signal and waits for the exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServer(env: NodeJS.ProcessEnv, cwd?: string): Promise<ServerProcess> {
  const port = await freePort();
  // Another tree (an upgrade's newer build) runs from its sources.
  const args = cwd ? ['--import', 'tsx', 'src/server.ts'] : nodeArgs('server');
  const proc = spawn(process.execPath, args, {
    ...(cwd ? { cwd } : {}),
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      DEMO_TENANT: 'false',
      ...env,
      PORT: String(port),
    },
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  // Ready once /health answers 200 (503 while the database is opened and migrated).
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${out}`);
    const status = await fetch(`${url}/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200)
      return {
        proc,
        url,
        output: () => out,
        async stop(signal = 'SIGTERM') {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
          return exited;
        },
      };
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error(`server did not start: ${out}`);
}

/** Runs the CLI with `env`; returns its JSON output. */
export function cli(env: NodeJS.ProcessEnv, ...args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, nodeArgs('cli', ...args), {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

export const basicAuth = (user: string, password: string, domain: string): string =>
  `Basic ${Buffer.from(`${user}:${password}@${domain}`).toString('base64')}`;
