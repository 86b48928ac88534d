import { afterEach, describe, expect, it } from 'vitest';
import type { Receipt } from '../../src/receipts/receipt.js';
import { DeliveryTrackingService } from '../../src/service/delivery-tracking-service.js';
import { at, T0 } from './support/receipt-times.js';

/*
 * A receipt that comes before its send, on the stores the library uses when given none: an
 * InMemoryEventStore and an InMemoryProjectionStore.
 */

const PHONE = '01055512345';

const delivered: Receipt = {
  providerId: 'smsc',
  providerMessageId: '7a3f90c1',
  status: 'DELIVERED',
  providerStatus: 'DELIVRD',
  occurredAt: at(5),
  raw: 'id:7a3f90c1 stat:DELIVRD',
};

describe('a receipt that comes before its send, on the in-memory stores', () => {
  let service: DeliveryTrackingService;
  afterEach(() => service.close());

  /** Takes the receipt, then records its send; gives how long recording the send took. */
  async function receiptThenSend(): Promise<number> {
    service = new DeliveryTrackingService({ now: () => T0 });
    await service.ingestReceipt(delivered);
    const started = performance.now();
    await service.recordSend(
      { messageId: 'message-1', timestamp: T0, options: { type: 'SMS', to: PHONE } },
      {
        messageId: 'message-1',
        providerId: 'smsc',
        providerMessageId: '7A3F90C1',
        status: 'SENT',
        type: 'SMS',
        to: PHONE,
      },
    );
    return performance.now() - started;
  }

  it('should be applied when the send is recorded', async () => {
    await receiptThenSend();

    expect((await service.getRecord('message-1'))?.status).toBe('DELIVERED');
    expect((await service.history('message-1')).map((event) => event.type)).toEqual([
      'SendRecorded',
      'ReceiptReceived',
      'StatusChanged',
    ]);
  });

  // An append that comes while the projection's subscription is busy must not be lost until
  // the next poll of the store (a second, on the in-memory store): recordSend would wait for it.
  it('should be applied without waiting for a poll of the event store', async () => {
    const took = await receiptThenSend();

    expect(took).toBeLessThan(500);
  });
});
