import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { scheduleRetention } from '../../src/cli/retention-schedule.js';
import type { Logger } from '../../src/logger.js';
import type { DeliveryTrackingService } from '../../src/service/delivery-tracking-service.js';
import { cli, DAY, isolateEnvironment, openLedger, tempDir } from './ledger.js';

const dir = tempDir('retention');
isolateEnvironment();

const config = join(dir, 'retention.config.mjs');
writeFileSync(
  config,
  'export default { retention: { defaultDays: 30, byType: { ALIMTALK: 7 } } };\n',
);

let databases = 0;

/** Four messages: SMS 40 and 1 days old, AlimTalk 10 and 1 days old. */
async function ledgerOfAges(): Promise<string> {
  const db = join(dir, `ledger-${++databases}.db`);
  const ledger = openLedger(db);
  ledger.now = Date.now();
  const sends = [
    ['old-sms', 'SMS', 40],
    ['new-sms', 'SMS', 1],
    ['old-alimtalk', 'ALIMTALK', 10],
    ['new-alimtalk', 'ALIMTALK', 1],
  ] as const;
  for (const [i, [messageId, type, days]] of sends.entries()) {
    await ledger.send({
      messageId,
      type,
      providerId: 'smsc-a',
      providerMessageId: `${3000 + i}`,
      to: `0107777000${i}`,
      requestedAt: ledger.now - days * DAY,
    });
  }
  await ledger.close();
  return db;
}

describe('delivery-ledger retention run', () => {
  it("should delete the messages past the config file's policy and count them by type", async () => {
    const db = await ledgerOfAges();

    const { code, stdout, stderr } = await cli('retention', 'run', '--config', config, '--db', db);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(
      [
        'examined 2 records, deleted 2 messages',
        '',
        'type      deleted',
        'ALIMTALK        1',
        'SMS             1',
        '',
      ].join('\n'),
    );
    expect(stdout).not.toMatch(/0107777|old-/);
    const left = await cli('list', '--json', '--db', db);
    const ids = (JSON.parse(left.stdout) as Array<{ messageId: string }>).map((r) => r.messageId);
    expect(ids.sort()).toEqual(['new-alimtalk', 'new-sms']);
  });

  it('should print the summary as JSON, and delete nothing the second time', async () => {
    const db = await ledgerOfAges();
    await cli('retention', 'run', '--config', config, '--db', db);

    const { code, stdout } = await cli(
      'retention',
      'run',
      '--json',
      '--config',
      config,
      '--db',
      db,
    );

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ examined: 0, deleted: 0, deletedByType: {} });
  });

  it('should exit 2 when the config file has no retention policy', async () => {
    const db = await ledgerOfAges();

    const { code, stderr } = await cli('retention', 'run', '--db', db);

    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: retention run: expected a retention policy in the config file, got none\n',
    );
  });

  it('should exit 2 for a policy that is wrong, naming the setting', async () => {
    const wrong = join(dir, 'wrong-retention.config.mjs');
    writeFileSync(wrong, 'export default { retention: { byType: { SMS: 0 } } };\n');

    const { code, stderr } = await cli('retention', 'run', '--config', wrong, '--db', ':memory:');

    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^error: --config .*: retention\.byType\.SMS: expected a number of days > 0\n$/,
    );
  });
});

/** A logger that keeps what it was told, by level. */
function recordingLogger() {
  const lines: Array<[string, object, string | undefined]> = [];
  const logger: Logger = {
    debug: (obj, msg) => lines.push(['debug', obj, msg]),
    info: (obj, msg) => lines.push(['info', obj, msg]),
    warn: (obj, msg) => lines.push(['warn', obj, msg]),
    error: (obj, msg) => lines.push(['error', obj, msg]),
    child: () => logger,
  };
  return { logger, lines };
}

describe('retention on a schedule', () => {
  it('should run every interval, log the counts, go on after a failure, and stop', async () => {
    vi.useFakeTimers();
    try {
      const runs = [
        () => Promise.resolve({ examined: 3, deleted: 1, deletedByType: { SMS: 1 } }),
        () => Promise.reject(new Error('database is locked')),
        () => Promise.resolve({ examined: 0, deleted: 0, deletedByType: {} }),
      ];
      const runRetention = vi.fn(() => runs[runRetention.mock.calls.length - 1]!());
      const service = { runRetention } as unknown as DeliveryTrackingService;
      const { logger, lines } = recordingLogger();

      const schedule = scheduleRetention(service, 60_000, logger);
      await vi.advanceTimersByTimeAsync(59_999);
      expect(runRetention).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(3 * 60_000);
      await schedule.stop();
      await vi.advanceTimersByTimeAsync(10 * 60_000);

      expect(runRetention).toHaveBeenCalledTimes(3);
      expect(lines.filter(([, , msg]) => msg?.startsWith('retention run'))).toEqual([
        ['info', { examined: 3, deleted: 1, deletedByType: { SMS: 1 } }, 'retention run'],
        ['error', { err: new Error('database is locked') }, 'retention run failed'],
        ['info', { examined: 0, deleted: 0, deletedByType: {} }, 'retention run'],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('should wait for the run in flight when stopped', async () => {
    let finish: () => void = () => {};
    const runRetention = vi.fn(
      () =>
        new Promise((resolve) => {
          finish = () => resolve({ examined: 0, deleted: 0, deletedByType: {} });
        }),
    );
    const service = { runRetention } as unknown as DeliveryTrackingService;
    const schedule = scheduleRetention(service, 1, recordingLogger().logger);
    await vi.waitUntil(() => runRetention.mock.calls.length === 1);

    let stopped = false;
    const stopping = schedule.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    finish();
    await stopping;

    expect(stopped).toBe(true);
    expect(runRetention).toHaveBeenCalledTimes(1);
  });
});
