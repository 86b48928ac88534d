import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { type CliRun, runCli, serveOnFreePort } from '../cli/support.js';

/*
 * The processes a crash test starts: `delivery-ledger` commands run from source, killed with
 * SIGKILL at a chosen moment, and never left running after a test.
 */

/** How long a command run from source may take to start on a busy machine. */
export const STARTUP_MS = 30_000;

/** A directory for one test file's databases, removed after its last test. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ledger-crash-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every command the test file started; whatever still runs after a test is killed. */
export function useCommands() {
  const started: CliRun[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map(killHard));
  });

  return {
    /** Starts `delivery-ledger <args>`, with the log at `warn` unless `env` says otherwise. */
    start(args: readonly string[], env: Record<string, string> = {}): CliRun {
      const run = runCli(args, { LOG_LEVEL: 'warn', ...env });
      started.push(run);
      return run;
    },

    /** Starts `serve` on `db` on a free port of 127.0.0.1, and waits until it answers. */
    async serve(db: string, config?: string): Promise<Server> {
      const configArgs = config === undefined ? [] : ['--config', config];
      return serveOnFreePort(
        (port) => [
          'serve',
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--db',
          db,
          ...configArgs,
        ],
        {},
        STARTUP_MS,
        (args, env) => this.start(args, env),
      );
    },
  };
}

/** A `serve` process that answers on `url`. */
export interface Server {
  readonly run: CliRun;
  readonly url: string;
}

/** Kills the command at once, as a power cut or the OOM killer would, and waits for its end. */
export async function killHard(run: CliRun): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await run.exited;
}

/** Whether the command ended by SIGKILL rather than by itself. */
export function wasKilled(run: CliRun): boolean {
  return run.child.signalCode === 'SIGKILL';
}

/**
 * Waits until `check` holds, polling every `intervalMs`. Fails after `timeoutMs`, or as soon
 * as `run` ends on its own: the moment to kill it has passed then.
 */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; run?: CliRun },
): Promise<void> {
  const { timeoutMs, intervalMs = 10, run } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    const ended = run?.child.exitCode ?? run?.child.signalCode ?? null;
    if (run !== undefined && ended !== null) {
      throw new Error(
        `expected ${what} while the command ran, but it ended with ${ended}: ` +
          run.stderr().slice(-2000),
      );
    }
    if (Date.now() > deadline) throw new Error(`expected ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
