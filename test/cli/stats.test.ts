import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/http/index.js';
import { DeliveryTrackingService, SqliteEventStore } from '../../src/index.js';
import { silentLogger } from '../../src/logger.js';
import { cli, isolateEnvironment, seedThreeMessages, tempDir } from './ledger.js';

const dir = tempDir('stats');
const db = join(dir, 'ledger.db');
beforeAll(() => seedThreeMessages(db));
isolateEnvironment();

describe('delivery-ledger stats', () => {
  it('should print counts by status, provider and type, and the delivery rates', async () => {
    const { code, stdout, stderr } = await cli('stats', '--db', db);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^messages: 3$/m);
    expect(stdout).toMatch(/^DELIVERED +1 +33\.3%$/m);
    expect(stdout).toMatch(/^FAILED +1 +33\.3%$/m);
    expect(stdout).toMatch(/^CANCELLED +0 +0\.0%$/m);
    expect(stdout).toMatch(/^smsc-a +2 +66\.7%$/m);
    expect(stdout).toMatch(/^kakao-b +1 +33\.3%$/m);
    expect(stdout).toMatch(/^ALIMTALK +1 +33\.3%$/m);
    expect(stdout).toMatch(/^delivered of all +33\.3% +1 of 3$/m);
    expect(stdout).toMatch(/^failed of all +33\.3% +1 of 3$/m);
    expect(stdout).toMatch(/^delivered of finished +50\.0% +1 of 2$/m);
  });

  it('should count the messages requested from --since up to but not at --until, as JSON', async () => {
    const { code, stdout } = await cli(
      'stats',
      '--since',
      '2026-11-30T10:30:00Z',
      '--until',
      '2026-11-30T12:00:00Z', // when m-sent was requested
      '--json',
      '--db',
      db,
    );

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      since: '2026-11-30T10:30:00.000Z',
      until: '2026-11-30T12:00:00.000Z',
      total: 1,
      byStatus: { PENDING: 0, SENT: 0, DELIVERED: 0, FAILED: 1, CANCELLED: 0, UNKNOWN: 0 },
      byProvider: { 'smsc-a': 1 },
      byType: { SMS: 1 },
      rates: { delivered: 0, failed: 1, deliveredOfFinished: 0 },
    });
  });

  it('should count a range as GET /v1/stats does', async () => {
    const since = '2026-11-30T10:00:00.000Z';
    const until = '2026-11-30T12:00:00.001Z';
    const { stdout } = await cli('stats', '--since', since, '--until', until, '--json', '--db', db);

    const service = new DeliveryTrackingService({
      eventStore: new SqliteEventStore({ filename: db }),
    });
    const app = createHttpServer({ service, logger: silentLogger });
    try {
      const answer = await app.inject({ url: `/v1/stats?since=${since}&until=${until}` });
      expect(JSON.parse(stdout)).toEqual({ since, until, ...answer.json() });
      expect(answer.json().total).toBe(3);
    } finally {
      await app.close();
      await service.close();
    }
  });

  it('should give no rate, rather than a division by zero, when nothing matches', async () => {
    const { stdout } = await cli('stats', '--since', '2027-01-01', '--json', '--db', db);

    const stats = JSON.parse(stdout) as { total: number; rates: Record<string, unknown> };
    expect(stats.total).toBe(0);
    expect(stats.rates).toEqual({
      delivered: null,
      failed: null,
      deliveredOfFinished: null,
    });
  });

  it('should exit 2 for a --since after --until', async () => {
    const { code, stderr } = await cli(
      'stats',
      '--since',
      '2026-12-01',
      '--until',
      '2026-11-01',
      '--db',
      db,
    );

    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: --since: expected a time before --until (2026-11-01T00:00:00.000Z), ' +
        'got 2026-12-01T00:00:00.000Z\n',
    );
  });

  it('should exit 2 for a --since that is not a time', async () => {
    const { code, stderr } = await cli('stats', '--since', 'last week', '--db', db);

    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: option '--since <time>' argument 'last week' is invalid/);
  });
});
