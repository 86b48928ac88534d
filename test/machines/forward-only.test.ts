import { describe, expect, it } from 'vitest';
import type { DeliveryCommand } from '../../src/machines/commands.js';
import type { DeliveryEvent } from '../../src/machines/events.js';
import type { DeliveryStatus } from '../../src/machines/status.js';
import {
  aReceipt,
  checkAnswered,
  given,
  HOUR,
  historyIn,
  policy,
  receiptReceived,
  SETTLED_AT,
  statusSettledLate,
  T0,
  TRACKING_TIMEOUT,
} from './given.js';

const NOW = T0 + HOUR;

type Report = (status: DeliveryStatus) => DeliveryCommand;

/** The two ways a provider reports a status, and the event that records each. */
const reports: [string, DeliveryEvent['type'], Report][] = [
  [
    'a check answer',
    'CheckCompleted',
    (status) => checkAnswered(NOW, { status, statusCode: 'late-code' }),
  ],
  [
    'a receipt',
    'ReceiptReceived',
    (status) =>
      receiptReceived(
        NOW,
        aReceipt('r-late', status, { observation: { status, statusCode: 'late-code' } }),
      ),
  ],
];

describe.each(reports)('a status from %s', (_, reportEvent, report) => {
  it.each<[DeliveryStatus, DeliveryStatus]>([
    ['PENDING', 'SENT'],
    ['PENDING', 'DELIVERED'],
    ['PENDING', 'FAILED'],
    ['SENT', 'DELIVERED'],
    ['SENT', 'FAILED'],
    ['SENT', 'CANCELLED'],
    ['SENT', 'UNKNOWN'],
  ])('should move a %s message forward to %s', (current, observed) => {
    const { decision } = given(...historyIn(current))
      .when(report(observed))
      .thenState({ status: observed, statusUpdatedAt: NOW, providerStatusCode: 'late-code' });

    expect(decision.events.map((event) => event.type)).toEqual([reportEvent, 'StatusChanged']);
    expect(decision.events[0]).toMatchObject({ data: { disposition: 'applied' } });
    expect(decision.events[1]).toMatchObject({ data: { from: current, to: observed } });
  });

  it.each<[DeliveryStatus, DeliveryStatus, string]>([
    ['SENT', 'PENDING', 'PENDING would move the message back from SENT'],
    ['DELIVERED', 'SENT', 'the message is already DELIVERED, a final status; SENT came after it'],
    [
      'DELIVERED',
      'PENDING',
      'the message is already DELIVERED, a final status; PENDING came after it',
    ],
    [
      'DELIVERED',
      'FAILED',
      'the message is already DELIVERED, a final status; FAILED came after it',
    ],
    [
      'DELIVERED',
      'UNKNOWN',
      'the message is already DELIVERED, a final status; UNKNOWN came after it',
    ],
    [
      'FAILED',
      'DELIVERED',
      'the message is already FAILED, a final status; DELIVERED came after it',
    ],
    [
      'CANCELLED',
      'DELIVERED',
      'the message is already CANCELLED, a final status; DELIVERED came after it',
    ],
    [
      'UNKNOWN',
      'SENT',
      'the message already ended UNKNOWN; only DELIVERED or FAILED can settle it, not SENT',
    ],
    [
      'UNKNOWN',
      'CANCELLED',
      'the message already ended UNKNOWN; only DELIVERED or FAILED can settle it, not CANCELLED',
    ],
  ])('should only record, not apply, a move from %s back to %s', (current, observed, reason) => {
    const before = given(...historyIn(current)).state!;
    const { decision } = given(...historyIn(current))
      .when(report(observed))
      .thenState({ status: current, statusUpdatedAt: before.statusUpdatedAt });

    expect(decision.events.map((event) => event.type)).toEqual([reportEvent]);
    expect(decision.events[0]).toMatchObject({ data: { disposition: 'not-applied', reason } });
    expect(decision.state?.providerStatusCode).toBeUndefined();
  });

  it.each<DeliveryStatus>(['PENDING', 'SENT'])(
    'should confirm a %s message that is reported at the same status, and take the new details',
    (status) => {
      const { decision } = given(...historyIn(status))
        .when(report(status))
        .thenState({ status, providerStatusCode: 'late-code' });

      expect(decision.events.map((event) => event.type)).toEqual([reportEvent]);
      expect(decision.events[0]).toMatchObject({ data: { disposition: 'unchanged' } });
      expect(decision.events[0]?.data).not.toHaveProperty('reason');
    },
  );

  it.each<DeliveryStatus>(['DELIVERED', 'FAILED', 'CANCELLED', 'UNKNOWN'])(
    'should keep a repeat of the final status %s in history only, with the details that settled it',
    (status) => {
      const { state } = given(...historyIn(status));
      const { decision } = given(...historyIn(status)).when(report(status));

      expect(decision.events.map((event) => event.type)).toEqual([reportEvent]);
      expect(decision.events[0]).toMatchObject({ data: { disposition: 'unchanged' } });
      expect(decision.state?.providerStatusCode).toBe(state?.providerStatusCode);
      expect(decision.state?.raw).toEqual(state?.raw);
    },
  );
});

