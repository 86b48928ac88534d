import { describe, expect, it } from 'vitest';
import type { DeliveryEvent } from '../../src/machines/events.js';
import {
  aReceipt,
  given,
  HOUR,
  historyIn,
  MINUTE,
  receiptReceived,
  SECOND,
  sendRecorded,
  statusChanged,
  T0,
} from './given.js';

const NOW = T0 + MINUTE;

describe('a delivery receipt', () => {
  it('should record the receipt and apply its status', () => {
    const receipt = aReceipt('solapi:prov-1:4000', 'DELIVERED', {
      format: 'solapi',
      providerStatus: '4000',
      occurredAt: T0 + 40 * SECOND,
      observation: {
        status: 'DELIVERED',
        statusCode: '4000',
        deliveredAt: T0 + 40 * SECOND,
        raw: { statusCode: '4000' },
      },
    });

    given(sendRecorded())
      .when(receiptReceived(NOW, receipt))
      .thenEmits(
        {
          type: 'ReceiptReceived',
          data: {
            receiptKey: 'solapi:prov-1:4000',
            receivedAt: NOW,
            format: 'solapi',
            providerStatus: '4000',
            occurredAt: T0 + 40 * SECOND,
            observation: receipt.observation,
            disposition: 'applied',
          },
        },
        statusChanged('SENT', 'DELIVERED', NOW, 'receipt', {
          statusCode: '4000',
          deliveredAt: T0 + 40 * SECOND,
          raw: { statusCode: '4000' },
        }),
      )
      .thenAwaitsProvider(false)
      .thenState({
        status: 'DELIVERED',
        statusUpdatedAt: NOW,
        deliveredAt: T0 + 40 * SECOND,
        providerStatusCode: '4000',
        receiptKeys: ['solapi:prov-1:4000'],
      });
  });

  it("should keep the provider's error code of a failure", () => {
    const receipt = aReceipt('r-1', 'FAILED', {
      providerStatus: 'UNDELIV',
      errorCode: '3104',
      observation: { status: 'FAILED', statusCode: '3104', failedAt: NOW },
    });

    const { decision } = given(sendRecorded())
      .when(receiptReceived(NOW, receipt))
      .thenState({ status: 'FAILED', failedAt: NOW, providerStatusCode: '3104' });

    expect(decision.events[0]).toMatchObject({
      type: 'ReceiptReceived',
      data: { providerStatus: 'UNDELIV', errorCode: '3104' },
    });
  });

  it('should not count as a check', () => {
    given(sendRecorded())
      .when(receiptReceived(NOW, aReceipt('r-1', 'DELIVERED')))
      .thenState({ attemptCount: 0 });
  });

  it('should move a scheduled message from PENDING to SENT without moving its next check', () => {
    const [scheduled] = historyIn('PENDING');

    given(scheduled!)
      .when(receiptReceived(NOW, aReceipt('r-1', 'SENT')))
      .thenState({ status: 'SENT', nextCheckAt: T0 + HOUR + 2 * MINUTE });
  });

  it('should end polling when it brings a final status', () => {
    given(sendRecorded())
      .when(receiptReceived(NOW, aReceipt('r-1', 'CANCELLED')))
      .thenState({ status: 'CANCELLED', nextCheckAt: NOW });
  });
});

describe('the same receipt twice', () => {
  const first: DeliveryEvent = {
    type: 'ReceiptReceived',
    data: {
      receiptKey: 'r-1',
      receivedAt: NOW,
      providerStatus: 'SENT',
      observation: { status: 'SENT' },
      disposition: 'unchanged',
    },
  };

  it('should have one effect: the second emits nothing', () => {
    given(sendRecorded(), first)
      .when(receiptReceived(NOW + MINUTE, aReceipt('r-1', 'SENT')))
      .thenEmitsNothing()
      .thenState({ receiptKeys: ['r-1'] });
  });

  it('should be known by its key, whatever it says the second time', () => {
    given(sendRecorded(), first)
      .when(receiptReceived(NOW + MINUTE, aReceipt('r-1', 'DELIVERED')))
      .thenEmitsNothing()
      .thenState({ status: 'SENT' });
  });

  it('should be known by its key even when it was not applied the first time', () => {
    const notApplied: DeliveryEvent = {
      type: 'ReceiptReceived',
      data: {
        receiptKey: 'r-back',
        receivedAt: NOW,
        providerStatus: 'PENDING',
        observation: { status: 'PENDING' },
        disposition: 'not-applied',
        reason: 'PENDING would move the message back from SENT',
      },
    };

    given(sendRecorded(), notApplied)
      .when(receiptReceived(NOW + MINUTE, aReceipt('r-back', 'PENDING')))
      .thenEmitsNothing();
  });

  it('should not stop a different receipt with the same status', () => {
    const { decision } = given(sendRecorded(), first)
      .when(receiptReceived(NOW + MINUTE, aReceipt('r-2', 'SENT')))
      .thenState({ receiptKeys: ['r-1', 'r-2'] });

    expect(decision.events).toHaveLength(1);
    expect(decision.events[0]).toMatchObject({
      type: 'ReceiptReceived',
      data: { receiptKey: 'r-2', disposition: 'unchanged' },
    });
  });

  it('should have one effect when it settled the message the first time', () => {
    const settle = receiptReceived(NOW, aReceipt('r-1', 'DELIVERED'));
    const once = given(sendRecorded()).when(settle).decision;

    given(sendRecorded(), ...once.events)
      .when(receiptReceived(NOW + MINUTE, aReceipt('r-1', 'DELIVERED')))
      .thenEmitsNothing()
      .thenState({ status: 'DELIVERED', statusUpdatedAt: NOW });
  });
});

describe('a receipt for a message not tracked', () => {
  it('should emit nothing', () => {
    const outcome = given()
      .when(receiptReceived(NOW, aReceipt('r-1', 'DELIVERED')))
      .thenEmitsNothing();

    expect(outcome.decision.state).toBeUndefined();
  });
});
