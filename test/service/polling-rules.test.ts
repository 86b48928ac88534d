import { describe, expect, it } from 'vitest';
import { DEFAULT_POLLING_CONFIG } from '../../src/index.js';
import {
  answering,
  aReceipt,
  DAY,
  HOUR,
  MINUTE,
  recordOf,
  recordSend,
  SECOND,
  T0,
  useLedgers,
} from './support.js';

const ledgers = useLedgers();

const FIRST_CHECK = T0 + 30 * SECOND;

describe('the polling rules', () => {
  it("should default to k-msg's delivery tracking rules", () => {
    const { service } = ledgers.open();

    const expected = {
      intervalMs: 5000,
      batchSize: 200,
      concurrency: 10,
      initialDelayMs: 30000,
      scheduledGraceMs: 120000,
      backoffMs: [30000, 120000, 600000, 1800000, 7200000],
      maxTrackingDurationMs: 86400000,
      unsupportedProviderStrategy: 'skip',
      unknownProviderStrategy: 'unknown',
      requestTimeoutMs: 10000,
    };
    expect(service.polling).toEqual(expected);
    expect(DEFAULT_POLLING_CONFIG).toEqual(expected);
  });

  it('should not check a message before its first check is due', async () => {
    const provider = answering('solapi', 'DELIVERED');
    const { service, clock } = ledgers.open({ providers: [provider] });
    await recordSend(service, { messageId: 'm-1' });

    clock.set(FIRST_CHECK - 1);
    expect(await service.runOnce()).toEqual({ checked: 0, changed: 0, failed: 0 });
    expect(provider.calls).toHaveLength(0);

    clock.set(FIRST_CHECK);
    expect(await service.runOnce()).toEqual({ checked: 1, changed: 1, failed: 0 });
    expect((await recordOf(service, 'm-1')).status).toBe('DELIVERED');
  });
});

describe('a scheduled message', () => {
  const scheduledAt = T0 + 2 * DAY;

  it('should be first asked about when its schedule grace ends, with its schedule', async () => {
    const provider = answering('solapi', 'SENT');
    const { service, clock } = ledgers.open({ providers: [provider] });
    await recordSend(service, { messageId: 'm-1', scheduledAt: new Date(scheduledAt) });

    clock.set(scheduledAt + 2 * MINUTE - 1);
    await service.runOnce();
    expect(provider.calls).toHaveLength(0);

    clock.set(scheduledAt + 2 * MINUTE);
    await service.runOnce();
    expect(provider.calls).toEqual([
      {
        providerMessageId: 'p-m-1',
        type: 'SMS',
        to: '01012345678',
        requestedAt: new Date(T0),
        scheduledAt: new Date(scheduledAt),
      },
    ]);
    expect((await recordOf(service, 'm-1')).status).toBe('SENT');
  });

  it('should move a check that falls inside the grace to the end of the grace', async () => {
    const provider = answering('solapi', 'SENT');
    const first = ledgers.open({ providers: [provider], polling: { scheduledGraceMs: 0 } });
    await recordSend(first.service, { messageId: 'm-1', scheduledAt: new Date(scheduledAt) });
    await first.service.close();

    // The same file opened again with the default grace: the check due at
    // scheduledAt now falls inside the grace.
    const { service, clock } = ledgers.open({ file: first.file, providers: [provider] });
    clock.set(scheduledAt + 10 * SECOND);
    await service.runOnce();

    expect(provider.calls).toHaveLength(0);
    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'PENDING',
      attemptCount: 1,
      lastCheckedAt: new Date(scheduledAt + 10 * SECOND),
      nextCheckAt: new Date(scheduledAt + 2 * MINUTE),
    });
    expect((await service.history('m-1')).at(-1)).toMatchObject({
      type: 'CheckDeferred',
      data: { reason: 'schedule-grace' },
    });
  });

  it('should count its tracking time from the end of its schedule grace', async () => {
    const provider = answering('solapi', 'SENT');
    const { service, clock } = ledgers.open({ providers: [provider] });
    await recordSend(service, { messageId: 'm-1', scheduledAt: new Date(scheduledAt) });

    clock.set(scheduledAt + 2 * MINUTE + DAY);
    await service.runOnce();
    expect(provider.calls).toHaveLength(1);

    clock.set(scheduledAt + 2 * MINUTE + DAY + 30 * SECOND);
    await service.runOnce();
    expect(provider.calls).toHaveLength(1);
    expect((await recordOf(service, 'm-1')).lastError?.code).toBe('TRACKING_TIMEOUT');
  });
});

