import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/run.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let stderr: string[];
beforeEach(() => {
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  vi.stubEnv('LOG_LEVEL', 'silent');
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const cli = (...args: string[]) => run(['node', 'delivery-ledger', ...args]);

describe('the exit code of delivery-ledger', () => {
  it('should be 2, with one line on stderr, for a port from PORT that is not a port', async () => {
    vi.stubEnv('PORT', '99999');

    expect(await cli('serve')).toBe(2);
    expect(stderr.join('')).toMatch(/^error: .*'99999' from env 'PORT'.*\n$/);
  });

  it('should be 2 for a LOG_LEVEL that is not a level', async () => {
    vi.stubEnv('LOG_LEVEL', 'loud');

    expect(await cli('serve', '--db', join(dir, 'unused.db'))).toBe(2);
    expect(stderr).toEqual([
      'error: LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent, ' +
        'got "loud"\n',
    ]);
  });

  it('should be 2, naming the setting, for a config file that is wrong', async () => {
    const config = join(dir, 'wrong.config.mjs');
    writeFileSync(config, 'export default { receipts: { decimalHex: "smpp" } };\n');
    vi.stubEnv('LEDGER_CONFIG', config);

    expect(await cli('serve', '--db', join(dir, 'unused.db'))).toBe(2);
    expect(stderr.join('')).toMatch(/^error: --config .*: receipts\.decimalHex: .*\n$/);
  });

  it('should be 2 for polling rules the service refuses', async () => {
    const config = join(dir, 'polling.config.mjs');
    writeFileSync(config, 'export default { polling: { intervalMs: -1 } };\n');

    expect(await cli('serve', '--config', config, '--db', join(dir, 'polling.db'))).toBe(2);
    expect(stderr).toEqual([
      'error: config: polling.intervalMs: expected a positive number, got -1\n',
    ]);
  });

  it('should be 1 when the port is taken, and leave no signal handler behind', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };

    const listeners = process.listenerCount('SIGTERM');

    const code = await cli('serve', '--port', String(port), '--db', join(dir, 'taken.db'));
    taken.close();

    expect(code).toBe(1);
    expect(stderr.join('')).toMatch(/^error: .*EADDRINUSE.*\n$/);
    expect(process.listenerCount('SIGTERM')).toBe(listeners);
  });

  it('should be 0 for --version', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    expect(await cli('--version')).toBe(0);
    expect(stdout).toHaveBeenCalledWith('0.1.0\n');
  });
});
