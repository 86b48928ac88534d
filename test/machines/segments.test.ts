import { describe, expect, it } from 'vitest';
import type { ReceiptToApply } from '../../src/machines/commands.js';
import { decide } from '../../src/machines/decide.js';
import type { DeliveryEvent } from '../../src/machines/events.js';
import { replay } from '../../src/machines/state.js';
import { aReceipt, given, MINUTE, receiptReceived, sendRecorded, T0 } from './given.js';

function part(index: number, count: number, status: 'SENT' | 'DELIVERED' | 'FAILED', at: number) {
  return aReceipt(`part-${index}-${status}`, status, {
    providerStatus: status.toLowerCase(),
    segment: { index, count },
    observation: {
      status,
      statusCode: status.toLowerCase(),
      ...(status === 'DELIVERED' && { deliveredAt: at }),
      ...(status === 'FAILED' && { failedAt: at }),
    },
  });
}

/** Feeds receipts one after the other, as the service would, and returns the events. */
function feed(receipts: ReceiptToApply[]): DeliveryEvent[] {
  const events: DeliveryEvent[] = [sendRecorded()];
  receipts.forEach((receipt, i) => {
    const decision = decide(replay(events), receiptReceived(T0 + (i + 1) * MINUTE, receipt));
    events.push(...decision.events);
  });
  return events;
}

describe('a multi-part message', () => {
  it('should stay SENT while only some parts are delivered', () => {
    given(sendRecorded())
      .when(receiptReceived(T0 + MINUTE, part(1, 3, 'DELIVERED', T0)))
      .thenState({ status: 'SENT', segments: { '1': 'DELIVERED' } })
      .thenAwaitsProvider(false);
  });

  it('should be DELIVERED when every part is, with the last part time', () => {
    const events = feed([part(1, 2, 'DELIVERED', T0 + 10), part(2, 2, 'DELIVERED', T0 + 20)]);
    const state = replay(events);

    expect(state).toMatchObject({ status: 'DELIVERED', deliveredAt: T0 + 20 });
    expect(events.filter((e) => e.type === 'ReceiptReceived')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'StatusChanged')).toHaveLength(1);
  });

  it('should be FAILED as soon as any part fails', () => {
    const events = feed([part(1, 3, 'DELIVERED', T0), part(2, 3, 'FAILED', T0 + 5)]);

    expect(replay(events)).toMatchObject({ status: 'FAILED', failedAt: T0 + 5 });
  });

  it('should keep every part receipt in history, whatever order they come in', () => {
    const parts = [part(1, 3, 'DELIVERED', 1), part(2, 3, 'SENT', 2), part(3, 3, 'DELIVERED', 3)];
    const later = part(2, 3, 'DELIVERED', 4);

    const inOrder = replay(feed([...parts, later]));
    const shuffled = replay(feed([later, parts[2]!, parts[0]!, parts[1]!]));

    expect(inOrder?.status).toBe('DELIVERED');
    expect(shuffled?.status).toBe('DELIVERED');
    expect(shuffled?.segments).toEqual({ '1': 'DELIVERED', '2': 'DELIVERED', '3': 'DELIVERED' });
  });

  it('should not move a part backwards, and say which part', () => {
    const events = feed([part(1, 2, 'DELIVERED', 1)]);

    const decision = decide(
      replay(events),
      receiptReceived(T0 + 9 * MINUTE, part(1, 2, 'SENT', 2)),
    );

    expect(decision.events).toHaveLength(1);
    expect(decision.events[0]).toMatchObject({
      type: 'ReceiptReceived',
      data: { disposition: 'not-applied', reason: expect.stringContaining('part 1 of 2') },
    });
    expect(decision.state?.segments).toEqual({ '1': 'DELIVERED' });
  });
});
