import { describe, expect, it } from 'vitest';
import { type DeliveryStatus, fail, ok, type ProviderError } from '../../src/index.js';
import {
  answering,
  aReceipt,
  DAY,
  fakeProvider,
  MINUTE,
  reached,
  recordOf,
  recordSend,
  SECOND,
  T0,
  useLedgers,
} from './support.js';

const ledgers = useLedgers();

const FIRST_CHECK = T0 + 30 * SECOND;

/** A service with one message sent at T0 and the clock at its first check. */
async function sentMessage(answer: Parameters<typeof fakeProvider>[1], requestTimeoutMs = 10_000) {
  const provider = fakeProvider('solapi', answer);
  const ledger = ledgers.open({ providers: [provider], polling: { requestTimeoutMs } });
  await recordSend(ledger.service, { messageId: 'm-1' });
  ledger.clock.set(FIRST_CHECK);
  return { ...ledger, provider };
}

describe('asking a provider about a message', () => {
  it('should pass the message and an AbortSignal', async () => {
    const { service, provider } = await sentMessage((query) => reached(query, 'SENT'));

    await service.runOnce();

    expect(provider.calls).toEqual([
      { providerMessageId: 'p-m-1', type: 'SMS', to: '01012345678', requestedAt: new Date(T0) },
    ]);
    expect(provider.contexts[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(provider.contexts[0]?.signal?.aborted).toBe(false);
  });

  it("should apply a final status with the provider's codes, times and raw answer", async () => {
    const { service } = await sentMessage((query) =>
      reached(query, 'DELIVERED', {
        statusCode: '4000',
        statusMessage: '수신 완료',
        sentAt: new Date(T0 + SECOND),
        deliveredAt: new Date(T0 + 5 * SECOND),
        raw: { resultCode: '4000', nested: [1, 2] },
      }),
    );

    expect(await service.runOnce()).toEqual({ checked: 1, changed: 1, failed: 0 });

    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'DELIVERED',
      statusUpdatedAt: new Date(FIRST_CHECK),
      providerStatusCode: '4000',
      providerStatusMessage: '수신 완료',
      sentAt: new Date(T0 + SECOND),
      deliveredAt: new Date(T0 + 5 * SECOND),
      raw: { resultCode: '4000', nested: [1, 2] },
      attemptCount: 1,
      lastCheckedAt: new Date(FIRST_CHECK),
    });
  });

  it('should record when a failure happened', async () => {
    const { service } = await sentMessage((query) =>
      reached(query, 'FAILED', { statusCode: '3059', failedAt: new Date(T0 + 3 * SECOND) }),
    );

    await service.runOnce();

    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'FAILED',
      providerStatusCode: '3059',
      failedAt: new Date(T0 + 3 * SECOND),
    });
  });

  it('should back off when the provider has no status yet', async () => {
    const { service } = await sentMessage(() => ok(null));

    expect(await service.runOnce()).toEqual({ checked: 1, changed: 0, failed: 0 });

    const record = await recordOf(service, 'm-1');
    expect(record).toMatchObject({
      status: 'SENT',
      attemptCount: 1,
      lastCheckedAt: new Date(FIRST_CHECK),
      nextCheckAt: new Date(FIRST_CHECK + 30 * SECOND),
    });
    expect(record.lastError).toBeUndefined();
  });

  it('should wait backoffMs[min(n - 1, last)] after the n-th check', async () => {
    const { service, clock } = await sentMessage(() => ok(null));
    const waits: number[] = [];

    for (let n = 1; n <= 7; n++) {
      await service.runOnce();
      const record = await recordOf(service, 'm-1');
      expect(record.attemptCount).toBe(n);
      expect(record.lastCheckedAt).toEqual(new Date(clock.now()));
      waits.push(record.nextCheckAt.getTime() - clock.now());
      clock.set(record.nextCheckAt.getTime());
    }

    expect(waits).toEqual([30000, 120000, 600000, 1800000, 7200000, 7200000, 7200000]);
  });
});

