import { expect } from 'vitest';
import { type DeliveryStatus, isTerminal } from '../../../src/machines/status.js';
import type { HistoryEntry } from '../../../src/service/delivery-tracking-service.js';

/** Order of progress: PENDING, then SENT, then any final status. */
const rank = (status: DeliveryStatus) => (status === 'PENDING' ? 0 : status === 'SENT' ? 1 : 2);

/**
 * Checks that a history never moves a status backwards: each StatusChanged goes from the status
 * the history was in to one of higher rank (so never away from a final status), and a final
 * status changes only by a StatusSettledLate from UNKNOWN to DELIVERED or FAILED. Gives the
 * status the history ends in.
 */
export function expectForwardOnly(history: readonly HistoryEntry[]): DeliveryStatus {
  let status: DeliveryStatus | undefined;
  for (const event of history) {
    const from = event.data.from as DeliveryStatus;
    const to = event.data.to as DeliveryStatus;
    if (event.type === 'SendRecorded') {
      expect(status, 'a second SendRecorded').toBeUndefined();
      status = event.data.status as DeliveryStatus;
    } else if (event.type === 'StatusChanged') {
      expect(from, `StatusChanged from ${from} while ${status}`).toBe(status);
      expect(isTerminal(from), `StatusChanged away from final ${from}`).toBe(false);
      expect(rank(to), `StatusChanged back from ${from} to ${to}`).toBeGreaterThan(rank(from));
      status = to;
    } else if (event.type === 'StatusSettledLate') {
      expect([status, from], 'StatusSettledLate from another status than UNKNOWN').toEqual([
        'UNKNOWN',
        'UNKNOWN',
      ]);
      expect(['DELIVERED', 'FAILED']).toContain(to);
      status = to;
    }
  }
  if (status === undefined) throw new Error('expected a history that starts with SendRecorded');
  return status;
}

/** The receipt keys a history took, in order. */
export function receiptKeysOf(history: readonly HistoryEntry[]): string[] {
  return history
    .filter((event) => event.type === 'ReceiptReceived')
    .map((event) => String(event.data.receiptKey));
}