describe('a message tracked longer than maxTrackingDurationMs', () => {
  it('should end UNKNOWN with TRACKING_TIMEOUT without asking the provider', async () => {
    const provider = answering('solapi', 'SENT');
    const { service, clock } = ledgers.open({ providers: [provider] });
    await recordSend(service, { messageId: 'm-1' });

    clock.set(T0 + DAY + 1);
    expect(await service.runOnce()).toEqual({ checked: 1, changed: 1, failed: 0 });

    expect(provider.calls).toHaveLength(0);
    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'UNKNOWN',
      statusUpdatedAt: new Date(T0 + DAY + 1),
      attemptCount: 1,
      lastError: { code: 'TRACKING_TIMEOUT', message: 'max tracking duration exceeded' },
    });
  });

  it('should still be asked about at exactly maxTrackingDurationMs', async () => {
    const provider = answering('solapi', 'SENT');
    const { service, clock } = ledgers.open({ providers: [provider] });
    await recordSend(service, { messageId: 'm-1' });

    clock.set(T0 + DAY);
    await service.runOnce();

    expect(provider.calls).toHaveLength(1);
    expect((await recordOf(service, 'm-1')).status).toBe('SENT');
  });
});

describe('a message whose provider is not configured', () => {
  it("should end UNKNOWN with PROVIDER_NOT_FOUND under the 'unknown' strategy", async () => {
    const { service, clock } = ledgers.open({ providers: [answering('other', 'DELIVERED')] });
    await recordSend(service, { messageId: 'm-1' });

    clock.set(FIRST_CHECK);
    await service.runOnce();

    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'UNKNOWN',
      lastError: { code: 'PROVIDER_NOT_FOUND', message: 'Provider not found: solapi' },
    });
  });

  it("should stay open for receipts until its deadline under the 'wait' strategy", async () => {
    const { service, clock } = ledgers.open({ polling: { unknownProviderStrategy: 'wait' } });
    await recordSend(service, { messageId: 'm-1' });
    await recordSend(service, { messageId: 'm-2' });

    clock.set(FIRST_CHECK);
    await service.runOnce();
    for (const id of ['m-1', 'm-2']) {
      const record = await recordOf(service, id);
      expect(record).toMatchObject({ status: 'SENT', attemptCount: 1 });
      expect(record.nextCheckAt).toEqual(new Date(T0 + DAY + 1));
    }

    clock.set(T0 + HOUR);
    await service.ingestReceipt(aReceipt('p-m-1', 'DELIVERED'));
    expect((await recordOf(service, 'm-1')).status).toBe('DELIVERED');

    clock.set(T0 + DAY + 1);
    await service.runOnce();
    expect(await recordOf(service, 'm-2')).toMatchObject({
      status: 'UNKNOWN',
      lastError: { code: 'TRACKING_TIMEOUT' },
    });
  });
});

describe('a message whose provider cannot be asked (no getDeliveryStatus)', () => {
  it("should keep polling with backoff, lastError UNSUPPORTED_PROVIDER, under 'skip'", async () => {
    const { service, clock } = ledgers.open({ providers: [{ id: 'solapi' }] });
    await recordSend(service, { messageId: 'm-1' });

    clock.set(FIRST_CHECK);
    await service.runOnce();
    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'SENT',
      attemptCount: 1,
      nextCheckAt: new Date(FIRST_CHECK + 30 * SECOND),
      lastError: { code: 'UNSUPPORTED_PROVIDER' },
    });

    clock.set(FIRST_CHECK + 30 * SECOND);
    await service.runOnce();
    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'SENT',
      attemptCount: 2,
      nextCheckAt: new Date(FIRST_CHECK + 30 * SECOND + 2 * MINUTE),
    });
  });

  it("should end UNKNOWN with UNSUPPORTED_PROVIDER under 'unknown'", async () => {
    const { service, clock } = ledgers.open({
      providers: [{ id: 'solapi' }],
      polling: { unsupportedProviderStrategy: 'unknown' },
    });
    await recordSend(service, { messageId: 'm-1' });

    clock.set(FIRST_CHECK);
    await service.runOnce();

    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'UNKNOWN',
      lastError: { code: 'UNSUPPORTED_PROVIDER' },
    });
  });
});
