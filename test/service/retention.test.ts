import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DeliveryTrackingService,
  type DeliveryTrackingServiceConfig,
  SqliteEventStore,
} from '../../src/index.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

describe('retention', () => {
  let dir: string;
  let now: number;
  let service: DeliveryTrackingService;

  const open = (config: DeliveryTrackingServiceConfig = {}) =>
    new DeliveryTrackingService({
      eventStore: new SqliteEventStore({ filename: join(dir, 'ledger.db') }),
      now: () => now,
      ...config,
    });

  const send = (messageId: string, type: string, tenant?: string) =>
    service.recordSend(
      {
        messageId,
        timestamp: now,
        options: {
          type,
          to: '01012345678',
          ...(tenant && { options: { customFields: { tenant } } }),
        },
      },
      {
        messageId,
        providerId: 'p',
        providerMessageId: `pm-${messageId}`,
        status: 'SENT',
        type,
        to: '01012345678',
      },
    );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-retention-'));
    now = T0;
  });

  afterEach(async () => {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should keep everything when no retention is configured', async () => {
    service = open();
    await send('m-1', 'SMS');
    now += 1000 * DAY;

    const summary = await service.runRetention();

    expect(summary.deleted).toBe(0);
    expect(await service.getRecord('m-1')).toBeDefined();
  });

  it('should delete the stream and the record of messages past their period, by type and tenant', async () => {
    service = open({
      retention: {
        defaultDays: 90,
        byType: { ALIMTALK: 30 },
        byTenant: { field: 'tenant', days: { acme: 7 } },
      },
    });
    await send('sms-old', 'SMS');
    await send('alim-old', 'ALIMTALK');
    await send('acme-sms', 'SMS', 'acme');
    now += 10 * DAY;
    await send('sms-new', 'SMS');
    now += 25 * DAY;

    const summary = await service.runRetention();

    expect(summary).toMatchObject({ deleted: 2, deletedByType: { ALIMTALK: 1, SMS: 1 } });
    expect(await service.getRecord('alim-old')).toBeUndefined();
    expect(await service.getRecord('acme-sms')).toBeUndefined();
    expect(await service.history('alim-old')).toEqual([]);
    expect(await service.getRecord('sms-old')).toBeDefined();
    expect(await service.getRecord('sms-new')).toBeDefined();
    expect(await service.countRecords()).toBe(2);
  });

  it('should not bring deleted messages back when the projections are rebuilt or reopened', async () => {
    service = open({ retention: { defaultDays: 1 } });
    await send('gone', 'SMS');
    now += 2 * DAY;
    await send('kept', 'SMS');
    await service.runRetention();

    await service.rebuildProjections();
    expect(await service.getRecord('gone')).toBeUndefined();
    await service.close();

    service = open({ retention: { defaultDays: 1 } });
    expect(await service.getRecord('gone')).toBeUndefined();
    expect(await service.getRecord('kept')).toBeDefined();
  });

  it('should refuse a period that is not a positive number of days', () => {
    service = open();
    expect(() => open({ retention: { byType: { SMS: -1 } } })).toThrow(/retention.byType.SMS/);
  });
});