describe('settling a message that ended UNKNOWN', () => {
  const cases: [string, DeliveryStatus, DeliveryCommand, 'check' | 'receipt'][] = [
    [
      'a check answer',
      'DELIVERED',
      checkAnswered(NOW, { status: 'DELIVERED', deliveredAt: NOW }),
      'check',
    ],
    ['a check answer', 'FAILED', checkAnswered(NOW, { status: 'FAILED', failedAt: NOW }), 'check'],
    ['a receipt', 'DELIVERED', receiptReceived(NOW, aReceipt('r-1', 'DELIVERED')), 'receipt'],
    ['a receipt', 'FAILED', receiptReceived(NOW, aReceipt('r-1', 'FAILED')), 'receipt'],
  ];

  it.each(cases)('should let %s settle it %s late', (_, settled, command, cause) => {
    const { decision } = given(...historyIn('UNKNOWN'))
      .when(command)
      .thenState({ status: settled, statusUpdatedAt: NOW, settledLate: true });

    expect(decision.events).toHaveLength(2);
    expect(decision.events[0]).toMatchObject({ data: { disposition: 'settled-late' } });
    expect(decision.events[1]).toMatchObject({
      type: 'StatusSettledLate',
      data: { from: 'UNKNOWN', to: settled, changedAt: NOW, cause },
    });
  });

  it('should emit StatusSettledLate, not StatusChanged, with what the report said', () => {
    const observation = {
      status: 'DELIVERED' as const,
      statusCode: '4000',
      deliveredAt: NOW - HOUR,
    };

    given(...historyIn('UNKNOWN'))
      .when(checkAnswered(NOW, observation))
      .thenEmits(
        {
          type: 'CheckCompleted',
          data: {
            checkedAt: NOW,
            attempt: 2,
            nextCheckAt: NOW + policy.backoffMs[1]!,
            result: { kind: 'status', observation },
            disposition: 'settled-late',
          },
        },
        {
          type: 'StatusSettledLate',
          data: {
            from: 'UNKNOWN',
            to: 'DELIVERED',
            changedAt: NOW,
            cause: 'check',
            statusCode: '4000',
            deliveredAt: NOW - HOUR,
          },
        },
      )
      .thenState({ deliveredAt: NOW - HOUR, providerStatusCode: '4000', nextCheckAt: NOW });
  });

  it('should not let a later report change a message settled late', () => {
    const settled: DeliveryEvent[] = [
      ...historyIn('UNKNOWN'),
      statusSettledLate('DELIVERED', NOW, 'receipt'),
    ];

    const { decision } = given(...settled)
      .when(receiptReceived(NOW + HOUR, aReceipt('r-2', 'FAILED')))
      .thenState({ status: 'DELIVERED', settledLate: true });

    expect(decision.events.map((event) => event.type)).toEqual(['ReceiptReceived']);
    expect(decision.events[0]).toMatchObject({ data: { disposition: 'not-applied' } });
  });

  it('should mark only messages settled late as such', () => {
    const { decision } = given(...historyIn('SENT')).when(
      receiptReceived(NOW, aReceipt('r-1', 'DELIVERED')),
    );

    expect(decision.state?.status).toBe('DELIVERED');
    expect(decision.state?.settledLate).toBeUndefined();
  });

  it('should keep the reason it ended UNKNOWN while it is not settled', () => {
    given(...historyIn('UNKNOWN'))
      .when(receiptReceived(NOW, aReceipt('r-1', 'SENT')))
      .thenState({ status: 'UNKNOWN', lastError: TRACKING_TIMEOUT, statusUpdatedAt: SETTLED_AT });
  });
});
