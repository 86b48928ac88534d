import { describe, expect, it } from 'vitest';
import { expectOutcome } from '../format-harness.js';
import type { FormatLedgers } from '../format-ledgers.js';
import type { FormatTable, ReportedStatus } from '../format-table.js';

/** A receipt that comes after one it should have come before, and the minutes of each. */
const LATE_RECEIPTS: readonly {
  readonly first: ReportedStatus;
  readonly late: ReportedStatus;
  readonly case: string;
  readonly minutes: readonly [number, number];
}[] = [
  { first: 'DELIVERED', late: 'SENT', case: 'sent after delivered', minutes: [10, 2] },
  { first: 'DELIVERED', late: 'FAILED', case: 'failed after delivered', minutes: [10, 12] },
  { first: 'FAILED', late: 'DELIVERED', case: 'delivered after failed', minutes: [10, 12] },
  { first: 'FAILED', late: 'SENT', case: 'an intermediate status after failed', minutes: [10, 2] },
  {
    first: 'UNKNOWN',
    late: 'SENT',
    case: 'an intermediate status after unknown',
    minutes: [10, 2],
  },
];

/** Repeated receipts have one effect; late ones stay in history and move nothing back. */
export function describeRepeatsAndOrder(table: FormatTable, ledgers: FormatLedgers): void {
  describe('a receipt that comes twice', () => {
    it.each(table.reports)('should have one effect for a %s receipt', async (status) => {
      const harness = await ledgers.shared();
      await harness.send(1);
      const receipt = harness.receipt(1, status, 5);

      const first = await harness.deliverOne(receipt);
      const second = await harness.deliverOne(receipt);

      expectOutcome(first, table, { outcome: 'applied', status });
      expectOutcome(second, table, {
        outcome: 'ignored',
        reason: 'duplicate receipt: already recorded',
        status,
      });
      const messageId = harness.messageId(1);
      expect(await harness.api.receiptsOf(messageId)).toHaveLength(1);
      expect(await harness.api.statusOf(messageId)).toBe(status);
    });
  });

  const late = LATE_RECEIPTS.filter(
    (c) => table.reports.includes(c.first) && table.reports.includes(c.late),
  );
  describe('a receipt that comes out of order', () => {
    it.each(late)(
      'should keep $case in history without moving the status back',
      async ({ first, late, minutes }) => {
        const harness = await ledgers.shared();
        await harness.send(1);
        const messageId = harness.messageId(1);

        await harness.deliverOne(harness.receipt(1, first, minutes[0]));
        const result = await harness.deliverOne(harness.receipt(1, late, minutes[1]));

        expectOutcome(result, table, {
          outcome: 'ignored',
          reason: expect.stringMatching(/^kept in history, not applied: /),
          status: first,
        });
        expect(await harness.api.statusOf(messageId)).toBe(first);
        const receipts = await harness.api.receiptsOf(messageId);
        expect(receipts.map((event) => event.data.disposition)).toEqual(['applied', 'not-applied']);
        expect(receipts[1]?.data).toMatchObject({
          observation: { status: late },
          reason: expect.stringContaining(late),
        });
        const changes = (await harness.api.history(messageId)).filter((e) =>
          e.type.startsWith('Status'),
        );
        expect(changes.map((e) => [e.type, e.data.from, e.data.to])).toEqual([
          ['StatusChanged', 'SENT', first],
        ]);
      },
    );
  });
}
