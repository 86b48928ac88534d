import { describe, expect, it } from 'vitest';
import { expectOutcome, type FormatHarness } from '../format-harness.js';
import type { FormatLedgers } from '../format-ledgers.js';
import type { FormatTable, ReportedStatus } from '../format-table.js';
import { HOUR } from '../receipt-times.js';

const TRACKING = {
  polling: { maxTrackingDurationMs: HOUR, unknownProviderStrategy: 'wait' as const },
};

/** A message whose tracking timed out, with its receipt still to come. */
async function timedOut(ledgers: FormatLedgers): Promise<FormatHarness> {
  const harness = await ledgers.shared({ service: TRACKING });
  await harness.send(1);
  harness.api.clock.advance(2 * HOUR);
  await harness.api.service.runOnce();
  expect(await harness.api.service.getRecord(harness.messageId(1))).toMatchObject({
    status: 'UNKNOWN',
    lastError: { code: 'TRACKING_TIMEOUT' },
  });
  return harness;
}

/** A receipt after tracking timed out settles the message; an intermediate one does not. */
export function describeLateReceipts(table: FormatTable, ledgers: FormatLedgers): void {
  const settling = (['DELIVERED', 'FAILED'] as const).filter((s) => table.reports.includes(s));

  describe('a receipt that comes after tracking timed out', () => {
    it.each(settling)('should settle the message %s, late', async (status: ReportedStatus) => {
      const harness = await timedOut(ledgers);
      const messageId = harness.messageId(1);

      const result = await harness.deliverOne(harness.receipt(1, status, 100));

      expectOutcome(result, table, { outcome: 'applied', messageId, status });
      expect(await harness.api.statusOf(messageId)).toBe(status);
      const history = await harness.api.history(messageId);
      expect(history.map((event) => event.type).slice(-2)).toEqual([
        'ReceiptReceived',
        'StatusSettledLate',
      ]);
      expect(history.at(-1)?.data).toMatchObject({ from: 'UNKNOWN', to: status });
    });

    it('should keep an intermediate receipt in history and leave the message UNKNOWN', async () => {
      const harness = await timedOut(ledgers);
      const messageId = harness.messageId(1);

      await harness.deliverOne(harness.receipt(1, 'SENT', 100));

      expect(await harness.api.statusOf(messageId)).toBe('UNKNOWN');
      const [receipt] = await harness.api.receiptsOf(messageId);
      expect(receipt?.data).toMatchObject({
        disposition: 'not-applied',
        reason: expect.stringContaining('UNKNOWN'),
      });
    });
  });
}
