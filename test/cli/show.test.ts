import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { cli, HOUR, isolateEnvironment, MINUTE, seedThreeMessages, T0, tempDir } from './ledger.js';

const dir = tempDir('show');
const db = join(dir, 'ledger.db');
beforeAll(() => seedThreeMessages(db));
isolateEnvironment();

describe('delivery-ledger show', () => {
  it("should print the record, then a timeline of the message's history", async () => {
    const { code, stdout, stderr } = await cli('show', 'm-delivered', '--db', db);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^message +m-delivered$/m);
    expect(stdout).toMatch(
      /^status +DELIVERED since 2026-11-30T10:05:00\.000Z \(provider: DELIVRD\)$/m,
    );
    expect(stdout).toMatch(/^provider +smsc-a, provider message id 1001$/m);
    expect(stdout).toMatch(/^to +01011110001$/m);
    expect(stdout).toContain('history (3 events)');
    expect(stdout).toMatch(
      /^2026-11-30T10:00:00\.000Z +SendRecorded +-> SENT .*sent through smsc-a as 1001$/m,
    );
    expect(stdout).toMatch(
      /^2026-11-30T10:05:00\.000Z +ReceiptReceived +saw DELIVERED +DELIVRD +test receipt: applied$/m,
    );
    expect(stdout).toMatch(
      /^2026-11-30T10:05:00\.000Z +StatusChanged +SENT -> DELIVERED +DELIVRD +cause receipt$/m,
    );
  });

  it('should say why an observation was not applied, and keep numbers out of the timeline', async () => {
    const { code, stdout } = await cli('show', 'm-failed', '--db', db);

    expect(code).toBe(0);
    const timeline = stdout.slice(stdout.indexOf('history ('));
    expect(timeline).toMatch(
      /ReceiptReceived +saw DELIVERED +DELIVRD +test receipt: not applied: the message is already FAILED/,
    );
    expect(timeline).not.toContain('0101111');
  });

  it('should print { record, history } as JSON with --json', async () => {
    const { code, stdout } = await cli('show', 'm-failed', '--json', '--db', db);

    expect(code).toBe(0);
    const shown = JSON.parse(stdout) as {
      record: Record<string, unknown>;
      history: Array<{ type: string; data: Record<string, unknown> }>;
    };
    expect(shown.record).toMatchObject({ messageId: 'm-failed', status: 'FAILED' });
    expect(shown.history.map((entry) => entry.type)).toEqual([
      'SendRecorded',
      'ReceiptReceived',
      'StatusChanged',
      'ReceiptReceived',
    ]);
    expect(shown.history[3]?.data).toMatchObject({ disposition: 'not-applied' });
  });

  it('should show the record and its history as they stood at --at', async () => {
    const at = new Date(T0 + HOUR + 2 * MINUTE).toISOString();

    const { code, stdout } = await cli('show', 'm-failed', '--at', at, '--db', db);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^as of +2026-11-30T11:02:00\.000Z$/m);
    expect(stdout).toMatch(/^status +SENT since/m);
    expect(stdout).toContain('history (1 event)');
    expect(stdout).not.toContain('ReceiptReceived');
  });

  it('should take --at as JSON too, the history cut at that time', async () => {
    const at = new Date(T0 + HOUR + 5 * MINUTE).toISOString();

    const { stdout } = await cli('show', 'm-failed', '--at', at, '--json', '--db', db);

    const shown = JSON.parse(stdout) as { record: { status: string }; history: unknown[] };
    expect(shown.record.status).toBe('FAILED');
    expect(shown.history).toHaveLength(3);
  });
});

describe('delivery-ledger show, when it cannot', () => {
  it('should exit 1 with one line for a message that is not tracked', async () => {
    const { code, stdout, stderr } = await cli('show', 'm-unknown', '--db', db);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('error: no tracked message has id "m-unknown"\n');
  });

  it('should exit 1 for an --at before the message was sent', async () => {
    const { code, stderr } = await cli('show', 'm-sent', '--at', '2026-11-30', '--db', db);

    expect(code).toBe(1);
    expect(stderr).toBe(
      'error: message "m-sent" was not tracked yet at 2026-11-30T00:00:00.000Z: ' +
        'its first event is at 2026-11-30T12:00:00.000Z\n',
    );
  });

  it.each([
    ['not a time', 'yesterday'],
    ['a time without its zone', '2026-11-30T10:00:00'],
    ['a date that is not one', '2026-13-45'],
  ])('should exit 2 for an --at that is %s', async (_what, at) => {
    const { code, stderr } = await cli('show', 'm-sent', '--at', at, '--db', db);

    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^error: option '--at <time>' argument .* expected an ISO time with its zone/,
    );
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('should exit 2 for a database that is not there, and not make one', async () => {
    const missing = join(dir, 'missing.db');

    const { code, stderr } = await cli('show', 'm-sent', '--db', missing);

    expect(code).toBe(2);
    expect(stderr).toBe(
      `error: --db: no database at ${missing} (serve makes it on its first run)\n`,
    );
  });

  it('should take the database from LEDGER_DB', async () => {
    vi.stubEnv('LEDGER_DB', db);

    const { code, stdout } = await cli('show', 'm-sent');

    expect(code).toBe(0);
    expect(stdout).toMatch(/^message +m-sent$/m);
  });
});