describe('a provider that answers with an error', () => {
  const retryable: Array<[string, ProviderError]> = [
    ['NETWORK_ERROR', { code: 'NETWORK_ERROR', message: 'socket hang up' }],
    ['NETWORK_TIMEOUT', { code: 'NETWORK_TIMEOUT', message: 'timed out' }],
    ['NETWORK_SERVICE_UNAVAILABLE', { code: 'NETWORK_SERVICE_UNAVAILABLE', message: 'down' }],
    ['RATE_LIMIT_EXCEEDED', { code: 'RATE_LIMIT_EXCEEDED', message: 'slow down' }],
    ['PROVIDER_ERROR', { code: 'PROVIDER_ERROR', message: 'oops' }],
    ['UNKNOWN_ERROR', { code: 'UNKNOWN_ERROR', message: '?' }],
    ['HTTP 500', { code: 'HTTP', message: 'internal', httpStatus: 500 }],
    ['HTTP 503', { code: 'HTTP', message: 'unavailable', httpStatus: 503 }],
    ['HTTP 408', { code: 'HTTP', message: 'request timeout', httpStatus: 408 }],
    ['HTTP 425', { code: 'HTTP', message: 'too early', httpStatus: 425 }],
    ['HTTP 429', { code: 'HTTP', message: 'too many', httpStatus: 429 }],
    ['an explicit retryable', { code: 'QUOTA', message: 'later', retryable: true }],
  ];

  it.each(retryable)('should keep the status and back off after %s', async (_, error) => {
    const { service } = await sentMessage(() => fail(error));

    await service.runOnce();

    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'SENT',
      attemptCount: 1,
      lastError: { code: error.code, message: error.message },
      nextCheckAt: new Date(FIRST_CHECK + 30 * SECOND),
    });
  });

  const final: Array<[string, ProviderError]> = [
    ['an unknown code', { code: 'INVALID_MESSAGE_ID', message: 'no such message' }],
    ['HTTP 404', { code: 'HTTP', message: 'not found', httpStatus: 404 }],
    ['an explicit retryable: false', { code: 'NETWORK_ERROR', message: 'x', retryable: false }],
  ];

  it.each(final)('should end the message UNKNOWN after %s', async (_, error) => {
    const { service } = await sentMessage(() => fail(error));

    expect(await service.runOnce()).toEqual({ checked: 1, changed: 1, failed: 0 });

    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'UNKNOWN',
      statusUpdatedAt: new Date(FIRST_CHECK),
      lastError: { code: error.code, message: error.message },
    });
  });
});

describe('a provider that misbehaves', () => {
  it('should count a throw as a retryable PROVIDER_ERROR', async () => {
    const { service } = await sentMessage(() => {
      throw new Error('connection reset');
    });

    expect(await service.runOnce()).toEqual({ checked: 1, changed: 0, failed: 0 });

    const record = await recordOf(service, 'm-1');
    expect(record).toMatchObject({ status: 'SENT', lastError: { code: 'PROVIDER_ERROR' } });
    expect(record.lastError?.message).toContain('connection reset');
    expect(record.nextCheckAt).toEqual(new Date(FIRST_CHECK + 30 * SECOND));
  });

  it('should count no answer within requestTimeoutMs as a retryable NETWORK_TIMEOUT', async () => {
    const { service, provider } = await sentMessage(() => new Promise(() => {}), 50);

    await service.runOnce();

    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'SENT',
      attemptCount: 1,
      lastError: { code: 'NETWORK_TIMEOUT' },
      nextCheckAt: new Date(FIRST_CHECK + 30 * SECOND),
    });
    expect(provider.contexts[0]?.signal?.aborted).toBe(true);
  });

  it('should count a status outside the six as a retryable invalid answer', async () => {
    const { service } = await sentMessage((query) =>
      reached(query, 'READ' as unknown as DeliveryStatus),
    );

    await service.runOnce();

    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'SENT',
      lastError: { code: 'INVALID_PROVIDER_RESPONSE' },
    });
  });
});

describe('a message in a final status', () => {
  it.each(['DELIVERED', 'FAILED', 'CANCELLED'] as const)(
    'should never be asked about again once %s',
    async (status) => {
      const provider = answering('solapi', 'SENT');
      const { service, clock } = ledgers.open({ providers: [provider] });
      await recordSend(service, { messageId: 'm-1' });
      await service.ingestReceipt(aReceipt('p-m-1', status));

      for (const at of [FIRST_CHECK, T0 + 10 * MINUTE, T0 + 2 * DAY, T0 + 30 * DAY]) {
        clock.set(at);
        expect(await service.runOnce()).toEqual({ checked: 0, changed: 0, failed: 0 });
      }

      expect(provider.calls).toHaveLength(0);
      expect((await recordOf(service, 'm-1')).status).toBe(status);
    },
  );

  it('should never be asked about again once UNKNOWN, even when settled late', async () => {
    const provider = fakeProvider('solapi', () => fail({ code: 'GONE', message: 'gone' }));
    const { service, clock } = ledgers.open({ providers: [provider] });
    await recordSend(service, { messageId: 'm-1' });

    clock.set(FIRST_CHECK);
    await service.runOnce();
    expect((await recordOf(service, 'm-1')).status).toBe('UNKNOWN');

    clock.set(T0 + 10 * MINUTE);
    await service.runOnce();
    await service.ingestReceipt(aReceipt('p-m-1', 'DELIVERED'));
    expect((await recordOf(service, 'm-1')).status).toBe('DELIVERED');
    for (const at of [T0 + 2 * DAY, T0 + 30 * DAY]) {
      clock.set(at);
      expect((await service.runOnce()).checked).toBe(0);
    }

    expect(provider.calls).toHaveLength(1);
  });
});
