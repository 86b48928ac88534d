import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { DeliveryTrackingService } from '../../src/service/delivery-tracking-service.js';
import { runCli, serveOnFreePort } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const aSend = {
  context: {
    messageId: 'cli-1',
    timestamp: '2026-11-30T10:00:00Z',
    options: { type: 'SMS', to: '01055512345' },
  },
  result: { messageId: 'cli-1', providerId: 'smpp', providerMessageId: '777', status: 'SENT' },
};

describe('delivery-ledger serve', () => {
  it('should serve, stop on SIGTERM with code 0, and leave the send in the database', async () => {
    const db = join(dir, 'nested', 'ledger.db');
    const { run, url } = await serveOnFreePort(
      (port) => ['serve', '--port', String(port), '--db', db],
      { LOG_LEVEL: 'info' },
    );

    const posted = await fetch(`${url}/v1/sends`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(aSend),
    });
    expect(posted.status).toBe(202);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/delivery_ledger_status_changes_total\{status="SENT"\} 1/);
    run.child.kill('SIGTERM');

    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('"msg":"stopped"');
    expect(run.stdout()).not.toContain('01055512345');
    const service = new DeliveryTrackingService({
      eventStore: new SqliteEventStore({ filename: db }),
    });
    const record = await service.getRecord('cli-1');
    await service.close();
    expect(record).toMatchObject({ messageId: 'cli-1', providerMessageId: '777', status: 'SENT' });
  });
});

describe('delivery-ledger serve with an option that is wrong', () => {
  it('should exit with code 2 and one line on stderr for a port that is not a number', async () => {
    const run = runCli(['serve', '--port', 'abc']);

    expect(await run.exited).toBe(2);
    const lines = run.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: .*--port.*'abc'.*expected a port number/);
  });
});
