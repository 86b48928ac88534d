import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A run of the `delivery-ledger` command from its TypeScript source. */
export interface CliRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** The settings a command takes from the environment, left out unless a test gives them. */
const LEDGER_ENV = [
  'LEDGER_DB',
  'LEDGER_CONFIG',
  'LEDGER_SHARD',
  'LEDGER_RETENTION_INTERVAL',
  'EVENTSTORE_URL',
  'PORT',
  'HOST',
];

/** Starts `delivery-ledger <args>` with tsx, in the repository's root. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): CliRun {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !LEDGER_ENV.includes(name)),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return address.port;
}

/** Polls `url` until it answers 200, or fails after `timeoutMs`. */
export async function waitForOk(url: string, run: CliRun, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (run.child.exitCode !== null) {
      throw new Error(`the server exited with ${run.child.exitCode}: ${run.stderr()}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`expected ${url} to answer 200 within ${timeoutMs} ms`);
}

/**
 * Starts `serve` with `args(port)` on a port that was free a moment ago, and
 * waits until it answers. Another test's server may take that port before
 * this one binds it; then it tries again on another.
 */
export async function serveOnFreePort(
  args: (port: number) => readonly string[],
  env: Record<string, string> = {},
  timeoutMs?: number,
  start: (args: readonly string[], env: Record<string, string>) => CliRun = runCli,
): Promise<{ run: CliRun; url: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const run = start(args(port), env);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForOk(`${url}/healthz`, run, timeoutMs);
      return { run, url };
    } catch (error) {
      if (attempt >= 3 || !run.stderr().includes('EADDRINUSE')) throw error;
    }
  }
}
