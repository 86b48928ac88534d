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

  // Fails: recordSend waits a whole poll interval (1000 ms, src/eventstore/in-memory.ts,
  // subscribeToAll) for each receipt it applies. ReceiptDesk.claimParked appends the
  // ParkedReceiptApplied event while the projection's subscription is still handling the
  // message's events, and WakeupSignal.wake (src/eventstore/follow-log.ts) only wakes the
  // subscriptions asleep at that moment; the wake-up is lost, and waitFor sleeps till the poll.
  it('should be applied without waiting for a poll of the event store', async () => {
    const took = await receiptThenSend();

    expect(took).toBeLessThan(500);
  });
});
