import { describe, expect, it } from 'vitest';
import type { Receipt } from '../../src/index.js';
import { ValidationError } from '../../src/index.js';
import { aReceipt, MINUTE, recordOf, recordSend, SECOND, T0, useLedgers } from './support.js';

const ledgers = useLedgers();

describe('taking a delivery receipt', () => {
  it('should apply it to the message with its provider and provider message id', async () => {
    const { service, clock } = ledgers.open();
    await recordSend(service, { messageId: 'm-1', providerMessageId: 'P-1' });
    await recordSend(service, { messageId: 'm-2', providerMessageId: 'P-2' });
    clock.set(T0 + 2 * MINUTE);

    const outcome = await service.ingestReceipt(
      aReceipt('P-2', 'DELIVERED', { providerStatus: 'DELIVRD', raw: 'id:P-2 stat:DELIVRD' }),
    );

    expect(outcome).toEqual({ outcome: 'applied', messageId: 'm-2', status: 'DELIVERED' });
    expect(await recordOf(service, 'm-2')).toMatchObject({
      status: 'DELIVERED',
      statusUpdatedAt: new Date(T0 + 2 * MINUTE),
      providerStatusCode: 'DELIVRD',
      deliveredAt: new Date(T0 + MINUTE),
      raw: 'id:P-2 stat:DELIVRD',
      attemptCount: 0,
    });
    expect((await recordOf(service, 'm-1')).status).toBe('SENT');
  });

  it("should keep a failure's error code and message", async () => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1' });
    await recordSend(service, { messageId: 'm-2' });

    await service.ingestReceipt(
      aReceipt('p-m-1', 'FAILED', { errorCode: '3104', errorMessage: '카카오톡 미사용자' }),
    );
    await service.ingestReceipt(aReceipt('p-m-2', 'FAILED', { errorCode: '3059' }));

    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'FAILED',
      providerStatusMessage: '카카오톡 미사용자',
      failedAt: new Date(T0 + MINUTE),
    });
    expect((await recordOf(service, 'm-2')).providerStatusMessage).toBe('error code 3059');
  });

  it('should move a scheduled message from PENDING to SENT', async () => {
    const { service } = ledgers.open();
    const scheduledAt = new Date(T0 + 10 * MINUTE);
    await recordSend(service, { messageId: 'm-1', scheduledAt });

    const outcome = await service.ingestReceipt(aReceipt('p-m-1', 'SENT'));

    expect(outcome).toMatchObject({ outcome: 'applied', status: 'SENT' });
    expect(await recordOf(service, 'm-1')).toMatchObject({
      status: 'SENT',
      sentAt: new Date(T0 + MINUTE),
      nextCheckAt: new Date(scheduledAt.getTime() + 2 * MINUTE),
    });
  });

  it('should count a receipt that confirms the status as applied', async () => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1' });

    const outcome = await service.ingestReceipt(aReceipt('p-m-1', 'SENT'));

    expect(outcome).toEqual({ outcome: 'applied', messageId: 'm-1', status: 'SENT' });
    expect((await service.history('m-1')).map((e) => e.type)).toEqual([
      'SendRecorded',
      'ReceiptReceived',
    ]);
  });
});

describe('matching a receipt to its message', () => {
  it.each([
    ['leading zeros added', '00000012345', '12345'],
    ['leading zeros lost', '0000abc123', 'abc123'],
    ['another case', '55AA10FF', '55aa10ff'],
  ])('should ignore %s', async (_, sentId, reportedId) => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1', providerMessageId: sentId });

    const outcome = await service.ingestReceipt(aReceipt(reportedId, 'DELIVERED'));

    expect(outcome).toMatchObject({ outcome: 'applied', messageId: 'm-1' });
  });

  it.each([
    ['a decimal id reported in hex', '1602718841', '5F878C79'],
    ['a hex id reported in decimal', '55AA10FF', '1437208831'],
  ])('should match %s when the provider is set to decimalHex', async (_, sentId, reportedId) => {
    const plain = ledgers.open();
    const matching = ledgers.open({ receiptMatching: { solapi: { decimalHex: true } } });
    for (const { service } of [plain, matching]) {
      await recordSend(service, { messageId: 'm-1', providerMessageId: sentId });
    }

    const receipt = aReceipt(reportedId, 'DELIVERED');
    const unmatched = await plain.service.ingestReceipt(receipt);
    expect(unmatched.outcome).not.toBe('applied');
    expect(unmatched.reason).toContain(reportedId);
    expect((await recordOf(plain.service, 'm-1')).status).toBe('SENT');
    expect(await matching.service.ingestReceipt(receipt)).toMatchObject({
      outcome: 'applied',
      messageId: 'm-1',
    });
  });

  it('should not match a message of another provider with the same id', async () => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1', providerId: 'iwinv', providerMessageId: 'X' });

    const outcome = await service.ingestReceipt(aReceipt('X', 'DELIVERED'));

    expect(outcome.outcome).not.toBe('applied');
    expect(outcome.messageId).toBeUndefined();
    expect((await recordOf(service, 'm-1')).status).toBe('SENT');
    expect(await service.history('m-1')).toHaveLength(1);
  });
});

describe('the same receipt twice', () => {
  it('should have one effect, the second ignored as a duplicate', async () => {
    const { service, clock } = ledgers.open();
    await recordSend(service, { messageId: 'm-1' });
    const receipt = aReceipt('p-m-1', 'DELIVERED');

    await service.ingestReceipt(receipt);
    clock.advance(5 * SECOND);
    const again = await service.ingestReceipt({ ...receipt, providerMessageId: '0P-M-1' });

    expect(again).toEqual({
      outcome: 'ignored',
      reason: 'duplicate receipt: already recorded',
      messageId: 'm-1',
      status: 'DELIVERED',
    });
    const history = await service.history('m-1');
    expect(history.map((e) => e.type)).toEqual([
      'SendRecorded',
      'ReceiptReceived',
      'StatusChanged',
    ]);
    expect((await recordOf(service, 'm-1')).statusUpdatedAt).toEqual(new Date(T0));
  });

  it('should have one effect when both arrive at once', async () => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1' });
    const receipt = aReceipt('p-m-1', 'FAILED', { errorCode: '3059' });

    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => service.ingestReceipt(receipt)),
    );

    // Identical decisions made at once are appended once (their event ids are equal), so
    // each caller hears 'applied'; what matters is the single effect in the history.
    expect(outcomes.map((o) => o.status)).toEqual(Array(6).fill('FAILED'));
    const types = (await service.history('m-1')).map((e) => e.type);
    expect(types.filter((type) => type === 'ReceiptReceived')).toHaveLength(1);
    expect(types.filter((type) => type === 'StatusChanged')).toHaveLength(1);
  });
});

describe('a receipt that cannot be read', () => {
  const bad: Array<[string, Partial<Receipt>, string]> = [
    ['a status outside the six', { status: 'READ' as Receipt['status'] }, 'receipt.status'],
    ['a blank provider message id', { providerMessageId: ' ' }, 'receipt.providerMessageId'],
    ['no provider id', { providerId: undefined as unknown as string }, 'receipt.providerId'],
    ['an invalid time', { occurredAt: new Date('never') }, 'receipt.occurredAt'],
  ];

  it.each(bad)('should be rejected for %s, recording nothing', async (_, spoil, field) => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1' });

    const error = await service
      .ingestReceipt({ ...aReceipt('p-m-1', 'DELIVERED'), ...spoil })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', path: field });
    expect(await service.history('m-1')).toHaveLength(1);
  });
});
