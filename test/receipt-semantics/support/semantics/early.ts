import { describe, expect, it } from 'vitest';
import { expectOutcome } from '../format-harness.js';
import type { FormatLedgers } from '../format-ledgers.js';
import type { FormatTable } from '../format-table.js';
import { HOUR, MINUTE } from '../receipt-times.js';

const TTL = HOUR;

/** Receipts that come before their send wait for it, and are dropped after the TTL. */
export function describeEarlyReceipts(table: FormatTable, ledgers: FormatLedgers): void {
  describe('a receipt that comes before its send', () => {
    it('should wait for its send, listed as waiting, and be applied with it', async () => {
      const harness = await ledgers.shared();
      const { api } = harness;
      const id = harness.id(1);

      const result = await harness.deliverOne(harness.receipt(1, 'DELIVERED', 5));

      expectOutcome(result, table, { outcome: 'pending', reason: expect.stringContaining(id) });
      const waiting = await harness.waiting(id);
      expect(waiting).toEqual([expect.objectContaining({ status: 'DELIVERED' })]);

      await harness.send(1);

      expect(await api.statusOf(harness.messageId(1))).toBe('DELIVERED');
      const history = await api.history(harness.messageId(1));
      expect(history.map((event) => event.type)).toEqual([
        'SendRecorded',
        'ReceiptReceived',
        'StatusChanged',
      ]);
      expect(await harness.waiting(id)).toEqual([]);
      expect(await api.parkingHistory(waiting[0]!.receiptKey)).toEqual([
        'ReceiptParked',
        'ParkedReceiptApplied',
      ]);
    });

    it('should wait once for a receipt that comes twice before its send', async () => {
      const harness = await ledgers.shared();
      const receipt = harness.receipt(1, 'FAILED', 5);

      await harness.deliverOne(receipt);
      const again = await harness.deliverOne(receipt);
      const waiting = await harness.waiting(harness.id(1));
      await harness.send(1);

      expectOutcome(again, table, { outcome: 'pending' });
      expect(waiting).toHaveLength(1);
      expect(await harness.api.receiptsOf(harness.messageId(1))).toHaveLength(1);
      expect(await harness.api.statusOf(harness.messageId(1))).toBe('FAILED');
    });

    it('should drop a receipt whose send does not come within the TTL, and say so', async () => {
      const harness = await ledgers.shared({ service: { unmatchedReceiptTtlMs: TTL } });
      const { api } = harness;
      await harness.deliverOne(harness.receipt(1, 'DELIVERED', 5));
      const [waiting] = await harness.waiting(harness.id(1));

      api.clock.advance(TTL - MINUTE);
      const before = await api.service.runOnce();
      const stillWaiting = await harness.waiting(harness.id(1));
      api.clock.advance(2 * MINUTE);
      const after = await api.service.runOnce();

      expect(before.expiredReceipts).toBeUndefined();
      expect(stillWaiting).toHaveLength(1);
      expect(after.expiredReceipts).toBe(1);
      expect(await harness.waiting(harness.id(1))).toEqual([]);
      expect(await api.parkingHistory(waiting!.receiptKey)).toEqual([
        'ReceiptParked',
        'ParkedReceiptExpired',
      ]);

      await harness.send(1);

      expect(await api.statusOf(harness.messageId(1))).toBe('SENT');
      expect(await api.receiptsOf(harness.messageId(1))).toEqual([]);
    });
  });
}
